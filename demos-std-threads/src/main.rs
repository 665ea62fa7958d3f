//! `cargo run -p demos-std-threads -- <scenario>`: the scenarios on plain threads.

#![forbid(unsafe_code)]
use std::process::ExitCode;

fn main() -> ExitCode {
    demos_core::cli::main(&demos_std_threads::StdThreads)
}
