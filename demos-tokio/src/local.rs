// claim: C-tokio-spawn-local-outside
//! local on tokio: a `LocalSet` driven by a `current_thread` runtime, tasks
//! spawned with `tokio::task::spawn_local`, sharing an `Rc<RefCell<u64>>`.
//! Before that, the run calls `spawn_local` with no `LocalSet` around it:
//! tokio panics, and the panic is caught and shown.
//!
//! The same tasks compile with `spawn_local` …
//!
//! ```
//! use std::{cell::RefCell, rc::Rc};
//! let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
//! let shared = Rc::new(RefCell::new(0u64));
//! let counter = shared.clone();
//! tokio::task::LocalSet::new().block_on(&rt, async move {
//!     tokio::task::spawn_local(async move {
//!         *counter.borrow_mut() += 1;
//!         tokio::task::yield_now().await;
//!     })
//!     .await
//!     .unwrap();
//! });
//! assert_eq!(*shared.borrow(), 1);
//! ```
//!
// claim: C-tokio-spawn-send
//! … and do not compile with the multi-threaded `tokio::spawn`, which may move
//! a task to another worker at any await: `Rc<RefCell<u64>>` is not `Send`.
//!
//! ```compile_fail
//! use std::{cell::RefCell, rc::Rc};
//! let rt = tokio::runtime::Builder::new_multi_thread().build().unwrap();
//! let shared = Rc::new(RefCell::new(0u64));
//! rt.block_on(async move {
//!     tokio::spawn(async move {
//!         *shared.borrow_mut() += 1;
//!         tokio::task::yield_now().await;
//!     })
//!     .await
//!     .unwrap();
//! });
//! ```
//!
//! The same spawn with state that is `Send` compiles (and runs). Only the lines
//! marked `Send` differ, so the block above fails for its `Rc` and for nothing else:
//!
//! ```
//! use std::sync::{Arc, Mutex}; // Send
//! let rt = tokio::runtime::Builder::new_multi_thread().build().unwrap();
//! let shared = Arc::new(Mutex::new(0u64)); // Send
//! rt.block_on(async move {
//!     tokio::spawn(async move {
//!         *shared.lock().unwrap() += 1; // Send
//!         tokio::task::yield_now().await;
//!     })
//!     .await
//!     .unwrap();
//! });
//! ```
//!
//! Run it: `cargo run -p demos-tokio -- local`

use std::time::Instant;

use demos_core::interrupt::until_stopped;
use demos_core::scenario::futures::caught_panic;
use demos_core::scenario::local::Shared;
use demos_core::workers::{adopt, noted};
use demos_core::{Env, Local, LocalConfig, LocalMetrics, Observed};
use tokio::task::{LocalSet, spawn_local, yield_now};

use ::futures::future::join_all;

impl Local for crate::Tokio {
    fn local(&self, cfg: &LocalConfig, env: &Env) -> Observed<LocalMetrics> {
        let started = Instant::now();
        adopt(&env.workers);
        let rt = crate::build_runtime(1); // current_thread: the one thread a LocalSet runs on
        // Probe: spawn_local with no LocalSet around it.
        let outside = rt.block_on(async { caught_panic(|| drop(spawn_local(async {}))) });
        if let Err(message) = &outside {
            env.log.line(format!("spawn_local outside a LocalSet panicked: \"{message}\""));
        }
        let shared = Shared::default();
        LocalSet::new().block_on(&rt, async {
            let handles: Vec<_> =
                (0..cfg.tasks).map(|t| spawn_local(noted(steps(t, cfg.steps, shared.clone())))).collect();
            join_all(handles).await;
        });
        let metrics = shared.metrics(cfg, Some(outside.is_err()), env);
        Observed::new("LocalSet on current_thread, 1 thread", started.elapsed(), metrics)
    }
}

/// One task: `steps` increments of the shared counter, yielding after each.
async fn steps(task: usize, steps: usize, shared: Shared) {
    for _ in until_stopped(0..steps) {
        shared.increment(task);
        yield_now().await; // the other local tasks run here, on this same thread
    }
}
