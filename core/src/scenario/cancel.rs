//! cancel: what dropping a future, a group of tasks or a whole executor does.
//!
//! 1. Cancel safety. A producer sends `--frames` frames of two items, the
//!    second `--half-ms` after the first. A consumer loops on a `select` of
//!    "read one frame" and a `--tick-ms` timer. Written naively, the frame
//!    read is a fresh future each time round: when the tick wins after the
//!    first half was taken, that future is dropped and the half with it. Written
//!    cancel-safely — `select` on the channel's own `recv`, which takes nothing
//!    unless it completes, with the half-assembled frame kept outside the loop —
//!    nothing is lost. Each runtime's idiom: `tokio::select!`, futures-lite's
//!    `or` (smol), async-std's `race`, `futures::select!`.
//! 2. Shutdown. Tasks parked forever, each holding a guard that counts its
//!    drop; then the executor is dropped. Are the tasks dropped, and do their
//!    destructors run? On tokio, also: how long dropping a runtime waits for a
//!    running blocking job, against `shutdown_timeout`.
// claim: C-tokio-joinset-drop
//! 3. A group's handles dropped: tokio's `JoinSet` aborts its tasks, smol's
//!    `Task`s cancel, async-std's `JoinHandle`s detach, the futures crate's
//!    `RemoteHandle`s cancel.
//! 4. Fairness: a select of two branches that are both ready, [`SELECT_ROUNDS`]
//!    times, counting the rounds the first won — in the runtime's select with
//!    no stated preference (`tokio::select!`, futures-lite's `race` on smol,
//!    `futures::select!`; async-std has none) and in the one that prefers the
//!    first (`biased;`, futures-lite's `or`, async-std's `race`,
//!    `futures::select_biased!`). A select that always picks a ready first
//!    branch never runs the second while the first stays ready.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::report::format_ms;
use crate::scenario::{Column, RunShape, each, listed, names_where};
use crate::{Check, Env, Observed, Runtime, Scenario};

/// Configuration of the cancel scenario.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, clap::Args)]
pub struct CancelConfig {
    /// Frames of two items the producer sends
    #[arg(long, default_value_t = 20, value_parser = crate::scenario::size::<1, 1_000>, allow_negative_numbers = true)]
    pub frames: usize,
    /// Milliseconds between a frame's two halves (and between frames)
    #[arg(long, default_value_t = 5, value_parser = crate::scenario::count::<2, 100>, allow_negative_numbers = true)]
    pub half_ms: u64,
    /// The competing timer branch's period, in milliseconds (below --half-ms)
    #[arg(long, default_value_t = 1, value_parser = crate::scenario::count::<1, 99>, allow_negative_numbers = true)]
    pub tick_ms: u64,
    /// Tasks parked when the executor, or a group's handles, are dropped
    #[arg(long, default_value_t = 4, value_parser = crate::scenario::size::<1, 1_000>, allow_negative_numbers = true)]
    pub tasks: usize,
}

impl Default for CancelConfig {
    fn default() -> Self {
        Self { frames: 20, half_ms: 5, tick_ms: 1, tasks: 4 }
    }
}

impl CancelConfig {
    /// The gap between a frame's halves.
    pub fn half(&self) -> Duration {
        Duration::from_millis(self.half_ms)
    }

    /// The timer branch's period.
    pub fn tick(&self) -> Duration {
        Duration::from_millis(self.tick_ms)
    }

    /// Items the producer sends: two per frame.
    pub fn items(&self) -> u64 {
        2 * self.frames as u64
    }
}

