//! balance: uneven CPU tasks, all spawned from one place — who shares them out?
//!
//! `--tasks` CPU tasks of seeded, uneven lengths (each from a tenth of
//! `--max-task-ms` to all of it) are spawned by one task running on one
//! worker. Each task notes the thread it runs on as it starts; the spawner
// claim: C-tokio-balance, C-async-executor-spawn-shared, C-rayon-balance, C-compio-tasks-stay-on-core
//! notes its own. A work-stealing executor (tokio's `multi_thread`, smol's
//! `Executor` on N threads, async-std's global executor, a rayon pool) lets
//! idle workers take tasks from the spawner's queue, so tasks *move* and the
//! work spreads; a thread-per-core runtime keeps them on the spawning thread.
//!
//! The figures: the *makespan* (from the first spawn to the last task's end)
//! against the *ideal* (the total work ÷ the workers), their ratio the
//! *imbalance* (1.0 is perfect), each worker's busy time, and how many tasks
//! ran on a thread other than the spawner's. Then a second phase *places*
//! the same tasks round-robin, task i on worker i mod N, each worker an
//! executor of its own that nothing steals from — what "placed" means on
//! each runtime is in its file and its report's flavour — and measures the
//! makespan again: a fixed share by count is as uneven as the tasks are.
//!
//! Every task runs core's one copy of Σi² ([`sum_of_squares`]), sized by
//! [`calibrate`] on this machine, so every runtime runs the same machine code.
//! Both phases are drawn as lanes, one row per OS thread.
//!
//! Run it: `cargo run --release -p demos-tokio -- balance`

use std::collections::{BTreeMap, HashMap};
use std::ops::Range;
use std::thread::ThreadId;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::report::{counted, format_ms};
use crate::scenario::pools::{calibrate, sum_of_squares};
use crate::scenario::{Column, each, listed, names_where};
use crate::scenario::{RunShape, count, size};
use crate::timeline::{Span, lanes};
use crate::{Check, Env, Observed, Runtime, Scenario};

/// Configuration of the balance scenario.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, clap::Args)]
pub struct BalanceConfig {
    /// CPU tasks, all spawned from one task
    #[arg(long, default_value_t = 16, value_parser = size::<1, 10_000>, allow_negative_numbers = true)]
    pub tasks: usize,
    /// The longest task, in ms of CPU work; each takes a seeded length from a tenth of this to all of it
    #[arg(long, default_value_t = 25, value_parser = count::<1, 10_000>, allow_negative_numbers = true)]
    pub max_task_ms: u64,
}

impl Default for BalanceConfig {
    fn default() -> Self {
        Self { tasks: 16, max_task_ms: 25 }
    }
}

/// The span label of the first phase: every task spawned from one task.
pub const FROM_ONE: &str = "from one task";
/// The span label of the second phase: tasks placed round-robin on the workers.
pub const PLACED: &str = "placed";

impl BalanceConfig {
    /// Each task's planned length, in µs: seeded, from a tenth of
    /// `--max-task-ms` to all of it.
    ///
    /// ```
    /// use demos_core::scenario::balance::BalanceConfig;
    /// let cfg = BalanceConfig { tasks: 8, max_task_ms: 20 };
    /// let lengths = cfg.lengths_us(7);
    /// assert_eq!(lengths, cfg.lengths_us(7));
    /// assert!(lengths.iter().all(|&us| (2_000..=20_000).contains(&us)));
    /// ```
    pub fn lengths_us(&self, seed: u64) -> Vec<u64> {
        let mut rng = fastrand::Rng::with_seed(seed);
        let longest = self.max_task_ms * 1_000;
        (0..self.tasks).map(|_| rng.u64(longest / 10..=longest)).collect()
    }

    /// The tasks of a run: their seeded lengths turned into numbers to sum,
    /// at the speed [`calibrate`] measures on this thread now.
    pub fn work(&self, seed: u64) -> BalanceWork {
        let per_ms = calibrate(Duration::from_millis(1)) as f64;
        let mut start = 0;
        let ranges = self
            .lengths_us(seed)
            .into_iter()
            .map(|us| {
                let numbers = ((per_ms * us as f64 / 1_000.0) as u64).max(1);
                let range = start..start + numbers;
                start += numbers;
                range
            })
            .collect();
        BalanceWork { ranges }
    }
}

