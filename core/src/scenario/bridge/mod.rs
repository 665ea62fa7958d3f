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
//!
//! It depends on who woke the task, too. With several workers a last phase
//! probes it: task A wakes a parked task B, then blocks its own worker for
//! [`STRAND_BLOCK`], [`STRAND_ROUNDS`] times. A round is *stranded* when B ran
// claim: C-tokio-lifo-slot
//! only once A's blocking call had ended, though another worker was free. On
//! tokio B waits in the waking worker's LIFO slot, which other workers cannot
//! steal (`schedule_local` in `runtime/scheduler/multi_thread/worker.rs`; tokio
//! #4941; `disable_lifo_slot` exists only under `tokio_unstable`). Contrasts:
//! the same rounds with B woken from a plain thread, and on tokio with A
//! blocking inside `block_in_place`, which hands the worker's queues to a new
//! thread.

use std::time::{Duration, Instant};

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

/// The stranding phase's log line (see [`offloaded`]); run only with several workers.
pub const STRANDING: &str =
    "phase 4: a task wakes a parked task, then blocks its worker: does the woken task run on another worker?";

/// Rounds of the stranding phase, for each way of waking.
pub const STRAND_ROUNDS: usize = 20;
/// How long the waking task blocks its worker in each round.
pub const STRAND_BLOCK: Duration = Duration::from_millis(10);

/// One round of the stranding phase, as its two tasks timed it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StrandRound {
    /// When A woke B.
    pub woke: Instant,
    /// When A's blocking call ended, freeing its worker.
    pub freed: Instant,
    /// When B ran again.
    pub resumed: Instant,
}

impl StrandRound {
    /// Whether B ran only once A's worker was free again.
    pub fn stranded(&self) -> bool {
        self.resumed >= self.freed
    }

    /// How long B waited from its wake to running.
    pub fn wait(&self) -> Duration {
        self.resumed.saturating_duration_since(self.woke)
    }
}

/// The stranded rounds among `rounds`.
fn stranded(rounds: &[StrandRound]) -> u64 {
    rounds.iter().filter(|r| r.stranded()).count() as u64
}

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
    /// With several workers: rounds of the stranding phase (A wakes a parked
    /// B, then blocks its worker).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stranding_rounds: Option<u64>,
    /// With several workers: rounds in which B ran only once A's blocking
    /// call had ended — stranded behind a blocked worker while another was free.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stranded_rounds: Option<u64>,
    /// With several workers: B's median wait from its wake to running, in ms.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stranded_wait_median_ms: Option<f64>,
    /// With several workers: stranded rounds when a plain thread woke B
    /// (A blocked its worker all the same).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stranded_rounds_woken_from_thread: Option<u64>,
    /// tokio, with several workers: stranded rounds when A blocked inside
    /// `block_in_place`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stranded_rounds_block_in_place: Option<u64>,
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
            ..Self::default()
        }
    }

    /// The stranding phase's rounds: B woken by A's worker, from a plain
    /// thread, and (tokio) with A in `block_in_place`. Logs what they showed.
    pub fn stranding(
        &mut self,
        log: &crate::Log,
        by_worker: &[StrandRound],
        from_thread: &[StrandRound],
        block_in_place: Option<&[StrandRound]>,
    ) {
        let mut waits: Vec<f64> = by_worker.iter().map(|r| r.wait().as_secs_f64() * 1e3).collect();
        waits.sort_by(f64::total_cmp);
        self.stranding_rounds = Some(by_worker.len() as u64);
        self.stranded_rounds = Some(stranded(by_worker));
        self.stranded_wait_median_ms = waits.get(waits.len() / 2).copied();
        self.stranded_rounds_woken_from_thread = Some(stranded(from_thread));
        self.stranded_rounds_block_in_place = block_in_place.map(stranded);
        log.line(format!(
            "woken by the worker that then blocked {} ms: the woken task ran only after that worker was free \
             in {} of {} rounds (median wait {} ms)",
            STRAND_BLOCK.as_millis(),
            stranded(by_worker),
            by_worker.len(),
            format_ms(self.stranded_wait_median_ms.unwrap_or(0.0))
        ));
        let mut contrasts =
            format!("woken from a plain thread instead: {} of {}", stranded(from_thread), from_thread.len());
        if let Some(rounds) = block_in_place {
            contrasts.push_str(&format!(
                "; blocked in block_in_place: {} of {}",
                stranded(rounds),
                rounds.len()
            ));
        }
        log.line(contrasts);
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
    const KIND: crate::scenario::Kind = crate::scenario::Kind::Bridge;
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
        format!("{}.{}", said.join("; "), stranding_concluded(columns))
    }

    fn least_duration(cfg: &BridgeConfig, shape: &RunShape) -> Duration {
        // Each phase makes its calls one after another: offloaded and awaited, inline on
        // every worker at once, then (with several workers) inline on one.
        let phases = if shape.threads > 1 { 3 } else { 2 };
        // With several, the stranding rounds: each blocks a worker, twice over at least.
        let stranding =
            if shape.threads > 1 { STRAND_BLOCK * (2 * STRAND_ROUNDS) as u32 } else { Duration::ZERO };
        cfg.job() * cfg.jobs as u32 * phases + stranding
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
            "a heartbeat asks to tick every {} ms while handlers make {} blocking calls of {} ms: offloaded, then \
             inline; last, with several workers, does a task woken by a worker that then blocks wait for it?",
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
        figures.push(("woken, then blocked".into(), stranding(m)));
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
        let escaped = m.max_gap_one_blocked_ms.is_some_and(|ms| !stalled(ms));
        let strand = stranding_takeaway(m, escaped).map_or(String::new(), |s| format!(" {s}"));
        format!(
            "{offloaded}; {all}{one}.{strand} Offload blocking calls (spawn_blocking / unblock / a thread)."
        )
    }
}

