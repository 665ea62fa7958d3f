//! `cargo run -p demos-tokio -- <scenario>`: the scenarios on tokio.

#![forbid(unsafe_code)]
use std::process::ExitCode;

fn main() -> ExitCode {
    demos_core::cli::main(&demos_tokio::Tokio)
}
