//! `--sweep OPTION=V1,V2,…`: the same scenario at several values of one of
//! its numeric options, side by side — a group of columns per value — and,
//! for per-task and timing figures, whether they grow linearly with it. The
//! sweep is drawn with the table's pieces; the table knows nothing of sweeps.

use demos_core::scenario::AnyScenario;
use serde_json::Value;

use demos_core::scenario;
use demos_core::wrap::paragraph;

use crate::Table;
use crate::format::{first_seen, label_among, number};
use crate::table::{BAD, Figures, HEAD, blocks, figures, metric, preamble, render, skipped, title};

/// An option and the values it is swept over.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Sweep {
    /// As typed, without dashes: "tasks", "io-ms".
    pub(crate) option: String,
    pub(crate) values: Vec<u64>,
}

/// One value of a sweep: the option and its value, as a run was given it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Point {
    pub(crate) option: String,
    pub(crate) value: u64,
}

impl std::fmt::Display for Point {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}={}", self.option, self.value)
    }
}

/// Parse `OPTION=V1,V2,…` (clap's value parser for `--sweep`).
pub(crate) fn parse(text: &str) -> Result<Sweep, String> {
    let (option, values) =
        text.split_once('=').ok_or_else(|| "expected OPTION=V1,V2,… such as tasks=1000,10000".to_string())?;
    let option = option.trim_start_matches("--").to_string();
    if option.is_empty() {
        return Err("no option named before '='".into());
    }
    let values = values
        .split(',')
        .map(|v| v.trim().parse::<u64>().map_err(|_| format!("'{v}' is not a whole number")))
        .collect::<Result<Vec<u64>, String>>()?;
    if values.len() > 12 {
        return Err(format!("{} values: at most 12 are swept", values.len()));
    }
    Ok(Sweep { option, values })
}

/// The configurations of `scenario` for each value of `sweep`, starting from
/// `cfg`; the option must be one of the scenario's numeric options.
pub(crate) fn points(
    scenario: &dyn AnyScenario,
    cfg: &Value,
    sweep: &Sweep,
) -> Result<Vec<(Option<Point>, Value)>, String> {
    let key = sweep.option.replace('-', "_");
    let numeric: Vec<String> = cfg
        .as_object()
        .into_iter()
        .flatten()
        .filter(|(_, v)| v.is_number() || v.is_null())
        .map(|(k, _)| format!("--{}", k.replace('_', "-")))
        .collect();
    if !numeric.contains(&format!("--{}", sweep.option.replace('_', "-"))) {
        return Err(format!(
            "--sweep: '{}' is not a numeric option of {} (its numeric options: {})",
            sweep.option,
            scenario.name(),
            if numeric.is_empty() { "none".to_string() } else { numeric.join(", ") }
        ));
    }
    Ok(sweep
        .values
        .iter()
        .map(|&value| {
            let mut cfg = cfg.clone();
            cfg[&key] = Value::from(value);
            (Some(Point { option: sweep.option.clone(), value }), cfg)
        })
        .collect())
}

