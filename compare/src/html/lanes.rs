//! The lane chart of one run's recorded spans: a lane per task or per OS
//! thread, time left to right, a shade of the runtime's colour per kind of
//! step, with a key — the report's counterpart of `--timeline`.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use demos_core::timeline::Span;

use super::charts::{FONT, GRID, INK, colour, svg};
use crate::format::{first_seen, number};

/// The `k`-th shade of a colour: itself, then lighter and darker in turn.
fn shade(RGBColor(r, g, b): RGBColor, k: usize) -> RGBColor {
    let towards = |to: f64, by: f64| {
        move |v: u8| (f64::from(v) + (to - f64::from(v)) * by).round().clamp(0.0, 255.0) as u8
    };
    let step = match k % 5 {
        0 => return RGBColor(r, g, b),
        1 => towards(255.0, 0.5),
        2 => towards(0.0, 0.4),
        3 => towards(255.0, 0.78),
        _ => towards(0.0, 0.65),
    };
    RGBColor(step(r), step(g), step(b))
}

/// The most lanes and spans a lane chart draws; the caption says when a run had more.
pub(crate) const MAX_LANES: usize = 32;
pub(crate) const MAX_SPANS: usize = 6_000;

/// A lane chart of one run's spans: a lane per task when there are few tasks,
/// per OS thread otherwise (as `--timeline` and `--by-thread` draw them),
/// time from the run's first span left to right. Returns the SVG and what the
/// lanes are.
pub(crate) fn lanes(runtime: &str, spans: &[Span]) -> Result<(String, String), String> {
    let tasks: std::collections::BTreeSet<&str> = spans.iter().map(|s| s.task.as_str()).collect();
    let by_thread = tasks.len() > MAX_LANES / 2;
    let key = |s: &Span| if by_thread { format!("{}#{}", s.thread, s.thread_id) } else { s.task.clone() };
    let mut names: Vec<String> = first_seen(spans.iter().map(key));
    if !by_thread {
        // "task 2" before "task 10", as in every runtime's chart alike.
        names.sort_by_cached_key(|name| {
            let stem = name.trim_end_matches(|c: char| c.is_ascii_digit());
            (stem.to_string(), name[stem.len()..].parse::<u64>().ok())
        });
    }
    // What each step was ("I/O", "waits: queue full"): a shade of the runtime's colour each.
    let labels: Vec<&str> = first_seen(spans.iter().map(|s| s.label.as_str()));
    let fill = |s: &Span| shade(colour(runtime), labels.iter().position(|l| *l == s.label).unwrap_or(0));
    let shown = names.len().min(MAX_LANES);
    let start = spans.iter().map(|s| s.start_us).fold(f64::INFINITY, f64::min);
    let end = spans.iter().map(|s| s.end_us).fold(start, f64::max);
    let total_ms = ((end - start) / 1e3).max(1e-3);
    let drawn: Vec<(usize, &Span)> = spans
        .iter()
        .filter_map(|s| {
            names.iter().position(|n| *n == key(s)).filter(|&lane| lane < shown).map(|lane| (lane, s))
        })
        .take(MAX_SPANS)
        .collect();
    let mut caption = format!(
        "{} lane(s), one per {}; {} span(s) over {} ms",
        names.len(),
        if by_thread { "OS thread" } else { "task" },
        spans.len(),
        number(total_ms)
    );
    if shown < names.len() || drawn.len() < spans.len() {
        caption.push_str(&format!(" — the first {shown} lanes and {} spans drawn", drawn.len()));
    }
    let label_width =
        names.iter().take(shown).map(|n| n.chars().count()).max().unwrap_or(4).min(28) as u32 * 7 + 12;
    let height = 76 + 18 * shown as u32;
    let svg = svg((960, height), |root| {
        // The key: each step's shade and label, along the top.
        let mut x = label_width as i32;
        for (k, label) in labels.iter().enumerate() {
            let swatch = Rectangle::new([(x, 6), (x + 12, 18)], shade(colour(runtime), k).filled());
            root.draw(&swatch).map_err(|e| e.to_string())?;
            let style = (FONT, 12).into_font().color(&INK).pos(Pos::new(HPos::Left, VPos::Center));
            root.draw(&Text::new(label.to_string(), (x + 17, 12), style)).map_err(|e| e.to_string())?;
            x += 17 + 7 * label.chars().count() as i32 + 18;
        }
        let mut chart = ChartBuilder::on(root)
            .margin(8)
            .margin_top(28)
            .margin_right(24)
            .x_label_area_size(34)
            .y_label_area_size(label_width)
            .build_cartesian_2d(0.0..total_ms, 0.0..shown as f64)
            .map_err(|e| e.to_string())?;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .y_labels(0)
            .x_labels(10)
            .x_desc("ms since the run's first span")
            .x_label_formatter(&|v| number(*v))
            .light_line_style(TRANSPARENT)
            .bold_line_style(GRID)
            .label_style((FONT, 11))
            .axis_desc_style((FONT, 12))
            .draw()
            .map_err(|e| e.to_string())?;
        // At least one pixel wide, so that the shortest step still shows.
        let pixel_ms = total_ms / 900.0;
        let lane_y = |lane: usize| (shown - 1 - lane) as f64;
        chart
            .draw_series(drawn.iter().map(|(lane, s)| {
                let x0 = (s.start_us - start) / 1e3;
                let x1 = ((s.end_us - start) / 1e3).max(x0 + pixel_ms);
                let y = lane_y(*lane);
                Rectangle::new([(x0, y + 0.15), (x1, y + 0.85)], fill(s).filled())
            }))
            .map_err(|e| e.to_string())?;
        for (lane, name) in names.iter().take(shown).enumerate() {
            let (x, y) = chart.backend_coord(&(0.0, lane_y(lane) + 0.5));
            let label: String = name.chars().take(28).collect();
            let style = (FONT, 11).into_font().color(&INK).pos(Pos::new(HPos::Right, VPos::Center));
            root.draw(&Text::new(label, (x - 6, y), style)).map_err(|e| e.to_string())?;
        }
        Ok(())
    })?;
    Ok((svg, caption))
}
