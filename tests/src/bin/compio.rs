//! The compio demos command line, built inside this package so the CLI tests can
//! run it as a user would (`--driver poll` and the child workers included).
use std::process::ExitCode;

fn main() -> ExitCode {
    demos_compio::Compio::main(std::env::args_os().collect())
}
