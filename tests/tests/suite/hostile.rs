//! Hostile input on every option of every scenario, on every binary: negative,
//! non-numeric, fractional, overflowing and absurdly large values each get
//! exit status 2 and one line naming the option and the value — before any
//! work starts, never a panic.

use std::process::Command;

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
}
