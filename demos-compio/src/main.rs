//! `cargo run -p demos-compio -- <scenario> [--driver uring|poll]`: the scenarios
//! thread-per-core on compio.

#![forbid(unsafe_code)]
use std::process::ExitCode;

fn main() -> ExitCode {
    demos_compio::Compio::main(std::env::args_os().collect())
}
