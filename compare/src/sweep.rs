//! `--sweep OPTION=V1,V2,…`: the same scenario at several values of one of
//! its numeric options, side by side — a group of columns per value — and,
//! for per-task and timing figures, whether they grow linearly with it.

use demos_core::scenario::AnyScenario;
use serde_json::Value;

use crate::Table;
use crate::format::{label_among, number};
use demos_core::scenario;

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
                let verdict = if per_task {
                    match ratio {
                        r if r > 1.5 => "rose: each one cost more at scale",
                        r if r < 1.0 / 1.5 => "fell: each one cost less at scale",
                        _ => "held steady: linear",
                    }
                } else {
                    // Against the option's growth first; a figure far behind it
                    // is said to have grown, held steady or fallen, as it did.
                    match (ratio / factor, ratio) {
                        (q, _) if q > 1.5 => "grew faster than the option",
                        (q, _) if q >= 1.0 / 1.5 => "grew in step with the option",
                        (_, r) if r > 1.5 => "grew slower than the option",
                        (_, r) if r >= 1.0 / 1.5 => "held steady",
                        _ => "fell",
                    }
                };
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
        reading.push("a figure per task that holds steady means the cost is linear");
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

#[cfg(test)]
mod tests {
    use super::parse;

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
