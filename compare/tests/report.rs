//! `compare --report FILE.html`: one self-contained page. A repeated run has a
//! chart per numeric metric with a mark in each runtime's colour, a worker
//! sweep a line per runtime, recorded spans a lane chart; every SVG parses;
//! nothing points outside the file; a bad path is refused before any run.

mod common;

use std::path::PathBuf;

use common::{compare, reports, text};

/// A fresh path for one test's report.
fn path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("report-{name}-{}.html", std::process::id()))
}

/// Run compare with `args` and `--report`; the page it wrote, and its stdout.
fn report(name: &str, args: &[&str]) -> (String, std::process::Output) {
    let file = path(name);
    let mut args = args.to_vec();
    let at = file.to_str().expect("a UTF-8 path");
    args.extend(["--report", at]);
    let out = compare(&args);
    assert_eq!(out.status.code(), Some(0), "{}\n{}", text(&out.stdout), text(&out.stderr));
    let page = std::fs::read_to_string(&file).expect("the report was written");
    std::fs::remove_file(&file).ok();
    (page, out)
}

/// Each chart of `class` on the page: its `data-metric` and its SVG text.
fn charts<'a>(page: &'a str, class: &str) -> Vec<(&'a str, &'a str)> {
    let opening = format!("<figure class=\"chart {class}\" data-metric=\"");
    page.match_indices(&opening)
        .map(|(at, _)| {
            let rest = &page[at + opening.len()..];
            let metric = &rest[..rest.find('"').expect("a closing quote")];
            let svg = &rest[rest.find("<svg").expect("an svg")..];
            (metric, &svg[..svg.find("</svg>").expect("a closed svg") + "</svg>".len()])
        })
        .collect()
}

/// The elements named `tag` in an SVG that parses, and their `fill`s.
fn marks<'a>(svg: &'a roxmltree::Document<'a>, tag: &str) -> Vec<&'a str> {
    svg.descendants().filter(|n| n.has_tag_name(tag)).map(|n| n.attribute("fill").unwrap_or("")).collect()
}

fn parse(svg: &str) -> roxmltree::Document<'_> {
    roxmltree::Document::parse(svg).unwrap_or_else(|e| panic!("an SVG that does not parse ({e}): {svg:.200}"))
}

const COLOURS: [(&str, &str); 2] = [("tokio", "#E69F00"), ("smol", "#0072B2")];

#[test]
fn a_repeated_run_leads_with_the_lesson_charts_what_differs_and_folds_what_agrees() {
    // One worker: tokio loses updates, std-threads' one pool thread cannot — a figure that differs.
    let (page, out) = report(
        "repeat",
        &[
            "race",
            "--tasks",
            "40",
            "--repeat",
            "3",
            "--threads",
            "1",
            "--runtime",
            "tokio,std-threads",
            "--json",
        ],
    );
    let reports = reports(&out);
    let strips = charts(&page, "strip");
    let drawn: Vec<&str> = strips.iter().map(|(m, _)| *m).collect();
    let lesson = ["lost_updates", "unsynchronized", "mutex", "atomic"];
    assert!(lesson.contains(&drawn[0]), "the first chart carries the lesson: {drawn:?}");
    // A figure every run of every runtime agrees on is a line of the one-line table, not a chart.
    let constant = |metric: &str| {
        let values: Vec<&serde_json::Value> = reports.iter().map(|r| &r.metrics[metric]).collect();
        values.windows(2).all(|w| w[0] == w[1])
    };
    assert!(constant("expected") && !drawn.contains(&"expected"), "{drawn:?}");
    assert!(page.contains("<caption>Same on every runtime</caption>") && page.contains("expected 40"));
    for metric in &drawn {
        assert!(!constant(metric), "{metric} is the same everywhere, yet charted");
    }
    assert!(page.contains("class=\"conclusion\""), "the table's conclusion leads the section");
    for (metric, svg) in strips {
        let doc = parse(svg);
        let dots = marks(&doc, "circle");
        for (runtime, colour) in [("tokio", "#E69F00"), ("std-threads", "#CC79A7")] {
            // Three runs, three dots of the runtime's colour.
            let runs = dots.iter().filter(|fill| fill.eq_ignore_ascii_case(colour)).count();
            assert_eq!(runs, 3, "{metric}: {runs} marks of {runtime}'s colour");
        }
    }
    for runtime in ["tokio", "std-threads"] {
        assert!(page.contains(&format!("<dt>{runtime}</dt>")), "{runtime}'s take-away");
    }
}

