//! One table per scenario and worker count, made to be scanned: the metrics
//! that carry the scenario's lesson first, in words and units; the other
//! figures that differ after them; figures equal on every runtime folded into
//! one line; every check in one line unless one failed; and a conclusion
//! worded from the figures, naming the runtimes. Every line fits the width
//! (100 columns off a terminal): a table too wide for it continues in a second
//! block of columns.

use anstyle::{AnsiColor, Style};
use demos_core::Report;
use demos_core::scenario::{self, median};
use demos_core::wrap::paragraph;

use crate::format::{Unit, first_seen, label_among, width};
use crate::{Cell, Table};

pub(crate) const HEAD: Style = Style::new().bold();
pub(crate) const BAD: Style = AnsiColor::Red.on_default().bold();

/// The figure `key` over a cell's runs: one value when the runs agree, else
/// the median and the range ("12.3 ms (11.0–14.2)").
pub(crate) fn metric(reports: &[Report], key: &str) -> String {
    let values: Vec<&serde_json::Value> = reports.iter().filter_map(|r| r.metrics.get(key)).collect();
    if !values.is_empty() && values.iter().all(|v| v.is_boolean()) {
        let yes = values.iter().filter(|v| v.as_bool() == Some(true)).count();
        return match (yes, values.len()) {
            (y, n) if y == n => "yes".into(),
            (0, _) => "no".into(),
            (y, n) => format!("yes {y}/{n}"),
        };
    }
    let numbers: Vec<f64> = values.iter().filter_map(|v| v.as_f64()).collect();
    let unit = Unit::of(key);
    let (Some(&min), Some(&max)) =
        (numbers.iter().min_by(|a, b| a.total_cmp(b)), numbers.iter().max_by(|a, b| a.total_cmp(b)))
    else {
        return "—".into();
    };
    let mid = median(numbers.clone()).unwrap_or(min);
    if unit.show(min) == unit.show(max) {
        unit.show(mid)
    } else {
        format!("{} ({}–{})", unit.show(mid), unit.bare(min, mid), unit.bare(max, mid))
    }
}

/// The check `name` over a cell's runs. A check a Ctrl-C'd run ended before
/// is "part", not a failure.
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

/// Keys in first-seen order over every report of the cells.
fn keys<'a>(cells: &'a [Cell], of: impl Fn(&'a Report) -> Vec<&'a str>) -> Vec<&'a str> {
    first_seen(cells.iter().flat_map(|c| c.reports.iter()).flat_map(of))
}

/// A table's figures, sorted for a reader.
#[derive(Debug, Default)]
pub(crate) struct Figures {
    /// Rows that differ between runtimes: the lesson's first, then the rest.
    /// Each is (label, metric key, a cell per runtime).
    pub(crate) rows: Vec<(String, String, Vec<String>)>,
    /// How many of `rows` carry the lesson.
    pub(crate) lesson_rows: usize,
    /// Figures equal on every runtime: "label value".
    pub(crate) same: Vec<String>,
    /// Checks as (name, a cell per runtime); all of them, and whether all held.
    pub(crate) checks: Vec<(String, Vec<String>)>,
    pub(crate) all_held: bool,
    /// Some check was made on some runtimes only.
    pub(crate) some_not_everywhere: bool,
}

/// The figures of `cells`, the scenario's `lesson` metrics first.
pub(crate) fn figures(cells: &[Cell], lesson: &[&str], labels: &[(&str, &str)]) -> Figures {
    let metric_keys = keys(cells, |r| {
        r.metrics.as_object().map(|m| m.keys().map(String::as_str).collect()).unwrap_or_default()
    });
    let ordered = lesson
        .iter()
        .copied()
        .filter(|k| metric_keys.contains(k))
        .chain(metric_keys.iter().copied().filter(|k| !lesson.contains(k)));
    let named = |key: &str| {
        labels
            .iter()
            .find(|(k, _)| *k == key)
            .map_or_else(|| label_among(key, &metric_keys), |(_, l)| l.to_string())
    };
    let mut out = Figures::default();
    for key in ordered {
        let shown: Vec<String> = cells.iter().map(|c| metric(&c.reports, key)).collect();
        if shown.iter().all(|s| s == "—") {
            continue; // a figure no runtime here has (another runtime's probe)
        }
        if cells.len() > 1 && shown.windows(2).all(|w| w[0] == w[1]) {
            out.same.push(format!("{} {}", named(key), shown[0]));
        } else {
            out.lesson_rows += usize::from(lesson.contains(&key));
            out.rows.push((named(key), key.to_string(), shown));
        }
    }
    for name in keys(cells, |r| r.checks.iter().map(|c| c.name.as_str()).collect()) {
        out.checks.push((name.to_string(), cells.iter().map(|c| check(&c.reports, name)).collect()));
    }
    // A check only some runtimes make ("—" elsewhere: python's thread checks) held if it held where made.
    out.all_held = out.checks.iter().all(|(_, cells)| cells.iter().all(|c| c.starts_with("ok") || c == "—"));
    out.some_not_everywhere = out.checks.iter().any(|(_, cells)| cells.iter().any(|c| c == "—"));
    out
}

