// claim: C-smol-localexecutor-run
//! local on smol: a `LocalExecutor` run by `smol::block_on` on this thread,
//! its tasks sharing an `Rc<RefCell<u64>>`. (A `LocalExecutor` only runs
//! inside its own `run`: tasks spawned on it outside simply wait there.)
//!
//! The same tasks compile on a `LocalExecutor` …
//!
//! ```
//! use std::{cell::RefCell, rc::Rc};
//! let ex = smol::LocalExecutor::new();
//! let shared = Rc::new(RefCell::new(0u64));
//! let counter = shared.clone();
//! smol::block_on(ex.run(ex.spawn(async move {
//!     *counter.borrow_mut() += 1;
//!     smol::future::yield_now().await;
//! })));
//! assert_eq!(*shared.borrow(), 1);
//! ```
//!
// claim: C-smol-executor-send
//! … and do not compile on the multi-threaded `Executor`, whose tasks any of
//! its threads may poll: `Rc<RefCell<u64>>` is not `Send`.
//!
//! ```compile_fail
//! use std::{cell::RefCell, rc::Rc};
//! let ex = smol::Executor::new();
//! let shared = Rc::new(RefCell::new(0u64));
//! smol::block_on(ex.run(ex.spawn(async move {
//!     *shared.borrow_mut() += 1;
//!     smol::future::yield_now().await;
//! })));
//! ```
//!
//! The same spawn with state that is `Send` compiles (and runs). Only the lines
//! marked `Send` differ, so the block above fails for its `Rc` and for nothing else:
//!
//! ```
//! use std::sync::{Arc, Mutex}; // Send
//! let ex = smol::Executor::new();
//! let shared = Arc::new(Mutex::new(0u64)); // Send
//! smol::block_on(ex.run(ex.spawn(async move {
//!     *shared.lock().unwrap() += 1; // Send
//!     smol::future::yield_now().await;
//! })));
//! ```
//!
//! Run it: `cargo run -p demos-smol -- local`

use std::time::Instant;

use demos_core::interrupt::until_stopped;
use demos_core::scenario::local::Shared;
use demos_core::workers::{adopt, noted};
use demos_core::{Env, Local, LocalConfig, LocalMetrics, Observed};
use smol::LocalExecutor;
use smol::future::yield_now;

use ::futures::future::join_all;

impl Local for crate::Smol {
    fn local(&self, cfg: &LocalConfig, env: &Env) -> Observed<LocalMetrics> {
        let started = Instant::now();
        adopt(&env.workers);
        let shared = Shared::default();
        // ANCHOR: spawn_local
        let ex = LocalExecutor::new();
        smol::block_on(ex.run(async {
            let tasks: Vec<_> =
                (0..cfg.tasks).map(|t| ex.spawn(noted(steps(t, cfg.steps, shared.clone())))).collect();
            join_all(tasks).await;
        }));
        // ANCHOR_END: spawn_local
        let metrics = shared.metrics(cfg, None, env);
        Observed::new("LocalExecutor, 1 thread", started.elapsed(), metrics)
    }
}

/// One task: `steps` increments of the shared counter, yielding after each.
async fn steps(task: usize, steps: usize, shared: Shared) {
    for _ in until_stopped(0..steps) {
        shared.increment(task);
        yield_now().await; // the other local tasks run here, on this same thread
    }
}
