//! futures: what a spawned task gives you back, and what each executor does at
//! the edges. Handles from spawn; a bare one-shot future completed by another
//! task; callbacks the Rust way (`map` / `inspect` / `then` combinators);
// claim: C-tokio-as-completed
//! results consumed as they complete (`FuturesUnordered` over the handles, on every runtime);
//! then probes whose answers differ by executor and are *observed*, not
//! assumed: what dropping a handle does (detach or cancel), aborting a running
//! task, and how a panic inside a task surfaces. Then the same questions off
//! the happy path: a panic in a blocking job (tokio's `spawn_blocking`, smol's
//! `unblock`, async-std's `spawn_blocking`, a thread per call on std-threads);
//! aborting a blocking job while it runs — no runtime can stop a running
//! thread, so the job runs to its end whatever its handle says; and a task
//! spawned with no handle that panics: tokio and async-executor catch it, the
//! futures crate's `ThreadPool` does not (futures-executor 0.3 `thread_pool.rs`
//! has no `catch_unwind`) and loses that thread for good. The pool's capacity
//! is measured before and after: how many of a batch of tasks, each holding its
//! thread until all have started, run at once.

use std::collections::HashSet;
use std::sync::{Condvar, Mutex, Once};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::scenario::{Column, RunShape, count, each, each_in_words, listed, names_where, size};
use crate::{Check, Env, Observed, Runtime, Scenario};

/// The message of the panic the scenario causes on purpose.
pub const DEMO_PANIC: &str = "demo panic: this task panics on purpose";

/// How long the task awaiting a panicking blocking job waits to hear of the
/// panic. A pool that swallowed it would leave that task waiting for ever; past
/// this the panic counts as lost, and the check says so instead of the run hanging.
pub const BLOCKING_PANIC_WAIT: Duration = Duration::from_secs(5);

/// How long the blocking job of the abort probe runs.
pub const BLOCKING_JOB: Duration = Duration::from_millis(50);
/// What that job returns, if anyone is still waiting for it.
pub const BLOCKING_VALUE: u64 = 7;

/// How long a task of a capacity batch holds its thread waiting for the rest
/// of the batch to start: on a pool that lost threads they never all do.
pub const HOLD_AT_MOST: Duration = Duration::from_millis(100);
/// How long a capacity measurement waits for its batch: on a pool with no
/// thread left, no task of it ever runs, and the capacity seen is 0.
pub const CAPACITY_WAIT: Duration = Duration::from_millis(500);

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
    outcome.map_err(|payload| message_of(payload.as_ref()))
}

/// The message a panic carried (its payload as text).
pub fn message_of(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic with no message".to_string())
}

/// A capacity measurement: a batch of tasks, each of which calls
/// [`Capacity::hold`] on its thread. Each holds its thread until the whole
/// batch has started (or [`HOLD_AT_MOST`] passes), so the most seen running at
/// once is the number of threads the executor runs tasks on — every task on a
/// thread of its own.
///
/// ```
/// use demos_core::scenario::futures::Capacity;
/// use std::time::Duration;
/// let capacity = std::sync::Arc::new(Capacity::new(2));
/// let held: Vec<_> = (0..2).map(|_| { let c = capacity.clone(); std::thread::spawn(move || c.hold()) }).collect();
/// held.into_iter().for_each(|t| t.join().unwrap());
/// assert!(capacity.wait(Duration::from_secs(1)));
/// assert_eq!(capacity.most_at_once(), 2);
/// ```
#[derive(Debug)]
pub struct Capacity {
    batch: usize,
    state: Mutex<Held>,
    changed: Condvar,
}

#[derive(Debug, Default)]
struct Held {
    started: usize,
    running: usize,
    finished: usize,
    most: usize,
    /// The OS threads (Linux thread ids) that held a task of the batch.
    os_threads: HashSet<u64>,
}

