//! pools: blocking work on the pool each runtime provides for it. First I/O-like
//! jobs (a blocking sleep standing in for a file read or a sync client call),
//! submitted, awaited as they complete, each with a callback; then a CPU-bound
//! sum of i² cut into one job per worker, each sized to take about 40 ms, run
//! one after another on one thread and then side by side as tasks on the
//! workers (`--threads` sizes them), five rounds, with the median speedup and
//! the bound the threads and cores set on it. Then the same jobs run in child
//! processes, each runtime with its own process API, to show what a process
//! costs next to a thread when there is no global interpreter lock to escape.

use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

mod cpu;

pub use cpu::{
    CPU_JOB_MS, CpuRounds, CpuWork, MAX_CPU_END, MAX_CPU_JOBS, MAX_CPU_SIZE, NOISE_MARGIN, ROUNDS, calibrate,
    check_job_range, cpu_job, sum_of_squares,
};

use crate::report::{counted, format_ms};
use crate::scenario::{Column, each, listed, names_where};
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
    /// Numbers each CPU job squares and sums [default: as many as take about 40 ms here]
    #[arg(long, value_parser = count::<1, MAX_CPU_SIZE>, allow_negative_numbers = true)]
    pub cpu_size: Option<u64>,
}

impl Default for PoolsConfig {
    fn default() -> Self {
        Self { io_jobs: 10, io_ms: 50, cpu_jobs: None, cpu_size: None }
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

    /// The CPU jobs of a run with `threads` workers: `--cpu-size` numbers each,
    /// or as many as take about [`CPU_JOB_MS`] on this thread (measured now).
    pub fn cpu_work(&self, threads: usize) -> CpuWork {
        let size = self.cpu_size.unwrap_or_else(|| calibrate(Duration::from_millis(CPU_JOB_MS)));
        CpuWork { jobs: self.cpu_jobs(threads), size }
    }
}

/// An I/O-like job: a blocking sleep of `d`, standing in for a sync file read
/// or client call (Ctrl-C ends it early).
pub fn io_job(d: Duration) {
    crate::interrupt::sleep(d);
}

/// Log an I/O job's completion (its callback calls this): the time since the
/// jobs were submitted, which is longer than the job's sleep when the pool
/// queued it.
pub fn log_io_done(log: &Log, job: usize, place: usize, slept: Duration, submitted: Instant) {
    let (thread, _) = crate::timeline::current_thread();
    log.line(format!(
        "I/O job {job} done #{} after {} ms (it slept {} ms); callback ran on {thread}",
        place + 1,
        submitted.elapsed().as_millis(),
        slept.as_millis()
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
    /// Numbers each CPU job summed.
    pub cpu_size: u64,
    /// Rounds of sequential-then-parallel runs.
    pub rounds: u64,
    /// Wall time of the CPU jobs one after another on one thread (the median round).
    pub sequential_ms: f64,
    /// Wall time of the CPU jobs side by side on the workers (the median round).
    pub parallel_ms: f64,
    /// sequential_ms / parallel_ms of the round with the median ratio.
    pub speedup: f64,
    /// Distinct threads that ran the parallel jobs.
    pub cpu_threads: u64,
    /// The machine's cores.
    pub cores: u64,
    /// The most speedup possible: the fewest of jobs, threads that ran them, and cores.
    pub speedup_bound: f64,
    /// Whether the speedup came out above its bound (by more than the noise margin).
    pub speedup_is_noise: bool,
    /// Whether every parallel job's sum equals the sequential one, in every round.
    pub results_match: bool,
    /// Wall time of the CPU jobs in child processes of this binary.
    pub process_ms: f64,
    /// Child processes run at a time (as many as workers).
    pub process_pool: u64,
    /// Whether every child process's sum equals the sequential one.
    pub process_results_match: bool,
    /// Whether a global interpreter lock ran one thread's code at a time:
    /// reported by the Python side (`python/demos.py`), absent on Rust.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gil_enabled: Option<bool>,
    /// sequential_ms / process_ms: reported by the Python side, absent on Rust.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub process_speedup: Option<f64>,
}

impl PoolsMetrics {
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

    /// Fill in the CPU phase from its rounds.
    pub fn cpu(&mut self, work: &CpuWork, rounds: &CpuRounds) {
        let (sequential_ms, parallel_ms, speedup) = rounds.medians();
        self.cpu_jobs = work.jobs as u64;
        self.cpu_size = work.size;
        self.rounds = rounds.rounds();
        self.sequential_ms = sequential_ms;
        self.parallel_ms = parallel_ms;
        self.speedup = speedup;
        self.cpu_threads = rounds.threads();
        self.cores = crate::usage::process_cores() as u64; // the process's, not a pinned thread's
        self.speedup_bound = self.cpu_jobs.min(self.cpu_threads).min(self.cores).max(1) as f64;
        self.speedup_is_noise = self.speedup > self.speedup_bound * NOISE_MARGIN;
        self.results_match = rounds.all_match();
    }

    /// Fill in the process pool of `width` processes at a time: each child's
    /// sum in job order, and the time.
    pub fn processes(&mut self, width: usize, rounds: &CpuRounds, sums: &[u64], elapsed: Duration) {
        self.process_ms = elapsed.as_secs_f64() * 1e3;
        self.process_pool = width as u64;
        self.process_results_match = rounds.expected() == Some(sums);
    }
}

/// How the CPU jobs side by side fared against the same jobs one after
/// another, judged with the margin the scenario gives noise ([`NOISE_MARGIN`]):
/// within it either way, the same speed.
///
/// ```
/// use demos_core::scenario::pools::Pace;
/// assert_eq!(Pace::of(1.9), Pace::Faster);
/// assert_eq!(Pace::of(1.1), Pace::Same);
/// assert_eq!(Pace::of(0.9), Pace::Same);
/// assert_eq!(Pace::of(0.71), Pace::Slower);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pace {
    /// More than ×[`NOISE_MARGIN`].
    Faster,
    /// Within ×[`NOISE_MARGIN`] of ×1, either way.
    Same,
    /// Less than ×1/[`NOISE_MARGIN`].
    Slower,
}

impl Pace {
    /// The pace of a speedup (one after another's time ÷ side by side's).
    pub fn of(speedup: f64) -> Self {
        if speedup > NOISE_MARGIN {
            Pace::Faster
        } else if speedup >= 1.0 / NOISE_MARGIN {
            Pace::Same
        } else {
            Pace::Slower
        }
    }

    /// "faster", "no faster", "slower".
    pub fn word(self) -> &'static str {
        match self {
            Pace::Faster => "faster",
            Pace::Same => "no faster",
            Pace::Slower => "slower",
        }
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
    const KIND: crate::scenario::Kind = crate::scenario::Kind::Pools;
    const ABOUT: &'static str = "blocking I/O jobs and CPU jobs on the runtime's pool: overlap and speedup";
    type Config = PoolsConfig;
    type Metrics = PoolsMetrics;

    fn least_duration(cfg: &PoolsConfig, shape: &RunShape) -> Duration {
        // The I/O jobs overlap on the pool; each round runs the CPU jobs one after another,
        // then spread over the cores; then once more in processes.
        let io = cfg.io_delays(shape.seed).into_iter().max().unwrap_or_default();
        let jobs = cfg.cpu_jobs(shape.threads);
        let job = match cfg.cpu_size {
            Some(size) => Duration::from_secs_f64(cpu::LEAST_NS_PER_SQUARE * 1e-9 * size as f64),
            None => Duration::from_millis(CPU_JOB_MS),
        };
        let sequential = job * jobs as u32;
        let parallel = sequential / jobs.clamp(1, shape.cores) as u32;
        io + (sequential + parallel) * ROUNDS as u32 + parallel
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
                format!("{} in each of {} rounds", counted(m.cpu_jobs, "job"), m.rounds),
            ),
        ];
        checks.push(Check::new(
            "every child process's sum equals the sequential sum",
            m.process_results_match,
            m.process_results_match.to_string(),
        ));
        checks
    }

