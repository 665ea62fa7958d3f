//! The runtime-demos scenarios written the compio way: thread-per-core.
//!
//! `--threads N` starts N OS threads (`compio-core-0` …), each pinned to one
//! CPU the process may use (round-robin when N is above that count) and each
//! running its own single-threaded `compio::runtime::Runtime` on io_uring (or
//! on compio's poll driver: forced with `--driver poll`, or fallen back to when
//! io_uring cannot be set up — the flavour says which ran, and why).
//!
// claim: C-compio-tasks-stay-on-core
//! A task spawned with `compio::runtime::spawn` stays on the thread that
//! spawned it for its whole life: compio has no work stealing, and its tasks
//! need not be `Send`. Work reaches another core only when the code places it
//! there: [`Exec::place`] sends a `Send` future over that core's `flume`
// claim: C-flume-mpmc
//! channel and the core spawns it locally. compio ships no channel of its own
//! for users; flume is the one its driver already depends on (no new crate),
//! it is multi-producer multi-consumer, bounded or not, with async and sync
//! ends, and its wakers reach a compio runtime on another thread.
//!
//! ```no_run
//! use demos_core::{Env, Race, RaceConfig};
//! let seen = demos_compio::Compio::URING.race(&RaceConfig::default(), &Env::quiet(2, 42));
//! assert_eq!(seen.metrics.mutex, 1000);
//! ```

#![forbid(unsafe_code)]

mod balance;
mod bridge;
mod cancel;
mod echo;
mod files;
mod futures;
mod local;
mod mixing;
mod ordering;
mod pools;
mod queue;
mod race;
mod scale;
mod scheduling;
mod starvation;
mod threads;
mod timers;

use std::cell::Cell;
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use std::sync::{Arc, OnceLock};
use std::task::{Context, Poll};

use std::panic::AssertUnwindSafe;
use std::pin::pin;

use ::futures::FutureExt;
use ::futures::channel::oneshot;
use ::futures::future::{Either, select};
use compio::driver::{DriverType, ProactorBuilder};
use compio::runtime::{JoinHandle, RuntimeBuilder};
use demos_core::scenario::{Kind, Scenario};
use demos_core::timeline::Span;
use demos_core::workers::{adopt, noted};
use demos_core::{Env, Idioms, Observed, Runtime};
use nix::sched::{CpuSet, sched_getaffinity, sched_setaffinity};
use nix::unistd::Pid;

/// Which compio driver to ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Driver {
    /// io_uring; where it cannot be set up, the poll driver, and the flavour says why.
    IoUring,
    /// compio's readiness-based poll (epoll) driver, forced.
    Poll,
}

/// The compio runtime, implementing every scenario: one single-threaded compio
/// runtime per thread, one thread per core.
#[derive(Debug, Clone, Copy)]
pub struct Compio {
    driver: Driver,
}

impl Compio {
    /// On io_uring (falling back to the poll driver, and saying so, where it is unavailable).
    pub const URING: Self = Self { driver: Driver::IoUring };
    /// On compio's poll driver, forced (`--driver poll`).
    pub const POLL: Self = Self { driver: Driver::Poll };

    /// The driver this runtime asks for.
    pub fn driver(&self) -> Driver {
        self.driver
    }

    /// `--driver uring|poll` (or `--driver=…`), taken out of the command line before
    /// the shared CLI parses it: the flag picks the runtime value itself. A child
    /// worker is started with the runtime's name instead (`__child … --runtime
    /// compio-poll`), which picks the poll driver too. Given twice, or without a
    /// value, it is bad input.
    pub fn from_args(args: &mut Vec<std::ffi::OsString>) -> Result<Self, String> {
        let child_of_poll = args.windows(2).any(|w| w[0] == "--runtime" && w[1] == "compio-poll");
        let mut chosen = None;
        let mut at = 0;
        while at < args.len() {
            let arg = args[at].to_string_lossy().into_owned();
            let (value, taken) = match arg.strip_prefix("--driver") {
                Some("") => (args.get(at + 1).map(|v| v.to_string_lossy().into_owned()), 2),
                Some(inline) if inline.starts_with('=') => (Some(inline[1..].to_string()), 1),
                _ => {
                    at += 1;
                    continue;
                }
            };
            let rt = match value.as_deref() {
                _ if chosen.is_some() => return Err("--driver is given twice: give it once".to_string()),
                Some("uring" | "io_uring") => Self::URING,
                Some("poll") => Self::POLL,
                Some(other) => return Err(format!("--driver {other}: expected uring or poll")),
                None => return Err("--driver needs a value: uring or poll".to_string()),
            };
            chosen = Some(rt);
            args.drain(at..at + taken);
        }
        Ok(chosen.unwrap_or(if child_of_poll { Self::POLL } else { Self::URING }))
    }