/// This thread's OS id, from `/proc/thread-self` (`<pid>/task/<tid>`); `None`
/// off Linux.
fn os_thread_id() -> Option<u64> {
    let link = std::fs::read_link("/proc/thread-self").ok()?;
    link.file_name()?.to_str()?.parse().ok()
}

/// The ids of this process's live threads, from `/proc/self/task`; `None` off Linux.
fn live_os_threads() -> Option<HashSet<u64>> {
    let tasks = std::fs::read_dir("/proc/self/task").ok()?;
    Some(tasks.filter_map(|t| t.ok()?.file_name().to_str()?.parse().ok()).collect())
}

impl Capacity {
    /// A measurement with a batch of `batch` tasks.
    pub fn new(batch: usize) -> Self {
        Self { batch, state: Mutex::default(), changed: Condvar::new() }
    }

    /// Called by each task of the batch: hold this thread until every task of
    /// the batch has started, or [`HOLD_AT_MOST`] has passed.
    pub fn hold(&self) {
        let mut held = self.state.lock().expect("no holder panics");
        held.started += 1;
        held.running += 1;
        held.most = held.most.max(held.running);
        held.os_threads.extend(os_thread_id());
        self.changed.notify_all();
        let until = Instant::now() + HOLD_AT_MOST;
        while held.started < self.batch && !crate::interrupt::requested() {
            let left = until.saturating_duration_since(Instant::now());
            if left.is_zero() {
                break;
            }
            held = self
                .changed
                .wait_timeout(held, left.min(Duration::from_millis(10)))
                .expect("no holder panics")
                .0;
        }
        held.running -= 1;
        held.finished += 1;
        self.changed.notify_all();
    }

    /// Block until the whole batch has finished or `timeout` has passed:
    /// whether it finished. (For a caller off the executor; an async caller
    /// awaits the tasks' handles under its runtime's timeout instead.)
    pub fn wait(&self, timeout: Duration) -> bool {
        let held = self.state.lock().expect("no holder panics");
        let (held, _) = self
            .changed
            .wait_timeout_while(held, timeout, |h| h.finished < self.batch)
            .expect("no holder panics");
        held.finished == self.batch
    }

    /// The most tasks of the batch seen running at once, each holding a thread.
    pub fn most_at_once(&self) -> u64 {
        self.state.lock().expect("no holder panics").most as u64
    }

    /// The OS threads that ran the batch's tasks, and of those the ones still
    /// alive now (listed in `/proc/self/task`); `None` off Linux.
    pub fn os_threads_alive(&self) -> Option<(u64, u64)> {
        let held = self.state.lock().expect("no holder panics");
        let live = live_os_threads()?;
        let ran = held.os_threads.len() as u64;
        (ran > 0).then(|| (ran, held.os_threads.intersection(&live).count() as u64))
    }
}

/// Runs `signal` when dropped — at the end of a task, or as a panic unwinds
/// it: how a probe learns that a task with no handle has panicked.
#[derive(Debug)]
pub struct OnDrop<F: FnOnce()>(Option<F>);

/// See [`OnDrop`].
pub fn on_drop<F: FnOnce()>(signal: F) -> OnDrop<F> {
    OnDrop(Some(signal))
}

impl<F: FnOnce()> Drop for OnDrop<F> {
    fn drop(&mut self) {
        if let Some(signal) = self.0.take() {
            signal();
        }
    }
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

/// The callbacks chained on the handles: each counts itself and notes what it
/// saw, and where it ran — in the task that awaits the handle, not in the
/// task that finished. [`Callbacks::count_and_log`] logs them, in one line.
#[derive(Debug)]
pub struct Callbacks<'a> {
    log: &'a crate::Log,
    /// (callback, task, value, thread), in the order they ran.
    ran: Mutex<Vec<(&'static str, usize, u64, String)>>,
}

/// How many entries a one-line log lists before "… and N more".
const LISTED: usize = 12;

impl<'a> Callbacks<'a> {
    /// None run yet.
    pub fn new(log: &'a crate::Log) -> Self {
        Self { log, ran: Mutex::default() }
    }

