//! The I/O row: the same loopback echo run as the runtime's tasks and with an
//! OS thread per connection end, weighed on three counts — round trips per
//! second, p99 latency, and OS threads (each one a stack of memory) — and the
//! advice says which side led on which. Then files: the same runtime's file
//! API reading `files`' directory, and the threads that took, which is where
//! the advice for sockets may not hold.

use crate::guide::Advice;
use crate::report::format_ms;
use crate::scenario::Scenario;
use crate::scenario::echo::EchoScenario;
use crate::{Check, EchoConfig, EchoMetrics, FilesMetrics};

/// Within this ratio two figures count as even: a loaded machine moves either
/// side by a few percent from run to run.
pub const EVEN_WITHIN: f64 = 1.1;

/// One side of the echo: what it delivered and what it took.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EchoSide {
    /// Round trips per second over every connection.
    pub round_trips_per_s: f64,
    /// 99th percentile of one round trip, in ms.
    pub p99_ms: f64,
    /// OS threads at the peak (each with a stack of its own).
    pub os_threads: u64,
}

impl From<&EchoMetrics> for EchoSide {
    fn from(m: &EchoMetrics) -> Self {
        Self { round_trips_per_s: m.round_trips_per_s, p99_ms: m.p99_us / 1e3, os_threads: m.os_threads }
    }
}

/// The I/O row's file reads: how many were in flight and the threads they took.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FileReads {
    /// Reads in flight at once.
    pub in_flight: u64,
    /// Threads started for the reads (warm and cold phases).
    pub threads_started: u64,
    /// Whether those are a blocking pool's beside the executor (not std-threads' readers).
    pub blocking_pool: bool,
    /// A warm read's median, in ms.
    pub p50_ms: f64,
}

impl From<&FilesMetrics> for FileReads {
    fn from(m: &FilesMetrics) -> Self {
        Self {
            in_flight: m.concurrency,
            threads_started: m.threads_started,
            blocking_pool: m.blocking_threads_peak.is_some(),
            p50_ms: m.p50_us / 1e3,
        }
    }
}

/// The I/O row's figures. Its advice says which side led on what:
///
/// ```
/// use demos_core::guide::io::{EchoSide, FileReads, IoFigures, IoVerdict};
/// let figures = IoFigures {
///     runtime: "tokio".into(),
///     flavor: "multi_thread, 2 workers".into(),
///     tasks_hold_threads: false,
///     connections: 200,
///     round_trips: 20,
///     tasks: EchoSide { round_trips_per_s: 52_000.0, p99_ms: 8.5, os_threads: 5 },
///     threads: EchoSide { round_trips_per_s: 36_000.0, p99_ms: 6.7, os_threads: 401 },
///     files: FileReads { in_flight: 16, threads_started: 17, blocking_pool: true, p50_ms: 0.9 },
/// };
/// let advice = figures.advice();
/// assert_eq!(advice.verdict, IoVerdict::Split);
/// assert!(advice.text.contains("a thread per connection end on p99 latency (6.7 against 8.5 ms)"));
/// assert!(advice.text.contains("16 file reads in flight started 17 blocking-pool threads"));
/// // Peaks say so, and a sub-millisecond read reads in µs, not "0.0 ms".
/// let measured = IoFigures { files: FileReads { p50_ms: 0.039, ..figures.files }, ..figures.clone() }.measured();
/// assert!(measured.contains("401 OS threads at the peak"), "{measured}");
/// assert!(measured.contains("a warm read's median 39 µs"), "{measured}");
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct IoFigures {
    /// The runtime whose tasks ran the echo.
    pub runtime: String,
    /// The executor that ran them, as its report names it.
    pub flavor: String,
    /// Whether the runtime's "tasks" are pool jobs that hold a thread each (std-threads).
    pub tasks_hold_threads: bool,
    /// Connections, and round trips each made.
    pub connections: u64,
    /// Round trips each connection made.
    pub round_trips: u64,
    /// The echo as the runtime's tasks.
    pub tasks: EchoSide,
    /// The echo with a thread per connection end.
    pub threads: EchoSide,
    /// The same runtime reading files.
    pub files: FileReads,
}

