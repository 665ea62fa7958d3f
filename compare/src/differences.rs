//! `compare differences`: what each executor actually does, found by running
//! small probes — scenario runs sized to answer one question — on each
//! runtime. Every answer is worded from what the probe observed.

use std::collections::{BTreeSet, HashMap};
use std::process::ExitCode;

use demos_core::cli::{default_threads, emit};
use demos_core::interrupt::until_stopped;
use demos_core::scenario::balance::BalanceScenario;
use demos_core::scenario::bridge::BridgeScenario;
use demos_core::scenario::cancel::{CancelScenario, about_half};
use demos_core::scenario::files::FilesScenario;
use demos_core::scenario::futures::FuturesScenario;
use demos_core::scenario::local::LocalScenario;
use demos_core::scenario::mixing::MixingScenario;
use demos_core::scenario::pools::PoolsScenario;
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
    /// The answer, from the probe's report and, on a Rust runtime, the calls its code makes.
    answer: fn(&Report, Option<Idioms>) -> String,
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
            answer: |r, _| {
                let m = metrics::<RaceScenario>(r);
                format!("{} of {} ({})", m.lost_updates, m.expected, r.flavor)
            },
        },
        Probe {
            question: "2 CPU jobs (Σi²) on a pool of 2 threads: how much faster than one after another",
            scenario: "pools",
            config: json!({ "io_jobs": 1, "io_ms": 0, "cpu_jobs": 2 }),
            threads: Some(2),
            python: true,
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
                format!("×{:.2}{gil}{processes}", m.speedup)
            },
        },
        Probe {
            // claim: C-diff-handle-drop
            question: "dropping the handle of a running task",
            scenario: "futures",
            config: json!({ "tasks": 2, "max_sleep_ms": 1 }),
            threads: None,
            python: false,
            answer: |r, _| {
                if metrics::<FuturesScenario>(r).dropped_handle_task_finished {
                    "the task kept running to the end (detached)"
                } else {
                    "the task was cancelled"
                }
                .into()
            },
        },
        Probe {
            // claim: C-std-panic-probe, C-diff-handle-drop
            question: "a panic inside a task",
            scenario: "futures",
            config: json!({ "tasks": 2, "max_sleep_ms": 1 }),
            threads: None,
            python: false,
            answer: |r, _| {
                let m = metrics::<FuturesScenario>(r);
                let how = if m.panic_resumed_on_await {
                    "re-raised in the task awaiting the handle"
                } else {
                    "handed back as an error value from the handle"
                };
                // Measured then, before the probe of a task with no handle (a row below).
                let after = if m.survived_panic { "the next task ran" } else { "the next task did not run" };
                format!("{how}; {after}")
            },
        },
        Probe {
            question: "aborting / cancelling a running task",
            scenario: "futures",
            config: json!({ "tasks": 2, "max_sleep_ms": 1 }),
            threads: None,
            python: false,
            answer: |r, _| {
                format!("{} of 1 observed cancelled ({})", metrics::<FuturesScenario>(r).cancelled, r.flavor)
            },
        },
        Probe {
            // claim: C-diff-blocking-panic
            question: "a panic in a blocking job; then in a task with no handle: what came back, threads left",
            scenario: "futures",
            config: json!({ "tasks": 2, "max_sleep_ms": 1 }),
            threads: None,
            python: false,
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
                format!(
                    "job: {job}; no handle: threads running tasks {} → {}{alive}",
                    m.workers_before_detached_panic, m.workers_after_detached_panic
                )
            },
        },
        Probe {
            // claim: C-diff-blocking-abort
            question: "aborting / cancelling a blocking job (50 ms) while it runs",
            scenario: "futures",
            config: json!({ "tasks": 2, "max_sleep_ms": 1 }),
            threads: None,
            python: false,
            answer: |r, _| {
                let m = metrics::<FuturesScenario>(r);
                format!(
                    "the handle: {} after {:.0} ms; the job {}",
                    if m.blocking_abort_value_returned { "its value" } else { "cancelled" },
                    m.blocking_abort_returned_ms,
                    if m.blocking_abort_job_finished { "ran to its end" } else { "was stopped" }
                )
            },
        },
        Probe {
            question: "16 blocking jobs at once: which threads ran them",
            scenario: "threads",
            config: json!({ "manual": 0, "io_jobs": 16, "cpu_jobs": 0 }),
            threads: None,
            python: false,
            answer: |r, _| {
                format!(
                    "{} threads, named {}",
                    metrics::<ThreadsScenario>(r).io_pool_threads,
                    thread_names(r, IO)
                )
            },
        },
        Probe {
            question: "one task per worker, each waiting for all the others: the worker threads seen",
            scenario: "threads",
            config: json!({ "manual": 0, "io_jobs": 0, "cpu_jobs": 0 }),
            threads: None,
            python: false,
            answer: |r, _| {
                let m = metrics::<ThreadsScenario>(r);
                format!(
                    "{} of {}, together: {}, named {}",
                    m.together_threads,
                    m.workers,
                    if m.all_workers_at_once { "yes" } else { "no" },
                    thread_names(r, TOGETHER)
                )
            },
        },
        Probe {
            question: "16 uneven CPU tasks spawned from one task, 2 workers: where they ran; then placed round-robin",
            scenario: "balance",
            config: json!({ "tasks": 16, "max_task_ms": 5 }),
            threads: Some(2),
            python: false,
            answer: |r, _| {
                let m = metrics::<BalanceScenario>(r);
                let spread = if m.tasks_moved > 0 {
                    format!("shared out over {} threads", m.threads_used)
                } else {
                    "all ran on the spawning thread".to_string()
                };
                format!("{spread}; placed: over {} threads", m.placed_threads_used)
            },
        },
        Probe {
            question: "--threads 1: the single-threaded flavour",
            scenario: "race",
            config: json!({ "tasks": 10 }),
            threads: Some(1),
            python: false,
            answer: |r, _| r.flavor.clone(),
        },
        Probe {
            // claim: C-tokio-bridge-escape
            question: "one 50 ms blocking call inline, 1 of 2 workers blocked: the heartbeat",
            scenario: "bridge",
            config: json!({ "jobs": 1, "job_ms": 50, "tick_ms": 2 }),
            threads: Some(2),
            python: false,
            answer: |r, _| {
                let gap = metrics::<BridgeScenario>(r).max_gap_one_blocked_ms.unwrap_or(f64::NAN);
                let call = r.config_of::<BridgeScenario>().expect("a bridge probe").job_ms as f64;
                // Stalled: no tick for as long as the call itself lasted.
                if gap >= call {
                    format!("stalled {gap:.0} ms behind the blocked worker")
                } else {
                    format!("escaped to the other worker (longest gap {gap:.1} ms)")
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
            answer: |r, _| {
                let m = metrics::<BridgeScenario>(r);
                let (Some(stranded), Some(rounds), Some(from_thread)) =
                    (m.stranded_rounds, m.stranding_rounds, m.stranded_rounds_woken_from_thread)
                else {
                    return "not run: fewer than 2 workers".into();
                };
                let mut seen = format!("{stranded} of {rounds}; woken from a plain thread: {from_thread}");
                if let Some(in_place) = m.stranded_rounds_block_in_place {
                    seen.push_str(&format!("; in block_in_place: {in_place}"));
                }
                seen
            },
        },
        Probe {
            question: "a tokio timer and connect awaited here; compio's timer on tokio; async-io's; the tokio one inside async_compat::Compat",
            scenario: "mixing",
            config: json!({ "delay_ms": 2 }),
            threads: None,
            python: false,
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
                        "; in Compat {} on {new} new thread(s)",
                        if worked { "completed" } else { "did not complete" }
                    ));
                }
                seen
            },
        },
        Probe {
            question: "a two-part frame read in a select against a faster timer: naive, then cancel-safe",
            scenario: "cancel",
            config: json!({ "frames": 5, "half_ms": 4, "tick_ms": 1, "tasks": 3 }),
            threads: None,
            python: false,
            answer: |r, _| {
                let m = metrics::<CancelScenario>(r);
                format!(
                    "naive: {} of {} items lost; cancel-safe: {} lost",
                    m.lost_not_cancel_safe, m.items_sent, m.lost_cancel_safe
                )
            },
        },
        Probe {
            question: "3 parked tasks: the executor ended, then a group's handles dropped",
            scenario: "cancel",
            config: json!({ "frames": 1, "half_ms": 2, "tick_ms": 1, "tasks": 3 }),
            threads: None,
            python: false,
            answer: |r, _| {
                let m = metrics::<CancelScenario>(r);
                let mut seen = format!(
                    "{}: {} of {} destructors ran; handles dropped: {} of {} tasks cancelled",
                    m.shutdown_how(),
                    m.shutdown_destructors_run,
                    m.shutdown_tasks,
                    m.group_cancelled,
                    m.group_tasks
                );
                if let (Some(dropped), Some(timeout)) = (m.drop_with_blocking_job_ms, m.shutdown_timeout_ms) {
                    seen.push_str(&format!(
                        "; with a blocking job running, drop took {dropped:.0} ms, shutdown_timeout {timeout:.0} ms"
                    ));
                }
                seen
            },
        },
        Probe {
            // claim: C-diff-select-fairness
            question: "a select of two branches both ready, 1,000 times: how often the first won",
            scenario: "cancel",
            config: json!({ "frames": 5, "half_ms": 4, "tick_ms": 1, "tasks": 3 }),
            threads: None,
            python: false,
            answer: |r, idioms| {
                let m = metrics::<CancelScenario>(r);
                let n = m.select_rounds;
                let share = |wins: u64| {
                    let how = if wins == n {
                        "always"
                    } else if about_half(wins, n) {
                        "at random"
                    } else {
                        "skewed"
                    };
                    format!("{wins} ({how})")
                };
                // The idioms each runtime's cancel code uses: no preference, then preferring the first.
                let idioms = idioms.expect("a Rust runtime's probe");
                let first = match (idioms.select, m.select_first_wins) {
                    (Some(unordered), Some(w)) => format!("{unordered} {}", share(w)),
                    _ => "no select without a preference".to_string(),
                };
                format!("{first}; {} {}", idioms.select_biased, share(m.select_preferring_first_wins))
            },
        },
        Probe {
            question: "a task draining 1,000,000 ready items on one worker, beside a 1 ms heartbeat",
            scenario: "starvation",
            config: json!({ "items": 1_000_000, "tick_ms": 1, "blocking_jobs": 4, "blocking_limit": 2, "job_ms": 20 }),
            threads: None,
            python: false,
            answer: |r, _| {
                let m = metrics::<StarvationScenario>(r);
                // The wall-clock gap counts the time the OS ran something else too: the
                // loop's thread off the CPU is said beside it, and where the loop yielded
                // yet was off the CPU for half its longest gap or more, that gap may be the
                // machine's, not the executor's (the scenario's own test of a disturbed run).
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
                }
                if let (Some(inline), Some(in_place)) = (m.inline_block_gap_ms, m.block_in_place_gap_ms) {
                    seen.push_str(&format!(
                        "; a 20 ms call inline: gap {inline:.1} ms, in block_in_place: {in_place:.1} ms"
                    ));
                }
                seen
            },
        },
        Probe {
            // claim: C-diff-blocking-limit
            question: "4 blocking jobs of 20 ms on a blocking pool limited to 2 threads",
            scenario: "starvation",
            config: json!({ "items": 1, "tick_ms": 1, "blocking_jobs": 4, "blocking_limit": 2, "job_ms": 20 }),
            threads: None,
            python: false,
            answer: |r, idioms| {
                let m = metrics::<StarvationScenario>(r);
                format!(
                    "at most {} at once, {:.0} ms in all (limit set by {})",
                    m.blocking_peak_concurrency,
                    m.blocking_ms,
                    idioms.expect("a Rust runtime's probe").blocking_limit
                )
            },
        },
        Probe {
            question: "4 tasks sharing an Rc<RefCell<u64>> on the local executor, yielding after each of 5 increments",
            scenario: "local",
            config: json!({ "tasks": 4, "steps": 5 }),
            threads: None,
            python: false,
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
                format!(
                    "{} of {possible} possible task switches, counter {}/{}{outside} ({})",
                    m.switches, m.counter, m.expected, r.flavor
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
            answer: |r, _| {
                let m = metrics::<TimersScenario>(r);
                let wait = |us: f64| {
                    if us < 1_000.0 { format!("{us:.0} µs") } else { format!("{:.2} ms", us / 1e3) }
                };
                format!("median {} and {} ({})", wait(m.median_us), wait(m.heartbeat_median_us), r.flavor)
            },
        },
        Probe {
            // claim: C-files-difference
            question: "does reading a file take a thread? 32 files read 8 at a time with the runtime's file API",
            scenario: "files",
            config: json!({ "files": 32, "min_kib": 4, "max_kib": 16, "concurrency": 8, "pool_limit": 2 }),
            threads: None,
            python: false,
            answer: |r, _| {
                let m = metrics::<FilesScenario>(r);
                let took = match (m.threads_started, m.blocking_threads_peak) {
                    (0, _) => "no: no thread started".to_string(),
                    (n, Some(_)) => format!("yes: {n} blocking-pool threads started"),
                    (n, None) => format!("yes: {n} pool threads, one per read in flight"),
                };
                format!("{took}, a warm read's median {:.0} µs ({})", m.p50_us, r.flavor)
            },
        },
        Probe {
            question: "yield after every step, 3 tasks × 4 steps on one worker",
            scenario: "scheduling",
            config: json!({ "tasks": 3, "steps": 4, "step_ms": 1 }),
            threads: Some(1),
            python: false,
            answer: |r, _| {
                let m = metrics::<SchedulingScenario>(r);
                let rounds = if m.cooperative_lockstep { "in fair rounds" } else { "not in rounds" };
                // Every step but the first can follow another task's: the most switches possible.
                let possible = m.tasks * m.steps - 1;
                format!("{} of {possible} possible task switches, {rounds}", m.switches_cooperative)
            },
        },
    ]
}