/// The CPU work of every task: the numbers each sums the squares of.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BalanceWork {
    ranges: Vec<Range<u64>>,
}

impl BalanceWork {
    /// How many tasks.
    pub fn tasks(&self) -> usize {
        self.ranges.len()
    }

    /// Run task `task` here, now: note the thread it starts on, do its work,
    /// note when it ended. The body of every task on every runtime.
    pub fn run(&self, task: usize) -> Ran {
        let me = std::thread::current();
        let (thread, name) = (me.id(), me.name().unwrap_or("<unnamed>").to_string());
        let number = crate::workers::thread_number();
        let start = Instant::now();
        let sum = sum_of_squares(self.ranges[task].clone());
        Ran { task, thread, number, name, start, end: Instant::now(), sum }
    }
}

/// One task's run, as the task itself saw it.
#[derive(Debug, Clone)]
pub struct Ran {
    /// The task's index.
    pub task: usize,
    /// The OS thread it ran on (`thread::current().id()` as it started).
    pub thread: ThreadId,
    /// That thread's number in this process (see [`crate::workers::thread_number`]).
    pub number: u64,
    /// That thread's name.
    pub name: String,
    /// When the work began.
    pub start: Instant,
    /// When it ended.
    pub end: Instant,
    /// Its Σi², so the work cannot be optimised away.
    pub sum: u64,
}

/// Where a phase was started from: the thread that spawned (or placed) every
/// task, and when it began.
#[derive(Debug, Clone)]
pub struct Spawner {
    /// The spawning thread.
    pub thread: ThreadId,
    /// Its name, for the live log.
    pub name: String,
    /// Its number in this process.
    pub number: u64,
    /// When spawning began: the phase's start.
    pub start: Instant,
}

impl Spawner {
    /// The current thread, now: call it in the spawning task just before the
    /// first spawn.
    pub fn here() -> Self {
        let me = std::thread::current();
        Self {
            thread: me.id(),
            name: me.name().unwrap_or("<unnamed>").to_string(),
            number: crate::workers::thread_number(),
            start: Instant::now(),
        }
    }
}

/// One phase as observed: who spawned, and every task's run.
#[derive(Debug, Clone)]
pub struct Phase {
    /// The spawning thread and the phase's start.
    pub spawner: Spawner,
    /// Each task's run, in any order.
    pub runs: Vec<Ran>,
}

impl Phase {
    /// A phase spawned by `spawner` whose tasks ran as `runs`.
    pub fn new(spawner: Spawner, runs: Vec<Ran>) -> Self {
        Self { spawner, runs }
    }
}

/// A phase's figures.
#[derive(Debug, Clone, Default, PartialEq)]
struct Figures {
    makespan_ms: f64,
    work_ms: f64,
    longest_ms: f64,
    busy: Vec<f64>,
    threads: u64,
    moved: u64,
    ran: u64,
    distinct: u64,
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

impl Figures {
    fn of(phase: &Phase, workers: usize) -> Self {
        let mut busy: HashMap<ThreadId, f64> = HashMap::new();
        for run in &phase.runs {
            *busy.entry(run.thread).or_default() += ms(run.end - run.start);
        }
        let threads = busy.len() as u64;
        let mut busy: Vec<f64> = busy.into_values().collect();
        // A worker that ran no task was busy 0 ms.
        busy.resize(busy.len().max(workers), 0.0);
        let mut ids: Vec<usize> = phase.runs.iter().map(|r| r.task).collect();
        ids.sort_unstable();
        ids.dedup();
        let end = phase.runs.iter().map(|r| r.end).max().unwrap_or(phase.spawner.start);
        Self {
            makespan_ms: ms(end.saturating_duration_since(phase.spawner.start)),
            work_ms: phase.runs.iter().map(|r| ms(r.end - r.start)).sum(),
            longest_ms: phase.runs.iter().map(|r| ms(r.end - r.start)).fold(0.0, f64::max),
            busy,
            threads,
            moved: phase.runs.iter().filter(|r| r.thread != phase.spawner.thread).count() as u64,
            ran: phase.runs.len() as u64,
            distinct: ids.len() as u64,
        }
    }

    fn ideal_ms(&self, workers: u64) -> f64 {
        self.work_ms / workers.max(1) as f64
    }