    fn headline(cfg: &PoolsConfig) -> String {
        let size = match cfg.cpu_size {
            Some(size) => format!("{size} numbers"),
            None => format!("about {CPU_JOB_MS} ms of numbers"),
        };
        format!(
            "{} blocking I/O jobs of up to {} ms on threads kept for blocking work; then Σi² over {size} per CPU job, one \
             after another, side by side on the workers ({ROUNDS} rounds), and in a pool of child processes",
            cfg.io_jobs, cfg.io_ms
        )
    }

    fn figures(_: &PoolsConfig, m: &PoolsMetrics) -> Vec<(String, String)> {
        let overlap = if m.io_ms > 0.0 { m.io_serial_ms / m.io_ms } else { 0.0 };
        let noise = if m.speedup_is_noise { " — above what is possible: not a result" } else { "" };
        vec![
            (
                "I/O jobs".into(),
                format!(
                    "{} ms of blocking sleeps done in {} ms (×{overlap:.1} overlap)",
                    format_ms(m.io_serial_ms),
                    format_ms(m.io_ms)
                ),
            ),
            (
                "CPU one by one".into(),
                format!(
                    "{} ms for {} of {} numbers on one thread (the median of {} rounds)",
                    format_ms(m.sequential_ms),
                    counted(m.cpu_jobs, "job"),
                    m.cpu_size,
                    m.rounds
                ),
            ),
            (
                "CPU side by side".into(),
                format!(
                    "{} ms on {}: {}, at most ×{} here{noise}",
                    format_ms(m.parallel_ms),
                    counted(m.cpu_threads, "worker thread"),
                    speed(m.speedup),
                    m.speedup_bound
                ),
            ),
            (
                "CPU in processes".into(),
                format!(
                    "{} ms, {} at a time, a child process per job",
                    format_ms(m.process_ms),
                    m.process_pool
                ),
            ),
        ]
    }

