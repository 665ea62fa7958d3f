//! timers: what a runtime's sleep really waits. One task asks its runtime's
//! timer for `--sleep-us` again and again — `tokio::time::sleep`,
//! `smol::Timer::after` (async-io), `async_std::task::sleep` (async-io again),
//! and `std::thread::sleep` on std-threads, which has no async timer of its
//! own — and each wait is measured against what was asked.
//!
// claim: C-tokio-timer-round-up
//! tokio's timer works in whole milliseconds: it rounds a deadline up to the
//! end of its millisecond (`deadline_to_tick` in `runtime/time/source.rs`), so
//! `sleep(100 µs)` lasts about a millisecond and `sleep(1 ms)` about two.
// claim: C-async-io-timer-exact
//! async-io keeps its timers in a map keyed by `Instant` and arms the OS's
//! timer with them, and a thread's sleep is the kernel's: both wait about what
//! was asked. Each sleep starts at a seeded offset into the millisecond (a
//! short spin first), since a millisecond timer's result depends on where in
//! its millisecond a sleep begins. Then the same timer asked for 1 ms, which is
//! the heartbeat interval of `starvation` (`bridge`'s asks for 5 ms).
//!
// claim: C-timers-never-early
//! Checked: no sleep returned before its time. Every timer here promises it —
//! tokio fires a deadline once its rounded-up millisecond has passed, async-io
//! and compio wake a timer only once `Instant::now()` has reached its deadline,
//! and `std::thread::sleep` sleeps "at least the specified amount of time" — so
//! a sleep measured shorter than asked is a broken timer, not a slow machine.
//! How late a sleep is, is the lesson, not a check.

use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::report::format_ms;
use crate::scenario::{Column, each, listed, names_where};
use crate::scenario::{RunShape, count, size};
use crate::{Check, Env, Observed, Runtime, Scenario};

/// Configuration of the timers scenario.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, clap::Args)]
pub struct TimersConfig {
    /// The sleep asked for, in microseconds (at most 50 ms, so Ctrl-C ends a run between sleeps at once)
    #[arg(long, default_value_t = 100, value_parser = count::<1, 50_000>, allow_negative_numbers = true)]
    pub sleep_us: u64,
    /// Sleeps measured (and as many of 1 ms)
    #[arg(long, default_value_t = 50, value_parser = size::<1, 10_000>, allow_negative_numbers = true)]
    pub sleeps: usize,
}

impl Default for TimersConfig {
    fn default() -> Self {
        Self { sleep_us: 100, sleeps: 50 }
    }
}

/// The heartbeat interval measured as the second part of the run: the one
/// `starvation` gives its heartbeat by default.
pub const HEARTBEAT: Duration = Duration::from_millis(1);

