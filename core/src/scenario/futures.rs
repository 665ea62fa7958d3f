//! futures: what a spawned task gives you back, and what each executor does at
//! the edges. Handles from spawn; a bare one-shot future completed by another
//! task; callbacks the Rust way (`map` / `inspect` / `then` combinators);
//! results consumed as they complete (`FuturesUnordered` over the handles, on every runtime);
//! then three probes whose answers differ by executor and are *observed*, not
//! assumed: what dropping a handle does (detach or cancel), aborting a running
//! task, and how a panic inside a task surfaces.

use std::sync::Once;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::scenario::{Column, RunShape, count, each, each_in_words, listed, names_where, size};
use crate::{Check, Env, Observed, Runtime, Scenario};

/// The message of the panic the scenario causes on purpose.
pub const DEMO_PANIC: &str = "demo panic: this task panics on purpose";

/// Configuration of the futures scenario.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, clap::Args)]
pub struct FuturesConfig {
    /// Tasks spawned for handles, callbacks and as-completed.
    #[arg(long, default_value_t = 5, value_parser = size::<1, 10_000>, allow_negative_numbers = true)]
    pub tasks: usize,
    /// Longest sleep of a task, in ms (seeded random 0..=max).
    #[arg(long, default_value_t = 20, value_parser = count::<0, 10_000>, allow_negative_numbers = true)]
    pub max_sleep_ms: u64,
}

impl Default for FuturesConfig {
    fn default() -> Self {
        Self { tasks: 5, max_sleep_ms: 20 }
    }
}

/// The seeded sleeps of the tasks.
pub fn delays(cfg: &FuturesConfig, seed: u64) -> Vec<Duration> {
    crate::scenario::seeded_delays(cfg.tasks, cfg.max_sleep_ms, seed)
}

/// What task `i` returns.
pub fn value_of(task: usize) -> u64 {
    10 * task as u64 + 7
}

pin_project_lite::pin_project! {
    /// A task that calls `signal` the first time it returns `Pending`: see
    /// [`signal_when_parked`].
    #[derive(Debug)]
    pub struct SignalWhenParked<F, S> {
        #[pin]
        task: F,
        signal: Option<S>,
    }
}

/// Wrap a probe's task so that `signal` runs once it has started and is
/// parked at an `.await`. A probe that waits for the signal then drops or
/// aborts a task that has really run — and that is not in the middle of a
/// poll, where no executor can stop it.
///
/// ```
/// use std::cell::Cell;
/// use demos_core::scenario::futures::signal_when_parked;
/// let parked = Cell::new(false);
/// let (tx, rx) = futures::channel::oneshot::channel::<u8>();
/// let mut task = Box::pin(signal_when_parked(async { rx.await.unwrap() }, || parked.set(true)));
/// assert!(futures::FutureExt::now_or_never(task.as_mut()).is_none());
/// assert!(parked.get());
/// tx.send(3).unwrap();
/// assert_eq!(futures::executor::block_on(task), 3);
/// ```
pub fn signal_when_parked<F: Future, S: FnOnce()>(task: F, signal: S) -> SignalWhenParked<F, S> {
    SignalWhenParked { task, signal: Some(signal) }
}

impl<F: Future, S: FnOnce()> Future for SignalWhenParked<F, S> {
    type Output = F::Output;
    fn poll(self: std::pin::Pin<&mut Self>, cx: &mut std::task::Context<'_>) -> std::task::Poll<F::Output> {
        let this = self.project();
        let polled = this.task.poll(cx);
        if polled.is_pending() {
            if let Some(signal) = this.signal.take() {
                signal(); // parked at an await: from here a drop or abort can take effect
            }
        }
        polled
    }
}

thread_local! {
    /// Set while [`caught_panic`] runs a call that is expected to panic.
    static EXPECTING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Run `call`, which is expected to panic (a runtime refusing a misuse, say):
/// its value, or the panic's message — printed by no hook, since the run shows it.
pub fn caught_panic<R>(call: impl FnOnce() -> R + std::panic::UnwindSafe) -> Result<R, String> {
    quiet_demo_panics();
    EXPECTING.with(|e| e.set(true));
    let outcome = std::panic::catch_unwind(call);
    EXPECTING.with(|e| e.set(false));
    outcome.map_err(|payload| {
        payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "a panic with no message".to_string())
    })
}

/// Install, once per process, a panic hook that stays silent for
/// [`DEMO_PANIC`] and passes every other panic to the previous hook — so the
/// demonstration prints no stray message or backtrace, and real bugs still do.
pub fn quiet_demo_panics() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let message = info
                .payload()
                .downcast_ref::<&str>()
                .copied()
                .or_else(|| info.payload().downcast_ref::<String>().map(String::as_str));
            if message != Some(DEMO_PANIC) && !EXPECTING.with(std::cell::Cell::get) {
                previous(info);
            }
        }));
    });
}

