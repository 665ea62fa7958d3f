//! async-std's two paths. Its executor is global, sized once per process by
//! `ASYNC_STD_THREAD_COUNT`; a call asking for another worker count runs in a
//! child process. Setting the variable on the binary picks the path on any
//! machine, whatever its core count: equal to `--threads` runs in process,
//! different runs a child. Both must report the same way, and a report far
//! larger than a pipe buffer must come back through the child without a hang.
//! A child that runs past its bound is killed, and the failure names it.

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

#[test]
fn a_child_worker_past_its_bound_is_killed_and_the_failure_names_it() {
    // Twenty blocking calls of a second, three times over: a minute of work, and
    // a bound of half a second.
    let cfg = demos_core::BridgeConfig { jobs: 20, job_ms: 1000, tick_ms: 5 };
    let started = std::time::Instant::now();
    let failure = std::panic::catch_unwind(|| {
        demos_core::child::observe_within::<demos_core::scenario::bridge::BridgeScenario>(
            std::path::Path::new(BIN),
            "async-std",
            &[],
            &cfg,
            &demos_core::Env::quiet(2, 0),
            std::time::Duration::from_millis(500),
        )
    })
    .expect_err("a run of a minute does not finish in half a second");
    let message = failure.downcast_ref::<String>().expect("a formatted panic message");
    assert!(message.contains("bridge on async-std") && message.contains("killed"), "{message}");
    assert!(started.elapsed() < std::time::Duration::from_secs(30), "gave up after {:?}", started.elapsed());
    let pid =
        message.split("(pid ").nth(1).and_then(|rest| rest.split(')').next()).expect("the pid is named");
    // Killed and reaped: nothing of it is left.
    assert!(!std::path::Path::new(&format!("/proc/{pid}")).exists(), "child {pid} still exists: {message}");
}
