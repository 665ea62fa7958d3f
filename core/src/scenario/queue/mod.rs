//! queue: P producers put seeded random integers into a bounded channel of
//! capacity K; C consumers take them out. When producers outpace consumers the
//! channel fills and a producer's `send` waits — backpressure, which keeps memory
//! bounded instead of letting the queue grow without limit.
//!
//! Every runtime uses its own channel; the bookkeeping that proves the run
//! correct (each item consumed exactly once, the depth never above K, the values
//! summed on both sides) is [`QueueTally`], shared so every runtime is judged
//! by the same rules. The depth is counted by the producers and consumers
//! themselves (items sent minus receives begun), not read from the channel, so
//! a channel that let in more than K items would fail the check.

mod pacing;
mod tally;
#[cfg(all(test, not(loom)))]
mod tests;

use std::time::Duration;

use serde::{Deserialize, Serialize};

pub use pacing::Pacing;
pub use tally::{
    ConsumerBook, DEPTH_SAMPLE_EVERY, ProducerBook, QueueTally, STRETCH_SAMPLE, STRETCHES_ALL_TIMED,
};

use crate::scenario::{Column, RunShape, count, each, names_where, size};
use crate::{Check, Env, Observed, Runtime, Scenario};

/// Most items one run may move in all (producers × items), so bookkeeping
/// (one byte per item) stays under 100 MB.
pub const MAX_TOTAL_ITEMS: u64 = 100_000_000;

/// Configuration of the queue scenario.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, clap::Args)]
pub struct QueueConfig {
    /// Producer tasks.
    #[arg(long, default_value_t = 3, value_parser = size::<1, 64>, allow_negative_numbers = true)]
    pub producers: usize,
    /// Consumer tasks.
    #[arg(long, default_value_t = 2, value_parser = size::<1, 64>, allow_negative_numbers = true)]
    pub consumers: usize,
    /// Channel capacity: a producer waits when this many items are queued.
    #[arg(long, default_value_t = 5, value_parser = size::<1, 100_000>, allow_negative_numbers = true)]
    pub capacity: usize,
    /// Items each producer puts.
    #[arg(long, default_value_t = 10, value_parser = size::<1, 100_000_000>, allow_negative_numbers = true)]
    pub items: usize,
    /// Largest simulated I/O (producer) and processing (consumer) delay per item,
    /// in ms; each delay is drawn uniformly from 0..=delay-ms. 0 turns delays off.
    #[arg(long, default_value_t = 50, value_parser = count::<0, 10_000>, allow_negative_numbers = true)]
    pub delay_ms: u64,
}

impl Default for QueueConfig {
    fn default() -> Self {
        Self { producers: 3, consumers: 2, capacity: 5, items: 10, delay_ms: 50 }
    }
}

impl QueueConfig {
    /// Items the run moves in all.
    pub fn total_items(&self) -> usize {
        self.producers * self.items
    }

    /// The seeded delays and values of producer `p`.
    pub fn producer_pacing(&self, seed: u64, p: usize) -> Pacing {
        Pacing::new(seed, 2 * p as u64, self.delay_ms)
    }

    /// The seeded delays of consumer `c`.
    pub fn consumer_pacing(&self, seed: u64, c: usize) -> Pacing {
        Pacing::new(seed, 2 * c as u64 + 1, self.delay_ms)
    }
}

/// One item on the queue. `id` is `producer * items + seq`, unique in the run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Item {
    /// Unique id, indexes the exactly-once bookkeeping.
    pub id: usize,
    /// The producer that made it.
    pub producer: usize,
    /// The payload.
    pub value: u64,
}

/// What the queue scenario measured.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QueueMetrics {
    /// Items the channel accepted.
    pub produced: u64,
    /// Items taken out (counting any duplicates).
    pub consumed: u64,
    /// The channel's capacity.
    pub capacity: u64,
    /// Largest queue depth observed: items whose send had returned minus
    /// receives begun, as the producers and consumers count them (never more
    /// than the channel held), sampled after sends (see [`QueueTally`]).
    pub max_depth: u64,
    /// Items consumed per second of wall time.
    pub throughput_per_s: f64,
    /// Total time producers spent waiting on a full queue, timed per stretch of
    /// sends that found it full (see [`ProducerBook`]). A producer with more
    /// than [`STRETCHES_ALL_TIMED`] stretches times a sample of the later ones
    /// and counts the rest at their average: an estimate when
    /// `wait_stretches_timed` is below `wait_stretches`.
    pub producer_wait_ms: f64,
    /// How often a producer found the queue full.
    pub producer_waits: u64,
    /// Stretches of waits (back-to-back sends that found the queue full), all producers.
    #[serde(default)]
    pub wait_stretches: u64,
    /// Of those, the stretches whose time was read from the clock.
    #[serde(default)]
    pub wait_stretches_timed: u64,
    /// Items taken out more than once (extra deliveries).
    pub duplicates: u64,
    /// Items never taken out.
    pub missing: u64,
    /// Whether the values summed on both sides agree.
    pub sums_match: bool,
    /// Whether Ctrl-C stopped the producers early (then only the items they
    /// sent are expected).
    #[serde(default)]
    pub interrupted: bool,
}

/// The queue scenario, implemented by every runtime.
pub trait Queue {
    /// Run producers and consumers over the runtime's bounded channel.
    fn queue(&self, cfg: &QueueConfig, env: &Env) -> Observed<QueueMetrics>;
}

/// Marker type naming the queue scenario for the CLI and `compare`.
#[derive(Debug)]
pub struct QueueScenario;

