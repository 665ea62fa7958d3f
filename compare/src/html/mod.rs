//! `compare --report FILE.html`: the runs of one `compare` as a page to look
//! at. One self-contained file — inline SVG and CSS, no script, no font, no
//! fetch — that opens from disk and prints: per table the headline, the
//! flavours that ran, the terminal's table, a chart per numeric metric, the
//! lanes of the recorded spans and the take-aways; across `--threads` a line
//! per runtime; then `differences`, the checks, the machine, the crate
//! versions and the command line that made it.

mod charts;
mod lanes;
mod machine;
mod series;
mod takeaways;

use std::ffi::OsString;
use std::path::Path;

use maud::{DOCTYPE, Markup, PreEscaped, html};

use crate::differences::{Answered, NOT_PROBED};

use crate::format::first_seen;
use crate::{Cell, Table, table};

/// Everything one report shows.
#[derive(Debug)]
pub(crate) struct Page {
    /// The command line that produced it, to reproduce it.
    pub(crate) command: String,
    pub(crate) seed: u64,
    pub(crate) repeat: usize,
    pub(crate) tables: Vec<Table>,
    /// `compare differences`: each probe's answers.
    pub(crate) differences: Option<Vec<Answered>>,
    pub(crate) interrupted: bool,
}

/// Create the report file before any run, so that an unwritable path is bad
/// input (exit 2) rather than work lost at the end.
pub(crate) fn prepare(path: &Path) -> Result<std::fs::File, String> {
    std::fs::File::create(path).map_err(|e| format!("cannot write report file '{}': {e}", path.display()))
}

/// Write `page` into `file` (from [`prepare`]); say where unless `quiet`.
pub(crate) fn write(file: std::fs::File, path: &Path, page: &Page, announce: bool) -> Result<(), String> {
    use std::io::Write;
    let mut out = std::io::BufWriter::new(file);
    out.write_all(render(page).into_string().as_bytes())
        .and_then(|()| out.flush())
        .map_err(|e| format!("cannot write report file '{}': {e}", path.display()))?;
    if announce {
        demos_core::cli::emit(&format!("report written to {} — open it in a browser", path.display()));
    }
    Ok(())
}

/// The command line as a shell would take it back: `compare` and each
/// argument, quoted where it needs to be.
pub(crate) fn command_line(args: &[OsString]) -> String {
    let quote = |arg: &OsString| {
        let arg = arg.to_string_lossy();
        if !arg.is_empty() && arg.chars().all(|c| c.is_ascii_alphanumeric() || "-_./=,:+@%".contains(c)) {
            arg.into_owned()
        } else {
            format!("'{}'", arg.replace('\'', r"'\''"))
        }
    };
    std::iter::once("compare".to_string()).chain(args.iter().skip(1).map(quote)).collect::<Vec<_>>().join(" ")
}

const STYLE: &str = include_str!("report.css");

fn render(page: &Page) -> Markup {
    let runtimes: Vec<&str> = runtimes(page);
    let title = match page.tables.first() {
        Some(t) if page.tables.iter().all(|o| o.name == t.name) => format!("compare {}", t.name),
        Some(_) => "compare all".to_string(),
        None => "compare differences".to_string(),
    };
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { "runtime-demos: " (title) }
                style { (PreEscaped(STYLE)) }
            }
            body {
                header {
                    h1 { "runtime-demos: " (title) }
                    p.command {
                        "Made by " code { (page.command) } " · seed " (page.seed)
                        @if !page.tables.is_empty() { " · " (table::runs_per_cell(page.repeat)) }
                    }
                    @if page.interrupted {
                        p.warn { "Ctrl-C stopped this run part-way: what follows covers what ran; a check marked “part” is one the run ended before." }
                    }
                    (legend(&runtimes))
                    (contents(page))
                }
                @for (i, t) in page.tables.iter().enumerate() {
                    (section(i, t, page.repeat))
                }
                @for across in series::series(&page.tables) {
                    (series::section(&across))
                }
                @if let Some(answered) = &page.differences {
                    (differences(answered))
                }
                @if !page.tables.is_empty() {
                    (checks(&page.tables))
                }
                (machine::section())
            }
        }
    }
}

