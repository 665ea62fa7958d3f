//! What ran where and when. Scenarios record [`Span`]s — a task or job, the OS
//! thread that ran it, start and end — into a [`Recorder`]; [`lanes`] draws them
//! as rows of text so a reader sees at a glance whether tasks ran one after
//! another, interleaved, or in parallel.

use std::sync::Mutex;
use std::time::Instant;

use serde::{Deserialize, Serialize};

/// One step of one task, on one OS thread.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Span {
    /// The task or job, e.g. "task 2" or "blocking 5".
    pub task: String,
    /// What the step was, e.g. "step 3".
    pub label: String,
    /// Name of the OS thread that ran it (`"<unnamed>"` when it has none).
    pub thread: String,
    /// The OS thread's number in this process (from 1 up, in order of first
    /// use; see [`crate::workers::thread_number`]).
    pub thread_id: u64,
    /// Start, in microseconds since the recorder's origin.
    pub start_us: f64,
    /// End, in microseconds since the recorder's origin.
    pub end_us: f64,
}

/// A thread-safe collector of spans sharing one time origin.
///
/// ```
/// let rec = demos_core::timeline::Recorder::new();
/// let start = std::time::Instant::now();
/// rec.record("task 0", "step 0", start);
/// let spans = rec.take();
/// assert_eq!(spans.len(), 1);
/// assert!(spans[0].end_us >= spans[0].start_us);
/// ```
#[derive(Debug)]
pub struct Recorder {
    origin: Instant,
    enabled: bool,
    spans: Mutex<Vec<Span>>,
}

/// Most spans one recorder keeps; later ones are dropped, so a huge run with
/// the timeline on stays within memory (and a terminal could not show more).
pub const MAX_SPANS: usize = 100_000;

impl Default for Recorder {
    fn default() -> Self {
        Self::new()
    }
}

impl Recorder {
    /// A recorder whose origin is now.
    pub fn new() -> Self {
        Self { origin: Instant::now(), enabled: true, spans: Mutex::new(Vec::new()) }
    }

    /// A recorder that records nothing: one branch per call, so a scenario
    /// costs the same with the timeline off as without the calls.
    pub fn off() -> Self {
        Self { origin: Instant::now(), enabled: false, spans: Mutex::new(Vec::new()) }
    }

    /// Record that `task` ran `label` on the current thread from `start` until now.
    ///
    /// `task` is formatted only when recording is on: pass `format_args!(..)`,
    /// not `format!(..)`, so a hot path allocates nothing with the timeline off.
    pub fn record(&self, task: impl std::fmt::Display, label: impl Into<String>, start: Instant) {
        if self.enabled {
            self.record_until(task, label, start, Instant::now());
        }
    }

    /// Record that `task` ran `label` on the current thread from `start` to `end`.
    pub fn record_until(
        &self,
        task: impl std::fmt::Display,
        label: impl Into<String>,
        start: Instant,
        end: Instant,
    ) {
        if !self.enabled {
            return;
        }
        let (thread, thread_id) = current_thread();
        let span = Span {
            task: task.to_string(),
            label: label.into(),
            thread,
            thread_id,
            start_us: start.saturating_duration_since(self.origin).as_secs_f64() * 1e6,
            end_us: end.saturating_duration_since(self.origin).as_secs_f64() * 1e6,
        };
        let mut spans = self.spans.lock().expect("recording never panics");
        if spans.len() < MAX_SPANS {
            spans.push(span);
        }
    }

    /// Every span recorded so far, in start order, leaving the recorder empty.
    pub fn take(&self) -> Vec<Span> {
        let mut spans = std::mem::take(&mut *self.spans.lock().expect("recording never panics"));
        spans.sort_by(|a, b| a.start_us.total_cmp(&b.start_us));
        spans
    }
}

/// The current OS thread's name and numeric id.
pub fn current_thread() -> (String, u64) {
    let me = std::thread::current();
    let name = me.name().unwrap_or("<unnamed>").to_string();
    (name, crate::workers::thread_number()) // our own numbering: ThreadId's number is not public API
}

/// How many times consecutive steps, in start order, belong to different tasks.
///
/// ```
/// use demos_core::timeline::{switches, Span};
/// let span = |task: &str, t: f64| Span { task: task.into(), label: String::new(),
///     thread: String::new(), thread_id: 0, start_us: t, end_us: t + 1.0 };
/// assert_eq!(switches(&[span("a", 0.0), span("a", 1.0), span("b", 2.0)]), 1);
/// ```
pub fn switches<'a>(spans: impl IntoIterator<Item = &'a Span>) -> u64 {
    let mut ordered: Vec<&Span> = spans.into_iter().collect();
    ordered.sort_by(|a, b| a.start_us.total_cmp(&b.start_us));
    ordered.windows(2).filter(|w| w[0].task != w[1].task).count() as u64
}

