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

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::time::Instant;

use serde::{Deserialize, Serialize};

use crate::report::{counted, format_ms};
use crate::scenario::{Column, listed};
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
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
    /// Wall time of the unsynchronized phase (spawn to last join).
    pub unsynchronized_ms: f64,
    /// Wall time of the mutex phase.
    pub mutex_ms: f64,
    /// Wall time of the atomic phase.
    pub atomic_ms: f64,
    /// Updates lost by the same read, yield, write on a pool of OS threads:
    /// reported by the Python side (`python/demos.py`, its GIL on or off), absent on Rust.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thread_lost_updates: Option<u64>,
}

impl RaceMetrics {
    /// Metrics from the three phases.
    pub fn new(expected: u64, unsynchronized: Phase, mutex: Phase, atomic: Phase) -> Self {
        Self {
            expected,
            unsynchronized: unsynchronized.value,
            mutex: mutex.value,
            atomic: atomic.value,
            lost_updates: expected.saturating_sub(unsynchronized.value),
            unsynchronized_ms: unsynchronized.ms,
            mutex_ms: mutex.ms,
            atomic_ms: atomic.ms,
            thread_lost_updates: None,
        }
    }
}

/// One phase of the race: the counter's final value and the phase's wall time.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Phase {
    /// Final counter value.
    pub value: u64,
    /// Milliseconds from the first spawn to the last join.
    pub ms: f64,
}

impl Phase {
    /// Time a phase that runs synchronously.
    pub fn measure(phase: impl FnOnce() -> u64) -> Self {
        let start = Instant::now();
        let value = phase();
        Self { value, ms: start.elapsed().as_secs_f64() * 1e3 }
    }

    /// Time a phase that runs as a future.
    pub async fn measure_async(phase: impl Future<Output = u64>) -> Self {
        let start = Instant::now();
        let value = phase.await;
        Self { value, ms: start.elapsed().as_secs_f64() * 1e3 }
    }
}

/// The race scenario, implemented by every runtime.
pub trait Race {
    /// Run the three counters and report their final values.
    fn race(&self, cfg: &RaceConfig, env: &Env) -> Observed<RaceMetrics>;
}

/// How many overwrites the live log shows before it only counts them.
pub const OVERWRITES_SHOWN: u64 = 4;

/// The live log of the unsynchronized phase: the first few writes that
/// overwrote other tasks' increments, then a count — so the figures and the
/// take-away still fit on one screen. Clones share the count.
#[derive(Debug, Clone)]
pub struct LostUpdates(Arc<LostUpdatesInner>);

#[derive(Debug)]
struct LostUpdatesInner {
    log: Log,
    overwrites: AtomicU64,
    most_erased: AtomicU64,
}

impl LostUpdates {
    /// Log to `log`.
    pub fn new(log: &Log) -> Self {
        Self(Arc::new(LostUpdatesInner {
            log: log.clone(),
            overwrites: AtomicU64::new(0),
            most_erased: AtomicU64::new(0),
        }))
    }

    /// One unsynchronized write: `read` is what the task loaded, `overwritten`
    /// what the counter held when it stored.
    pub fn record(&self, task: usize, read: u64, overwritten: u64) {
        if !self.0.log.enabled() || overwritten == read {
            return;
        }
        let n = self.0.overwrites.fetch_add(1, Relaxed);
        self.0.most_erased.fetch_max(overwritten.saturating_sub(read), Relaxed);
        if n >= OVERWRITES_SHOWN {
            return;
        }
        let wrote = read + 1;
        if overwritten > read {
            let erased = overwritten - read;
            self.0.log.line(format!(
                "task {task} read {read}, yielded, wrote {wrote} over {overwritten}: {} made meanwhile erased",
                counted(erased, "increment")
            ));
        } else {
            self.0.log.line(format!(
                "task {task} read {read}, yielded, wrote {wrote} over a stale {overwritten} left by another task"
            ));
        }
    }

    /// After the phase: how many writes overwrote others' work in all.
    pub fn finish(&self) {
        let n = self.0.overwrites.load(Relaxed);
        if n > OVERWRITES_SHOWN {
            self.0.log.line(format!(
                "… {n} writes in all landed on a counter another task had changed since their read (the \
                 worst erased {} at once); the final count below says how many updates that lost in the end",
                counted(self.0.most_erased.load(Relaxed), "increment")
            ));
        }
    }
}