/// How each figure grew from the sweep's first value to the last, per
/// runtime, in words a reader takes the right way round: a per-task figure
/// that holds steady scales linearly; a total should grow in step with the
/// option; any other figure (timers' waits) is set against the option's
/// growth, and one far behind it is said to have grown, held or fallen.
pub(crate) fn growth(group: &[&Table]) -> Option<Growth> {
    let (Some(first), Some(last)) = (group.first().copied(), group.last().copied()) else { return None };
    let (Some(from), Some(to)) = (&first.point, &last.point) else { return None };
    if group.len() < 2 || from.value == 0 || to.value <= from.value {
        return None;
    }
    let median = |t: &Table, runtime: &str, metric: &str| {
        let cell = t.cells.iter().find(|c| c.runtime == runtime)?;
        scenario::median(cell.values(metric)).filter(|x| *x > 0.0)
    };
    let lesson = scenario::find(&first.name).map_or(&[][..], |s| s.lesson());
    let metrics: Vec<String> = first
        .cells
        .first()
        .and_then(|c| c.reports.first())
        .and_then(|r| r.metrics.as_object())
        .map(|m| {
            m.keys()
                .filter(|k| k.ends_with("_per_task") || k.ends_with("_ms") || lesson.contains(&k.as_str()))
                .filter(|k| m[k.as_str()].is_number())
                .cloned()
                .collect()
        })
        .unwrap_or_default();
    // Named as the tables name them, told apart from every metric of the report.
    let all: Vec<&str> = first
        .cells
        .first()
        .and_then(|c| c.reports.first())
        .and_then(|r| r.metrics.as_object())
        .map(|m| m.keys().map(String::as_str).collect())
        .unwrap_or_default();
    let mut rows = Vec::new();
    // The metrics that got a row.
    let mut shown: Vec<&str> = Vec::new();
    for metric in &metrics {
        let per_task = metric.ends_with("_per_task");
        let cells: Vec<String> = first
            .cells
            .iter()
            .filter_map(|c| {
                // From the first value to the last this runtime ran (it may sit the largest out).
                let (last, to_value) =
                    group.iter().rev().find_map(|t| Some((*t, median(t, c.runtime, metric)?)))?;
                let ratio = to_value / median(first, c.runtime, metric)?;
                let reached = last.point.as_ref()?;
                let factor = reached.value as f64 / from.value as f64;
                if factor <= 1.0 {
                    return None;
                }
                let upto = if std::ptr::eq(last, *group.last()?) {
                    String::new()
                } else {
                    format!(" (only to {reached}, ×{})", number(factor))
                };
                let verdict =
                    if per_task { per_task_verdict(ratio) } else { total_verdict(ratio / factor, ratio) };
                Some(format!("{} ×{}{upto}, {verdict}", c.runtime, number(ratio)))
            })
            .collect();
        if !cells.is_empty() {
            shown.push(metric.as_str());
            rows.push((label_among(metric, &all), cells.join("; ")));
        }
    }
    // How to read the rows, said only of the kinds of figure shown: a sweep
    // of timers' sleeps has no per-task cost and no total time.
    let mut reading = Vec::new();
    if shown.iter().any(|m| m.ends_with("_per_task")) {
        reading.push("a figure per task that holds steady (within ×1.1) means the cost is linear");
    }
    if shown.iter().any(|m| m.ends_with("_ms")) {
        reading.push("a total should grow in step with the option");
    } else if shown.iter().any(|m| !m.ends_with("_per_task")) {
        reading.push(if reading.is_empty() {
            "each figure is set against how much the option grew"
        } else {
            "each other figure is set against how much the option grew"
        });
    }
    (!rows.is_empty()).then(|| Growth {
        intro: format!(
            "How the figures grew from {from} to {to} (×{}), the median of each runtime's runs: {}.",
            number(to.value as f64 / from.value as f64),
            reading.join("; ")
        ),
        rows,
    })
}

/// Within this factor either way a figure "held steady"; beyond ×1.5 it
/// rose or fell; in between it rose or fell "a little". A per-task cost ×1.42
/// at scale did not hold steady.
const STEADY: f64 = 1.1;
const MARKED: f64 = 1.5;

/// How a per-task figure that changed by `ratio` from the first value to the
/// last reads.
fn per_task_verdict(ratio: f64) -> &'static str {
    match ratio {
        r if r > MARKED => "rose: each one cost more at scale",
        r if r > STEADY => "rose a little (under ×1.5)",
        r if r < 1.0 / MARKED => "fell: each one cost less at scale",
        r if r < 1.0 / STEADY => "fell a little (under ×1.5)",
        _ => "held steady: linear",
    }
}

/// How a total that grew `against` times as much as the option reads; one far
/// behind the option is said to have grown, held steady or fallen by its own
/// growth, `ratio`.
fn total_verdict(against: f64, ratio: f64) -> &'static str {
    match (against, ratio) {
        (q, _) if q > MARKED => "grew faster than the option",
        (q, _) if q > STEADY => "grew a little faster than the option (under ×1.5)",
        (q, _) if q >= 1.0 / STEADY => "grew in step with the option",
        (q, _) if q >= 1.0 / MARKED => "grew a little slower than the option (under ×1.5)",
        (_, r) if r > STEADY => "grew slower than the option",
        (_, r) if r >= 1.0 / STEADY => "held steady",
        _ => "fell",
    }
}

/// How a sweep's figures grew: a sentence that says how to read them, then a
/// (label, how each runtime's figure grew) row per figure.
#[derive(Debug)]
pub(crate) struct Growth {
    pub(crate) intro: String,
    pub(crate) rows: Vec<(String, String)>,
}

impl Growth {
    /// The growth as terminal lines, wrapped to the width.
    pub(crate) fn lines(&self) -> Vec<String> {
        std::iter::once(demos_core::wrap::paragraph("  ", "    ", &self.intro))
            .chain(
                self.rows
                    .iter()
                    .map(|(label, text)| demos_core::wrap::paragraph(&format!("  {label}: "), "    ", text)),
            )
            .collect()
    }
}

