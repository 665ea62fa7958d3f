//! Shared pieces of the benchmarks: the sizes every runtime is measured at (so
//! rows compare), and executors built the same way the demos build them.

#![forbid(unsafe_code)]

use std::future::Future;
use std::sync::Arc;

/// Tiny tasks spawned and joined per iteration.
pub const TASKS: usize = 1_000;
/// Yields per iteration.
pub const YIELDS: usize = 1_000;
/// Items through a channel per iteration.
pub const ITEMS: usize = 10_000;
/// Lock/unlock pairs per iteration.
pub const LOCKS: usize = 10_000;
/// Blocking-pool round trips per iteration.
pub const ROUND_TRIPS: usize = 100;
/// OS threads spawned and joined per iteration.
pub const THREADS: usize = 100;
/// Capacity of the bounded channels.
pub const CAPACITY: usize = 64;

/// Whether criterion was asked only to list the benchmarks (`-- --list`): the
/// suites' own paired runs, which run after criterion's, are skipped then too.
pub fn listing() -> bool {
    std::env::args().any(|a| a == "--list")
}

/// Whether criterion was asked for a first look (`-- --quick`): the suites'
/// own paired runs run fewer pairs then too.
pub fn quick() -> bool {
    std::env::args().any(|a| a == "--quick")
}

/// The worker counts measured: one thread, and the machine's parallelism.
pub fn flavors() -> [usize; 2] {
    [1, std::thread::available_parallelism().map_or(2, usize::from).max(2)]
}

/// A tokio runtime: `current_thread` for 1, `multi_thread` otherwise.
pub fn tokio_runtime(threads: usize) -> tokio::runtime::Runtime {
    if threads == 1 {
        tokio::runtime::Builder::new_current_thread().enable_all().build()
    } else {
        tokio::runtime::Builder::new_multi_thread().worker_threads(threads).enable_all().build()
    }
    .expect("a runtime")
}

/// A smol executor run by `threads` threads (this one plus helpers) for as long
/// as the returned guard lives; `block_on` drives futures on it.
#[derive(Debug)]
pub struct SmolPool {
    /// The executor; spawn onto it.
    pub ex: Arc<smol::Executor<'static>>,
    stop: Option<smol::channel::Sender<()>>,
    helpers: Vec<std::thread::JoinHandle<()>>,
}

impl SmolPool {
    /// Start the helpers.
    pub fn new(threads: usize) -> Self {
        Self::helpers(threads - 1)
    }

    /// An executor run by `helpers` threads only: the caller does not run it
    /// (async-executor's own benchmarks are set up this way).
    pub fn helpers(helpers: usize) -> Self {
        let ex = Arc::new(smol::Executor::new());
        let (stop, stopped) = smol::channel::bounded::<()>(1);
        let helpers = (0..helpers)
            .map(|_| {
                let (ex, stopped) = (ex.clone(), stopped.clone());
                std::thread::spawn(move || smol::block_on(ex.run(stopped.recv())).unwrap_or(()))
            })
            .collect();
        Self { ex, stop: Some(stop), helpers }
    }

    /// Run `future` to completion with this thread also running the executor.
    pub fn block_on<T>(&self, future: impl Future<Output = T>) -> T {
        smol::block_on(self.ex.run(future))
    }
}

impl Drop for SmolPool {
    fn drop(&mut self) {
        drop(self.stop.take());
        for helper in self.helpers.drain(..) {
            let _ = helper.join();
        }
    }
}
