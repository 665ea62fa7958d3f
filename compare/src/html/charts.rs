//! The report's charts, drawn with plotters' SVG backend: a strip plot of one
//! metric over repeated runs and a line per runtime against the worker count
//! (the lane chart of a run's spans is in `lanes`). Each returns the SVG text.
//!
//! Every runtime has one fixed colour (the Okabe–Ito palette, safe for
//! colour-blind readers) and one marker shape, the same in every chart.

use plotters::coord::ranged1d::{AsRangedCoord, ValueFormatter};
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::format::{Unit, bytes, number};

/// A runtime's marker shape: circle, triangle, square, diamond, an
/// inverted triangle (compio), so that lines stay apart without colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Shape {
    Circle,
    Triangle,
    Square,
    Diamond,
    InvertedTriangle,
}

pub(crate) fn shape(runtime: &str) -> Shape {
    match runtime {
        "tokio" => Shape::Circle,
        "smol" => Shape::Triangle,
        "async-std" => Shape::Square,
        "compio" => Shape::InvertedTriangle,
        _ => Shape::Diamond,
    }
}

/// A runtime's colour: orange, blue, green, reddish purple, sky blue (compio), vermilion
/// (python) — the Okabe–Ito palette, told apart by most colour-blind readers; grey for any other.
pub(crate) fn colour(runtime: &str) -> RGBColor {
    match runtime {
        "tokio" => RGBColor(0xE6, 0x9F, 0x00),
        "smol" => RGBColor(0x00, 0x72, 0xB2),
        "async-std" => RGBColor(0x00, 0x9E, 0x73),
        "std-threads" => RGBColor(0xCC, 0x79, 0xA7),
        "compio" => RGBColor(0x56, 0xB4, 0xE9),
        "python" => RGBColor(0xD5, 0x5E, 0x00),
        _ => RGBColor(0x55, 0x55, 0x55),
    }
}

pub(super) const FONT: &str = "sans-serif";
pub(super) const INK: RGBColor = RGBColor(0x22, 0x22, 0x22);
pub(super) const GRID: RGBColor = RGBColor(0xDD, 0xDD, 0xDD);

/// The value axis for `values`: linear around them, or logarithmic when they
/// are all positive and span a decade or more — on a linear axis ×30 apart
/// (303 B beside 9.76 KiB) the small ones lie flat on the bottom.
struct Axis {
    lo: f64,
    hi: f64,
    log: bool,
    /// Every value is a whole number (a count): ticks between them are not labelled.
    whole: bool,
    /// The metric's unit: bytes are labelled in KiB, MiB.
    unit: Unit,
}

impl Axis {
    fn of(metric: &str, values: impl Iterator<Item = f64> + Clone) -> Self {
        let unit = Unit::of(metric);
        let whole = values.clone().all(|v| v.fract() == 0.0);
        let lo = values.clone().fold(f64::INFINITY, f64::min);
        let hi = values.fold(f64::NEG_INFINITY, f64::max);
        if !lo.is_finite() || !hi.is_finite() {
            return Self { lo: 0.0, hi: 1.0, log: false, whole, unit };
        }
        if lo > 0.0 && hi / lo >= 10.0 {
            return Self { lo: lo / 1.5, hi: hi * 1.5, log: true, whole, unit };
        }
        let pad = if hi > lo {
            (hi - lo) * 0.1
        } else if lo == 0.0 {
            1.0
        } else {
            lo.abs() * 0.1
        };
        // A magnitude near zero is drawn from zero.
        let lo = if lo >= 0.0 && lo - pad <= 0.0 { 0.0 } else { lo - pad };
        Self { lo, hi: hi + pad, log: false, whole, unit }
    }

    /// A tick's label: counts only at whole numbers.
    fn tick(&self, v: f64) -> String {
        if self.whole && v.fract() != 0.0 { String::new() } else { self.show(v) }
    }

    /// A value as a tick says it.
    fn show(&self, v: f64) -> String {
        if self.unit == Unit::Bytes { bytes(v) } else { number(v) }
    }

    /// The chart's title: the metric in the table's words (`name`), its unit
    /// (bytes say theirs on each tick), and the scale when it is logarithmic.
    fn describe(&self, name: &str) -> String {
        let unit = match self.unit {
            Unit::Bytes => String::new(),
            unit => unit.axis().map(|u| format!(" ({u})")).unwrap_or_default(),
        };
        format!("{name}{unit}{}", if self.log { ", log scale" } else { "" })
    }

