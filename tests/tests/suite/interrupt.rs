//! Ctrl-C: every scenario, `all` and `guide` (and `compare`, in its own
//! tests) stop within a moment of the first one, print a partial summary that
//! says so, and exit 130 — on async-std's child path too. Each run is sized to
//! last well past the signal, so every scenario's own way of stopping runs,
//! and the test holds that it did: a run that finished first fails it. During a
//! long queue run the producers stop, the consumers drain what was sent, and
//! the partial summary accounts for every item sent exactly once.

use std::process::Command;
use std::time::Duration;

use demos_tests::watchdog::{RUN, Running};

/// A configuration of each scenario that runs well past [`AFTER`] (most for
/// many seconds) but within the run-time bound, so Ctrl-C arrives while it
/// works. The shortest are at the top of their options' ranges.
fn long(scenario: &str, cooperative: bool) -> &'static [&'static str] {
    match scenario {
        // OS threads are bounded by the machine: 10,000 threads, about 0.7 s here.
        "scale" if !cooperative => &["--tasks", "10000"],
        "scale" => &["--tasks", "1000000"],
        "echo" => &["--connections", "50", "--round-trips", "100000"],
        // Ten million yields on one thread: two to five seconds here.
        "local" => &["--tasks", "1000", "--steps", "10000"],
        // Timers of a second each, one after another: one to two seconds.
        "mixing" => &["--delay-ms", "1000"],
        "cancel" => &["--frames", "1000", "--half-ms", "10"],
        "timers" => &["--sleep-us", "50000", "--sleeps", "200"],
        // A thousand tasks of up to 100 ms: about half a minute of CPU work per phase on two cores.
        "balance" => &["--tasks", "1000", "--max-task-ms", "100"],
        // 4,096 files of 16 KiB (the 64 MiB bound), each synced as it is written: seconds here.
        "files" => &["--files", "4096", "--min-kib", "16", "--max-kib", "16"],
        "starvation" => &["--blocking-jobs", "64", "--blocking-limit", "1", "--job-ms", "1000"],
        "race" => &["--tasks", "1000000"],
        "ordering" => &["--tasks", "20", "--max-sleep-ms", "10000"],
        "futures" => &["--tasks", "10", "--max-sleep-ms", "10000"],
        "pools" => &["--io-jobs", "5", "--io-ms", "10000"],
        "bridge" => &["--jobs", "20", "--job-ms", "1000"],
        // Every option at its limit: 10,000 recorded CPU jobs, about 0.6 s here.
        "threads" => &["--cpu-jobs", "10000", "--manual", "64", "--io-jobs", "256"],
        "scheduling" => &["--tasks", "4", "--steps", "1000", "--step-ms", "10"],
        "queue" => &["--items", "1000", "--delay-ms", "100"],
        other => panic!("no long configuration for {other}: add one"),
    }
}

/// How long after the first Ctrl-C a run may take to print its partial
/// summary and exit: about a second is the promise; this leaves room for a
/// loaded machine.
const STOP_WITHIN: Duration = Duration::from_secs(5);

/// How long a run works before Ctrl-C: counted from its headline (the first
/// line it prints, just before the work starts), so the process's start-up,
/// slow on a loaded machine, is not part of it.
const AFTER: Duration = Duration::from_millis(100);

/// Start `command`, let it work for [`AFTER`] once its headline is out, send
/// SIGINT to it alone, and return its exit code and output once it has stopped
/// (within [`STOP_WITHIN`]).
fn interrupt_after_headline(command: &mut Command) -> (Option<i32>, String, String) {
    let mut running = Running::start(command.env("NO_COLOR", "1"));
    running.line_within(RUN, |_| true);
    stop(running, AFTER)
}

/// Let `running` work for `after`, send it SIGINT, and return its exit code
/// and output once it has stopped (within [`STOP_WITHIN`]).
fn stop(mut running: Running, after: Duration) -> (Option<i32>, String, String) {
    std::thread::sleep(after);
    running.interrupt();
    let status = running.end_within(STOP_WITHIN, "after Ctrl-C");
    let (stdout, stderr) = running.outputs();
    let text = |bytes: Vec<u8>| String::from_utf8_lossy(&bytes).into_owned();
    (status.code(), text(stdout), text(stderr))
}

/// A run stopped by Ctrl-C while it worked: exit 130, a partial summary saying
/// so, no panic, no check failed outright (a check the run ended before is
/// marked "part"). A run that ended before the signal came fails this.
fn assert_stopped(what: &str, (code, stdout, stderr): &(Option<i32>, String, String)) {
    assert_eq!(
        *code,
        Some(130),
        "{what} was not interrupted mid-run (it must last past the signal): {stdout}\n{stderr}"
    );
    assert!(stdout.contains("interrupted (Ctrl-C)"), "{what}: {stdout}");
    assert!(!stdout.contains("FAIL"), "{what}: {stdout}");
    assert!(!stderr.contains("panicked"), "{what}: {stderr}");
}

demos_tests::per_runtime! {
    #[test]
    fn ctrl_c_stops_producers_drains_the_queue_and_exits_130() {
        let mut running = Running::start(
            Command::new(BIN)
                .args(["queue", "--producers", "2", "--items", "5000000", "--delay-ms", "0", "--threads", "2"])
                .env("NO_COLOR", "1"),
        );
        // Synchronise on the live log: once a line arrives, items are flowing.
        running.line_within(RUN, |line| line.starts_with("  | "));
        running.interrupt();
        // Killed, and the test failed, if it does not stop in time.
        let code = running.end_within(STOP_WITHIN, "after Ctrl-C").code();
        let seen = String::from_utf8_lossy(&running.outputs().0).into_owned();
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
            let args = long(scenario.name(), COOPERATIVE);
            let outcome = interrupt_after_headline(Command::new(BIN).arg(scenario.name()).args(args));
            let what = format!("{} {}", scenario.name(), args.join(" "));
            assert_stopped(&what, &outcome);
            assert!(outcome.1.contains("take-away: none drawn"), "{what}: {}", outcome.1);
        }
    }

    #[test]
    fn all_and_guide_stop_on_ctrl_c_too() {
        // `all` runs every scenario at its defaults, about a second each.
        assert_stopped("all", &interrupt_after_headline(Command::new(BIN).arg("all")));
        // The guide prints nothing until its table; its runs take a second or more
        // (a pools run alone is five rounds of 40 ms jobs), so 300 ms from its start
        // is mid-run.
        let guide = Running::start(Command::new(BIN).arg("guide").env("NO_COLOR", "1"));
        assert_stopped("guide", &stop(guide, Duration::from_millis(300)));
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
        let outcome = interrupt_after_headline(&mut command);
        assert_stopped(scenario, &outcome);
        assert!(outcome.1.contains("child process"), "{scenario}: {}", outcome.1);
    }
}
