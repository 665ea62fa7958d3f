//! futures: handles, callbacks, as-completed and the one-shot always work; the
//! probes observe each executor's documented semantics on a task seen running —
//! tokio and async-std detach a dropped handle, smol's `Task` and the futures
//! pool's `RemoteHandle` cancel it; smol, async-std and the futures pool's
//! `RemoteHandle` re-raise a task's panic in the awaiter, tokio hands it back
//! as a value. Off the happy path: a blocking job's panic reaches its awaiter
//! on every runtime (tokio as a `JoinError`); aborting a running blocking job
//! never stops it (tokio's handle even answers with its value); and a task
//! with no handle that panics costs the futures `ThreadPool` a thread for good,
//! while the other executors keep theirs.

use demos_core::scenario::{self, Column, futures::FuturesScenario};
use demos_core::{Env, FuturesConfig, FuturesMetrics, Scenario};
use demos_tests::THREADS;
use demos_tests::watchdog::Watched;

/// (dropping a handle detaches the task, a panic is re-raised on await)
fn documented_semantics(runtime: &str) -> (bool, bool) {
    match runtime {
        "tokio" => (true, false),
        "smol" => (false, true),
        "async-std" => (true, true),
        "std-threads" => (false, true), // the futures pool's RemoteHandle cancels on drop, re-raises a panic
        "compio" => (false, false),     // "Drop `JoinHandle` will cancel the task"; a panic is a JoinError
        other => panic!("no documented semantics for {other}"),
    }
}

demos_tests::per_runtime! {
    #[test]
    fn handles_callbacks_and_probes_behave_as_the_runtime_documents() {
        let cfg = FuturesConfig { tasks: 6, max_sleep_ms: 3 };
        let (detaches, resumes) = documented_semantics(rt().name());
        for threads in THREADS {
            for seed in 0..4 {
                let (report, seen) = scenario::run::<FuturesScenario>(rt(), &cfg, &Env::quiet(threads, seed));
                let m = &seen.metrics;
                let at = format!("threads {threads}, seed {seed}: {m:?}");
                assert_eq!((m.completed, m.callbacks_run, m.as_completed), (6, 12, 6), "{at}");
                assert!(m.oneshot_delivered, "{at}");
                assert_eq!((m.cancelled, m.panics_caught), (1, 1), "{at}");
                assert!(m.survived_panic, "{at}");
                assert_eq!(m.dropped_handle_task_finished, detaches, "{at}");
                assert_eq!(m.panic_resumed_on_await, resumes, "{at}");
                assert!(report.passed(), "{at}");
            }
        }
    }

    #[test]
    fn the_demonstrated_panic_prints_nothing() {
        let out = std::process::Command::new(BIN).args(["futures", "--quiet"]).watched();
        assert_eq!(out.status.code(), Some(0));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!stderr.contains("panicked") && !stderr.contains("backtrace"), "{stderr}");
    }

    #[test]
    fn the_take_away_is_on_the_first_screen_and_the_lines_read_right() {
        for threads in ["1", "2"] {
            let out = std::process::Command::new(BIN).args(["futures", "--threads", threads]).watched();
            let stdout = String::from_utf8_lossy(&out.stdout);
            assert_eq!(out.status.code(), Some(0), "{stdout}");
            // A terminal's first screen holds about 40 lines: the take-away begins on it.
            let at = stdout.lines().position(|l| l.starts_with("  take-away:")).expect("a take-away");
            assert!(at < 36, "--threads {threads}: the take-away begins on line {}:\n{stdout}", at + 1);
            // "1 → 1 threads": a count beside a plural noun it does not agree with.
            let figure = stdout.lines().find(|l| l.contains("panic, no handle")).expect("the figure");
            assert!(!figure.contains(" 1 threads") && !figure.contains("→ 1 threads"), "{figure}");
        }
    }

    #[test]
    fn off_the_happy_path_blocking_panics_aborts_and_tasks_with_no_handle() {
        for threads in [1, 2] {
            let (rt, cfg) = (rt(), FuturesConfig { tasks: 2, max_sleep_ms: 1 });
            let (report, seen) = demos_tests::watchdog::within("futures", demos_tests::watchdog::RUN, move || {
                scenario::run::<FuturesScenario>(rt, &cfg, &Env::quiet(threads, 0))
            });
            let m = &seen.metrics;
            let at = format!("threads {threads}: {m:?}");
            assert!(report.passed(), "{at}");
            // (re-raised in the awaiter, with the job's own message)
            let panic = match rt.name() {
                "tokio" => (false, true),        // a JoinError, is_panic(), the payload kept
                "smol" | "async-std" => (true, true),
                "compio" => (false, true),       // JoinError::Panicked, the payload kept (caught by the driver)
                _ => (true, false),              // the offload thread's one-shot closed: a stand-in panic
            };
            assert!(m.blocking_panic_caught, "{at}");
            assert_eq!((m.blocking_panic_resumed_on_await, m.blocking_panic_message_kept), panic, "{at}");
            // No runtime stops a running thread: the job always ran to its end.
            assert!(m.blocking_abort_job_finished, "{at}");
            match rt.name() {
                // abort() "will not have any effect": the value, once the job is done.
                "tokio" => assert!(m.blocking_abort_value_returned && m.blocking_abort_waited_for_job, "{at}"),
                // cancel() waits for the running job, then answers None.
                "smol" => assert!(!m.blocking_abort_value_returned && m.blocking_abort_waited_for_job, "{at}"),
                // cancel() answers None at once: the task awaiting the pool is cancelled, the job runs on.
                "compio" => assert!(!m.blocking_abort_value_returned && !m.blocking_abort_waited_for_job, "{at}"),
                // the handle says cancelled (when is the runtime's own), the job runs on
                _ => assert!(!m.blocking_abort_value_returned, "{at}"),
            }
            let (ran, alive) = (m.os_threads_before_detached_panic, m.os_threads_alive_after_panic);
            assert!(m.workers_before_detached_panic >= 1, "{at}");
            if rt.name() == "std-threads" {
                // spawn_ok has no catch_unwind: the pool thread ends and is not replaced.
                assert!(m.workers_after_detached_panic < m.workers_before_detached_panic, "{at}");
                if m.workers_before_detached_panic == threads as u64 {
                    // Every pool thread ran the first batch, the dying one among them.
                    assert_eq!(alive.zip(ran).map(|(a, r)| a + 1 == r), ran.map(|_| true), "{at}");
                }
            } else {
                // The executor caught the panic: every thread that ran tasks still does.
                assert!(m.workers_after_detached_panic >= 1, "{at}");
                assert_eq!(alive, ran, "{at}");
            }
        }
    }
}