/// The scenarios that run a heartbeat, and the interval each asks for by
/// default, in ms: the take-away names those [`HEARTBEAT`] measured.
fn heartbeats() -> [(&'static str, u64); 2] {
    [
        ("bridge", crate::scenario::bridge::BridgeConfig::default().tick_ms),
        ("starvation", crate::scenario::starvation::StarvationConfig::default().tick_ms),
    ]
}

impl TimersConfig {
    /// The sleep asked for.
    pub fn sleep(&self) -> Duration {
        Duration::from_micros(self.sleep_us)
    }

    /// The seeded offsets into a millisecond at which the sleeps start, one
    /// per sleep: each sleep first spins this long.
    pub fn offsets(&self, seed: u64) -> Vec<Duration> {
        let mut rng = fastrand::Rng::with_seed(seed);
        (0..self.sleeps).map(|_| Duration::from_micros(rng.u64(0..1_000))).collect()
    }
}

/// Spin for `offset`, then time `sleep` (the runtime's sleep of the asked
/// duration). The spin moves the sleep's start to a seeded point in the
/// millisecond without asking any timer.
pub async fn timed<F: Future<Output = ()>>(offset: Duration, sleep: impl FnOnce() -> F) -> Duration {
    let spin = Instant::now();
    while spin.elapsed() < offset {
        std::hint::spin_loop();
    }
    let start = Instant::now();
    sleep().await;
    start.elapsed()
}

/// [`timed`] for a blocking sleep, on the calling thread.
pub fn timed_blocking(offset: Duration, sleep: impl FnOnce()) -> Duration {
    let spin = Instant::now();
    while spin.elapsed() < offset {
        std::hint::spin_loop();
    }
    let start = Instant::now();
    sleep();
    start.elapsed()
}

/// What the timers scenario measured.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct TimersMetrics {
    /// The sleep asked for, in µs.
    pub requested_us: f64,
    /// Sleeps measured.
    pub sleeps: u64,
    /// The shortest wait, in µs.
    pub min_us: f64,
    /// The median wait, in µs.
    pub median_us: f64,
    /// The 99th-percentile wait, in µs.
    pub p99_us: f64,
    /// The longest wait, in µs.
    pub max_us: f64,
    /// Sleeps that returned before the time asked: a timer bug.
    pub early: u64,
    /// The median wait of a 1 ms sleep on the same timer (the heartbeats'
    /// interval), in µs.
    pub heartbeat_median_us: f64,
    /// 1 ms sleeps that returned early.
    pub heartbeat_early: u64,
}

impl TimersMetrics {
    /// Whether the timer rounded a sleep shorter than a millisecond up to one:
    /// asked for under 0.9 ms, no wait was shorter than 0.9 ms (the test the
    /// conclusion makes of each runtime's median).
    pub fn rounds_up_to_ms(&self) -> bool {
        self.requested_us < 900.0 && self.min_us >= 900.0
    }

    /// The figures from the waits measured for the asked sleep and for 1 ms.
    pub fn new(cfg: &TimersConfig, waits: &[Duration], heartbeats: &[Duration]) -> Self {
        let us = |d: &Duration| d.as_secs_f64() * 1e6;
        let mut sorted: Vec<f64> = waits.iter().map(us).collect();
        sorted.sort_by(f64::total_cmp);
        let mut beats: Vec<f64> = heartbeats.iter().map(us).collect();
        beats.sort_by(f64::total_cmp);
        let at =
            |v: &[f64], q: f64| v.get(((v.len() as f64 - 1.0) * q).round() as usize).copied().unwrap_or(0.0);
        Self {
            requested_us: cfg.sleep_us as f64,
            sleeps: waits.len() as u64,
            min_us: sorted.first().copied().unwrap_or(0.0),
            median_us: at(&sorted, 0.5),
            p99_us: at(&sorted, 0.99),
            max_us: sorted.last().copied().unwrap_or(0.0),
            early: waits.iter().filter(|w| **w < cfg.sleep()).count() as u64,
            heartbeat_median_us: at(&beats, 0.5),
            heartbeat_early: heartbeats.iter().filter(|w| **w < HEARTBEAT).count() as u64,
        }
    }
}

/// The timers scenario, implemented by every runtime.
pub trait Timers {
    /// Time `cfg.sleeps` sleeps of `cfg.sleep_us`, then as many of 1 ms, on
    /// the runtime's own timer.
    fn timers(&self, cfg: &TimersConfig, env: &Env) -> Observed<TimersMetrics>;
}

/// Marker type naming the timers scenario for the CLI and `compare`.
#[derive(Debug)]
pub struct TimersScenario;

/// A wait as a reader takes it: "112 µs", "1.07 ms".
fn wait(us: f64) -> String {
    if us < 1_000.0 { format!("{us:.0} µs") } else { format!("{} ms", format_ms(us / 1e3)) }
}

impl Scenario for TimersScenario {
    const KIND: crate::scenario::Kind = crate::scenario::Kind::Timers;
    const ABOUT: &'static str =
        "what a runtime's sleep really waits: tokio rounds up to milliseconds, async-io does not";
    type Config = TimersConfig;
    type Metrics = TimersMetrics;

