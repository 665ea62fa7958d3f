//! bridge: blocking code inside async code, and async code called from sync
//! code. A heartbeat task asks to tick every few milliseconds while a handler
//! makes three blocking calls (a `thread::sleep` standing in for sync I/O) — first
//! offloaded to the runtime's blocking pool and awaited, then run inline on
//! the executor, the anti-pattern. The heartbeat's longest gap shows whether
//! the executor stalled. Inside an offloaded job, sync code calls back into
//! async with the runtime's `block_on`.
//!
//! With one worker, an inline blocking call stops every task on the executor
//! for its whole duration. With several, whether the heartbeat escapes to
//! another worker depends on the executor — this scenario observes it.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::report::format_ms;
use crate::scenario::{Column, RunShape, count, each, listed, names_where, size};
use crate::{Check, Env, Observed, Runtime, Scenario};

mod heartbeat;

pub use heartbeat::{Heartbeat, PhaseBeat};

/// Configuration of the bridge scenario.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, clap::Args)]
pub struct BridgeConfig {
    /// Blocking calls the handler makes in each phase.
    #[arg(long, default_value_t = 3, value_parser = size::<1, 100>, allow_negative_numbers = true)]
    pub jobs: usize,
    /// Duration of each blocking call, in ms.
    #[arg(long, default_value_t = 100, value_parser = count::<1, 10_000>, allow_negative_numbers = true)]
    pub job_ms: u64,
    /// Heartbeat interval, in ms.
    #[arg(long, default_value_t = 5, value_parser = count::<1, 1_000>, allow_negative_numbers = true)]
    pub tick_ms: u64,
}

impl Default for BridgeConfig {
    fn default() -> Self {
        Self { jobs: 3, job_ms: 100, tick_ms: 5 }
    }
}

impl BridgeConfig {
    /// One blocking call's duration.
    pub fn job(&self) -> Duration {
        Duration::from_millis(self.job_ms)
    }
    /// The heartbeat interval.
    pub fn tick(&self) -> Duration {
        Duration::from_millis(self.tick_ms)
    }
}

/// The offloaded phase must see the heartbeat tick only when it lasts at
/// least this many heartbeat intervals, and at least [`MIN_WINDOW_MS`]: a
/// loaded machine can delay a timer by a few milliseconds, which must not
/// read as a stalled executor.
pub const MIN_TICKS_IN_WINDOW: u64 = 10;
/// See [`MIN_TICKS_IN_WINDOW`].
pub const MIN_WINDOW_MS: u64 = 50;

/// The value the async code returns to the sync caller through `block_on`.
pub const BRIDGED_VALUE: u64 = 42;

/// Span label of a blocking call run on the blocking pool.
pub const OFFLOADED_CALL: &str = "offloaded call";
/// Span label of a blocking call run inline on an executor thread.
pub const INLINE_CALL: &str = "inline call";

/// The first phase's log line: `to` says where this runtime's code sends
/// each call ("tokio's blocking pool (spawn_blocking)").
pub fn offloaded(to: &str) -> String {
    format!("phase 1: the handler offloads each blocking call to {to} and awaits it")
}
/// The second phase's log line (see [`offloaded`]).
pub const INLINE: &str =
    "phase 2: one handler per executor thread makes the same blocking calls inline: every thread is blocked";
/// The third phase's log line (see [`offloaded`]); run only with several workers.
pub const ONE_BLOCKED: &str =
    "phase 3: a single handler makes them inline: one worker is blocked, the others are free";

/// What the bridge scenario measured.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct BridgeMetrics {
    /// Blocking calls per phase.
    pub blocking_jobs: u64,
    /// Offloaded calls that completed.
    pub offloaded_completed: u64,
    /// Inline calls that completed.
    pub inline_completed: u64,
    /// Heartbeat ticks over both phases.
    pub heartbeats: u64,
    /// Heartbeat ticks while the calls were offloaded.
    pub heartbeats_offloaded: u64,
    /// Heartbeat ticks while the calls ran inline.
    pub heartbeats_inline: u64,
    /// Handlers making the inline calls at once: one per executor thread.
    pub inline_handlers: u64,
    /// Longest heartbeat gap while the calls were offloaded.
    pub max_gap_offloaded_ms: f64,
    /// Longest heartbeat gap while the calls ran inline on every executor thread.
    pub max_gap_inline_ms: f64,
    /// With several workers: inline calls completed by a single handler.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub one_blocked_completed: Option<u64>,
    /// With several workers: heartbeat ticks while one worker was blocked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub heartbeats_one_blocked: Option<u64>,
    /// With several workers: longest heartbeat gap while one worker was blocked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_gap_one_blocked_ms: Option<f64>,
    /// Whether sync code got the async result through `block_on`.
    pub block_on_value_ok: bool,
}