    /// Callback `name` ran on task `task`'s result `value`.
    pub fn ran(&self, name: &'static str, task: usize, value: u64) {
        let (thread, _) = crate::timeline::current_thread();
        self.ran.lock().expect("no callback panics").push((name, task, value, thread));
    }

    /// How many ran; logs, in one line, which ran on what, where and in what order:
    /// "callbacks inspect and then ran in the awaiting task on main, in this order: task 0's
    /// 7, 1's 17".
    pub fn count_and_log(&self) -> u64 {
        let ran = self.ran.lock().expect("no callback panics");
        if self.log.enabled() && !ran.is_empty() {
            self.log.line(callbacks_in_words(&ran));
        }
        ran.len() as u64
    }
}

/// The callbacks that ran, in words: grouped by the value they ran on, in the
/// order they ran, each group's callbacks named once when every group ran the same.
fn callbacks_in_words(ran: &[(&'static str, usize, u64, String)]) -> String {
    let mut groups: Vec<(usize, u64, Vec<&str>)> = Vec::new();
    for &(name, task, value, _) in ran {
        match groups.last_mut() {
            Some((t, v, names)) if (*t, *v) == (task, value) => names.push(name),
            _ => groups.push((task, value, vec![name])),
        }
    }
    let mut threads: Vec<&str> = Vec::new();
    for (.., thread) in ran {
        if !threads.contains(&thread.as_str()) {
            threads.push(thread);
        }
    }
    let same = groups.iter().all(|g| g.2 == groups[0].2);
    let shown: Vec<String> = groups
        .iter()
        .take(LISTED)
        .enumerate()
        .map(|(n, (task, value, names))| {
            let what = if n == 0 { format!("task {task}'s {value}") } else { format!("{task}'s {value}") };
            if same { what } else { format!("{what} ({})", names.join(", ")) }
        })
        .collect();
    let more = match groups.len().saturating_sub(LISTED) {
        0 => String::new(),
        left => format!(" … and {left} more"),
    };
    let which = if same { format!("{} ", listed(&groups[0].2)) } else { String::new() };
    format!(
        "callbacks {which}ran in the awaiting task on {}, in this order: {}{more}",
        listed(&threads),
        shown.join(", ")
    )
}

/// The results of as-completed, in the order they came: logged in one line.
#[derive(Debug, Default)]
pub struct CompletionOrder(Vec<(usize, Duration)>);

impl CompletionOrder {
    /// Task `task`, which slept `slept`, finished next.
    pub fn finished(&mut self, task: usize, slept: Duration) {
        self.0.push((task, slept));
    }

    /// Log the order: "results as they completed: task 3 (slept 0 ms), 1 (10 ms)".
    pub fn log(&self, log: &crate::Log) {
        if self.0.is_empty() {
            return;
        }
        let shown: Vec<String> = self
            .0
            .iter()
            .take(LISTED)
            .enumerate()
            .map(|(n, (task, slept))| {
                let ms = slept.as_millis();
                if n == 0 { format!("task {task} (slept {ms} ms)") } else { format!("{task} ({ms} ms)") }
            })
            .collect();
        let more = match self.0.len().saturating_sub(LISTED) {
            0 => String::new(),
            left => format!(" … and {left} more"),
        };
        log.line(format!("results as they completed: {}{more}", shown.join(", ")));
    }
}

/// What the futures scenario measured and observed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
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
    /// A blocking job panicked: whether its panic came back to the task that
    /// awaited it (as an error value or re-raised) rather than being lost.
    #[serde(default)]
    pub blocking_panic_caught: bool,
    /// Observed: that panic was re-raised in the awaiting task (`true`)
    /// rather than handed back as an error value (`false`).
    #[serde(default)]
    pub blocking_panic_resumed_on_await: bool,
    /// Whether what came back carried the job's own panic message (a stand-in
    /// panic, such as a closed channel's, does not).
    #[serde(default)]
    pub blocking_panic_message_kept: bool,
    /// A blocking job aborted (or cancelled) while it ran: ms from the abort
    /// to its handle's answer.
    #[serde(default)]
    pub blocking_abort_returned_ms: f64,
    /// Whether the aborted handle still answered with the job's value.
    #[serde(default)]
    pub blocking_abort_value_returned: bool,
    /// Whether the handle answered only once the job had ended (it waited
    /// for the job) rather than while the job still ran.
    #[serde(default)]
    pub blocking_abort_waited_for_job: bool,
    /// Whether the aborted job ran to its end anyway.
    #[serde(default)]
    pub blocking_abort_job_finished: bool,
    /// Threads seen running tasks at once (a batch of tasks that each hold
    /// their thread) before a task spawned with no handle panicked.
    #[serde(default)]
    pub workers_before_detached_panic: u64,
    /// The same, measured after that panic: fewer means the pool lost a
    /// thread; 0 means no task runs any more.
    #[serde(default)]
    pub workers_after_detached_panic: u64,
    /// The OS threads that ran that first batch (Linux; absent elsewhere).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub os_threads_before_detached_panic: Option<u64>,
    /// Of those, the ones still alive after that panic (of the task with no
    /// handle), listed in `/proc/self/task` (Linux; absent elsewhere). Named
    /// short enough to be `compare`'s row label whole.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub os_threads_alive_after_panic: Option<u64>,
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

    /// The blocking job's panic came back with `message`: `resumed` when it
    /// was re-raised in the awaiting task, otherwise as an error value. Logs
    /// what came instead when it was not the job's own message.
    pub fn blocking_panic(&mut self, log: &crate::Log, resumed: bool, message: &str) {
        self.blocking_panic_caught = true;
        self.blocking_panic_resumed_on_await = resumed;
        self.blocking_panic_message_kept = message == DEMO_PANIC;
        if !self.blocking_panic_message_kept {
            log.line(format!("a blocking job panicked; what reached the awaiting task: \"{message}\""));
        }
    }

    /// Nothing of the blocking job's panic reached the task awaiting it within
    /// [`BLOCKING_PANIC_WAIT`]: the panic is lost (the metrics' default), said in the log.
    pub fn blocking_panic_lost(&mut self, log: &crate::Log) {
        self.blocking_panic_caught = false;
        log.line(format!(
            "a blocking job panicked, and nothing reached the task awaiting it in {} s",
            BLOCKING_PANIC_WAIT.as_secs()
        ));
    }

    /// The abort probe on a blocking job: its handle answered `returned`
    /// after the abort, with the job's `value` or not, `waited` (the job had
    /// ended by then) or not; and the job `finished`.
    pub fn blocking_abort(&mut self, returned: Duration, value: bool, waited: bool, finished: bool) {
        self.blocking_abort_returned_ms = returned.as_secs_f64() * 1e3;
        self.blocking_abort_value_returned = value;
        self.blocking_abort_waited_for_job = waited;
        self.blocking_abort_job_finished = finished;
    }

    /// The capacity seen before and after a task with no handle panicked.
    pub fn detached_panic(&mut self, before: &Capacity, after: &Capacity) {
        self.workers_before_detached_panic = before.most_at_once();
        self.workers_after_detached_panic = after.most_at_once();
        let alive = before.os_threads_alive();
        self.os_threads_before_detached_panic = alive.map(|a| a.0);
        self.os_threads_alive_after_panic = alive.map(|a| a.1);
    }
}

/// The futures scenario, implemented by every runtime.
pub trait Futures {
    /// Run the handles, one-shot, callbacks, as-completed and the probes.
    fn futures(&self, cfg: &FuturesConfig, env: &Env) -> Observed<FuturesMetrics>;
}

/// Marker type naming the futures scenario.
#[derive(Debug)]
pub struct FuturesScenario;

impl Scenario for FuturesScenario {
    const KIND: crate::scenario::Kind = crate::scenario::Kind::Futures;
    const ABOUT: &'static str = "handles, one-shot, callbacks, as-completed; drop, abort and panic semantics";
    type Config = FuturesConfig;
    type Metrics = FuturesMetrics;
    const LESSON: &'static [&'static str] =
        &["dropped_handle_task_finished", "panic_resumed_on_await", "survived_panic", "callbacks_run"];

    // claim: C-conclude-futures
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
        // With a python column, "on every runtime" would count it too: the sentences about
        // the Rust runtimes alone name them, and say "on each of them" for all of those.
        let among = |text: String| {
            if from_loop.is_empty() { text } else { text.replace("on every runtime", "on each of them") }
        };
        if !inside.is_empty() {
            let figures = match &inside[..] {
                [one] if !from_loop.is_empty() => format!(" on {}: {}", one.runtime, run(one)),
                _ if !from_loop.is_empty() => format!(
                    " on {}: {}",
                    listed(&inside.iter().map(|c| c.runtime).collect::<Vec<_>>()),
                    among(each(&inside, run))
                ),
                _ => format!(": {}", each(&inside, run)),
            };
            said.push_str(&format!(" The combinators' callbacks ran inside the awaiting task{figures}."));
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
        // Off the happy path: each probe's answer as the runs gave it, on the runtimes that ran
        // the probes (the python column's seed script has none of them).
        let rust = callbacks(false);
        if rust.is_empty() {
            return said;
        }
        let columns = &rust[..];
        // Off the happy path: each probe's answer as the runs gave it.
        let blocking = each_in_words(columns, |c| one_word(c, blocking_panic_briefly));
        let answered = each_in_words(columns, |c| one_word(c, blocking_abort_briefly));
        let stopped = names_where(columns, |c| !c.always(|m| m.blocking_abort_job_finished));
        let ran_on = if let ([one], true) = (columns, stopped.is_empty()) {
            format!("the job ran to its end on {}", one.runtime)
        } else if stopped.is_empty() {
            "the job ran to its end on every runtime".to_string()
        } else {
            format!("the job was stopped before its end on {}", listed(&stopped))
        };
        let threads = each(columns, |c| {
            format!(
                "{:.0} → {:.0}",
                c.median(|m| m.workers_before_detached_panic as f64),
                c.median(|m| m.workers_after_detached_panic as f64)
            )
        });
        let probed = if from_loop.is_empty() {
            String::new()
        } else {
            format!(
                " Probed on {} only (the seed's Python script has no such probes):",
                listed(&rust.iter().map(|c| c.runtime).collect::<Vec<_>>())
            )
        };
        let probes = among(format!(
            "{probed} A blocking job's panic {blocking}. Aborted while it ran, a blocking job's handle \
             {answered}; {ran_on}. Threads running tasks at once, before and after a task with no handle \
             panicked: {threads}."
        ));
        format!("{said}{probes}")
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
            // Measured before the task with no handle panicked (the last probe): a pool that
            // lost its threads to that panic ran this next task all the same.
            Check::new(
                "a task's panic came back at its handle, and the next task ran",
                m.panics_caught == 1 && m.survived_panic,
                format!(
                    "{} caught at the handle; a task spawned next {}, before the panic with no handle",
                    m.panics_caught,
                    if m.survived_panic { "ran" } else { "did not run" }
                ),
            ),
            Check::new(
                "the blocking job's panic came back to the task awaiting it",
                m.blocking_panic_caught,
                match (
                    m.blocking_panic_caught,
                    m.blocking_panic_resumed_on_await,
                    m.blocking_panic_message_kept,
                ) {
                    (false, _, _) => "lost",
                    (true, true, true) => "re-raised, with its message",
                    (true, true, false) => "re-raised as a stand-in panic: its message lost",
                    (true, false, true) => "an error value, with its message",
                    (true, false, false) => "an error value: its message lost",
                },
            ),
            // Not a check: that an aborted blocking job gave its value only once it had ended
            // holds by construction (the job makes the value at its end), and on a runtime whose
            // handle gives no value it could not fail at all. The figure and take-away say what
            // the handle answered, and when.
        ]
    }

