//! starvation: what an executor does with a task that never has to wait. On
//! one worker, a task drains a channel pre-filled with `--items` items — every
//! `recv` is ready at once — while a heartbeat task ticks on a timer.
//!
// claim: C-tokio-unconstrained
//! * tokio gives each task a budget of operations on its own resources; once
//!   it is spent, even a ready `recv` returns `Pending`, the task yields, and
//!   the heartbeat ticks. The same loop inside `tokio::task::unconstrained`
//!   has no budget. smol, async-std and the futures executor: measured, the
//!   same loop, as they behave.
// claim: C-tokio-block-in-place
//! * tokio only: a blocking call made inline on a one-worker multi-threaded
//!   runtime stalls the heartbeat; inside `block_in_place` the worker hands its
//!   other tasks to a new thread first.
// claim: C-blocking-env-read-once
//! * A saturated blocking pool: `--blocking-jobs` jobs on a pool limited to
//!   `--blocking-limit` threads (tokio's `max_blocking_threads`; smol's and
//!   async-std's `blocking` crate through `set_max_blocking_threads`, in a
//!   fresh process whose pool starts empty; a rayon pool of that size on
//!   std-threads): the jobs queue.

use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::task::{Context, Poll};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::report::{counted, format_ms};
use crate::scenario::RunShape;
use crate::scenario::bridge::PhaseBeat;
use crate::scenario::{Column, each, listed, names_where};
use crate::{Check, Env, Observed, Runtime, Scenario};

/// Configuration of the starvation scenario.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, clap::Args)]
pub struct StarvationConfig {
    /// Items pre-filled into the channel the busy task drains
    #[arg(long, default_value_t = 1_000_000, value_parser = crate::scenario::size::<1, 10_000_000>,
          allow_negative_numbers = true)]
    pub items: usize,
    /// Heartbeat interval in milliseconds
    #[arg(long, default_value_t = 1, value_parser = crate::scenario::count::<1, 100>, allow_negative_numbers = true)]
    pub tick_ms: u64,
    /// Blocking jobs sent to the limited blocking pool
    #[arg(long, default_value_t = 6, value_parser = crate::scenario::size::<1, 64>, allow_negative_numbers = true)]
    pub blocking_jobs: usize,
    /// Threads the blocking pool may use, set low for the demo
    #[arg(long, default_value_t = 2, value_parser = crate::scenario::size::<1, 16>, allow_negative_numbers = true)]
    pub blocking_limit: usize,
    /// Milliseconds each blocking job (and each blocking call) takes
    #[arg(long, default_value_t = 20, value_parser = crate::scenario::count::<1, 1_000>, allow_negative_numbers = true)]
    pub job_ms: u64,
}

impl Default for StarvationConfig {
    fn default() -> Self {
        Self { items: 1_000_000, tick_ms: 1, blocking_jobs: 6, blocking_limit: 2, job_ms: 20 }
    }
}

impl StarvationConfig {
    /// The heartbeat's interval.
    pub fn tick(&self) -> Duration {
        Duration::from_millis(self.tick_ms)
    }

    /// The blocking pool's thread limit, as the `blocking` crate takes it.
    pub fn blocking_threads(&self) -> std::num::NonZeroUsize {
        std::num::NonZeroUsize::new(self.blocking_limit).unwrap_or(std::num::NonZeroUsize::MIN)
    }

    /// How long each blocking job or call takes.
    pub fn job(&self) -> Duration {
        Duration::from_millis(self.job_ms)
    }
}