/// Marker type naming the race scenario for the CLI and `compare`.
#[derive(Debug)]
pub struct RaceScenario;

impl Scenario for RaceScenario {
    const KIND: crate::scenario::Kind = crate::scenario::Kind::Race;
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
        ]
    }

    fn headline(cfg: &RaceConfig) -> String {
        format!("{} tasks each read a shared counter, yield, then write what they read + 1", cfg.tasks)
    }

    fn figures(_: &RaceConfig, m: &RaceMetrics) -> Vec<(String, String)> {
        vec![
            ("expected".into(), m.expected.to_string()),
            (
                "unsynchronized".into(),
                format!(
                    "{}  ({} updates lost: the counter ended that far short)",
                    m.unsynchronized, m.lost_updates
                ),
            ),
            ("runtime mutex".into(), m.mutex.to_string()),
            ("atomic fetch_add".into(), m.atomic.to_string()),
            (
                "phase times".into(),
                format!(
                    "unsynchronized {} ms · mutex {} ms · atomic {} ms",
                    format_ms(m.unsynchronized_ms),
                    format_ms(m.mutex_ms),
                    format_ms(m.atomic_ms)
                ),
            ),
        ]
    }

    const LESSON: &'static [&'static str] = &["lost_updates", "unsynchronized", "mutex", "atomic"];

    // claim: C-conclude-race
    fn conclude(_: &RaceConfig, columns: &[Column<'_, RaceMetrics>]) -> String {
        let expected = columns[0].runs[0].expected;
        let (lost, kept): (Vec<_>, Vec<_>) =
            columns.iter().partition(|c| c.median(|m| m.lost_updates as f64) > 0.0);
        let names =
            |cs: &[&Column<'_, RaceMetrics>]| listed(&cs.iter().map(|c| c.runtime).collect::<Vec<_>>());
        let mut said = Vec::new();
        if !lost.is_empty() {
            let most = lost.iter().map(|c| c.median(|m| m.lost_updates as f64)).fold(0.0, f64::max);
            let least = lost.iter().map(|c| c.median(|m| m.lost_updates as f64)).fold(f64::MAX, f64::min);
            let how_many =
                if most == least { format!("{most:.0}") } else { format!("{least:.0}–{most:.0}") };
            said.push(format!(
                "{} lost {how_many} of {expected} unsynchronized updates: another task ran between a load and its \
                 store",
                names(&lost)
            ));
        }
        if !kept.is_empty() {
            said.push(format!("{} lost none: nothing ran between each load and its store", names(&kept)));
        }
        let exact = columns.iter().all(|c| c.always(|m| m.mutex == m.expected && m.atomic == m.expected));
        // On python the "atomic" is an update with no await inside: nothing can run within it.
        let python = columns.iter().any(|c| c.runtime == "python");
        let fixes = if exact && python {
            format!(
                "The mutex and the atomic kept all {expected} on every runtime (python's: an asyncio.Lock, and \
                 an update with no await inside)."
            )
        } else if exact {
            format!("The mutex and the atomic kept all {expected} on every runtime.")
        } else {
            "The mutex or the atomic lost an update somewhere: a bug (see the checks).".to_string()
        };
        // The Python side also races OS threads, under its GIL.
        for c in columns.iter().filter(|c| c.always(|m| m.thread_lost_updates.is_some())) {
            let lost = c.median(|m| m.thread_lost_updates.unwrap_or(0) as f64);
            said.push(if lost > 0.0 {
                format!(
                    "{}'s threads lost {lost:.0} too: its GIL does not make a read-then-write atomic",
                    c.runtime
                )
            } else {
                format!("{}'s threads lost none this time", c.runtime)
            });
        }
        format!("{}. {fixes}", said.join("; "))
    }

    fn takeaway(_: &RaceConfig, m: &RaceMetrics, env: &Env) -> String {
        if m.lost_updates > 0 {
            format!(
                "{} of {} increments were lost: between the load and the store another task ran and \
                 its write was overwritten. Each access is atomic, so this is no data race — the version \
                 with a plain shared u64 does not compile (tasks cannot share a &mut) — but it is a race \
                 condition, which safe Rust allows. Hold the mutex across the yield, or make the update \
                 one atomic fetch_add.",
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
