//! The runtime-demos scenarios written the async-std way: `async_std::task`
//! (`spawn`, `spawn_local`, `block_on`), `async_std::sync::Mutex`,
//! `async_std::channel`, `async_std::task::sleep`.
//!
// claim: C-async-std-discontinued
//! async-std is discontinued upstream in favour of smol; it is kept because
//! users still run it, and the comparison shows why its design aged. Its
// claim: C-async-std-sized-once
//! executor is global: sized once per process from `ASYNC_STD_THREAD_COUNT`
//! (default: available parallelism) when first used. So each call picks:
//!
// claim: C-async-std-threads-1
//! * `--threads 1`: `block_on` with `spawn_local` — the scenario's tasks on the
//!   calling thread (the global executor's threads start anyway, and the task
//!   awaiting each `spawn_blocking` job runs on them);
//! * `--threads` equal to the global executor's size: `task::spawn` in process;
//! * any other count: the scenario runs in a child process started with
//!   `ASYNC_STD_THREAD_COUNT` set, so the report never names a size that did not
//!   run. The child is this process's own executable (every demos binary answers
//!   the hidden worker subcommand), or the one given to
//!   `demos_core::child::use_worker_for("async-std", …)`.
//!
//! ```no_run
//! use demos_core::{Env, Race, RaceConfig};
//! let seen = demos_async_std::AsyncStd.race(&RaceConfig::default(), &Env::quiet(1, 42));
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

use async_std::task::{self, JoinHandle};
use demos_core::scenario::{Kind, Scenario};
use demos_core::timeline::Span;
use demos_core::workers::noted;
use demos_core::{Env, Idioms, Observed, Runtime};

/// The async-std runtime, implementing every scenario.
#[derive(Debug, Clone, Copy, Default)]
pub struct AsyncStd;

impl Runtime for AsyncStd {
    fn name(&self) -> &'static str {
        "async-std"
    }

    fn flavor(&self, threads: usize) -> String {
        match in_process(threads) {
            Some(Exec::Local) => local_flavor(""),
            Some(Exec::Global) => format!("global executor, {threads} threads"),
            None => format!(
                "global executor, {threads} threads (child process: this one's is {})",
                global_executor_threads()
            ),
        }
    }

    fn idioms(&self) -> Idioms {
        Idioms { select: None, select_biased: "race", blocking_limit: "set_max_blocking_threads" }
    }

    fn flavor_for(&self, scenario: Kind, threads: usize) -> String {
        use Kind::*;
        match scenario {
            // A local executor runs on one thread, whatever --threads says.
            Starvation => local_flavor(" (busy loop)"),
            Local => local_flavor(""),
            // Two phases on one worker whatever --threads says; the last on --threads workers.
            Scheduling if threads > 1 => format!("spawn_local, then {}", self.flavor(threads)),
            // The placed phase runs a thread per worker, each with its local tasks.
            Balance => format!(
                "{}; placed: {} in block_on + spawn_local",
                self.flavor(threads),
                balance::placed(threads)
            ),
            Race | Ordering | Futures | Pools | Bridge | Threads | Scheduling | Queue | Scale | Echo
            | Cancel | Mixing | Timers | Files => self.flavor(threads),
        }
    }
}

// claim: C-async-std-threads-1
/// The one-thread flavour: the tasks run on the `block_on` thread, yet the
/// first task built starts the global executor's threads too (async-std's
/// `Builder::build` forces its runtime), so the flavour names them.
fn local_flavor(what: &str) -> String {
    format!(
        "block_on + spawn_local, 1 thread{what}; the global executor's {} start anyway",
        demos_core::report::counted(global_executor_threads() as u64, "thread")
    )
}

/// The environment variable async-std sizes its global executor from.
pub const THREAD_COUNT_VAR: &str = "ASYNC_STD_THREAD_COUNT";

/// The size of this process's global executor, read the way async-std reads it.
pub fn global_executor_threads() -> usize {
    std::env::var(THREAD_COUNT_VAR)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, usize::from))
        .max(1)
}

/// How this process runs `threads` workers: `spawn_local` on the calling
/// thread for one, the global executor when it has that many threads; `None`:
/// only a child process sized with `ASYNC_STD_THREAD_COUNT` can.
fn in_process(threads: usize) -> Option<Exec> {
    match threads {
        1 => Some(Exec::Local),
        n if n == global_executor_threads() => Some(Exec::Global),
        _ => None,
    }
}

/// The executor a scenario spawns onto, and how: one thread or many.
#[derive(Debug, Clone, Copy)]
enum Exec {
    /// `spawn_local`: on the `block_on` thread only.
    Local,
    /// `task::spawn`: on the global executor's threads.
    Global,
}

impl Exec {
    /// Spawn onto whichever executor runs. `noted` records the thread of each
    /// poll (the report's `workers_observed`).
    fn spawn<T: Send + 'static>(&self, future: impl Future<Output = T> + Send + 'static) -> JoinHandle<T> {
        // ANCHOR: spawn
        match self {
            Exec::Local => task::spawn_local(noted(future)),
            Exec::Global => task::spawn(noted(future)),
        }
        // ANCHOR_END: spawn
    }
}

/// Observe `S` on the executor `env` asks for: in this process when it can
/// honour the worker count, in a child process when it cannot. `extra` names
/// what the scenario uses beside the executor (" + blocking pool").
fn observe<S: Scenario, F: Future<Output = S::Metrics>>(
    cfg: &S::Config,
    env: &Env,
    extra: &str,
    main: impl FnOnce(Exec) -> F,
) -> Observed<S::Metrics> {
    observe_recorded::<S, _>(cfg, env, extra, |ex| async move { (main(ex).await, Vec::new()) })
}

/// [`observe`] for scenarios that record a timeline: `main` returns the spans
/// with the metrics. (Run in a child, the spans come back in its report.)
fn observe_recorded<S: Scenario, F: Future<Output = (S::Metrics, Vec<Span>)>>(
    cfg: &S::Config,
    env: &Env,
    extra: &str,
    main: impl FnOnce(Exec) -> F,
) -> Observed<S::Metrics> {
    let started = std::time::Instant::now();
    let Some(ex) = in_process(env.threads) else {
        let exe = demos_core::child::worker_exe_for("async-std");
        let vars = [(THREAD_COUNT_VAR, env.threads.to_string())];
        let mut seen = demos_core::child::observe::<S>(&exe, "async-std", &vars, cfg, env);
        let global = global_executor_threads();
        seen.flavor = format!("{} (child process: this one's is {global})", seen.flavor);
        return seen;
    };
    let flavor = format!("{}{extra}", AsyncStd.flavor(env.threads));
    demos_core::workers::adopt(&env.workers);
    let (metrics, spans) = task::block_on(main(ex));
    Observed::new(flavor, started.elapsed(), metrics).with_spans(spans)
}
