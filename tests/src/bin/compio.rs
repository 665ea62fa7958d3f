//! The compio demos command line, built inside this package so the CLI tests can
//! run it as a user would (`--driver poll` and the child workers included).
use std::process::ExitCode;

use demos_compio::Compio;

fn main() -> ExitCode {
    let mut args: Vec<_> = std::env::args_os().collect();
    match Compio::from_args(&mut args) {
        Ok(rt) => demos_core::cli::run(&rt, args),
        Err(message) => demos_core::cli::usage_error("demos-compio", &message),
    }
}
