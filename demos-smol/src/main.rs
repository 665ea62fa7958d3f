//! `cargo run -p demos-smol -- <scenario>`: the scenarios on smol.

#![forbid(unsafe_code)]
use std::process::ExitCode;

fn main() -> ExitCode {
    demos_core::cli::main(&demos_smol::Smol)
}