    fn headline(cfg: &FuturesConfig) -> String {
        format!(
            "{} tasks: handles, a one-shot, callbacks, as-completed; then drop, abort and panic probes, on tasks \
             and on blocking jobs",
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
            ("panic, blocking job".into(), blocking_panic(m)),
            ("abort, blocking job".into(), blocking_abort(m)),
            ("panic, no handle".into(), detached_panic(m)),
        ]
    }

    fn takeaway(_: &FuturesConfig, m: &FuturesMetrics, _: &Env) -> String {
        format!(
            "A handle is a future of the task's result. Combinators (inspect, then) stand in for callbacks, but \
             no executor calls them when the task ends: they run inside the awaiting task, in the order it \
             awaits, and only if it awaits. The edges differ by executor: here dropping the handle of a \
             running task {} it, and a panic {}. {} Check these before porting code between runtimes: run this \
             scenario on each and compare.",
            if m.dropped_handle_task_finished { "detached" } else { "cancelled" },
            if m.panic_resumed_on_await {
                "was re-raised where the handle was awaited"
            } else {
                "came back as an error value"
            },
            off_the_happy_path(m)
        )
    }
}

/// The blocking job's panic, in words.
fn blocking_panic(m: &FuturesMetrics) -> String {
    match (m.blocking_panic_caught, m.blocking_panic_resumed_on_await, m.blocking_panic_message_kept) {
        (false, _, _) => {
            format!("lost: nothing came back to the awaiting task in {} s", BLOCKING_PANIC_WAIT.as_secs())
        }
        (true, true, true) => "re-raised in the awaiting task, with its message".into(),
        (true, true, false) => "the awaiting task panicked with a stand-in: the job's message is lost".into(),
        (true, false, true) => "handed back as an error value, with its message".into(),
        (true, false, false) => "handed back as an error value, the job's message lost".into(),
    }
}