    const LESSON: &'static [&'static str] = &["speedup", "io_ms", "process_ms", "cpu_threads"];

    // claim: C-conclude-pools
    fn conclude(_: &PoolsConfig, columns: &[Column<'_, PoolsMetrics>]) -> String {
        let overlap = each(columns, |c| format!("×{:.1}", c.median(|m| m.io_serial_ms / m.io_ms.max(1e-9))));
        let speedups = each(columns, |c| format!("×{:.2}", c.median(|m| m.speedup)));
        let bound = columns.iter().map(|c| c.median(|m| m.speedup_bound)).fold(0.0, f64::max);
        let cpu = if bound <= 1.0 {
            format!(
                "Side by side, the CPU jobs' speed against one after another: {speedups} — with one worker, none possible"
            )
        } else {
            // Threads that gained nothing under a global interpreter lock: CPython's, GIL on.
            let locked = |c: &Column<'_, PoolsMetrics>| {
                c.always(|m| m.gil_enabled == Some(true)) && c.median(|m| m.speedup) < 1.2
            };
            let used = names_where(columns, |c| {
                !locked(c) && c.median(|m| m.speedup) >= 0.8 * c.median(|m| m.speedup_bound)
            });
            let not = names_where(columns, |c| {
                !locked(c) && c.median(|m| m.speedup) < 0.8 * c.median(|m| m.speedup_bound)
            });
            let mut text =
                format!("Side by side, the CPU jobs ran faster by {speedups}, of at most ×{bound:.0}");
            for c in columns.iter().filter(|c| locked(c)) {
                let gained = if c.median(|m| m.speedup) < 1.05 { "nothing" } else { "little" };
                text.push_str(&format!(
                    "; {} gained {gained} on threads: with its GIL on, one thread at a time runs Python code",
                    c.runtime
                ));
            }
            if !used.is_empty() {
                text.push_str(&format!("; {} used the cores", listed(&used)));
            }
            if !not.is_empty() {
                let whose = if not.len() == 1 { "its threads" } else { "their threads" };
                text.push_str(&format!(
                    "; {} fell short — {whose} did not have the cores to themselves in this run",
                    listed(&not)
                ));
            }
            text
        };
        let slower = names_where(columns, |c| c.median(|m| m.process_ms) > 1.1 * c.median(|m| m.parallel_ms));
        let processes = if slower.len() == columns.len() {
            "Child processes took longer than threads on every runtime: the same work plus their start-up"
                .to_string()
        } else if slower.is_empty() {
            "Child processes were no slower than threads here".to_string()
        } else {
            format!("Child processes took longer than threads on {}", listed(&slower))
        };
        // The Python side's processes, a GIL each: their speedup, and whether they beat its
        // threads by the measure the sentence above uses (process_ms against parallel_ms).
        let mut processes = processes;
        for c in columns.iter().filter(|c| c.always(|m| m.process_speedup.is_some())) {
            let by_processes = c.median(|m| m.process_speedup.unwrap_or(0.0));
            let beat = c.median(|m| m.process_ms) * 1.1 < c.median(|m| m.parallel_ms);
            processes.push_str(&format!(
                "; {}'s process pool, an interpreter and a GIL per process, ran the CPU jobs \
                 ×{by_processes:.2} against one after another, start-up included{}",
                c.runtime,
                if beat { ": faster than its threads" } else { "" }
            ));
        }
        format!("The blocking I/O jobs overlapped by {overlap}. {cpu}. {processes}.")
    }

    fn takeaway(_: &PoolsConfig, m: &PoolsMetrics, _: &Env) -> String {
        let io = format!(
            "Blocking jobs overlap on threads kept for blocking work: {} ms of sleeps took {} ms",
            format_ms(m.io_serial_ms),
            format_ms(m.io_ms)
        );
        let limit = format!(
            "the fewest of {}, {} that ran them and {}",
            counted(m.cpu_jobs, "job"),
            counted(m.cpu_threads, "thread"),
            counted(m.cores, "core")
        );
        let possible = m.speedup_bound > 1.0;
        let cpu = if m.speedup_is_noise {
            format!(
                "CPU jobs measured ×{:.2} faster side by side, above the ×{} that {limit} allow: no run can \
                 truly do that, so something slowed the one-by-one rounds (another process on the cores) and \
                 this figure is not a result",
                m.speedup, m.speedup_bound
            )
        } else if !possible {
            one_at_a_time(m)
        } else if m.speedup >= 0.8 * m.speedup_bound {
            format!(
                "CPU jobs ran ×{:.2} faster side by side, of at most ×{} from {limit}: only real cores and \
                 workers make CPU work faster",
                m.speedup, m.speedup_bound
            )
        } else {
            format!(
                "CPU jobs side by side were {} though ×{} was possible from {limit}: the threads did not have \
                 the cores to themselves in this run (another process, or a busy machine)",
                speed(m.speedup),
                m.speedup_bound
            )
        };
        let threads_ms = format_ms(m.parallel_ms);
        let processes = if m.process_ms < m.parallel_ms * 0.9 {
            format!(
                "Child processes took {} ms against {threads_ms} ms for threads — faster this time, though each \
                 adds its start-up to the same work: a process buys isolation, and speed it shows is noise",
                format_ms(m.process_ms),
            )
        } else if m.process_ms > m.parallel_ms * 1.1 {
            format!(
                "Child processes took {} ms against {threads_ms} ms for threads: {} at a time, as many as the \
                 threads, they did the same work and paid for each one's start-up — a process buys isolation, \
                 not speed",
                format_ms(m.process_ms),
                m.process_pool
            )
        } else {
            format!(
                "Child processes took {} ms against {threads_ms} ms for threads — no faster: a process buys \
                 isolation, not speed",
                format_ms(m.process_ms),
            )
        };
        let python = if possible && !m.speedup_is_noise && m.speedup >= 1.2 {
            format!(
                "Coming from Python: CPython's global interpreter lock runs one thread's Python code at a time, \
                 so there a thread pool gives CPU work no speedup and a process pool is the way out; Rust has \
                 no such lock, and here plain threads ran the jobs ×{:.2} faster",
                m.speedup
            )
        } else if !possible {
            "Coming from Python: Rust has no global interpreter lock, so threads alone speed CPU work up \
             wherever there are cores for them; with one worker this run could not show it (try --threads 2)"
                .to_string()
        } else {
            "Coming from Python: Rust has no global interpreter lock, so threads alone speed CPU work up \
             wherever there are cores for them; this run's threads did not get the cores (rerun it)"
                .to_string()
        };
        format!("{io}. {cpu}. {processes}. {python}.")
    }
}