    fn imbalance(&self, workers: u64) -> f64 {
        let ideal = self.ideal_ms(workers);
        if ideal > 0.0 { self.makespan_ms / ideal } else { 0.0 }
    }
}

/// What the balance scenario measured.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct BalanceMetrics {
    /// Tasks spawned.
    pub tasks: u64,
    /// Worker threads (`--threads`).
    pub workers: u64,
    /// From the first spawn to the last task's end, spawned from one task.
    pub makespan_ms: f64,
    /// The total work (every task's measured time) ÷ the workers.
    pub ideal_ms: f64,
    /// makespan_ms ÷ ideal_ms: 1.0 is a perfect share.
    pub imbalance: f64,
    /// Tasks that ran on a thread other than the spawner's.
    pub tasks_moved: u64,
    /// The busiest worker's time in tasks.
    pub busy_ms_max: f64,
    /// The idlest worker's time in tasks (0 for a worker that ran none).
    pub busy_ms_min: f64,
    /// Every task's measured time, added up.
    pub work_ms: f64,
    /// Every task's planned length, added up: what the work takes with a CPU to itself.
    pub planned_work_ms: f64,
    /// The longest task's measured time: no share can finish sooner.
    pub longest_task_ms: f64,
    /// Distinct threads that ran tasks.
    pub threads_used: u64,
    /// Task runs recorded (each task should run once).
    pub tasks_ran: u64,
    /// Distinct tasks among them.
    pub tasks_distinct: u64,
    /// The makespan with the tasks placed round-robin, one executor per worker.
    pub placed_makespan_ms: f64,
    /// The total work of the placed phase ÷ the workers.
    pub placed_ideal_ms: f64,
    /// placed_makespan_ms ÷ placed_ideal_ms.
    pub placed_imbalance: f64,
    /// The same ratio by plan: the largest round-robin share of the planned
    /// lengths ÷ their total ÷ the workers — what placing by count gives on a
    /// quiet machine.
    pub placed_planned_imbalance: f64,
    /// The busiest placed worker's time in tasks.
    pub placed_busy_ms_max: f64,
    /// The idlest placed worker's time in tasks.
    pub placed_busy_ms_min: f64,
    /// Distinct threads that ran placed tasks.
    pub placed_threads_used: u64,
    /// Placed task runs recorded.
    pub placed_ran: u64,
    /// Distinct tasks among them.
    pub placed_distinct: u64,
}

impl BalanceMetrics {
    /// The figures of both phases, and their spans for the lanes (times from
    /// the first phase's start). Logs each worker's share.
    pub fn new(cfg: &BalanceConfig, env: &Env, from_one: &Phase, placed: &Phase) -> (Self, Vec<Span>) {
        let workers = env.threads as u64;
        let (one, two) = (Figures::of(from_one, env.threads), Figures::of(placed, env.threads));
        log_shares(env, FROM_ONE, from_one);
        log_shares(env, PLACED, placed);
        let max = |v: &[f64]| v.iter().copied().fold(0.0, f64::max);
        let min = |v: &[f64]| v.iter().copied().fold(f64::INFINITY, f64::min).min(max(v));
        let metrics = Self {
            tasks: cfg.tasks as u64,
            workers,
            makespan_ms: one.makespan_ms,
            ideal_ms: one.ideal_ms(workers),
            imbalance: one.imbalance(workers),
            tasks_moved: one.moved,
            busy_ms_max: max(&one.busy),
            busy_ms_min: min(&one.busy),
            work_ms: one.work_ms,
            planned_work_ms: cfg.lengths_us(env.seed).iter().sum::<u64>() as f64 / 1e3,
            longest_task_ms: one.longest_ms,
            threads_used: one.threads,
            tasks_ran: one.ran,
            tasks_distinct: one.distinct,
            placed_makespan_ms: two.makespan_ms,
            placed_ideal_ms: two.ideal_ms(workers),
            placed_imbalance: two.imbalance(workers),
            placed_planned_imbalance: round_robin(&cfg.lengths_us(env.seed), env.threads),
            placed_busy_ms_max: max(&two.busy),
            placed_busy_ms_min: min(&two.busy),
            placed_threads_used: two.threads,
            placed_ran: two.ran,
            placed_distinct: two.distinct,
        };
        let origin = from_one.spawner.start;
        let spans = [(FROM_ONE, from_one), (PLACED, placed)]
            .into_iter()
            .flat_map(|(label, phase)| phase.runs.iter().map(move |run| span(label, run, origin)))
            .collect();
        (metrics, spans)
    }
}

