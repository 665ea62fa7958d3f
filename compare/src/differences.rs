//! `compare differences`: what each executor actually does, found by running
//! small probes — scenario runs sized to answer one question — on each
//! runtime. Every answer is worded from what the probe observed.

use std::collections::{BTreeSet, HashMap};
use std::process::ExitCode;

use demos_core::cli::{default_threads, emit};
use demos_core::interrupt::until_stopped;
use demos_core::report::counted;
use demos_core::scenario::balance::BalanceScenario;
use demos_core::scenario::bridge::BridgeScenario;
use demos_core::scenario::cancel::{CancelScenario, about_half};
use demos_core::scenario::files::FilesScenario;
use demos_core::scenario::futures::FuturesScenario;
use demos_core::scenario::local::LocalScenario;
use demos_core::scenario::mixing::MixingScenario;
use demos_core::scenario::pools::{Pace, PoolsScenario};
use demos_core::scenario::race::RaceScenario;
use demos_core::scenario::scheduling::SchedulingScenario;
use demos_core::scenario::starvation::StarvationScenario;
use demos_core::scenario::threads::{IO, TOGETHER, ThreadsScenario};
use demos_core::scenario::timers::TimersScenario;
use demos_core::scenario::{self, Scenario, group_by, listed};
use demos_core::wrap::paragraph;
use demos_core::{Env, Idioms, Report, Runtime};

use crate::python::{self, Python};
use serde_json::{Value, json};

/// One question, the scenario run that answers it, and how to read the answer.
struct Probe {
    question: &'static str,
    scenario: &'static str,
    config: Value,
    /// Worker threads for the run; `None` for the default.
    threads: Option<usize>,
    /// Whether CPython (the `python` column) is asked too: only where its
    /// scenario exists on the Python side and its report carries every
    /// figure `answer` reads.
    python: bool,
    /// Whether the runtimes' answers are compared in the closing line: not
    /// where the answer is the flavour itself, which differs by construction.
    compared: bool,
    /// The answer, from the probe's report and, on a Rust runtime, the calls its code makes.
    answer: fn(&Report, Option<Idioms>) -> Seen,
}

/// What a probe saw on one runtime: the answer, which runtimes are compared
/// on, and the cell printed for it, which gives the answer with its detail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Seen {
    /// What the probe found, in words or counts that do not move from run to
    /// run: no timings, thread names, idiom names or flavour.
    pub(crate) answer: String,
    /// As printed: the answer with the figures and names that go with it.
    pub(crate) cell: String,
}

impl Seen {
    /// A cell that is all answer.
    fn whole(cell: String) -> Self {
        Self { answer: cell.clone(), cell }
    }

    /// The answer, then its detail: "at most 2 at once" + ", 43 ms in all".
    fn detailed(answer: impl Into<String>, detail: impl AsRef<str>) -> Self {
        let answer = answer.into();
        Self { cell: format!("{answer}{}", detail.as_ref()), answer }
    }

    /// The answer, then the flavour that ran in parentheses.
    fn ran_on(answer: impl Into<String>, r: &Report) -> Self {
        Self::detailed(answer, format!(" ({})", r.flavor))
    }
}

/// The typed metrics of a probe's report: its scenario is the probe's own,
/// so a renamed field is a compile error, not a silent NaN.
fn metrics<S: Scenario>(report: &Report) -> S::Metrics {
    report.metrics_of::<S>().expect("a probe's report carries its scenario's metrics")
}

/// Thread names of the spans labelled `kind`, with numbering folded:
/// "blocking-1", "blocking-2" → "blocking-N".
fn thread_names(report: &Report, kind: &str) -> String {
    let names: BTreeSet<String> = report
        .timeline
        .iter()
        .filter(|s| s.label == kind)
        .map(|s| {
            let stem = s.thread.trim_end_matches(|c: char| c.is_ascii_digit());
            if stem.len() < s.thread.len() { format!("{stem}N") } else { s.thread.clone() }
        })
        .collect();
    names.into_iter().collect::<Vec<_>>().join(", ")
}

/// ", its thread off the CPU 43 ms" where the OS took a phase's thread off
/// the CPU for a millisecond or more while it ran; nothing otherwise.
fn off_cpu(ms: Option<f64>) -> String {
    match ms {
        Some(ms) if ms >= 1.0 => format!(", its thread off the CPU {ms:.0} ms"),
        _ => String::new(),
    }
}

