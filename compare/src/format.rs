//! How `compare` writes a figure, for the terminal tables, the sweeps and the
//! report's charts alike: a metric's name in words, its unit from the name's
//! ending, and its value in that unit.

/// The unit a metric is counted in, read from its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Unit {
    /// `…_ms`, `…_ms_…`: milliseconds.
    Ms,
    /// `…_us`: microseconds.
    Us,
    /// `…_ns…`: nanoseconds.
    Ns,
    /// `…bytes…`: bytes, shown in B, KiB, MiB or GiB.
    Bytes,
    /// `…_per_s`: a rate.
    PerS,
    /// A ratio (`speedup`, `imbalance`): ×1.93.
    Times,
    /// A count or a plain number.
    Plain,
}

impl Unit {
    /// The unit of the metric `key`.
    pub(crate) fn of(key: &str) -> Self {
        if key.ends_with("_ms") || key.contains("_ms_") {
            Self::Ms
        } else if key.ends_with("_us") {
            Self::Us
        } else if key.ends_with("_ns") || key.contains("_ns_") {
            Self::Ns
        } else if key.split('_').any(|w| w == "bytes") {
            Self::Bytes
        } else if key.ends_with("_per_s") {
            Self::PerS
        } else if key.ends_with("speedup") || key.ends_with("imbalance") {
            Self::Times
        } else {
            Self::Plain
        }
    }

    /// The suffix an axis title carries ("ms", "bytes"), if any.
    pub(crate) fn axis(self) -> Option<&'static str> {
        match self {
            Self::Ms => Some("ms"),
            Self::Us => Some("µs"),
            Self::Ns => Some("ns"),
            Self::Bytes => Some("bytes"),
            Self::PerS => Some("per second"),
            Self::Times => Some("×"),
            Self::Plain => None,
        }
    }

    /// `x` in this unit, as a person reads it.
    pub(crate) fn show(self, x: f64) -> String {
        match self {
            Self::Ms => format!("{} ms", number(x)),
            Self::Us if x >= 10_000.0 => format!("{} ms", number(x / 1e3)),
            Self::Us => format!("{} µs", number(x)),
            Self::Ns => format!("{} ns", number(x)),
            Self::Bytes => bytes(x),
            Self::PerS => format!("{}/s", grouped(x)),
            Self::Times => format!("×{}", number(x)),
            Self::Plain => grouped(x),
        }
    }

    /// `x` without the unit, for a bound of a range ("11.0–14.2"), in the
    /// scale `median` is shown in: "12.5 ms (9.84–15.5)", not "(9839–15.5)".
    pub(crate) fn bare(self, x: f64, median: f64) -> String {
        match self {
            Self::Us if median >= 10_000.0 => number(x / 1e3),
            Self::Bytes => bytes(x),
            Self::PerS | Self::Plain => grouped(x),
            _ => number(x),
        }
    }
}

/// A metric's name in words, its unit left to the value: `lost_updates` →
/// "lost updates", `rss_bytes_per_task` → "rss per task", `sequential_ms` →
/// "sequential".
pub(crate) fn label(key: &str) -> String {
    let words: Vec<&str> = key.split('_').filter(|w| !matches!(*w, "ms" | "us" | "ns" | "bytes")).collect();
    let words = match words.as_slice() {
        [rest @ .., "per", "s"] if !rest.is_empty() => rest.to_vec(),
        _ => words,
    };
    if words.is_empty() { key.replace('_', " ") } else { words.join(" ") }
}

/// [`label`], told apart from the other `keys` it would read the same as: a
/// time ("mutex_ms" beside "mutex") says so — "mutex time".
pub(crate) fn label_among(key: &str, keys: &[&str]) -> String {
    let plain = label(key);
    let timed = matches!(Unit::of(key), Unit::Ms | Unit::Us | Unit::Ns);
    if timed && keys.iter().any(|k| *k != key && label(k) == plain) { format!("{plain} time") } else { plain }
}