/// What the cancel scenario observed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct CancelMetrics {
    /// Items the producer sent to each loop.
    pub items_sent: u64,
    /// Items lost by the naive loop: taken by a frame read the timer's win dropped.
    pub lost_not_cancel_safe: u64,
    /// Items lost by the cancel-safe loop.
    pub lost_cancel_safe: u64,
    /// Times the timer branch won in the naive loop.
    pub ticks_not_cancel_safe: u64,
    /// Tasks parked when the executor was dropped.
    pub shutdown_tasks: u64,
    /// Their destructors that had run once the executor was gone.
    pub shutdown_destructors_run: u64,
    /// Whether the executor with the parked tasks was dropped (async-std's
    /// global executor cannot be: it is left running).
    pub executor_dropped: bool,
    /// tokio: how long dropping a runtime took while a blocking job of 100 ms ran.
    pub drop_with_blocking_job_ms: Option<f64>,
    /// tokio: how long `shutdown_timeout(10 ms)` took with the same job.
    pub shutdown_timeout_ms: Option<f64>,
    /// Tasks whose handles (a JoinSet, Tasks, JoinHandles, RemoteHandles) were dropped.
    pub group_tasks: u64,
    /// Of those, the tasks that were cancelled (their destructors ran, they never finished).
    pub group_cancelled: u64,
    /// Rounds of a select between two branches that are both ready.
    pub select_rounds: u64,
    /// Rounds the first branch won in the runtime's select with no stated
    /// preference (`tokio::select!`, smol's `future::race`, `futures::select!`);
    /// null on async-std, which has none.
    pub select_first_wins: Option<u64>,
    /// Rounds the first branch won in the select that prefers it (`select!`
    /// with `biased;`, smol's `future::or`, async-std's `race`, `select_biased!`).
    pub select_preferring_first_wins: u64,
    /// compio: a socket read in flight (on io_uring, the kernel's: it owns the
    /// buffer) was dropped, then bytes were sent: whether the next read got
    /// them — the dropped read was cancelled, not completed into its buffer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dropped_read_next_got_data: Option<bool>,
}

/// The scenario on a runtime.
pub trait Cancel {
    /// Run the two loops, the shutdown and the group drop.
    fn cancel(&self, cfg: &CancelConfig, env: &Env) -> Observed<CancelMetrics>;
}

/// How long the blocking job in tokio's shutdown probe runs.
pub const BLOCKING_JOB: Duration = Duration::from_millis(100);
/// The bound tokio's `shutdown_timeout` probe gives.
pub const SHUTDOWN_TIMEOUT: Duration = Duration::from_millis(10);

/// How many timer ticks a probe waits, at most, for dropped handles'
/// cancellations to take effect (they happen when the executor next runs the
/// tasks); where they never happen, the wait ends there.
pub const SETTLE_TICKS: usize = 100;

/// Rounds of the fairness phase: a select of two ready branches, this many times.
pub const SELECT_ROUNDS: u64 = 1_000;

/// Whether `wins` of `rounds` is what a fair coin gives: within five standard
/// deviations of half (±79 of 1,000; a fair select falls outside about once in
/// two million runs).
pub fn about_half(wins: u64, rounds: u64) -> bool {
    let (wins, rounds) = (wins as f64, rounds as f64);
    (wins - rounds / 2.0).abs() <= 2.5 * rounds.sqrt()
}

/// How a select's first-branch wins read: "at random (497 of 1000, 50 %)".
fn select_share(wins: u64, rounds: u64) -> String {
    let pct = 100.0 * wins as f64 / rounds.max(1) as f64;
    if wins == rounds {
        format!("the first every time ({wins} of {rounds})")
    } else if wins == 0 {
        format!("the second every time (the first 0 of {rounds})")
    } else if about_half(wins, rounds) {
        format!("either, at random (the first {wins} of {rounds}, {pct:.0} %)")
    } else {
        format!("the first {wins} of {rounds} times ({pct:.0} %)")
    }
}

/// Counts the destructors that ran: each task holds a [`Guard`].
#[derive(Debug, Clone, Default)]
pub struct Drops(Arc<AtomicU64>);

impl Drops {
    /// A guard that counts here when dropped.
    pub fn guard(&self) -> Guard {
        Guard(self.clone())
    }

