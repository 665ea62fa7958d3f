// claim: C-smol-global-spawn
//! The runtime-demos scenarios written the smol way: an executor built per call
//! (a `LocalExecutor` on the calling thread for one worker; an `Executor` run by
//! N threads otherwise — smol's global `spawn` is sized once per process by
//! `SMOL_THREADS`, so it cannot honour `--threads` per call), `smol::Task`
//! handles, `async-channel`, `async-lock`, `async-io` timers.
//!
//! ```no_run
//! use demos_core::{Env, Race, RaceConfig};
//! let seen = demos_smol::Smol.race(&RaceConfig::default(), &Env::quiet(2, 42));
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

use std::future::Future;
use std::rc::Rc;
use std::sync::Arc;

use demos_core::scenario::{Kind, Scenario};
use demos_core::timeline::Span;
use demos_core::workers::noted;
use demos_core::{Env, Idioms, Observed, Runtime};
use smol::{Executor, LocalExecutor, Task};

/// The smol runtime, implementing every scenario.
#[derive(Debug, Clone, Copy, Default)]
pub struct Smol;

impl Runtime for Smol {
    fn name(&self) -> &'static str {
        "smol"
    }

    fn flavor(&self, threads: usize) -> String {
        match threads {
            1 => "LocalExecutor, 1 thread".to_string(),
            n => format!("Executor, {n} threads"),
        }
    }

    fn idioms(&self) -> Idioms {
        Idioms {
            select: Some("future::race"),
            select_biased: "future::or",
            blocking_limit: "set_max_blocking_threads",
        }
    }

    fn flavor_for(&self, scenario: Kind, threads: usize) -> String {
        use Kind::*;
        match scenario {
            // A local executor runs on one thread, whatever --threads says.
            Starvation => "LocalExecutor, 1 thread (busy loop)".to_string(),
            Local => "LocalExecutor, 1 thread".to_string(),
            // Two phases on one worker whatever --threads says; the last on --threads workers.
            Scheduling if threads > 1 => format!("LocalExecutor, then {}", self.flavor(threads)),
            // The placed phase runs one Executor per worker.
            Balance => {
                format!("{}; placed: {}, a thread each", self.flavor(threads), balance::placed(threads))
            }
            Race | Ordering | Futures | Pools | Bridge | Threads | Scheduling | Queue | Scale | Echo
            | Cancel | Mixing | Timers | Files => self.flavor(threads),
        }
    }
}

/// The executor a scenario spawns onto: one thread or many.
#[derive(Clone)]
enum Exec {
    Local(Rc<LocalExecutor<'static>>),
    Shared(Arc<Executor<'static>>),
}

impl Exec {
    /// Spawn onto whichever executor runs. Futures must be `Send` so the same
    /// scenario code serves both; a `LocalExecutor` alone would not need it.
    /// `noted` records the thread of each poll (the report's `workers_observed`).
    fn spawn<T: Send + 'static>(&self, future: impl Future<Output = T> + Send + 'static) -> Task<T> {
        match self {
            Exec::Local(ex) => ex.spawn(noted(future)),
            Exec::Shared(ex) => ex.spawn(noted(future)),
        }
    }
}

/// Observe `S` on the executor `env` asks for: `main` gets the spawner and
/// returns the metrics. `extra` names what the scenario uses beside the
/// executor (" + blocking pool").
fn observe<S: Scenario, F: Future<Output = S::Metrics>>(
    cfg: &S::Config,
    env: &Env,
    extra: &str,
    main: impl FnOnce(Exec) -> F,
) -> Observed<S::Metrics> {
    observe_recorded::<S, _>(cfg, env, extra, |ex| async move { (main(ex).await, Vec::new()) })
}

/// [`observe`] for scenarios that record a timeline: `main` returns the spans
/// with the metrics.
fn observe_recorded<S: Scenario, F: Future<Output = (S::Metrics, Vec<Span>)>>(
    _: &S::Config,
    env: &Env,
    extra: &str,
    main: impl FnOnce(Exec) -> F,
) -> Observed<S::Metrics> {
    let started = std::time::Instant::now();
    let ((metrics, spans), flavor) = run(env, main);
    Observed::new(format!("{flavor}{extra}"), started.elapsed(), metrics).with_spans(spans)
}

/// Run `main` to completion on the executor `env` asks for; returns its output
/// and the flavour that ran.
fn run<T, F: Future<Output = T>>(env: &Env, main: impl FnOnce(Exec) -> F) -> (T, String) {
    demos_core::workers::adopt(&env.workers);
    if env.threads == 1 {
        let ex = Rc::new(LocalExecutor::new());
        let out = smol::block_on(ex.run(main(Exec::Local(ex.clone()))));
        return (out, Smol.flavor(1));
    }
    // N-1 helper threads plus this one, all running the same executor.
    let threads = ExecutorThreads::new(env.threads);
    let out = threads.block_on(main(Exec::Shared(threads.ex.clone())));
    (out, Smol.flavor(env.threads))
}

/// An `Executor` run by helper threads (`smol-worker-N`) for as long as this
/// lives; [`ExecutorThreads::block_on`] runs a future on it with the calling
/// thread as one more. The executor every multi-threaded scenario runs on,
/// public so the benchmarks measure the same one.
#[derive(Debug)]
pub struct ExecutorThreads {
    /// The executor; spawn onto it.
    pub ex: Arc<Executor<'static>>,
    stop: Option<smol::channel::Sender<()>>,
    helpers: Vec<std::thread::JoinHandle<()>>,
}

impl ExecutorThreads {
    /// `threads` threads in all: this one (in `block_on`) and `threads - 1` helpers.
    pub fn new(threads: usize) -> Self {
        Self::helpers(threads.saturating_sub(1))
    }

    /// An executor run by `helpers` threads only: a caller that never calls
    /// `block_on` does not run it (async-executor's own benchmarks are set up so).
    pub fn helpers(helpers: usize) -> Self {
        let ex = Arc::new(Executor::new());
        let (stop, stopped) = smol::channel::bounded::<()>(1);
        let helpers = (1..=helpers)
            .map(|i| {
                let (ex, stopped) = (ex.clone(), stopped.clone());
                std::thread::Builder::new()
                    .name(format!("smol-worker-{i}"))
                    .spawn(move || smol::block_on(ex.run(stopped.recv())).unwrap_or(()))
                    .expect("the OS can start a worker thread")
            })
            .collect();
        Self { ex, stop: Some(stop), helpers }
    }

    /// Run `future` to completion, this thread running the executor too.
    pub fn block_on<T>(&self, future: impl Future<Output = T>) -> T {
        smol::block_on(self.ex.run(future))
    }
}

impl Drop for ExecutorThreads {
    fn drop(&mut self) {
        drop(self.stop.take()); // closing the channel ends every helper's `run`
        for helper in self.helpers.drain(..) {
            let _ = helper.join();
        }
    }
}