/// The largest share of `lengths` dealt round-robin to `workers`, against an
/// even share: 1.0 when the shares are equal.
///
/// ```
/// use demos_core::scenario::balance::round_robin;
/// assert_eq!(round_robin(&[3, 1, 1, 1], 2), 4.0 / 3.0);
/// assert_eq!(round_robin(&[5, 5], 1), 1.0);
/// ```
pub fn round_robin(lengths: &[u64], workers: usize) -> f64 {
    let workers = workers.max(1);
    let mut shares = vec![0u64; workers];
    for (i, length) in lengths.iter().enumerate() {
        shares[i % workers] += length;
    }
    let total: u64 = shares.iter().sum();
    let largest = shares.iter().copied().max().unwrap_or(0);
    if total == 0 { 0.0 } else { largest as f64 * workers as f64 / total as f64 }
}

fn span(label: &str, run: &Ran, origin: Instant) -> Span {
    let us = |t: Instant| t.saturating_duration_since(origin).as_secs_f64() * 1e6;
    Span {
        task: format!("task {}", run.task),
        label: label.to_string(),
        thread: run.name.clone(),
        thread_id: run.number,
        start_us: us(run.start),
        end_us: us(run.end),
    }
}

/// The live log of one phase: who spawned, then each thread's share.
fn log_shares(env: &Env, label: &str, phase: &Phase) {
    if !env.log.enabled() {
        return;
    }
    let s = &phase.spawner;
    let how = if label == PLACED { "placed round-robin" } else { "spawned" };
    env.log.line(format!(
        "{label}: {} {how} from {}#{}",
        counted(phase.runs.len() as u64, "task"),
        s.name,
        s.number
    ));
    let mut shares: BTreeMap<u64, (&str, u64, f64)> = BTreeMap::new();
    for run in &phase.runs {
        let share = shares.entry(run.number).or_insert((run.name.as_str(), 0, 0.0));
        share.1 += 1;
        share.2 += ms(run.end - run.start);
    }
    for (number, (name, tasks, busy)) in shares {
        let whose = if number == s.number { " (the spawner's thread)" } else { "" };
        env.log.line(format!(
            "  {name}#{number}{whose} ran {}, busy {} ms",
            counted(tasks, "task"),
            format_ms(busy)
        ));
    }
}

/// The balance scenario, implemented by every runtime.
pub trait Balance {
    /// Spawn the tasks from one task and let the executor share them out;
    /// then place them round-robin, one executor per worker.
    fn balance(&self, cfg: &BalanceConfig, env: &Env) -> Observed<BalanceMetrics>;
}

/// Marker type naming the balance scenario for the CLI and `compare`.
#[derive(Debug)]
pub struct BalanceScenario;

/// "×1.07".
fn times(x: f64) -> String {
    format!("×{x:.2}")
}

/// Columns of time in the lanes.
const LANE_WIDTH: usize = 56;

/// An imbalance this close to 1 is a fair share: a task's length is the
/// grain no share can beat, and timers and wake-ups add a little.
const EVEN: f64 = 1.15;

impl Scenario for BalanceScenario {
    const KIND: crate::scenario::Kind = crate::scenario::Kind::Balance;
    const ABOUT: &'static str = "uneven CPU tasks spawned from one task: work stealing spreads them; placed round-robin they stay put";
    type Config = BalanceConfig;
    type Metrics = BalanceMetrics;

    fn least_duration(cfg: &BalanceConfig, shape: &RunShape) -> Duration {
        // Both phases run all the work, at best spread over the cores.
        let work: u64 = cfg.lengths_us(shape.seed).iter().sum();
        Duration::from_micros(work) * 2 / shape.threads.clamp(1, shape.cores.max(1)) as u32
    }

    fn observe(rt: &dyn Runtime, cfg: &BalanceConfig, env: &Env) -> Observed<BalanceMetrics> {
        rt.balance(cfg, env)
    }

    fn checks(_: &BalanceConfig, m: &BalanceMetrics) -> Vec<Check> {
        vec![
            Check::new(
                "every task ran exactly once, in each phase",
                m.tasks_ran == m.tasks
                    && m.tasks_distinct == m.tasks
                    && m.placed_ran == m.tasks
                    && m.placed_distinct == m.tasks,
                format!(
                    "{}/{} and {}/{} runs, {} and {} distinct",
                    m.tasks_ran, m.tasks, m.placed_ran, m.tasks, m.tasks_distinct, m.placed_distinct
                ),
            ),
            Check::new(
                "no more threads ran tasks than there are workers",
                m.threads_used <= m.workers && m.placed_threads_used <= m.workers,
                format!(
                    "{} from one task, {} placed, of {}",
                    m.threads_used,
                    m.placed_threads_used,
                    counted(m.workers, "worker")
                ),
            ),
        ]
    }