/// Each runtime's colour and marker, as every chart draws them.
fn legend(runtimes: &[&str]) -> Markup {
    html! {
        ul.legend {
            @for rt in runtimes {
                li { span.marker { (PreEscaped(charts::swatch(rt).unwrap_or_default())) } (rt) }
            }
        }
    }
}

/// The runtimes in the order they ran.
fn runtimes(page: &Page) -> Vec<&str> {
    let tables = page.tables.iter().flat_map(|t| t.cells.iter().map(|c| c.runtime));
    let probed = page.differences.iter().flatten().flat_map(|a| a.answers.iter().map(|x| x.runtime));
    first_seen(tables.chain(probed))
}

fn anchor(i: usize, t: &Table) -> String {
    format!("{}-threads-{}-{i}", t.name, t.threads)
}

/// A table's title: the scenario, the swept value if any, the worker count.
fn title(t: &Table) -> String {
    match &t.point {
        Some(p) => format!("{} · {p} · --threads {}", t.name, t.threads),
        None => format!("{} · --threads {}", t.name, t.threads),
    }
}

fn contents(page: &Page) -> Markup {
    html! {
        nav {
            ol {
                @for (i, t) in page.tables.iter().enumerate() {
                    li { a href={ "#" (anchor(i, t)) } { (title(t)) } }
                }
                @for across in series::series(&page.tables) {
                    li { a href={ "#" (across.id) } { (across.title) } }
                }
                @if page.differences.is_some() { li { a href="#differences" { "differences" } } }
                @if !page.tables.is_empty() { li { a href="#checks" { "checks" } } }
                li { a href="#machine" { "machine and versions" } }
            }
        }
    }
}

