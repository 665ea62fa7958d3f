//! threads: which OS threads run what. Four kinds of job — manual threads
//! (`std::thread::spawn`), scoped threads (`std::thread::scope`), I/O-like jobs
//! on the runtime's blocking pool, and CPU jobs on its workers — each record
//! the name and id of the thread that ran them. The table that comes out is
//! the runtime's thread architecture: how many workers, how many blocking
//! threads, and which is which. There is no live log: the table names the
//! threads of each kind, and a job-by-job log would only repeat it.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::report::{counted, format_ms};
use crate::scenario::pools::sum_of_squares;
use crate::scenario::size;
use crate::scenario::{Column, each, listed, names_where};
use crate::timeline::{Recorder, Span};
use crate::{Check, Env, Observed, Runtime, Scenario};

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

/// Run job `i` of `kind` on this thread and record where it ran.
/// After Ctrl-C the job is skipped: it neither runs nor counts.
pub fn run_recorded<R>(rec: &Recorder, kind: &str, i: usize, job: impl FnOnce() -> R) {
    if crate::interrupt::requested() {
        return;
    }
    let start = Instant::now();
    job();
    rec.record(format_args!("{kind} {i}"), kind, start);
}

/// Manual and scoped OS threads, beside the runtime and the same on every one
/// (plain std): `thread::Builder::spawn` for each manual job (joined here), then
/// `thread::scope` for the scoped ones, which may borrow from this function
/// because the scope outlives them.
pub fn manual_and_scoped(cfg: &ThreadsConfig, rec: &Arc<Recorder>) {
    let manual: Vec<_> = (0..cfg.manual)
        .map(|i| {
            let rec = rec.clone(); // a manual thread may outlive this call: it owns its share
            let job = move || run_recorded(&rec, MANUAL, i, cpu_job);
            thread::Builder::new().name(format!("manual-{i}")).spawn(job).expect("the OS can start a thread")
        })
        .collect();
    for handle in manual {
        handle.join().expect("the job does not panic");
    }
    thread::scope(|scope| {
        for i in 0..cfg.manual {
            let job = move || run_recorded(rec, SCOPED, i, cpu_job); // borrows: the scope outlives the thread
            thread::Builder::new()
                .name(format!("scoped-{i}"))
                .spawn_scoped(scope, job)
                .expect("the OS can start a thread");
        }
    });
}

/// What the threads scenario measured.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
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
    /// From the first I/O job's start to the last one's end, in ms.
    pub io_ms: f64,
    // claim: C-tokio-threads-takeaway-pool
    /// Threads that ran an I/O job and also a job on the workers: none expected,
    /// even on tokio, whose workers are threads of its blocking pool too.
    pub io_threads_also_workers: u64,
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
        let ids =
            |kind: &str| kinds.get(kind).map(|t| t.keys().copied().collect::<Vec<u64>>()).unwrap_or_default();
        let count = |kind: &str| ids(kind).len() as u64;
        let mut all: Vec<u64> = spans.iter().map(|s| s.thread_id).collect();
        all.sort_unstable();
        all.dedup();
        let io: Vec<&Span> = spans.iter().filter(|s| s.label == IO).collect();
        let io_start = io.iter().map(|s| s.start_us).fold(f64::INFINITY, f64::min);
        let io_end = io.iter().map(|s| s.end_us).fold(f64::NEG_INFINITY, f64::max);
        let workers: Vec<u64> = [ids(CPU), ids(TOGETHER)].concat();
        Self {
            jobs: spans.len() as u64,
            distinct_threads: all.len() as u64,
            jobs_expected: (2 * cfg.manual + cfg.io_jobs + cfg.cpu_jobs + env.threads) as u64,
            manual_threads: count(MANUAL),
            scoped_threads: count(SCOPED),
            io_pool_threads: count(IO),
            io_ms: if io.is_empty() { 0.0 } else { (io_end - io_start) / 1e3 },
            io_threads_also_workers: ids(IO).iter().filter(|id| workers.contains(id)).count() as u64,
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

/// Names of a set of threads, short: `tokio-rt-worker ×8`, `blocking-3 … blocking-10`.
///
/// ```
/// use demos_core::scenario::threads::thread_names;
/// assert_eq!(thread_names(["w", "w", "main"]), "main, w ×2");
/// assert_eq!(thread_names(["b-3", "b-1", "b-2", "b-10"]), "b-1 … b-10");
/// assert_eq!(thread_names(["io-0", "io-1"]), "io-0, io-1");
/// ```
pub fn thread_names<'a>(names: impl IntoIterator<Item = &'a str>) -> String {
    // Threads of one family, numbered: prefix -> their numbers.
    let mut numbered: BTreeMap<&str, Vec<u64>> = BTreeMap::new();
    let mut named: BTreeMap<&str, usize> = BTreeMap::new();
    for name in names {
        let digits = name.len() - name.trim_end_matches(|c: char| c.is_ascii_digit()).len();
        match name[name.len() - digits..].parse::<u64>() {
            Ok(n) if digits > 0 && digits < name.len() => {
                numbered.entry(&name[..name.len() - digits]).or_default().push(n)
            }
            _ => *named.entry(name).or_default() += 1,
        }
    }
    let mut parts: Vec<String> =
        named.into_iter().map(|(n, k)| if k > 1 { format!("{n} ×{k}") } else { n.to_string() }).collect();
    for (prefix, mut numbers) in numbered {
        numbers.sort_unstable();
        let (first, last) = (numbers[0], numbers[numbers.len() - 1]);
        let distinct = numbers.windows(2).all(|w| w[0] != w[1]);
        if numbers.len() <= 3 && distinct {
            parts.extend(numbers.iter().map(|n| format!("{prefix}{n}")));
        } else {
            parts.push(format!("{prefix}{first} … {prefix}{last}"));
        }
    }
    parts.join(", ")
}