    /// `--driver` as `--help` lists it, beside the shared flags.
    pub fn driver_flag() -> clap::Arg {
        clap::Arg::new("driver").long("driver").value_name("uring|poll").help(
            "io_uring, falling back to the poll driver where unavailable; poll forces it [default: uring]",
        )
    }

    /// The binary's `main`: `--driver` taken off `args`, then the shared command line.
    pub fn main(mut args: Vec<std::ffi::OsString>) -> std::process::ExitCode {
        match Self::from_args(&mut args) {
            Ok(rt) => demos_core::cli::run_with_flags(&rt, args, [Self::driver_flag()]),
            Err(message) => demos_core::cli::usage_error("demos-compio", &message),
        }
    }
}

impl Default for Compio {
    fn default() -> Self {
        Self::URING
    }
}

impl Runtime for Compio {
    fn name(&self) -> &'static str {
        match self.driver {
            Driver::IoUring => "compio",
            Driver::Poll => "compio-poll", // its child workers are told by this name
        }
    }

    fn flavor(&self, threads: usize) -> String {
        // Before the run: what the probe and the affinity mask predict. Each report's
        // flavour is then what the run's threads actually built and where they ran.
        let driver = match (self.driver, uring_probe()) {
            (Driver::Poll, _) => "poll driver (forced: --driver poll)".to_string(),
            (Driver::IoUring, Ok(())) => "io_uring".to_string(),
            (Driver::IoUring, Err(why)) => format!("poll driver (io_uring unavailable: {why}; fell back)"),
        };
        format!("{}, {}", per_core(threads, &driver), Placement::plan(threads).describe())
    }

    fn idioms(&self) -> Idioms {
        Idioms {
            select: Some("select!"),
            select_biased: "select_biased!",
            blocking_limit: "thread_pool_limit",
        }
    }

    fn flavor_for(&self, scenario: Kind, threads: usize) -> String {
        use Kind::*;
        match scenario {
            // One core, whatever --threads says.
            Local | Starvation => self.flavor(1),
            // The placed phase sends the tasks round-robin to the cores' runtimes.
            Balance => format!("{}; placed: {}", self.flavor(threads), balance::placed_on(threads)),
            // Two phases on one core; the last on --threads cores.
            Scheduling if threads > 1 => format!("{}, then {}", self.flavor(1), self.flavor(threads)),
            Race | Ordering | Futures | Pools | Bridge | Threads | Scheduling | Queue | Scale | Echo
            | Cancel | Mixing | Timers | Files => self.flavor(threads),
        }
    }
}

/// "2 threads × a compio runtime on io_uring".
fn per_core(threads: usize, driver: &str) -> String {
    match threads {
        1 => format!("1 thread, a compio runtime on {driver}"),
        n => format!("{n} threads, each its own compio runtime on {driver}"),
    }
}

/// Whether this process can set up io_uring, asked once (a throw-away runtime on a
/// throw-away thread).
fn uring_probe() -> &'static Result<(), String> {
    static PROBE: OnceLock<Result<(), String>> = OnceLock::new();
    PROBE.get_or_init(|| {
        std::thread::spawn(|| build_with(Some(DriverType::IoUring)).map(drop).map_err(|e| e.to_string()))
            .join()
            .unwrap_or_else(|_| Err("the probe panicked".to_string()))
    })
}

fn build_with(ty: Option<DriverType>) -> io::Result<compio::runtime::Runtime> {
    build_limited(ty, None)
}

/// A runtime whose blocking pool starts at most `pool_limit` threads (compio's default: 256).
fn build_limited(ty: Option<DriverType>, pool_limit: Option<usize>) -> io::Result<compio::runtime::Runtime> {
    let mut proactor = ProactorBuilder::new();
    if let Some(limit) = pool_limit {
        proactor.thread_pool_limit(limit);
    }
    if let Some(ty) = ty {
        proactor.driver_type(ty); // forced: compio does not fall back by itself then
    }
    RuntimeBuilder::new().with_proactor(proactor).build()
}

/// What one thread's runtime turned out to be.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Built {
    driver: &'static str,
    /// Why the driver is not the one asked for, if it is not.
    fallback: Option<String>,
}

