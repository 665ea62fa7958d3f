//! The command line as a user meets it, on every runtime's binary: exit 0 on
//! success, one JSON line per run with `--json`, and for bad input exit 2 with
//! one line naming the value — never a panic.

use std::process::{Command, Output};

use demos_core::Report;
use demos_tests::watchdog::Watched;

fn run(bin: &str, args: &[&str]) -> Output {
    Command::new(bin).args(args).env("NO_COLOR", "1").watched()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Metrics each scenario's report must carry on every runtime: for the first eight
/// scenarios, those docs/reference.md's JSON section lists; for the others, the figures their
/// summaries and compare read.
fn required_metrics(scenario: &str) -> &'static [&'static str] {
    match scenario {
        "race" => &["expected", "unsynchronized", "mutex", "atomic", "lost_updates"],
        "futures" => &["tasks", "completed", "callbacks_run", "cancelled", "panics_caught"],
        "ordering" => &["tasks", "inversions", "fixed_index_matches"],
        "pools" => &["io_jobs", "cpu_jobs", "sequential_ms", "parallel_ms", "speedup"],
        "bridge" => &["blocking_jobs", "heartbeats", "max_gap_offloaded_ms", "max_gap_inline_ms"],
        "threads" => &["jobs", "distinct_threads"],
        "scheduling" => {
            &["tasks", "steps", "switches_no_yield", "switches_cooperative", "switches_preemptive"]
        }
        "queue" => &["produced", "consumed", "capacity", "max_depth", "throughput_per_s", "producer_wait_ms"],
        "scale" => &["tasks", "spawn_ns_per_task", "rss_bytes_per_task", "wake_all_ms", "future_bytes"],
        "local" => &["expected", "counter", "switches", "threads_seen"],
        "mixing" => &["portable_worked", "portable_thread", "async_io_thread_seen"],
        "files" => &[
            "files",
            "bytes_read",
            "reads_per_s",
            "p50_us",
            "p99_us",
            "os_threads_before",
            "os_threads_peak",
            "threads_started",
            "pool_limit",
            "limited_pool_threads",
            "limited_p50_us",
        ],
        "timers" => &["requested_us", "median_us", "p99_us", "early", "heartbeat_median_us"],
        "balance" => &[
            "tasks",
            "workers",
            "makespan_ms",
            "ideal_ms",
            "imbalance",
            "tasks_moved",
            "busy_ms_max",
            "busy_ms_min",
            "placed_makespan_ms",
            "placed_imbalance",
        ],
        "cancel" => {
            &["lost_not_cancel_safe", "lost_cancel_safe", "shutdown_destructors_run", "group_cancelled"]
        }
        "starvation" => &[
            "heartbeat_max_gap_ms",
            "loop_items",
            "forced_yields",
            "blocking_pool_limit",
            "blocking_peak_concurrency",
        ],
        "echo" => &[
            "connections",
            "round_trips",
            "round_trips_per_s",
            "p50_us",
            "p99_us",
            "max_us",
            "os_threads",
            "rss_bytes",
        ],
        other => panic!("no contract for {other}"),
    }
}

/// Bad input, and a fragment the one-line error must contain.
const BAD_INPUT: &[(&[&str], &str)] = &[
    (&["queue", "--capacity", "0"], "'0' for '--capacity"),
    (&["queue", "--producers", "0"], "'0' for '--producers"),
    (&["queue", "--consumers", "0"], "'0' for '--consumers"),
    (&["queue", "--items", "-5"], "'-5' for '--items"),
    (&["queue", "--delay-ms", "ten"], "'ten' for '--delay-ms"),
    (&["queue", "--delay-ms", "10001"], "from 0 to 10000"),
    (&["queue", "--producers", "64", "--items", "10000000"], "640000000 items"),
    (&["race", "--tasks", "99999999999999999999999"], "'99999999999999999999999' for '--tasks"),
    (&["race", "--threads", "0"], "'0' for '--threads"),
    (&["race", "--threads", "100000"], "from 1 to 256"),
    (&["race", "--threads", "-1"], "'-1' for '--threads"),
    (&["race", "--seed", "-1"], "'-1' for '--seed"),
    (&["ordering", "--tasks", "x"], "'x' for '--tasks"),
    (&["futures", "--tasks", "0"], "'0' for '--tasks"),
    (&["pools", "--cpu-jobs", "0"], "'0' for '--cpu-jobs"),
    (&["pools", "--cpu-size", "1e9"], "'1e9' for '--cpu-size"),
    (&["bridge", "--job-ms", "0"], "'0' for '--job-ms"),
    (&["threads", "--manual", "-1"], "'-1' for '--manual"),
    (&["scheduling", "--tasks", "17"], "from 1 to 16"),
    (&["balance", "--max-task-ms", "0"], "'0' for '--max-task-ms"),
    (&["frobnicate"], "'frobnicate'"),
    (&["queue", "--bogus"], "'--bogus'"),
    (&[], "no command given; expected one of race, ordering"),
];