/// Marker type naming the threads scenario.
#[derive(Debug)]
pub struct ThreadsScenario;

impl Scenario for ThreadsScenario {
    const KIND: crate::scenario::Kind = crate::scenario::Kind::Threads;
    const ABOUT: &'static str = "manual, scoped, blocking-pool and worker threads: which OS thread ran what";
    type Config = ThreadsConfig;
    type Metrics = ThreadsMetrics;

    fn observe(rt: &dyn Runtime, cfg: &ThreadsConfig, env: &Env) -> Observed<ThreadsMetrics> {
        rt.threads(cfg, env)
    }

    fn checks(cfg: &ThreadsConfig, m: &ThreadsMetrics) -> Vec<Check> {
        // No check on the manual and scoped threads' count: each job is given a
        // `thread::Builder::spawn` of its own, so std makes it one thread per job.
        // The table shows them; what the pools do with their threads is checked.
        let mut checks = vec![Check::new(
            "every job ran once",
            m.jobs == m.jobs_expected,
            format!("{}/{}", m.jobs, m.jobs_expected),
        )];
        if cfg.io_jobs > 0 {
            checks.push(Check::new(
                "no blocking job ran on a worker",
                m.io_threads_also_workers == 0,
                format!("{} of {} shared", m.io_threads_also_workers, counted(m.io_pool_threads, "thread")),
            ));
        }
        if cfg.cpu_jobs > 0 {
            checks.push(Check::new(
                "CPU jobs ran on at most --threads workers",
                m.cpu_worker_threads <= m.workers,
                format!("{} of {}", m.cpu_worker_threads, m.workers),
            ));
        }
        if m.workers > 1 {
            // One job alone meets nobody: the gate says something from two workers up.
            checks.push(Check::new(
                "--threads workers each ran a job at the same moment",
                m.all_workers_at_once && m.together_threads == m.workers,
                format!("{} met on {}", counted(m.workers, "job"), counted(m.together_threads, "thread")),
            ));
        }
        checks
    }

    fn headline(cfg: &ThreadsConfig) -> String {
        format!(
            "{}, {}, {} (10 ms sleeps) on the blocking pool, {} on the workers, then one job per \
             worker that waits for all the others: which OS thread ran each?",
            counted(cfg.manual as u64, "manual thread"),
            counted(cfg.manual as u64, "scoped thread"),
            counted(cfg.io_jobs as u64, "blocking I/O job"),
            counted(cfg.cpu_jobs as u64, "short CPU job"),
        )
    }

    fn figures(_: &ThreadsConfig, _: &ThreadsMetrics) -> Vec<(String, String)> {
        Vec::new() // the table below says it all, with the threads' names
    }

