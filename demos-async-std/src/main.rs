//! `cargo run -p demos-async-std -- <scenario>`: the scenarios on async-std.

#![forbid(unsafe_code)]
use std::process::ExitCode;

fn main() -> ExitCode {
    demos_core::cli::main(&demos_async_std::AsyncStd)
}