/// Which side a figure favours.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lead {
    /// The runtime's tasks.
    Tasks,
    /// A thread per connection end.
    Threads,
    /// Within [`EVEN_WITHIN`] of each other.
    Even,
}

/// The branch the I/O advice took.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IoVerdict {
    /// Both sides are threads (std-threads): nothing to weigh.
    ThreadsEitherWay,
    /// Tasks led on something, threads on nothing.
    Tasks,
    /// Each side led on something.
    Split,
    /// Threads led on something, tasks on nothing.
    Threads,
    /// Neither led on anything.
    Even,
}

impl IoFigures {
    /// Who led on each count: the lead, what the count stands for, and the count
    /// named with its two figures, the leader's first.
    pub fn leads(&self) -> [(Lead, &'static str, String); 3] {
        let (t, h) = (&self.tasks, &self.threads);
        let lead = |tasks: f64, threads: f64| {
            let (high, low) = (tasks.max(threads), tasks.min(threads).max(1e-9));
            if high / low < EVEN_WITHIN {
                Lead::Even
            } else if tasks > threads {
                Lead::Tasks
            } else {
                Lead::Threads
            }
        };
        // Round trips: more is better. Latency and threads: fewer is better.
        let rate = lead(t.round_trips_per_s, h.round_trips_per_s);
        let p99 = lead(1.0 / t.p99_ms.max(1e-9), 1.0 / h.p99_ms.max(1e-9));
        let threads = lead(1.0 / t.os_threads.max(1) as f64, 1.0 / h.os_threads.max(1) as f64);
        let pair = |lead: Lead, tasks: String, threads: String| match lead {
            Lead::Threads => format!("{threads} against {tasks}"),
            Lead::Tasks => format!("{tasks} against {threads}"),
            Lead::Even => format!("{tasks} and {threads}"),
        };
        [
            (
                rate,
                "throughput",
                format!(
                    "round trips/s ({})",
                    pair(rate, format!("{:.0}", t.round_trips_per_s), format!("{:.0}", h.round_trips_per_s))
                ),
            ),
            (
                p99,
                "tail latency",
                format!("p99 latency ({} ms)", pair(p99, format_ms(t.p99_ms), format_ms(h.p99_ms))),
            ),
            (
                threads,
                "memory",
                format!(
                    // claim: C-guide-thread-stack
                    "OS threads, a stack each ({})",
                    pair(threads, t.os_threads.to_string(), h.os_threads.to_string())
                ),
            ),
        ]
    }

    /// The advice, worded from the figures, and what the file reads add to it.
    pub fn advice(&self) -> Advice<IoVerdict> {
        let Advice { verdict, text } = self.socket_advice();
        Advice::new(verdict, format!("{text}. {}", self.files_advice()))
    }

    // claim: C-guide-files
    /// Files, from their figures: where reads took threads, tasks did not
    /// save them; where none started, say that.
    fn files_advice(&self) -> String {
        let f = &self.files;
        match (f.threads_started, f.blocking_pool) {
            (0, _) => format!("Files too: {} file reads in flight started no thread", f.in_flight),
            (n, true) => format!(
                "Files differ: {} file reads in flight started {}: on files, the runtime's tasks needed \
                 threads after all (see files: a thread-per-core runtime on io_uring needs none)",
                f.in_flight,
                crate::report::counted(n, "blocking-pool thread")
            ),
            (n, false) => format!(
                "Files likewise: {} file reads in flight took {}",
                f.in_flight,
                crate::report::counted(n, "pool thread")
            ),
        }
    }

    /// The advice for the echo's connections, worded from its figures.
    fn socket_advice(&self) -> Advice<IoVerdict> {
        let at = format!("at {} connections", self.connections);
        if self.tasks_hold_threads {
            let text = format!(
                "{} runs a thread per connection end either way: {} OS threads at the peak for {} \
                 connections, against {} for the baseline — one model twice. Run the guide on an async runtime \
                 to weigh tasks against threads",
                self.runtime, self.tasks.os_threads, self.connections, self.threads.os_threads
            );
            return Advice::new(IoVerdict::ThreadsEitherWay, text);
        }
        let leads = self.leads();
        let on = |who: Lead| -> Vec<String> {
            leads.iter().filter(|(lead, ..)| *lead == who).map(|(.., words)| words.clone()).collect()
        };
        let what = |who: Lead| -> Vec<String> {
            leads.iter().filter(|(lead, ..)| *lead == who).map(|(_, what, _)| what.to_string()).collect()
        };
        let (tasks, threads, even) = (on(Lead::Tasks), on(Lead::Threads), on(Lead::Even));
        let even = if even.is_empty() { String::new() } else { format!("; even on {}", listed(&even)) };
        let measure = "measure at your scale (compare echo --sweep connections=10,100,1000)";
        match (tasks.is_empty(), threads.is_empty()) {
            (false, true) => Advice::new(
                IoVerdict::Tasks,
                format!("async tasks: {at} they led on {}{even}", listed(&tasks)),
            ),
            (false, false) => Advice::new(
                IoVerdict::Split,
                format!(
                    "weigh it: {at} tasks led on {}, a thread per connection end on {}{even}. Tasks if {} \
                     most, threads if {} — and {measure}",
                    listed(&tasks),
                    listed(&threads),
                    matters(&what(Lead::Tasks), "matters", "matter"),
                    matters(&what(Lead::Threads), "does", "do")
                ),
            ),
            (true, false) => Advice::new(
                IoVerdict::Threads,
                format!(
                    "a thread per connection end: {at} it led on {}{even}, and tasks on nothing — {measure}",
                    listed(&threads)
                ),
            ),
            (true, true) => Advice::new(
                IoVerdict::Even,
                format!("either: {at} neither led ({}) — {measure}", listed(&on(Lead::Even))),
            ),
        }
    }

    /// What was measured, in one sentence.
    pub fn measured(&self) -> String {
        let side = |s: &EchoSide| {
            format!(
                "{:.0} round trips/s, p99 {} ms, {} OS threads at the peak",
                s.round_trips_per_s,
                format_ms(s.p99_ms),
                s.os_threads
            )
        };
        format!(
            "{} loopback connections × {} round trips: as {} echo ({}) {}; a thread per connection end {}; \
             {} file reads in flight: {} started, a warm read's median {}",
            self.connections,
            self.round_trips,
            possessive(&self.runtime),
            self.flavor,
            side(&self.tasks),
            side(&self.threads),
            self.files.in_flight,
            crate::report::counted(self.files.threads_started, "thread"),
            crate::scenario::files::latency(self.files.p50_ms * 1e3)
        )
    }
}

/// The thread-per-connection echo's checks — every byte echoed once, in
/// order; every connection closed cleanly — named for that side.
pub fn baseline_checks(cfg: &EchoConfig, threads: &EchoMetrics) -> Vec<Check> {
    EchoScenario::checks(cfg, threads)
        .into_iter()
        .map(|c| Check { name: baseline_name(&c.name), ..c })
        .collect()
}

/// An echo check's name on the thread-per-connection side.
pub fn baseline_name(check: &str) -> String {
    format!("a thread per connection end: {check}")
}

/// "tokio's", "async-std'".
pub(crate) fn possessive(name: &str) -> String {
    if name.ends_with('s') { format!("{name}'") } else { format!("{name}'s") }
}

/// "memory matters", "memory and throughput matter": the list and its verb.
fn matters(items: &[String], one: &str, many: &str) -> String {
    format!("{} {}", listed(items), if items.len() == 1 { one } else { many })
}

/// "a", "a and b", "a, b and c".
pub(crate) fn listed(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}