/// What the starvation scenario observed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct StarvationMetrics {
    /// Items received by the busy loop.
    pub loop_items: u64,
    /// Wall time of the busy loop.
    pub loop_ms: f64,
    /// Times a ready `recv` returned `Pending` anyway: yields the runtime forced.
    pub forced_yields: u64,
    /// Longest time without a heartbeat tick while the loop ran.
    pub heartbeat_max_gap_ms: f64,
    /// Heartbeat ticks while the loop ran.
    pub heartbeat_ticks: u64,
    /// How long the loop's thread was off the CPU while the loop ran (wall
    /// time less its CPU time): the OS running something else, a stall no
    /// executor caused. `null` where no thread clock exists.
    pub loop_off_cpu_ms: Option<f64>,
    /// tokio: the same loop inside `unconstrained`: forced yields.
    pub unconstrained_forced_yields: Option<u64>,
    /// tokio: the longest heartbeat gap while the unconstrained loop ran.
    pub unconstrained_gap_ms: Option<f64>,
    /// tokio: how long the unconstrained loop's thread was off the CPU.
    pub unconstrained_off_cpu_ms: Option<f64>,
    /// tokio: the longest heartbeat gap while a blocking call ran inline on the one worker.
    pub inline_block_gap_ms: Option<f64>,
    /// tokio: the longest heartbeat gap while the same call ran inside `block_in_place`.
    pub block_in_place_gap_ms: Option<f64>,
    /// The blocking pool's thread limit, as set for the demo.
    pub blocking_pool_limit: u64,
    /// Blocking jobs sent to the pool.
    pub blocking_jobs: u64,
    /// Blocking jobs that ran to their end.
    pub blocking_completed: u64,
    /// The most blocking jobs seen running at once.
    pub blocking_peak_concurrency: u64,
    /// Wall time from the first job sent to the last one done.
    pub blocking_ms: f64,
}

impl StarvationMetrics {
    /// The busy loop's figures: items received, `Pending`s counted, its time,
    /// and what the heartbeat saw meanwhile.
    pub fn busy_loop(&mut self, received: u64, pendings: &Pendings, took: Duration, beat: PhaseBeat) {
        self.loop_items = received;
        self.forced_yields = pendings.count();
        self.loop_ms = took.as_secs_f64() * 1e3;
        self.heartbeat_max_gap_ms = beat.max_gap_ms;
        self.heartbeat_ticks = beat.ticks;
        self.loop_off_cpu_ms = beat.off_cpu_ms;
    }

    /// tokio: the same loop inside `unconstrained`.
    pub fn unconstrained(&mut self, pendings: &Pendings, beat: PhaseBeat) {
        self.unconstrained_forced_yields = Some(pendings.count());
        self.unconstrained_gap_ms = Some(beat.max_gap_ms);
        self.unconstrained_off_cpu_ms = beat.off_cpu_ms;
    }

    /// The busy loop as the heartbeat saw it.
    pub fn loop_beat(&self) -> PhaseBeat {
        PhaseBeat {
            ticks: self.heartbeat_ticks,
            max_gap_ms: self.heartbeat_max_gap_ms,
            off_cpu_ms: self.loop_off_cpu_ms,
        }
    }

    /// The blocking pool's figures.
    pub fn pool(&mut self, cfg: &StarvationConfig, pool: &Concurrency, completed: u64, took: Duration) {
        self.blocking_pool_limit = cfg.blocking_limit as u64;
        self.blocking_jobs = cfg.blocking_jobs as u64;
        self.blocking_completed = completed;
        self.blocking_peak_concurrency = pool.peak();
        self.blocking_ms = took.as_secs_f64() * 1e3;
    }
}

/// The scenario on a runtime.
pub trait Starvation {
    /// Run the busy loop, the blocking calls and the saturated pool.
    fn starvation(&self, cfg: &StarvationConfig, env: &Env) -> Observed<StarvationMetrics>;
}

/// Counts the times the futures it wraps return `Pending`.
#[derive(Debug, Clone, Default)]
pub struct Pendings(Arc<AtomicU64>);

impl Pendings {
    /// `future`, counting each `Pending` it returns.
    pub fn count_in<F: Future>(&self, future: F) -> Counted<F> {
        Counted { inner: future, pendings: self.clone() }
    }

    /// `Pending`s counted so far.
    pub fn count(&self) -> u64 {
        self.0.load(Relaxed)
    }
}

pin_project_lite::pin_project! {
    /// A future whose `Pending`s are counted (see [`Pendings`]).
    #[derive(Debug)]
    pub struct Counted<F> {
        #[pin]
        inner: F,
        pendings: Pendings,
    }
}

impl<F: Future> Future for Counted<F> {
    type Output = F::Output;
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let this = self.project();
        let polled = this.inner.poll(cx);
        if polled.is_pending() {
            this.pendings.0.fetch_add(1, Relaxed);
        }
        polled
    }
}

