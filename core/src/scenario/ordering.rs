//! ordering: N tasks each sleep a seeded random time, then record that they
//! finished. Completion order follows the sleeps, not the spawn order — count
//! the inversions. Writing each task's result to its own fixed index instead
//! gives the same result every run, whatever order the tasks finish in.
//!
//! The experiment runs two rounds with different seeds: the completion orders
//! differ, the fixed-index results are identical.

use std::time::Duration;

use serde::{Deserialize, Serialize};

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

/// What one round produced: the order tasks finished in, and the fixed slots.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Round {
    /// Task ids in the order they finished.
    pub finished: Vec<usize>,
    /// Slot `i` holds what task `i` wrote (None if it never did).
    pub slots: Vec<Option<u64>>,
    /// From the first spawn to the last task's end: the round alone, without
    /// the executor's start-up.
    pub elapsed: Duration,
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

/// What the ordering scenario measured.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrderingMetrics {
    /// Tasks per round.
    pub tasks: u64,
    /// Inversions of the first round's completion order against spawn order.
    pub inversions: u64,
    /// Inversions in the second round (another seed).
    pub inversions_second_round: u64,
    /// Whether both rounds' completion orders are permutations of the tasks.
    pub orders_complete: bool,
    /// Whether the two rounds finished in different orders.
    pub orders_differ: bool,
    /// Slots holding the right result, in the round with fewer.
    pub fixed_index_matches: u64,
    /// Whether the fixed-index results of both rounds are identical.
    pub fixed_results_identical: bool,
    /// Wall time of the first round alone (executor start-up excluded).
    pub round_ms: f64,
}

impl OrderingMetrics {
    /// Metrics from two rounds, whose completion orders are logged side by side.
    pub fn from_rounds(tasks: usize, first: &Round, second: &Round, env: &Env) -> Self {
        let order = |r: &Round| r.finished.iter().map(usize::to_string).collect::<Vec<_>>().join(" ");
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
            let mut seen = r.finished.clone();
            seen.sort_unstable();
            seen == (0..tasks).collect::<Vec<_>>()
        };
        let matches =
            |r: &Round| r.slots.iter().enumerate().filter(|(i, v)| **v == Some(result_of(*i))).count() as u64;
        Self {
            tasks: tasks as u64,
            inversions: inversions(&first.finished),
            inversions_second_round: inversions(&second.finished),
            orders_complete: complete(first) && complete(second),
            orders_differ: first.finished != second.finished,
            fixed_index_matches: matches(first).min(matches(second)),
            fixed_results_identical: first.slots == second.slots,
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
    const NAME: &'static str = "ordering";
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
        vec![
            Check::new(
                "every task finished exactly once",
                m.orders_complete,
                format!("{} tasks, both rounds", m.tasks),
            ),
            Check::new(
                "every fixed index holds its task's result",
                m.fixed_index_matches == m.tasks,
                format!("{}/{}", m.fixed_index_matches, m.tasks),
            ),
            Check::new(
                "fixed-index results identical across rounds",
                m.fixed_results_identical,
                m.fixed_results_identical.to_string(),
            ),
        ]
    }

    fn headline(cfg: &OrderingConfig) -> String {
        format!(
            "{} tasks spawned in order 0..{} each sleep up to {} ms, then record that they finished",
            cfg.tasks, cfg.tasks, cfg.max_sleep_ms
        )
    }

    fn figures(_: &OrderingConfig, m: &OrderingMetrics) -> Vec<(String, String)> {
        let pairs = m.tasks * m.tasks.saturating_sub(1) / 2;
        vec![
            (
                "inversions, round 1".into(),
                format!("{} of {pairs} pairs finished out of spawn order", m.inversions),
            ),
            ("inversions, round 2".into(), format!("{} (another seed)", m.inversions_second_round)),
            ("orders differ".into(), m.orders_differ.to_string()),
            (
                "fixed indices".into(),
                format!(
                    "{}/{} correct, identical in both rounds: {}",
                    m.fixed_index_matches, m.tasks, m.fixed_results_identical
                ),
            ),
        ]
    }

    fn takeaway(_: &OrderingConfig, m: &OrderingMetrics, env: &Env) -> String {
        if m.inversions == 0 && m.inversions_second_round == 0 {
            return format!(
                "every task finished in spawn order: the sleeps did not overlap. On a pool of {} \
                 thread(s) a sleeping job holds its thread, so jobs ran one after another; async tasks \
                 sleeping on one thread overlap instead. Add threads and the order breaks — the \
                 fixed-index result is right either way.",
                env.threads
            );
        }
        format!(
            "pushing to a shared Vec records completion order — when each task got through its sleep — not \
             the spawn order ({} inversions). The sleeps come from the seed, so a rerun with the same --seed repeats them; \
             {}. When order matters, give each task its own slot (or collect join handles in spawn order): \
             the fixed-index result was identical.",
            m.inversions,
            if m.orders_differ {
                "round 2, seeded with the next seed, finished in another order"
            } else {
                "round 2, seeded with the next seed, happened to finish in the same order"
            }
        )
    }
}
