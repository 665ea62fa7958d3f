//! ordering: N tasks each sleep a seeded random time, then record that they
//! finished. Completion order follows the sleeps, not the spawn order — count
//! the inversions. Writing each task's result to its own fixed index instead
//! gives the same result every run, whatever order the tasks finish in.
//!
//! The experiment runs two rounds with different seeds: the completion orders
//! differ, the fixed-index results are right in both.
//!
//! Each task notes when it fell asleep and woke, so the report says how many
//! slept at once: every async task (a timer frees the worker at the `.await`),
//! but no more pool jobs than the pool has threads (`thread::sleep` holds one),
//! and then the completion order reflects the pool as much as the sleeps.

use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::report::counted;
use crate::scenario::{Column, each, listed, names_where};
use crate::scenario::{RunShape, count, size};
use crate::{Check, Env, Log, Observed, Runtime, Scenario};

/// Configuration of the ordering scenario.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, clap::Args)]
pub struct OrderingConfig {
    /// Tasks spawned, in order 0..N.
    #[arg(long, default_value_t = 10, value_parser = size::<1, 10_000>, allow_negative_numbers = true)]
    pub tasks: usize,
    /// Longest sleep of a task, in ms; each sleeps a seeded random 0..=max.
    #[arg(long, default_value_t = 50, value_parser = count::<0, 10_000>, allow_negative_numbers = true)]
    pub max_sleep_ms: u64,
}

impl Default for OrderingConfig {
    fn default() -> Self {
        Self { tasks: 10, max_sleep_ms: 50 }
    }
}

/// One round's seeded sleeps: task `i` sleeps `delays(cfg, seed)[i]`.
pub fn delays(cfg: &OrderingConfig, seed: u64) -> Vec<Duration> {
    crate::scenario::seeded_delays(cfg.tasks, cfg.max_sleep_ms, seed)
}

/// The seed of the second round: the next one after `seed`, wrapping at
/// `u64::MAX`, so every seed the command line accepts has a second round.
///
/// ```
/// use demos_core::scenario::ordering::second_round_seed;
/// assert_eq!(second_round_seed(41), 42);
/// assert_eq!(second_round_seed(u64::MAX), 0);
/// ```
pub fn second_round_seed(seed: u64) -> u64 {
    seed.wrapping_add(1)
}

/// The result task `i` writes to its fixed index: a pure function of `i`.
pub fn result_of(task: usize) -> u64 {
    (task as u64 + 1) * (task as u64 + 1)
}

/// Log that `task` finished `place`-th (0-based) after sleeping `slept`.
pub fn log_finished(log: &Log, task: usize, place: usize, slept: Duration) {
    log.line(format!("task {task} finished #{} (slept {} ms)", place + 1, slept.as_millis()));
}

/// A task that finished: which one, and when it slept — from the moment it
/// began to sleep until it woke and took the lock to record its finish.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Finished {
    /// The task's number, its place in spawn order.
    pub task: usize,
    /// When it began to sleep.
    pub asleep: Instant,
    /// When it recorded that it had finished.
    pub woke: Instant,
}

impl Finished {
    /// Task `task`, asleep since `asleep`, finishing now.
    pub fn since(task: usize, asleep: Instant) -> Self {
        Self { task, asleep, woke: Instant::now() }
    }
}

/// How the tasks of a runtime sleep: what a sleeping task does to the thread
/// that runs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sleep {
    /// An async task's timer: at the `.await` it frees its worker for other tasks.
    FreesItsWorker,
    // claim: C-std-sleep-holds-thread
    /// A pool job's `thread::sleep`: it keeps its pool thread until it wakes.
    HoldsItsThread,
}

/// What one round produced: the order tasks finished in, and the fixed slots.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Round {
    /// The tasks in the order they finished.
    pub finished: Vec<Finished>,
    /// Slot `i` holds what task `i` wrote (None if it never did).
    pub slots: Vec<Option<u64>>,
    /// From the first spawn to the last task's end: the round alone, without
    /// the executor's start-up.
    pub elapsed: Duration,
}

