//! Hostile input on every option of every scenario, on every binary: negative,
//! non-numeric, fractional, overflowing and absurdly large values each get
//! exit status 2 and one line naming the option and the value — before any
//! work starts, never a panic. So do arguments that are not UTF-8, and values
//! of the environment variables a run depends on that would break it; the
//! other values of those variables fall back as docs/reference.md documents (Environment variables).

use std::ffi::OsString;
use std::os::unix::ffi::OsStringExt;
use std::process::{Command, Output};

use demos_core::scenario::ALL;
use demos_tests::watchdog::Watched;

/// Values no numeric option accepts: every scenario option's range ends far
/// below u64::MAX, and none takes a sign, a fraction or words.
const HOSTILE: [&str; 6] = ["-1", "abc", "1.5", "99999999999999999999999", "18446744073709551615", " "];

/// `--flag` for each option of `scenario`, read from its default configuration.
fn options(config: &serde_json::Value) -> Vec<String> {
    config
        .as_object()
        .expect("configs are objects")
        .keys()
        .map(|k| format!("--{}", k.replace('_', "-")))
        .collect()
}

/// Bytes that are not UTF-8 (0xff never occurs in it).
fn not_utf8(before: &str, after: &str) -> OsString {
    OsString::from_vec([before.as_bytes(), b"\xff", after.as_bytes()].concat())
}

/// Bad input's promise: exit 2, one line on stderr containing each of
/// `named`, no panic, and no work started.
fn assert_refused(what: &str, out: &Output, named: &[&str]) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{what}: {stderr}");
    assert_eq!(stderr.lines().count(), 1, "{what}: {stderr}");
    assert!(named.iter().all(|n| stderr.contains(n)) && !stderr.contains("panicked"), "{what}: {stderr}");
    assert!(out.stdout.is_empty(), "{what}: no work starts");
}

/// A run with `vars` set: race, small, as JSON.
fn race_with(bin: &str, vars: &[(&str, OsString)], threads: usize) -> Output {
    let mut command = Command::new(bin);
    command.args(["race", "--tasks", "20", "--json", "--threads", &threads.to_string()]);
    command.envs(vars.iter().map(|(k, v)| (k, v))).watched()
}

/// The one report of a passing `--json` run.
fn report(what: &str, out: &Output) -> demos_core::Report {
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{what}: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_str(stdout.lines().last().unwrap_or_default())
        .unwrap_or_else(|e| panic!("{what}: {e}: {stdout}"))
}