fn probes() -> Vec<Probe> {
    vec![
        Probe {
            question: "1,000 tasks each read a counter, yield, write it back, on one worker: updates lost",
            scenario: "race",
            config: json!({ "tasks": 1000 }),
            threads: Some(1),
            python: true,
            compared: true,
            answer: |r, _| {
                let m = metrics::<RaceScenario>(r);
                Seen::ran_on(format!("{} of {}", m.lost_updates, m.expected), r)
            },
        },
        Probe {
            question: "2 CPU jobs (Σi²) on a pool of 2 threads: how much faster than one after another",
            scenario: "pools",
            config: json!({ "io_jobs": 1, "io_ms": 0, "cpu_jobs": 2 }),
            threads: Some(2),
            python: true,
            compared: true,
            answer: |r, _| {
                let m = metrics::<PoolsScenario>(r);
                // CPython's report says whether its GIL was on, and what its process pool got.
                let gil = match r.metrics.get("gil_enabled").and_then(serde_json::Value::as_bool) {
                    Some(true) => ", with the GIL on",
                    Some(false) => ", with the GIL off",
                    None => "",
                };
                let processes = r
                    .metrics
                    .get("process_speedup")
                    .and_then(serde_json::Value::as_f64)
                    .map(|x| format!("; 2 processes ×{x:.2}"))
                    .unwrap_or_default();
                // The answer is the speed judged with the margin the scenario allows noise,
                // not the figure's second decimal.
                let faster = Pace::of(m.speedup).word();
                Seen {
                    answer: format!("{faster}{gil}"),
                    cell: format!("{faster}, ×{:.2}{gil}{processes}", m.speedup),
                }
            },
        },
        Probe {
            // claim: C-diff-handle-drop
            question: "dropping the handle of a running task",
            scenario: "futures",
            config: json!({ "tasks": 2, "max_sleep_ms": 1 }),
            threads: None,
            python: false,
            compared: true,
            answer: |r, _| {
                Seen::whole(
                    if metrics::<FuturesScenario>(r).dropped_handle_task_finished {
                        "the task kept running to the end (detached)"
                    } else {
                        "the task was cancelled"
                    }
                    .into(),
                )
            },
        },
        Probe {
            // claim: C-std-panic-probe, C-diff-handle-drop
            question: "a panic inside a task",
            scenario: "futures",
            config: json!({ "tasks": 2, "max_sleep_ms": 1 }),
            threads: None,
            python: false,
            compared: true,
            answer: |r, _| {
                let m = metrics::<FuturesScenario>(r);
                let how = if m.panic_resumed_on_await {
                    "re-raised in the task awaiting the handle"
                } else {
                    "handed back as an error value from the handle"
                };
                // Measured then, before the probe of a task with no handle (a row below).
                let after = if m.survived_panic { "the next task ran" } else { "the next task did not run" };
                Seen::whole(format!("{how}; {after}"))
            },
        },
        Probe {
            question: "aborting / cancelling a running task",
            scenario: "futures",
            config: json!({ "tasks": 2, "max_sleep_ms": 1 }),
            threads: None,
            python: false,
            compared: true,
            answer: |r, _| {
                Seen::ran_on(
                    format!("{} of 1 observed cancelled", metrics::<FuturesScenario>(r).cancelled),
                    r,
                )
            },
        },
        Probe {
            // claim: C-diff-blocking-panic
            question: "a panic in a blocking job; then in a task with no handle: what came back, threads left",
            scenario: "futures",
            config: json!({ "tasks": 2, "max_sleep_ms": 1 }),
            threads: None,
            python: false,
            compared: true,
            answer: |r, _| {
                let m = metrics::<FuturesScenario>(r);
                let job = match (m.blocking_panic_caught, m.blocking_panic_resumed_on_await) {
                    (false, _) => "lost",
                    (true, true) if m.blocking_panic_message_kept => "re-raised in the awaiter",
                    (true, true) => "a stand-in panic in the awaiter (message lost)",
                    (true, false) if m.blocking_panic_message_kept => "an error value",
                    (true, false) => "an error value (message lost)",
                };
                let alive = match (m.os_threads_before_detached_panic, m.os_threads_alive_after_panic) {
                    (Some(ran), Some(alive)) => format!(", {alive} of {ran} still alive"),
                    _ => String::new(),
                };
                Seen::whole(format!(
                    "job: {job}; no handle: threads running tasks {} → {}{alive}",
                    m.workers_before_detached_panic, m.workers_after_detached_panic
                ))
            },
        },
        Probe {
            // claim: C-diff-blocking-abort
            question: "aborting / cancelling a blocking job (50 ms) while it runs",
            scenario: "futures",
            config: json!({ "tasks": 2, "max_sleep_ms": 1 }),
            threads: None,
            python: false,
            compared: true,
            answer: |r, _| {
                let m = metrics::<FuturesScenario>(r);
                let value = if m.blocking_abort_value_returned { "its value" } else { "cancelled" };
                let job = if m.blocking_abort_job_finished { "ran to its end" } else { "was stopped" };
                // The answer is whether the handle waited for the job, not the milliseconds.
                let when = if m.blocking_abort_waited_for_job { "once the job ended" } else { "at once" };
                Seen {
                    answer: format!("the handle: {value} {when}; the job {job}"),
                    cell: format!(
                        "the handle: {value} after {:.0} ms; the job {job}",
                        m.blocking_abort_returned_ms
                    ),
                }
            },
        },
        Probe {
            question: "16 blocking jobs at once: which threads ran them",
            scenario: "threads",
            config: json!({ "manual": 0, "io_jobs": 16, "cpu_jobs": 0 }),
            threads: None,
            python: false,
            compared: true,
            answer: |r, _| {
                Seen::detailed(
                    counted(metrics::<ThreadsScenario>(r).io_pool_threads, "thread"),
                    format!(", named {}", thread_names(r, IO)),
                )
            },
        },
        Probe {
            question: "one task per worker, each waiting for all the others: the worker threads seen",
            scenario: "threads",
            config: json!({ "manual": 0, "io_jobs": 0, "cpu_jobs": 0 }),
            threads: None,
            python: false,
            compared: true,
            answer: |r, _| {
                let m = metrics::<ThreadsScenario>(r);
                Seen::detailed(
                    format!(
                        "{} of {}, together: {}",
                        m.together_threads,
                        m.workers,
                        if m.all_workers_at_once { "yes" } else { "no" }
                    ),
                    format!(", named {}", thread_names(r, TOGETHER)),
                )
            },
        },
        Probe {
            question: "16 uneven CPU tasks spawned from one task, 2 workers: where they ran; then placed round-robin",
            scenario: "balance",
            config: json!({ "tasks": 16, "max_task_ms": 5 }),
            threads: Some(2),
            python: false,
            compared: true,
            answer: |r, _| {
                let m = metrics::<BalanceScenario>(r);
                let spread = if m.tasks_moved > 0 {
                    format!("shared out over {} threads", m.threads_used)
                } else {
                    "all ran on the spawning thread".to_string()
                };
                Seen::whole(format!("{spread}; placed: over {} threads", m.placed_threads_used))
            },
        },
        Probe {
            question: "--threads 1: the single-threaded flavour",
            scenario: "race",
            config: json!({ "tasks": 10 }),
            threads: Some(1),
            python: false,
            compared: false,
            answer: |r, _| Seen::whole(r.flavor.clone()),
        },
        Probe {
            // claim: C-tokio-bridge-escape
            question: "one 50 ms blocking call inline, 1 of 2 workers blocked: the heartbeat",
            scenario: "bridge",
            config: json!({ "jobs": 1, "job_ms": 50, "tick_ms": 2 }),
            threads: Some(2),
            python: false,
            compared: true,
            answer: |r, _| {
                let gap = metrics::<BridgeScenario>(r).max_gap_one_blocked_ms.unwrap_or(f64::NAN);
                let call = r.config_of::<BridgeScenario>().expect("a bridge probe").job_ms as f64;
                // Stalled: no tick for as long as the call itself lasted.
                if gap >= call {
                    let stalled = "stalled behind the blocked worker";
                    Seen {
                        answer: stalled.into(),
                        cell: format!("stalled {gap:.0} ms behind the blocked worker"),
                    }
                } else {
                    Seen::detailed("escaped to the other worker", format!(" (longest gap {gap:.1} ms)"))
                }
            },
        },
        Probe {
            // claim: C-diff-lifo-stranding
            question: "a task woken by a worker that then blocks 10 ms, 2 workers: rounds it waited for that worker",
            scenario: "bridge",
            config: json!({ "jobs": 1, "job_ms": 50, "tick_ms": 2 }),
            threads: Some(2),
            python: false,
            compared: true,
            answer: |r, _| {
                let m = metrics::<BridgeScenario>(r);
                let (Some(stranded), Some(rounds), Some(from_thread)) =
                    (m.stranded_rounds, m.stranding_rounds, m.stranded_rounds_woken_from_thread)
                else {
                    return Seen::whole("not run: fewer than 2 workers".into());
                };
                let mut seen = format!("{stranded} of {rounds}; woken from a plain thread: {from_thread}");
                if let Some(in_place) = m.stranded_rounds_block_in_place {
                    seen.push_str(&format!("; in block_in_place: {in_place}"));
                }
                Seen::whole(seen)
            },
        },
        Probe {
            question: "a tokio timer and connect awaited here; compio's timer on tokio; async-io's; the tokio one inside async_compat::Compat",
            scenario: "mixing",
            config: json!({ "delay_ms": 2 }),
            threads: None,
            python: false,
            compared: true,
            answer: |r, _| {
                let m = metrics::<MixingScenario>(r);
                let said = |b: bool| if b { "panicked" } else { "completed" };
                let mut seen = match (m.foreign_panicked, m.foreign_connect_panicked) {
                    (Some(timer), Some(connect)) => {
                        format!("tokio timer {}, connect {}; ", said(timer), said(connect))
                    }
                    _ => String::new(),
                };
                if let Some(panicked) = m.own_on_tokio_panicked {
                    seen.push_str(&format!("its own timer on tokio {}; ", said(panicked)));
                }
                seen.push_str(&format!(
                    "async-io {}{}",
                    if m.portable_worked { "completed" } else { "did not complete" },
                    if m.async_io_thread_seen { " (its \"async-io\" thread running)" } else { "" }
                ));
                if let (Some(worked), Some(new)) = (m.adapter_worked, m.adapter_new_threads) {
                    seen.push_str(&format!(
                        "; in Compat {} on {}",
                        if worked { "completed" } else { "did not complete" },
                        counted(new, "new thread")
                    ));
                }
                Seen::whole(seen)
            },
        },
        Probe {
            question: "a two-part frame read in a select against a faster timer: naive, then cancel-safe",
            scenario: "cancel",
            config: json!({ "frames": 5, "half_ms": 4, "tick_ms": 1, "tasks": 3 }),
            threads: None,
            python: false,
            compared: true,
            answer: |r, _| {
                let m = metrics::<CancelScenario>(r);
                Seen::whole(format!(
                    "naive: {} of {} items lost; cancel-safe: {} lost",
                    m.lost_not_cancel_safe, m.items_sent, m.lost_cancel_safe
                ))
            },
        },
        Probe {
            question: "3 parked tasks: the executor ended, then a group's handles dropped",
            scenario: "cancel",
            config: json!({ "frames": 1, "half_ms": 2, "tick_ms": 1, "tasks": 3 }),
            threads: None,
            python: false,
            compared: true,
            answer: |r, _| {
                let m = metrics::<CancelScenario>(r);
                let seen = format!(
                    "{}: {} of {} destructors ran; handles dropped: {} of {} tasks cancelled",
                    m.shutdown_how(),
                    m.shutdown_destructors_run,
                    m.shutdown_tasks,
                    m.group_cancelled,
                    m.group_tasks
                );
                let timed = match (m.drop_with_blocking_job_ms, m.shutdown_timeout_ms) {
                    (Some(dropped), Some(timeout)) => format!(
                        "; with a blocking job running, drop took {dropped:.0} ms, shutdown_timeout {timeout:.0} ms"
                    ),
                    _ => String::new(),
                };
                Seen::detailed(seen, timed)
            },
        },
        Probe {
            // claim: C-diff-select-fairness
            question: "a select of two branches both ready, 1,000 times: how often the first won",
            scenario: "cancel",
            config: json!({ "frames": 5, "half_ms": 4, "tick_ms": 1, "tasks": 3 }),
            threads: None,
            python: false,
            compared: true,
            answer: |r, idioms| {
                let m = metrics::<CancelScenario>(r);
                let n = m.select_rounds;
                let how = |wins: u64| {
                    if wins == n {
                        "always"
                    } else if about_half(wins, n) {
                        "at random"
                    } else {
                        "skewed"
                    }
                };
                let share = |wins: u64| format!("{wins} ({})", how(wins));
                // The idioms each runtime's cancel code uses: no preference, then preferring the
                // first. The answer is how often the first won in words; the counts and the
                // idioms' names are its detail.
                let idioms = idioms.expect("a Rust runtime's probe");
                let none = "no select without a preference";
                let (first, first_said) = match (idioms.select, m.select_first_wins) {
                    (Some(unordered), Some(w)) => (format!("{unordered} {}", share(w)), how(w)),
                    _ => (none.to_string(), none),
                };
                let biased = m.select_preferring_first_wins;
                Seen {
                    answer: format!("{first_said}; preferring the first: {}", how(biased)),
                    cell: format!("{first}; {} {}", idioms.select_biased, share(biased)),
                }
            },
        },
        Probe {
            question: "a task draining 1,000,000 ready items on one worker, beside a 1 ms heartbeat",
            scenario: "starvation",
            config: json!({ "items": 1_000_000, "tick_ms": 1, "blocking_jobs": 4, "blocking_limit": 2, "job_ms": 20 }),
            threads: None,
            python: false,
            compared: true,
            answer: |r, _| {
                let m = metrics::<StarvationScenario>(r);
                // The wall-clock gap counts the time the OS ran something else too: the
                // loop's thread off the CPU is said beside it, and where the loop yielded
                // yet was off the CPU for half its longest gap or more, that gap may be the
                // machine's, not the executor's (the scenario's own test of a disturbed run).
                // The answer: whether the loop was made to yield (and, on tokio, what else was
                // run); the gaps and times are its detail.
                let made = |yields: u64| if yields > 0 { "made to yield" } else { "never made to yield" };
                let mut answer = format!("the loop {}", made(m.forced_yields));
                let mut seen = format!(
                    "{} forced yields, heartbeat's longest gap {:.1} ms ({} ms loop{})",
                    m.forced_yields,
                    m.heartbeat_max_gap_ms,
                    m.loop_ms as u64,
                    off_cpu(m.loop_off_cpu_ms)
                );
                if m.forced_yields > 0 && m.loop_beat().disturbed() {
                    seen.push_str(
                        "; the run was disturbed, so that gap may be the machine's, not the executor's",
                    );
                }
                if let (Some(yields), Some(gap)) = (m.unconstrained_forced_yields, m.unconstrained_gap_ms) {
                    let off = off_cpu(m.unconstrained_off_cpu_ms);
                    let off = off.strip_prefix(", ").map(|o| format!(" ({o})")).unwrap_or_default();
                    seen.push_str(&format!("; unconstrained: {yields} yields, gap {gap:.1} ms{off}"));
                    answer.push_str(&format!("; unconstrained: {}", made(yields)));
                }
                if let (Some(inline), Some(in_place)) = (m.inline_block_gap_ms, m.block_in_place_gap_ms) {
                    seen.push_str(&format!(
                        "; a 20 ms call inline: gap {inline:.1} ms, in block_in_place: {in_place:.1} ms"
                    ));
                    answer.push_str("; a call inline and in block_in_place");
                }
                Seen { answer, cell: seen }
            },
        },
        Probe {
            // claim: C-diff-blocking-limit
            question: "4 blocking jobs of 20 ms on a blocking pool limited to 2 threads",
            scenario: "starvation",
            config: json!({ "items": 1, "tick_ms": 1, "blocking_jobs": 4, "blocking_limit": 2, "job_ms": 20 }),
            threads: None,
            python: false,
            compared: true,
            answer: |r, idioms| {
                let m = metrics::<StarvationScenario>(r);
                Seen::detailed(
                    format!("at most {} at once", m.blocking_peak_concurrency),
                    format!(
                        ", {:.0} ms in all (limit set by {})",
                        m.blocking_ms,
                        idioms.expect("a Rust runtime's probe").blocking_limit
                    ),
                )
            },
        },
        Probe {
            question: "4 tasks sharing an Rc<RefCell<u64>> on the local executor, yielding after each of 5 increments",
            scenario: "local",
            config: json!({ "tasks": 4, "steps": 5 }),
            threads: None,
            python: false,
            compared: true,
            answer: |r, _| {
                let m = metrics::<LocalScenario>(r);
                let cfg = r.config_of::<LocalScenario>().expect("a local probe");
                // Every increment but the first can follow another task's.
                let possible = cfg.tasks * cfg.steps - 1;
                let outside = match m.spawn_local_outside_panicked {
                    Some(true) => "; spawn_local outside a LocalSet panicked",
                    Some(false) => "; spawn_local outside a LocalSet ran",
                    None => "",
                };
                Seen::ran_on(
                    format!(
                        "{} of {possible} possible task switches, counter {}/{}{outside}",
                        m.switches, m.counter, m.expected
                    ),
                    r,
                )
            },
        },
        Probe {
            // claim: C-timers-difference
            question: "sleep(100 µs) and sleep(1 ms) on the runtime's own timer: how long they waited",
            scenario: "timers",
            config: json!({ "sleep_us": 100, "sleeps": 30 }),
            threads: None,
            python: false,
            compared: true,
            answer: |r, _| {
                let m = metrics::<TimersScenario>(r);
                let wait = |us: f64| {
                    if us < 1_000.0 { format!("{us:.0} µs") } else { format!("{:.2} ms", us / 1e3) }
                };
                // The answer: whether the timer rounds a short sleep up to a millisecond; the
                // waits are its detail.
                let rounds =
                    if m.rounds_up_to_ms() { "rounded up to whole milliseconds" } else { "not rounded up" };
                Seen::detailed(
                    rounds,
                    format!(
                        ": median {} and {} ({})",
                        wait(m.median_us),
                        wait(m.heartbeat_median_us),
                        r.flavor
                    ),
                )
            },
        },
        Probe {
            // claim: C-files-difference
            question: "does reading a file take a thread? 32 files read 8 at a time with the runtime's file API",
            scenario: "files",
            config: json!({ "files": 32, "min_kib": 4, "max_kib": 16, "concurrency": 8, "pool_limit": 2 }),
            threads: None,
            python: false,
            compared: true,
            answer: |r, _| {
                let m = metrics::<FilesScenario>(r);
                // The answer: whether, and which, threads took the reads; how many, and the
                // read's time, are its detail.
                let (answer, took) = match (m.threads_started, m.blocking_threads_peak) {
                    (0, _) => ("no", "no: no thread started".to_string()),
                    (n, Some(_)) => {
                        ("yes: blocking-pool threads", format!("yes: {n} blocking-pool threads started"))
                    }
                    (n, None) => (
                        "yes: a pool thread per read",
                        format!("yes: {n} pool threads, one per read in flight"),
                    ),
                };
                Seen {
                    answer: answer.into(),
                    cell: format!("{took}, a warm read's median {:.0} µs ({})", m.p50_us, r.flavor),
                }
            },
        },
        Probe {
            question: "yield after every step, 3 tasks × 4 steps on one worker",
            scenario: "scheduling",
            config: json!({ "tasks": 3, "steps": 4, "step_ms": 1 }),
            threads: Some(1),
            python: false,
            compared: true,
            answer: |r, _| {
                let m = metrics::<SchedulingScenario>(r);
                let rounds = if m.cooperative_lockstep { "in fair rounds" } else { "not in rounds" };
                // Every step but the first can follow another task's: the most switches possible.
                let possible = m.tasks * m.steps - 1;
                Seen::whole(format!(
                    "{} of {possible} possible task switches, {rounds}",
                    m.switches_cooperative
                ))
            },
        },
    ]
}