/// How many jobs run at once, and the most seen: each job holds a [`Running`] while it runs.
#[derive(Debug, Clone, Default)]
pub struct Concurrency(Arc<(AtomicU64, AtomicU64)>);

impl Concurrency {
    /// A job starts; it counts as running until the returned guard drops.
    pub fn enter(&self) -> Running {
        let now = self.0.0.fetch_add(1, Relaxed) + 1;
        self.0.1.fetch_max(now, Relaxed);
        Running(self.clone())
    }

    /// The most jobs seen running at once.
    pub fn peak(&self) -> u64 {
        self.0.1.load(Relaxed)
    }
}

/// A job running (see [`Concurrency`]).
#[derive(Debug)]
pub struct Running(Concurrency);

impl Drop for Running {
    fn drop(&mut self) {
        self.0.0.0.fetch_sub(1, Relaxed);
    }
}

/// One blocking job of the pool phase: counted while it runs, a sleep standing
/// in for blocking I/O. Returns whether it ran to its end (Ctrl-C cuts it short).
pub fn blocking_job(pool: &Concurrency, job: Duration) -> bool {
    let _running = pool.enter();
    crate::interrupt::sleep(job)
}

/// The channel's items: `0..items`.
pub fn items(cfg: &StarvationConfig) -> std::ops::Range<u64> {
    0..cfg.items as u64
}

/// Marker type naming the starvation scenario for the CLI and `compare`.
#[derive(Debug)]
pub struct StarvationScenario;

impl Scenario for StarvationScenario {
    const KIND: crate::scenario::Kind = crate::scenario::Kind::Starvation;
    const ABOUT: &'static str = "a task that never waits, beside a heartbeat: budgets, unconstrained, block_in_place, a full blocking pool";
    type Config = StarvationConfig;
    type Metrics = StarvationMetrics;

    fn least_duration(cfg: &StarvationConfig, _: &RunShape) -> Duration {
        let rounds = cfg.blocking_jobs.div_ceil(cfg.blocking_limit) as u32;
        cfg.job() * (rounds + 2)
    }

    // claim: C-blocking-env-read-once
    /// In a fresh process: smol's and async-std's `blocking` pool is one per
    /// process, and a limit set with `set_max_blocking_threads` bounds only the
    /// threads it starts after; threads over it leave once idle for 500 ms.
    fn observe(rt: &dyn Runtime, cfg: &StarvationConfig, env: &Env) -> Observed<StarvationMetrics> {
        // A fresh process: smol's and async-std's blocking pool is one per process and keeps
        // the threads earlier scenarios started, so its limit is set where the pool is new.
        crate::scenario::in_fresh_process::<StarvationScenario>(rt, cfg, env, || rt.starvation(cfg, env))
    }

    fn checks(cfg: &StarvationConfig, m: &StarvationMetrics) -> Vec<Check> {
        let limit = cfg.blocking_limit as u64;
        let filled = limit.min(cfg.blocking_jobs as u64);
        vec![
            Check::new(
                "every item received",
                m.loop_items == cfg.items as u64,
                format!("{}/{}", m.loop_items, cfg.items),
            ),
            // One check, not two: "filled to its limit" and "within it" fail together when the
            // pool runs past its limit, and "within" alone could not fail once "filled" held.
            Check::new(
                "blocking pool filled to its limit, never past it",
                m.blocking_peak_concurrency == filled,
                format!("at most {} at once, limit {limit}", m.blocking_peak_concurrency),
            ),
            Check::new(
                "every blocking job completed",
                m.blocking_completed == cfg.blocking_jobs as u64,
                format!("{}/{}", m.blocking_completed, cfg.blocking_jobs),
            ),
        ]
    }

    // claim: C-tokio-timer-ms
    fn headline(cfg: &StarvationConfig) -> String {
        format!(
            "a task drains a channel pre-filled with {} items — every receive is ready at once, so the task \
             never has to wait — while a heartbeat task on the same worker asks to tick every {} ms; then \
             {} blocking jobs of {} ms go to a blocking pool limited to {}",
            cfg.items,
            cfg.tick_ms,
            cfg.blocking_jobs,
            cfg.job_ms,
            counted(cfg.blocking_limit as u64, "thread")
        )
    }