/// A probe's question and each runtime's answer, as printed.
#[derive(Debug)]
pub(crate) struct Answered {
    pub(crate) question: &'static str,
    pub(crate) answers: Vec<Answer>,
}

/// One runtime's answer to a probe.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Answer {
    pub(crate) runtime: &'static str,
    /// As printed, with the flavour that ran where the probe names it.
    pub(crate) observed: String,
    /// What the answer says, the flavour left out: what runtimes are compared on.
    pub(crate) said: String,
}

impl Answer {
    /// `observed` from a run of `flavor`: the answer proper is `observed`
    /// without " (flavor)" — the flavour names the executor, it is not what
    /// the probe found. An answer that is the flavour itself stays whole.
    pub(crate) fn new(runtime: &'static str, observed: String, flavor: &str) -> Self {
        let aside = format!(" ({flavor})");
        let said = if flavor.is_empty() { observed.clone() } else { observed.replacen(&aside, "", 1) };
        Self { runtime, observed, said }
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
            let observed = (probe.answer)(&report, Some(rt.idioms()));
            if json_lines {
                let line = json!({ "probe": probe.question, "runtime": rt.name(), "scenario": probe.scenario,
                                   "threads": env.threads, "observed": observed, "passed": report.passed() });
                emit(&line.to_string());
            }
            answers.push(Answer::new(rt.name(), observed, &report.flavor));
        }
        if let Some(python) = python.filter(|_| probe.python && !demos_core::interrupt::requested()) {
            let threads = probe.threads.unwrap_or_else(default_threads);
            let (observed, flavor, held) =
                match python.run(probe.scenario, &probe.config, threads, seed, false) {
                    Ok(ran) => (
                        (probe.answer)(&ran.report, None),
                        ran.report.flavor.clone(),
                        ran.report.passed() && ran.exited_ok,
                    ),
                    Err(_) if demos_core::interrupt::requested() => continue,
                    Err(why) => (format!("no answer: {why}"), String::new(), false),
                };
            passed &= held;
            if json_lines {
                let line = json!({ "probe": probe.question, "runtime": python::NAME, "scenario": probe.scenario,
                                   "threads": threads, "observed": observed, "passed": held });
                emit(&line.to_string());
            }
            answers.push(Answer::new(python::NAME, observed, &flavor));
        }
        let answered_now = Answered { question: probe.question, answers };
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
/// on which they said the same (the flavour each ran left aside), then what
/// was not probed.
fn summary(answered: &[Answered]) -> Vec<String> {
    let (alike, differed): (Vec<&Answered>, Vec<&Answered>) =
        answered.iter().filter(|a| a.answers.len() > 1).partition(|a| a.alike());
    let mut lines = Vec::new();
    if !alike.is_empty() || !differed.is_empty() {
        let questions = |list: &[&Answered]| list.iter().map(|a| a.question).collect::<Vec<_>>().join("; ");
        let mut said = format!(
            "→ Flavours aside, the runtimes answered {} of {} probes differently",
            differed.len(),
            alike.len() + differed.len()
        );
        if !alike.is_empty() {
            said.push_str(&format!("; the same on: {}", questions(&alike)));
        }
        said.push('.');
        lines.push(paragraph("", "  ", &said));
    }
    lines.push(paragraph("", "", NOT_PROBED));
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answered(question: &'static str, answers: &[(&'static str, &str, &str)]) -> Answered {
        let answers =
            answers.iter().map(|(rt, seen, flavor)| Answer::new(rt, seen.to_string(), flavor)).collect();
        Answered { question, answers }
    }

    #[test]
    fn answers_that_differ_only_in_the_flavour_that_ran_are_the_same_answer() {
        let cancelled = answered(
            "aborting",
            &[
                ("tokio", "1 of 1 cancelled (multi_thread, 2 workers)", "multi_thread, 2 workers"),
                ("smol", "1 of 1 cancelled (Executor, 2 threads)", "Executor, 2 threads"),
            ],
        );
        let lost = answered(
            "race",
            &[
                ("tokio", "999 of 1000 (current_thread, 1 worker)", "current_thread, 1 worker"),
                ("std-threads", "0 of 1000 (rayon ThreadPool, 1 thread)", "rayon ThreadPool, 1 thread"),
            ],
        );
        // An answer that is the flavour itself is the answer.
        let flavour = answered(
            "--threads 1",
            &[
                ("tokio", "current_thread, 1 worker", "current_thread, 1 worker"),
                ("smol", "LocalExecutor, 1 thread", "LocalExecutor, 1 thread"),
            ],
        );
        assert!(cancelled.alike() && !lost.alike() && !flavour.alike());
        let said = summary(&[cancelled, lost, flavour]).join(" ");
        assert!(said.contains("answered 2 of 3 probes differently; the same on: aborting."), "{said}");
    }
}
