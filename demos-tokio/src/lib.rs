//! The runtime-demos scenarios written the tokio way: a `Runtime` built per call
//! (`current_thread` for one worker, `multi_thread` otherwise), `tokio::spawn`
//! and `JoinSet`, `tokio::sync` locks and channels, `tokio::time` timers.
//!
//! ```no_run
//! use demos_core::{Env, Race, RaceConfig};
//! let seen = demos_tokio::Tokio.race(&RaceConfig::default(), &Env::quiet(2, 42));
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

use ::futures::FutureExt;
use demos_core::scenario::{Kind, Scenario};
use demos_core::timeline::Span;
use demos_core::workers::noted;
use demos_core::{Env, Idioms, Observed, Runtime};

/// The tokio runtime, implementing every scenario.
#[derive(Debug, Clone, Copy, Default)]
pub struct Tokio;

impl Runtime for Tokio {
    fn name(&self) -> &'static str {
        "tokio"
    }

    fn flavor(&self, threads: usize) -> String {
        match threads {
            1 => "current_thread, 1 worker".to_string(),
            n => format!("multi_thread, {n} workers"),
        }
    }

    fn idioms(&self) -> Idioms {
        Idioms {
            select: Some("select!"),
            select_biased: "with biased;",
            blocking_limit: "max_blocking_threads",
        }
    }

    fn flavor_for(&self, scenario: Kind, threads: usize) -> String {
        use Kind::*;
        match scenario {
            // A local executor runs on one thread, whatever --threads says.
            Starvation => "current_thread; multi_thread with 1 worker for block_in_place".to_string(),
            Local => "LocalSet on current_thread, 1 thread".to_string(),
            // Two phases on one worker whatever --threads says; the last on --threads workers.
            Scheduling if threads > 1 => format!("current_thread, then {}", self.flavor(threads)),
            // The placed phase runs one current_thread runtime per worker.
            Balance => {
                format!("{}; placed: {}, a thread each", self.flavor(threads), balance::placed(threads))
            }
            Race | Ordering | Futures | Pools | Bridge | Threads | Scheduling | Queue | Scale | Echo
            | Cancel | Mixing | Timers | Files => self.flavor(threads),
        }
    }
}

/// The spawner a scenario gets: `tokio::spawn` onto the runtime it runs in.
#[derive(Debug, Clone, Copy)]
struct Exec;

impl Exec {
    /// Spawn onto the runtime. `noted` records the thread of each poll (the
    /// report's `workers_observed`); the handle resolves to the task's value
    /// (a tokio `JoinHandle` yields a `Result`: a task's panic is re-raised here).
    fn spawn<T: Send + 'static>(
        &self,
        future: impl Future<Output = T> + Send + 'static,
    ) -> impl Future<Output = T> {
        tokio::spawn(noted(future))
            .map(|joined| joined.unwrap_or_else(|e| std::panic::resume_unwind(e.into_panic())))
    }
}

/// Observe `S` on the runtime `env` asks for: `main` gets the spawner and
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
    let (rt, flavor) = runtime(env);
    let (metrics, spans) = rt.block_on(main(Exec));
    Observed::new(format!("{flavor}{extra}"), started.elapsed(), metrics).with_spans(spans)
}

/// Build the executor `env` asks for, and name its flavour. Every task the
/// scenarios spawn is wrapped in `noted(..)`, which notes the worker thread
/// of each poll into `env.workers` (the report's `workers_observed`).
fn runtime(env: &Env) -> (tokio::runtime::Runtime, String) {
    demos_core::workers::adopt(&env.workers);
    (build_runtime(env.threads), Tokio.flavor(env.threads))
}

/// The runtime every scenario runs on, for `threads` workers: `current_thread`
/// for one, `multi_thread` otherwise, timers and I/O enabled. Public so the
/// benchmarks measure the very executor the demos use.
pub fn build_runtime(threads: usize) -> tokio::runtime::Runtime {
    let built = if threads == 1 {
        tokio::runtime::Builder::new_current_thread().enable_all().build()
    } else {
        tokio::runtime::Builder::new_multi_thread().worker_threads(threads).enable_all().build()
    };
    built.expect("the OS can start the runtime's threads")
}