impl BridgeMetrics {
    /// Metrics from the phases: calls completed and what the heartbeat saw,
    /// offloaded, inline on all `handlers` executor threads, and (with several
    /// workers) inline on one.
    pub fn new(
        cfg: &BridgeConfig,
        offloaded: (u64, PhaseBeat),
        (handlers, inline): (usize, (u64, PhaseBeat)),
        one_blocked: Option<(u64, PhaseBeat)>,
        block_on: u64,
    ) -> Self {
        Self {
            blocking_jobs: cfg.jobs as u64,
            offloaded_completed: offloaded.0,
            inline_completed: inline.0,
            heartbeats: offloaded.1.ticks + inline.1.ticks + one_blocked.map_or(0, |o| o.1.ticks),
            heartbeats_offloaded: offloaded.1.ticks,
            heartbeats_inline: inline.1.ticks,
            inline_handlers: handlers as u64,
            max_gap_offloaded_ms: offloaded.1.max_gap_ms,
            max_gap_inline_ms: inline.1.max_gap_ms,
            one_blocked_completed: one_blocked.map(|o| o.0),
            heartbeats_one_blocked: one_blocked.map(|o| o.1.ticks),
            max_gap_one_blocked_ms: one_blocked.map(|o| o.1.max_gap_ms),
            block_on_value_ok: block_on == BRIDGED_VALUE,
        }
    }
}

/// The bridge scenario, implemented by every runtime.
pub trait Bridge {
    /// Run the heartbeat through the offloaded and the inline phase.
    fn bridge(&self, cfg: &BridgeConfig, env: &Env) -> Observed<BridgeMetrics>;
}

/// Marker type naming the bridge scenario.
#[derive(Debug)]
pub struct BridgeScenario;

