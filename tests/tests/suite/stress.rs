//! stress: every scenario on every runtime, with 1 to 4 worker threads and
//! several seeds, each run under a watchdog. A run that does not finish in a
//! generous bound fails naming the scenario, runtime, thread count and seed
//! that hung — instead of hanging the suite.

use std::time::Duration;

use demos_core::Env;
use demos_core::scenario::ALL;
use serde_json::{Value, json};

/// Far beyond any of these small runs, even on a loaded 2-core machine.
const WATCHDOG: Duration = Duration::from_secs(60);

/// Each scenario, sized down so the whole sweep takes seconds.
fn small(scenario: &str) -> Value {
    match scenario {
        "race" => json!({ "tasks": 50 }),
        "ordering" => json!({ "tasks": 6, "max_sleep_ms": 2 }),
        "futures" => json!({ "tasks": 3, "max_sleep_ms": 2 }),
        "pools" => json!({ "io_jobs": 3, "io_ms": 2, "cpu_jobs": null, "cpu_size": 5_000 }),
        "bridge" => json!({ "jobs": 1, "job_ms": 5, "tick_ms": 1 }),
        "threads" => json!({ "manual": 1, "io_jobs": 2, "cpu_jobs": 3 }),
        "scheduling" => json!({ "tasks": 2, "steps": 2, "step_ms": 1 }),
        "queue" => json!({ "producers": 2, "consumers": 2, "capacity": 1, "items": 30, "delay_ms": 0 }),
        "scale" => json!({ "tasks": 50 }),
        "echo" => json!({ "connections": 3, "round_trips": 2, "bytes": 8 }),
        "local" => json!({ "tasks": 3, "steps": 2 }),
        "mixing" => json!({ "delay_ms": 1 }),
        "timers" => json!({ "sleep_us": 50, "sleeps": 3 }),
        "balance" => json!({ "tasks": 5, "max_task_ms": 1 }),
        "files" => json!({ "files": 6, "min_kib": 1, "max_kib": 4, "concurrency": 3, "pool_limit": 2 }),
        "cancel" => json!({ "frames": 2, "half_ms": 2, "tick_ms": 1, "tasks": 2 }),
        "starvation" => {
            json!({ "items": 1000, "tick_ms": 1, "blocking_jobs": 2, "blocking_limit": 1, "job_ms": 1 })
        }
        other => panic!("no small configuration for {other}: add one"),
    }
}

demos_tests::per_runtime! {
    #[test]
    fn every_scenario_finishes_on_every_worker_count_under_a_watchdog() {
        let runtime = rt();
        for scenario in ALL {
            let cfg = small(scenario.name());
            scenario.prepare(&cfg).expect("a valid small configuration");
            for threads in 1..=4 {
                for seed in 0..2 {
                    let cfg = cfg.clone();
                    let what = format!("{} on {} with --threads {threads} --seed {seed}", scenario.name(), runtime.name());
                    let report = demos_tests::watchdog::within(&what, WATCHDOG, move || {
                        scenario.run(runtime, &cfg, &Env::quiet(threads, seed)).report
                    });
                    assert!(report.passed(), "{what}: {:?}", report.checks);
                }
            }
        }
    }
}
