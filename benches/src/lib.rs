//! Shared pieces of the benchmarks: the sizes every runtime is measured at (so
//! rows compare), and executors built the same way the demos build them.

#![forbid(unsafe_code)]

pub mod queue;

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

/// The tokio runtime the demos run on (`current_thread` for 1, `multi_thread`
/// otherwise), built by demos-tokio itself.
pub fn tokio_runtime(threads: usize) -> tokio::runtime::Runtime {
    demos_tokio::build_runtime(threads)
}

/// The smol executor the demos run on, run by helper threads: built by
/// demos-smol itself (`SmolPool::new(n)`: n threads with the caller;
/// `SmolPool::helpers(n)`: n helpers only).
pub use demos_smol::ExecutorThreads as SmolPool;