    fn details(_: &ThreadsConfig, m: &ThreadsMetrics, spans: &[Span]) -> Vec<String> {
        let kinds = by_kind(spans);
        let names =
            |kind: &str| kinds.get(kind).map(|t| thread_names(t.values().copied())).unwrap_or_default();
        let jobs = |kind: &str| spans.iter().filter(|s| s.label == kind).count() as u64;
        let threads = |kind: &str| kinds.get(kind).map_or(0, |t| t.len() as u64);
        let mut lines = vec![format!(
            "which OS thread ran each kind of job ({} on {}):",
            counted(m.jobs, "job"),
            counted(m.distinct_threads, "thread")
        )];
        let rows = [
            (MANUAL, "manual threads"),
            (SCOPED, "scoped threads"),
            (IO, "blocking pool"),
            (CPU, "CPU jobs"),
            (TOGETHER, "one per worker"),
        ];
        let row = |label: &str, text: String| format!("  {label:<16} {text}");
        for (kind, label) in rows {
            if jobs(kind) == 0 {
                continue;
            }
            let ran = format!(
                "{} on {}: {}",
                counted(jobs(kind), "job"),
                counted(threads(kind), "thread"),
                names(kind)
            );
            lines.push(row(label, ran));
            if kind == IO {
                // tokio names its blocking threads as it names its workers: say which is which.
                let worker_names: Vec<&str> = [CPU, TOGETHER]
                    .iter()
                    .flat_map(|k| kinds.get(k))
                    .flat_map(|t| t.values().copied())
                    .collect();
                let alike = kinds.get(IO).is_some_and(|t| t.values().any(|n| worker_names.contains(n)));
                if alike && m.io_threads_also_workers == 0 {
                    lines.push(row(
                        "",
                        "(the pool's own, though named like the workers: none ran a worker's job)".into(),
                    ));
                }
            }
        }
        lines
    }

    const LESSON: &'static [&'static str] =
        &["io_pool_threads", "io_ms", "cpu_worker_threads", "distinct_threads"];

    fn conclude(cfg: &ThreadsConfig, columns: &[Column<'_, ThreadsMetrics>]) -> String {
        let threads = each(columns, |c| format!("{:.0}", c.median(|m| m.io_pool_threads as f64)));
        let waited = names_where(columns, |c| c.median(|m| m.io_pool_threads as f64) < cfg.io_jobs as f64);
        let waited = if waited.is_empty() || cfg.io_jobs == 0 {
            String::new()
        } else {
            let took: Vec<String> = columns
                .iter()
                .filter(|c| waited.contains(&c.runtime))
                .map(|c| format!("{} {} ms", c.runtime, format_ms(c.median(|m| m.io_ms))))
                .collect();
            format!(
                "; with fewer threads than jobs, jobs waited for one ({} in all)",
                listed(&took.iter().map(String::as_str).collect::<Vec<_>>())
            )
        };
        let all = each(columns, |c| format!("{:.0}", c.median(|m| m.distinct_threads as f64)));
        format!(
            "Threads kept for blocking work that ran the {} blocking jobs: {threads}{waited}. OS threads in all: \
             {all}.",
            cfg.io_jobs
        )
    }

    fn takeaway(cfg: &ThreadsConfig, m: &ThreadsMetrics, _: &Env) -> String {
        let met = m.all_workers_at_once && m.together_threads == m.workers;
        let mut text = String::from("every runtime is a set of OS threads. ");
        text.push_str(&match (m.workers, met) {
            (1, _) if cfg.cpu_jobs == 1 => "Its one worker ran the short CPU job".to_string(),
            (1, _) if cfg.cpu_jobs > 1 => format!("Its one worker ran all {} short CPU jobs", cfg.cpu_jobs),
            (1, _) => "It has one worker".to_string(),
            (n, true) => format!("Its {n} workers each ran a job at the same moment"),
            (n, false) => {
                format!("Only {} of its {n} workers were seen running jobs at once", m.together_threads)
            }
        });
        if cfg.cpu_jobs > 1 && m.workers > 1 {
            text.push_str(&format!(
                "; the {} short CPU jobs went to {} of them",
                cfg.cpu_jobs, m.cpu_worker_threads
            ));
        }
        text.push('.');
        if cfg.io_jobs > 0 {
            let threads = counted(m.io_pool_threads, "thread");
            // claim: C-tokio-threads-takeaway-pool
            let pool = match (m.io_threads_also_workers, m.io_pool_threads) {
                (0, 1) => "of the blocking pool, not a worker",
                (0, _) => "of the blocking pool, none of them a worker",
                _ => "",
            };
            text.push_str(&format!(
                " The {} ran on {threads} {pool}",
                counted(cfg.io_jobs as u64, "blocking I/O job")
            ));
            // Each job sleeps 10 ms: done within twice that, they slept side by side.
            let fewer = (m.io_pool_threads as usize) < cfg.io_jobs;
            text.push_str(&match (cfg.io_jobs, fewer, m.io_ms < 20.0) {
                (1, _, _) => ".".to_string(),
                (_, false, true) => format!(
                    ": one each, so they slept side by side, all done {} ms after the first began — a blocked \
                     thread can run nothing else.",
                    format_ms(m.io_ms)
                ),
                (_, true, _) => format!(
                    ": fewer threads than jobs, so jobs waited for a thread and took {} ms in all, against 10 ms \
                     for one — a blocked thread can run nothing else.",
                    format_ms(m.io_ms)
                ),
                (_, false, false) => {
                    format!(": one each, all done {} ms after the first began.", format_ms(m.io_ms))
                }
            });
        }
        if cfg.manual > 0 {
            text.push_str(" Manual and scoped threads cost a new OS thread per job");
            text.push_str(&reuse(cfg, m));
            text.push('.');
        }
        text
    }
}

