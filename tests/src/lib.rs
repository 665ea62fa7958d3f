//! The invariant suite of runtime-demos, run against every runtime.
//!
//! [`per_runtime!`] expands one block of tests into a module per runtime (the
//! pattern of tokio's `tests/rt_common.rs`), each with `rt()` returning that
//! runtime, `COOPERATIVE` saying whether it schedules tasks cooperatively (an
//! async executor) or preemptively (OS threads), and `BIN` naming its command
//! line binary for CLI tests.

/// Worker counts every scenario is swept across.
pub const THREADS: [usize; 3] = [1, 2, 4];

/// Expand the given tests once per runtime.
#[macro_export]
macro_rules! per_runtime {
    ($($body:tt)*) => {
        mod tokio {
            #[allow(unused_imports)]
            use super::*;
            #[allow(dead_code)]
            const COOPERATIVE: bool = true;
            #[allow(dead_code)]
            const BIN: &str = env!("CARGO_BIN_EXE_tokio");
            #[allow(dead_code)]
            fn rt() -> &'static dyn demos_core::Runtime { &demos_tokio::Tokio }
            $($body)*
        }
        mod smol {
            #[allow(unused_imports)]
            use super::*;
            #[allow(dead_code)]
            const COOPERATIVE: bool = true;
            #[allow(dead_code)]
            const BIN: &str = env!("CARGO_BIN_EXE_smol");
            #[allow(dead_code)]
            fn rt() -> &'static dyn demos_core::Runtime { &demos_smol::Smol }
            $($body)*
        }
        mod async_std {
            #[allow(unused_imports)]
            use super::*;
            #[allow(dead_code)]
            const COOPERATIVE: bool = true;
            #[allow(dead_code)]
            const BIN: &str = env!("CARGO_BIN_EXE_async-std");
            #[allow(dead_code)]
            fn rt() -> &'static dyn demos_core::Runtime {
                // Worker counts other than the global executor's run in a child of this binary.
                demos_async_std::use_worker(BIN);
                &demos_async_std::AsyncStd
            }
            $($body)*
        }
        mod std_threads {
            #[allow(unused_imports)]
            use super::*;
            #[allow(dead_code)]
            const COOPERATIVE: bool = false;
            #[allow(dead_code)]
            const BIN: &str = env!("CARGO_BIN_EXE_std-threads");
            #[allow(dead_code)]
            fn rt() -> &'static dyn demos_core::Runtime {
                // The process pool starts children of this binary.
                demos_std_threads::use_worker(BIN);
                &demos_std_threads::StdThreads
            }
            $($body)*
        }
    };
}