impl Round {
    /// Task ids in the order they finished.
    pub fn order(&self) -> Vec<usize> {
        self.finished.iter().map(|f| f.task).collect()
    }

    /// The most tasks asleep at the same moment.
    pub fn most_asleep_at_once(&self) -> u64 {
        // A wake-up before a fall asleep at the same instant: they did not overlap.
        let mut edges: Vec<(Instant, i64)> =
            self.finished.iter().flat_map(|f| [(f.asleep, 1), (f.woke, -1)]).collect();
        edges.sort();
        let mut asleep = 0i64;
        edges
            .iter()
            .map(|(_, change)| {
                asleep += change;
                asleep
            })
            .max()
            .unwrap_or(0) as u64
    }
}

/// Pairs (a, b) where a was spawned after b but finished before it.
///
/// ```
/// assert_eq!(demos_core::scenario::ordering::inversions(&[0, 1, 2]), 0);
/// assert_eq!(demos_core::scenario::ordering::inversions(&[2, 1, 0]), 3);
/// ```
pub fn inversions(order: &[usize]) -> u64 {
    let mut n = 0;
    for (i, a) in order.iter().enumerate() {
        n += order[i + 1..].iter().filter(|b| *b < a).count() as u64;
    }
    n
}

/// The order the sleeps alone would give, had every task slept at the same
/// time: shortest sleep first, equal sleeps in spawn order.
///
/// ```
/// use std::time::{Duration, Instant};
/// let ms = |n| Duration::from_millis(n);
/// assert_eq!(demos_core::scenario::ordering::sleep_order(&[ms(30), ms(10), ms(30), ms(0)]), [3, 1, 0, 2]);
/// ```
pub fn sleep_order(delays: &[Duration]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..delays.len()).collect();
    order.sort_by_key(|&task| delays[task]); // stable: equal sleeps keep spawn order
    order
}

/// What the ordering scenario measured.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrderingMetrics {
    /// Tasks per round.
    pub tasks: u64,
    /// Inversions of the first round's completion order against spawn order.
    pub inversions: u64,
    /// Inversions of the order the first round's sleeps alone give (every task asleep at once).
    /// (Absent from the Python side's report, which reads as 0 / false here.)
    #[serde(default)]
    pub inversions_by_sleeps: u64,
    /// Inversions in the second round (another seed).
    pub inversions_second_round: u64,
    /// Whether both rounds' completion orders are permutations of the tasks.
    pub orders_complete: bool,
    /// Whether the two rounds finished in different orders.
    pub orders_differ: bool,
    /// The most tasks of the first round asleep at the same moment.
    /// (Absent from the Python side's report, which reads as 0 / false here.)
    #[serde(default)]
    pub most_asleep_at_once: u64,
    /// Whether a sleeping task holds its thread (a pool job) rather than freeing its worker.
    /// (Absent from the Python side's report, which reads as 0 / false here.)
    #[serde(default)]
    pub sleeps_hold_threads: bool,
    /// Slots holding the right result, in the round with fewer.
    pub fixed_index_matches: u64,
    /// Wall time of the first round alone (executor start-up excluded).
    pub round_ms: f64,
}

impl OrderingMetrics {
    /// Metrics from two rounds (seeded `env.seed` and the next), whose
    /// completion orders are logged side by side.
    pub fn from_rounds(cfg: &OrderingConfig, first: &Round, second: &Round, sleep: Sleep, env: &Env) -> Self {
        let tasks = cfg.tasks;
        let order = |r: &Round| r.order().iter().map(usize::to_string).collect::<Vec<_>>().join(" ");
        let spawned = (0..tasks).map(|t| t.to_string()).collect::<Vec<_>>().join(" ");
        let rounds = [
            ("spawned in the order".to_string(), spawned),
            (format!("round 1 (--seed {}) finished", env.seed), order(first)),
            (format!("round 2 (--seed {}) finished", second_round_seed(env.seed)), order(second)),
        ];
        let width = rounds.iter().map(|(label, _)| label.len()).max().unwrap_or(0);
        for (label, tasks) in rounds {
            env.log.line(format!("{label:<width$}  {tasks}"));
        }
        let complete = |r: &Round| {
            let mut seen = r.order();
            seen.sort_unstable();
            seen == (0..tasks).collect::<Vec<_>>()
        };
        let matches =
            |r: &Round| r.slots.iter().enumerate().filter(|(i, v)| **v == Some(result_of(*i))).count() as u64;
        Self {
            tasks: tasks as u64,
            inversions: inversions(&first.order()),
            inversions_by_sleeps: inversions(&sleep_order(&delays(cfg, env.seed))),
            inversions_second_round: inversions(&second.order()),
            orders_complete: complete(first) && complete(second),
            orders_differ: first.order() != second.order(),
            most_asleep_at_once: first.most_asleep_at_once(),
            sleeps_hold_threads: sleep == Sleep::HoldsItsThread,
            fixed_index_matches: matches(first).min(matches(second)),
            round_ms: first.elapsed.as_secs_f64() * 1e3,
        }
    }
}

