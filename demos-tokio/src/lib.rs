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

mod bridge;
mod futures;
mod ordering;
mod pools;
mod queue;
mod race;
mod scheduling;
mod threads;

use demos_core::{Env, Runtime};

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
