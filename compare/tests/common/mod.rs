//! What every compare test needs: the program run under a watchdog, its
//! output as text, its JSON Lines as reports.

#![allow(dead_code)] // each test file uses its own part

use std::process::{Command, Output};

use demos_core::Report;
use demos_tests::watchdog;

/// The runtimes compare knows, in its order.
pub const RUNTIMES: [&str; 5] = ["tokio", "smol", "async-std", "std-threads", "compio"];

/// Run compare with `args` (colours off) to its end, under the watchdog: the
/// Rust runtimes only, the python column's interpreter pointed at nothing
/// (tests/python.rs runs that column).
pub fn compare(args: &[&str]) -> Output {
    compare_with_python(args, NO_PYTHON)
}

/// An interpreter that is not there: compare leaves the python column out.
pub const NO_PYTHON: &str = "/nonexistent/python3";

/// Run compare with `args`, its python column run by `python` (a program
/// name or path, as `RUNTIME_DEMOS_PYTHON` takes it).
pub fn compare_with_python(args: &[&str], python: &str) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_compare"));
    command.args(args).env("NO_COLOR", "1").env("RUNTIME_DEMOS_PYTHON", python);
    watchdog::output(command, 3 * watchdog::RUN)
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The JSON Lines of a `--json` run.
pub fn reports(out: &Output) -> Vec<Report> {
    text(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}