/// The terminal's table, without its colours: a failed check is marked by class.
fn grid(rows: &[Vec<String>]) -> Markup {
    let plain = |text: &str| anstream::adapter::strip_str(text).to_string();
    html! {
        table.figures {
            thead { tr { @for head in &rows[0] { th { (head) } } } }
            tbody {
                @for row in &rows[1..] {
                    tr {
                        th { (row[0]) }
                        @for cell in &row[1..] {
                            @let text = plain(cell);
                            // A median and its range: the range on a line of its own, so
                            // five runtimes and python fit the page's width.
                            @if let Some((median, range)) = text.split_once(" (") {
                                td class=[verdict(&text)] { (median) br; span.range { "(" (range) } }
                            } @else {
                                td class=[verdict(&text)] { (text) }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn verdict(text: &str) -> Option<&'static str> {
    if text.starts_with("FAIL") {
        Some("fail")
    } else if text.starts_with("part") {
        Some("part")
    } else {
        None
    }
}

/// The numeric (not boolean) metrics of a table's runs, in first-seen order.
fn numeric_metrics(cells: &[Cell]) -> Vec<String> {
    let metrics =
        cells.iter().flat_map(|c| &c.reports).flat_map(|r| r.metrics.as_object().into_iter().flatten());
    first_seen(metrics.filter(|(_, value)| value.is_number()).map(|(key, _)| key.clone()))
}

/// A chart, or the reason it could not be drawn.
fn figure(class: &str, metric: &str, chart: Result<String, String>, caption: Markup) -> Markup {
    html! {
        figure class={ "chart " (class) } data-metric=(metric) {
            @match chart {
                Ok(svg) => (PreEscaped(svg)),
                Err(e) => p.warn { "chart not drawn: " (e) },
            }
            figcaption { (caption) }
        }
    }
}

/// The metrics a table charts: those that differ between runtimes and are
/// numbers, the scenario's lesson first (the order of the table's rows). A
/// figure equal on every runtime is in the one-line table instead, and one
/// that only one of several runtimes has compares nothing.
fn charted<'f>(t: &Table, figures: &'f table::Figures) -> Vec<(&'f str, &'f String)> {
    let numeric = numeric_metrics(&t.cells);
    let compared =
        |key: &String| t.cells.len() == 1 || t.cells.iter().filter(|c| !c.values(key).is_empty()).count() > 1;
    figures
        .rows
        .iter()
        .map(|(name, key, _)| (name.as_str(), key))
        .filter(|(_, key)| numeric.contains(key) && compared(key))
        .collect()
}

fn section(i: usize, t: &Table, repeat: usize) -> Markup {
    let runs = if repeat == 1 { "one run".to_string() } else { format!("{repeat} runs") };
    let (rows, figures) = table::grid_rows(t);
    let conclusion = table::conclusion(t);
    html! {
        section id=(anchor(i, t)) {
            h2 { (title(t)) }
            p.headline { (t.headline) }
            @if !conclusion.is_empty() {
                p.conclusion { (conclusion) }
            }
            table.flavors {
                @for cell in &t.cells {
                    tr { th { span.marker { (PreEscaped(charts::swatch(cell.runtime).unwrap_or_default())) } (cell.runtime) } td { (cell.flavor()) } }
                }
            }
            (grid(&rows))
            @if !figures.same.is_empty() {
                table.same {
                    caption { "Same on every runtime" }
                    tr { @for figure in &figures.same { td { (figure) } } }
                }
            }
            @let metrics = charted(t, &figures);
            @if !metrics.is_empty() {
                h3 { "Each figure that differs, " (runs) " per runtime" }
                p.note { "A dot per run, a bar at the median; the lesson's figures first." }
                div.charts {
                    @for (name, metric) in &metrics {
                        @let series: Vec<(&str, Vec<f64>)> = t.cells.iter().map(|c| (c.runtime, c.values(metric))).filter(|(_, v)| !v.is_empty()).collect();
                        (figure("strip", metric, charts::strip(metric, name, &series), html! {}))
                    }
                }
            }
            @if t.cells.iter().any(|c| c.reports.first().is_some_and(|r| !r.timeline.is_empty())) {
                h3 { "Timeline" }
                p.note { "Where each runtime's spans ran, first run: a bar per recorded step. The same spans open in ui.perfetto.dev with " code { "--trace" } "." }
                @for cell in &t.cells {
                    @if let Some(report) = cell.reports.first().filter(|r| !r.timeline.is_empty()) {
                        @let chart = lanes::lanes(cell.runtime, &report.timeline);
                        @let caption = chart.as_ref().map(|(_, c)| c.clone()).unwrap_or_default();
                        (figure("lanes", cell.runtime, chart.map(|(svg, _)| svg), html! { strong { (cell.runtime) } " — " (caption) }))
                    }
                }
            }
            h3 { "Take-aways" }
            (takeaways::list(t))
        }
    }
}

fn differences(answered: &[Answered]) -> Markup {
    let runtimes = first_seen(answered.iter().flat_map(|a| a.answers.iter().map(|x| x.runtime)));
    html! {
        section #differences {
            h2 { "differences: what each executor did when probed" }
            table.figures.probes {
                thead { tr { th { "probe" } @for rt in &runtimes { th { (rt) } } } }
                tbody {
                    @for a in answered {
                        tr {
                            th { (a.question) }
                            @for rt in &runtimes {
                                td { (a.answers.iter().find(|x| x.runtime == *rt).map_or("—", |x| x.observed.as_str())) }
                            }
                        }
                    }
                }
            }
            p.note { (NOT_PROBED) }
        }
    }
}

fn checks(tables: &[Table]) -> Markup {
    let runs: usize = tables.iter().flat_map(|t| &t.cells).map(|c| c.reports.len()).sum();
    let mut failed = Vec::new();
    for t in tables {
        for cell in &t.cells {
            for (run, report) in cell.reports.iter().enumerate() {
                for check in report.checks.iter().filter(|c| !c.passed) {
                    let what = if check.partial { "part" } else { "FAIL" };
                    failed.push((
                        what,
                        format!("{} · --threads {} · {} run {}", t.name, t.threads, cell.runtime, run + 1),
                        check,
                    ));
                }
            }
        }
    }
    html! {
        section #checks {
            h2 { "Checks" }
            @if failed.is_empty() {
                p.ok { "Every check held on every runtime, in all " (runs) " run(s)." }
            } @else {
                table.figures {
                    thead { tr { th { "" } th { "run" } th { "check" } th { "detail" } } }
                    tbody {
                        @for (what, run, check) in &failed {
                            tr { td class=[verdict(what)] { (what) } td { (run) } td { (check.name) } td { (check.detail) } }
                        }
                    }
                }
            }
        }
    }
}
