//! compare as a user meets it: every runtime and scenario asked for, JSON Lines
//! in the report contract, the probes reporting what the runtimes really do,
//! and exit statuses 0, 1 and 2.

mod common;

use std::collections::BTreeSet;
use std::process::{Command, ExitCode};

use common::{RUNTIMES, compare, reports, text};
use serde_json::Value;

#[test]
fn json_has_a_contract_line_per_runtime_thread_count_and_repetition() {
    let out = compare(&["race", "--tasks", "20", "--threads", "1,2", "--repeat", "2", "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let lines = reports(&out);
    assert_eq!(lines.len(), RUNTIMES.len() * 2 * 2);
    for runtime in RUNTIMES {
        for threads in [1, 2] {
            let cell = lines.iter().filter(|r| r.runtime == runtime && r.threads == threads).count();
            assert_eq!(cell, 2, "{runtime} with {threads} thread(s)");
        }
    }
    for line in text(&out.stdout).lines() {
        let object: Value = serde_json::from_str(line).expect("JSON");
        for key in [
            "scenario",
            "runtime",
            "flavor",
            "threads",
            "seed",
            "config",
            "metrics",
            "checks",
            "elapsed_ms",
            "takeaway",
        ] {
            assert!(object.get(key).is_some(), "{key} missing: {line}");
        }
        assert_eq!(object["config"]["tasks"], 20, "options pass through: {line}");
    }
}

/// The visible width of a line (what a terminal shows; no styles here).
fn columns(line: &str) -> usize {
    demos_core::wrap::display_width(line)
}

/// The lines of the table titled `name` in `stdout`: from its title to the
/// blank line that ends it.
fn table<'a>(stdout: &'a str, name: &str) -> Vec<&'a str> {
    let title = format!("{name}: ");
    stdout.lines().skip_while(|l| !l.starts_with(&title)).take_while(|l| !l.is_empty()).collect()
}

