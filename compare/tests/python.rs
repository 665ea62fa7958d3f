//! The python column: the seed's scenarios on CPython (python/demos.py) beside
//! the Rust runtimes, with real figures, named by the conclusion; and the one
//! line said in its place when no python3 ≥ 3.10 is found.
//!
//! These need a python3 ≥ 3.10 on the PATH (the CI image has one).

mod common;

use std::process::Output;

use common::{NO_PYTHON, compare_with_python, reports, text};

/// Run compare with the python3 on the PATH.
fn compare(args: &[&str]) -> Output {
    let out = compare_with_python(args, "python3");
    let stdout = text(&out.stdout);
    assert!(!stdout.contains("python: skipped"), "these tests need a python3 ≥ 3.10 on the PATH:\n{stdout}");
    out
}

/// The conclusion under the table: from its arrow to the blank line, in one line.
fn conclusion(stdout: &str) -> String {
    let lines: Vec<&str> =
        stdout.lines().skip_while(|l| !l.starts_with("  → ")).take_while(|l| !l.is_empty()).collect();
    assert!(!lines.is_empty(), "no conclusion:\n{stdout}");
    lines.iter().map(|l| l.trim_start_matches("  → ").trim()).collect::<Vec<_>>().join(" ")
}

/// The table's header row: the columns' names.
fn header(stdout: &str) -> Vec<&str> {
    let name = |w: &str| common::RUNTIMES.contains(&w) || w == "python";
    let is_header = |l: &&str| l.split_whitespace().all(name) && !l.trim().is_empty();
    stdout.lines().find(is_header).unwrap_or_default().split_whitespace().collect()
}

/// The cells of the row labelled `label`, one per column.
fn row<'a>(stdout: &'a str, label: &str) -> Vec<&'a str> {
    let line = stdout.lines().find(|l| l.trim_start().starts_with(label)).unwrap_or_default();
    line.trim_start().strip_prefix(label).unwrap_or_default().split_whitespace().collect()
}

#[test]
fn race_shows_python_losing_updates_and_the_conclusion_names_it() {
    let out = compare(&["race", "--runtime", "tokio,python", "--tasks", "200", "--threads", "2"]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}{}", text(&out.stderr));
    assert_eq!(header(&stdout), ["tokio", "python"], "{stdout}");
    // The flavour (wrapped over two lines) names the interpreter's version and its GIL.
    let flavor: String = stdout.lines().skip_while(|l| !l.starts_with("  python ")).take(2).collect();
    assert!(flavor.contains("CPython 3.") && flavor.contains("GIL o"), "{flavor}");
    // asyncio: every coroutine reads before any writes, so all but one update is lost.
    // Its row's last cell; or, when tokio lost as many, the figure on the "same on every runtime" line.
    let lost = row(&stdout, "lost updates");
    let same = stdout.lines().find_map(|l| l.trim_start().strip_prefix("same on every runtime: "));
    let lost = lost
        .last()
        .copied()
        .or_else(|| same?.split(" · ").find_map(|f| f.strip_prefix("lost updates ")).map(str::trim));
    assert_eq!(lost, Some("199"), "{stdout}");
    let said = conclusion(&stdout);
    let losers = said.split(" lost ").next().unwrap_or_default();
    assert!(losers.contains("python"), "the conclusion names python among those that lost updates: {said}");
}

#[test]
fn pools_shows_python_and_says_what_its_threads_and_processes_did() {
    let out =
        compare(&["pools", "--runtime", "tokio,python", "--io-jobs", "4", "--io-ms", "10", "--threads", "2"]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}{}", text(&out.stderr));
    assert_eq!(header(&stdout), ["tokio", "python"], "{stdout}");
    let said = conclusion(&stdout);
    assert!(said.contains("python's process pool"), "{said}");
    assert!(said.contains("on tokio and python") || said.contains("python ×"), "{said}");
}

#[test]
fn queue_shows_python_and_the_conclusion_names_it() {
    let out =
        compare(&["queue", "--runtime", "tokio,python", "--items", "4", "--delay-ms", "5", "--threads", "2"]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}{}", text(&out.stderr));
    assert_eq!(header(&stdout), ["tokio", "python"], "{stdout}");
    assert!(conclusion(&stdout).contains("python"), "{stdout}");
}