impl Scenario for QueueScenario {
    const KIND: crate::scenario::Kind = crate::scenario::Kind::Queue;
    const ABOUT: &'static str = "producers and consumers over a bounded channel: backpressure";
    type Config = QueueConfig;
    type Metrics = QueueMetrics;
    const LESSON: &'static [&'static str] =
        &["producer_waits", "producer_wait_ms", "max_depth", "throughput_per_s"];

    fn conclude(cfg: &QueueConfig, columns: &[Column<'_, QueueMetrics>]) -> String {
        let full = names_where(columns, |c| c.median(|m| m.producer_waits as f64) > 0.0);
        let waits = each(columns, |c| format!("{:.0}", c.median(|m| m.producer_waits as f64)));
        let depth = each(columns, |c| format!("{:.0}", c.median(|m| m.max_depth as f64)));
        let pace = if full.is_empty() {
            format!(
                "The queue never filled (its deepest: {depth} of {}), so no producer waited: the consumers kept up.",
                cfg.capacity
            )
        } else {
            // The depth is sampled after sends, so a run may wait yet not see the queue at capacity.
            let at_capacity = columns.iter().all(|c| c.median(|m| m.max_depth as f64) >= cfg.capacity as f64);
            let held = if at_capacity { "held the queue at" } else { "kept the queue within" };
            format!(
                "Sends that found the queue full and waited: {waits}. Backpressure {held} its capacity of {} \
                 (deepest seen: {depth}) instead of letting it grow.",
                cfg.capacity
            )
        };
        let exact = columns.iter().all(|c| c.always(|m| m.duplicates == 0 && m.missing == 0 && m.sums_match));
        let items = if exact {
            "Every item was consumed exactly once on every runtime."
        } else {
            "An item was lost or duplicated somewhere: a bug (see the checks)."
        };
        let throughput = each(columns, |c| format!("{:.0}", c.median(|m| m.throughput_per_s)));
        format!("{pace} {items} Items consumed per second: {throughput}.")
    }

    fn validate(cfg: &QueueConfig) -> Result<(), String> {
        let total = cfg.producers as u64 * cfg.items as u64;
        if total > MAX_TOTAL_ITEMS {
            return Err(format!(
                "--producers {} × --items {} is {total} items; at most {MAX_TOTAL_ITEMS} in all",
                cfg.producers, cfg.items
            ));
        }
        Ok(())
    }

    fn least_duration(cfg: &QueueConfig, _: &RunShape) -> Duration {
        // Each producer waits a seeded 0..=delay before each item, each consumer after
        // each one: on average half the delay, one item after another.
        let items_in_turn = cfg.items.max(cfg.total_items() / cfg.consumers);
        Duration::from_secs_f64(cfg.delay_ms as f64 / 2e3 * items_in_turn as f64)
    }

    fn observe(rt: &dyn Runtime, cfg: &QueueConfig, env: &Env) -> Observed<QueueMetrics> {
        rt.queue(cfg, env)
    }

    fn checks(cfg: &QueueConfig, m: &QueueMetrics) -> Vec<Check> {
        // Interrupted, the producers sent fewer items; every one sent must still arrive once.
        let total = if m.interrupted { m.produced } else { cfg.total_items() as u64 };
        vec![
            Check::new(
                "every item consumed exactly once",
                m.produced == total && m.consumed == total && m.duplicates == 0 && m.missing == 0,
                format!("{}/{total}, {} duplicated, {} missing", m.consumed, m.duplicates, m.missing),
            ),
            Check::new(
                "depth never above capacity",
                m.max_depth <= m.capacity,
                format!("max {} of {}: items sent minus receives begun", m.max_depth, m.capacity),
            ),
            Check::new("sum of values consumed == sum produced", m.sums_match, format!("{}", m.sums_match)),
        ]
    }

    fn headline(cfg: &QueueConfig) -> String {
        format!(
            "{} producers × {} items → bounded channel (capacity {}) → {} consumers, delays up to {} ms",
            cfg.producers, cfg.items, cfg.capacity, cfg.consumers, cfg.delay_ms
        )
    }

    fn figures(_: &QueueConfig, m: &QueueMetrics) -> Vec<(String, String)> {
        vec![
            ("produced / consumed".into(), format!("{} / {}", m.produced, m.consumed)),
            ("max depth".into(), format!("{} of capacity {}", m.max_depth, m.capacity)),
            (
                "producer waits".into(),
                format!(
                    "{} times, {} ms in all{}",
                    m.producer_waits,
                    crate::report::format_ms(m.producer_wait_ms),
                    if m.wait_stretches_timed < m.wait_stretches {
                        format!(
                            " (estimated: {} of {} stretches timed)",
                            m.wait_stretches_timed, m.wait_stretches
                        )
                    } else {
                        String::new()
                    }
                ),
            ),
            ("throughput".into(), format!("{:.0} items/s", m.throughput_per_s)),
        ]
    }

    fn takeaway(cfg: &QueueConfig, m: &QueueMetrics, _: &Env) -> String {
        if m.interrupted {
            return format!(
                "interrupted: the producers stopped after {} of {} items and the consumers drained the queue, \
                 so every item sent was accounted for ({} consumed).",
                m.produced,
                cfg.total_items(),
                m.consumed
            );
        }
        if m.producer_waits > 0 {
            format!(
                "the queue filled to its capacity of {} and producers waited {} times: backpressure \
                 slowed them to the consumers' pace instead of letting the queue grow. Raise \
                 --capacity or --consumers and the waits shrink.",
                cfg.capacity, m.producer_waits
            )
        } else {
            format!(
                "the queue never filled (max depth {} of {}): consumers kept up, so producers never \
                 waited. Lower --capacity or --consumers, or add --producers, to see backpressure.",
                m.max_depth, cfg.capacity
            )
        }
    }
}