/// The ordering scenario, implemented by every runtime.
pub trait Ordering {
    /// Run two rounds (seeds `env.seed` and `env.seed + 1`) of sleeping tasks.
    fn ordering(&self, cfg: &OrderingConfig, env: &Env) -> Observed<OrderingMetrics>;
}

/// Marker type naming the ordering scenario.
#[derive(Debug)]
pub struct OrderingScenario;

impl Scenario for OrderingScenario {
    const KIND: crate::scenario::Kind = crate::scenario::Kind::Ordering;
    const ABOUT: &'static str =
        "tasks finish in sleep order, not spawn order; fixed indices are deterministic";
    type Config = OrderingConfig;
    type Metrics = OrderingMetrics;

    fn least_duration(cfg: &OrderingConfig, shape: &RunShape) -> Duration {
        // Async tasks sleep side by side; pool jobs hold their thread while they sleep.
        let workers = if shape.tasks_hold_threads { shape.threads } else { usize::MAX };
        [shape.seed, second_round_seed(shape.seed)]
            .iter()
            .map(|&seed| RunShape::spread(&delays(cfg, seed), workers))
            .sum()
    }

    fn observe(rt: &dyn Runtime, cfg: &OrderingConfig, env: &Env) -> Observed<OrderingMetrics> {
        rt.ordering(cfg, env)
    }

    fn checks(_: &OrderingConfig, m: &OrderingMetrics) -> Vec<Check> {
        // (Both rounds' slots right implies they are identical: that is not checked twice.)
        vec![
            Check::new(
                "every task finished exactly once",
                m.orders_complete,
                format!("{}, both rounds", counted(m.tasks, "task")),
            ),
            Check::new(
                "every fixed index holds its task's result",
                m.fixed_index_matches == m.tasks,
                format!("{}/{}, both rounds", m.fixed_index_matches, m.tasks),
            ),
        ]
    }

    fn headline(cfg: &OrderingConfig) -> String {
        format!(
            "{}, spawned in order 0 to {}, each sleep a seeded 0–{} ms, then push their number to a shared Vec \
             and write a result to their own slot of another: in which order do they finish?",
            counted(cfg.tasks as u64, "task"),
            cfg.tasks - 1,
            cfg.max_sleep_ms
        )
    }

    fn figures(_: &OrderingConfig, m: &OrderingMetrics) -> Vec<(String, String)> {
        let pairs = m.tasks * m.tasks.saturating_sub(1) / 2;
        let asleep = if m.most_asleep_at_once == m.tasks {
            format!("all {} at once", m.tasks)
        } else if m.sleeps_hold_threads {
            format!("at most {} of {}: a sleeping job holds its pool thread", m.most_asleep_at_once, m.tasks)
        } else {
            format!("at most {} of {}", m.most_asleep_at_once, m.tasks)
        };
        vec![
            ("asleep together".into(), asleep),
            (
                "out of order, round 1".into(),
                format!(
                    "{} of {pairs} pairs finished out of spawn order (by the sleeps alone: {})",
                    m.inversions, m.inversions_by_sleeps
                ),
            ),
            (
                "out of order, round 2".into(),
                format!(
                    "{} pairs, with the next seed: {} order",
                    m.inversions_second_round,
                    if m.orders_differ { "another" } else { "the same" }
                ),
            ),
            (
                "fixed indices".into(),
                format!("{}/{} slots right in both rounds", m.fixed_index_matches, m.tasks),
            ),
        ]
    }

