//! Ctrl-C: every scenario, `all` and `guide` (and `compare`, in its own
//! tests) stop within a moment of the first one, print a partial summary that
//! says so, and exit 130 — on async-std's child path too. During a long queue
//! run the producers stop, the consumers drain what was sent, and the partial
//! summary accounts for every item sent exactly once.

use std::io::{BufRead, BufReader, Read};
use std::process::{Command, Stdio};

/// A configuration of each scenario that runs for many seconds but within the
/// run-time bound, so Ctrl-C arrives while it works.
fn long(scenario: &str, cooperative: bool) -> &'static [&'static str] {
    match scenario {
        // OS threads are bounded: the most std-threads takes may finish before Ctrl-C.
        "scale" if !cooperative => &["--tasks", "10000"],
        "scale" => &["--tasks", "1000000"],
        "echo" => &["--connections", "50", "--round-trips", "100000"],
        // Ten million yields on one thread: a second or so, which may end before Ctrl-C.
        "local" => &["--tasks", "1000", "--steps", "10000"],
        // Three timers of at most a second each: it may end before Ctrl-C.
        "mixing" => &["--delay-ms", "1000"],
        "cancel" => &["--frames", "1000", "--half-ms", "10"],
        "timers" => &["--sleep-us", "50000", "--sleeps", "200"],
        "starvation" => &["--blocking-jobs", "64", "--blocking-limit", "1", "--job-ms", "1000"],
        "race" => &["--tasks", "1000000"],
        "ordering" => &["--tasks", "20", "--max-sleep-ms", "10000"],
        "futures" => &["--tasks", "10", "--max-sleep-ms", "10000"],
        "pools" => &["--io-jobs", "5", "--io-ms", "10000"],
        "bridge" => &["--jobs", "20", "--job-ms", "1000"],
        // threads at its limits lasts well under a second: it may end before Ctrl-C.
        "threads" => &["--cpu-jobs", "10000", "--manual", "64", "--io-jobs", "256"],
        "scheduling" => &["--tasks", "4", "--steps", "1000", "--step-ms", "10"],
        "queue" => &["--items", "1000", "--delay-ms", "100"],
        other => panic!("no long configuration for {other}: add one"),
    }
}

/// How long after the first Ctrl-C a run may take to print its partial
/// summary and exit: about a second is the promise; this leaves room for a
/// loaded machine.
const STOP_WITHIN: std::time::Duration = std::time::Duration::from_secs(5);

/// Start `command`, let it work for `after`, send SIGINT to it alone, and
/// return its exit code and output once it has stopped (within [`STOP_WITHIN`]).
fn interrupt_after(mut command: Command, after: std::time::Duration) -> (Option<i32>, String, String) {
    let mut running = demos_tests::watchdog::Running::start(command.env("NO_COLOR", "1"));
    std::thread::sleep(after);
    running.interrupt();
    let status = running.end_within(STOP_WITHIN, "after Ctrl-C");
    let (stdout, stderr) = running.outputs();
    let text = |bytes: Vec<u8>| String::from_utf8_lossy(&bytes).into_owned();
    (status.code(), text(stdout), text(stderr))
}

/// Runs that can end before Ctrl-C arrives: their largest configurations last
/// under a second (scale on std-threads: at its thread limit; local: 10⁷ yields).
const SHORT: [&str; 5] = ["threads", "guide", "scale on std-threads", "local", "mixing"];

/// A run stopped by Ctrl-C: exit 130, a partial summary saying so, no panic,
/// no check failed outright (a check the run ended before is marked "part").
/// A [`SHORT`] run may have ended before the signal came, with exit 0.
fn assert_stopped(what: &str, (code, stdout, stderr): &(Option<i32>, String, String)) {
    if SHORT.contains(&what) && *code == Some(0) {
        assert!(
            !stdout.contains("interrupted") && !stderr.contains("panicked"),
            "{what}: {stdout}\n{stderr}"
        );
        return;
    }
    assert_eq!(*code, Some(130), "{what}: {stdout}\n{stderr}");
    assert!(stdout.contains("interrupted (Ctrl-C)"), "{what}: {stdout}");
    assert!(!stdout.contains("FAIL"), "{what}: {stdout}");
    assert!(!stderr.contains("panicked"), "{what}: {stderr}");
}

