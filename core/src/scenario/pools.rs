//! pools: blocking work on the pool each runtime provides for it. First I/O-like
//! jobs (a blocking sleep standing in for a file read or a sync client call),
//! submitted, awaited as they complete, each with a callback; then a CPU-bound
//! sum of i² cut into one job per worker, run sequentially and then in
//! parallel, with the measured speedup. std-threads also runs the CPU jobs in
//! child processes, to show what a process costs next to a thread when there
//! is no global interpreter lock to escape.

use std::hint::black_box;
use std::ops::Range;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::time::{Duration, Instant};

use futures::FutureExt;
use futures::stream::{FuturesUnordered, StreamExt};
use serde::{Deserialize, Serialize};

use crate::report::format_ms;
use crate::scenario::{RunShape, count, size};
use crate::{Check, Env, Log, Observed, Runtime, Scenario};

/// Configuration of the pools scenario.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, clap::Args)]
pub struct PoolsConfig {
    /// Blocking I/O-like jobs.
    #[arg(long, default_value_t = 10, value_parser = size::<1, 1_000>, allow_negative_numbers = true)]
    pub io_jobs: usize,
    /// Longest I/O job, in ms; each takes a seeded random time from half this to this.
    #[arg(long, default_value_t = 50, value_parser = count::<0, 10_000>, allow_negative_numbers = true)]
    pub io_ms: u64,
    /// CPU-bound jobs [default: one per worker thread]
    #[arg(long, value_parser = size::<1, MAX_CPU_JOBS>, allow_negative_numbers = true)]
    pub cpu_jobs: Option<usize>,
    /// Numbers each CPU job squares and sums.
    #[arg(long, default_value_t = 3_000_000, value_parser = count::<1, MAX_CPU_SIZE>, allow_negative_numbers = true)]
    pub cpu_size: u64,
}

/// Largest `--cpu-size`: the numbers one CPU job sums the squares of.
pub const MAX_CPU_SIZE: u64 = 1_000_000_000;
/// Largest `--cpu-jobs`.
pub const MAX_CPU_JOBS: u64 = 1_024;
/// The end of the last number any CPU job can be given.
pub const MAX_CPU_END: u64 = MAX_CPU_SIZE * MAX_CPU_JOBS;

/// A floor under the time one iteration of [`sum_of_squares`] takes, in
/// nanoseconds: faster than this build runs it on a current CPU (an optimised
/// build takes about 0.4 ns here, a debug build about 6), so estimates made
/// with it are least possible durations.
const LEAST_NS_PER_SQUARE: f64 = if cfg!(debug_assertions) { 1.0 } else { 0.25 };

/// Whether `start..end` is a range some CPU job of a valid configuration could
/// be given (what a process-pool child accepts).
///
/// ```
/// use demos_core::scenario::pools::check_job_range;
/// assert!(check_job_range(10, 20).is_ok());
/// assert!(check_job_range(20, 10).is_err());
/// assert!(check_job_range(0, 2_000_000_000).is_err());
/// ```
pub fn check_job_range(start: u64, end: u64) -> Result<(), String> {
    match end.checked_sub(start) {
        Some(len) if len <= MAX_CPU_SIZE => Ok(()),
        _ => Err(format!(
            "range {start}..{end} is not a CPU job: expected start <= end and at most {MAX_CPU_SIZE} numbers"
        )),
    }
}

impl Default for PoolsConfig {
    fn default() -> Self {
        Self { io_jobs: 10, io_ms: 50, cpu_jobs: None, cpu_size: 3_000_000 }
    }
}

impl PoolsConfig {
    /// CPU jobs to run with `threads` workers.
    pub fn cpu_jobs(&self, threads: usize) -> usize {
        self.cpu_jobs.unwrap_or(threads)
    }

    /// The seeded duration of each I/O job.
    pub fn io_delays(&self, seed: u64) -> Vec<Duration> {
        let mut rng = fastrand::Rng::with_seed(seed);
        (0..self.io_jobs).map(|_| Duration::from_millis(rng.u64(self.io_ms / 2..=self.io_ms))).collect()
    }

    /// The CPU jobs run one after another on the calling thread: each job's
    /// sum, and the time they took. The baseline every runtime's pool is
    /// measured against, so it is the same code everywhere.
    pub fn sequential(&self, jobs: usize) -> (Vec<u64>, Duration) {
        let start = std::time::Instant::now();
        let sums = (0..jobs).map(|j| sum_of_squares(self.cpu_range(j))).collect();
        (sums, start.elapsed())
    }

    /// The numbers CPU job `job` sums the squares of.
    pub fn cpu_range(&self, job: usize) -> Range<u64> {
        let start = job as u64 * self.cpu_size;
        start..start + self.cpu_size
    }
}