    /// A log axis's ticks, at most about six: bytes at powers of two (256 B,
    /// 512 B, 1 KiB …, or every second or fourth power when there are more),
    /// the rest at 1, 2 and 5 times a power of ten, or at powers of ten alone
    /// when that would be more than seven. Each lies within the axis, the
    /// first below the smallest value (plotters' own start at the first
    /// power of ten, and leave the values under it without a label).
    fn log_ticks(&self) -> Vec<f64> {
        let thin = |powers: Vec<i32>, most: usize| {
            let step = powers.len().div_ceil(most).max(1) as i32;
            powers.into_iter().filter(|p| p.rem_euclid(step) == 0).collect::<Vec<i32>>()
        };
        if self.unit == Unit::Bytes {
            let powers = (self.lo.log2().ceil() as i32..=self.hi.log2().floor() as i32).collect();
            return thin(powers, 6).into_iter().map(|p| 2f64.powi(p)).collect();
        }
        let decades = self.lo.log10().floor() as i32..=self.hi.log10().floor() as i32;
        let steps: Vec<f64> = decades
            .clone()
            .flat_map(|k| [1.0, 2.0, 5.0].map(|m| m * 10f64.powi(k)))
            .filter(|v| (self.lo..=self.hi).contains(v))
            .collect();
        if steps.len() <= 7 {
            return steps;
        }
        let powers = decades.filter(|k| (self.lo..=self.hi).contains(&10f64.powi(*k))).collect();
        thin(powers, 6).into_iter().map(|k| 10f64.powi(k)).collect()
    }

    /// Pixels the tick labels need: the widest label at either end or
    /// between, at 8 pixels a character of the 12-pixel font, and the tick marks.
    fn label_area(&self) -> u32 {
        let mid = if self.log { (self.lo * self.hi).sqrt() } else { (self.lo + self.hi) / 2.0 };
        // The ends are padded off round numbers: round them as a tick would be.
        let widest =
            [self.lo, mid, self.hi].iter().map(|v| self.show(v.round()).chars().count()).max().unwrap_or(1);
        widest as u32 * 8 + 20
    }
}

type Root<'a> = DrawingArea<SVGBackend<'a>, plotters::coord::Shift>;

/// Draw with a value axis of either kind: `draw` is called with the root area
/// and the y range, linear or logarithmic.
macro_rules! on_axis {
    ($axis:expr, $draw:ident($($arg:expr),*)) => {
        if $axis.log {
            $draw($($arg,)* ($axis.lo..$axis.hi).log_scale().with_key_points($axis.log_ticks()))
        } else {
            $draw($($arg,)* $axis.lo..$axis.hi)
        }
    };
}

/// Render into an SVG string of `size` pixels.
pub(super) fn svg(
    size: (u32, u32),
    draw: impl FnOnce(&Root<'_>) -> Result<(), String>,
) -> Result<String, String> {
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, size).into_drawing_area();
        root.fill(&WHITE).map_err(|e| e.to_string())?;
        draw(&root)?;
        root.present().map_err(|e| e.to_string())?;
    }
    Ok(out)
}

/// A chart titled `name` on the value axis `y`, its grid and labels drawn; the
/// x axis (`x`, labelled by the caller below `x_area` pixels) has no ticks of its own.
fn value_chart<'a, 'b, Y>(
    root: &'a Root<'b>,
    x: std::ops::Range<f64>,
    x_area: u32,
    y: Y,
    axis: &Axis,
    name: &str,
) -> Result<ChartContext<'a, SVGBackend<'b>, Cartesian2d<RangedCoordf64, Y::CoordDescType>>, String>
where
    Y: AsRangedCoord<Value = f64>,
    Y::CoordDescType: ValueFormatter<f64>,
{
    // The axis title is the chart's caption, above it: beside the axis, a
    // rotated title ran into the tick labels whatever room they were given.
    let mut chart = ChartBuilder::on(root)
        .margin(10)
        .caption(axis.describe(name), (FONT, 13).into_font().color(&INK))
        .x_label_area_size(x_area)
        .y_label_area_size(axis.label_area())
        .build_cartesian_2d(x, y)
        .map_err(|e| e.to_string())?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_labels(0)
        .y_labels(5)
        .y_label_formatter(&|v| axis.tick(*v))
        .light_line_style(TRANSPARENT)
        .bold_line_style(GRID)
        .label_style((FONT, 12))
        .axis_desc_style((FONT, 13))
        .draw()
        .map_err(|e| e.to_string())?;
    Ok(chart)
}

