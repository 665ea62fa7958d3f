//! threads: which OS threads run what. Four kinds of job — manual threads
//! (`std::thread::spawn`), scoped threads (`std::thread::scope`), I/O-like jobs
//! on the runtime's blocking pool, and CPU jobs on its workers — each record
//! the name and id of the thread that ran them. The table that comes out is
//! the runtime's thread architecture: how many workers, how many blocking
//! threads, and which is which.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::scenario::pools::sum_of_squares;
use crate::scenario::size;
use crate::timeline::{Recorder, Span};
use crate::{Check, Env, Log, Observed, Runtime, Scenario};

/// Configuration of the threads scenario.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, clap::Args)]
pub struct ThreadsConfig {
    /// Manual threads, and as many scoped threads.
    #[arg(long, default_value_t = 2, value_parser = size::<0, 64>, allow_negative_numbers = true)]
    pub manual: usize,
    /// I/O-like jobs (10 ms blocking sleeps) on the blocking pool.
    #[arg(long, default_value_t = 8, value_parser = size::<0, 256>, allow_negative_numbers = true)]
    pub io_jobs: usize,
    /// Short CPU jobs on the runtime's workers.
    #[arg(long, default_value_t = 8, value_parser = size::<0, 10_000>, allow_negative_numbers = true)]
    pub cpu_jobs: usize,
}

impl Default for ThreadsConfig {
    fn default() -> Self {
        Self { manual: 2, io_jobs: 8, cpu_jobs: 8 }
    }
}

/// The kinds of job, as span labels.
pub const MANUAL: &str = "manual thread";
/// See [`MANUAL`].
pub const SCOPED: &str = "scoped thread";
/// See [`MANUAL`].
pub const IO: &str = "I/O pool";
/// See [`MANUAL`].
pub const CPU: &str = "CPU workers";
/// See [`MANUAL`]: one job per worker, all of them running at once.
pub const TOGETHER: &str = "all workers";

/// How long a [`Gate`] waits for every worker to arrive before giving up.
pub const GATE_TIMEOUT: Duration = Duration::from_secs(2);

/// A meeting point for one job per worker: each job blocks its thread until
/// all have arrived. It opens only if that many jobs run at the same moment,
/// i.e. the executor really has that many workers; with fewer it times out.
///
/// ```
/// use demos_core::scenario::threads::Gate;
/// let gate = Gate::new(2);
/// std::thread::scope(|s| {
///     s.spawn(|| gate.arrive());
///     s.spawn(|| gate.arrive());
/// });
/// assert!(gate.opened());
/// ```
#[derive(Debug)]
pub struct Gate {
    want: usize,
    state: std::sync::Mutex<GateState>,
    changed: std::sync::Condvar,
}

#[derive(Debug, Default)]
struct GateState {
    arrived: usize,
    gave_up: bool,
}

impl Gate {
    /// A gate for `want` jobs.
    pub fn new(want: usize) -> Self {
        Self { want, state: Default::default(), changed: std::sync::Condvar::new() }
    }

    /// Arrive and wait, blocking this thread, until all have arrived, for at
    /// most [`GATE_TIMEOUT`] (or until Ctrl-C). Returns whether all met.
    pub fn arrive(&self) -> bool {
        let deadline = Instant::now() + GATE_TIMEOUT;
        let mut state = self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        state.arrived += 1;
        self.changed.notify_all();
        while state.arrived < self.want && Instant::now() < deadline && !crate::interrupt::requested() {
            let slice = crate::interrupt::POLL.min(deadline.saturating_duration_since(Instant::now()));
            state = self.changed.wait_timeout(state, slice).unwrap_or_else(|e| e.into_inner()).0;
        }
        let met = state.arrived >= self.want;
        state.gave_up |= !met;
        met
    }

    /// Whether every job arrived while all the others were still waiting.
    pub fn opened(&self) -> bool {
        let state = self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        state.arrived == self.want && !state.gave_up
    }
}

/// An I/O-like job: block the thread for a while, as a sync call would.
pub fn io_job() {
    thread::sleep(Duration::from_millis(10));
}

/// A short CPU-bound job.
pub fn cpu_job() -> u64 {
    sum_of_squares(0..50_000)
}