    /// Destructors run so far.
    pub fn count(&self) -> u64 {
        self.0.load(Relaxed)
    }

    /// Wait until `expected` destructors have run, one `tick()` at a time and
    /// at most [`SETTLE_TICKS`] of them: dropped handles' cancellations take
    /// effect when the executor next runs the tasks, and where they never
    /// happen the wait ends there.
    pub async fn settle<F: Future>(&self, expected: usize, mut tick: impl FnMut() -> F) {
        for _ in 0..SETTLE_TICKS {
            if self.count() == expected as u64 {
                break;
            }
            tick().await;
        }
    }
}

/// Held by a task; its drop is counted (see [`Drops`]).
#[derive(Debug)]
pub struct Guard(Drops);

impl Drop for Guard {
    fn drop(&mut self) {
        self.0.0.fetch_add(1, Relaxed);
    }
}

/// Counts items delivered and timer wins in one consumer loop.
#[derive(Debug, Default)]
pub struct Tally {
    /// Items that reached the consumer.
    pub received: u64,
    /// Times the timer branch won.
    pub ticks: u64,
    half: Option<u64>,
}

impl Tally {
    /// An item arrived through the cancel-safe `recv`: a frame's first half is
    /// kept here, outside the loop, until its second half comes.
    pub fn item(&mut self, item: u64) {
        self.received += 1;
        if self.half.take().is_none() {
            self.half = Some(item);
        }
    }

    /// A whole frame (or, at the end, what was left of one) arrived.
    pub fn frame(&mut self, items: &[u64]) {
        self.received += items.len() as u64;
    }
}

impl CancelMetrics {
    /// The two loops' tallies.
    pub fn loops(&mut self, cfg: &CancelConfig, naive: &Tally, safe: &Tally) {
        self.items_sent = cfg.items();
        self.lost_not_cancel_safe = cfg.items().saturating_sub(naive.received);
        self.lost_cancel_safe = cfg.items().saturating_sub(safe.received);
        self.ticks_not_cancel_safe = naive.ticks;
    }

    /// The shutdown probe: tasks parked, destructors run once the executor was dropped.
    pub fn shutdown(&mut self, cfg: &CancelConfig, drops: &Drops, executor_dropped: bool) {
        self.executor_dropped = executor_dropped;
        self.shutdown_tasks = cfg.tasks as u64;
        self.shutdown_destructors_run = drops.count();
    }

    /// How the executor with the parked tasks was ended, in words.
    // claim: C-async-std-global-never-drops
    pub fn shutdown_how(&self) -> &'static str {
        if self.executor_dropped {
            "the executor dropped"
        } else {
            "the global executor left running (it cannot be dropped)"
        }
    }

    /// Log the group probe's drop: `what` names the thing the runtime's code
    /// drops (tokio's one `JoinSet`, or a handle per task elsewhere).
    pub fn log_group_drop(log: &crate::Log, cfg: &CancelConfig, what: &str) {
        log.line(format!("the group: {} parked tasks; dropping {what}", cfg.tasks));
    }

    /// The group probe: tasks whose handles were dropped, and those cancelled
    /// (parked for good, a task whose destructor ran was cancelled).
    pub fn group(&mut self, cfg: &CancelConfig, drops: &Drops) {
        self.group_tasks = cfg.tasks as u64;
        self.group_cancelled = drops.count();
    }

    /// The fairness phase: of [`SELECT_ROUNDS`] rounds with both branches
    /// ready, the first branch's wins in the select with no stated preference
    /// (`unordered`, named by the runtime's code; `None` where there is none)
    /// and in the one that prefers the first (`preferring`). Logs both.
    pub fn select_fairness(
        &mut self,
        log: &crate::Log,
        unordered: Option<(&str, u64)>,
        preferring: (&str, u64),
    ) {
        self.select_rounds = SELECT_ROUNDS;
        self.select_first_wins = unordered.map(|(_, wins)| wins);
        self.select_preferring_first_wins = preferring.1;
        let chose = |(what, wins): (&str, u64)| format!("{what} chose {}", select_share(wins, SELECT_ROUNDS));
        log.line(format!(
            "fairness: both branches ready in each of {SELECT_ROUNDS} rounds: {}; {}",
            unordered.map_or("no select without a preference here".to_string(), chose),
            chose(preferring)
        ));
    }
}

