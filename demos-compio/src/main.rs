//! `cargo run -p demos-compio -- <scenario> [--driver uring|poll]`: the scenarios
//! thread-per-core on compio.

#![forbid(unsafe_code)]
use std::process::ExitCode;

use demos_compio::Compio;

fn main() -> ExitCode {
    let mut args: Vec<_> = std::env::args_os().collect();
    match Compio::from_args(&mut args) {
        Ok(rt) => demos_core::cli::run(&rt, args),
        Err(message) => demos_core::cli::usage_error("demos-compio", &message),
    }
}
