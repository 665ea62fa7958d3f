//! `cargo run -p compare -- <scenario>`: every runtime, side by side.

#![forbid(unsafe_code)]
use std::process::ExitCode;

use demos_core::Runtime;

fn main() -> ExitCode {
    let runtimes: [&dyn Runtime; 5] = [
        &demos_tokio::Tokio,
        &demos_smol::Smol,
        &demos_async_std::AsyncStd,
        &demos_std_threads::StdThreads,
        &demos_compio::Compio::URING,
    ];
    // This executable also serves the runtimes' child workers (async-std's
    // per-count executors, the std-threads process pool).
    if let Some(code) = demos_core::cli::serve_worker(&runtimes) {
        return code;
    }
    compare::main(&runtimes, std::env::args_os())
}
