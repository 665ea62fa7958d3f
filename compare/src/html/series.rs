//! Lines across a sweep: tables of one scenario that differ only in
//! `--threads`, or in a `--sweep` option at one worker count, drawn as a line
//! per runtime through each metric's medians.

use maud::{Markup, html};

use super::{charts, figure, legend, numeric_metrics};
use crate::Table;
use crate::format::first_seen;

/// Tables of one scenario that differ in one value — the worker count, or
/// the swept option at each worker count — drawn as lines against it.
pub(super) struct Series<'a> {
    pub(super) id: String,
    pub(super) title: String,
    /// The axis: "--threads" or "--tasks".
    swept: String,
    tables: Vec<&'a Table>,
}

impl Series<'_> {
    fn x(&self, t: &Table) -> f64 {
        t.point.as_ref().map_or(t.threads as f64, |p| p.value as f64)
    }
}

/// Every series in the page, in the order their tables ran.
pub(super) fn series(tables: &[Table]) -> Vec<Series<'_>> {
    let key = |t: &Table| match &t.point {
        Some(p) => (t.name.clone(), Some((p.option.clone(), t.threads))),
        None => (t.name.clone(), None),
    };
    first_seen(tables.iter().map(key))
        .into_iter()
        .map(|k| {
            let (name, swept) = &k;
            let members: Vec<&Table> = tables.iter().filter(|t| key(t) == k).collect();
            match swept {
                Some((option, threads)) => Series {
                    id: format!("{name}-across-{option}-threads-{threads}"),
                    title: format!("{name} across --{option} (--threads {threads})"),
                    swept: format!("--{option}"),
                    tables: members,
                },
                None => Series {
                    id: format!("{name}-across-threads"),
                    title: format!("{name} across --threads"),
                    swept: "--threads".into(),
                    tables: members,
                },
            }
        })
        .filter(|s| s.tables.len() > 1)
        .collect()
}

pub(super) fn section(series: &Series<'_>) -> Markup {
    let tables = &series.tables;
    let runtimes = first_seen(tables.iter().flat_map(|t| t.cells.iter().map(|c| c.runtime)));
    let metrics = first_seen(tables.iter().flat_map(|t| numeric_metrics(&t.cells)));
    let point = |t: &Table, rt: &str, metric: &str| {
        let cell = t.cells.iter().find(|c| c.runtime == rt)?;
        let (min, median, max) = cell.min_median_max(metric)?;
        Some(charts::Point { x: series.x(t), min, median, max })
    };
    html! {
        section id=(series.id) {
            h2 { (series.title) }
            p.note { "Each metric against " code { (series.swept) } ": a line per runtime through the medians, a bar from min to max where runs differed." }
            (legend(&runtimes))
            div.charts {
                @for metric in &metrics {
                    @let lines: Vec<(&str, Vec<charts::Point>)> = runtimes.iter().map(|rt| (*rt, tables.iter().filter_map(|t| point(t, rt, metric)).collect::<Vec<_>>())).filter(|(_, p)| !p.is_empty()).collect();
                    (figure("series", metric, charts::lines(metric, &series.swept, &lines), html! { (metric) }))
                }
            }
        }
    }
}