    const LESSON: &'static [&'static str] = &["inversions", "most_asleep_at_once", "fixed_index_matches"];

    // claim: C-conclude-ordering
    fn conclude(_: &OrderingConfig, columns: &[Column<'_, OrderingMetrics>]) -> String {
        let tasks = columns[0].runs[0].tasks;
        let pairs = tasks * tasks.saturating_sub(1) / 2;
        let out_of_order = each(columns, |c| format!("{:.0}", c.median(|m| m.inversions as f64)));
        let held =
            names_where(columns, |c| c.always(|m| m.sleeps_hold_threads && m.most_asleep_at_once < m.tasks));
        let held = if held.is_empty() {
            String::new()
        } else {
            format!(
                "; {} held a pool thread per sleeping job, so fewer slept at once and its order reflects the pool as \
                 much as the sleeps",
                listed(&held)
            )
        };
        let exact = columns.iter().all(|c| c.always(|m| m.fixed_index_matches == m.tasks));
        format!(
            "Pairs of the {pairs} that finished out of spawn order: {out_of_order}{held}. Writing to fixed indices \
             gave the same result {}.",
            if exact { "on every runtime" } else { "on some runtimes only: see the checks" }
        )
    }

    fn takeaway(_: &OrderingConfig, m: &OrderingMetrics, env: &Env) -> String {
        let pairs = m.tasks * m.tasks.saturating_sub(1) / 2;
        let slots = format!(
            "When order matters, give each task its own slot (or collect the join handles in spawn order): the \
             fixed-index results were right in both rounds ({}/{}).",
            m.fixed_index_matches, m.tasks
        );
        let rerun = if m.orders_differ {
            "The sleeps come from the seed, so a rerun with the same --seed repeats them; round 2, seeded with \
             the next seed, finished in another order."
        } else {
            "The sleeps come from the seed; round 2, seeded with the next seed, happened to finish in the same \
             order."
        };
        if m.sleeps_hold_threads && m.most_asleep_at_once < m.tasks {
            let seen = if m.inversions == 0 {
                format!("every job finished in spawn order (0 of {pairs} pairs out of order)")
            } else {
                format!("{} of {pairs} pairs finished out of spawn order", m.inversions)
            };
            let held = if m.most_asleep_at_once == 1 {
                "the jobs slept one at a time: a sleeping job holds the pool's one thread, and the next job \
                 started only when it woke. So the completion order is the pool's"
                    .to_string()
            } else {
                format!(
                    "at most {} of the {} jobs slept at once: a sleeping job holds one of the pool's {} threads, \
                     and the next job started only when a thread came free. So the completion order reflects the \
                     pool as much as the sleeps",
                    m.most_asleep_at_once, m.tasks, env.threads
                )
            };
            return format!(
                "{held}: {seen}, where the sleeps alone, all at once, would have put {} pairs out of order. {slots}",
                m.inversions_by_sleeps
            );
        }
        if m.inversions == 0 && m.inversions_second_round == 0 {
            let why = if m.inversions_by_sleeps == 0 {
                "the sleeps fell in spawn order".to_string()
            } else {
                format!("{} of {} slept at once, too few to reorder them", m.most_asleep_at_once, m.tasks)
            };
            return format!("every task finished in spawn order in both rounds: {why}. {slots}");
        }
        format!(
            "{} tasks slept at the same moment, so they finished in the order of their sleeps, not the order they \
             were spawned: pushing to a shared Vec recorded {} of {pairs} pairs out of spawn order (by the sleeps \
             alone: {}). {rerun} {slots}",
            if m.most_asleep_at_once == m.tasks {
                format!("all {}", m.tasks)
            } else {
                format!("up to {}", m.most_asleep_at_once)
            },
            m.inversions,
            m.inversions_by_sleeps
        )
    }
}
