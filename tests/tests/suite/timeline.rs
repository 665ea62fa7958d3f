//! timeline: `--trace` writes Chrome trace-event JSON with the fields the
//! format needs, CPU steps on one OS thread never overlap, `--timeline` draws
//! lanes, and a trace path that cannot be written is bad input.

use std::collections::BTreeMap;
use std::process::Command;

use demos_tests::watchdog::Watched;
use serde_json::Value;

fn trace_of(bin: &str, args: &[&str]) -> Value {
    // One file per binary and arguments: the same test runs for every runtime at once.
    let name = std::path::Path::new(bin).file_name().and_then(|n| n.to_str()).unwrap_or("demos");
    let path = std::env::temp_dir().join(format!("{name}-{}-{}.json", std::process::id(), args.join("-")));
    let out = Command::new(bin).args(args).arg("--trace").arg(&path).arg("--quiet").watched();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let trace = serde_json::from_slice(&std::fs::read(&path).expect("the trace exists")).expect("valid JSON");
    let _ = std::fs::remove_file(&path);
    trace
}

demos_tests::per_runtime! {
    #[test]
    fn the_trace_has_the_fields_perfetto_needs_and_cpu_steps_do_not_overlap() {
        for threads in ["1", "2", "4"] {
            let trace = trace_of(BIN, &["scheduling", "--steps", "3", "--step-ms", "1", "--threads", threads]);
            let events = trace["traceEvents"].as_array().expect("traceEvents");
            let slices: Vec<&Value> = events.iter().filter(|e| e["ph"] == "X").collect();
            // Every async step is a slice (two phases on one worker, a third on --threads
            // workers when there are several); each OS thread's steps are one or more
            // stretches of running.
            let preemptive = slices.iter().filter(|e| e["name"] == "preemptive").count();
            let phases = if threads == "1" { 2 } else { 3 };
            assert_eq!(slices.len() - preemptive, phases * 3 * 3, "every async step is a slice");
            assert!(preemptive >= 3, "each of the 3 threads ran at least once: {preemptive}");
            let mut per_thread: BTreeMap<(u64, u64), Vec<(f64, f64)>> = BTreeMap::new();
            for e in &slices {
                for key in ["name", "ph", "ts", "pid", "tid", "dur"] {
                    assert!(e.get(key).is_some(), "{key} missing: {e}");
                }
                assert!(e["args"]["task"].is_string(), "task id in the slice arguments: {e}");
                let (ts, dur) = (e["ts"].as_f64().unwrap(), e["dur"].as_f64().unwrap());
                // Each async step spins for its 1 ms: its slice, in µs, covers that.
                if e["name"] != "preemptive" {
                    assert!(dur >= 999.0, "a 1 ms step drawn as {dur} µs: {e}");
                }
                per_thread.entry((e["pid"].as_u64().unwrap(), e["tid"].as_u64().unwrap())).or_default().push((ts, ts + dur));
            }
            for (thread, mut steps) in per_thread {
                steps.sort_by(|a, b| a.0.total_cmp(&b.0));
                for pair in steps.windows(2) {
                    // A thread runs one busy step at a time (1 µs of slack for rounding).
                    assert!(pair[1].0 + 1.0 >= pair[0].1, "overlap on {thread:?}: {pair:?}");
                }
            }
            let named = events.iter().filter(|e| e["ph"] == "M" && e["name"] == "thread_name").count();
            assert!(named >= 1, "tracks are named after their OS threads");
        }
    }

    #[test]
    fn bridge_and_queue_record_their_steps_when_asked() {
        let bridge = trace_of(BIN, &["bridge", "--jobs", "1", "--job-ms", "20", "--tick-ms", "2", "--threads", "2"]);
        let names: Vec<&str> = bridge["traceEvents"].as_array().unwrap().iter().filter_map(|e| e["name"].as_str()).collect();
        for label in ["tick", "offloaded call", "inline call"] {
            assert!(names.contains(&label), "{label} missing");
        }
        let queue = trace_of(BIN, &["queue", "--items", "3", "--delay-ms", "2"]);
        let names: Vec<&str> = queue["traceEvents"].as_array().unwrap().iter().filter_map(|e| e["name"].as_str()).collect();
        assert!(names.contains(&"I/O") && names.contains(&"processing"), "{names:?}");
    }

    #[test]
    fn timeline_draws_lanes_after_the_summary() {
        let out = Command::new(BIN).args(["scheduling", "--steps", "2", "--step-ms", "1", "--timeline", "--by-thread", "--quiet"])
            .env("NO_COLOR", "1").watched();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert_eq!(out.status.code(), Some(0));
        assert!(stdout.contains("timeline (one row per OS thread"), "{stdout}");
        // The timeline's lanes (the scenario's own charts above it fit 100 columns).
        let timeline = stdout.split("timeline (one row per OS thread").nth(1).unwrap_or_default();
        let lanes: Vec<&str> = timeline.lines().filter(|l| l.starts_with("    ") && l.contains('#')).collect();
        assert!(!lanes.is_empty(), "{stdout}");
        assert!(lanes.iter().all(|l| l.chars().count() <= 80), "fits 80 columns: {lanes:#?}");
    }

    #[test]
    fn an_unwritable_trace_path_is_bad_input() {
        for path in ["/nonexistent-dir/trace.json", "/proc/version/trace.json"] {
            let out = Command::new(BIN).args(["race", "--trace", path]).watched();
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(2), "{stderr}");
            assert_eq!(stderr.lines().count(), 1, "{stderr}");
            assert!(stderr.contains(path), "{stderr}");
            assert!(out.stdout.is_empty(), "no work starts");
        }
    }
}
