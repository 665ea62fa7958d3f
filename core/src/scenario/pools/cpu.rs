//! The CPU half of pools: Σi² cut into one job per worker, each sized to take
//! about [`CPU_JOB_MS`] on this machine and build, run one after another on one
//! thread and then side by side, [`ROUNDS`] times; the figures are those of
//! the round with the median speedup, and what bounds it is counted from the threads that
//! actually ran the jobs and the machine's cores.

use std::collections::BTreeSet;
use std::hint::black_box;
use std::ops::Range;
use std::time::{Duration, Instant};

/// Largest `--cpu-size`: the numbers one CPU job sums the squares of.
pub const MAX_CPU_SIZE: u64 = 1_000_000_000;
/// Largest `--cpu-jobs`.
pub const MAX_CPU_JOBS: u64 = 1_024;
/// The end of the last number any CPU job can be given.
pub const MAX_CPU_END: u64 = MAX_CPU_SIZE * MAX_CPU_JOBS;
/// Rounds of sequential-then-parallel runs; the speedup is their median.
pub const ROUNDS: usize = 5;
/// What one CPU job is sized to take when `--cpu-size` is not given: long
/// enough that timer and scheduling noise are small against it.
pub const CPU_JOB_MS: u64 = 40;
/// A speedup this much above what the threads and cores allow is reported
/// as noise, not as a result.
pub const NOISE_MARGIN: f64 = 1.15;

/// A floor under the time one iteration of [`sum_of_squares`] takes, in
/// nanoseconds: faster than this build runs it on a current CPU (an optimised
/// build takes about 0.4 ns here, a debug build about 6), so estimates made
/// with it are least possible durations.
pub(crate) const LEAST_NS_PER_SQUARE: f64 = if cfg!(debug_assertions) { 1.0 } else { 0.25 };

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

/// Σ i² over `range`, wrapping. `black_box` keeps the optimiser from replacing
/// the loop with the closed form, so the work really is CPU-bound. Ctrl-C
/// stops it between chunks of 2²⁰ numbers, leaving a partial sum (which then
/// fails to match, as it should).
///
/// Never inlined: every caller — the calibration, the one-after-another
/// baseline, the jobs on every runtime's workers, a process-pool child — runs
/// this one copy of the loop. Inlined, each caller got its own copy of the
/// seven-instruction loop, laid out at its own address; a copy that straddled
/// a 64-byte line ran at half the speed of the others (seen in a release
/// build: the baseline in `CpuWork::sequential` took twice as long as the same
/// job spawned as a task, so one job on one worker "sped up" ×2).
/// `core/tests/cpu_cost.rs` holds every caller to the same cost.
#[inline(never)]
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

/// How many numbers one job sums so that it takes about `target` on this
/// thread, in this build: timed on growing sizes until a run lasts 5 ms.
pub fn calibrate(target: Duration) -> u64 {
    let mut n: u64 = 50_000;
    loop {
        let start = Instant::now();
        black_box(sum_of_squares(0..n));
        let took = start.elapsed();
        if took >= Duration::from_millis(5) || n >= MAX_CPU_SIZE || crate::interrupt::requested() {
            let per_number = took.as_secs_f64().max(1e-12) / n as f64;
            return ((target.as_secs_f64() / per_number) as u64).clamp(1, MAX_CPU_SIZE);
        }
        n = n.saturating_mul(4);
    }
}

/// The CPU jobs of one run: how many, and how many numbers each sums.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CpuWork {
    /// Jobs.
    pub jobs: usize,
    /// Numbers per job.
    pub size: u64,
}

impl CpuWork {
    /// The numbers job `job` sums the squares of.
    pub fn range(&self, job: usize) -> Range<u64> {
        let start = job as u64 * self.size;
        start..start + self.size
    }

    /// The jobs in batches of `width`: a process pool of that many processes
    /// runs one batch at a time.
    ///
    /// ```
    /// let work = demos_core::scenario::pools::CpuWork { jobs: 5, size: 10 };
    /// assert_eq!(work.batches(2), [0..2, 2..4, 4..5]);
    /// ```
    pub fn batches(&self, width: usize) -> Vec<Range<usize>> {
        let width = width.max(1);
        (0..self.jobs).step_by(width).map(|start| start..(start + width).min(self.jobs)).collect()
    }

    /// The jobs one after another on the calling thread: each sum, and the time
    /// they took. The baseline every runtime is measured against, so the same
    /// code everywhere.
    pub fn sequential(&self) -> (Vec<u64>, Duration) {
        let start = Instant::now();
        let sums = (0..self.jobs).map(|j| sum_of_squares(self.range(j))).collect();
        (sums, start.elapsed())
    }
}

/// One parallel job: its sum, and the thread (as [`crate::workers`] numbers
/// it) that computed it.
pub fn cpu_job(range: Range<u64>) -> (u64, u64) {
    (sum_of_squares(range), crate::workers::thread_number())
}

/// The rounds of one run, gathered.
#[derive(Debug, Clone, Default)]
pub struct CpuRounds {
    sequential_ms: Vec<f64>,
    parallel_ms: Vec<f64>,
    ratios: Vec<f64>,
    threads: BTreeSet<u64>,
    mismatches: u64,
    expected: Option<Vec<u64>>,
}

impl CpuRounds {
    /// Add a round: the sequential sums and time, then each parallel job's
    /// (sum, thread) in job order, and the parallel time.
    pub fn add(
        &mut self,
        sequential: &(Vec<u64>, Duration),
        parallel: &[(u64, u64)],
        parallel_time: Duration,
    ) {
        let (seq_ms, par_ms) = (sequential.1.as_secs_f64() * 1e3, parallel_time.as_secs_f64() * 1e3);
        self.sequential_ms.push(seq_ms);
        self.parallel_ms.push(par_ms);
        self.ratios.push(if par_ms > 0.0 { seq_ms / par_ms } else { 0.0 });
        self.threads.extend(parallel.iter().map(|(_, thread)| *thread));
        let sums: Vec<u64> = parallel.iter().map(|(sum, _)| *sum).collect();
        self.mismatches += u64::from(sums != sequential.0);
        self.expected.get_or_insert_with(|| sequential.0.clone());
    }

    /// Each job's sum, as the first sequential run computed it.
    pub fn expected(&self) -> Option<&[u64]> {
        self.expected.as_deref()
    }

    /// Rounds added.
    pub fn rounds(&self) -> u64 {
        self.ratios.len() as u64
    }

    /// The median round (by speedup): its sequential and parallel times and
    /// its speedup, so the three figures printed together agree.
    pub fn medians(&self) -> (f64, f64, f64) {
        let mut order: Vec<usize> = (0..self.ratios.len()).collect();
        order.sort_by(|&a, &b| self.ratios[a].total_cmp(&self.ratios[b]));
        match order.get(order.len().saturating_sub(1) / 2) {
            Some(&i) => (self.sequential_ms[i], self.parallel_ms[i], self.ratios[i]),
            None => (0.0, 0.0, 0.0),
        }
    }

    /// Distinct threads that ran parallel jobs, over every round.
    pub fn threads(&self) -> u64 {
        self.threads.len() as u64
    }

    /// Whether every round's parallel sums equal its sequential ones.
    pub fn all_match(&self) -> bool {
        self.mismatches == 0 && !self.ratios.is_empty()
    }
}