/// The callbacks chained on the handles: each counts itself and logs what it
/// saw, and where it ran — in the task that awaits the handle, not in the
/// task that finished.
#[derive(Debug)]
pub struct Callbacks<'a> {
    log: &'a crate::Log,
    ran: std::sync::atomic::AtomicU64,
}

impl<'a> Callbacks<'a> {
    /// None run yet.
    pub fn new(log: &'a crate::Log) -> Self {
        Self { log, ran: Default::default() }
    }

    /// Callback `name` ran on task `task`'s result `value`.
    pub fn ran(&self, name: &str, task: usize, value: u64) {
        self.ran.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let (thread, _) = crate::timeline::current_thread();
        self.log
            .line(format!("callback {name:<7} got task {task}'s {value}, in the awaiting task on {thread}"));
    }

    /// How many ran.
    pub fn count(&self) -> u64 {
        self.ran.load(std::sync::atomic::Ordering::Relaxed)
    }
}

/// What the futures scenario measured and observed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct FuturesMetrics {
    /// Tasks spawned for each of handles and as-completed.
    pub tasks: u64,
    /// Handles that returned their task's value.
    pub completed: u64,
    /// Callbacks run by combinators on those handles (two per task).
    pub callbacks_run: u64,
    /// Results consumed in completion order.
    pub as_completed: u64,
    /// Whether the bare one-shot future resolved with the value sent.
    pub oneshot_delivered: bool,
    /// Observed: after its handle was dropped, the task still ran to the end.
    pub dropped_handle_task_finished: bool,
    /// Tasks observed cancelled by abort / cancel.
    pub cancelled: u64,
    /// Panics inside tasks that the spawner caught.
    pub panics_caught: u64,
    /// Observed: the panic was re-raised in the awaiting task (`true`) rather
    /// than handed back as an error value (`false`).
    pub panic_resumed_on_await: bool,
    /// Whether a task spawned after the panic still ran: the runtime survived.
    pub survived_panic: bool,
    /// Done-callbacks the event loop ran before the code awaiting the tasks
    /// reached their task: reported by the Python side, absent on Rust.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub callbacks_before_await: Option<u64>,
}

impl FuturesMetrics {
    /// Handle `i` returned `value`: count it if it is the task's own.
    pub fn handle_returned(&mut self, i: usize, value: u64) {
        self.completed += u64::from(value == value_of(i));
    }
}

/// The futures scenario, implemented by every runtime.
pub trait Futures {
    /// Run the handles, one-shot, callbacks, as-completed and the three probes.
    fn futures(&self, cfg: &FuturesConfig, env: &Env) -> Observed<FuturesMetrics>;
}

/// Marker type naming the futures scenario.
#[derive(Debug)]
pub struct FuturesScenario;