    fn least_duration(cfg: &TimersConfig, _: &RunShape) -> Duration {
        (cfg.sleep() + HEARTBEAT) * cfg.sleeps as u32
    }

    fn observe(rt: &dyn Runtime, cfg: &TimersConfig, env: &Env) -> Observed<TimersMetrics> {
        rt.timers(cfg, env)
    }

    fn checks(_: &TimersConfig, m: &TimersMetrics) -> Vec<Check> {
        // A sleep's start is taken before the runtime's sleep computes its deadline
        // (`timed`), so a wait measured under what was asked woke before that deadline.
        vec![Check::new(
            "no sleep returned before its time",
            m.early == 0 && m.heartbeat_early == 0,
            format!(
                "{} early of {} asked {}; {} early of 1 ms",
                m.early,
                m.sleeps,
                wait(m.requested_us),
                m.heartbeat_early
            ),
        )]
    }

    fn headline(cfg: &TimersConfig) -> String {
        format!(
            "one task asks the runtime's timer for {} sleeps of {}, each from a seeded point in the millisecond, \
             then for as many of 1 ms: how long each really waited",
            cfg.sleeps,
            wait(cfg.sleep_us as f64)
        )
    }

    fn figures(_: &TimersConfig, m: &TimersMetrics) -> Vec<(String, String)> {
        vec![
            (
                format!("asked {}", wait(m.requested_us)),
                format!(
                    "waited min {} · median {} · p99 {} · max {}",
                    wait(m.min_us),
                    wait(m.median_us),
                    wait(m.p99_us),
                    wait(m.max_us)
                ),
            ),
            (
                "asked 1 ms".into(),
                format!("waited median {} (a heartbeat's interval)", wait(m.heartbeat_median_us)),
            ),
        ]
    }

    const LESSON: &'static [&'static str] = &["median_us", "heartbeat_median_us", "min_us"];

    // claim: C-timers-conclude
    fn conclude(cfg: &TimersConfig, columns: &[Column<'_, TimersMetrics>]) -> String {
        let asked = cfg.sleep_us as f64;
        let waited = each(columns, |c| wait(c.median(|m| m.median_us)));
        let rounds = names_where(columns, |c| c.median(|m| m.min_us) >= asked.max(900.0) && asked < 900.0);
        let kept = names_where(columns, |c| c.median(|m| m.median_us) < 1.5 * asked);
        let mut said = format!("Asked to sleep {}, the median waits were {waited}", wait(asked));
        if !rounds.is_empty() {
            said.push_str(&format!(
                "; {} never waited under a millisecond: its timer rounds up",
                listed(&rounds)
            ));
        }
        if !kept.is_empty() {
            said.push_str(&format!("; {} waited within half again what was asked", listed(&kept)));
        }
        let beats = each(columns, |c| wait(c.median(|m| m.heartbeat_median_us)));
        format!("{said}. A 1 ms sleep lasted {beats}.")
    }

    // claim: C-timers-takeaway
    fn takeaway(_: &TimersConfig, m: &TimersMetrics, _: &Env) -> String {
        let ratio = m.median_us / m.requested_us.max(1.0);
        let asked = if m.median_us >= 1_000.0 && ratio >= 2.0 {
            format!(
                "Asked for {}, this timer waited a median {} — ×{ratio:.1}: it rounds a sleep up to whole \
                 milliseconds, so nothing shorter than about a millisecond can be slept on it",
                wait(m.requested_us),
                wait(m.median_us)
            )
        } else if ratio >= 1.5 {
            format!(
                "Asked for {}, this timer waited a median {} — ×{ratio:.1} what was asked",
                wait(m.requested_us),
                wait(m.median_us)
            )
        } else {
            format!(
                "Asked for {}, this timer waited a median {}: about what was asked, late by the kernel's \
                 wake-up ({} over)",
                wait(m.requested_us),
                wait(m.median_us),
                wait((m.median_us - m.requested_us).max(0.0))
            )
        };
        format!("{asked}. {}.", heartbeat(m, &heartbeats()))
    }
}

