//! scale: every task is alive and waiting at once and wakes exactly once, on
//! every worker count; a task costs far less memory than an OS thread, which
//! reserves its whole stack; std-threads refuses more threads than the machine
//! allows, before the run.

use std::process::Command;

use demos_core::scenario::{self, scale::ScaleScenario};
use demos_core::usage::{default_stack_bytes, os_thread_limit};
use demos_core::{Env, ScaleConfig, ScaleMetrics};
use demos_tests::THREADS;
use demos_tests::watchdog::Watched;

/// A scale run in a process of its own (memory figures are the whole
/// process's: other tests running alongside would blur them).
fn alone(bin: &str, tasks: usize) -> ScaleMetrics {
    let out = Command::new(bin).args(["scale", "--tasks", &tasks.to_string(), "--json"]).watched();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let report: demos_core::Report = serde_json::from_slice(&out.stdout).expect("one JSON report");
    report.metrics_of::<ScaleScenario>().expect("scale metrics")
}

demos_tests::per_runtime! {
    #[test]
    fn every_task_waits_at_once_and_wakes_exactly_once() {
        for threads in THREADS {
            for tasks in [1, 7, 300] {
                let (report, seen) =
                    scenario::run::<ScaleScenario>(rt(), &ScaleConfig { tasks }, &Env::quiet(threads, 0));
                let m = &seen.metrics;
                let at = format!("{tasks} tasks on --threads {threads}: {m:?}");
                assert_eq!((m.waiting_at_once, m.finished), (tasks as u64, tasks as u64), "{at}");
                assert!(report.passed(), "{at}");
                assert!(m.future_bytes > 0, "{at}");
            }
        }
    }
}

#[test]
fn a_waiting_task_costs_a_fraction_of_a_waiting_thread() {
    let thread = alone(env!("CARGO_BIN_EXE_std-threads"), 1_000);
    // Each thread reserves its stack: the address space grows by about that much per thread.
    let vm = thread.vm_bytes_per_task.expect("std-threads measures address space per thread");
    assert!(vm >= default_stack_bytes() as f64 / 2.0, "{thread:?}");
    assert!(thread.os_threads >= 1_000, "a thread per task: {thread:?}");
    for bin in [env!("CARGO_BIN_EXE_tokio"), env!("CARGO_BIN_EXE_smol"), env!("CARGO_BIN_EXE_async-std")] {
        let task = alone(bin, 20_000);
        assert!(task.os_threads < 64, "{bin}: tasks share a few threads: {task:?}");
        assert!(task.future_bytes < 4096, "{bin}: {task:?}");
        // A thread touches at least a page of stack and its kernel bookkeeping; a task is its future.
        assert!(
            thread.rss_bytes_per_task > 4.0 * task.rss_bytes_per_task,
            "{bin}: a task {} B resident, a thread {} B",
            task.rss_bytes_per_task,
            thread.rss_bytes_per_task
        );
    }
}

#[test]
fn std_threads_refuses_more_threads_than_the_machine_allows_before_the_run() {
    let (limit, _) = os_thread_limit();
    let out = Command::new(env!("CARGO_BIN_EXE_std-threads"))
        .args(["scale", "--tasks", &(limit + 1).to_string()])
        .watched();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains(&format!("--tasks {}", limit + 1)) && stderr.contains(&limit.to_string()),
        "{stderr}"
    );
    assert!(out.stdout.is_empty(), "nothing ran");
    // The async runtimes take the same count.
    let out = Command::new(env!("CARGO_BIN_EXE_tokio"))
        .args(["scale", "--tasks", &(limit + 1).to_string()])
        .watched();
    assert_eq!(out.status.code(), Some(0));
}
