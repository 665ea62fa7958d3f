//! The tokio demos command line, built inside this package so the CLI tests can
//! run it as a user would (and async-std can use it as its child worker).
use std::process::ExitCode;

fn main() -> ExitCode {
    demos_core::cli::main(&demos_tokio::Tokio)
}