/// The figures as a grid for the report: a header of runtimes, the rows that
/// differ (the lesson's first), then every check.
pub(crate) fn grid_rows(table: &Table) -> (Vec<Vec<String>>, Figures) {
    let lesson = scenario::find(&table.name).map_or(&[][..], |s| s.lesson());
    let labels = scenario::find(&table.name).map_or(&[][..], |s| s.labels());
    let figures = figures(&table.cells, lesson, labels);
    let mut rows = vec![
        std::iter::once(String::new()).chain(table.cells.iter().map(|c| c.runtime.to_string())).collect(),
    ];
    rows.extend(
        figures.rows.iter().map(|(l, _, c)| std::iter::once(l.clone()).chain(c.iter().cloned()).collect()),
    );
    rows.extend(
        figures
            .checks
            .iter()
            .map(|(n, c)| std::iter::once(format!("✓ {n}")).chain(c.iter().cloned()).collect()),
    );
    (rows, figures)
}

/// "1 run per cell", or how repeated runs are summarised.
pub(crate) fn runs_per_cell(repeat: usize) -> String {
    if repeat == 1 {
        "1 run per cell".to_string()
    } else {
        format!("{repeat} runs per cell: the median, and the range (least–most) where they differ")
    }
}

/// The title of a table: the scenario, and the worker count asked for when
/// several were.
pub(crate) fn title(table: &Table, several_counts: bool) -> String {
    if several_counts { format!("{} (--threads {})", table.name, table.threads) } else { table.name.clone() }
}

/// The lines of one table.
pub(crate) fn render(table: &Table, seed: u64, repeat: usize, several_counts: bool) -> Vec<String> {
    let lesson = scenario::find(&table.name).map_or(&[][..], |s| s.lesson());
    let labels = scenario::find(&table.name).map_or(&[][..], |s| s.labels());
    let mut lines = vec![paragraph(
        "",
        "  ",
        &format!("{HEAD}{}{HEAD:#}: {}", title(table, several_counts), table.headline),
    )];
    lines.extend(preamble(table, seed, repeat));
    let figures = figures(&table.cells, lesson, labels);
    let header: Vec<String> = table.cells.iter().map(|c| c.runtime.to_string()).collect();
    let mut rows: Vec<(String, Vec<String>)> =
        figures.rows.iter().map(|(l, _, c)| (l.clone(), c.clone())).collect();
    if !figures.all_held {
        rows.extend(figures.checks.iter().map(|(name, cells)| (format!("✓ {name}"), cells.clone())));
    }
    lines.extend(blocks(&header, &rows, figures.lesson_rows));
    lines.extend(closing(&figures, table.cells.len(), repeat));
    lines.extend(skipped(std::slice::from_ref(table)));
    let conclusion = conclusion(table);
    if !conclusion.is_empty() {
        lines.push(paragraph("  → ", "    ", &conclusion));
    }
    lines.push(String::new());
    lines
}

/// The lines under the rows: the figures equal everywhere, and the checks.
fn closing(figures: &Figures, runtimes: usize, repeat: usize) -> Vec<String> {
    let mut lines = Vec::new();
    if !figures.same.is_empty() {
        let everywhere = if runtimes > 1 { "same on every runtime" } else { "also" };
        lines.push(paragraph(&format!("  {everywhere}: "), "    ", &figures.same.join(" · ")));
    }
    if figures.all_held && !figures.checks.is_empty() {
        let runs = if repeat > 1 { format!(", in all {repeat} runs") } else { String::new() };
        let names: Vec<&str> = figures.checks.iter().map(|(n, _)| n.as_str()).collect();
        lines.push(paragraph(
            "  checks: ",
            "    ",
            &format!(
                "every check held on every runtime{}{runs} — {}",
                if figures.some_not_everywhere { " that made it" } else { "" },
                names.join("; ")
            ),
        ));
    }
    lines
}