/// Σ i² over `range`, wrapping. `black_box` keeps the optimiser from replacing
/// the loop with the closed form, so the work really is CPU-bound. Ctrl-C
/// stops it between chunks of 2²⁰ numbers, leaving a partial sum (which then
/// fails to match, as it should).
pub fn sum_of_squares(range: Range<u64>) -> u64 {
    const CHUNK: u64 = 1 << 20;
    let mut sum = 0u64;
    let mut start = range.start;
    while start < range.end && !crate::interrupt::requested() {
        let end = range.end.min(start.saturating_add(CHUNK));
        sum = (start..end).fold(sum, |acc, i| acc.wrapping_add(black_box(i).wrapping_mul(i)));
        start = end;
    }
    sum
}

/// Log an I/O job's completion (its callback calls this).
pub fn log_io_done(log: &Log, job: usize, place: usize, took: Duration) {
    let (thread, _) = crate::timeline::current_thread();
    log.line(format!(
        "I/O job {job} done #{} after {} ms; callback ran on {thread}",
        place + 1,
        took.as_millis()
    ));
}

/// What the pools scenario measured.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct PoolsMetrics {
    /// I/O jobs submitted.
    pub io_jobs: u64,
    /// I/O jobs whose handle returned their id.
    pub io_completed: u64,
    /// Completion callbacks run.
    pub io_callbacks_run: u64,
    /// Wall time of the I/O phase.
    pub io_ms: f64,
    /// Sum of the I/O jobs' durations: the time one thread would need.
    pub io_serial_ms: f64,
    /// CPU jobs.
    pub cpu_jobs: u64,
    /// Wall time of the CPU jobs one after another on one thread.
    pub sequential_ms: f64,
    /// Wall time of the CPU jobs on the pool.
    pub parallel_ms: f64,
    /// sequential_ms / parallel_ms.
    pub speedup: f64,
    /// Whether every parallel job's sum equals the sequential one.
    pub results_match: bool,
    /// Wall time of the CPU jobs in child processes (std-threads only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub process_ms: Option<f64>,
    /// Whether every child process's sum equals the sequential one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub process_results_match: Option<bool>,
}

impl PoolsMetrics {
    /// The I/O round on an async runtime: each of `delays` becomes a blocking
    /// sleep handed to `offload` — the runtime's blocking pool — with a callback
    /// (`inspect`) that logs its completion; results are taken as they complete
    /// (`FuturesUnordered`), then the I/O figures are filled in.
    pub async fn io_round<F, Done>(&mut self, delays: &[Duration], log: &Log, offload: F)
    where
        F: Fn(Box<dyn FnOnce() -> usize + Send>) -> Done,
        Done: Future<Output = usize>,
    {
        let callbacks = Arc::new(AtomicU64::new(0));
        let t = Instant::now();
        let pending: FuturesUnordered<_> = delays
            .iter()
            .enumerate()
            .map(|(i, &d)| {
                let (log, callbacks) = (log.clone(), callbacks.clone());
                offload(Box::new(move || {
                    crate::interrupt::sleep(d); // a blocking call, off the executor's threads
                    i
                }))
                .inspect(move |&i| log_io_done(&log, i, callbacks.fetch_add(1, Relaxed) as usize, d))
            })
            .collect();
        let finished: Vec<usize> = pending.collect().await;
        self.io(&finished, callbacks.load(Relaxed), t.elapsed(), delays);
    }

    /// Fill in the I/O phase: the ids the handles returned in completion order,
    /// the callbacks run, the phase's wall time, and the jobs' durations.
    pub fn io(&mut self, finished: &[usize], callbacks: u64, elapsed: Duration, delays: &[Duration]) {
        let mut ids = finished.to_vec();
        ids.sort_unstable();
        ids.dedup();
        self.io_jobs = delays.len() as u64;
        self.io_completed = ids.iter().filter(|&&i| i < delays.len()).count() as u64;
        self.io_callbacks_run = callbacks;
        self.io_ms = elapsed.as_secs_f64() * 1e3;
        self.io_serial_ms = delays.iter().map(Duration::as_secs_f64).sum::<f64>() * 1e3;
    }

    /// Fill in the CPU phase: `sequential` and `parallel` hold each job's sum.
    pub fn cpu(&mut self, sequential: (&[u64], Duration), parallel: (&[u64], Duration)) {
        self.cpu_jobs = sequential.0.len() as u64;
        self.sequential_ms = sequential.1.as_secs_f64() * 1e3;
        self.parallel_ms = parallel.1.as_secs_f64() * 1e3;
        self.speedup = if self.parallel_ms > 0.0 { self.sequential_ms / self.parallel_ms } else { 0.0 };
        self.results_match = sequential.0 == parallel.0;
    }
}