/// A probe's question and each runtime's answer, as printed.
#[derive(Debug)]
pub(crate) struct Answered {
    pub(crate) question: &'static str,
    /// Whether the closing line compares the answers (the probe's `compared`).
    pub(crate) compared: bool,
    pub(crate) answers: Vec<Answer>,
}

/// One runtime's answer to a probe.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Answer {
    pub(crate) runtime: &'static str,
    /// As printed: the answer with its detail (figures, names, the flavour that ran).
    pub(crate) observed: String,
    /// The answer alone: what runtimes are compared on.
    pub(crate) said: String,
}

impl Answer {
    pub(crate) fn new(runtime: &'static str, seen: Seen) -> Self {
        Self { runtime, observed: seen.cell, said: seen.answer }
    }
}

/// What the probes leave out, printed under them.
// claim: C-diff-not-probed
pub(crate) const NOT_PROBED: &str =
    "Not probed: whether spawned futures must be Send is decided at compile time, not at run time.";

/// Run every probe on every runtime, and on CPython where a probe asks it
/// and `python` is found, and print the answers; returns the exit status and
/// the answers (for `--report`).
pub(crate) fn run(
    runtimes: &[&dyn Runtime],
    python: Option<&Python>,
    seed: u64,
    json_lines: bool,
) -> (ExitCode, Vec<Answered>) {
    let mut passed = true;
    let mut answered = Vec::new();
    // Probes that ask different questions of the same run share it.
    let mut runs: HashMap<(&str, String, usize, &str), Report> = HashMap::new();
    for probe in until_stopped(probes()) {
        let s = scenario::find(probe.scenario).expect("probes use registered scenarios");
        s.prepare(&probe.config).expect("probe configurations are valid");
        let mut answers = Vec::new();
        for rt in until_stopped(runtimes) {
            let env = Env::quiet(probe.threads.unwrap_or_else(default_threads), seed);
            let key = (probe.scenario, probe.config.to_string(), env.threads, rt.name());
            let report = runs.entry(key).or_insert_with(|| s.run(*rt, &probe.config, &env).report).clone();
            passed &= report.passed();
            // A failed check is an invariant broken: said by name, not only by the exit status.
            for check in report.checks.iter().filter(|c| !c.passed) {
                eprintln!(
                    "compare: {} on {}: check failed: {} ({})",
                    probe.scenario,
                    rt.name(),
                    check.name,
                    check.detail
                );
            }
            let seen = (probe.answer)(&report, Some(rt.idioms()));
            if json_lines {
                let line = json!({ "probe": probe.question, "runtime": rt.name(), "scenario": probe.scenario,
                                   "threads": env.threads, "observed": seen.cell, "answer": seen.answer,
                                   "passed": report.passed() });
                emit(&line.to_string());
            }
            answers.push(Answer::new(rt.name(), seen));
        }
        if let Some(python) = python.filter(|_| probe.python && !demos_core::interrupt::requested()) {
            let threads = probe.threads.unwrap_or_else(default_threads);
            let (seen, held) = match python.run(probe.scenario, &probe.config, threads, seed, false) {
                Ok(ran) => ((probe.answer)(&ran.report, None), ran.report.passed() && ran.exited_ok),
                Err(_) if demos_core::interrupt::requested() => continue,
                Err(why) => (Seen::whole(format!("no answer: {why}")), false),
            };
            passed &= held;
            if json_lines {
                let line = json!({ "probe": probe.question, "runtime": python::NAME, "scenario": probe.scenario,
                                   "threads": threads, "observed": seen.cell, "answer": seen.answer,
                                   "passed": held });
                emit(&line.to_string());
            }
            answers.push(Answer::new(python::NAME, seen));
        }
        let answered_now = Answered { question: probe.question, compared: probe.compared, answers };
        if !json_lines {
            answered_now.lines().iter().for_each(|l| emit(l));
        }
        answered.push(answered_now);
    }
    if !json_lines {
        summary(&answered).iter().for_each(|l| emit(l));
    }
    (if passed { ExitCode::SUCCESS } else { ExitCode::from(1) }, answered)
}