/// The tables of a sweep at one worker count: for each metric that carries
/// the lesson (and each other that differs), a block with a row per runtime
/// and a column per value of the swept option; then how the figures grew.
pub(crate) fn render_group(group: &[Table], seed: u64, repeat: usize, several_counts: bool) -> Vec<String> {
    let [first, ..] = group else { return Vec::new() };
    if group.len() == 1 || first.point.is_none() {
        return group.iter().flat_map(|t| render(t, seed, repeat, several_counts)).collect();
    }
    let option = first.point.as_ref().map_or("", |p| p.option.as_str());
    let values: Vec<String> =
        group.iter().filter_map(|t| t.point.as_ref().map(|p| p.value.to_string())).collect();
    let mut lines = vec![paragraph(
        "",
        "  ",
        &format!(
            "{HEAD}{}{HEAD:#}: {} — swept over --{option} {}",
            title(first, several_counts),
            first.headline,
            values.join(", ")
        ),
    )];
    lines.extend(preamble(first, seed, repeat));
    let lesson = scenario::find(&first.name).map_or(&[][..], |s| s.lesson());
    let labels = scenario::find(&first.name).map_or(&[][..], |s| s.labels());
    let each: Vec<Figures> = group.iter().map(|t| figures(&t.cells, lesson, labels)).collect();
    let runtimes = first_seen(group.iter().flat_map(|t| t.cells.iter().map(|c| c.runtime)));
    // Each metric under the name its tables give it.
    let metrics =
        first_seen(each.iter().flat_map(|f| f.rows.iter().map(|(name, key, _)| (name.clone(), key.clone()))));
    let header: Vec<String> = values.iter().map(|v| format!("{option}={v}")).collect();
    for (name, key) in &metrics {
        lines.push(format!("  {name}"));
        let rows: Vec<(String, Vec<String>)> = runtimes
            .iter()
            .map(|rt| {
                let cells = group
                    .iter()
                    .map(|t| {
                        t.cells
                            .iter()
                            .find(|c| c.runtime == *rt)
                            .map_or("—".into(), |c| metric(&c.reports, key))
                    })
                    .collect();
                (format!("  {rt}"), cells)
            })
            .collect();
        lines.extend(blocks(&header, &rows, 0));
    }
    let failed: Vec<String> = group
        .iter()
        .zip(&each)
        .filter(|(_, f)| !f.all_held)
        .map(|(t, _)| t.point.as_ref().map(|p| p.to_string()).unwrap_or_default())
        .collect();
    if failed.is_empty() {
        lines.push(format!(
            "  checks: every check held on every runtime at every value{}",
            if repeat > 1 { ", in every run" } else { "" }
        ));
    } else {
        lines.push(format!(
            "  {BAD}checks failed{BAD:#} at {}: run that value alone to see which",
            failed.join(", ")
        ));
    }
    lines.extend(skipped(group));
    let tables: Vec<&Table> = group.iter().collect();
    lines.extend(growth(&tables).map(|g| g.lines()).unwrap_or_default());
    lines.push(String::new());
    lines
}

#[cfg(test)]
mod tests {
    use super::{parse, per_task_verdict, total_verdict};

    #[test]
    fn only_a_figure_within_a_tenth_held_steady() {
        assert_eq!(per_task_verdict(1.42), "rose a little (under ×1.5)");
        assert_eq!(per_task_verdict(0.76), "fell a little (under ×1.5)");
        assert_eq!(per_task_verdict(1.04), "held steady: linear");
        assert_eq!(per_task_verdict(0.5), "fell: each one cost less at scale");
        assert_eq!(total_verdict(1.3, 13.0), "grew a little faster than the option (under ×1.5)");
        assert_eq!(total_verdict(0.95, 9.5), "grew in step with the option");
        // Far behind a ×10 option: by its own growth.
        assert_eq!(total_verdict(0.3, 3.0), "grew slower than the option");
        assert_eq!(total_verdict(0.105, 1.05), "held steady");
        assert_eq!(total_verdict(0.05, 0.5), "fell");
    }

    #[test]
    fn a_sweep_is_an_option_and_whole_numbers() {
        let sweep = parse("tasks=1000,10000").expect("valid");
        assert_eq!((sweep.option.as_str(), sweep.values.as_slice()), ("tasks", &[1000, 10000][..]));
        assert_eq!(parse("--io-ms=1,2").expect("valid").option, "io-ms");
        assert!(parse("tasks").unwrap_err().contains("OPTION=V1,V2"));
        assert!(parse("tasks=1,x").unwrap_err().contains("'x'"));
        assert!(parse("=1").is_err());
    }
}