/// The same word for every run of a column, or "varied between runs".
fn one_word<M>(c: &Column<'_, M>, word: fn(&M) -> &'static str) -> String {
    let first = c.runs.first().map_or("not run", word);
    if c.runs.iter().all(|m| word(m) == first) {
        first.to_string()
    } else {
        "varied between runs".to_string()
    }
}

/// What came back of the blocking job's panic, briefly (for the conclusion).
fn blocking_panic_briefly(m: &FuturesMetrics) -> &'static str {
    match (m.blocking_panic_caught, m.blocking_panic_resumed_on_await, m.blocking_panic_message_kept) {
        (false, _, _) => "was lost",
        (true, false, _) => "came back as an error value",
        (true, true, true) => "was re-raised in the awaiter",
        (true, true, false) => "reached the awaiter as a stand-in panic (its message lost)",
    }
}

/// What the aborted blocking job's handle answered, briefly (for the conclusion).
fn blocking_abort_briefly(m: &FuturesMetrics) -> &'static str {
    match (m.blocking_abort_value_returned, m.blocking_abort_waited_for_job) {
        (true, _) => "answered with the job's value once it ended",
        (false, true) => "said cancelled once the job had ended",
        (false, false) => "said cancelled at once, the job still running",
    }
}

/// The aborted blocking job, in words.
fn blocking_abort(m: &FuturesMetrics) -> String {
    let after = crate::report::format_ms(m.blocking_abort_returned_ms);
    format!(
        "{} after {after} ms, {}; the job {}",
        if m.blocking_abort_value_returned { "the job's value" } else { "cancelled" },
        if m.blocking_abort_waited_for_job { "once the job had ended" } else { "while the job ran" },
        if m.blocking_abort_job_finished { "ran to its end" } else { "did not finish" }
    )
}

