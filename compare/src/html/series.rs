//! Lines across a sweep: tables of one scenario that differ only in
//! `--threads`, or in a `--sweep` option at one worker count, drawn as a line
//! per runtime through each metric's medians.

use maud::{Markup, html};

use super::{charts, figure, legend, numeric_metrics};
use demos_core::scenario;

use crate::format::{first_seen, label_among};
use crate::{Table, sweep};

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
    let point = |t: &Table, rt: &str, metric: &str| {
        let cell = t.cells.iter().find(|c| c.runtime == rt)?;
        let (min, median, max) = cell.min_median_max(metric)?;
        Some(charts::Point { x: series.x(t), min, median, max })
    };
    // The lesson's figures first. No line for a figure the runtimes agreed on at every value
    // (it moved with the option, if at all, alike everywhere), nor for one only one of several had.
    let lesson = tables.first().and_then(|t| scenario::find(&t.name)).map_or(&[][..], |s| s.lesson());
    let all = first_seen(tables.iter().flat_map(|t| numeric_metrics(&t.cells)));
    let moved = |metric: &String| {
        let had = runtimes
            .iter()
            .filter(|rt| {
                tables
                    .iter()
                    .any(|t| t.cells.iter().any(|c| c.runtime == **rt && !c.values(metric).is_empty()))
            })
            .count();
        let differ = tables.iter().any(|t| {
            let medians: Vec<f64> =
                t.cells.iter().filter_map(|c| c.min_median_max(metric)).map(|m| m.1).collect();
            medians.windows(2).any(|w| w[0] != w[1])
        });
        runtimes.len() == 1 || (had > 1 && differ)
    };
    let keys: Vec<&str> = all.iter().map(String::as_str).collect();
    let metrics: Vec<&String> = all
        .iter()
        .filter(|m| lesson.contains(&m.as_str()))
        .chain(all.iter().filter(|m| !lesson.contains(&m.as_str())))
        .filter(|m| moved(m))
        .collect();
    let growth = tables.first().is_some_and(|t| t.point.is_some()).then(|| sweep::growth(tables)).flatten();
    html! {
        section id=(series.id) {
            h2 { (series.title) }
            @if let Some(growth) = &growth {
                p.conclusion { (growth.intro) }
                dl.growth {
                    @for (label, how) in &growth.rows {
                        dt { (label) }
                        dd { (how) }
                    }
                }
            }
            p.note { "Each figure on which the runtimes differed, against " code { (series.swept) } ": a line per runtime through the medians, a bar from min to max where runs differed; the lesson's figures first." }
            (legend(&runtimes))
            div.charts {
                @for metric in metrics {
                    @let lines: Vec<(&str, Vec<charts::Point>)> = runtimes.iter().map(|rt| (*rt, tables.iter().filter_map(|t| point(t, rt, metric)).collect::<Vec<_>>())).filter(|(_, p)| !p.is_empty()).collect();
                    (figure("series", metric, charts::lines(metric, &label_among(metric, &keys), &series.swept, &lines), html! {}))
                }
            }
        }
    }
}