#[test]
fn a_take_away_that_reads_the_same_but_for_its_figures_is_said_once_with_each_runtimes_figures() {
    let (page, _) =
        report("takeaways", &["scale", "--tasks", "200", "--runtime", "tokio,smol,async-std,std-threads"]);
    let takeaways = &page[page.find("<dl class=\"takeaways\">").expect("take-aways")..];
    let takeaways = &takeaways[..takeaways.find("</dl>").expect("a closed list")];
    // The async runtimes' paragraph once, not three times; std-threads' own apart.
    assert_eq!(takeaways.matches("plus the executor's header").count(), 1, "{takeaways}");
    assert!(takeaways.contains("<dt>tokio, smol and async-std</dt>"), "{takeaways}");
    assert!(takeaways.contains("<dt>std-threads</dt>"), "{takeaways}");
    // Their figures, a row per runtime, in a table under it.
    let grid = &takeaways[takeaways.find("<table class=\"figures slots\">").expect("the figures")..];
    for runtime in ["tokio", "smol", "async-std"] {
        assert!(grid.contains(&format!("<th>{runtime}</th>")), "{runtime}: {grid}");
    }
}

#[test]
fn a_worker_sweep_draws_a_line_per_runtime_against_the_worker_count() {
    // std-threads' one pool thread loses no update where tokio loses nearly all: a line each.
    let (page, _) =
        report("sweep", &["race", "--tasks", "40", "--threads", "1,2", "--runtime", "tokio,std-threads"]);
    let series = charts(&page, "series");
    assert!(
        series.iter().any(|(m, _)| *m == "lost_updates"),
        "{:?}",
        series.iter().map(|c| c.0).collect::<Vec<_>>()
    );
    for (metric, svg) in series {
        let doc = parse(svg);
        let lines: Vec<&str> = doc
            .descendants()
            .filter(|n| n.has_tag_name("polyline"))
            .filter_map(|n| n.attribute("stroke"))
            .collect();
        for (runtime, colour) in [("tokio", "#E69F00"), ("std-threads", "#CC79A7")] {
            assert!(lines.iter().any(|s| s.eq_ignore_ascii_case(colour)), "{metric}: no line for {runtime}");
        }
        let named =
            doc.descendants().any(|n| n.has_tag_name("text") && n.text().map(str::trim) == Some("--threads"));
        assert!(named, "{metric}: the swept option names the axis");
    }
}

#[test]
fn recorded_spans_become_a_lane_chart_per_runtime() {
    let (page, _) =
        report("lanes", &["threads", "--io-jobs", "2", "--cpu-jobs", "2", "--runtime", "tokio,smol"]);
    let lanes = charts(&page, "lanes");
    assert_eq!(lanes.iter().map(|(rt, _)| *rt).collect::<Vec<_>>(), ["tokio", "smol"]);
    for ((runtime, svg), (_, colour)) in lanes.iter().zip(COLOURS) {
        let doc = parse(svg);
        let fills = marks(&doc, "rect");
        let bars = fills.iter().filter(|f| !f.eq_ignore_ascii_case("#FFFFFF")).count();
        // 2 manual, 2 scoped, 2 I/O and 2 CPU jobs: a bar each at least.
        assert!(bars >= 8, "{runtime}: {bars} bars");
        assert!(fills.iter().any(|f| f.eq_ignore_ascii_case(colour)), "{runtime}: drawn in its colour");
    }
}