#[test]
fn every_seed_scenario_on_python_reads_as_the_rust_reports_do() {
    let out = compare(&["all", "--runtime", "python", "--json", "--threads", "2"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let reports = reports(&out);
    let names: Vec<&str> = reports.iter().map(|r| r.scenario.as_str()).collect();
    assert_eq!(names, ["race", "ordering", "futures", "pools", "bridge", "threads", "scheduling", "queue"]);
    for report in &reports {
        assert_eq!(report.runtime, "python");
        let s = demos_core::scenario::find(&report.scenario).expect("a scenario");
        // conclude reads each column as the scenario's typed metrics: empty when they do not parse.
        let said = s.conclude(&report.config, &[("python", &report.flavor, std::slice::from_ref(report))]);
        assert!(!said.is_empty(), "{}: the Python report does not read as its metrics", report.scenario);
    }
}

#[test]
fn with_no_python_the_column_is_one_line_and_the_rest_runs() {
    let out = compare_with_python(&["race", "--tasks", "20", "--threads", "1"], NO_PYTHON);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}{}", text(&out.stderr));
    assert_eq!(stdout.lines().filter(|l| *l == "python: skipped (no python3 ≥ 3.10 found)").count(), 1);
    assert_eq!(header(&stdout), common::RUNTIMES, "{stdout}");
}

#[test]
fn python_alone_on_a_scenario_it_lacks_is_bad_input() {
    let out = compare(&["scale", "--runtime", "python"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("seed's eight"), "{}", text(&out.stderr));
}

#[test]
fn differences_asks_python_the_seeds_questions_and_no_others() {
    let out = compare(&["differences", "--runtime", "tokio,std-threads,python", "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let lines: Vec<serde_json::Value> =
        text(&out.stdout).lines().map(|l| serde_json::from_str(l).expect("JSON")).collect();
    let python: Vec<(&str, &str)> = lines
        .iter()
        .filter(|l| l["runtime"] == "python")
        .map(|l| (l["probe"].as_str().unwrap_or_default(), l["observed"].as_str().unwrap_or_default()))
        .collect();
    // Asked only where its scenario exists and its report carries the figures read.
    assert_eq!(python.len(), 2, "{python:?}");
    let (race, pools) = (python[0], python[1]);
    // asyncio's one loop loses updates as a one-worker executor does.
    assert!(race.0.contains("updates lost"), "{race:?}");
    let lost: u64 = race.1.split(" of ").next().and_then(|n| n.parse().ok()).expect("a count");
    assert!(lost > 0, "{race:?}");
    // Its thread pool's figure is said with the GIL's state, and its process pool's beside it.
    assert!(pools.0.contains("CPU jobs"), "{pools:?}");
    assert!(pools.1.contains("the GIL") && pools.1.contains("2 processes ×"), "{pools:?}");
    // No python answer under a question it was not asked.
    let questions: Vec<&str> = lines.iter().filter_map(|l| l["probe"].as_str()).collect();
    assert!(questions.iter().any(|q| q.starts_with("dropping the handle")), "the other probes ran");
}

#[test]
fn the_report_shows_python_s_take_away_beside_the_runtimes() {
    let page =
        std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("py-{}.html", std::process::id()));
    let path = page.to_string_lossy().into_owned();
    let out = compare(&[
        "race",
        "--runtime",
        "tokio,python",
        "--tasks",
        "100",
        "--threads",
        "1",
        "--report",
        &path,
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let html = std::fs::read_to_string(&page).expect("the report is written");
    std::fs::remove_file(&page).ok();
    let start = html.find("<dl class=\"takeaways\"").expect("a take-aways list");
    let said = &html[start..start + html[start..].find("</dl>").expect("closed")];
    // Each column's lesson, python's worded by the Python side from its own figures.
    assert!(said.contains(">tokio<") && said.contains(">python<"), "{said}");
    assert!(said.contains("increments were lost on one thread"), "{said}");
}
