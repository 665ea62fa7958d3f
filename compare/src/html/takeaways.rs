//! A table's take-aways, each said once: runtimes whose take-aways read the
//! same but for their figures ("976 of 1000 lost" beside "999 of 1000 lost")
//! share one paragraph, its differing figures marked ①, ② … and given per
//! runtime in a small table under it.

use maud::{Markup, html};

use crate::Table;
use demos_core::scenario::{group_by, listed};

/// Units a figure carries in a take-away, longest first where one begins another.
const UNITS: [&str; 9] = ["KiB", "MiB", "GiB", "B", "ns", "µs", "us", "ms", "s"];

/// A text cut at its figures: `parts` has one more item than `figures`, and
/// the text is `parts[0] figures[0] parts[1] …`. A figure is a number (1000,
/// 1,000, 21.2, ×1.37) standing as a word of its own, with the unit after it
/// (625 B, 8.7 ms, 50%); digits inside a word (u64, fetch_add) are text.
pub(crate) fn mask(text: &str) -> (Vec<&str>, Vec<&str>) {
    let (mut parts, mut figures) = (Vec::new(), Vec::new());
    let next = |at: usize| text[at..].chars().next();
    let digit_at = |at: usize| next(at).is_some_and(|c| c.is_ascii_digit());
    let (mut start, mut at) = (0, 0);
    let mut prev: Option<char> = None;
    while let Some(c) = next(at) {
        let word_before = prev.is_some_and(|p| p.is_alphanumeric() || p == '_');
        let begins = !word_before && (c.is_ascii_digit() || (c == '×' && digit_at(at + c.len_utf8())));
        if !begins {
            prev = Some(c);
            at += c.len_utf8();
            continue;
        }
        let mut end = at + c.len_utf8();
        loop {
            match next(end) {
                Some(d) if d.is_ascii_digit() => end += 1,
                Some('.' | ',') if digit_at(end + 1) => end += 2,
                _ => break,
            }
        }
        // Digits that run into letters ("2nd") are a word, not a figure.
        if next(end).is_some_and(|d| d.is_alphanumeric() || d == '_') {
            prev = next(end - 1);
            at = end;
            continue;
        }
        let unit = text[end..].strip_prefix(' ').and_then(|after| {
            UNITS.iter().find(|u| {
                after.starts_with(*u)
                    && !after[u.len()..].starts_with(|x: char| x.is_alphanumeric() || x == '_')
            })
        });
        if let Some(unit) = unit {
            end += 1 + unit.len();
        } else if next(end) == Some('%') {
            end += 1;
        }
        parts.push(&text[start..at]);
        figures.push(&text[at..end]);
        prev = next(end - 1);
        (start, at) = (end, end);
    }
    parts.push(&text[start..]);
    (parts, figures)
}

/// One runtime's take-aways over its runs, grouped by their text with the
/// figures set aside: the most drawn first (the first drawn, on ties).
#[derive(Debug, Clone, PartialEq)]
struct Drawn<'a> {
    runtime: &'static str,
    /// Each text, its figures set aside, with the figures of each run that drew it.
    takeaways: Vec<(Vec<&'a str>, Vec<Vec<&'a str>>)>,
    /// Runs that drew a take-away.
    runs: usize,
}

impl<'a> Drawn<'a> {
    fn of(runtime: &'static str, texts: impl Iterator<Item = &'a str>) -> Option<Self> {
        let mut takeaways = group_by(texts.map(mask));
        // Stable: the most drawn first, first-seen among equals.
        takeaways.sort_by_key(|(_, runs)| std::cmp::Reverse(runs.len()));
        let runs = takeaways.iter().map(|(_, runs)| runs.len()).sum();
        (runs > 0).then_some(Self { runtime, takeaways, runs })
    }

    /// The lead take-away's figures: each figure the runs agree on once,
    /// else each run's in turn ("976 / 980").
    fn figures(&self) -> Vec<String> {
        let (parts, runs) = &self.takeaways[0];
        (0..parts.len() - 1)
            .map(|i| crate::format::first_seen(runs.iter().map(|figures| figures[i])).join(" / "))
            .collect()
    }
}

/// Take-aways that read the same but for their figures, said once for the
/// runtimes that drew them.
#[derive(Debug, PartialEq)]
pub(crate) struct Said<'a> {
    /// The runtimes, in the table's order.
    pub(crate) runtimes: Vec<&'static str>,
    /// The text between the figures (one more than the figures).
    pub(crate) parts: Vec<&'a str>,
    /// Each runtime's figures, in the order of `runtimes`: a figure its runs
    /// differed on is each run's in turn ("976 / 980").
    pub(crate) figures: Vec<Vec<String>>,
    /// Each runtime's runs that drew this take-away, and its runs in all.
    pub(crate) runs: Vec<(usize, usize)>,
    /// What other runs drew, one of each text (figures aside): (runtime,
    /// take-away, runs, runs in all).
    pub(crate) others: Vec<(&'static str, String, usize, usize)>,
}

