//! local on async-std: `task::spawn_local` under `task::block_on`, its tasks
//! sharing an `Rc<RefCell<u64>>` on the calling thread.
//!
//! The same tasks compile with `spawn_local` …
//!
//! ```
//! use std::{cell::RefCell, rc::Rc};
//! let shared = Rc::new(RefCell::new(0u64));
//! let counter = shared.clone();
//! async_std::task::block_on(async_std::task::spawn_local(async move {
//!     *counter.borrow_mut() += 1;
//!     async_std::task::yield_now().await;
//! }));
//! assert_eq!(*shared.borrow(), 1);
//! ```
//!
// claim: C-async-std-spawn-send
//! … and do not compile with `task::spawn`, which hands the task to the global
//! executor's threads: `Rc<RefCell<u64>>` is not `Send`.
//!
//! ```compile_fail
//! use std::{cell::RefCell, rc::Rc};
//! let shared = Rc::new(RefCell::new(0u64));
//! async_std::task::block_on(async_std::task::spawn(async move {
//!     *shared.borrow_mut() += 1;
//!     async_std::task::yield_now().await;
//! }));
//! ```
//!
//! The same spawn with state that is `Send` compiles (and runs). Only the lines
//! marked `Send` differ, so the block above fails for its `Rc` and for nothing else:
//!
//! ```
//! use std::sync::{Arc, Mutex}; // Send
//! let shared = Arc::new(Mutex::new(0u64)); // Send
//! async_std::task::block_on(async_std::task::spawn(async move {
//!     *shared.lock().unwrap() += 1; // Send
//!     async_std::task::yield_now().await;
//! }));
//! ```
//!
//! Run it: `cargo run -p demos-async-std -- local`

use std::time::Instant;

use async_std::task::{self, spawn_local, yield_now};
use demos_core::interrupt::until_stopped;
use demos_core::scenario::local::Shared;
use demos_core::workers::{adopt, noted};
use demos_core::{Env, Local, LocalConfig, LocalMetrics, Observed};

use ::futures::future::join_all;

impl Local for crate::AsyncStd {
    fn local(&self, cfg: &LocalConfig, env: &Env) -> Observed<LocalMetrics> {
        let started = Instant::now();
        adopt(&env.workers);
        let shared = Shared::default();
        // ANCHOR: spawn_local
        task::block_on(async {
            let tasks: Vec<_> =
                (0..cfg.tasks).map(|t| spawn_local(noted(steps(t, cfg.steps, shared.clone())))).collect();
            join_all(tasks).await;
        });
        // ANCHOR_END: spawn_local
        let metrics = shared.metrics(cfg, None, env);
        Observed::new("block_on + spawn_local, 1 thread", started.elapsed(), metrics)
    }
}

/// One task: `steps` increments of the shared counter, yielding after each.
async fn steps(task: usize, steps: usize, shared: Shared) {
    for _ in until_stopped(0..steps) {
        shared.increment(task);
        yield_now().await; // the other local tasks run here, on this same thread
    }
}
