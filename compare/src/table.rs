//! One table per scenario and worker count: a column per runtime, a row per
//! metric and per check. Repeated runs show numeric metrics as
//! min / median / max, so nondeterministic figures read as distributions.

use anstyle::{AnsiColor, Style};
use demos_core::Report;

use crate::{Cell, Table};

const HEAD: Style = Style::new().bold();
const BAD: Style = AnsiColor::Red.on_default().bold();

/// A number as a person reads it: whole numbers whole, others to 3 significant-ish digits.
pub(crate) fn number(x: f64) -> String {
    if (x.fract() == 0.0 && x.abs() < 1e15) || x.abs() >= 100.0 {
        format!("{x:.0}")
    } else if x.abs() >= 10.0 {
        format!("{x:.1}")
    } else {
        format!("{x:.2}")
    }
}

/// min / median / max of `values`, or the single value when they agree.
pub(crate) fn spread(values: &mut [f64]) -> String {
    values.sort_by(f64::total_cmp);
    let (min, max) = (values[0], values[values.len() - 1]);
    if min == max {
        return number(min);
    }
    let mid = values.len() / 2;
    let median = if values.len() % 2 == 0 { (values[mid - 1] + values[mid]) / 2.0 } else { values[mid] };
    format!("{} / {} / {}", number(min), number(median), number(max))
}

/// The metric `key` over a cell's repetitions.
fn metric(reports: &[Report], key: &str) -> String {
    let values: Vec<&serde_json::Value> = reports.iter().filter_map(|r| r.metrics.get(key)).collect();
    if values.iter().all(|v| v.is_boolean()) {
        let yes = values.iter().filter(|v| v.as_bool() == Some(true)).count();
        return match (yes, values.len()) {
            (y, n) if y == n => "yes".into(),
            (0, _) => "no".into(),
            (y, n) => format!("yes {y}/{n}"),
        };
    }
    let mut numbers: Vec<f64> = values.iter().filter_map(|v| v.as_f64()).collect();
    if numbers.is_empty() { "—".into() } else { spread(&mut numbers) }
}

/// The check `name` over a cell's repetitions. A check a Ctrl-C'd run ended
/// before is "part", not a failure.
fn check(reports: &[Report], name: &str) -> String {
    let verdicts: Vec<_> = reports.iter().filter_map(|r| r.checks.iter().find(|c| c.name == name)).collect();
    let passed = verdicts.iter().filter(|c| c.passed).count();
    let failed = verdicts.iter().filter(|c| !c.passed && !c.partial).count();
    match (passed, failed, verdicts.len()) {
        (_, _, 0) => "—".into(),
        (1, 0, 1) => "ok".into(),
        (p, 0, n) if p == n => format!("ok {p}/{n}"),
        (_, 0, n) => format!("part {}/{n}", n - passed),
        (_, f, n) => format!("{BAD}FAIL{BAD:#} {f}/{n}"),
    }
}

/// Keys in first-seen order over every report.
fn keys<'a>(cells: &'a [Cell], of: impl Fn(&'a Report) -> Vec<&'a str>) -> Vec<&'a str> {
    first_seen(cells.iter().flat_map(|c| c.reports.iter()).flat_map(of))
}

/// Items in the order first seen, each once.
pub(crate) fn first_seen<T: PartialEq>(items: impl IntoIterator<Item = T>) -> Vec<T> {
    let mut seen = Vec::new();
    for item in items {
        if !seen.contains(&item) {
            seen.push(item);
        }
    }
    seen
}

/// The visible width of a cell (styles excluded).
pub(crate) fn width(text: &str) -> usize {
    anstream::adapter::strip_str(text).to_string().chars().count()
}

/// The rows of one table, header first: a column per runtime, a row per
/// metric, then a row per check ("✓ name"). Cells are as the terminal shows
/// them (a failed check in bold red).
pub(crate) fn rows(cells: &[Cell]) -> Vec<Vec<String>> {
    let mut rows: Vec<Vec<String>> =
        vec![std::iter::once(String::new()).chain(cells.iter().map(|c| c.runtime.to_string())).collect()];
    for key in keys(cells, |r| {
        r.metrics.as_object().map(|m| m.keys().map(String::as_str).collect()).unwrap_or_default()
    }) {
        rows.push(
            std::iter::once(key.to_string()).chain(cells.iter().map(|c| metric(&c.reports, key))).collect(),
        );
    }
    for name in keys(cells, |r| r.checks.iter().map(|c| c.name.as_str()).collect()) {
        rows.push(
            std::iter::once(format!("✓ {name}"))
                .chain(cells.iter().map(|c| check(&c.reports, name)))
                .collect(),
        );
    }
    rows
}

/// "1 run per cell", or how repeated runs are summarised.
pub(crate) fn runs_per_cell(repeat: usize) -> String {
    if repeat == 1 {
        "1 run per cell".to_string()
    } else {
        format!("{repeat} runs per cell: min / median / max")
    }
}

