//! local with the futures crate: a `LocalPool` run on this thread, its tasks
// claim: C-futures-no-timer-pool
//! spawned through its `LocalSpawner` and sharing an `Rc<RefCell<u64>>`. (The
//! crate has no `yield_now`: `YieldNow` from the scheduling scenario asks to
//! be polled again and returns `Pending` once.)
//!
//! The same tasks compile on a `LocalPool` …
//!
//! ```
//! use std::{cell::RefCell, rc::Rc};
//! use futures::task::LocalSpawnExt;
//! let mut pool = futures::executor::LocalPool::new();
//! let shared = Rc::new(RefCell::new(0u64));
//! let counter = shared.clone();
//! pool.spawner().spawn_local(async move { *counter.borrow_mut() += 1 }).unwrap();
//! pool.run();
//! assert_eq!(*shared.borrow(), 1);
//! ```
//!
// claim: C-futures-threadpool-send
//! … and do not compile on the futures crate's `ThreadPool`, whose threads
//! may each poll the task: `Rc<RefCell<u64>>` is not `Send`.
//!
//! ```compile_fail
//! use std::{cell::RefCell, rc::Rc};
//! use futures::task::SpawnExt;
//! let pool = futures::executor::ThreadPool::new().unwrap();
//! let shared = Rc::new(RefCell::new(0u64));
//! pool.spawn(async move { *shared.borrow_mut() += 1 }).unwrap();
//! ```
//!
//! The same spawn with state that is `Send` compiles (and runs). Only the lines
//! marked `Send` differ, so the block above fails for its `Rc` and for nothing else:
//!
//! ```
//! use std::sync::{Arc, Mutex}; // Send
//! use futures::task::SpawnExt;
//! let pool = futures::executor::ThreadPool::new().unwrap();
//! let shared = Arc::new(Mutex::new(0u64)); // Send
//! pool.spawn(async move { *shared.lock().unwrap() += 1 }).unwrap(); // Send
//! ```
//!
//! Run it: `cargo run -p demos-std-threads -- local`

use std::time::Instant;

use demos_core::interrupt::until_stopped;
use demos_core::scenario::local::Shared;
use demos_core::workers::{adopt, noted};
use demos_core::{Env, Local, LocalConfig, LocalMetrics, Observed};
use futures::executor::LocalPool;
use futures::future::join_all;
use futures::task::LocalSpawnExt;

use crate::scheduling::YieldNow;

impl Local for crate::StdThreads {
    fn local(&self, cfg: &LocalConfig, env: &Env) -> Observed<LocalMetrics> {
        let started = Instant::now();
        adopt(&env.workers);
        let shared = Shared::default();
        // ANCHOR: spawn_local
        let mut pool = LocalPool::new();
        let spawner = pool.spawner();
        let handles: Vec<_> = (0..cfg.tasks)
            .map(|t| {
                let task = noted(steps(t, cfg.steps, shared.clone()));
                spawner.spawn_local_with_handle(task).expect("the pool is alive")
            })
            .collect();
        pool.run_until(join_all(handles));
        // ANCHOR_END: spawn_local
        let metrics = shared.metrics(cfg, None, env);
        Observed::new("futures LocalPool, 1 thread", started.elapsed(), metrics)
    }
}

/// One task: `steps` increments of the shared counter, yielding after each.
async fn steps(task: usize, steps: usize, shared: Shared) {
    for _ in until_stopped(0..steps) {
        shared.increment(task);
        YieldNow(false).await; // the other local tasks run here, on this same thread
    }
}