/// A number as a person reads it: whole numbers whole, others to about three
/// significant digits.
pub(crate) fn number(x: f64) -> String {
    if (x.fract() == 0.0 && x.abs() < 1e15) || x.abs() >= 100.0 {
        format!("{x:.0}")
    } else if x.abs() >= 10.0 {
        format!("{x:.1}")
    } else {
        format!("{x:.2}")
    }
}

/// A whole number with its thousands marked ("1,000,000"); others as [`number`].
pub(crate) fn grouped(x: f64) -> String {
    if x.abs() < 10_000.0 || x.abs() >= 1e15 {
        return number(x);
    }
    let digits = format!("{:.0}", x.abs());
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if x < 0.0 { format!("-{out}") } else { out }
}

/// Bytes in the largest binary unit that keeps the figure at least 1.
pub(crate) fn bytes(x: f64) -> String {
    const UNITS: [&str; 4] = ["B", "KiB", "MiB", "GiB"];
    let mut value = x;
    let mut unit = 0;
    while value.abs() >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    format!("{} {}", number(value), UNITS[unit])
}

/// The visible width of a cell (styles excluded).
pub(crate) fn width(text: &str) -> usize {
    demos_core::wrap::display_width(text)
}

/// Items in the order first seen, each once.
pub(crate) fn first_seen<T: PartialEq>(items: impl IntoIterator<Item = T>) -> Vec<T> {
    demos_core::scenario::group_by(items.into_iter().map(|item| (item, ())))
        .into_iter()
        .map(|(item, _)| item)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_metric_reads_in_words_and_units() {
        assert_eq!((label("lost_updates"), Unit::of("lost_updates")), ("lost updates".into(), Unit::Plain));
        assert_eq!((label("sequential_ms"), Unit::of("sequential_ms")), ("sequential".into(), Unit::Ms));
        assert_eq!(label("rss_bytes_per_task"), "rss per task");
        // A time that would read as a count beside it says it is a time; alone it need not.
        assert_eq!((label("busy_ms_max"), Unit::of("busy_ms_max")), ("busy max".into(), Unit::Ms));
        assert_eq!(label_among("mutex_ms", &["mutex", "mutex_ms"]), "mutex time");
        assert_eq!(label_among("mutex", &["mutex", "mutex_ms"]), "mutex");
        assert_eq!(label_among("loop_ms", &["loop_items", "loop_ms"]), "loop");
        assert_eq!(Unit::of("rss_bytes_per_task").show(465.0), "465 B");
        assert_eq!(Unit::of("rss_bytes").show(6_840_320.0), "6.52 MiB");
        assert_eq!(label("spawn_ns_per_task"), "spawn per task");
        assert_eq!(Unit::of("spawn_ns_per_task"), Unit::Ns);
        assert_eq!(
            (label("round_trips_per_s"), Unit::of("round_trips_per_s").show(141_428.0)),
            ("round trips".into(), "141,428/s".into())
        );
        assert_eq!(Unit::of("speedup").show(1.934), "×1.93");
        assert_eq!(Unit::of("loop_items").show(1_000_000.0), "1,000,000");
        assert_eq!(Unit::of("p99_us").show(962.0), "962 µs");
        // A range's bounds take the median's scale, though one of them would be shown in another.
        assert_eq!(Unit::Us.bare(9_839.0, 12_500.0), "9.84");
        assert_eq!(Unit::Us.bare(12_513.0, 1_616.0), "12513");
        assert_eq!(Unit::of("max_us").show(14_527.0), "14.5 ms");
    }

    #[test]
    fn every_futures_metric_label_fits_a_tables_label_column_whole() {
        // `blocks` gives labels a third of the width at most, cutting longer ones with "…".
        let most = demos_core::wrap::DEFAULT_WIDTH / 3;
        let m = demos_core::FuturesMetrics {
            os_threads_before_detached_panic: Some(2),
            os_threads_alive_after_panic: Some(2),
            callbacks_before_await: Some(0),
            ..Default::default()
        };
        let keys = serde_json::to_value(m).expect("plain data");
        for key in keys.as_object().expect("an object").keys() {
            assert!(width(&label(key)) <= most, "'{}' is cut to {most} columns", label(key));
        }
    }
}