/// The figures of a sound run of two tasks, every check passing.
fn sound() -> FuturesMetrics {
    FuturesMetrics {
        tasks: 2,
        completed: 2,
        callbacks_run: 4,
        as_completed: 2,
        oneshot_delivered: true,
        cancelled: 1,
        panics_caught: 1,
        survived_panic: true,
        blocking_panic_caught: true,
        blocking_abort_value_returned: true,
        blocking_abort_waited_for_job: true,
        blocking_abort_job_finished: true,
        ..FuturesMetrics::default()
    }
}

fn checks(m: &FuturesMetrics) -> Vec<demos_core::Check> {
    FuturesScenario::checks(&FuturesConfig { tasks: 2, max_sleep_ms: 1 }, m)
}

fn faulty(fault: impl Fn(&mut FuturesMetrics)) -> Vec<String> {
    let mut m = sound();
    fault(&mut m);
    checks(&m).into_iter().filter(|c| !c.passed).map(|c| c.name).collect()
}

#[test]
fn the_off_the_happy_path_checks_fail_on_a_fault() {
    assert_eq!(faulty(|_| {}), Vec::<String>::new(), "the sound figures pass");
    let lost = faulty(|m| m.blocking_panic_caught = false);
    assert!(lost.len() == 1 && lost[0].contains("blocking job's panic came back"), "{lost:?}");
}

/// The checks of figures with a blocking job's panic re-raised as a stand-in
/// (its message lost) and, last, a task with no handle that took the pool's
/// only thread with it — std-threads at `--threads 1`.
fn a_pool_left_with_no_thread() -> Vec<demos_core::Check> {
    checks(&FuturesMetrics {
        panic_resumed_on_await: true,
        blocking_panic_resumed_on_await: true,
        blocking_panic_message_kept: false,
        blocking_abort_value_returned: false,
        blocking_abort_waited_for_job: false,
        workers_before_detached_panic: 1,
        workers_after_detached_panic: 0,
        ..sound()
    })
}

#[test]
fn a_passing_check_says_only_what_it_measured_beside_a_pool_that_runs_no_task() {
    let checks = a_pool_left_with_no_thread();
    for c in &checks {
        let said = format!("{} ({})", c.name, c.detail);
        assert!(c.passed, "{said}");
        // The runtime ran the next task before the last probe left it no thread: a check
        // passed on that first measurement must not say the runtime kept running.
        assert!(!said.contains("kept running") && !said.contains("survived"), "{said}");
    }
    let panic = checks.iter().find(|c| c.name.contains("came back at its handle")).expect("the panic check");
    assert!(panic.detail.contains("before the panic with no handle"), "{}", panic.detail);
    // A stand-in panic came back: the check says the job's own message was lost.
    let blocking =
        checks.iter().find(|c| c.name.contains("blocking job's panic")).expect("the blocking check");
    assert!(blocking.detail.contains("message lost"), "{}", blocking.detail);
}

#[test]
fn the_conclusion_words_the_probes_from_each_runtimes_figures() {
    let seen = |resumed: bool, kept: bool, value: bool, waited: bool, after: u64| FuturesMetrics {
        blocking_panic_caught: true,
        blocking_panic_resumed_on_await: resumed,
        blocking_panic_message_kept: kept,
        blocking_abort_value_returned: value,
        blocking_abort_waited_for_job: waited,
        blocking_abort_job_finished: true,
        workers_before_detached_panic: 2,
        workers_after_detached_panic: after,
        survived_panic: true,
        ..FuturesMetrics::default()
    };
    let columns = [
        Column { runtime: "tokio", flavor: "", runs: vec![seen(false, true, true, true, 2)] },
        Column { runtime: "smol", flavor: "", runs: vec![seen(true, true, false, true, 2)] },
        Column { runtime: "std-threads", flavor: "", runs: vec![seen(true, false, false, false, 1)] },
    ];
    let said = FuturesScenario::conclude(&FuturesConfig::default(), &columns);
    assert!(said.contains("came back as an error value on tokio"), "{said}");
    assert!(said.contains("answered with the job's value once it ended on tokio"), "{said}");
    assert!(said.contains("said cancelled once the job had ended on smol"), "{said}");
    assert!(said.contains("said cancelled at once, the job still running on std-threads"), "{said}");
    assert!(said.contains("the job ran to its end on every runtime"), "{said}");
    assert!(said.contains("2 → 2 on tokio and smol, 2 → 1 on std-threads"), "{said}");
    // A runtime whose runs disagree is said to vary, not given one run's answer.
    let varied = [Column {
        runtime: "tokio",
        flavor: "",
        runs: vec![seen(false, true, true, true, 2), seen(false, true, false, false, 2)],
    }];
    assert!(
        FuturesScenario::conclude(&FuturesConfig::default(), &varied).contains("handle varied between runs")
    );
}
