// claim: C-compio-tasks-stay-on-core
//! local on compio: `!Send` state needs no `LocalSet` and no local executor —
//! every compio runtime is one. Tasks spawned with `compio::runtime::spawn`
//! share an `Rc<RefCell<u64>>` and never leave the thread that spawned them.
//!
//! The same tasks compile with plain `compio::runtime::spawn` …
//!
//! ```
//! use std::{cell::RefCell, rc::Rc};
//! let rt = compio::runtime::Runtime::new().unwrap();
//! let shared = Rc::new(RefCell::new(0u64));
//! let counter = shared.clone();
//! rt.block_on(async move {
//!     compio::runtime::spawn(async move {
//!         *counter.borrow_mut() += 1;
//!         compio::time::sleep(std::time::Duration::ZERO).await;
//!     })
//!     .await
//!     .unwrap();
//! });
//! assert_eq!(*shared.borrow(), 1);
//! ```
//!
//! … and do not compile when sent to another core: what travels over a
//! channel to another thread's runtime must be `Send`, and `Rc<RefCell<u64>>`
//! is not. (Nor are compio's own futures — a `compio::time::sleep` holds its
//! runtime's timer through an `Rc` — which is why this crate places a task by
//! sending a `Send` closure that builds the future on the core, not the future.)
//!
//! ```compile_fail
//! use std::{cell::RefCell, future::Future, pin::Pin, rc::Rc};
//! type Placed = Pin<Box<dyn Future<Output = ()> + Send>>;
//! let (to_core_1, _core_1) = flume::unbounded::<Placed>();
//! let shared = Rc::new(RefCell::new(0u64));
//! to_core_1.send(Box::pin(async move {
//!     *shared.borrow_mut() += 1;
//!     std::future::ready(()).await;
//! })).unwrap();
//! ```
//!
//! The same placement with state that is `Send` compiles (and runs). Only the
//! lines marked `Send` differ, so the block above fails for its `Rc` and for
//! nothing else:
//!
//! ```
//! use std::{future::Future, pin::Pin, sync::{Arc, Mutex}}; // Send
//! type Placed = Pin<Box<dyn Future<Output = ()> + Send>>;
//! let (to_core_1, _core_1) = flume::unbounded::<Placed>();
//! let shared = Arc::new(Mutex::new(0u64)); // Send
//! to_core_1.send(Box::pin(async move {
//!     *shared.lock().unwrap() += 1; // Send
//!     std::future::ready(()).await;
//! })).unwrap();
//! ```
//!
//! Run it: `cargo run -p demos-compio -- local`

use std::time::Instant;

use demos_core::interrupt::until_stopped;
use demos_core::scenario::local::Shared;
use demos_core::{Env, Local, LocalConfig, LocalMetrics, Observed};

use ::futures::future::join_all;

use crate::yield_now;

impl Local for crate::Compio {
    fn local(&self, cfg: &LocalConfig, env: &Env) -> Observed<LocalMetrics> {
        let started = Instant::now();
        let one_core = Env { threads: 1, ..env.clone() };
        let (metrics, flavor) = self.run(&one_core, |ex| async move {
            let shared = Shared::default(); // Rc<RefCell<…>>: made here, on the core that uses it
            // ANCHOR: spawn
            let tasks: Vec<_> =
                (0..cfg.tasks).map(|t| ex.spawn(steps(t, cfg.steps, shared.clone()))).collect();
            // ANCHOR_END: spawn
            join_all(tasks).await.into_iter().for_each(|t| t.expect("a local task does not panic"));
            shared.metrics(cfg, None, env)
        });
        Observed::new(flavor, started.elapsed(), metrics)
    }
}

/// One task: `steps` increments of the shared counter, yielding after each.
async fn steps(task: usize, steps: usize, shared: Shared) {
    for _ in until_stopped(0..steps) {
        shared.increment(task);
        yield_now().await; // the other local tasks run here, on this same thread
    }
}