demos_tests::per_runtime! {
    #[test]
    fn ctrl_c_stops_producers_drains_the_queue_and_exits_130() {
        // The live log is read as it comes, so the run is watched as a whole.
        let (code, seen) = demos_tests::watchdog::within("queue after Ctrl-C", demos_tests::watchdog::RUN, || {
            let mut child = Command::new(BIN)
                .args(["queue", "--producers", "2", "--items", "5000000", "--delay-ms", "0", "--threads", "2"])
                .env("NO_COLOR", "1")
                .stdout(Stdio::piped())
                .spawn()
                .expect("runs");
            let mut stdout = BufReader::new(child.stdout.take().expect("piped"));
            // Synchronise on the live log: once a line arrives, items are flowing.
            let mut seen = String::new();
            loop {
                let mut line = String::new();
                assert!(stdout.read_line(&mut line).expect("readable") > 0, "ended before any event: {seen}");
                seen.push_str(&line);
                if line.starts_with("  | ") {
                    break;
                }
            }
            demos_tests::watchdog::interrupt(child.id());
            stdout.read_to_string(&mut seen).expect("readable");
            (child.wait().expect("exits").code(), seen)
        });
        assert_eq!(code, Some(130), "{seen}");
        assert!(seen.contains("interrupted (Ctrl-C)"), "{seen}");
        assert!(seen.contains("ok   every item consumed exactly once"), "{seen}");
        let counts = seen.lines().find(|l| l.trim_start().starts_with("produced / consumed")).expect("summary");
        let numbers: Vec<u64> = counts.split_whitespace().filter_map(|w| w.parse().ok()).collect();
        assert_eq!(numbers.len(), 2, "{counts}");
        assert_eq!(numbers[0], numbers[1], "every item sent was consumed: {counts}");
        assert!(numbers[0] > 0 && numbers[0] < 10_000_000, "stopped part-way: {counts}");
    }

    #[test]
    fn every_scenario_stops_within_a_moment_of_ctrl_c_with_a_partial_summary() {
        for scenario in demos_core::scenario::ALL {
            let mut command = Command::new(BIN);
            command.arg(scenario.name()).args(long(scenario.name(), COOPERATIVE));
            let outcome = interrupt_after(command, std::time::Duration::from_millis(400));
            let what = match scenario.name() {
                "scale" if !COOPERATIVE => "scale on std-threads",
                name => name,
            };
            assert_stopped(what, &outcome);
            if outcome.0 == Some(130) {
                assert!(outcome.1.contains("take-away: none drawn"), "{}: {}", scenario.name(), outcome.1);
            }
        }
    }

    #[test]
    fn all_and_guide_stop_on_ctrl_c_too() {
        let mut all = Command::new(BIN);
        all.arg("all");
        let outcome = interrupt_after(all, std::time::Duration::from_millis(300));
        assert_stopped("all", &outcome);
        let mut guide = Command::new(BIN);
        guide.arg("guide");
        let outcome = interrupt_after(guide, std::time::Duration::from_millis(100));
        assert_stopped("guide", &outcome);
    }
}

#[test]
fn an_async_std_child_stops_with_its_parent() {
    // ASYNC_STD_THREAD_COUNT=1 with --threads 2: the scenario runs in a child,
    // and Ctrl-C is sent to the parent alone, which tells the child to stop.
    for scenario in ["bridge", "scheduling", "race"] {
        let mut command = Command::new(env!("CARGO_BIN_EXE_async-std"));
        command.arg(scenario).args(long(scenario, true)).args(["--threads", "2"]);
        command.env(demos_async_std::THREAD_COUNT_VAR, "1");
        let outcome = interrupt_after(command, std::time::Duration::from_millis(600));
        assert_stopped(scenario, &outcome);
        assert!(outcome.1.contains("child process"), "{scenario}: {}", outcome.1);
    }
}
