//! race: N tasks each read a shared counter, yield, then write what they read
//! plus one. Run three ways — unsynchronized, under the runtime's mutex, and as
//! one atomic `fetch_add` — to see updates lost, and then not.
//!
//! The unsynchronized form is written in safe Rust: an `AtomicU64` loaded, an
//! await point (or `thread::yield_now`), then stored. Each access is atomic, so
//! there is no *data race* (undefined behaviour); there is a *race condition*: the
//! read-modify-write is three steps, and another task can run between them, so
//! two tasks read the same value and one increment is lost. The data-race
//! version — `static mut COUNTER: u64` or a `&mut u64` shared by tasks — does not
//! compile: `&mut` is unique, `static mut` needs `unsafe`, and a plain `u64`
//! behind an `Arc` cannot be mutated without a lock or an atomic. Rust rules out
//! data races; only the logic of the program can rule out race conditions.

use serde::{Deserialize, Serialize};

use crate::{Check, Env, Log, Observed, Runtime, Scenario};

/// Configuration of the race scenario.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, clap::Args)]
pub struct RaceConfig {
    /// Tasks that each increment the counter once.
    #[arg(long, default_value_t = 1000, value_parser = crate::scenario::size::<1, 1_000_000>,
          allow_negative_numbers = true)]
    pub tasks: usize,
}

impl Default for RaceConfig {
    fn default() -> Self {
        Self { tasks: 1000 }
    }
}

/// What the race scenario measured.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RaceMetrics {
    /// The counter's value if no update were lost (= tasks).
    pub expected: u64,
    /// Final value with load / yield / store.
    pub unsynchronized: u64,
    /// Final value with the runtime's mutex held across the yield.
    pub mutex: u64,
    /// Final value with one atomic `fetch_add`.
    pub atomic: u64,
    /// `expected - unsynchronized`.
    pub lost_updates: u64,
}

impl RaceMetrics {
    /// Metrics from the three final counter values.
    pub fn new(expected: u64, unsynchronized: u64, mutex: u64, atomic: u64) -> Self {
        let lost_updates = expected.saturating_sub(unsynchronized);
        Self { expected, unsynchronized, mutex, atomic, lost_updates }
    }
}

/// The race scenario, implemented by every runtime.
pub trait Race {
    /// Run the three counters and report their final values.
    fn race(&self, cfg: &RaceConfig, env: &Env) -> Observed<RaceMetrics>;
}

/// Log an unsynchronized write that overwrote other tasks' increments: `read` is
/// what the task loaded, `overwritten` what the counter held when it stored.
pub fn log_lost_update(log: &Log, task: usize, read: u64, overwritten: u64) {
    if !log.enabled() || overwritten == read {
        return;
    }
    let wrote = read + 1;
    if overwritten > read {
        let erased = overwritten - read;
        log.line(format!(
            "task {task} read {read}, yielded, wrote {wrote} over {overwritten}: {erased} increment(s) made meanwhile erased"
        ));
    } else {
        log.line(format!(
            "task {task} read {read}, yielded, wrote {wrote} over a stale {overwritten} left by another task"
        ));
    }
}

/// Marker type naming the race scenario for the CLI and `compare`.
#[derive(Debug)]
pub struct RaceScenario;

impl Scenario for RaceScenario {
    const NAME: &'static str = "race";
    const ABOUT: &'static str = "tasks read, yield, write a counter: lost updates vs mutex vs atomic";
    type Config = RaceConfig;
    type Metrics = RaceMetrics;

    fn observe(rt: &dyn Runtime, cfg: &RaceConfig, env: &Env) -> Observed<RaceMetrics> {
        rt.race(cfg, env)
    }

    fn checks(_: &RaceConfig, m: &RaceMetrics) -> Vec<Check> {
        vec![
            Check::new("mutex == expected", m.mutex == m.expected, format!("{}/{}", m.mutex, m.expected)),
            Check::new("atomic == expected", m.atomic == m.expected, format!("{}/{}", m.atomic, m.expected)),
            Check::new(
                "unsynchronized <= expected",
                m.unsynchronized <= m.expected,
                format!("{}/{}", m.unsynchronized, m.expected),
            ),
        ]
    }

    fn headline(cfg: &RaceConfig) -> String {
        format!("{} tasks each read a shared counter, yield, then write what they read + 1", cfg.tasks)
    }

    fn figures(_: &RaceConfig, m: &RaceMetrics) -> Vec<(String, String)> {
        vec![
            ("expected".into(), m.expected.to_string()),
            ("unsynchronized".into(), format!("{}  ({} updates lost)", m.unsynchronized, m.lost_updates)),
            ("runtime mutex".into(), m.mutex.to_string()),
            ("atomic fetch_add".into(), m.atomic.to_string()),
        ]
    }

    fn takeaway(_: &RaceConfig, m: &RaceMetrics, env: &Env) -> String {
        if m.lost_updates > 0 {
            format!(
                "{} of {} increments were lost: between the load and the store another task ran and \
                 its write was overwritten. Safe Rust forbids the data race, not this race condition; \
                 hold the mutex across the await point, or make the update one atomic fetch_add.",
                m.lost_updates, m.expected
            )
        } else if env.threads == 1 {
            "no update was lost this time: on one thread nothing ran between each load and store. \
             The code is still racy; rerun with --threads 2 (or on an async runtime, where the \
             await point lets other tasks in) and watch updates disappear."
                .to_string()
        } else {
            "no update was lost this run, by luck of the interleaving; the unsynchronized code is \
             still wrong. Rerun with another --seed or more --tasks."
                .to_string()
        }
    }
}