    fn headline(cfg: &BalanceConfig) -> String {
        format!(
            "{} CPU tasks of {}–{} ms each (seeded), all spawned from one task: which threads ran them, and how \
             far the makespan is from the total work ÷ the workers; then the same tasks placed round-robin",
            cfg.tasks,
            format_ms(cfg.max_task_ms as f64 / 10.0),
            cfg.max_task_ms
        )
    }

    fn figures(_: &BalanceConfig, m: &BalanceMetrics) -> Vec<(String, String)> {
        vec![
            (
                "work".into(),
                format!(
                    "{}, {} ms of CPU work measured in all ({} ms planned), the longest {} ms; ideal on {}: {} ms",
                    counted(m.tasks, "task"),
                    format_ms(m.work_ms),
                    format_ms(m.planned_work_ms),
                    format_ms(m.longest_task_ms),
                    counted(m.workers, "worker"),
                    format_ms(m.ideal_ms)
                ),
            ),
            (
                "from one task".into(),
                format!(
                    "makespan {} ms, {} the ideal · {} of {} ran on another thread than the spawner's · busy per \
                     worker {}–{} ms",
                    format_ms(m.makespan_ms),
                    times(m.imbalance),
                    m.tasks_moved,
                    m.tasks,
                    format_ms(m.busy_ms_min),
                    format_ms(m.busy_ms_max)
                ),
            ),
            (
                "placed round-robin".into(),
                format!(
                    "makespan {} ms, {} the ideal ({} ms; {} by plan) · busy per worker {}–{} ms",
                    format_ms(m.placed_makespan_ms),
                    times(m.placed_imbalance),
                    format_ms(m.placed_ideal_ms),
                    times(m.placed_planned_imbalance),
                    format_ms(m.placed_busy_ms_min),
                    format_ms(m.placed_busy_ms_max)
                ),
            ),
        ]
    }

    fn details(_: &BalanceConfig, _: &BalanceMetrics, spans: &[Span]) -> Vec<String> {
        if spans.is_empty() {
            return Vec::new();
        }
        let end = |label: &str| {
            let these = spans.iter().filter(|s| s.label == label);
            let start = these.clone().map(|s| s.start_us).fold(f64::INFINITY, f64::min);
            let end = these.map(|s| s.end_us).fold(f64::NEG_INFINITY, f64::max);
            (start.max(0.0) / 1e3, end.max(0.0) / 1e3)
        };
        let ((_, one_end), (two_start, two_end)) = (end(FROM_ONE), end(PLACED));
        let mut lines = vec![format!(
            "  lanes, a row per OS thread: from one task 0–{} ms, then placed {}–{} ms",
            format_ms(one_end),
            format_ms(two_start),
            format_ms(two_end)
        )];
        lines.extend(lanes(spans, LANE_WIDTH, true).into_iter().skip(1).map(|row| format!("    {row}")));
        lines
    }