/// Which pools ran several jobs on fewer threads than jobs, and which gave
/// each job a thread, from the counts: "; the workers reused theirs (8 CPU
/// jobs on 2 threads), while the blocking pool ran a job per thread (8
/// blocking jobs on 8 threads)". Nothing where no pool ran two jobs or more.
fn reuse(cfg: &ThreadsConfig, m: &ThreadsMetrics) -> String {
    let workers = if m.workers == 1 { "the one worker" } else { "the workers" };
    let pools = [
        (workers, cfg.cpu_jobs as u64, m.cpu_worker_threads, "CPU job"),
        ("the blocking pool", cfg.io_jobs as u64, m.io_pool_threads, "blocking job"),
    ];
    let (reused, each): (Vec<_>, Vec<_>) = pools
        .into_iter()
        .filter(|(_, jobs, _, _)| *jobs > 1)
        .partition(|(_, jobs, threads, _)| threads < jobs);
    let names = |list: &[(&'static str, u64, u64, &str)]| {
        listed(&list.iter().map(|(name, ..)| *name).collect::<Vec<_>>())
    };
    let figures = |list: &[(&str, u64, u64, &str)]| {
        list.iter()
            .map(|(_, jobs, threads, noun)| {
                format!("{} on {}", counted(*jobs, noun), counted(*threads, "thread"))
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut said = String::new();
    if !reused.is_empty() {
        let theirs = match reused[..] {
            [("the one worker", ..)] => "its thread",
            [("the blocking pool", ..)] => "its threads",
            _ => "theirs",
        };
        said.push_str(&format!("; {} reused {theirs} ({})", names(&reused), figures(&reused)));
    }
    if !each.is_empty() {
        let lead = if reused.is_empty() { "; so did" } else { ", while" };
        let verb = if reused.is_empty() { "" } else { " ran a job per thread" };
        said.push_str(&format!("{lead} {}{verb} ({})", names(&each), figures(&each)));
    }
    said
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ran(workers: u64, cpu_threads: u64, io_threads: u64) -> ThreadsMetrics {
        ThreadsMetrics {
            workers,
            together_threads: workers,
            all_workers_at_once: true,
            cpu_worker_threads: cpu_threads,
            io_pool_threads: io_threads,
            io_ms: 14.0,
            ..Default::default()
        }
    }

    fn takeaway(m: &ThreadsMetrics) -> String {
        ThreadsScenario::takeaway(&ThreadsConfig::default(), m, &Env::quiet(m.workers as usize, 42))
    }

    #[test]
    fn a_pool_that_gave_each_job_a_thread_is_not_said_to_reuse_them() {
        // tokio, smol, compio: the blocking pool ran its 8 jobs on 8 threads.
        let said = takeaway(&ran(2, 2, 8));
        assert!(said.contains("the workers reused theirs (8 CPU jobs on 2 threads)"), "{said}");
        assert!(
            said.contains("while the blocking pool ran a job per thread (8 blocking jobs on 8 threads)"),
            "{said}"
        );
        assert!(!said.contains("the pools reused"), "{said}");
        // std-threads: 4 I/O threads for 8 jobs.
        let said = takeaway(&ran(2, 1, 4));
        assert!(
            said.contains("the workers and the blocking pool reused theirs (8 CPU jobs on 1 thread, 8 blocking jobs on 4 threads)."),
            "{said}"
        );
        let said = takeaway(&ran(8, 8, 8));
        assert!(
            said.contains("; so did the workers and the blocking pool (8 CPU jobs on 8 threads"),
            "{said}"
        );
    }

    #[test]
    fn one_worker_is_said_to_run_the_cpu_jobs() {
        let said = takeaway(&ran(1, 1, 8));
        assert!(said.contains("Its one worker ran all 8 short CPU jobs."), "{said}");
        assert!(said.contains("the one worker reused its thread (8 CPU jobs on 1 thread), while"), "{said}");
        assert!(!said.contains("on the workers"), "{said}");
    }
}
