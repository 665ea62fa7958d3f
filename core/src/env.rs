//! What every scenario call shares: worker threads, seed, and the live log.

use std::io::Write;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The environment of one scenario run.
///
/// ```
/// let env = demos_core::Env::quiet(4, 7);
/// assert_eq!((env.threads, env.seed), (4, 7));
/// env.log.line("not printed: the log is off");
/// ```
#[derive(Debug, Clone)]
pub struct Env {
    /// Worker threads the executor should run (1 = a single-threaded flavour).
    pub threads: usize,
    /// Seed of every random choice the scenario makes.
    pub seed: u64,
    /// The bounded live log of events that make the scenario's point.
    pub log: Log,
    /// Record what ran where and when (`--timeline`, `--trace`). Off by default;
    /// scenarios whose figures come from the timeline (threads, scheduling)
    /// record regardless.
    pub timeline: bool,
    /// The executor worker threads that ran this run's tasks, as observed
    /// (clones of an `Env` share it; a new `Env` starts empty).
    pub workers: Arc<crate::workers::WorkerSet>,
}

impl Env {
    /// An environment with the live log switched off (tests, JSON output).
    pub fn quiet(threads: usize, seed: u64) -> Self {
        Self { threads, seed, log: Log::off(), timeline: false, workers: Arc::default() }
    }

    /// An environment with its live log and timeline as given.
    pub fn new(threads: usize, seed: u64, log: Log, timeline: bool) -> Self {
        Self { threads, seed, log, timeline, workers: Arc::default() }
    }

    /// The same environment with timeline recording on.
    pub fn recording(self) -> Self {
        Self { timeline: true, ..self }
    }

    /// A recorder that records if and only if the timeline is on.
    pub fn recorder(&self) -> crate::timeline::Recorder {
        if self.timeline { crate::timeline::Recorder::new() } else { crate::timeline::Recorder::off() }
    }
}

/// Where live-log lines go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sink {
    Off,
    Stdout,
    Stderr,
}

#[derive(Debug)]
struct LogState {
    sink: Sink,
    limit: usize,
    written: AtomicUsize,
}

/// A bounded, thread-safe live log. Cloning shares the same bound, so a scenario
/// can hand clones to every task and still print at most `limit` lines in all;
/// later lines are counted, and [`Log::finish`] says how many were left out.
#[derive(Debug, Clone)]
pub struct Log(Arc<LogState>);

impl Log {
    /// How many lines a scenario's live log shows by default.
    pub const DEFAULT_LIMIT: usize = 24;

    fn new(sink: Sink, limit: usize) -> Self {
        Self(Arc::new(LogState { sink, limit, written: AtomicUsize::new(0) }))
    }

    /// A log that drops every line.
    pub fn off() -> Self {
        Self::new(Sink::Off, 0)
    }

    /// A log printing at most `limit` lines to stdout as they happen.
    pub fn stdout(limit: usize) -> Self {
        Self::new(Sink::Stdout, limit)
    }

    /// A log printing at most `limit` lines to stderr (used by child workers,
    /// whose stdout carries the JSON report).
    pub fn stderr(limit: usize) -> Self {
        Self::new(Sink::Stderr, limit)
    }

    /// Whether lines are printed at all. Scenarios may skip formatting when not.
    pub fn enabled(&self) -> bool {
        self.0.sink != Sink::Off
    }

    /// Print one event line, unless the bound is reached.
    pub fn line(&self, text: impl AsRef<str>) {
        if !self.enabled() {
            return;
        }
        let n = self.0.written.fetch_add(1, Ordering::Relaxed);
        if n >= self.0.limit {
            return;
        }
        // A failed write to a closed pipe must not kill the demo.
        let _ = match self.0.sink {
            Sink::Stdout => writeln!(
                std::io::stdout().lock(),
                "{}",
                crate::wrap::paragraph("  | ", "  |   ", text.as_ref())
            ),
            Sink::Stderr => writeln!(std::io::stderr().lock(), "{}", text.as_ref()),
            Sink::Off => Ok(()),
        };
    }

    /// Lines offered beyond the bound, i.e. not printed.
    pub fn suppressed(&self) -> usize {
        self.0.written.load(Ordering::Relaxed).saturating_sub(self.0.limit)
    }

    /// Print how many lines the bound left out, if any.
    pub fn finish(&self) {
        let left = self.suppressed();
        let note = format!("… {left} more events not shown");
        let _ = match self.0.sink {
            _ if left == 0 => Ok(()),
            Sink::Stdout => writeln!(std::io::stdout().lock(), "  | {note}"),
            Sink::Stderr => writeln!(std::io::stderr().lock(), "{note}"),
            Sink::Off => Ok(()),
        };
    }
}