    const LESSON: &'static [&'static str] = &["imbalance", "tasks_moved", "placed_imbalance", "makespan_ms"];

    fn conclude(_: &BalanceConfig, columns: &[Column<'_, BalanceMetrics>]) -> String {
        let workers = columns.iter().map(|c| c.median(|m| m.workers as f64)).fold(0.0, f64::max);
        let tasks = columns[0].median(|m| m.tasks as f64);
        let moved = each(columns, |c| format!("{:.0}", c.median(|m| m.tasks_moved as f64)));
        let spread = each(columns, |c| times(c.median(|m| m.imbalance)));
        let placed = each(columns, |c| times(c.median(|m| m.placed_imbalance)));
        let mut said = format!(
            "Of {tasks:.0} tasks spawned from one task, {moved} ran on another thread than the spawner's; the \
             makespan against the ideal (total work ÷ workers) came to {spread}"
        );
        if workers > 1.0 {
            let kept = names_where(columns, |c| c.median(|m| m.tasks_moved as f64) == 0.0);
            if !kept.is_empty() {
                said.push_str(&format!("; {} kept every task on the spawning thread", listed(&kept)));
            }
        }
        let plan = each(columns, |c| times(c.median(|m| m.placed_planned_imbalance)));
        said.push_str(&format!(
            ". Placed round-robin, one executor per worker: {placed}; by plan the round-robin shares came to {plan}."
        ));
        let worse =
            names_where(columns, |c| c.median(|m| m.placed_imbalance) > c.median(|m| m.imbalance) * 1.05);
        let uneven = columns.iter().all(|c| c.median(|m| m.placed_planned_imbalance) >= 1.05);
        if workers > 1.0 && uneven && !worse.is_empty() {
            said.push_str(&format!(
                " Placing by count did worse than spawning from one task on {}: uneven tasks do not share out \
                 evenly by count.",
                listed(&worse)
            ));
        }
        said
    }

    fn takeaway(_: &BalanceConfig, m: &BalanceMetrics, _: &Env) -> String {
        let ideal = format!("the ideal (the total work ÷ {})", counted(m.workers, "worker"));
        if m.workers <= 1 {
            return format!(
                "With one worker there is nowhere to move a task: {} of {} left the spawning thread, and the \
                 makespan was {} {ideal} whether spawned from one task or placed ({}). Run it with --threads 2 \
                 or more to see the tasks shared out.",
                m.tasks_moved,
                counted(m.tasks, "task"),
                times(m.imbalance),
                times(m.placed_imbalance)
            );
        }
        let first = if m.tasks_moved == 0 {
            format!(
                "Spawned from one task, every task stayed on the spawning thread: the other workers ran none \
                 (the idlest was busy {} ms) and the makespan was {} {ideal}",
                format_ms(m.busy_ms_min),
                times(m.imbalance)
            )
        } else if m.imbalance <= EVEN {
            format!(
                "Spawned from one task, {} of {} ran on other threads than the spawner's: idle workers took \
                 them up, and the makespan was {} {ideal} — busy {}–{} ms per worker",
                m.tasks_moved,
                m.tasks,
                times(m.imbalance),
                format_ms(m.busy_ms_min),
                format_ms(m.busy_ms_max)
            )
        } else {
            format!(
                "Spawned from one task, {} of {} ran on other threads than the spawner's, yet the makespan was {} {ideal}: the \
                 workers were busy {}–{} ms, so the share stayed uneven",
                m.tasks_moved,
                m.tasks,
                times(m.imbalance),
                format_ms(m.busy_ms_min),
                format_ms(m.busy_ms_max)
            )
        };
        let longest = if m.longest_task_ms >= m.ideal_ms * 0.9 {
            format!(
                " (the longest task alone took {} ms, {} of the ideal, so no share could do much better)",
                format_ms(m.longest_task_ms),
                times(m.longest_task_ms / m.ideal_ms.max(1e-9))
            )
        } else {
            String::new()
        };
        let plan = m.placed_planned_imbalance;
        let placed = if m.placed_imbalance > m.imbalance * 1.05 {
            let why = if plan >= 1.05 {
                format!(
                    "by plan alone the round-robin shares came to {} the ideal: uneven tasks do not share out \
                     evenly by count",
                    times(plan)
                )
            } else {
                format!(
                    "though by plan the shares were even ({}): the difference came in the running",
                    times(plan)
                )
            };
            format!(
                "Placed round-robin, each worker ran its fixed share and nothing moved it: busy {}–{} ms per \
                 worker, the makespan {} its ideal — {why}",
                format_ms(m.placed_busy_ms_min),
                format_ms(m.placed_busy_ms_max),
                times(m.placed_imbalance)
            )
        } else {
            let compared = if m.placed_imbalance * 1.05 < m.imbalance {
                "better than spawning from one task this time"
            } else {
                "about the same this time"
            };
            format!(
                "Placed round-robin, each worker running its fixed share, the makespan was {} its ideal: \
                 {compared} (by plan the round-robin shares came to {})",
                times(m.placed_imbalance),
                times(plan)
            )
        };
        let slowed = m.work_ms / m.planned_work_ms.max(1e-9);
        let shared = if slowed >= 1.3 {
            format!(
                " The tasks took {} their planned time in all: their threads did not have the cores to \
                 themselves, which every figure above includes.",
                times(slowed)
            )
        } else {
            String::new()
        };
        format!("{first}{longest}. {placed}.{shared}")
    }
}