impl Scenario for BridgeScenario {
    const NAME: &'static str = "bridge";
    const ABOUT: &'static str =
        "blocking calls offloaded vs inline while a heartbeat ticks; sync calling async";
    type Config = BridgeConfig;
    type Metrics = BridgeMetrics;
    const LESSON: &'static [&'static str] =
        &["max_gap_offloaded_ms", "max_gap_inline_ms", "max_gap_one_blocked_ms", "heartbeats_inline"];

    // claim: C-conclude-bridge
    fn conclude(cfg: &BridgeConfig, columns: &[Column<'_, BridgeMetrics>]) -> String {
        let stalled = |ms: f64| ms >= cfg.job_ms as f64;
        let gap = |f: fn(&BridgeMetrics) -> f64| {
            move |c: &Column<'_, BridgeMetrics>| format!("{} ms", format_ms(c.median(f)))
        };
        let frozen = names_where(columns, |c| stalled(c.median(|m| m.max_gap_inline_ms)));
        let mut said = vec![format!(
            "The heartbeat's longest gap with the {} ms calls offloaded: {}; inline on every executor thread: {}",
            cfg.job_ms,
            each(columns, gap(|m| m.max_gap_offloaded_ms)),
            each(columns, gap(|m| m.max_gap_inline_ms))
        )];
        if !frozen.is_empty() {
            said.push(format!("inline calls froze {} for a whole call or more", listed(&frozen)));
        }
        let one: Vec<&Column<'_, BridgeMetrics>> =
            columns.iter().filter(|c| c.runs.iter().all(|m| m.max_gap_one_blocked_ms.is_some())).collect();
        let stuck: Vec<&str> = one
            .iter()
            .filter(|c| stalled(c.median(|m| m.max_gap_one_blocked_ms.unwrap_or(0.0))))
            .map(|c| c.runtime)
            .collect();
        let escaped: Vec<&str> = one.iter().map(|c| c.runtime).filter(|r| !stuck.contains(r)).collect();
        if !stuck.is_empty() {
            said.push(format!(
                "with one worker of several blocked, the heartbeat still stalled on {}",
                listed(&stuck)
            ));
        }
        if !escaped.is_empty() {
            said.push(format!("with one worker of several blocked, it kept ticking on {}", listed(&escaped)));
        }
        format!("{}.", said.join("; "))
    }

    fn least_duration(cfg: &BridgeConfig, shape: &RunShape) -> Duration {
        // Each phase makes its calls one after another: offloaded and awaited, inline on
        // every worker at once, then (with several workers) inline on one.
        let phases = if shape.threads > 1 { 3 } else { 2 };
        cfg.job() * cfg.jobs as u32 * phases
    }

    fn observe(rt: &dyn Runtime, cfg: &BridgeConfig, env: &Env) -> Observed<BridgeMetrics> {
        rt.bridge(cfg, env)
    }

    fn checks(cfg: &BridgeConfig, m: &BridgeMetrics) -> Vec<Check> {
        let inline_expected = m.blocking_jobs * m.inline_handlers;
        let mut checks = vec![Check::new(
            "every blocking call completed, offloaded and inline",
            m.offloaded_completed == m.blocking_jobs
                && m.inline_completed == inline_expected
                && m.one_blocked_completed.is_none_or(|done| done == m.blocking_jobs),
            format!(
                "{}/{} offloaded, {}/{inline_expected} inline{}",
                m.offloaded_completed,
                m.blocking_jobs,
                m.inline_completed,
                m.one_blocked_completed
                    .map_or(String::new(), |d| format!(", {d}/{} by one handler", m.blocking_jobs))
            ),
        )];
        // Only a window that holds several intervals must see a tick: a 1 ms call
        // under a 1 s heartbeat rightly sees none.
        let window_ms = cfg.jobs as u64 * cfg.job_ms;
        if window_ms >= MIN_WINDOW_MS.max(MIN_TICKS_IN_WINDOW * cfg.tick_ms) {
            checks.push(Check::new(
                "the heartbeat ticked while the calls were offloaded",
                m.heartbeats_offloaded > 0,
                format!("{} ticks in {window_ms} ms of {} ms intervals", m.heartbeats_offloaded, cfg.tick_ms),
            ));
        }
        checks.push(Check::new(
            "sync code got the async result through block_on",
            m.block_on_value_ok,
            m.block_on_value_ok.to_string(),
        ));
        checks
    }

    // claim: C-tokio-timer-ms
    fn headline(cfg: &BridgeConfig) -> String {
        format!(
            "a heartbeat asks to tick every {} ms while handlers make {} blocking calls of {} ms: offloaded, then inline",
            cfg.tick_ms, cfg.jobs, cfg.job_ms
        )
    }

    fn figures(_: &BridgeConfig, m: &BridgeMetrics) -> Vec<(String, String)> {
        let gap = |ms: f64, ticks: u64| {
            format!(
                "longest heartbeat gap {} ms, {ticks} tick{}",
                format_ms(ms),
                if ticks == 1 { "" } else { "s" }
            )
        };
        let mut figures = vec![
            ("offloaded".into(), gap(m.max_gap_offloaded_ms, m.heartbeats_offloaded)),
            (
                format!("inline, {} of {} blocked", m.inline_handlers, m.inline_handlers),
                gap(m.max_gap_inline_ms, m.heartbeats_inline),
            ),
        ];
        if let (Some(ms), Some(ticks)) = (m.max_gap_one_blocked_ms, m.heartbeats_one_blocked) {
            figures.push((format!("inline, 1 of {} blocked", m.inline_handlers), gap(ms, ticks)));
        }
        figures.push((
            "sync → async".into(),
            format!("block_on returned the async value: {}", m.block_on_value_ok),
        ));
        figures
    }

    fn takeaway(cfg: &BridgeConfig, m: &BridgeMetrics, _: &Env) -> String {
        // A stall is a gap at least as long as one blocking call: no tick in all that time.
        let stalled = |ms: f64| ms >= cfg.job_ms as f64;
        let n = m.inline_handlers;
        let offloaded = format!(
            "offloaded, the blocking calls left the heartbeat ticking (longest gap {} ms)",
            format_ms(m.max_gap_offloaded_ms)
        );
        let all = if stalled(m.max_gap_inline_ms) {
            format!(
                "inline on every executor thread ({n}), they froze the executor: no task ran for {} ms",
                format_ms(m.max_gap_inline_ms)
            )
        } else {
            format!(
                "inline on every executor thread ({n}), the heartbeat still ticked (longest gap {} ms, under one \
                 {} ms call)",
                format_ms(m.max_gap_inline_ms),
                cfg.job_ms
            )
        };
        // claim: C-tokio-bridge-escape
        let one = match m.max_gap_one_blocked_ms {
            Some(ms) if stalled(ms) => format!(
                "; with only 1 of {n} workers blocked the heartbeat stalled anyway ({} ms): no other worker ran it \
                 while that one was blocked",
                format_ms(ms)
            ),
            Some(ms) => format!(
                "; with only 1 of {n} workers blocked it escaped to another worker in this run (longest gap {} \
                 ms) — not a guarantee: a task woken onto the blocked worker's own queue can wait there — and the \
                 blocked worker ran nothing else",
                format_ms(ms)
            ),
            None => String::new(),
        };
        format!("{offloaded}; {all}{one}. Offload blocking calls (spawn_blocking / unblock / a thread).")
    }
}
