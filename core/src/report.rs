//! The envelope every scenario run goes out in: one JSON object per run (the
//! contract `compare` and scripts read), and the human text rendered from it.

use std::time::Duration;

use anstyle::{AnsiColor, Style};
use serde::{Deserialize, Serialize};

use crate::timeline::Span;
use crate::wrap::paragraph;

/// What a runtime observed while running a scenario: the flavour of executor
/// that actually ran, how long the run took, and the scenario's raw figures.
#[derive(Debug, Clone, PartialEq)]
pub struct Observed<M> {
    /// The executor that ran, e.g. "multi_thread, 2 workers".
    pub flavor: String,
    /// Wall time of the experiment, executor start-up included.
    pub elapsed: Duration,
    /// The scenario's figures.
    pub metrics: M,
    /// What ran where and when, for scenarios that record it.
    pub spans: Vec<Span>,
    /// Executor worker threads seen running the tasks, when measured
    /// elsewhere (a child process); `None` takes the count from the run's `Env`.
    pub workers_observed: Option<u64>,
}

impl<M> Observed<M> {
    /// Bundle an observation.
    pub fn new(flavor: impl Into<String>, elapsed: Duration, metrics: M) -> Self {
        Self { flavor: flavor.into(), elapsed, metrics, spans: Vec::new(), workers_observed: None }
    }

    /// The same observation with its recorded spans.
    pub fn with_spans(mut self, spans: Vec<Span>) -> Self {
        self.spans = spans;
        self
    }
}

/// One invariant, checked after the run.
///
/// ```
/// let c = demos_core::Check::new("mutex == expected", 5 == 5, "5/5");
/// assert!(c.passed);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Check {
    /// What must hold, stated as the property.
    pub name: String,
    /// Whether it held.
    pub passed: bool,
    /// The figures behind the verdict.
    pub detail: String,
    /// Set when the run was stopped early (Ctrl-C) and this check did not
    /// hold: the run ended before it could, which says nothing of a bug.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub partial: bool,
}

impl Check {
    /// A check named `name` with its verdict and supporting figures.
    pub fn new(name: impl Into<String>, passed: bool, detail: impl Into<String>) -> Self {
        Self { name: name.into(), passed, detail: detail.into(), partial: false }
    }
}

/// The report envelope every scenario run goes out in: printed as one JSON
/// line with `--json` (described in docs/reference.md, under JSON).
///
/// ```
/// let line = r#"{"scenario":"race","runtime":"tokio","flavor":"current_thread","threads":1,
///   "seed":42,"config":{"tasks":3},"metrics":{"expected":3},"checks":[],"elapsed_ms":1.5}"#;
/// let report: demos_core::Report = serde_json::from_str(line).unwrap();
/// assert!(report.passed());
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// Scenario name, as typed on the command line.
    pub scenario: String,
    /// Runtime name.
    pub runtime: String,
    /// The executor flavour that actually ran.
    pub flavor: String,
    /// Worker threads asked for with `--threads`.
    pub threads: usize,
    /// Distinct executor worker threads seen running the scenario's tasks
    /// (pool threads on std-threads; blocking-pool, manual and scoped threads
    /// do not count): measured, never copied from `threads`.
    #[serde(default)]
    pub workers_observed: u64,
    /// The seed of every random choice.
    pub seed: u64,
    /// The scenario's configuration.
    pub config: serde_json::Value,
    /// The scenario's figures: numbers and booleans only.
    pub metrics: serde_json::Value,
    /// Every invariant and whether it held.
    pub checks: Vec<Check>,
    /// Wall time of the run in milliseconds.
    pub elapsed_ms: f64,
    /// The spans the run recorded (what ran on which thread, when); left out
    /// of the JSON when the scenario records none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub timeline: Vec<Span>,
    /// True when Ctrl-C stopped the run early: its figures cover what was done,
    /// and a check that could not hold on a partial run is marked `partial`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub interrupted: bool,
    /// The lesson, worded from this run's figures, as the text summary ends
    /// with it (a stopped run draws none and says so).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub takeaway: String,
}

impl Report {
    /// True when every check held.
    pub fn passed(&self) -> bool {
        self.checks.iter().all(|c| c.passed)
    }

    /// The report as one line of JSON.
    pub fn to_json_line(&self) -> String {
        serde_json::to_string(self).expect("a report holds only strings, numbers and booleans")
    }