demos_tests::per_runtime! {
    #[test]
    fn every_scenario_option_rejects_hostile_values_with_one_line() {
        for scenario in ALL {
            for flag in options(&scenario.default_config()) {
                for value in HOSTILE {
                    let out = Command::new(BIN).args([scenario.name(), &flag, value]).watched();
                    let stderr = String::from_utf8_lossy(&out.stderr);
                    let what = format!("{} {flag} {value:?}", scenario.name());
                    assert_eq!(out.status.code(), Some(2), "{what}: {stderr}");
                    assert_eq!(stderr.lines().count(), 1, "{what}: {stderr}");
                    assert!(stderr.contains(&format!("'{value}'")) && stderr.contains(&flag), "{what}: {stderr}");
                    assert!(!stderr.contains("panicked"), "{what}: {stderr}");
                    assert!(out.stdout.is_empty(), "{what}: no work starts");
                }
            }
        }
    }

    #[test]
    fn global_options_reject_hostile_values_too() {
        for (flag, values) in [("--threads", &["0", "257", "-2", "two", "1e3"][..]), ("--seed", &["-1", "x", "99999999999999999999999"][..])] {
            for value in values {
                let out = Command::new(BIN).args(["race", flag, value]).watched();
                let stderr = String::from_utf8_lossy(&out.stderr);
                assert_eq!(out.status.code(), Some(2), "{flag} {value}: {stderr}");
                assert!(stderr.contains(&format!("'{value}'")) && stderr.lines().count() == 1, "{flag} {value}: {stderr}");
            }
        }
        for args in [&["race", "--tasks"][..], &["race", "--frobnicate"], &["nonsense"], &["race", "extra"]] {
            let out = Command::new(BIN).args(args).watched();
            assert_eq!(out.status.code(), Some(2), "{args:?}");
            assert_eq!(String::from_utf8_lossy(&out.stderr).lines().count(), 1, "{args:?}");
        }
    }

    #[test]
    fn the_largest_seed_runs_every_seeded_scenario() {
        // Per-round and per-task seeds are derived from --seed without overflow.
        for args in [
            &["ordering", "--tasks", "5", "--max-sleep-ms", "3"][..],
            &["futures", "--tasks", "3", "--max-sleep-ms", "3"],
            &["pools", "--io-jobs", "3", "--io-ms", "2", "--cpu-size", "1000"],
            &["queue", "--items", "5", "--delay-ms", "1"],
            &["balance", "--tasks", "3", "--max-task-ms", "1"],
            &["files", "--files", "3", "--min-kib", "1", "--max-kib", "2"],
        ] {
            let mut command = Command::new(BIN);
            command.args(args).args(["--seed", "18446744073709551615", "--quiet"]);
            let out = demos_tests::watchdog::output(command, demos_tests::watchdog::RUN);
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(0), "{args:?}: {stderr}");
        }
    }

    #[test]
    fn hidden_workers_refuse_what_the_command_line_refuses() {
        for (args, named) in [
            (&["__child", "queue", "--config", r#"{"producers":1,"consumers":1,"capacity":0,"items":1,"delay_ms":0}"#][..], "--capacity"),
            (&["__child", "queue", "--config", r#"{"producers":1,"consumers":0,"capacity":1,"items":1,"delay_ms":0}"#], "--consumers"),
            (&["__child", "scheduling", "--config", r#"{"tasks":0,"steps":1,"step_ms":1}"#], "--tasks"),
            (&["__child", "race", "--config", r#"{"tasks":5,"frobnicate":1}"#], "--frobnicate"),
            (&["__child", "race", "--config", "[1]"], "JSON object"),
            (&["__sum-squares", "0", "18446744073709551615"], "18446744073709551615"),
            (&["__sum-squares", "9", "3"], "9..3"),
        ] {
            let mut command = Command::new(BIN);
            command.args(args);
            let out = demos_tests::watchdog::output(command, demos_tests::watchdog::RUN);
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
            assert_eq!(stderr.lines().count(), 1, "{args:?}: {stderr}");
            assert!(stderr.contains(named) && !stderr.contains("panicked"), "{args:?}: {stderr}");
            assert!(out.stdout.is_empty(), "{args:?}: no work starts");
        }
    }

    #[test]
    fn enormous_configurations_are_refused_with_their_estimate() {
        let mut cases = vec![
            vec!["bridge", "--jobs", "100", "--job-ms", "10000"],
            vec!["scheduling", "--tasks", "16", "--steps", "1000", "--step-ms", "1000"],
            vec!["queue", "--items", "1000000", "--delay-ms", "1000"],
            vec!["pools", "--cpu-size", "1000000000", "--cpu-jobs", "1024"],
            vec!["balance", "--tasks", "10000", "--max-task-ms", "10000"],
        ];
        if !COOPERATIVE {
            // Pool jobs hold their thread while they sleep: on one thread the sleeps add up.
            cases.push(vec!["ordering", "--tasks", "10000", "--max-sleep-ms", "1000", "--threads", "1"]);
        }
        for args in cases {
            let mut command = Command::new(BIN);
            command.args(&args);
            let out = demos_tests::watchdog::output(command, demos_tests::watchdog::RUN);
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
            assert_eq!(stderr.lines().count(), 1, "{args:?}: {stderr}");
            assert!(stderr.contains("at least") && stderr.contains("10 min") && stderr.contains("--allow-long"), "{args:?}: {stderr}");
            assert!(out.stdout.is_empty(), "{args:?}: no work starts");
        }
    }

    #[test]
    fn arguments_that_are_not_utf8_get_one_line_and_exit_two() {
        let cases: [Vec<OsString>; 5] = [
            vec![not_utf8("r", "ce")],
            vec!["race".into(), "--tasks".into(), not_utf8("1", "")],
            vec!["race".into(), "--threads".into(), not_utf8("", "2")],
            vec!["race".into(), not_utf8("--", "")],
            vec!["__child".into(), "race".into(), "--config".into(), not_utf8("{", "}")],
        ];
        for args in cases {
            let out = Command::new(BIN).args(&args).watched();
            assert_refused(&format!("{args:?}"), &out, &["error"]);
        }
    }

    #[test]
    fn a_stack_no_thread_can_start_with_is_refused_and_a_stack_that_is_no_number_ignored() {
        // A petabyte per thread: Rust would panic at the first thread it starts.
        let out = race_with(BIN, &[("RUST_MIN_STACK", "1000000000000000".into())], 2);
        assert_refused("RUST_MIN_STACK=10^15", &out, &["RUST_MIN_STACK", "'1000000000000000'"]);
        // Not a number: Rust ignores it, and so does everything here.
        for value in [OsString::from("abc"), OsString::new(), OsString::from("-1"), not_utf8("1", "")] {
            let what = format!("RUST_MIN_STACK={value:?}");
            assert!(report(&what, &race_with(BIN, &[("RUST_MIN_STACK", value)], 2)).passed(), "{what}");
        }
    }

    #[test]
    fn no_color_turns_colour_off_whatever_its_value_and_empty_counts_as_unset() {
        // CLICOLOR_FORCE asks for colour even into this pipe; NO_COLOR wins over it.
        let run = |no_color: OsString| {
            let mut command = Command::new(BIN);
            command.args(["race", "--tasks", "20"]).env("CLICOLOR_FORCE", "1").env("NO_COLOR", &no_color);
            let out = command.watched();
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(0), "NO_COLOR={no_color:?}: {stderr}");
            out.stdout.contains(&0x1b)
        };
        for value in [OsString::from("1"), OsString::from("0"), OsString::from("false"), not_utf8("", "")] {
            assert!(!run(value.clone()), "NO_COLOR={value:?} leaves no escape code");
        }
        assert!(run(OsString::new()), "an empty NO_COLOR is no NO_COLOR: colour, as CLICOLOR_FORCE asks");
    }
}

#[test]
fn async_std_refuses_a_thread_count_it_cannot_honour_in_one_line() {
    let bin = env!("CARGO_BIN_EXE_async-std");
    let var = demos_async_std::THREAD_COUNT_VAR;
    // With --threads 1 the global executor starts at the first task, with as many
    // threads as the variable says: 100000 would have started them (or aborted).
    for value in ["0", "257", "100000", "abc", "-3", "1.5", "99999999999999999999", " 2"] {
        let out = race_with(bin, &[(var, value.into())], 1);
        assert_refused(&format!("{var}={value}"), &out, &[var, &format!("'{value}'"), "from 1 to 256"]);
    }
    let out = race_with(bin, &[(var, not_utf8("2", ""))], 1);
    assert_refused(&format!("{var}=2\\xff"), &out, &[var, "not UTF-8"]);
    // Empty is unset: one thread per core. And the other runtimes never read it.
    let cores = std::thread::available_parallelism().map_or(1, usize::from).min(256);
    let r = report("empty", &race_with(bin, &[(var, OsString::new())], cores));
    assert_eq!(r.flavor, format!("global executor, {cores} threads"), "{r:?}");
    for other in [env!("CARGO_BIN_EXE_tokio"), env!("CARGO_BIN_EXE_smol"), env!("CARGO_BIN_EXE_std-threads")]
    {
        assert!(report(other, &race_with(other, &[(var, "abc".into())], 2)).passed(), "{other}");
    }
}

#[test]
fn blocking_max_threads_is_the_blocking_crates_limit_clamped_and_anything_else_its_default() {
    // Read by the `blocking` crate behind smol's unblock and async-std's
    // spawn_blocking: a whole number is clamped to 1..=10000, anything else
    // gives 500. The threads scenario counts the pool threads its 8 I/O jobs ran on.
    let io_pool_threads = |bin: &str, value: OsString| {
        let mut command = Command::new(bin);
        command.args(["threads", "--json", "--threads", "2"]).env("BLOCKING_MAX_THREADS", &value);
        let r = report(&format!("{bin} BLOCKING_MAX_THREADS={value:?}"), &command.watched());
        assert!(r.passed(), "{r:?}");
        r.metrics["io_pool_threads"].as_u64().expect("a count")
    };
    for bin in [env!("CARGO_BIN_EXE_smol"), env!("CARGO_BIN_EXE_async-std")] {
        assert_eq!(io_pool_threads(bin, "1".into()), 1, "{bin}");
        assert_eq!(io_pool_threads(bin, "0".into()), 1, "{bin}: 0 is clamped to 1");
        assert!(io_pool_threads(bin, "3".into()) <= 3, "{bin}");
        for value in [OsString::from("abc"), OsString::new(), OsString::from("99999999"), not_utf8("1", "")] {
            // Eight 10 ms sleeps handed over at once: an unlimited pool starts a thread for
            // each one it has no idle thread for.
            assert!(
                io_pool_threads(bin, value.clone()) >= 2,
                "{bin} BLOCKING_MAX_THREADS={value:?}: the pool was limited"
            );
        }
    }
}