#[test]
fn every_table_fits_100_columns_leads_with_its_lesson_and_ends_with_a_conclusion_naming_every_runtime() {
    let out = compare(&["all", "--threads", "1"]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    for line in stdout.lines() {
        assert!(columns(line) <= 100, "{} columns: {line}", columns(line));
    }
    for s in demos_core::scenario::ALL {
        let lines = table(&stdout, s.name());
        assert!(!lines.is_empty(), "no table for {}:\n{stdout}", s.name());
        let at = format!("{}:\n{}", s.name(), lines.join("\n"));
        // The header row names every runtime that ran; the rows under it lead with the lesson.
        let header = lines.iter().position(|l| RUNTIMES.iter().all(|rt| l.contains(rt)) && !l.contains(':'));
        let header = header.unwrap_or_else(|| panic!("a header naming every runtime: {at}"));
        let lesson: Vec<String> = s.lesson().iter().map(|k| k.replace('_', " ")).collect();
        assert!(!lesson.is_empty(), "{} names the metrics that carry its lesson", s.name());
        if let Some(first) = lines.get(header + 1).filter(|l| !l.trim_start().starts_with("same on every")) {
            let label = first.trim_start();
            assert!(
                lesson.iter().any(|l| label.starts_with(l.split(' ').next().unwrap_or(l))),
                "the first row of {} is one of its lesson metrics {lesson:?}: {first}",
                s.name()
            );
        }
        // The conclusion: one or two sentences, naming every runtime (or saying they all agree).
        let conclusion: String = lines
            .iter()
            .skip_while(|l| !l.starts_with("  → "))
            .map(|l| l.trim_start_matches(['→', ' ']))
            .collect::<Vec<_>>()
            .join(" ");
        assert!(!conclusion.is_empty(), "a conclusion: {at}");
        for rt in RUNTIMES {
            assert!(
                conclusion.contains(rt) || conclusion.contains("every runtime"),
                "the conclusion names {rt}: {conclusion}"
            );
        }
    }
}

#[test]
fn every_table_at_the_default_thread_count_fits_100_columns() {
    // More workers than one name more threads and cores in the flavours and cells.
    let out = compare(&["all"]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    for s in demos_core::scenario::ALL {
        assert!(!table(&stdout, s.name()).is_empty(), "no table for {}:\n{stdout}", s.name());
    }
    for line in stdout.lines() {
        assert!(columns(line) <= 100, "{} columns: {line}", columns(line));
    }
}

#[test]
fn a_repeated_run_and_a_sweep_fit_100_columns_and_say_how_figures_grew_the_right_way_round() {
    let out = compare(&["race", "--tasks", "200", "--repeat", "3", "--threads", "1,2"]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(stdout.contains("race (--threads 1)") && stdout.contains("race (--threads 2)"), "{stdout}");
    let sweep = compare(&["scale", "--sweep", "tasks=100,1000,5000", "--threads", "2"]);
    let swept = text(&sweep.stdout);
    assert_eq!(sweep.status.code(), Some(0), "{swept}");
    for line in stdout.lines().chain(swept.lines()) {
        assert!(columns(line) <= 100, "{} columns: {line}", columns(line));
    }
    assert!(swept.contains("How the figures grew from tasks=100 to tasks=5000 (×50)"), "{swept}");
    // A per-task cost is said to hold steady, rise or fall — never "faster than linear".
    assert!(!swept.contains("faster than linear") && !swept.contains("slower than linear"), "{swept}");
    let growth =
        swept.lines().find(|l| l.trim_start().starts_with("rss per task: ")).expect("rss per task grew");
    assert!(["held steady", "rose", "fell"].iter().any(|w| growth.contains(w)), "{growth}");
}

#[test]
fn the_table_has_a_column_per_chosen_runtime_the_flavours_that_ran_and_folds_what_agrees() {
    let out =
        compare(&["queue", "--runtime", "tokio,smol", "--delay-ms", "0", "--items", "20", "--threads", "2"]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    let header =
        stdout.lines().find(|l| l.trim_start().starts_with("tokio") && l.contains("smol")).expect("header");
    assert!(!header.contains("async-std") && !header.contains("std-threads"), "{header}");
    // Figures equal on both fold into one line; every check held, so the checks are one line.
    // The folded line and the lines it wraps onto (indented further).
    let same: String = stdout
        .lines()
        .skip_while(|l| !l.starts_with("  same on every runtime: "))
        .enumerate()
        .take_while(|(i, l)| *i == 0 || l.starts_with("    "))
        .map(|(_, l)| l)
        .collect();
    assert!(same.contains("produced 60") && same.contains("consumed 60"), "{stdout}");
    assert!(stdout.lines().any(|l| l.starts_with("  checks: every check held")), "{stdout}");
    assert!(
        !stdout.contains("max_depth") && !stdout.contains("throughput_per_s"),
        "labels in words: {stdout}"
    );
    assert!(
        stdout.contains("multi_thread, 2 workers") && stdout.contains("Executor, 2 threads"),
        "flavours:\n{stdout}"
    );
    assert!(!stdout.contains("--threads 2 ·"), "the flavours, not the option typed: {stdout}");
    assert!(!stdout.contains('\x1b'), "NO_COLOR and a pipe mean no escape codes");
    assert!(out.stderr.is_empty(), "no progress bar when stderr is not a terminal: {}", text(&out.stderr));
}

#[test]
fn differences_report_what_the_runtimes_really_do() {
    let out = compare(&["differences", "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let probes: Vec<Value> =
        text(&out.stdout).lines().map(|l| serde_json::from_str(l).expect("JSON")).collect();
    let observed = |probe: &str, runtime: &str| -> String {
        let found = probes
            .iter()
            .find(|p| p["probe"].as_str().is_some_and(|q| q.starts_with(probe)) && p["runtime"] == runtime);
        found
            .and_then(|p| p["observed"].as_str())
            .unwrap_or_else(|| panic!("no {probe} for {runtime}"))
            .to_string()
    };
    assert!(observed("dropping the handle", "tokio").contains("kept running"));
    assert!(observed("dropping the handle", "smol").contains("cancelled"));
    assert!(observed("dropping the handle", "async-std").contains("kept running"));
    assert!(observed("a panic inside a task", "tokio").starts_with("handed back as an error value"));
    assert!(observed("a panic inside a task", "smol").starts_with("re-raised"));
    // One worker: every async runtime lost updates at the yield, a one-thread pool none.
    for runtime in ["tokio", "smol", "async-std"] {
        assert!(!observed("1,000 tasks each read", runtime).starts_with("0 of"), "{runtime}");
    }
    assert!(observed("1,000 tasks each read", "std-threads").starts_with("0 of 1000"));
    assert!(observed("--threads 1", "tokio").contains("current_thread"));
    assert!(observed("--threads 1", "smol").contains("LocalExecutor"));
    for runtime in RUNTIMES {
        assert!(observed("yield after every step", runtime).contains("in fair rounds"), "{runtime}");
        // No runtime stops a running blocking job, whatever its handle answers.
        assert!(
            observed("aborting / cancelling a blocking job", runtime).ends_with("the job ran to its end")
        );
        // A select that prefers the first took it every round.
        assert!(observed("a select of two branches", runtime).ends_with("1000 (always)"), "{runtime}");
    }
    assert!(observed("aborting / cancelling a blocking job", "tokio").starts_with("the handle: its value"));
    assert!(observed("aborting / cancelling a blocking job", "smol").starts_with("the handle: cancelled"));
    assert!(observed("a select of two branches", "async-std").starts_with("no select without a preference"));
    assert!(observed("a panic in a blocking job", "tokio").starts_with("job: an error value"));
    assert!(observed("a panic in a blocking job", "smol").starts_with("job: re-raised in the awaiter"));
    // The futures ThreadPool lost the thread a task with no handle panicked on.
    let pool = observed("a panic in a blocking job", "std-threads");
    let counts: Vec<u64> = pool
        .split("threads running tasks ")
        .nth(1)
        .and_then(|t| t.split(',').next())
        .map(|t| t.split(" → ").filter_map(|n| n.trim().parse().ok()).collect())
        .unwrap_or_default();
    assert!(matches!(counts[..], [before, after] if after < before), "{pool}");
    assert!(observed("a task woken by a worker that then blocks", "tokio").starts_with("20 of 20"));
    // The answer is what is compared, its detail (times, the limit's name) stays in the cell.
    let answer = |probe: &str, runtime: &str| {
        probes
            .iter()
            .find(|p| p["probe"].as_str().is_some_and(|q| q.starts_with(probe)) && p["runtime"] == runtime)
            .and_then(|p| p["answer"].as_str())
            .unwrap_or_else(|| panic!("no answer to {probe} for {runtime}"))
            .to_string()
    };
    for runtime in RUNTIMES {
        assert_eq!(answer("4 blocking jobs", runtime), "at most 2 at once", "{runtime}");
        assert!(observed("4 blocking jobs", runtime).contains(" ms in all (limit set by "), "{runtime}");
    }
}

#[test]
fn differences_fit_100_columns_and_count_the_probes_answered_differently() {
    let out = compare(&["differences"]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    for line in stdout.lines() {
        assert!(columns(line) <= 100, "{} columns: {line}", columns(line));
    }
    let conclusion: String = stdout
        .lines()
        .skip_while(|l| !l.starts_with("→ "))
        .take_while(|l| !l.starts_with("Not probed"))
        .map(str::trim)
        .collect::<Vec<_>>()
        .join(" ");
    let counted = conclusion.split("answered ").nth(1).and_then(|t| t.split(" probe").next()).unwrap_or("");
    let (differed, asked) = counted.split_once(" of ").unwrap_or_else(|| panic!("N of M: {conclusion}"));
    let (differed, asked): (usize, usize) = (differed.parse().expect("N"), asked.parse().expect("M"));
    // Which probes agree is the run's to say (a loaded machine can keep one runtime from
    // cancelling in time); the counting itself is pinned by differences.rs's unit tests. What
    // holds on any run: the count is of the probes compared, and the probe whose answer is the
    // flavour (`--threads 1`) is not among them but named apart.
    assert!(differed <= asked, "{conclusion}");
    let (compared, apart) = conclusion
        .split_once(" Not compared, its answer being the flavour itself: ")
        .unwrap_or_else(|| panic!("the flavour probe named apart: {conclusion}"));
    assert!(apart.starts_with("--threads 1: the single-threaded flavour"), "{conclusion}");
    let same = compared.split("the same on: ").nth(1).unwrap_or("");
    assert!(!same.contains("--threads 1"), "{conclusion}");
    assert_eq!(differed < asked, !same.is_empty(), "{conclusion}");
}

#[test]
fn bad_input_exits_two_with_one_line() {
    let cases: [(&[&str], &str); 6] = [
        (&["race", "--runtime", "tokyo"], "'tokyo' for '--runtime"),
        (&["race", "--threads", "0"], "'0' for '--threads"),
        (&["race", "--threads", "1,x"], "'x' for '--threads"),
        (&["race", "--repeat", "0"], "'0' for '--repeat"),
        (&["frobnicate"], "expected one of race, ordering"),
        (&[], "no command given"),
    ];
    for (args, fragment) in cases {
        let out = compare(args);
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{args:?}: {stderr}");
        assert!(stderr.contains(fragment), "{args:?}: {stderr}");
        assert!(out.stdout.is_empty(), "{args:?}");
    }
    let runtimes = text(&compare(&["race", "--runtime", "tokyo"]).stderr);
    assert!(runtimes.contains("tokio, smol, async-std, std-threads"), "names what is allowed: {runtimes}");
}

#[test]
fn help_goes_straight_from_the_options_to_the_examples() {
    let out = compare(&["--help"]);
    let help = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let lines: Vec<&str> = help.lines().collect();
    let examples = lines.iter().position(|l| *l == "Examples:").unwrap_or_else(|| panic!("{help}"));
    assert!(
        lines[..examples].iter().rev().take_while(|l| !l.trim_start().starts_with('-')).all(|l| l.is_empty()),
        "nothing stray between the options and the examples:\n{help}"
    );
}

#[test]
fn a_failed_check_on_any_runtime_exits_one() {
    let runtimes: [&dyn demos_core::Runtime; 2] = [&demos_tests::BrokenMutex, &demos_std_threads::StdThreads];
    let args = ["compare", "race", "--tasks", "10", "--json"].map(Into::into);
    assert_eq!(compare::main(&runtimes, args), ExitCode::from(1));
}

#[test]
fn trace_puts_every_runtime_in_one_file_as_its_own_process() {
    let path = std::env::temp_dir().join(format!("compare-trace-{}.json", std::process::id()));
    let out = compare(&[
        "scheduling",
        "--steps",
        "2",
        "--step-ms",
        "1",
        "--threads",
        "2",
        "--trace",
        path.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let trace: Value =
        serde_json::from_slice(&std::fs::read(&path).expect("the trace exists")).expect("JSON");
    let _ = std::fs::remove_file(&path);
    let events = trace["traceEvents"].as_array().expect("traceEvents");
    let processes: Vec<&str> = events
        .iter()
        .filter(|e| e["name"] == "process_name")
        .filter_map(|e| e["args"]["name"].as_str())
        .collect();
    assert_eq!(processes.len(), RUNTIMES.len(), "{processes:?}");
    for runtime in RUNTIMES {
        assert!(processes.iter().any(|p| p.starts_with(runtime)), "{runtime} missing: {processes:?}");
    }
    let pids: BTreeSet<u64> =
        events.iter().filter(|e| e["ph"] == "X").filter_map(|e| e["pid"].as_u64()).collect();
    assert_eq!(pids.len(), RUNTIMES.len(), "every runtime's slices under its own process");
    // A common origin: each runtime's first slice starts near its own zero.
    for pid in pids {
        let first =
            events.iter().filter(|e| e["ph"] == "X" && e["pid"] == pid).filter_map(|e| e["ts"].as_f64());
        assert!(first.fold(f64::MAX, f64::min) < 1e6, "process {pid} starts within a second of 0");
    }
}

#[test]
fn ctrl_c_stops_compare_with_the_tables_and_the_report_of_what_ran() {
    // Every runtime's bridge would take 40 s; Ctrl-C comes during the first.
    let report = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("stopped-{}.html", std::process::id()));
    let mut command = Command::new(env!("CARGO_BIN_EXE_compare"));
    command
        .args(["bridge", "--jobs", "20", "--job-ms", "1000", "--report"])
        .arg(&report)
        .env("NO_COLOR", "1");
    let mut running = demos_tests::watchdog::Running::start(&mut command);
    // Ctrl-C once tokio's run is under way (its workers exist), not after a
    // fixed wait: on a busy machine half a second can pass before it starts.
    let workers = |pid: u32| {
        std::fs::read_dir(format!("/proc/{pid}/task")).into_iter().flatten().flatten().any(|task| {
            std::fs::read_to_string(task.path().join("comm")).is_ok_and(|name| name.starts_with("tokio-rt"))
        })
    };
    let waited = std::time::Instant::now();
    while !workers(running.id()) {
        assert!(waited.elapsed() < std::time::Duration::from_secs(30), "tokio's run never started");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    std::thread::sleep(std::time::Duration::from_millis(200));
    running.interrupt();
    let status = running.end_within(std::time::Duration::from_secs(5), "after Ctrl-C");
    let (stdout, stderr) = running.outputs();
    let (stdout, stderr) = (text(&stdout), text(&stderr));
    assert_eq!(status.code(), Some(130), "{stdout}\n{stderr}");
    assert!(stdout.contains("interrupted (Ctrl-C): the tables above are partial"), "{stdout}");
    assert!(stdout.contains("tokio") && !stdout.contains("FAIL"), "{stdout}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    let page = std::fs::read_to_string(&report).expect("the report of what ran is written");
    std::fs::remove_file(&report).ok();
    assert!(
        page.contains("Ctrl-C stopped this run part-way") && page.contains("<th>tokio</th>"),
        "{page:.400}"
    );
}

#[test]
fn an_enormous_configuration_is_refused_before_any_run() {
    let out = compare(&["bridge", "--jobs", "100", "--job-ms", "10000"]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("at least") && stderr.contains("--allow-long"), "{stderr}");
    assert!(out.stdout.is_empty());
}

#[test]
fn a_sweep_runs_every_value_with_one_json_line_per_point() {
    let out = compare(&["race", "--sweep", "tasks=10,20,40", "--runtime", "tokio,smol", "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let points: BTreeSet<(String, u64)> = reports(&out)
        .iter()
        .map(|r| (r.runtime.clone(), r.config["tasks"].as_u64().expect("tasks")))
        .collect();
    assert_eq!(points.len(), 2 * 3, "{points:?}");
}

#[test]
fn a_runtime_beyond_its_limit_sits_that_point_out_and_bad_sweeps_exit_two() {
    let limit = demos_core::usage::os_thread_limit().0;
    let above = (limit + 1).to_string();
    let sweep = format!("tasks=10,{above}");
    let out = compare(&["scale", "--sweep", &sweep, "--runtime", "smol,std-threads", "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let ran: BTreeSet<(String, u64)> = reports(&out)
        .iter()
        .map(|r| (r.runtime.clone(), r.config["tasks"].as_u64().expect("tasks")))
        .collect();
    assert!(
        ran.contains(&("std-threads".into(), 10)) && ran.contains(&("smol".into(), limit + 1)),
        "{ran:?}"
    );
    assert!(!ran.contains(&("std-threads".into(), limit + 1)), "{ran:?}");
    // Alone, std-threads is refused: nothing would run.
    let out = compare(&["scale", "--tasks", &above, "--runtime", "std-threads"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stdout));
    for bad in [
        &["race", "--sweep", "foo=1,2"][..],
        &["race", "--sweep", "tasks=0,2"],
        &["all", "--sweep", "tasks=1"],
        &["race", "--sweep", "tasks"],
    ] {
        let out = compare(bad);
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{bad:?}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{bad:?}: {stderr}");
        assert!(out.stdout.is_empty(), "{bad:?}: nothing ran");
    }
}