/// One metric over repeated runs: a column of points per runtime (spread
/// sideways so equal values stay visible) and a bar at each median. `name` is
/// the metric as the table words it.
pub(crate) fn strip(metric: &str, name: &str, series: &[(&str, Vec<f64>)]) -> Result<String, String> {
    let axis = Axis::of(metric, series.iter().flat_map(|(_, v)| v.iter().copied()));
    svg((STRIP_WIDTH, 240), |root| on_axis!(axis, strip_on(root, &axis, name, series)))
}

const STRIP_WIDTH: u32 = 320;

/// Whether the runtimes' names under a strip plot, side by side, would run
/// into each other ("async-std" beside "std-threads"): at about 7 pixels a
/// character of the 12-pixel font and 6 pixels apart at least.
fn crowded(axis: &Axis, series: &[(&str, Vec<f64>)]) -> bool {
    let plot = STRIP_WIDTH.saturating_sub(20 + axis.label_area()) as f64;
    let column = plot / series.len().max(1) as f64;
    series.windows(2).any(|w| (w[0].0.chars().count() + w[1].0.chars().count()) as f64 * 3.5 + 6.0 > column)
}

fn strip_on<Y>(
    root: &Root<'_>,
    axis: &Axis,
    name: &str,
    series: &[(&str, Vec<f64>)],
    y: Y,
) -> Result<(), String>
where
    Y: AsRangedCoord<Value = f64>,
    Y::CoordDescType: ValueFormatter<f64>,
{
    let n = series.len() as f64;
    // Names that would touch take turns on two lines.
    let staggered = crowded(axis, series);
    let mut chart = value_chart(root, -0.5..n - 0.5, if staggered { 36 } else { 22 }, y, axis, name)?;
    for (i, (runtime, values)) in series.iter().enumerate() {
        let c = colour(runtime);
        let spread = |k: usize| ((k as f64 * 0.618_034).fract() - 0.5) * 0.5;
        let points = values.iter().enumerate().map(|(k, &v)| (i as f64 + spread(k), v));
        chart
            .draw_series(points.map(|p| Circle::new(p, 4, c.mix(0.8).filled())))
            .map_err(|e| e.to_string())?;
        // The one median the tables and the growth lines show too.
        if let Some(median) = demos_core::scenario::median(values.clone()) {
            let bar = [(i as f64 - 0.35, median), (i as f64 + 0.35, median)];
            chart
                .draw_series(std::iter::once(PathElement::new(bar, INK.stroke_width(2))))
                .map_err(|e| e.to_string())?;
        }
        let (x, y) = chart.backend_coord(&(i as f64, chart.y_range().start));
        let below = if staggered && i % 2 == 1 { 20 } else { 6 };
        root.draw(&Text::new(
            runtime.to_string(),
            (x, y + below),
            (FONT, 12).into_font().color(&INK).pos(Pos::new(HPos::Center, VPos::Top)),
        ))
        .map_err(|e| e.to_string())?;
    }
    Ok(())
}

/// One point of a line: the swept value, and the metric's min, median and
/// max over the repeated runs there.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Point {
    pub(crate) x: f64,
    pub(crate) min: f64,
    pub(crate) median: f64,
    pub(crate) max: f64,
}

/// One metric against a swept value (`--threads`): a line per runtime through
/// the medians, with a bar from min to max where runs differed. `name` is the
/// metric as the table words it.
pub(crate) fn lines(
    metric: &str,
    name: &str,
    swept: &str,
    series: &[(&str, Vec<Point>)],
) -> Result<String, String> {
    let axis = Axis::of(metric, series.iter().flat_map(|(_, p)| p.iter().flat_map(|p| [p.min, p.max])));
    svg((320, 250), |root| on_axis!(axis, lines_on(root, &axis, name, swept, series)))
}