impl Said<'_> {
    /// The figures that differ between the runtimes, by position.
    pub(crate) fn varying(&self) -> Vec<usize> {
        (0..self.parts.len() - 1)
            .filter(|&i| self.figures.iter().any(|f| f[i] != self.figures[0][i]))
            .collect()
    }

    /// Whether some runtime's runs differed on a figure.
    fn per_run(&self) -> bool {
        self.figures.iter().flatten().any(|f| f.contains(" / "))
    }
}

/// `parts` with `figures` put back between them.
fn join(parts: &[&str], figures: &[&str]) -> String {
    let mut text = String::new();
    for (i, part) in parts.iter().enumerate() {
        text.push_str(part);
        text.push_str(figures.get(i).copied().unwrap_or_default());
    }
    text
}

/// The take-aways of a table: each runtime's most-drawn one, grouped with
/// the runtimes whose take-away reads the same once its figures are set aside.
pub(crate) fn said(t: &Table) -> Vec<Said<'_>> {
    let drawn = t.cells.iter().filter_map(|cell| {
        let drawn = Drawn::of(
            cell.runtime,
            cell.reports.iter().map(|r| r.takeaway.as_str()).filter(|t| !t.is_empty()),
        )?;
        Some((drawn.takeaways[0].0.clone(), drawn))
    });
    group_by(drawn)
        .into_iter()
        .map(|(parts, drawn): (Vec<&str>, Vec<Drawn<'_>>)| Said {
            runtimes: drawn.iter().map(|d| d.runtime).collect(),
            parts,
            figures: drawn.iter().map(Drawn::figures).collect(),
            runs: drawn.iter().map(|d| (d.takeaways[0].1.len(), d.runs)).collect(),
            others: drawn
                .iter()
                .flat_map(|d| {
                    d.takeaways[1..]
                        .iter()
                        .map(|(parts, runs)| (d.runtime, join(parts, &runs[0]), runs.len(), d.runs))
                })
                .collect(),
        })
        .collect()
}

/// ① … ⑳ for the figures a paragraph leaves to its table; [21] on.
fn mark(n: usize) -> String {
    char::from_u32(0x2460 + n as u32).filter(|_| n < 20).map_or(format!("[{}]", n + 1), String::from)
}

/// "(2 of 3 runs)" where a runtime ran more than once, per runtime when they
/// differ; and how a figure the runs differed on is given.
fn runs_note(said: &Said<'_>) -> String {
    let note = |(n, total): (usize, usize)| format!("{n} of {total} runs");
    let runs = if said.runs.iter().all(|(_, total)| *total <= 1) {
        return String::new();
    } else if said.runs.windows(2).all(|w| w[0] == w[1]) {
        note(said.runs[0])
    } else {
        let each: Vec<String> =
            said.runtimes.iter().zip(&said.runs).map(|(rt, runs)| format!("{rt} {}", note(*runs))).collect();
        each.join(", ")
    };
    let per_run = if said.per_run() { "; where the runs differed, each run's figure in turn" } else { "" };
    format!("({runs}{per_run})")
}