/// A speedup in words a reader takes the right way round: "×1.93 faster",
/// "no faster (×0.98)", "slower (×0.74 the speed)", judged by its [`Pace`].
fn speed(speedup: f64) -> String {
    match Pace::of(speedup) {
        Pace::Faster => format!("×{speedup:.2} faster"),
        Pace::Same => format!("no faster (×{speedup:.2})"),
        Pace::Slower => format!("slower (×{speedup:.2} the speed)"),
    }
}

/// The take-away's CPU sentence where nothing could run side by side (one
/// job, worker thread or core) and the figure is no more than noise above ×1:
/// about ×1 is what that predicts, and slower is not.
fn one_at_a_time(m: &PoolsMetrics) -> String {
    let one = if m.cpu_jobs <= 1 {
        "one CPU job"
    } else if m.cpu_threads <= 1 {
        "one worker thread"
    } else {
        "one core"
    };
    let ran = format!("the CPU jobs ran at ×{:.2} the speed of one after another", m.speedup);
    match Pace::of(m.speedup) {
        Pace::Slower => format!(
            "With {one}, nothing could run side by side, yet {ran}: slower, which {one} does not predict — \
             the jobs ran one at a time either way, and this run did not measure what else was using the \
             cores"
        ),
        _ => format!("With {one}, nothing could run side by side: {ran}, about the same speed, as expected"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn on_one_worker(speedup: f64) -> PoolsMetrics {
        let mut m = PoolsMetrics {
            cpu_jobs: 1,
            cpu_threads: 1,
            cores: 2,
            speedup,
            sequential_ms: 40.0,
            parallel_ms: 40.0 / speedup,
            process_ms: 45.0,
            process_pool: 1,
            ..Default::default()
        };
        m.speedup_bound = 1.0;
        m.speedup_is_noise = m.speedup > m.speedup_bound * NOISE_MARGIN;
        m
    }

    fn takeaway(m: &PoolsMetrics) -> String {
        PoolsScenario::takeaway(&PoolsConfig::default(), m, &Env::quiet(1, 42))
    }

    #[test]
    fn one_worker_within_the_margin_is_the_speed_one_worker_predicts() {
        for speedup in [0.9, 0.98, 1.1] {
            let said = takeaway(&on_one_worker(speedup));
            assert!(said.contains("With one CPU job, nothing could run side by side"), "{said}");
            assert!(said.contains("of one after another, about the same speed, as expected."), "{said}");
            assert!(!said.contains("slower"), "{said}");
        }
    }

    #[test]
    fn one_worker_below_the_margin_is_slower_and_not_as_expected() {
        let said = takeaway(&on_one_worker(0.71));
        assert!(said.contains("×0.71 the speed of one after another: slower"), "{said}");
        assert!(said.contains("which one CPU job does not predict"), "{said}");
        assert!(!said.contains("as expected"), "{said}");
        assert!(speed(0.71).starts_with("slower"));
    }

    #[test]
    fn one_worker_above_the_margin_is_not_a_result() {
        let said = takeaway(&on_one_worker(1.3));
        assert!(said.contains("this figure is not a result"), "{said}");
        assert!(!said.contains("as expected"), "{said}");
    }

    #[test]
    fn the_figure_and_the_take_away_judge_with_one_margin() {
        // ×1.10 on one worker is within the margin: not "faster" in the figure either.
        assert_eq!(speed(1.10), "no faster (×1.10)");
        assert_eq!(speed(0.88), "no faster (×0.88)");
        assert_eq!(speed(1.93), "×1.93 faster");
    }
}