/// Marker type naming the cancel scenario for the CLI and `compare`.
#[derive(Debug)]
pub struct CancelScenario;

impl Scenario for CancelScenario {
    const KIND: crate::scenario::Kind = crate::scenario::Kind::Cancel;
    const ABOUT: &'static str = "select! drops a half-read frame; the cancel-safe loop loses nothing; shutdown, dropped handles, fairness";
    type Config = CancelConfig;
    type Metrics = CancelMetrics;
    const LESSON: &'static [&'static str] =
        &["lost_not_cancel_safe", "lost_cancel_safe", "shutdown_destructors_run", "group_cancelled"];

    fn conclude(_: &CancelConfig, columns: &[Column<'_, CancelMetrics>]) -> String {
        let sent = columns[0].runs[0].items_sent;
        let figure = |f: fn(&CancelMetrics) -> u64| {
            move |c: &Column<'_, CancelMetrics>| format!("{:.0}", c.median(|m| f(m) as f64))
        };
        let select = format!(
            "Of {sent} items, the naive select lost {} and the cancel-safe loop {}.",
            each(columns, figure(|m| m.lost_not_cancel_safe)),
            each(columns, figure(|m| m.lost_cancel_safe))
        );
        let shutdown = format!(
            "Destructors of the {} parked tasks run at shutdown: {}.",
            columns[0].runs[0].shutdown_tasks,
            each(columns, figure(|m| m.shutdown_destructors_run))
        );
        let cancelled = names_where(columns, |c| c.always(|m| m.group_cancelled == m.group_tasks));
        let detached = names_where(columns, |c| c.always(|m| m.group_cancelled == 0));
        let mut group = Vec::new();
        if !cancelled.is_empty() {
            group.push(format!("cancelled its tasks on {}", listed(&cancelled)));
        }
        if !detached.is_empty() {
            group.push(format!("left them running on {}", listed(&detached)));
        }
        let rest =
            names_where(columns, |c| !cancelled.contains(&c.runtime) && !detached.contains(&c.runtime));
        if !rest.is_empty() {
            group.push(format!("cancelled some of them on {}", listed(&rest)));
        }
        format!(
            "{select} {shutdown} Dropping a group {}. {}",
            group.join(" and "),
            fairness_concluded(columns)
        )
    }

    fn validate(cfg: &CancelConfig) -> Result<(), String> {
        if cfg.tick_ms >= cfg.half_ms {
            return Err(format!(
                "--tick-ms {} must be below --half-ms {}: the timer has to be able to win while a frame is half-read",
                cfg.tick_ms, cfg.half_ms
            ));
        }
        Ok(())
    }

    fn least_duration(cfg: &CancelConfig, _: &RunShape) -> Duration {
        // Each loop receives every frame: two half-gaps per frame.
        cfg.half() * (4 * cfg.frames as u32) + BLOCKING_JOB
    }

    fn observe(rt: &dyn Runtime, cfg: &CancelConfig, env: &Env) -> Observed<CancelMetrics> {
        rt.cancel(cfg, env)
    }

    fn checks(cfg: &CancelConfig, m: &CancelMetrics) -> Vec<Check> {
        let mut checks = vec![
            Check::new(
                "the cancel-safe loop lost nothing",
                m.lost_cancel_safe == 0,
                format!("{} of {} lost", m.lost_cancel_safe, cfg.items()),
            ),
            // Not checks: fewer items lost than timer wins (a few dozen items against hundreds of
            // wins) and no more destructors than tasks (a guard drops once) held by construction.
        ];
        // Where the runtime has no select without a preference (async-std), there is nothing
        // to split: that check is not printed, rather than passed by default.
        if let Some(wins) = m.select_first_wins {
            checks.push(Check::new(
                "with both branches ready, a select without a preference split its wins",
                about_half(wins, m.select_rounds),
                format!("the first won {wins} of {}", m.select_rounds),
            ));
        }
        checks.push(Check::new(
            "with both branches ready, the select preferring the first chose it every round",
            m.select_preferring_first_wins == m.select_rounds,
            format!("{} of {}", m.select_preferring_first_wins, m.select_rounds),
        ));
        checks
    }

    fn headline(cfg: &CancelConfig) -> String {
        format!(
            "{} frames of two items, {} ms apart, read in a select against a {} ms timer, naively and cancel-safely; \
             then {} parked tasks at shutdown, and {} whose handles are dropped; last, a select of two ready \
             branches, {SELECT_ROUNDS} times",
            cfg.frames, cfg.half_ms, cfg.tick_ms, cfg.tasks, cfg.tasks
        )
    }

    fn figures(_: &CancelConfig, m: &CancelMetrics) -> Vec<(String, String)> {
        let mut figures = vec![
            (
                "naive select".into(),
                format!(
                    "{} of {} items lost ({} timer wins)",
                    m.lost_not_cancel_safe, m.items_sent, m.ticks_not_cancel_safe
                ),
            ),
            ("cancel-safe select".into(), format!("{} of {} items lost", m.lost_cancel_safe, m.items_sent)),
            (
                "executor ended".into(),
                format!(
                    "{}: {} of {} parked tasks' destructors ran",
                    m.shutdown_how(),
                    m.shutdown_destructors_run,
                    m.shutdown_tasks
                ),
            ),
            ("group dropped".into(), format!("{} of {} tasks cancelled", m.group_cancelled, m.group_tasks)),
            (
                "select, both ready".into(),
                format!(
                    "without a preference: {}; preferring the first: {}",
                    m.select_first_wins.map_or("none here".to_string(), |w| select_share(w, m.select_rounds)),
                    select_share(m.select_preferring_first_wins, m.select_rounds)
                ),
            ),
        ];
        if let Some(got) = m.dropped_read_next_got_data {
            figures.push((
                "a read in flight, dropped".into(),
                format!(
                    "the bytes sent next {}",
                    if got { "reached the next read: nothing lost" } else { "did not reach the next read" }
                ),
            ));
        }
        if let (Some(dropped), Some(timeout)) = (m.drop_with_blocking_job_ms, m.shutdown_timeout_ms) {
            figures.push((
                "a blocking job at shutdown".into(),
                format!(
                    "drop waited {} ms; shutdown_timeout(10 ms) {} ms",
                    format_ms(dropped),
                    format_ms(timeout)
                ),
            ));
        }
        figures
    }

    fn takeaway(_: &CancelConfig, m: &CancelMetrics, _: &Env) -> String {
        let select = if m.lost_not_cancel_safe > 0 {
            format!(
                "the naive select lost {} of {} items: each time the timer won after a frame's first half was taken, \
                 the frame read was dropped and the half with it. The cancel-safe loop, selecting on the channel's \
                 own recv with the half-frame kept outside, lost {}",
                m.lost_not_cancel_safe, m.items_sent, m.lost_cancel_safe
            )
        } else {
            format!(
                "the naive select lost nothing this run (the timer never won mid-frame in {} wins); it is still not \
                 cancel-safe. The cancel-safe loop lost {}",
                m.ticks_not_cancel_safe, m.lost_cancel_safe
            )
        };
        let shutdown = if m.shutdown_destructors_run == m.shutdown_tasks {
            format!("With {}, every parked task was dropped, and their destructors ran", m.shutdown_how())
        } else if m.shutdown_destructors_run == 0 {
            format!(
                "With {}, none of the {} parked tasks' destructors had run: they live on",
                m.shutdown_how(),
                m.shutdown_tasks
            )
        } else {
            format!(
                "With {}, {} of {} parked tasks' destructors had run: the rest live on",
                m.shutdown_how(),
                m.shutdown_destructors_run,
                m.shutdown_tasks
            )
        };
        let group = if m.group_cancelled == m.group_tasks {
            "dropping the group (the log names what held it) cancelled its tasks".to_string()
        } else if m.group_cancelled == 0 {
            "dropping the group (the log names what held it) left its tasks running (detached)".to_string()
        } else {
            format!("dropping the group's handles cancelled {} of {} tasks", m.group_cancelled, m.group_tasks)
        };
        let blocking = match (m.drop_with_blocking_job_ms, m.shutdown_timeout_ms) {
            (Some(d), Some(t)) => format!(
                " Dropping a runtime waited {} ms for a running blocking job; shutdown_timeout returned after {} ms.",
                format_ms(d),
                format_ms(t)
            ),
            _ => String::new(),
        };
        let fairness = format!(" {}", fairness(m));
        format!("{select}. {shutdown}; {group}.{blocking}{fairness}")
    }
}