    fn figures(_: &StarvationConfig, m: &StarvationMetrics) -> Vec<(String, String)> {
        let mut figures = vec![(
            "busy loop".into(),
            format!(
                "{} items in {} ms, {} forced yields; heartbeat: {} ticks, longest gap {} ms{}",
                m.loop_items,
                format_ms(m.loop_ms),
                m.forced_yields,
                m.heartbeat_ticks,
                format_ms(m.heartbeat_max_gap_ms),
                off_cpu(m.loop_off_cpu_ms)
            ),
        )];
        if let (Some(yields), Some(gap)) = (m.unconstrained_forced_yields, m.unconstrained_gap_ms) {
            figures.push((
                "unconstrained".into(),
                format!(
                    "{yields} forced yields; heartbeat's longest gap {} ms{}",
                    format_ms(gap),
                    off_cpu(m.unconstrained_off_cpu_ms)
                ),
            ));
        }
        if let (Some(inline), Some(in_place)) = (m.inline_block_gap_ms, m.block_in_place_gap_ms) {
            figures.push((
                "blocking call, 1 worker".into(),
                format!(
                    "inline: heartbeat gap {} ms · block_in_place: {} ms",
                    format_ms(inline),
                    format_ms(in_place)
                ),
            ));
        }
        figures.push((
            "blocking pool".into(),
            format!(
                "{} jobs, limit {}: at most {} at once, {} ms in all",
                m.blocking_jobs,
                m.blocking_pool_limit,
                m.blocking_peak_concurrency,
                format_ms(m.blocking_ms)
            ),
        ));
        figures
    }