/// The scenario's conclusion over the table's runs.
pub(crate) fn conclusion(table: &Table) -> String {
    let Some(s) = scenario::find(&table.name) else { return String::new() };
    let columns: Vec<(&str, &str, &[Report])> =
        table.cells.iter().map(|c| (c.runtime, c.flavor(), c.reports.as_slice())).collect();
    s.conclude(&table.config, &columns)
}

/// A line per runtime a table ran without, or that gave no report, and why.
pub(crate) fn skipped(group: &[Table]) -> Vec<String> {
    group
        .iter()
        .flat_map(|t| {
            let at = t.point.as_ref().map(|p| format!(" at {p}")).unwrap_or_default();
            let not_run = t.skipped.iter().map(|(runtime, why)| format!("{runtime} not run{at}: {why}"));
            let failed = t.failed.iter().map(|(runtime, why)| format!("{runtime} gave no report{at}: {why}"));
            not_run.chain(failed).map(|line| paragraph("  ", "    ", &line)).collect::<Vec<_>>()
        })
        .collect()
}

/// The lines under a table's title: seed, runs, and what each runtime ran —
/// its flavour and the workers seen running tasks, not the option typed.
pub(crate) fn preamble(table: &Table, seed: u64, repeat: usize) -> Vec<String> {
    let mut lines = vec![format!("  seed {seed} · {}", runs_per_cell(repeat))];
    let name_width = table.cells.iter().map(|c| c.runtime.len()).max().unwrap_or(0);
    for cell in &table.cells {
        let seen = median(cell.reports.iter().map(|r| r.workers_observed as f64).collect()).unwrap_or(0.0);
        let workers = match seen as u64 {
            0 => String::new(),
            1 => " (1 worker seen running tasks)".to_string(),
            n => format!(" ({n} workers seen running tasks)"),
        };
        let first = format!("  {:<name_width$}  ", cell.runtime);
        lines.push(paragraph(&first, &" ".repeat(name_width + 6), &format!("{}{workers}", cell.flavor())));
    }
    lines
}

/// Rows under a header, padded into columns that fit the width: the first
/// column left-aligned, the rest right-aligned, the header bold; when the
/// runtimes' columns do not all fit, the rest follow in a further block under
/// the same labels. A thin rule parts the lesson's `lesson_rows` from the rest.
pub(crate) fn blocks(header: &[String], rows: &[(String, Vec<String>)], lesson_rows: usize) -> Vec<String> {
    let limit = demos_core::wrap::width();
    let label_width = rows.iter().map(|(l, _)| width(l)).max().unwrap_or(0).min(limit / 3);
    let column_width = |i: usize| {
        rows.iter()
            .map(|(_, c)| c.get(i).map_or(0, |t| width(t)))
            .chain([width(&header[i])])
            .max()
            .unwrap_or(0)
    };
    // Columns go into blocks greedily, each block as many as fit beside the labels.
    let mut spans: Vec<std::ops::Range<usize>> = Vec::new();
    let mut start = 0;
    let mut used = 2 + label_width;
    for i in 0..header.len() {
        let w = column_width(i) + 2;
        if i > start && used + w > limit {
            spans.push(start..i);
            start = i;
            used = 2 + label_width;
        }
        used += w;
    }
    spans.push(start..header.len());
    let mut lines = Vec::new();
    for (b, span) in spans.iter().enumerate() {
        if b > 0 {
            lines.push(String::new());
        }
        let widths: Vec<usize> = span.clone().map(column_width).collect();
        let line = |label: &str, cells: &mut dyn Iterator<Item = &String>| {
            let mut line = format!("  {label:<label_width$}");
            for (text, w) in cells.zip(&widths) {
                line.push_str(&format!("  {}{text}", " ".repeat(w.saturating_sub(width(text)))));
            }
            line.trim_end().to_string()
        };
        lines.push(format!("{HEAD}{}{HEAD:#}", line("", &mut header[span.clone()].iter())));
        for (n, (label, cells)) in rows.iter().enumerate() {
            if n == lesson_rows && n > 0 && lesson_rows < rows.len() {
                lines.push("  ··· other figures".to_string());
            }
            let label = if width(label) > label_width { shorten(label, label_width) } else { label.clone() };
            lines.push(line(&label, &mut cells[span.clone()].iter()));
        }
    }
    lines
}

/// `text` cut to `columns`, marked with an ellipsis.
fn shorten(text: &str, columns: usize) -> String {
    let mut out: String = text.chars().take(columns.saturating_sub(1)).collect();
    out.push('…');
    out
}
