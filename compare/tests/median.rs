//! One median. With an even number of runs (`--repeat 4`) a cell shows one
//! median — `demos_core::scenario::median`, the upper of the middle two — in
//! the table and in its chart alike (they once took the mean of the middle two
//! and the upper one, and showed one cell two medians).

mod common;

use common::{compare, reports, text};

#[test]
fn with_four_runs_the_table_and_the_chart_show_the_same_median() {
    let file = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("median-{}.html", std::process::id()));
    let at = file.to_str().expect("a UTF-8 path");
    let runtimes = ["tokio", "std-threads"];
    let args =
        ["race", "--tasks", "300", "--threads", "2", "--repeat", "4", "--runtime", "tokio,std-threads"];
    let out = compare(&[&args[..], &["--json", "--report", at]].concat());
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let page = std::fs::read_to_string(&file).expect("the report was written");
    std::fs::remove_file(&file).ok();
    let reports = reports(&out);

    // The phase times: four runs that differ, per runtime.
    let (mut cells, mut bars) = (0, 0);
    for metric in ["unsynchronized_ms", "mutex_ms", "atomic_ms"] {
        let runs = |runtime: &str| {
            let mut runs: Vec<f64> = reports
                .iter()
                .filter(|r| r.runtime == runtime)
                .filter_map(|r| r.metrics[metric].as_f64())
                .collect();
            runs.sort_by(f64::total_cmp);
            assert_eq!(runs.len(), 4, "{metric} on {runtime}");
            runs
        };
        let median = |runtime: &str| demos_core::scenario::median(runs(runtime)).expect("four runs");

        // The table: "<median> ms (<least>–<most>)", in runtime order, on the row named for the
        // phase's time ("mutex time": "mutex" is the count).
        let row = format!("<tr><th>{} time</th>", metric.trim_end_matches("_ms"));
        let tds = page
            .match_indices(&row)
            .map(|(at, _)| &page[at + row.len()..at + page[at..].find("</tr>").expect("a row")])
            .find(|tds| tds.contains(" ms"))
            .unwrap_or_else(|| panic!("a row for {metric}"));
        for (runtime, cell) in runtimes.iter().zip(tds.split("<td>").skip(1)) {
            let shown = cell.split(' ').next().expect("a figure");
            let Ok(value) = shown.parse::<f64>() else { continue };
            let digits = shown.split('.').nth(1).map_or(0, str::len) as i32;
            let (runs, median) = (runs(runtime), median(runtime));
            assert!(
                (value - median).abs() <= 0.5 * 10f64.powi(-digits) + 1e-9,
                "{metric} on {runtime}: the table shows {cell:?}, the median of {runs:?} is {median}"
            );
            cells += 1;
        }

        // The chart: per runtime its four dots, then a bar at the median — at the height
        // of the dot of the median run (the second from the top: the upper middle).
        let opening = format!("<figure class=\"chart strip\" data-metric=\"{metric}\"");
        let chart = &page[page.find(&opening).unwrap_or_else(|| panic!("a chart of {metric}"))..];
        let svg = &chart[..chart.find("</svg>").expect("a closed svg")];
        let mut dots: Vec<f64> = Vec::new();
        for element in svg.split('<') {
            if element.starts_with("circle") {
                dots.push(attribute(element, "cy"));
            } else if element.starts_with("polyline") && element.contains("stroke-width=\"2\"") {
                let points = element.split("points=\"").nth(1).expect("points");
                let bar: f64 = points.split([',', ' ']).nth(1).expect("a y").parse().expect("a number");
                assert_eq!(dots.len(), 4, "{metric}: four runs, four dots before each bar");
                dots.sort_by(f64::total_cmp);
                assert!((bar - dots[1]).abs() <= 1.0, "{metric}: bar at y {bar}, the dots at {dots:?}");
                dots.clear();
                bars += 1;
            }
        }
    }
    assert_eq!(bars, 3 * runtimes.len(), "a bar per runtime on each chart");
    assert!(cells >= runtimes.len(), "some table cells were checked");
}

/// The numeric attribute `name` of an SVG element's text.
fn attribute(element: &str, name: &str) -> f64 {
    let value = element.split(&format!(" {name}=\"")).nth(1).expect("the attribute");
    value[..value.find('"').expect("a closing quote")].parse().expect("a number")
}