/// The width of the runtime column: the longest runtime name.
const NAME_WIDTH: usize = 12;

impl Answered {
    /// The runtimes that gave the same answer, named together, in first-seen order.
    pub(crate) fn grouped(&self) -> Vec<(Vec<&'static str>, &str)> {
        group_by(self.answers.iter().map(|a| (a.observed.as_str(), a.runtime)))
            .into_iter()
            .map(|(observed, names)| (names, observed))
            .collect()
    }

    /// Whether every runtime's answer says the same, the flavours aside.
    pub(crate) fn alike(&self) -> bool {
        self.answers.windows(2).all(|w| w[0].said == w[1].said)
    }

    /// The question, then each answer under the runtimes that gave it,
    /// wrapped to the width.
    fn lines(&self) -> Vec<String> {
        let mut lines = vec![paragraph("", "  ", self.question)];
        let indent = " ".repeat(NAME_WIDTH + 3);
        for (names, observed) in self.grouped() {
            let who = listed(&names);
            if who.chars().count() <= NAME_WIDTH {
                lines.push(paragraph(&format!("  {who:<NAME_WIDTH$} "), &indent, observed));
            } else {
                lines.push(format!("  {who}:"));
                lines.push(paragraph(&indent, &indent, observed));
            }
        }
        lines.push(String::new());
        lines
    }
}

