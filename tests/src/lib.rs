//! The invariant suite of runtime-demos, run against every runtime.
//!
//! [`per_runtime!`] expands one block of tests into a module per runtime (the
//! pattern of tokio's `tests/rt_common.rs`), each with `rt()` returning that
//! runtime, `COOPERATIVE` saying whether it schedules tasks cooperatively (an
//! async executor) or preemptively (OS threads), and `BIN` naming its command
//! line binary for CLI tests.

#![forbid(unsafe_code)]

pub mod watchdog;

use std::time::Duration;

use demos_core::scenario::race::Phase;
use demos_core::*;

/// A runtime whose mutex loses an update, for checking that a broken invariant
/// reaches the user as a failed check and exit status 1. Only `race` runs.
#[derive(Debug)]
pub struct BrokenMutex;

impl Race for BrokenMutex {
    fn race(&self, cfg: &RaceConfig, _: &Env) -> Observed<RaceMetrics> {
        let n = cfg.tasks as u64;
        let (exact, short) = (Phase { value: n, ms: 1.0 }, Phase { value: n - 1, ms: 1.0 });
        Observed::new("broken", Duration::ZERO, RaceMetrics::new(n, exact, short, exact))
    }
}

macro_rules! only_race {
    ($($trait:ident :: $method:ident ($config:ty) -> $metrics:ty;)*) => {$(
        impl $trait for BrokenMutex {
            fn $method(&self, _: &$config, _: &Env) -> Observed<$metrics> {
                unimplemented!("BrokenMutex runs only race")
            }
        }
    )*};
}

only_race! {
    Ordering::ordering(OrderingConfig) -> OrderingMetrics;
    Futures::futures(FuturesConfig) -> FuturesMetrics;
    Pools::pools(PoolsConfig) -> PoolsMetrics;
    Bridge::bridge(BridgeConfig) -> BridgeMetrics;
    Threads::threads(ThreadsConfig) -> ThreadsMetrics;
    Scheduling::scheduling(SchedulingConfig) -> SchedulingMetrics;
    Queue::queue(QueueConfig) -> QueueMetrics;
    Scale::scale(ScaleConfig) -> ScaleMetrics;
    Echo::echo(EchoConfig) -> EchoMetrics;
    Local::local(LocalConfig) -> LocalMetrics;
    Starvation::starvation(StarvationConfig) -> StarvationMetrics;
    Cancel::cancel(CancelConfig) -> CancelMetrics;
    Mixing::mixing(MixingConfig) -> MixingMetrics;
    Timers::timers(TimersConfig) -> TimersMetrics;
    Balance::balance(BalanceConfig) -> BalanceMetrics;
    Files::files(FilesConfig) -> FilesMetrics;
}

impl Runtime for BrokenMutex {
    fn name(&self) -> &'static str {
        "broken"
    }
    fn flavor(&self, _: usize) -> String {
        "broken".to_string()
    }
    fn idioms(&self) -> demos_core::Idioms {
        unimplemented!("BrokenMutex runs only race")
    }
}

/// Worker counts every scenario is swept across.
pub const THREADS: [usize; 3] = [1, 2, 4];

/// Hold this while timing a lesson: tests of one binary run on threads of one
/// process under `cargo test`, and a speedup measured beside another test is
/// the neighbour's as much as the runtime's. A test that failed while holding
/// it does not stop the others (the lock is taken back from a poisoned state).
pub fn alone() -> std::sync::MutexGuard<'static, ()> {
    static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());
    ONE_AT_A_TIME.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Expand the given tests once per runtime: a module each, with `rt()`,
/// `COOPERATIVE` and `BIN` (see the crate docs).
#[macro_export]
macro_rules! per_runtime {
    (@module $module:ident, $cooperative:expr, $bin:literal, $runtime:block, $($body:tt)*) => {
        mod $module {
            #[allow(unused_imports)]
            use super::*;
            #[allow(dead_code)]
            const COOPERATIVE: bool = $cooperative;
            #[allow(dead_code)]
            const BIN: &str = env!(concat!("CARGO_BIN_EXE_", $bin));
            #[allow(dead_code)]
            fn rt() -> &'static dyn demos_core::Runtime {
                // Process-pool jobs, fresh-process runs and async-std's other worker counts
                // happen in children of a demos binary, not of this test binary: each
                // runtime's in its own.
                demos_core::child::use_worker_for($bin, BIN);
                $runtime
            }
            $($body)*
        }
    };
    ($($body:tt)*) => {
        $crate::per_runtime!(@module tokio, true, "tokio", { &demos_tokio::Tokio }, $($body)*);
        $crate::per_runtime!(@module smol, true, "smol", { &demos_smol::Smol }, $($body)*);
        // Worker counts other than async-std's global executor's run in a child of
        // the binary rt() registers for it.
        $crate::per_runtime!(@module async_std, true, "async-std", { &demos_async_std::AsyncStd }, $($body)*);
        $crate::per_runtime!(@module std_threads, false, "std-threads", { &demos_std_threads::StdThreads }, $($body)*);
        // Thread-per-core on io_uring (the fallback driver has its own tests: suite/compio.rs).
        $crate::per_runtime!(@module compio, true, "compio", { &demos_compio::Compio::URING }, $($body)*);
    };
}