/// The capacity before and after a task with no handle panicked, in words:
/// "threads running tasks at once 2 → 1, 1 of 2 still alive: 1 lost".
fn detached_panic(m: &FuturesMetrics) -> String {
    let (before, after) = (m.workers_before_detached_panic, m.workers_after_detached_panic);
    let verdict = if after == 0 {
        "none left".to_string()
    } else if after < before {
        format!("{} lost", before - after)
    } else {
        "none lost".to_string()
    };
    let os = match (m.os_threads_before_detached_panic, m.os_threads_alive_after_panic) {
        (Some(ran), Some(alive)) => format!(", {alive} of {ran} still alive"),
        _ => String::new(),
    };
    format!("threads running tasks at once {before} → {after}{os}: {verdict}")
}

/// " (1 of the 2 OS threads that ran them is still alive)", where `/proc` was read.
fn os_threads(m: &FuturesMetrics) -> String {
    match (m.os_threads_before_detached_panic, m.os_threads_alive_after_panic) {
        (Some(1), Some(1)) => " (the OS thread that ran them is still alive)".into(),
        (Some(1), Some(0)) => " (the OS thread that ran them has ended)".into(),
        (Some(2), Some(2)) => " (both OS threads that ran them are still alive)".into(),
        (Some(2), Some(0)) => " (both OS threads that ran them have ended)".into(),
        (Some(ran), Some(alive)) if alive == ran => {
            format!(" (all {ran} OS threads that ran them are still alive)")
        }
        (Some(ran), Some(0)) => format!(" (all {ran} OS threads that ran them have ended)"),
        (Some(ran), Some(alive)) => format!(
            " ({alive} of the {ran} OS threads that ran them {} still alive)",
            if alive == 1 { "is" } else { "are" }
        ),
        _ => String::new(),
    }
}