/// The closing lines: on how many probes the runtimes' answers differed and
/// on which they said the same — the answers compared, not the detail beside
/// them — and which probes were not compared; then what was not probed.
fn summary(answered: &[Answered]) -> Vec<String> {
    let asked: Vec<&Answered> = answered.iter().filter(|a| a.answers.len() > 1).collect();
    let (alike, differed): (Vec<&Answered>, Vec<&Answered>) =
        asked.iter().filter(|a| a.compared).partition(|a| a.alike());
    let uncompared: Vec<&Answered> = asked.iter().copied().filter(|a| !a.compared).collect();
    let mut lines = Vec::new();
    if !alike.is_empty() || !differed.is_empty() {
        let questions = |list: &[&Answered]| list.iter().map(|a| a.question).collect::<Vec<_>>().join("; ");
        let mut said = format!(
            "→ Their answers compared, not the figures and names beside them (times, thread and idiom \
             names, the flavour that ran), the runtimes answered {} of {} differently",
            differed.len(),
            counted((alike.len() + differed.len()) as u64, "probe")
        );
        if !alike.is_empty() {
            said.push_str(&format!("; the same on: {}", questions(&alike)));
        }
        said.push('.');
        if !uncompared.is_empty() {
            said.push_str(&format!(
                " Not compared, its answer being the flavour itself: {}.",
                questions(&uncompared)
            ));
        }
        lines.push(paragraph("", "  ", &said));
    }
    lines.push(paragraph("", "", NOT_PROBED));
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answered(question: &'static str, answers: &[(&'static str, Seen)]) -> Answered {
        let answers = answers.iter().map(|(rt, seen)| Answer::new(rt, seen.clone())).collect();
        Answered { question, compared: true, answers }
    }

    /// The lines' words, one space apart: what a reader reads, wrapping aside.
    fn words(lines: &[String]) -> String {
        lines.join(" ").split_whitespace().collect::<Vec<_>>().join(" ")
    }

    fn detailed(answer: &str, detail: &str) -> Seen {
        Seen::detailed(answer, detail)
    }

    #[test]
    fn answers_are_compared_without_their_detail() {
        // Every runtime said "at most 2 at once"; only the time and the limit's name differ.
        let limited = answered(
            "4 blocking jobs",
            &[
                (
                    "tokio",
                    detailed("at most 2 at once", ", 43 ms in all (limit set by max_blocking_threads)"),
                ),
                (
                    "smol",
                    detailed("at most 2 at once", ", 40 ms in all (limit set by set_max_blocking_threads)"),
                ),
                ("compio", detailed("at most 2 at once", ", 47 ms in all (limit set by thread_pool_limit)")),
            ],
        );
        let together = answered(
            "one task per worker",
            &[
                ("tokio", detailed("2 of 2, together: yes", ", named tokio-rt-worker")),
                ("smol", detailed("2 of 2, together: yes", ", named main, smol-worker-N")),
            ],
        );
        let lost = answered(
            "race",
            &[
                ("tokio", detailed("999 of 1000", " (current_thread, 1 worker)")),
                ("std-threads", detailed("0 of 1000", " (rayon ThreadPool, 1 thread)")),
            ],
        );
        assert!(limited.alike() && together.alike() && !lost.alike());
        // The cells keep the detail, and so print apart.
        assert_eq!(limited.grouped().len(), 3);
        assert_eq!(
            limited.answers[0].observed,
            "at most 2 at once, 43 ms in all (limit set by max_blocking_threads)"
        );
        let said = words(&summary(&[limited, together, lost]));
        assert!(said.contains("answered 1 of 3 probes differently"), "{said}");
        assert!(said.contains("the same on: 4 blocking jobs; one task per worker."), "{said}");
    }

    #[test]
    fn the_flavour_probe_is_not_compared_and_said_so() {
        let mut flavour = answered(
            "--threads 1: the single-threaded flavour",
            &[
                ("tokio", Seen::whole("current_thread, 1 worker".into())),
                ("smol", Seen::whole("LocalExecutor, 1 thread".into())),
            ],
        );
        flavour.compared = false;
        let cancelled = answered(
            "aborting",
            &[
                ("tokio", detailed("1 of 1 observed cancelled", " (multi_thread, 2 workers)")),
                ("smol", detailed("1 of 1 observed cancelled", " (Executor, 2 threads)")),
            ],
        );
        let said = words(&summary(&[flavour, cancelled]));
        assert!(said.contains("answered 0 of 1 probe differently; the same on: aborting."), "{said}");
        assert!(
            said.contains(
                "Not compared, its answer being the flavour itself: --threads 1: the single-threaded"
            ),
            "{said}"
        );
    }

    #[test]
    fn a_probe_one_runtime_answered_is_not_counted() {
        let alone = answered("aborting", &[("tokio", detailed("1 of 1 observed cancelled", ""))]);
        let said = words(&summary(&[alone]));
        assert!(!said.contains("probes differently"), "{said}");
        assert!(said.contains("Not probed"), "{said}");
    }
}
