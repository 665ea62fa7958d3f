//! futures: handles, callbacks, as-completed and the one-shot always work; the
//! probes observe each executor's documented semantics on a task seen running —
//! tokio and async-std detach a dropped handle, smol's `Task` and the futures
//! pool's `RemoteHandle` cancel it; smol, async-std and the futures pool's
//! `RemoteHandle` re-raise a task's panic in the awaiter, tokio hands it back
//! as a value.

use demos_core::scenario::{self, futures::FuturesScenario};
use demos_core::{Env, FuturesConfig};
use demos_tests::THREADS;
use demos_tests::watchdog::Watched;

/// (dropping a handle detaches the task, a panic is re-raised on await)
fn documented_semantics(runtime: &str) -> (bool, bool) {
    match runtime {
        "tokio" => (true, false),
        "smol" => (false, true),
        "async-std" => (true, true),
        "std-threads" => (false, true), // the futures pool's RemoteHandle cancels on drop, re-raises a panic
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
}
