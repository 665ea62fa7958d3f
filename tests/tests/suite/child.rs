//! async-std's two paths. Its executor is global, sized once per process by
//! `ASYNC_STD_THREAD_COUNT`; a call asking for another worker count runs in a
//! child process. Setting the variable on the binary picks the path on any
//! machine, whatever its core count: equal to `--threads` runs in process,
//! different runs a child. Both must report the same way, and a report far
//! larger than a pipe buffer must come back through the child without a hang.

use std::process::{Command, Output};

use demos_core::Report;
use demos_tests::watchdog;

const BIN: &str = env!("CARGO_BIN_EXE_async-std");

fn run(global: usize, args: &[&str]) -> Output {
    let mut command = Command::new(BIN);
    command.args(args).env(demos_async_std::THREAD_COUNT_VAR, global.to_string());
    watchdog::output(command, watchdog::RUN)
}

fn report(out: &Output) -> Report {
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_str(stdout.lines().last().expect("one JSON line")).expect("a report")
}

#[test]
fn the_global_executor_runs_in_process_when_the_count_matches() {
    for threads in [2, 3] {
        let r =
            report(&run(threads, &["race", "--tasks", "50", "--threads", &threads.to_string(), "--json"]));
        assert_eq!(r.flavor, format!("global executor, {threads} threads"), "{r:?}");
        assert!(r.passed(), "{r:?}");
    }
}

#[test]
fn another_count_runs_in_a_child_with_the_count_asked_for() {
    for (global, threads) in [(1, 2), (3, 2), (2, 4)] {
        let r = report(&run(global, &["race", "--tasks", "50", "--threads", &threads.to_string(), "--json"]));
        assert!(r.flavor.starts_with(&format!("global executor, {threads} threads")), "{r:?}");
        assert!(r.flavor.contains(&format!("child process: this one's is {global}")), "{r:?}");
        assert!(r.passed(), "{r:?}");
    }
}

#[test]
fn a_report_of_over_a_megabyte_twenty_pipe_buffers_comes_back_through_the_child() {
    // 10,000 recorded jobs: a report of over a megabyte, far past a pipe buffer.
    let out = run(1, &["threads", "--cpu-jobs", "10000", "--threads", "2", "--json"]);
    assert!(out.stdout.len() > 1_000_000, "{} bytes", out.stdout.len());
    let r = report(&out);
    assert!(r.flavor.contains("child process"), "{}", r.flavor);
    assert!(r.timeline.len() > 10_000, "{} spans", r.timeline.len());
}
