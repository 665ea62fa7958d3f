//! The runtime-demos scenarios with no async runtime: `std::thread` (scoped
//! threads), `std::sync`, rayon's thread pools, crossbeam's channels, and the
// claim: C-std-waits-block
//! `futures` crate's own executor where async is needed. Outside that
//! executor's tasks every wait blocks an OS thread, and the OS — not an
//! executor — decides who runs next.
//!
//! ```no_run
//! use demos_core::{Env, Race, RaceConfig};
//! let seen = demos_std_threads::StdThreads.race(&RaceConfig::default(), &Env::quiet(2, 42));
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
#[cfg(not(loom))]
mod mixing;
#[cfg(loom)]
mod mixing_under_loom;
mod ordering;
mod pools;
mod queue;
mod race;
mod scale;
mod scheduling;
mod starvation;
mod threads;
mod timers;

pub use race::{atomic_step, mutex_step, unsynchronized_step};

use demos_core::scenario::Kind;
use demos_core::{Env, Idioms, Runtime};

/// The primitives the race's jobs synchronise with: std's, or loom's when the
/// crate is built with `--cfg loom` for model checking (`tests/loom.rs`).
pub mod sync {
    #[cfg(loom)]
    pub use loom::sync::{Mutex, atomic::AtomicU64};
    #[cfg(loom)]
    pub use loom::thread::yield_now;
    #[cfg(not(loom))]
    pub use std::sync::{Mutex, atomic::AtomicU64};
    #[cfg(not(loom))]
    pub use std::thread::yield_now;
}

/// Plain threads, rayon and crossbeam, implementing every scenario.
#[derive(Debug, Clone, Copy, Default)]
pub struct StdThreads;

impl Runtime for StdThreads {
    fn name(&self) -> &'static str {
        "std-threads"
    }

    fn flavor(&self, threads: usize) -> String {
        match threads {
            1 => "a pool of 1 thread".to_string(),
            n => format!("a pool of {n} threads"),
        }
    }

    fn idioms(&self) -> Idioms {
        Idioms {
            select: Some("select!"),
            select_biased: "select_biased!",
            blocking_limit: "the rayon pool's size",
        }
    }

    fn flavor_for(&self, scenario: Kind, threads: usize) -> String {
        use Kind::*;
        match scenario {
            // A blocking send parks a whole thread: each producer and consumer gets one.
            Queue => "a thread per producer and consumer".to_string(),
            // Tasks as OS threads is the point: --threads sizes nothing here.
            Scale => "std::thread, one OS thread per task".to_string(),
            Echo => "std::net, an OS thread per client and per server connection".to_string(),
            // A local executor runs on one thread, whatever --threads says.
            Local => "futures LocalPool, 1 thread".to_string(),
            Starvation => "futures ThreadPool, 1 thread (busy loop)".to_string(),
            // Two phases on one thread whatever --threads says; the last on --threads threads.
            Scheduling if threads > 1 => format!("futures LocalPool, then ThreadPool, {threads} threads"),
            Scheduling => "futures LocalPool, 1 thread".to_string(),
            Balance => format!("{}; placed: a broadcast job per thread", self.flavor(threads)),
            // A blocking read holds its thread: the pool is sized by --concurrency.
            Files => "rayon ThreadPool, a thread per read in flight (--concurrency)".to_string(),
            Race | Ordering | Futures | Pools | Bridge | Threads | Cancel | Mixing | Timers => {
                self.flavor(threads)
            }
        }
    }

    fn threads_apply(&self, scenario: Kind) -> bool {
        use Kind::*;
        match scenario {
            Local | Starvation | Queue | Scale | Echo | Files => false,
            Race | Ordering | Futures | Pools | Bridge | Threads | Scheduling | Cancel | Mixing | Timers
            | Balance => true,
        }
    }

    fn tasks_hold_threads(&self) -> bool {
        true // jobs on a pool: a sleeping job keeps its thread
    }
}

/// A rayon pool of the size `env` asks for, and its flavour.
/// Each of its threads adopts `env.workers`, so a job that calls `note()`
/// counts its thread in the report's `workers_observed`.
fn pool(env: &Env) -> (rayon::ThreadPool, String) {
    let workers = env.workers.clone();
    let pool = pool_builder(env.threads)
        .start_handler(move |_| demos_core::workers::adopt(&workers))
        .build()
        .expect("the OS can start the pool's threads");
    let flavor =
        format!("rayon ThreadPool, {} thread{}", env.threads, if env.threads == 1 { "" } else { "s" });
    (pool, flavor)
}

/// The rayon pool the scenarios run on, `threads` threads named
/// `rayon-worker-N`: public so the benchmarks measure the same one.
pub fn pool_builder(threads: usize) -> rayon::ThreadPoolBuilder {
    rayon::ThreadPoolBuilder::new().num_threads(threads).thread_name(|i| format!("rayon-worker-{i}"))
}

/// A `futures` crate `ThreadPool` of the size `env` asks for, its threads
/// named `futures-pool-N`.
fn futures_pool(env: &Env) -> ::futures::executor::ThreadPool {
    demos_core::workers::adopt(&env.workers);
    ::futures::executor::ThreadPool::builder()
        .pool_size(env.threads)
        .name_prefix("futures-pool-")
        .create()
        .expect("the OS can start the pool's threads")
}