/// The take-aways as a definition list: who drew it, then what it says.
pub(crate) fn list(t: &Table) -> Markup {
    html! {
        dl.takeaways {
            @for said in said(t) {
                @let varying = said.varying();
                @let note = runs_note(&said);
                dt { (listed(&said.runtimes)) }
                dd {
                    @for (i, part) in said.parts.iter().enumerate() {
                        (part)
                        @if let Some(figure) = said.figures[0].get(i) {
                            @match varying.iter().position(|&v| v == i) {
                                Some(n) => span.slot { (mark(n)) },
                                None => (figure),
                            }
                        }
                    }
                    @if !note.is_empty() { " " span.note { (note) } }
                }
                @if !varying.is_empty() {
                    dd {
                        table.figures.slots {
                            thead { tr { th { "" } @for n in 0..varying.len() { th { (mark(n)) } } } }
                            tbody {
                                @for (rt, figures) in said.runtimes.iter().zip(&said.figures) {
                                    tr { th { (rt) } @for &i in &varying { td { (figures[i]) } } }
                                }
                            }
                        }
                    }
                }
                @if !said.others.is_empty() {
                    dd {
                        details {
                            summary { "other runs drew " (said.others.len()) " other take-away(s)" }
                            @for (rt, takeaway, runs, total) in &said.others {
                                p {
                                    @if said.runtimes.len() > 1 { strong { (rt) } ": " }
                                    (takeaway) " " span.note {
                                        "(" (runs) " of " (total) " runs" @if *runs > 1 { "; the first one's figures" } ")"
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Cell;

    #[test]
    fn figures_are_numbers_standing_alone_with_their_units() {
        let (parts, figures) = mask(
            "each of the 10,000 tasks cost 625 B and 1.5 ms, ×1.37 in u64 fetch_add on 2nd go, 50% sure",
        );
        assert_eq!(figures, ["10,000", "625 B", "1.5 ms", "×1.37", "50%"]);
        assert_eq!(parts[0], "each of the ");
        assert_eq!((parts[4], parts[5]), (" in u64 fetch_add on 2nd go, ", " sure"));
        assert_eq!(parts.len(), figures.len() + 1);
        let (parts, figures) = mask("a future (216 bytes here), 5 OS threads. 7");
        assert_eq!(
            (parts, figures),
            (vec!["a future (", " bytes here), ", " OS threads. ", ""], vec!["216", "5", "7"])
        );
    }

    fn table(takeaways: &[(&'static str, &[&str])]) -> Table {
        let cells = takeaways
            .iter()
            .map(|(runtime, said)| Cell {
                runtime,
                reports: said
                    .iter()
                    .map(|takeaway| {
                        let report = serde_json::json!({ "scenario": "race", "runtime": runtime, "flavor": "",
                            "threads": 1, "seed": 42, "config": {}, "metrics": {}, "checks": [],
                            "elapsed_ms": 1.0, "takeaway": takeaway });
                        serde_json::from_value(report).expect("a report")
                    })
                    .collect(),
            })
            .collect();
        Table {
            name: "race".into(),
            headline: String::new(),
            config: serde_json::Value::Null,
            threads: 1,
            point: None,
            cells,
            skipped: Vec::new(),
            failed: Vec::new(),
        }
    }

    #[test]
    fn a_take_away_said_by_several_runtimes_but_for_its_figures_is_said_once_with_theirs() {
        let t = table(&[
            ("tokio", &["976 of 1000 lost: a race"]),
            ("smol", &["no update lost, by luck"]),
            ("async-std", &["999 of 1000 lost: a race"]),
            ("compio", &["999 of 1000 lost: a race"]),
        ]);
        let grouped = said(&t);
        assert_eq!(grouped.len(), 2, "{grouped:?}");
        assert_eq!(
            (grouped[0].runtimes.as_slice(), grouped[0].parts.as_slice()),
            (&["tokio", "async-std", "compio"][..], &["", " of ", " lost: a race"][..])
        );
        // Only the figure that differs is left to the table; 1000 is said in the text.
        assert_eq!(grouped[0].varying(), [0]);
        assert_eq!(
            grouped[0].figures.iter().map(|f| f[0].as_str()).collect::<Vec<_>>(),
            ["976", "999", "999"]
        );
        assert_eq!(grouped[1].runtimes, ["smol"]);
        let page = list(&t).into_string();
        assert_eq!(page.matches("lost: a race").count(), 1, "{page}");
        assert!(page.contains("tokio, async-std and compio"), "{page}");
        // Runs that drew different take-aways: the most drawn leads, the other is kept.
        let t = table(&[("tokio", &["a", "b", "b"]), ("smol", &["b"])]);
        let once = said(&t);
        assert_eq!(once.len(), 1);
        assert_eq!((once[0].parts.as_slice(), once[0].runs.as_slice()), (&["b"][..], &[(2, 3), (1, 1)][..]));
        assert_eq!(once[0].others, [("tokio", "a".to_string(), 1, 3)]);
        // Runs that drew one take-away with other figures: said once, each run's figure in turn.
        let t = table(&[
            ("tokio", &["lost 9 of 10", "lost 7 of 10"]),
            ("smol", &["lost 10 of 10", "lost 10 of 10"]),
        ]);
        let drawn = said(&t);
        assert_eq!(drawn.len(), 1);
        assert_eq!(drawn[0].figures, [["9 / 7", "10"], ["10", "10"]]);
        assert_eq!((drawn[0].runs.as_slice(), drawn[0].varying()), (&[(2, 2), (2, 2)][..], vec![0]));
        let page = list(&t).into_string();
        assert!(
            page.contains("2 of 2 runs; where the runs differed, each run") && page.contains("9 / 7"),
            "{page}"
        );
    }
}