/// Build this thread's runtime. Never panics on a missing io_uring: the poll
/// driver takes over and the reason is kept for the flavour.
fn build(driver: Driver) -> io::Result<(compio::runtime::Runtime, Built)> {
    build_with_pool(driver, None)
}

/// [`build`], with the blocking pool limited to `pool_limit` threads.
fn build_with_pool(
    driver: Driver,
    pool_limit: Option<usize>,
) -> io::Result<(compio::runtime::Runtime, Built)> {
    let (rt, fallback) = match driver {
        Driver::Poll => (build_limited(Some(DriverType::Poll), pool_limit)?, None),
        Driver::IoUring => match build_limited(Some(DriverType::IoUring), pool_limit) {
            Ok(rt) => (rt, None),
            Err(e) => (
                build_limited(Some(DriverType::Poll), pool_limit)?,
                Some(format!("io_uring unavailable: {e}; fell back")),
            ),
        },
    };
    let name = match rt.driver_type() {
        DriverType::IoUring => "io_uring",
        DriverType::Poll => "poll driver",
        DriverType::IOCP => "IOCP",
    };
    let fallback = fallback.or_else(|| (driver == Driver::Poll).then(|| "forced: --driver poll".to_string()));
    Ok((rt, Built { driver: name, fallback }))
}

/// Where the threads go: the CPUs this process may run on, taken round-robin.
#[derive(Debug, Clone)]
struct Placement {
    /// The CPU each thread is to be pinned to, by thread index; empty if the mask is unreadable.
    cpus: Vec<usize>,
    /// How many CPUs the process may use.
    allowed: usize,
}

impl Placement {
    /// Over `sched_getaffinity` (the CPUs allowed, e.g. under `taskset`), not
    /// `0..available_parallelism()`: pinning outside the mask would escape it.
    fn plan(threads: usize) -> Self {
        let allowed = allowed_cpus();
        let cpus = if allowed.is_empty() {
            Vec::new()
        } else {
            (0..threads).map(|i| allowed[i % allowed.len()]).collect()
        };
        Self { cpus, allowed: allowed.len() }
    }

    fn describe(&self) -> String {
        let threads = self.cpus.len();
        if threads == 0 {
            return "not pinned (the CPU mask could not be read)".to_string();
        }
        let list = self.cpus.iter().map(usize::to_string).collect::<Vec<_>>().join(",");
        match (threads, self.allowed) {
            (1, _) => format!("pinned to cpu {list}"),
            (n, allowed) if n <= allowed => format!("pinned one per core (cpu {list})"),
            (n, 1) => format!("all {n} pinned to the one core allowed (cpu {list})"),
            (n, allowed) => format!(
                "more threads than the {allowed} cores allowed: pinned round-robin, up to {} a core (cpu {list})",
                n.div_ceil(allowed)
            ),
        }
    }
}

fn allowed_cpus() -> Vec<usize> {
    match sched_getaffinity(Pid::from_raw(0)) {
        Ok(set) => (0..CpuSet::count()).filter(|&c| set.is_set(c).unwrap_or(false)).collect(),
        Err(_) => Vec::new(),
    }
}

/// Pin the calling thread to `cpu`; `Err` says why not (the thread then floats).
fn pin_to(cpu: usize) -> Result<(), String> {
    let mut set = CpuSet::new();
    set.set(cpu).map_err(|e| e.to_string())?;
    sched_setaffinity(Pid::from_raw(0), &set).map_err(|e| e.to_string())
}

thread_local! {
    /// This thread's index among the run's compio threads, if it is one.
    static WORKER: Cell<Option<usize>> = const { Cell::new(None) };
}

/// The index of the compio thread this code runs on, if it runs on one.
fn current_worker() -> Option<usize> {
    WORKER.with(Cell::get)
}

/// What a core's thread is sent.
enum Msg {
    /// A task to spawn on that core's runtime.
    Run(Box<dyn FnOnce() + Send>),
    /// The run is over: leave `block_on`, drop the runtime.
    Stop,
}

/// A run's cores: spawn here (the task stays) or place on a core (over its channel).
#[derive(Clone)]
pub(crate) struct Exec {
    cores: Arc<[flume::Sender<Msg>]>,
    next: Arc<AtomicUsize>,
}

impl Exec {
    /// How many threads (each with its own runtime) this run has.
    pub(crate) fn cores(&self) -> usize {
        self.cores.len()
    }