#[test]
fn the_page_is_self_contained_and_says_how_it_was_made() {
    let (page, _) =
        report("contained", &["race", "--tasks", "20", "--runtime", "tokio,std-threads", "--seed", "7"]);
    for attribute in ["src=", "href="] {
        for (at, _) in page.match_indices(attribute) {
            let value = &page[at + attribute.len()..];
            assert!(value.starts_with("\"#"), "an outside reference: {}", &value[..value.len().min(80)]);
        }
    }
    // The only address is the SVG namespace, which names and does not fetch.
    let outside = page.replace("xmlns=\"http://www.w3.org/2000/svg\"", "");
    for needle in ["http:", "https:", "url(", "@import", "<script", "<link", "<img"] {
        assert!(!outside.contains(needle), "{needle} in the page");
    }
    assert!(
        page.contains("compare race --tasks 20 --runtime tokio,std-threads --seed 7 --report"),
        "the command"
    );
    assert!(page.contains("seed 7"));
    let tokio = include_str!("../../Cargo.lock")
        .split("name = \"tokio\"\nversion = \"")
        .nth(1)
        .expect("tokio locked");
    assert!(
        page.contains(&format!("<th>tokio</th><td>{}</td>", &tokio[..tokio.find('"').unwrap()])),
        "versions"
    );
    assert!(page.contains("Every check held on every runtime"), "the checks summary");
    assert!(page.contains("<dt>cores</dt>"), "the machine");
}

#[test]
fn differences_go_into_the_report_worded_as_in_the_terminal() {
    let (page, out) = report("differences", &["differences", "--runtime", "tokio,smol"]);
    let terminal = text(&out.stdout);
    // Not a terminal: every line wrapped within 100 columns, a long answer behind its runtime's name
    // (but the line naming the page: a path is not broken, and its length is the checkout's).
    let wide: Vec<&str> = terminal
        .lines()
        .filter(|l| l.chars().count() > 100 && !l.starts_with("report written to "))
        .collect();
    assert!(wide.is_empty(), "{wide:#?}");
    let answer = terminal.lines().find(|l| l.trim_start().starts_with("tokio")).expect("an answer");
    let words = answer.trim_start().trim_start_matches("tokio").trim();
    assert!(page.contains(words), "{words} not in the report");
    assert!(page.contains("dropping the handle of a running task"));
}

#[test]
fn an_unwritable_report_path_is_refused_before_any_run() {
    let out = compare(&["race", "--report", "/no/such/dir/r.html"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("/no/such/dir/r.html"), "{stderr}");
    assert!(out.stdout.is_empty(), "nothing ran: {}", text(&out.stdout));
}

#[test]
fn a_sweep_draws_a_line_per_runtime_against_the_swept_value() {
    let (page, _) = report("swept", &["scale", "--sweep", "tasks=10,100,1000", "--runtime", "tokio,smol"]);
    let series = charts(&page, "series");
    let drawn: Vec<&str> = series.iter().map(|(m, _)| *m).collect();
    assert!(drawn.contains(&"rss_bytes_per_task") && drawn.contains(&"spawn_ns_per_task"), "{drawn:?}");
    for (metric, svg) in series {
        let doc = parse(svg);
        let axis = doc
            .descendants()
            .any(|n| n.has_tag_name("text") && n.text().map(str::trim) == Some("--tasks (log scale)"));
        assert!(axis, "{metric}: 10 to 1000 span two decades: a log axis named after the option");
    }
    assert!(page.contains("scale across --tasks (--threads"), "the section names the sweep");
}

#[test]
fn quiet_prints_the_tables_and_not_where_the_files_went() {
    for (quiet, args) in [
        (false, &["race", "--tasks", "10", "--runtime", "tokio"][..]),
        (true, &["race", "--tasks", "10", "--runtime", "tokio", "--quiet"][..]),
    ] {
        let (page, out) = report(if quiet { "quiet" } else { "loud" }, args);
        let stdout = text(&out.stdout);
        assert_eq!(out.status.code(), Some(0), "{stdout}");
        assert!(stdout.contains("lost updates"), "the table is printed either way: {stdout}");
        assert_eq!(stdout.contains("report written to"), !quiet, "{stdout}");
        assert!(page.starts_with("<!DOCTYPE html>"), "the report is written either way");
    }
}