    const LESSON: &'static [&'static str] =
        &["forced_yields", "heartbeat_max_gap_ms", "loop_off_cpu_ms", "blocking_peak_concurrency"];

    // claim: C-conclude-starvation
    fn conclude(cfg: &StarvationConfig, columns: &[Column<'_, StarvationMetrics>]) -> String {
        let yielded = names_where(columns, |c| c.median(|m| m.forced_yields as f64) > 0.0);
        let stalled = names_where(columns, |c| c.median(|m| m.forced_yields as f64) == 0.0);
        // Only where the loop yielded is a long gap a question: elsewhere it stalled regardless.
        let disturbed =
            names_where(columns, |c| c.runs.iter().any(|m| m.forced_yields > 0 && m.loop_beat().disturbed()));
        let mut said = Vec::new();
        if !yielded.is_empty() {
            let yielding: Vec<&Column<'_, StarvationMetrics>> =
                columns.iter().filter(|c| yielded.contains(&c.runtime)).collect();
            let gaps: Vec<String> = yielding
                .iter()
                .map(|c| {
                    format!(
                        "{} ({:.0} forced yields, longest gap {} ms)",
                        c.runtime,
                        c.median(|m| m.forced_yields as f64),
                        format_ms(c.median(|m| m.heartbeat_max_gap_ms))
                    )
                })
                .collect();
            said.push(format!(
                "the busy task was made to yield on {}",
                listed(&gaps.iter().map(String::as_str).collect::<Vec<_>>())
            ));
        }
        if !stalled.is_empty() {
            let gaps: Vec<String> = columns
                .iter()
                .filter(|c| stalled.contains(&c.runtime))
                .map(|c| format!("{} {} ms", c.runtime, format_ms(c.median(|m| m.heartbeat_max_gap_ms))))
                .collect();
            said.push(format!(
                "nothing made it yield on {}, and the heartbeat stalled for the whole loop ({})",
                listed(&stalled),
                gaps.join(", ")
            ));
        }
        let mut text = said.join("; ");
        if !text.is_empty() {
            text.replace_range(..1, &text[..1].to_uppercase());
        }
        let disturbed = if disturbed.is_empty() {
            String::new()
        } else {
            format!(
                " On {} the loop's thread was off the CPU for half the longest gap or more: that gap is the \
                 machine's, not the executor's.",
                listed(&disturbed)
            )
        };
        let peak = each(columns, |c| format!("{:.0}", c.median(|m| m.blocking_peak_concurrency as f64)));
        format!(
            "{text}.{disturbed} The most blocking jobs at once on pools limited to {}: {peak}.",
            cfg.blocking_limit
        )
    }

    fn takeaway(cfg: &StarvationConfig, m: &StarvationMetrics, _: &Env) -> String {
        let stalled = |gap: f64| gap >= 10.0 * cfg.tick_ms as f64;
        let beat = m.loop_beat();
        let busy = if m.forced_yields > 0 && stalled(beat.max_gap_ms) && beat.disturbed() {
            format!(
                "a ready recv returned Pending {} times — the runtime's budget made the busy task yield — yet the \
                 heartbeat's longest gap was {} ms: the loop's thread was off the CPU for {} ms of the loop, so \
                 another process held the core and that gap is the machine's, not the executor's",
                m.forced_yields,
                format_ms(beat.max_gap_ms),
                format_ms(beat.off_cpu_ms.unwrap_or(0.0))
            )
        } else if m.forced_yields > 0 && !stalled(m.heartbeat_max_gap_ms) {
            format!(
                "a ready recv returned Pending {} times — the runtime's budget made the busy task yield — so the \
                 heartbeat kept ticking (longest gap {} ms)",
                m.forced_yields,
                format_ms(m.heartbeat_max_gap_ms)
            )
        } else if m.forced_yields == 0 {
            format!(
                "the busy task never yielded (0 forced yields): every recv was ready, so it kept its worker and the \
                 heartbeat stalled {} ms — a loop that never waits needs its own yield",
                format_ms(m.heartbeat_max_gap_ms)
            )
        } else {
            format!(
                "the busy task yielded {} times, yet the heartbeat's longest gap was {} ms",
                m.forced_yields,
                format_ms(m.heartbeat_max_gap_ms)
            )
        };
        let unconstrained = match (m.unconstrained_forced_yields, m.unconstrained_gap_ms) {
            (Some(y), Some(gap)) => format!(
                "; inside unconstrained the same loop was forced to yield {y} times and the heartbeat's longest gap \
                 was {} ms",
                format_ms(gap)
            ),
            _ => String::new(),
        };
        let in_place = match (m.inline_block_gap_ms, m.block_in_place_gap_ms) {
            (Some(inline), Some(in_place)) => format!(
                " A {} ms blocking call inline on the one worker left the heartbeat {} ms without a tick; inside \
                 block_in_place, {} ms.",
                cfg.job_ms,
                format_ms(inline),
                format_ms(in_place)
            ),
            _ => String::new(),
        };
        // With at most `peak` running at any moment, each job past the first `peak` started
        // only once an earlier one had ended — whatever held it back: a queue (tokio, the
        // blocking crate, rayon) or, on compio, the runtime's thread retrying the dispatch.
        let peak = m.blocking_peak_concurrency;
        let took = format!("took {} ms", format_ms(m.blocking_ms));
        let pool = if peak > 0 && m.blocking_jobs > peak {
            let work = m.blocking_jobs * cfg.job_ms;
            let least = if work % peak == 0 {
                (work / peak).to_string()
            } else {
                format_ms(work as f64 / peak as f64)
            };
            format!(
                "{took}, where {} jobs of {} ms, {peak} at a time, need at least {least} ms: each of the other {} started \
                 only once an earlier one had ended",
                m.blocking_jobs,
                cfg.job_ms,
                m.blocking_jobs - peak
            )
        } else {
            took
        };
        format!(
            "{busy}{unconstrained}.{in_place} {} blocking jobs on a pool limited to {} threads ran at most {} at once \
             and {pool}.",
            m.blocking_jobs, m.blocking_pool_limit, m.blocking_peak_concurrency,
        )
    }
}

/// ", its thread off the CPU 7.2 ms" when the OS took the loop's thread off
/// the CPU for a millisecond or more; nothing otherwise.
fn off_cpu(ms: Option<f64>) -> String {
    match ms {
        Some(ms) if ms >= 1.0 => format!(" (its thread was off the CPU {} ms)", format_ms(ms)),
        _ => String::new(),
    }
}