/// The lines of one table.
pub(crate) fn render(table: &Table, seed: u64, repeat: usize) -> Vec<String> {
    let mut lines = vec![format!("{HEAD}{}{HEAD:#}: {}", table.name, table.headline)];
    lines.extend(preamble(table, seed, repeat));
    let (_, body) = aligned(&rows(&table.cells));
    lines.extend(body);
    lines.extend(skipped(std::slice::from_ref(table)));
    lines.push(String::new());
    lines
}

/// A line per runtime a table ran without, and why.
fn skipped(group: &[Table]) -> Vec<String> {
    group
        .iter()
        .flat_map(|t| {
            let at = t.point.as_ref().map(|p| format!(" at {p}")).unwrap_or_default();
            t.skipped.iter().map(move |(runtime, why)| format!("  {runtime} not run{at}: {why}"))
        })
        .collect()
}

/// The tables of a sweep at one worker count as one: a group of columns per
/// value of the swept option, a row per metric and check.
pub(crate) fn render_group(group: &[Table], seed: u64, repeat: usize) -> Vec<String> {
    let [first, ..] = group else { return Vec::new() };
    if group.len() == 1 || first.point.is_none() {
        return group.iter().flat_map(|t| render(t, seed, repeat)).collect();
    }
    let values: Vec<String> =
        group.iter().filter_map(|t| t.point.as_ref().map(|p| p.value.to_string())).collect();
    let option = first.point.as_ref().map_or("", |p| p.option.as_str());
    let mut lines = vec![format!(
        "{HEAD}{}{HEAD:#}: {} (the first of {} points: --{option} {})",
        first.name,
        first.headline,
        group.len(),
        values.join(", ")
    )];
    lines.extend(preamble(first, seed, repeat));
    let each: Vec<Vec<Vec<String>>> = group.iter().map(|t| rows(&t.cells)).collect();
    let labels = first_seen(each.iter().flat_map(|rows| rows[1..].iter().map(|r| r[0].clone())));
    let mut merged: Vec<Vec<String>> = vec![
        std::iter::once(String::new()).chain(each.iter().flat_map(|rows| rows[0][1..].to_vec())).collect(),
    ];
    for label in labels {
        let mut row = vec![label.clone()];
        for (t, rows) in group.iter().zip(&each) {
            match rows.iter().find(|r| r[0] == label) {
                Some(found) => row.extend(found[1..].iter().cloned()),
                None => row.extend(t.cells.iter().map(|_| "—".to_string())),
            }
        }
        merged.push(row);
    }
    let (widths, body) = aligned(&merged);
    // A line above the runtimes: each value's label over its group of columns.
    let mut over = String::from("  ");
    over.push_str(&" ".repeat(widths[0]));
    let mut column = 1;
    for (t, value) in group.iter().zip(&values) {
        let span: usize = widths[column..column + t.cells.len()].iter().map(|w| w + 2).sum();
        let label = format!("{option}={value}");
        over.push_str(&format!("{label:>span$}"));
        column += t.cells.len();
    }
    lines.push(format!("{HEAD}{}{HEAD:#}", over.trim_end()));
    lines.extend(body);
    lines.extend(skipped(group));
    lines.push(String::new());
    lines.extend(crate::sweep::growth(group));
    lines
}

/// The lines under a table's title: worker count, seed, runs, and the flavour each runtime ran.
fn preamble(table: &Table, seed: u64, repeat: usize) -> Vec<String> {
    let mut lines = vec![format!("  --threads {} · seed {seed} · {}", table.threads, runs_per_cell(repeat))];
    for cell in &table.cells {
        lines.push(format!("  {:<12} {}", cell.runtime, cell.flavor()));
    }
    lines
}

/// Rows padded into columns (the first left-aligned, the rest right-aligned,
/// the header bold); returns the column widths too.
fn aligned(rows: &[Vec<String>]) -> (Vec<usize>, Vec<String>) {
    let columns = rows[0].len();
    let widths: Vec<usize> = (0..columns)
        .map(|i| rows.iter().map(|r| r.get(i).map_or(0, |t| width(t))).max().unwrap_or(0))
        .collect();
    let lines = rows
        .iter()
        .enumerate()
        .map(|(n, row)| {
            let mut line = String::from("  ");
            for (i, text) in row.iter().enumerate() {
                let pad = widths[i] - width(text);
                if i == 0 {
                    line.push_str(&format!("{text}{}", " ".repeat(pad)));
                } else {
                    line.push_str(&format!("  {}{text}", " ".repeat(pad)));
                }
            }
            if n == 0 { format!("{HEAD}{}{HEAD:#}", line.trim_end()) } else { line.trim_end().to_string() }
        })
        .collect();
    (widths, lines)
}

#[cfg(test)]
mod tests {
    use super::spread;

    #[test]
    fn spread_shows_one_value_when_runs_agree_and_min_median_max_otherwise() {
        assert_eq!(spread(&mut [5.0, 5.0]), "5");
        assert_eq!(spread(&mut [3.0, 1.0, 2.0]), "1 / 2 / 3");
        assert_eq!(spread(&mut [1.0, 2.0, 3.0, 10.0]), "1 / 2.50 / 10");
    }
}