demos_tests::per_runtime! {
    #[test]
    fn a_passing_run_exits_zero_with_checks_and_takeaway() {
        let out = run(BIN, &["race", "--tasks", "50", "--threads", "2"]);
        let stdout = text(&out.stdout);
        assert_eq!(out.status.code(), Some(0), "{stdout}{}", text(&out.stderr));
        assert!(stdout.contains("ok   mutex == expected"), "{stdout}");
        assert!(stdout.contains("take-away:"), "{stdout}");
        assert!(!stdout.contains('\x1b'), "NO_COLOR output has no escape codes: {stdout:?}");
    }

    #[test]
    fn queue_live_log_shows_backpressure() {
        let out = run(BIN, &["queue", "--producers", "4", "--consumers", "1", "--capacity", "1", "--delay-ms", "2"]);
        let stdout = text(&out.stdout);
        assert_eq!(out.status.code(), Some(0), "{stdout}");
        assert!(stdout.contains("waits: queue full 1/1"), "{stdout}");
        assert!(stdout.lines().filter(|l| l.starts_with("  |")).count() <= demos_core::Log::DEFAULT_LIMIT + 1);
    }

    #[test]
    fn json_prints_one_contract_line_per_scenario() {
        let out = run(BIN, &["all", "--json", "--threads", "2", "--seed", "7"]);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        let stdout = text(&out.stdout);
        let reports: Vec<Report> =
            stdout.lines().map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}"))).collect();
        let names: Vec<&str> = demos_core::scenario::ALL.iter().map(|s| s.name()).collect();
        assert_eq!(reports.iter().map(|r| r.scenario.as_str()).collect::<Vec<_>>(), names);
        for report in &reports {
            assert_eq!((report.runtime.as_str(), report.threads, report.seed), (rt().name(), 2, 7));
            assert!(!report.flavor.is_empty() && !report.checks.is_empty());
            // Measured, and never more workers than the executors were built with (scheduling
            // runs a one-worker executor before the one of --threads workers; std-threads reads
            // files on a pool of --concurrency threads, whatever --threads says, then on one of
            // --pool-limit; compio builds its cores' runtimes anew for files' limited phase).
            let built = match (report.scenario.as_str(), rt().name()) {
                ("scheduling", _) => 1 + 2,
                ("files", "std-threads") => ["concurrency", "pool_limit"]
                    .iter()
                    .map(|k| report.config[k].as_u64().expect("files' pool sizes"))
                    .sum(),
                ("files", "compio") => 2 + 2,
                _ => 2,
            };
            assert!(report.workers_observed <= built, "{}: {} workers seen", report.scenario, report.workers_observed);
            for key in required_metrics(&report.scenario) {
                let value = &report.metrics[key];
                assert!(value.is_number() || value.is_boolean(), "{}: {key} = {value}", report.scenario);
            }
            // Figures only: a number, a yes/no, or null where this runtime has no such figure.
            for (key, value) in report.metrics.as_object().expect("metrics are an object") {
                assert!(
                    value.is_number() || value.is_boolean() || value.is_null(),
                    "{}: {key} = {value}",
                    report.scenario
                );
            }
        }
    }

    #[test]
    fn bad_input_exits_two_with_one_line_naming_the_value() {
        for (args, fragment) in BAD_INPUT {
            let out = run(BIN, args);
            let stderr = text(&out.stderr);
            assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
            assert_eq!(stderr.lines().count(), 1, "{args:?}: {stderr}");
            assert!(stderr.contains(fragment), "{args:?}: {stderr}");
            assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
            assert!(out.stdout.is_empty(), "{args:?}: no work starts on bad input");
        }
    }

    #[test]
    fn list_and_help_exit_zero() {
        let list = run(BIN, &["list"]);
        assert_eq!(list.status.code(), Some(0));
        for s in demos_core::scenario::ALL {
            assert!(text(&list.stdout).contains(s.name()), "{} missing from list", s.name());
        }
        let help = run(BIN, &["queue", "--help"]);
        assert_eq!(help.status.code(), Some(0));
        assert!(text(&help.stdout).contains("--capacity"));
    }
}

mod exit_status {
    use std::process::ExitCode;

    #[test]
    fn a_failed_check_exits_one() {
        let args = ["demos-broken", "race", "--quiet"].map(Into::into);
        assert_eq!(demos_core::cli::run(&demos_tests::BrokenMutex, args), ExitCode::from(1));
    }
}