impl Scenario for FuturesScenario {
    const NAME: &'static str = "futures";
    const ABOUT: &'static str = "handles, one-shot, callbacks, as-completed; drop, abort and panic semantics";
    type Config = FuturesConfig;
    type Metrics = FuturesMetrics;
    const LESSON: &'static [&'static str] =
        &["dropped_handle_task_finished", "panic_resumed_on_await", "survived_panic", "callbacks_run"];

    fn conclude(_: &FuturesConfig, columns: &[Column<'_, FuturesMetrics>]) -> String {
        // A probe's answer in words, the same word for every run of a runtime or "varied".
        let said = |holds: fn(&FuturesMetrics) -> bool, yes: &str, no: &str| {
            each_in_words(columns, |c| {
                if c.always(holds) {
                    yes.to_string()
                } else if c.always(|m| !holds(m)) {
                    no.to_string()
                } else {
                    "varied between runs".to_string()
                }
            })
        };
        let dropped = said(|m| m.dropped_handle_task_finished, "detached it", "cancelled it");
        let panic =
            said(|m| m.panic_resumed_on_await, "was re-raised at the await", "came back as an error value");
        let survived = if columns.iter().all(|c| c.always(|m| m.survived_panic)) {
            "every runtime ran the next task after the panic".to_string()
        } else {
            format!(
                "after the panic, {} ran no further task",
                listed(&names_where(columns, |c| !c.always(|m| m.survived_panic)))
            )
        };
        // Rust's combinators run inside the task that awaits them; asyncio's done-callbacks
        // (the python column) run from the event loop when a task ends, awaited or not.
        let callbacks = |loop_run: bool| -> Vec<Column<'_, FuturesMetrics>> {
            columns
                .iter()
                .filter(|c| c.always(|m| m.callbacks_before_await.is_some()) == loop_run)
                .map(|c| Column { runtime: c.runtime, flavor: c.flavor, runs: c.runs.clone() })
                .collect()
        };
        let run = |c: &Column<'_, FuturesMetrics>| format!("{:.0}", c.median(|m| m.callbacks_run as f64));
        let mut said =
            format!("Dropping a running task's handle {dropped}. A task's panic {panic}; {survived}.");
        let (inside, from_loop) = (callbacks(false), callbacks(true));
        if !inside.is_empty() {
            said.push_str(&format!(
                " The combinators' callbacks ran inside the awaiting task: {}.",
                each(&inside, run)
            ));
        }
        for c in &from_loop {
            said.push_str(&format!(
                " {}'s done-callbacks ran from its event loop as each task ended: {}, {:.0} of them before \
                 the awaiting code reached their task.",
                c.runtime,
                run(c),
                c.median(|m| m.callbacks_before_await.unwrap_or(0) as f64)
            ));
        }
        said
    }

    fn least_duration(cfg: &FuturesConfig, shape: &RunShape) -> Duration {
        // The tasks sleep twice (handles, then as-completed); pool jobs hold their thread.
        let workers = if shape.tasks_hold_threads { shape.threads } else { usize::MAX };
        RunShape::spread(&delays(cfg, shape.seed), workers) * 2
    }

    fn observe(rt: &dyn Runtime, cfg: &FuturesConfig, env: &Env) -> Observed<FuturesMetrics> {
        quiet_demo_panics();
        rt.futures(cfg, env)
    }

    fn checks(_: &FuturesConfig, m: &FuturesMetrics) -> Vec<Check> {
        vec![
            Check::new(
                "every handle returned its task's value",
                m.completed == m.tasks,
                format!("{}/{}", m.completed, m.tasks),
            ),
            Check::new(
                "every callback ran once",
                m.callbacks_run == 2 * m.tasks,
                format!("{}/{}", m.callbacks_run, 2 * m.tasks),
            ),
            Check::new(
                "every result consumed as it completed",
                m.as_completed == m.tasks,
                format!("{}/{}", m.as_completed, m.tasks),
            ),
            Check::new(
                "the one-shot future delivered its value",
                m.oneshot_delivered,
                m.oneshot_delivered.to_string(),
            ),
            Check::new(
                "the aborted task was cancelled",
                m.cancelled >= 1,
                format!("{} cancelled", m.cancelled),
            ),
            Check::new(
                "the panic was caught and the runtime kept running",
                m.panics_caught == 1 && m.survived_panic,
                format!("{} caught, survived: {}", m.panics_caught, m.survived_panic),
            ),
        ]
    }

    fn headline(cfg: &FuturesConfig) -> String {
        format!(
            "{} tasks: handles, a one-shot, callbacks, as-completed; then drop, abort and panic probes",
            cfg.tasks
        )
    }

    fn figures(_: &FuturesConfig, m: &FuturesMetrics) -> Vec<(String, String)> {
        vec![
            ("handles".into(), format!("{}/{} returned their value", m.completed, m.tasks)),
            ("callbacks".into(), format!("{} ran (inspect + then on each handle)", m.callbacks_run)),
            ("as completed".into(), format!("{} results, in completion order", m.as_completed)),
            (
                "one-shot".into(),
                if m.oneshot_delivered { "the value another task sent arrived" } else { "no value arrived" }
                    .into(),
            ),
            (
                "dropped handle".into(),
                if m.dropped_handle_task_finished {
                    "the task kept running to the end (detached)"
                } else {
                    "the task was cancelled"
                }
                .into(),
            ),
            (
                "abort".into(),
                if m.cancelled >= 1 {
                    "the aborted task was cancelled"
                } else {
                    "the aborted task was not cancelled"
                }
                .into(),
            ),
            (
                "panic in a task".into(),
                if m.panic_resumed_on_await {
                    "re-raised in the awaiting task (caught there with catch_unwind)"
                } else {
                    "handed back as an error value from the handle"
                }
                .into(),
            ),
        ]
    }

    fn takeaway(_: &FuturesConfig, m: &FuturesMetrics, _: &Env) -> String {
        format!(
            "A handle is a future of the task's result. Combinators (inspect, then) stand in for callbacks, but \
             no executor calls them when the task ends: they run inside the awaiting task, in the order it \
             awaits, and only if it awaits. The edges differ by executor: here dropping the handle of a \
             running task {} it, and a panic {}. Check these before porting code between runtimes: run this \
             scenario on each and compare.",
            if m.dropped_handle_task_finished { "detached" } else { "cancelled" },
            if m.panic_resumed_on_await {
                "was re-raised where the handle was awaited"
            } else {
                "came back as an error value"
            }
        )
    }
}