/// Run job `i` of `kind` on this thread, then log where it ran and record it.
/// After Ctrl-C the job is skipped: it neither runs nor counts.
pub fn run_recorded<R>(rec: &Recorder, log: &Log, kind: &str, i: usize, job: impl FnOnce() -> R) {
    if crate::interrupt::requested() {
        return;
    }
    let start = Instant::now();
    job();
    let (thread, id) = crate::timeline::current_thread();
    log.line(format!("{kind} job {i} ran on {thread} (thread {id})"));
    rec.record(format_args!("{kind} {i}"), kind, start);
}

/// Run `cfg.manual` manual threads and as many scoped threads, recording each.
/// Plain std, the same on every runtime.
pub fn manual_and_scoped(cfg: &ThreadsConfig, rec: &Arc<Recorder>, log: &Log) {
    let manual: Vec<_> = (0..cfg.manual)
        .map(|i| {
            let (rec, log) = (rec.clone(), log.clone()); // a manual thread may outlive this call: it owns its share
            let job = move || {
                run_recorded(&rec, &log, MANUAL, i, cpu_job);
            };
            thread::Builder::new().name(format!("manual-{i}")).spawn(job).expect("the OS can start a thread")
        })
        .collect();
    for handle in manual {
        handle.join().expect("the job does not panic");
    }
    thread::scope(|scope| {
        for i in 0..cfg.manual {
            let job = move || {
                run_recorded(rec, log, SCOPED, i, cpu_job); // borrows: the scope outlives the thread
            };
            thread::Builder::new()
                .name(format!("scoped-{i}"))
                .spawn_scoped(scope, job)
                .expect("the OS can start a thread");
        }
    });
}

/// What the threads scenario measured.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct ThreadsMetrics {
    /// Jobs run, of every kind.
    pub jobs: u64,
    /// Distinct OS threads that ran them.
    pub distinct_threads: u64,
    /// Jobs expected, of every kind.
    pub jobs_expected: u64,
    /// Distinct threads that ran manual-thread jobs.
    pub manual_threads: u64,
    /// Distinct threads that ran scoped-thread jobs.
    pub scoped_threads: u64,
    /// Distinct threads of the blocking pool that ran I/O jobs.
    pub io_pool_threads: u64,
    /// Distinct worker threads that ran CPU jobs.
    pub cpu_worker_threads: u64,
    /// Worker threads asked for.
    pub workers: u64,
    /// Distinct threads that ran the one-job-per-worker phase.
    pub together_threads: u64,
    /// Whether all those jobs were running at the same moment (the gate opened).
    pub all_workers_at_once: bool,
}

/// Distinct thread ids per kind of job.
fn by_kind(spans: &[Span]) -> BTreeMap<&str, BTreeMap<u64, &str>> {
    let mut kinds: BTreeMap<&str, BTreeMap<u64, &str>> = BTreeMap::new();
    for span in spans {
        kinds.entry(span.label.as_str()).or_default().insert(span.thread_id, span.thread.as_str());
    }
    kinds
}

impl ThreadsMetrics {
    /// Metrics from the recorded spans.
    /// `opened` says whether the one-job-per-worker gate opened.
    pub fn from_spans(cfg: &ThreadsConfig, env: &Env, spans: &[Span], opened: bool) -> Self {
        let kinds = by_kind(spans);
        let count = |kind: &str| kinds.get(kind).map_or(0, |t| t.len() as u64);
        let mut all: Vec<u64> = spans.iter().map(|s| s.thread_id).collect();
        all.sort_unstable();
        all.dedup();
        Self {
            jobs: spans.len() as u64,
            distinct_threads: all.len() as u64,
            jobs_expected: (2 * cfg.manual + cfg.io_jobs + cfg.cpu_jobs + env.threads) as u64,
            manual_threads: count(MANUAL),
            scoped_threads: count(SCOPED),
            io_pool_threads: count(IO),
            cpu_worker_threads: count(CPU),
            workers: env.threads as u64,
            together_threads: count(TOGETHER),
            all_workers_at_once: opened,
        }
    }
}

/// The threads scenario, implemented by every runtime.
pub trait Threads {
    /// Run every kind of job and record the thread each ran on.
    fn threads(&self, cfg: &ThreadsConfig, env: &Env) -> Observed<ThreadsMetrics>;
}

/// Marker type naming the threads scenario.
#[derive(Debug)]
pub struct ThreadsScenario;

