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

mod bridge;
mod futures;
mod ordering;
mod pools;
mod queue;
mod race;
mod scheduling;
mod threads;

use std::future::Future;
use std::rc::Rc;
use std::sync::Arc;

use demos_core::workers::noted;
use demos_core::{Env, Runtime};
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

/// Run `main` to completion on the executor `env` asks for; returns its output
/// and the flavour that ran.
fn run<T, F: Future<Output = T>>(env: &Env, main: impl FnOnce(Exec) -> F) -> (T, String) {
    demos_core::workers::adopt(&env.workers);
    if env.threads == 1 {
        let ex = Rc::new(LocalExecutor::new());
        let out = smol::block_on(ex.run(main(Exec::Local(ex.clone()))));
        return (out, Smol.flavor(1));
    }
    let ex = Arc::new(Executor::new());
    let (stop, stopped) = smol::channel::bounded::<()>(1);
    let out = std::thread::scope(|scope| {
        // N-1 helper threads plus this one, all running the same executor.
        for i in 1..env.threads {
            let (ex, stopped) = (ex.clone(), stopped.clone());
            std::thread::Builder::new()
                .name(format!("smol-worker-{i}"))
                .spawn_scoped(scope, move || smol::block_on(ex.run(stopped.recv())))
                .expect("the OS can start a worker thread");
        }
        let out = smol::block_on(ex.run(main(Exec::Shared(ex.clone()))));
        drop(stop); // closing the channel ends every helper's `run`
        out
    });
    (out, Smol.flavor(env.threads))
}