/// [`lanes`] sized to fit `total` columns with its labels.
pub fn lanes_fitting(spans: &[Span], total: usize, by_thread: bool) -> Vec<String> {
    let label = spans
        .iter()
        .map(|s| if by_thread { s.thread.chars().count() + 6 } else { s.task.chars().count() })
        .max()
        .unwrap_or(0)
        .min(24);
    lanes(spans, total.saturating_sub(label + 2).max(20), by_thread)
}

/// The spans of several runs as one Chrome trace-event document, which
/// ui.perfetto.dev and chrome://tracing open. Each `(process, spans)` group
/// becomes a process (a runtime, or a scenario), each OS thread a track, each
/// span a complete ("X") slice whose arguments name the task. Every group's
/// times count from its own run's start, so runs line up side by side.
///
/// ```
/// use demos_core::timeline::{Span, chrome_trace};
/// let span = Span { task: "task 0".into(), label: "step".into(), thread: "main".into(),
///                   thread_id: 1, start_us: 5.0, end_us: 9.0 };
/// let trace = chrome_trace(&[("tokio".to_string(), vec![span])]);
/// let slice = &trace["traceEvents"].as_array().unwrap().last().unwrap();
/// assert_eq!((slice["ph"].as_str(), slice["dur"].as_f64()), (Some("X"), Some(4.0)));
/// ```
pub fn chrome_trace(groups: &[(String, Vec<Span>)]) -> serde_json::Value {
    let mut events = Vec::new();
    for (index, (process, spans)) in groups.iter().enumerate() {
        let pid = index + 1;
        events.push(serde_json::json!({ "name": "process_name", "ph": "M", "pid": pid, "tid": 0,
                                        "args": { "name": process } }));
        let mut threads: Vec<(u64, &str)> = spans.iter().map(|s| (s.thread_id, s.thread.as_str())).collect();
        threads.sort_unstable();
        threads.dedup();
        for (tid, name) in threads {
            events.push(serde_json::json!({ "name": "thread_name", "ph": "M", "pid": pid, "tid": tid,
                                            "args": { "name": format!("{name} ({tid})") } }));
        }
        for span in spans {
            events.push(serde_json::json!({
                "name": span.label, "cat": process, "ph": "X", "pid": pid, "tid": span.thread_id,
                "ts": span.start_us, "dur": (span.end_us - span.start_us).max(0.0),
                "args": { "task": span.task },
            }));
        }
    }
    serde_json::json!({ "traceEvents": events, "displayTimeUnit": "ms" })
}

/// Check that a trace can be written to `path` before any work starts: creates
/// (or truncates) the file. The error names the path and the reason.
pub fn prepare_trace(path: &std::path::Path) -> Result<std::fs::File, String> {
    std::fs::File::create(path).map_err(|e| format!("cannot write trace file '{}': {e}", path.display()))
}

/// Write `groups` as a Chrome trace to `file` (from [`prepare_trace`]).
pub fn write_trace(
    file: std::fs::File,
    path: &std::path::Path,
    groups: &[(String, Vec<Span>)],
) -> Result<(), String> {
    let mut out = std::io::BufWriter::new(file);
    serde_json::to_writer(&mut out, &chrome_trace(groups))
        .and_then(|()| std::io::Write::flush(&mut out).map_err(serde_json::Error::io))
        .map_err(|e| format!("cannot write trace file '{}': {e}", path.display()))
}

/// Draw spans as text lanes, one row per task (or per OS thread, `name#id`,
/// with `by_thread`), time running left to right over `width` columns. `#`
/// marks a column where the lane was inside a recorded step, `.` where not.
pub fn lanes(spans: &[Span], width: usize, by_thread: bool) -> Vec<String> {
    let Some(start) = spans.iter().map(|s| s.start_us).min_by(f64::total_cmp) else {
        return Vec::new();
    };
    let end = spans.iter().map(|s| s.end_us).max_by(f64::total_cmp).unwrap_or(start);
    let per_column = ((end - start) / width as f64).max(1e-9);
    // Threads often share a name (every tokio worker is "tokio-rt-worker"): key them by id too.
    let lane = |span: &Span| {
        if by_thread { format!("{}#{}", span.thread, span.thread_id) } else { span.task.clone() }
    };
    let mut names: Vec<String> = Vec::new();
    for span in spans {
        let name = lane(span);
        if !names.contains(&name) {
            names.push(name);
        }
    }
    let label_width = names.iter().map(|n| n.chars().count()).max().unwrap_or(0).min(24);
    let mut out = vec![format!(
        "{:label_width$}  0 ms{:>w$}",
        "",
        format!("{:.1} ms", (end - start) / 1e3),
        w = width - 4
    )];
    for name in &names {
        let mut row = vec!['.'; width];
        for span in spans.iter().filter(|s| &lane(s) == name) {
            let first = (((span.start_us - start) / per_column) as usize).min(width - 1);
            let last = ((((span.end_us - start) / per_column).ceil() as usize).max(first + 1)).min(width);
            row[first..last].iter_mut().for_each(|c| *c = '#');
        }
        let label: String = name.chars().take(label_width).collect();
        out.push(format!("{label:label_width$}  {}", row.into_iter().collect::<String>()));
    }
    out
}