/// The conclusion's sentence on fairness: the first branch's wins on each
/// runtime, said to be about half only where every run's were.
fn fairness_concluded(columns: &[Column<'_, CancelMetrics>]) -> String {
    let n = columns.first().and_then(|c| c.runs.first()).map_or(SELECT_ROUNDS, |m| m.select_rounds);
    // The runtimes that have a select without a preference.
    let owned: Vec<Column<'_, CancelMetrics>> = columns
        .iter()
        .filter(|c| c.always(|m| m.select_first_wins.is_some()))
        .map(|c| Column { runtime: c.runtime, flavor: c.flavor, runs: c.runs.clone() })
        .collect();
    let wins = |c: &Column<'_, CancelMetrics>, f: fn(&CancelMetrics) -> u64| {
        format!("{:.0}", c.median(|m| f(m) as f64))
    };
    let mut said = format!("Rounds of {n}, both branches ready, in which the first won:");
    if !owned.is_empty() {
        said.push_str(&format!(
            " in the select without a preference, {}",
            each(&owned, |c| wins(c, |m| m.select_first_wins.unwrap_or(0)))
        ));
        let half =
            names_where(&owned, |c| c.always(|m| m.select_first_wins.is_some_and(|w| about_half(w, n))));
        if !half.is_empty() {
            said.push_str(&format!(" (about half on {})", listed(&half)));
        }
        said.push(';');
    }
    let none = names_where(columns, |c| !c.always(|m| m.select_first_wins.is_some()));
    said.push_str(&format!(
        " in the one that prefers the first, {}",
        each(columns, |c| wins(c, |m| m.select_preferring_first_wins))
    ));
    if !none.is_empty() {
        said.push_str(&format!(" ({} has only this one)", listed(&none)));
    }
    format!("{said}.")
}

/// The take-away's sentence on fairness, worded from the counts.
fn fairness(m: &CancelMetrics) -> String {
    let n = m.select_rounds;
    let unordered = match m.select_first_wins {
        Some(wins) if about_half(wins, n) => {
            format!("the select without a preference chose the first in {wins} of {n} rounds, about half")
        }
        Some(wins) => {
            format!("the select without a preference chose the first in {wins} of {n} rounds, far from half")
        }
        None => "there is no select without a preference here".to_string(),
    };
    let preferring = if m.select_preferring_first_wins == n {
        format!("the one preferring the first chose it in all {n}: the second, ready every time, never ran")
    } else {
        format!("the one preferring the first chose it in {} of {n}", m.select_preferring_first_wins)
    };
    format!("With both branches ready, {unordered}; {preferring}.")
}