/// The take-away's heartbeat sentence: what the [`HEARTBEAT`] sleep lasted,
/// said of the scenarios whose heartbeat asks for that interval, and the
/// interval of those that ask for another, which this run did not time.
fn heartbeat(m: &TimersMetrics, heartbeats: &[(&str, u64)]) -> String {
    let asked = HEARTBEAT.as_millis() as u64;
    let lasted = wait(m.heartbeat_median_us);
    let timed: Vec<String> =
        heartbeats.iter().filter(|(_, ms)| *ms == asked).map(|(name, _)| format!("{name}'s")).collect();
    let timed: Vec<&str> = timed.iter().map(String::as_str).collect();
    let mut said = format!("A {asked} ms sleep lasted a median {lasted}");
    if !timed.is_empty() {
        let whose = format!(
            "{} {}, which {} to tick every {asked} ms,",
            listed(&timed),
            if timed.len() == 1 { "heartbeat" } else { "heartbeats" },
            if timed.len() == 1 { "asks" } else { "ask" }
        );
        if m.heartbeat_median_us >= 1.5 * asked as f64 * 1e3 {
            said.push_str(&format!(
                ", so {whose} ticks about every {lasted} here: a gap of that size is the timer, not a stall"
            ));
        } else {
            said.push_str(&format!(": {whose} ticks about as asked"));
        }
    }
    for (name, ms) in heartbeats.iter().filter(|(_, ms)| *ms != asked) {
        said.push_str(&format!("; {name}'s heartbeat asks for every {ms} ms, a sleep this run did not time"));
    }
    said
}

#[cfg(test)]
mod tests {
    use super::*;

    fn beat(median_us: f64) -> TimersMetrics {
        TimersMetrics { heartbeat_median_us: median_us, ..Default::default() }
    }

    #[test]
    fn each_heartbeat_is_named_with_the_interval_it_asks_for() {
        let said = heartbeat(&beat(1_070.0), &[("bridge", 5), ("starvation", 1)]);
        assert!(said.starts_with("A 1 ms sleep lasted a median 1.1 ms"), "{said}");
        assert!(
            said.contains("starvation's heartbeat, which asks to tick every 1 ms, ticks about as asked"),
            "{said}"
        );
        assert!(
            said.contains("bridge's heartbeat asks for every 5 ms, a sleep this run did not time"),
            "{said}"
        );
        assert!(!said.contains("bridge's heartbeat, which asks to tick every 1 ms"), "{said}");
    }

    #[test]
    fn a_late_timer_says_how_often_the_heartbeat_it_timed_ticks() {
        let said = heartbeat(&beat(2_080.0), &[("bridge", 5), ("starvation", 1)]);
        assert!(
            said.contains(
                "so starvation's heartbeat, which asks to tick every 1 ms, ticks about every 2.1 ms"
            ),
            "{said}"
        );
        // Two at the interval measured are named together.
        let both = heartbeat(&beat(1_070.0), &[("bridge", 1), ("starvation", 1)]);
        assert!(
            both.contains("bridge's and starvation's heartbeats, which ask to tick every 1 ms"),
            "{both}"
        );
        assert!(!both.contains("did not time"), "{both}");
    }

    #[test]
    fn the_take_away_reads_the_scenarios_own_intervals() {
        let m = TimersMetrics {
            requested_us: 100.0,
            median_us: 130.0,
            heartbeat_median_us: 1_070.0,
            ..Default::default()
        };
        let said = TimersScenario::takeaway(&TimersConfig::default(), &m, &Env::quiet(2, 42));
        let bridge = crate::scenario::bridge::BridgeConfig::default().tick_ms;
        if bridge != 1 {
            assert!(said.contains(&format!("bridge's heartbeat asks for every {bridge} ms")), "{said}");
        }
        assert!(!said.contains("(bridge, starvation)"), "{said}");
    }
}