impl Scenario for ThreadsScenario {
    const NAME: &'static str = "threads";
    const ABOUT: &'static str = "manual, scoped, blocking-pool and worker threads: which OS thread ran what";
    type Config = ThreadsConfig;
    type Metrics = ThreadsMetrics;

    fn observe(rt: &dyn Runtime, cfg: &ThreadsConfig, env: &Env) -> Observed<ThreadsMetrics> {
        rt.threads(cfg, env)
    }

    fn checks(cfg: &ThreadsConfig, m: &ThreadsMetrics) -> Vec<Check> {
        vec![
            Check::new(
                "every job ran once",
                m.jobs == m.jobs_expected,
                format!("{}/{}", m.jobs, m.jobs_expected),
            ),
            Check::new(
                "each manual and scoped job had a thread of its own",
                m.manual_threads == cfg.manual as u64 && m.scoped_threads == cfg.manual as u64,
                format!("{} manual, {} scoped", m.manual_threads, m.scoped_threads),
            ),
            Check::new(
                "CPU jobs ran on at most --threads worker threads",
                m.cpu_worker_threads <= m.workers,
                format!("{} of {}", m.cpu_worker_threads, m.workers),
            ),
            Check::new(
                "--threads workers ran a job each at the same moment",
                m.all_workers_at_once && m.together_threads == m.workers,
                format!(
                    "{} jobs on {} threads met: {}",
                    m.workers, m.together_threads, m.all_workers_at_once
                ),
            ),
        ]
    }

    fn headline(cfg: &ThreadsConfig) -> String {
        format!(
            "{0} manual and {0} scoped threads, {1} blocking I/O jobs, {2} CPU jobs: which OS thread ran each",
            cfg.manual, cfg.io_jobs, cfg.cpu_jobs
        )
    }

    fn figures(_: &ThreadsConfig, m: &ThreadsMetrics) -> Vec<(String, String)> {
        vec![
            ("jobs".into(), format!("{} on {} distinct OS threads", m.jobs, m.distinct_threads)),
            ("blocking pool".into(), format!("{} threads ran the I/O jobs", m.io_pool_threads)),
            (
                "workers".into(),
                format!(
                    "{} of {} ran the short CPU jobs (a worker that finds no job queued runs none)",
                    m.cpu_worker_threads, m.workers
                ),
            ),
            (
                "all at once".into(),
                format!(
                    "{} jobs that wait for each other ran on {} threads, together: {}",
                    m.workers, m.together_threads, m.all_workers_at_once
                ),
            ),
        ]
    }

    fn details(_: &ThreadsConfig, _: &ThreadsMetrics, spans: &[Span]) -> Vec<String> {
        let mut lines = vec!["which threads ran each kind of job:".to_string()];
        for (kind, threads) in by_kind(spans) {
            let jobs = spans.iter().filter(|s| s.label == kind).count();
            let mut names: BTreeMap<&str, usize> = BTreeMap::new();
            for name in threads.values() {
                *names.entry(name).or_default() += 1;
            }
            let names: Vec<String> = names
                .into_iter()
                .map(|(n, k)| if k > 1 { format!("{n} ×{k}") } else { n.to_string() })
                .collect();
            lines.push(format!(
                "  {kind:<14} {jobs:>3} jobs on {:>2} thread(s): {}",
                threads.len(),
                names.join(", ")
            ));
        }
        lines
    }

    fn takeaway(_: &ThreadsConfig, m: &ThreadsMetrics, _: &Env) -> String {
        let workers = if m.workers == 1 && m.cpu_worker_threads == 1 {
            "its one worker thread ran every CPU job".to_string()
        } else {
            let together = if m.all_workers_at_once && m.together_threads == m.workers {
                format!("all {} worker threads ran a job at the same moment", m.workers)
            } else {
                format!(
                    "only {} of {} worker threads were seen running jobs at once",
                    m.together_threads, m.workers
                )
            };
            format!("{together} (the short CPU jobs went to {} of them)", m.cpu_worker_threads)
        };
        format!(
            "every runtime is a set of OS threads: {workers}, and {} other thread(s) of a separate blocking pool \
             ran the I/O jobs, because a blocked thread can run nothing else. Manual and scoped threads cost one OS \
             thread each; pools reuse theirs.",
            m.io_pool_threads
        )
    }
}