/// The conclusion's sentence on the stranding phase, for the runtimes that
/// ran it (several workers); empty where none did.
fn stranding_concluded(columns: &[Column<'_, BridgeMetrics>]) -> String {
    let ran: Vec<Column<'_, BridgeMetrics>> = columns
        .iter()
        .filter(|c| c.always(|m| m.stranded_rounds.is_some()))
        .map(|c| Column { runtime: c.runtime, flavor: c.flavor, runs: c.runs.clone() })
        .collect();
    let Some(rounds) = ran.first().and_then(|c| c.runs.first()).and_then(|m| m.stranding_rounds) else {
        return String::new();
    };
    let median = |f: fn(&BridgeMetrics) -> Option<u64>| {
        move |c: &Column<'_, BridgeMetrics>| format!("{:.0}", c.median(|m| f(m).unwrap_or(0) as f64))
    };
    let mut said = format!(
        " Rounds of {rounds} in which a task woken by a worker that then blocked {} ms waited for that worker, \
         another being free: {}; woken from a plain thread: {}",
        STRAND_BLOCK.as_millis(),
        each(&ran, median(|m| m.stranded_rounds)),
        each(&ran, median(|m| m.stranded_rounds_woken_from_thread))
    );
    let in_place: Vec<Column<'_, BridgeMetrics>> = ran
        .iter()
        .filter(|c| c.always(|m| m.stranded_rounds_block_in_place.is_some()))
        .map(|c| Column { runtime: c.runtime, flavor: c.flavor, runs: c.runs.clone() })
        .collect();
    if !in_place.is_empty() {
        said.push_str(&format!(
            "; with the worker blocked in block_in_place: {}",
            each(&in_place, median(|m| m.stranded_rounds_block_in_place))
        ));
    }
    format!("{said}.")
}

/// The stranding phase's figure.
fn stranding(m: &BridgeMetrics) -> String {
    let (Some(rounds), Some(stranded), Some(from_thread)) =
        (m.stranding_rounds, m.stranded_rounds, m.stranded_rounds_woken_from_thread)
    else {
        return "does not apply: with 1 worker every task waits for a blocked one".into();
    };
    let mut seen = format!(
        "waited for the blocked worker in {stranded} of {rounds} rounds (median wait {} ms); woken from a \
         plain thread: {from_thread} of {rounds}",
        format_ms(m.stranded_wait_median_ms.unwrap_or(0.0))
    );
    if let Some(in_place) = m.stranded_rounds_block_in_place {
        seen.push_str(&format!("; blocked in block_in_place: {in_place} of {rounds}"));
    }
    seen
}

/// The take-away's sentence on the stranding phase, worded from its counts;
/// `None` with one worker, where it does not apply. `escaped`: the heartbeat
/// kept ticking with one worker blocked.
fn stranding_takeaway(m: &BridgeMetrics, escaped: bool) -> Option<String> {
    let (rounds, stranded, from_thread) =
        (m.stranding_rounds?, m.stranded_rounds?, m.stranded_rounds_woken_from_thread?);
    let block = STRAND_BLOCK.as_millis();
    let woken = format!("A task woken by a worker that then blocked {block} ms");
    let contrast = format!(
        "woken from a plain thread instead, {from_thread} of {rounds}{}",
        m.stranded_rounds_block_in_place.map_or(String::new(), |n| format!(
            "; with the worker blocked in block_in_place, {n} of {rounds}"
        ))
    );
    let so = if escaped { " So the heartbeat's escape above is observed, not guaranteed." } else { "" };
    Some(if stranded == 0 {
        format!("{woken} never waited for it: another worker ran it in all {rounds} rounds ({contrast}).")
    } else if m.stranded_rounds_block_in_place.is_some_and(|n| n < stranded) && stranded * 2 > rounds {
        // tokio: the woken task went to the waking worker's LIFO slot.
        format!(
            "{woken} waited for it in {stranded} of {rounds} rounds, though another worker was free: it sat in \
             the blocked worker's LIFO slot, which other workers cannot steal ({contrast}).{so}"
        )
    } else if from_thread * 2 > rounds {
        // The control stranded too: not the waking worker's doing (compio: a task runs only
        // on the runtime it was spawned on).
        format!(
            "{woken} waited for it in {stranded} of {rounds} rounds, though another worker was free; woken from \
             a plain thread instead, it waited as well ({from_thread} of {rounds}{}), so who woke it made no \
             difference: the free worker never ran it, and it waited for the blocked one.{so}",
            m.stranded_rounds_block_in_place.map_or(String::new(), |n| format!(
                "; with the worker blocked in block_in_place, {n} of {rounds}"
            ))
        )
    } else {
        format!(
            "{woken} waited for it in {stranded} of {rounds} rounds, though another worker was free \
             ({contrast}).{so}"
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Stranding rounds: `stranded` of 20 woken by the blocking worker, `from_thread` woken from a thread.
    fn rounds(stranded: u64, from_thread: u64) -> BridgeMetrics {
        BridgeMetrics {
            stranding_rounds: Some(20),
            stranded_rounds: Some(stranded),
            stranded_wait_median_ms: Some(10.1),
            stranded_rounds_woken_from_thread: Some(from_thread),
            ..BridgeMetrics::default()
        }
    }

    #[test]
    fn a_control_that_stranded_too_clears_the_waker() {
        // compio: woken from a plain thread, the task waited all the same.
        let said = stranding_takeaway(&rounds(20, 20), false).expect("several workers");
        assert!(said.contains("woken from a plain thread instead, it waited as well (20 of 20)"), "{said}");
        assert!(said.contains("who woke it made no difference"), "{said}");
        // smol, async-std: the control ran at once, so the waker is not cleared.
        let said = stranding_takeaway(&rounds(20, 0), false).expect("several workers");
        assert!(!said.contains("made no difference"), "{said}");
        assert!(said.contains("woken from a plain thread instead, 0 of 20"), "{said}");
    }

    #[test]
    fn the_stranding_figure_names_its_tasks_and_contrasts() {
        let seen = stranding(&BridgeMetrics { stranded_rounds_block_in_place: Some(0), ..rounds(20, 0) });
        assert_eq!(
            seen,
            "waited for the blocked worker in 20 of 20 rounds (median wait 10.1 ms); woken from a plain thread: 0 \
             of 20; blocked in block_in_place: 0 of 20"
        );
    }
}