fn lines_on<Y>(
    root: &Root<'_>,
    axis: &Axis,
    name: &str,
    swept: &str,
    series: &[(&str, Vec<Point>)],
    y: Y,
) -> Result<(), String>
where
    Y: AsRangedCoord<Value = f64>,
    Y::CoordDescType: ValueFormatter<f64>,
{
    let xs: Vec<f64> = series.iter().flat_map(|(_, p)| p.iter().map(|p| p.x)).collect();
    let (lo, hi) = (xs.iter().copied().fold(f64::INFINITY, f64::min), xs.iter().copied().fold(0.0, f64::max));
    // Swept values that span two decades (1000, 10000, 100000) are placed on a log scale.
    let log = lo > 0.0 && hi / lo >= 100.0;
    let at = |x: f64| if log { x.log10() } else { x };
    let (lo_at, hi_at) = (at(lo), at(hi));
    let pad = ((hi_at - lo_at) * 0.08).max(if log { 0.1 } else { 0.3 });
    let mut chart = value_chart(root, lo_at - pad..hi_at + pad, 36, y, axis, name)?;
    let bottom = chart.y_range().start;
    let mut ticks: Vec<f64> = xs.clone();
    ticks.sort_by(f64::total_cmp);
    ticks.dedup();
    for x in &ticks {
        let (px, py) = chart.backend_coord(&(at(*x), bottom));
        let style = (FONT, 11).into_font().color(&INK).pos(Pos::new(HPos::Center, VPos::Top));
        root.draw(&Text::new(number(*x), (px, py + 4), style)).map_err(|e| e.to_string())?;
    }
    let (px, py) = chart.backend_coord(&((lo_at + hi_at) / 2.0, bottom));
    let style = (FONT, 12).into_font().color(&INK).pos(Pos::new(HPos::Center, VPos::Top));
    let label = if log { format!("{swept} (log scale)") } else { swept.to_string() };
    root.draw(&Text::new(label, (px, py + 18), style)).map_err(|e| e.to_string())?;
    for (runtime, points) in series {
        let c = colour(runtime);
        chart
            .draw_series(LineSeries::new(points.iter().map(|p| (at(p.x), p.median)), c.stroke_width(2)))
            .map_err(|e| e.to_string())?;
        for p in points.iter().filter(|p| p.max > p.min) {
            let bar = [(at(p.x), p.min), (at(p.x), p.max)];
            chart
                .draw_series(std::iter::once(PathElement::new(bar, c.stroke_width(1))))
                .map_err(|e| e.to_string())?;
        }
        for p in points {
            let (x, y) = chart.backend_coord(&(at(p.x), p.median));
            root.draw(&marker(runtime, (x, y))).map_err(|e| e.to_string())?;
        }
    }
    Ok(())
}

/// A runtime's marker in its colour, at a pixel position.
pub(crate) fn marker<DB: DrawingBackend>(
    runtime: &str,
    (x, y): (i32, i32),
) -> DynElement<'static, DB, (i32, i32)> {
    let style = colour(runtime).filled();
    match shape(runtime) {
        Shape::Circle => Circle::new((x, y), 5, style).into_dyn(),
        Shape::Triangle => Polygon::new(vec![(x, y - 6), (x - 6, y + 5), (x + 6, y + 5)], style).into_dyn(),
        Shape::Square => Rectangle::new([(x - 5, y - 5), (x + 5, y + 5)], style).into_dyn(),
        Shape::Diamond => {
            Polygon::new(vec![(x, y - 6), (x + 6, y), (x, y + 6), (x - 6, y)], style).into_dyn()
        }
        Shape::InvertedTriangle => {
            Polygon::new(vec![(x, y + 6), (x - 6, y - 5), (x + 6, y - 5)], style).into_dyn()
        }
    }
}

/// A runtime's marker alone, as a small SVG for the page's legend.
pub(crate) fn swatch(runtime: &str) -> Result<String, String> {
    svg((16, 16), |root| root.draw(&marker(runtime, (8, 8))).map_err(|e| e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::Axis;

    #[test]
    fn values_a_decade_apart_go_on_a_log_axis_labelled_below_its_first_power_of_ten() {
        // Per-task memory ×33 apart: linear, the small ones would lie flat on the bottom.
        let rss = Axis::of("rss_bytes_per_task", [303.0, 426.0, 10_077.0].into_iter());
        assert!(rss.log);
        assert_eq!(rss.log_ticks(), [256.0, 512.0, 1024.0, 2048.0, 4096.0, 8192.0]);
        assert_eq!(rss.tick(1024.0), "1 KiB");
        let spawn = Axis::of("spawn_ns_per_task", [2353.0, 45_561.0].into_iter());
        assert_eq!(spawn.log_ticks(), [2000.0, 5000.0, 10_000.0, 20_000.0, 50_000.0]);
        // Four decades: the powers of ten alone.
        let threads = Axis::of("os_threads", [5.0, 10_003.0].into_iter());
        assert_eq!(threads.log_ticks(), [10.0, 100.0, 1000.0, 10_000.0]);
        // ×3 apart stays linear.
        assert!(!Axis::of("wake_all_ms", [95.5, 265.0].into_iter()).log);
    }
}