    /// `compio::runtime::spawn`: the task runs on this thread's runtime, and only
    /// here; it need not be `Send`. Dropping the handle cancels the task.
    pub(crate) fn spawn<T: 'static>(&self, future: impl Future<Output = T> + 'static) -> JoinHandle<T> {
        compio::runtime::spawn(noted(future))
    }

    /// Place a task on core `core`'s runtime, and keep it there. What crosses
    /// to the core (over its channel) is `make`, which must be `Send`; the
    /// future it makes is built and run on that core and need not be — compio's
    /// own futures (timers, sockets) are not. Awaiting the [`Placed`] handle
    /// gives the output (a panic is re-raised in the awaiter); dropping it
    /// cancels the task.
    pub(crate) fn place_on<T: Send + 'static, F: Future<Output = T> + 'static>(
        &self,
        core: usize,
        make: impl FnOnce() -> F + Send + 'static,
    ) -> Placed<T> {
        let (tx, rx) = oneshot::channel();
        let core = core % self.cores();
        if Some(core) == current_worker() {
            start(make, tx); // already here: no need for the channel
        } else {
            // A closed channel means the run is over: the dropped job drops `tx`, and the
            // handle says so.
            let _ = self.cores[core].send(Msg::Run(Box::new(move || start(make, tx))));
        }
        Placed(rx)
    }

    /// Place a task on the next core, round-robin: how work is spread here.
    pub(crate) fn place<T: Send + 'static, F: Future<Output = T> + 'static>(
        &self,
        make: impl FnOnce() -> F + Send + 'static,
    ) -> Placed<T> {
        let core = self.next.fetch_add(1, Relaxed);
        self.place_on(core, make)
    }
}

/// On the core it was placed on: make the future and spawn it there, answering
/// `tx` with its output or its panic, unless the handle is dropped first.
fn start<T: Send + 'static, F: Future<Output = T> + 'static>(
    make: impl FnOnce() -> F + 'static,
    mut tx: oneshot::Sender<std::thread::Result<T>>,
) {
    let task = noted(async move {
        let out = {
            let work = AssertUnwindSafe(async move { make().await }).catch_unwind();
            match select(pin!(tx.cancellation()), pin!(work)).await {
                Either::Left(_) => return, // the handle was dropped: the task is cancelled
                Either::Right((out, _)) => out,
            }
        };
        let _ = tx.send(out);
    });
    compio::runtime::spawn(task).detach();
}

/// The handle of a placed task: its output, from whichever core ran it.
#[derive(Debug)]
pub(crate) struct Placed<T>(oneshot::Receiver<std::thread::Result<T>>);

impl<T> Future for Placed<T> {
    type Output = T;
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<T> {
        match std::task::ready!(Pin::new(&mut self.0).poll(cx)) {
            Ok(Ok(out)) => Poll::Ready(out),
            Ok(Err(panic)) => std::panic::resume_unwind(panic), // re-raised here, as RemoteHandle does
            Err(oneshot::Canceled) => {
                panic!("a placed task was dropped unfinished: its core's runtime stopped")
            }
        }
    }
}

/// Held by core 0: when it ends, normally or by a panic, the other cores stop.
struct StopOthers(Exec);

impl Drop for StopOthers {
    fn drop(&mut self) {
        for core in self.0.cores.iter().skip(1) {
            let _ = core.send(Msg::Stop);
        }
    }
}

/// The loop of every core: spawn what is placed here, until told to stop.
async fn serve(inbox: flume::Receiver<Msg>) {
    while let Ok(Msg::Run(job)) = inbox.recv_async().await {
        job();
    }
}

impl Compio {
    /// Observe `S` on `env.threads` cores: `main` runs on core 0 and returns the
    /// metrics. `extra` names what the scenario uses beside the runtimes.
    fn observe<S: Scenario, F: Future<Output = S::Metrics>>(
        &self,
        cfg: &S::Config,
        env: &Env,
        extra: &str,
        main: impl FnOnce(Exec) -> F + Send,
    ) -> Observed<S::Metrics>
    where
        S::Metrics: Send,
    {
        self.observe_recorded::<S, _>(cfg, env, extra, |ex| async move { (main(ex).await, Vec::new()) })
    }

    /// [`Compio::observe`] for scenarios that record a timeline.
    fn observe_recorded<S: Scenario, F: Future<Output = (S::Metrics, Vec<Span>)>>(
        &self,
        _: &S::Config,
        env: &Env,
        extra: &str,
        main: impl FnOnce(Exec) -> F + Send,
    ) -> Observed<S::Metrics>
    where
        S::Metrics: Send,
    {
        let started = std::time::Instant::now();
        let ((metrics, spans), flavor) = self.run(env, main);
        Observed::new(format!("{flavor}{extra}"), started.elapsed(), metrics).with_spans(spans)
    }