    /// The metrics as scenario `S`'s typed figures, so a reader names fields
    /// the compiler checks (`None` for another scenario's report).
    pub fn metrics_of<S: crate::Scenario>(&self) -> Option<S::Metrics> {
        (self.scenario == S::NAME).then(|| serde_json::from_value(self.metrics.clone()).ok()).flatten()
    }

    /// The configuration as scenario `S`'s typed config (`None` for another scenario's report).
    pub fn config_of<S: crate::Scenario>(&self) -> Option<S::Config> {
        (self.scenario == S::NAME).then(|| serde_json::from_value(self.config.clone()).ok()).flatten()
    }
}

const HEAD: Style = Style::new().bold();
const GOOD: Style = AnsiColor::Green.on_default().bold();
const BAD: Style = AnsiColor::Red.on_default().bold();
const PART: Style = AnsiColor::Yellow.on_default().bold();
const DIM: Style = Style::new().dimmed();

/// The line printed before a scenario starts (its live log follows).
pub fn render_headline(report_runtime: &str, scenario: &str, headline: &str) -> String {
    // The styles sit inside the wrapped text (they take no columns), so a long
    // runtime and flavour wrap like the rest.
    paragraph("", "  ", &format!("{HEAD}{scenario} on {report_runtime}{HEAD:#}: {headline}"))
}

/// The text a person reads after the run: figures, checks, take-away.
/// Styles are ANSI codes; print through `anstream` so they are stripped when
/// stdout is not a terminal or `NO_COLOR` is set.
pub fn render_summary(
    report: &Report,
    figures: &[(String, String)],
    details: &[String],
    takeaway: &str,
    try_next: Option<&str>,
) -> String {
    let mut out = String::new();
    let mut push = |first: &str, rest: &str, text: &str| {
        out.push_str(&paragraph(first, rest, text));
        out.push('\n');
    };
    let width = figures.iter().map(|(k, _)| k.chars().count()).max().unwrap_or(0);
    let ran_on = format!(
        "ran on {} ({}) · {} ms · seed {}",
        report.flavor,
        match report.workers_observed {
            0 => "no pool worker ran a task: each ran on a thread of its own".to_string(),
            1 => "1 worker seen running tasks".to_string(),
            n => format!("{n} workers seen running tasks"),
        },
        format_ms(report.elapsed_ms),
        report.seed
    );
    push(&format!("  {DIM}"), "    ", &format!("{ran_on}{DIM:#}"));
    // A figure that runs past the width continues under its value, not under its label.
    let hang = " ".repeat(width + 4);
    for (label, value) in figures {
        push(&format!("  {label:<width$}  "), &hang, value);
    }
    for line in details {
        push("  ", "    ", line);
    }
    for check in &report.checks {
        let mark = match (check.passed, check.partial) {
            (true, _) => format!("{GOOD}ok  {GOOD:#}"),
            (false, true) => format!("{PART}part{PART:#}"),
            (false, false) => format!("{BAD}FAIL{BAD:#}"),
        };
        push(&format!("  {mark} "), "       ", &format!("{} ({})", check.name, check.detail));
    }
    if report.interrupted {
        push(
            "  ",
            "  ",
            "(stopped early by Ctrl-C: the figures cover what ran; \"part\" marks a check the run ended before)",
        );
    }
    push(&format!("  {HEAD}take-away:{HEAD:#} "), "  ", takeaway);
    if let Some(next) = try_next.filter(|_| !report.interrupted) {
        push(&format!("  {DIM}try next:{DIM:#} "), "    ", next);
    }
    out
}

/// `n` and the noun, singular or plural as `n` needs: "1 thread", "2 threads",
/// "3 processes".
///
/// ```
/// use demos_core::report::counted;
/// assert_eq!(counted(1u64, "job"), "1 job");
/// assert_eq!(counted(0u64, "thread"), "0 threads");
/// assert_eq!(counted(3u32, "process"), "3 processes");
/// ```
pub fn counted(n: impl Into<u64>, noun: &str) -> String {
    let n = n.into();
    if n == 1 {
        format!("1 {noun}")
    } else if ["s", "x", "ch", "sh"].iter().any(|end| noun.ends_with(end)) {
        format!("{n} {noun}es")
    } else {
        format!("{n} {noun}s")
    }
}

/// Milliseconds with sensible precision for a human.
pub fn format_ms(ms: f64) -> String {
    if ms >= 100.0 { format!("{ms:.0}") } else { format!("{ms:.1}") }
}