/// The pools scenario, implemented by every runtime.
pub trait Pools {
    /// Run the I/O jobs, then the CPU jobs sequentially and in parallel.
    fn pools(&self, cfg: &PoolsConfig, env: &Env) -> Observed<PoolsMetrics>;
}

/// Marker type naming the pools scenario.
#[derive(Debug)]
pub struct PoolsScenario;

impl Scenario for PoolsScenario {
    const NAME: &'static str = "pools";
    const ABOUT: &'static str = "blocking I/O jobs and CPU jobs on the runtime's pool: overlap and speedup";
    type Config = PoolsConfig;
    type Metrics = PoolsMetrics;

    fn least_duration(cfg: &PoolsConfig, shape: &RunShape) -> Duration {
        // The I/O jobs overlap on the pool; the CPU work runs sequentially once, then
        // spread over the cores (and, on std-threads, once more in processes).
        let io = cfg.io_delays(shape.seed).into_iter().max().unwrap_or_default();
        let jobs = cfg.cpu_jobs(shape.threads);
        let sequential =
            Duration::from_secs_f64(LEAST_NS_PER_SQUARE * 1e-9 * (jobs as u64 * cfg.cpu_size) as f64);
        let parallel = sequential / jobs.clamp(1, shape.cores) as u32;
        let processes = if shape.tasks_hold_threads { parallel } else { Duration::ZERO };
        io + sequential + parallel + processes
    }

    fn observe(rt: &dyn Runtime, cfg: &PoolsConfig, env: &Env) -> Observed<PoolsMetrics> {
        rt.pools(cfg, env)
    }

    fn checks(_: &PoolsConfig, m: &PoolsMetrics) -> Vec<Check> {
        let mut checks = vec![
            Check::new(
                "every I/O job completed and its callback ran",
                m.io_completed == m.io_jobs && m.io_callbacks_run == m.io_jobs,
                format!("{}/{} completed, {} callbacks", m.io_completed, m.io_jobs, m.io_callbacks_run),
            ),
            Check::new(
                "every parallel sum equals the sequential sum",
                m.results_match,
                format!("{} jobs", m.cpu_jobs),
            ),
        ];
        if let Some(matched) = m.process_results_match {
            checks.push(Check::new(
                "every child process's sum equals the sequential sum",
                matched,
                matched.to_string(),
            ));
        }
        checks
    }

    fn headline(cfg: &PoolsConfig) -> String {
        format!(
            "{} blocking I/O jobs of up to {} ms on the pool, then Σi² over {} numbers per CPU job, sequential vs parallel",
            cfg.io_jobs, cfg.io_ms, cfg.cpu_size
        )
    }

    fn figures(_: &PoolsConfig, m: &PoolsMetrics) -> Vec<(String, String)> {
        let overlap = if m.io_ms > 0.0 { m.io_serial_ms / m.io_ms } else { 0.0 };
        let mut figures = vec![
            (
                "I/O jobs".into(),
                format!(
                    "{} ms of blocking work done in {} ms (×{overlap:.1} overlap)",
                    format_ms(m.io_serial_ms),
                    format_ms(m.io_ms)
                ),
            ),
            (
                "CPU sequential".into(),
                format!("{} ms for {} jobs on one thread", format_ms(m.sequential_ms), m.cpu_jobs),
            ),
            (
                "CPU parallel".into(),
                format!("{} ms on the pool: speedup ×{:.2}", format_ms(m.parallel_ms), m.speedup),
            ),
        ];
        if let Some(ms) = m.process_ms {
            figures.push(("CPU processes".into(), format!("{} ms in child processes", format_ms(ms))));
        }
        figures
    }

    fn takeaway(_: &PoolsConfig, m: &PoolsMetrics, env: &Env) -> String {
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        let mut text = format!(
            "blocking jobs overlap on a pool of threads, so I/O-like waits add up to far less than their sum. \
             CPU jobs speed up only with real cores: ×{:.2} with {} worker(s) on a {cores}-core machine \
             (at most ×{} is possible here).",
            m.speedup,
            env.threads,
            env.threads.min(cores).min(m.cpu_jobs.max(1) as usize)
        );
        if let Some(ms) = m.process_ms {
            text.push_str(&format!(
                " Processes took {} ms against {} ms for threads: Rust threads run in parallel already, so a \
                 process buys isolation, not speed, and pays for start-up and copying results.",
                format_ms(ms),
                format_ms(m.parallel_ms)
            ));
        }
        text
    }
}