/// The take-away's sentences on the probes off the happy path, worded from them.
fn off_the_happy_path(m: &FuturesMetrics) -> String {
    let panic = format!("A blocking job's panic {}.", blocking_panic_briefly(m));
    let after = crate::report::format_ms(m.blocking_abort_returned_ms);
    let abort = if !m.blocking_abort_job_finished {
        "Aborted while it ran, a blocking job was stopped before its end.".to_string()
    } else if m.blocking_abort_value_returned {
        format!(
            "Aborted while it ran, a blocking job ran on to its end, and its handle gave its value {after} ms later."
        )
    } else if m.blocking_abort_waited_for_job {
        format!(
            "Aborted while it ran, a blocking job ran on to its end; its handle said cancelled {after} ms later, \
             once the job had ended."
        )
    } else {
        format!(
            "Aborted while it ran, a blocking job ran on to its end, though its handle said cancelled after \
             {after} ms."
        )
    };
    let (before, after) = (m.workers_before_detached_panic, m.workers_after_detached_panic);
    let (ran, os) = (crate::report::counted(before, "thread"), os_threads(m));
    let detached = if after == 0 {
        format!(
            "A task with no handle that panicked left no thread to run tasks on: {ran} ran them at once before, \
             none after{os}; a batch spawned since did not run within {} ms.",
            CAPACITY_WAIT.as_millis()
        )
    } else if after < before {
        format!(
            "A task with no handle that panicked cost the executor a thread: {ran} ran tasks at once before, \
             {after} after{os}."
        )
    } else {
        format!(
            "A task with no handle that panicked cost no thread: {ran} ran tasks at once before, {after} \
             after{os}."
        )
    };
    format!("{panic} {abort} {detached}")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A run that finished every probe the usual way; `python`: the seed script's
    /// column (its done-callbacks counted, no probes of its own).
    fn run(python: bool) -> FuturesMetrics {
        FuturesMetrics {
            tasks: 5,
            completed: 5,
            callbacks_run: 10,
            dropped_handle_task_finished: true,
            survived_panic: true,
            blocking_abort_job_finished: !python,
            workers_before_detached_panic: 2,
            workers_after_detached_panic: 2,
            callbacks_before_await: python.then_some(3),
            ..FuturesMetrics::default()
        }
    }

    fn column(runtime: &str, python: bool) -> Column<'_, FuturesMetrics> {
        Column { runtime, flavor: "", runs: vec![run(python)] }
    }

    #[test]
    fn a_blocking_panic_that_never_came_back_fails_its_check_and_says_how_long_it_waited() {
        let mut m = run(false);
        let log = crate::Log::off();
        m.blocking_panic(&log, true, DEMO_PANIC);
        m.blocking_panic_lost(&log);
        let check = FuturesScenario::checks(&FuturesConfig::default(), &m)
            .into_iter()
            .find(|c| c.name.starts_with("the blocking job's panic"))
            .expect("the blocking panic check");
        assert!(!check.passed, "{check:?}");
        assert_eq!(blocking_panic(&m), "lost: nothing came back to the awaiting task in 5 s");
    }

    #[test]
    fn the_capacity_figure_reads_right_at_one_thread() {
        let mut m = run(false);
        (m.workers_before_detached_panic, m.workers_after_detached_panic) = (1, 1);
        (m.os_threads_before_detached_panic, m.os_threads_alive_after_panic) = (Some(1), Some(1));
        assert_eq!(detached_panic(&m), "threads running tasks at once 1 → 1, 1 of 1 still alive: none lost");
        m.workers_after_detached_panic = 0;
        assert!(
            detached_panic(&m).ends_with("1 → 0, 1 of 1 still alive: none left"),
            "{}",
            detached_panic(&m)
        );
    }

    #[test]
    fn the_callbacks_log_in_one_line_in_the_order_they_ran() {
        let main = || "main".to_string();
        let ran = [
            ("inspect", 1, 17, main()),
            ("then", 1, 17, main()),
            ("inspect", 0, 7, main()),
            ("then", 0, 7, main()),
        ];
        assert_eq!(
            callbacks_in_words(&ran),
            "callbacks inspect and then ran in the awaiting task on main, in this order: task 1's 17, 0's 7"
        );
        // Callbacks that differ between values are named at each, and every thread is named.
        let ran = [("inspect", 0, 7, main()), ("then", 0, 7, main()), ("then", 1, 17, "worker".to_string())];
        assert_eq!(
            callbacks_in_words(&ran),
            "callbacks ran in the awaiting task on main and worker, in this order: task 0's 7 (inspect, then), \
             1's 17 (then)"
        );
    }

    #[test]
    fn a_python_column_is_not_counted_among_the_runtimes_that_ran_the_probes() {
        let said = FuturesScenario::conclude(
            &FuturesConfig::default(),
            &[column("tokio", false), column("python", true)],
        );
        assert!(said.contains("the job ran to its end on tokio."), "{said}");
        assert!(said.contains("inside the awaiting task on tokio: 10."), "{said}");
        assert!(!said.contains("each of them"), "{said}");
        // Both columns measured a dropped handle: that sentence counts both.
        assert!(said.starts_with("Dropping a running task's handle detached it on every runtime."), "{said}");

        let said = FuturesScenario::conclude(
            &FuturesConfig::default(),
            &[column("tokio", false), column("smol", false), column("python", true)],
        );
        assert!(said.contains("the job ran to its end on each of them."), "{said}");
        assert!(said.contains("inside the awaiting task on tokio and smol: 10 on each of them."), "{said}");

        let said = FuturesScenario::conclude(
            &FuturesConfig::default(),
            &[column("tokio", false), column("smol", false)],
        );
        assert!(said.contains("the job ran to its end on every runtime."), "{said}");
        assert!(said.contains("inside the awaiting task: 10 on every runtime."), "{said}");
    }
}