    /// Run `main` on core 0 of `env.threads` pinned threads, each with its own
    /// runtime; returns its output and the flavour that ran.
    fn run<T: Send, F: Future<Output = T>>(
        &self,
        env: &Env,
        main: impl FnOnce(Exec) -> F + Send,
    ) -> (T, String) {
        self.run_with_pool(env, None, main)
    }

    /// [`Compio::run`] on runtimes whose blocking pools start at most
    /// `pool_limit` threads each.
    fn run_with_pool<T: Send, F: Future<Output = T>>(
        &self,
        env: &Env,
        pool_limit: Option<usize>,
        main: impl FnOnce(Exec) -> F + Send,
    ) -> (T, String) {
        adopt(&env.workers);
        let threads = env.threads.max(1);
        let placement = Placement::plan(threads);
        let (senders, inboxes): (Vec<_>, Vec<_>) = (0..threads).map(|_| flume::unbounded::<Msg>()).unzip();
        let ex = Exec { cores: senders.into(), next: Arc::new(AtomicUsize::new(0)) };
        let driver = self.driver;
        let mut main = Some(main);
        // Every core has pinned itself and built its runtime before main starts placing work.
        let all_built = std::sync::Barrier::new(threads);
        let all_built = &all_built;
        std::thread::scope(|scope| {
            let cores: Vec<_> = inboxes
                .into_iter()
                .enumerate()
                .map(|(i, inbox)| {
                    let (ex, cpu, workers) =
                        (ex.clone(), placement.cpus.get(i).copied(), env.workers.clone());
                    let main = if i == 0 { main.take() } else { None };
                    std::thread::Builder::new()
                        .name(format!("compio-core-{i}"))
                        .spawn_scoped(scope, move || {
                            adopt(&workers);
                            WORKER.with(|w| w.set(Some(i)));
                            // Pin first, then build: the runtime (and its blocking pool's
                            // threads, which inherit the mask) belong to this core.
                            let pinned = cpu.map(pin_to);
                            // Core 0 stops the others however it ends: a panic in main included.
                            let _stop = main.is_some().then(|| StopOthers(ex.clone()));
                            let built = build_with_pool(driver, pool_limit);
                            all_built.wait(); // before any panic below: no core waits here forever
                            let (rt, built) = built.expect("compio's poll driver can be built");
                            let out = rt.block_on(async move {
                                match main {
                                    None => {
                                        serve(inbox).await;
                                        None
                                    }
                                    Some(main) => {
                                        compio::runtime::spawn(serve(inbox)).detach();
                                        Some(main(ex).await)
                                    }
                                }
                            });
                            (out, built, pinned)
                        })
                        .expect("the OS can start a thread")
                })
                .collect();
            drop(ex);
            let mut out = None;
            let mut builts = Vec::new();
            let mut refused = None;
            for core in cores {
                let (o, built, pinned) = core.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic));
                out = out.or(o);
                builts.push(built);
                if let Some(Err(why)) = pinned {
                    refused = Some(why);
                }
            }
            let out = out.expect("core 0 ran main");
            (out, describe_run(threads, &builts, &placement, refused))
        })
    }
}

/// The flavour of a run, from what its threads built and where they were pinned.
fn describe_run(threads: usize, builts: &[Built], placement: &Placement, refused: Option<String>) -> String {
    let first = &builts[0];
    let driver = match (&first.fallback, builts.iter().all(|b| b == first)) {
        (_, false) => {
            let uring = builts.iter().filter(|b| b.driver == "io_uring").count();
            format!("io_uring on {uring}, the poll driver on {}", threads - uring)
        }
        (None, true) => first.driver.to_string(),
        (Some(why), true) => format!("{} ({why})", first.driver),
    };
    let placed = match refused {
        Some(why) => format!("not pinned (sched_setaffinity: {why})"),
        None => placement.describe(),
    };
    format!("{}, {placed}", per_core(threads, &driver))
}

/// compio has no `yield_now`: wake yourself, and return `Pending` once. The
/// runtime puts the task at the back of its queue, so every other ready task
/// on this thread runs first.
pub(crate) fn yield_now() -> YieldNow {
    YieldNow(false)
}

/// The future [`yield_now`] returns.
#[derive(Debug)]
pub(crate) struct YieldNow(bool);

impl Future for YieldNow {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.0 {
            Poll::Ready(())
        } else {
            self.0 = true;
            cx.waker().wake_by_ref();
            Poll::Pending
        }
    }
}
