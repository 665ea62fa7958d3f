//! scheduling: who decides when a task gives up the CPU.
//!
//! Three CPU-bound tasks each do K steps of busy work, three ways:
//!
// claim: C-tokio-coop-own-awaits
//! * **no yield** — async tasks that never reach an `.await`, on an executor of
// claim: C-executor-cooperative
//!   one worker, whatever `--threads` says. An executor is *cooperative*: it
//!   can only switch tasks when the running one returns `Pending`, so they run
//!   strictly one after another; nothing can interrupt them (tokio's coop
//!   budget only acts at its own await points).
//! * **cooperative** — the same tasks on the same one worker, yielding after
//!   every step (`yield_now().await`): they take turns, step by step.
//! * **preemptive** — OS threads from the runtime's blocking pool (scoped
//!   threads on std-threads), no yield at all, confined to one CPU and started
//!   together: the kernel's scheduler must time-slice them (see [`OneCpu`]).
//!
//! With `--threads N` above one, the no-yield tasks then run once more on the
//! runtime's executor of N workers: they spread out, one per worker, but each
//! still holds its worker until it ends, and a task with no worker free waits.
//!
//! Each step is recorded as a span; the number of *switches* (consecutive
//! steps, in start order, belonging to different tasks) sums up the
//! interleaving, and the lanes below the summary draw it.

use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

mod metrics;
mod preemptive;
mod text;

pub use metrics::SchedulingMetrics;
pub use preemptive::{DESCHEDULED, OneCpu, ThreadRun};

use crate::scenario::{Column, each, listed, names_where};
use crate::scenario::{RunShape, count, size};
use crate::timeline::Recorder;
use crate::{Check, Env, Observed, Runtime, Scenario};

/// Configuration of the scheduling scenario.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, clap::Args)]
pub struct SchedulingConfig {
    /// CPU-bound tasks.
    #[arg(long, default_value_t = 3, value_parser = size::<1, 16>, allow_negative_numbers = true)]
    pub tasks: usize,
    /// Steps each task takes.
    #[arg(long, default_value_t = 8, value_parser = size::<1, 1_000>, allow_negative_numbers = true)]
    pub steps: usize,
    /// Busy work per step, in ms.
    #[arg(long, default_value_t = 2, value_parser = count::<1, 1_000>, allow_negative_numbers = true)]
    pub step_ms: u64,
}

impl Default for SchedulingConfig {
    fn default() -> Self {
        Self { tasks: 3, steps: 8, step_ms: 2 }
    }
}

/// The phases, as span labels: no yield on one worker.
pub const NO_YIELD: &str = "no yield";
/// A yield after every step, on one worker.
pub const COOPERATIVE: &str = "cooperative";
/// OS threads on one CPU.
pub const PREEMPTIVE: &str = "preemptive";
/// No yield again, on the executor of `--threads` workers (when more than one).
pub const SPREAD: &str = "no yield, --threads workers";

/// One step of `task` in `mode`: spin on the CPU for the step's duration,
/// recorded as a span. Spinning (not sleeping) keeps the thread busy, as real
/// computation would.
/// After Ctrl-C a step is skipped, and a step under way stops spinning.
pub fn step(rec: &Recorder, cfg: &SchedulingConfig, mode: &'static str, task: usize) {
    if crate::interrupt::requested() {
        return;
    }
    let start = Instant::now();
    let work = Duration::from_millis(cfg.step_ms);
    while start.elapsed() < work && !crate::interrupt::requested() {
        std::hint::spin_loop();
    }
    rec.record(format_args!("task {task}"), mode, start);
}

/// Log the start of one phase.
pub fn log_mode(env: &Env, mode: &str) {
    env.log.line(match mode {
        NO_YIELD => {
            "no yield, 1 worker: each task spins through its steps, never reaching an .await".to_string()
        }
        COOPERATIVE => "cooperative, 1 worker: each task yields to the executor after every step".to_string(),
        PREEMPTIVE if preemptive::can_confine() => {
            "preemptive, 1 CPU: each task is an OS thread that never yields, all on the same CPU".to_string()
        }
        PREEMPTIVE => {
            "preemptive: each task is an OS thread that never yields (not confined: no way here)".to_string()
        }
        _ => format!("no yield, {} workers: the first phase again, on all the workers", env.threads),
    });
}

/// The scheduling scenario, implemented by every runtime.
pub trait Scheduling {
    /// Run the tasks without yielding and yielding every step on one worker,
    /// as OS threads on one CPU, then without yielding on `--threads` workers.
    fn scheduling(&self, cfg: &SchedulingConfig, env: &Env) -> Observed<SchedulingMetrics>;
}

/// Marker type naming the scheduling scenario.
#[derive(Debug)]
pub struct SchedulingScenario;

impl Scenario for SchedulingScenario {
    const KIND: crate::scenario::Kind = crate::scenario::Kind::Scheduling;
    const ABOUT: &'static str =
        "CPU-bound tasks with no yield, cooperative yields, and on OS threads: who switches";
    type Config = SchedulingConfig;
    type Metrics = SchedulingMetrics;

    fn least_duration(cfg: &SchedulingConfig, shape: &RunShape) -> Duration {
        // Every step spins for step_ms: two phases on one worker, one on one CPU,
        // then the tasks spread over the workers, in waves of one per worker.
        let each = Duration::from_millis(cfg.step_ms) * cfg.steps as u32;
        let one_worker = each * cfg.tasks as u32;
        let spread =
            if shape.threads > 1 { each * cfg.tasks.div_ceil(shape.threads) as u32 } else { Duration::ZERO };
        one_worker * 3 + spread
    }

    fn observe(rt: &dyn Runtime, cfg: &SchedulingConfig, env: &Env) -> Observed<SchedulingMetrics> {
        rt.scheduling(cfg, env)
    }

    fn checks(_: &SchedulingConfig, m: &SchedulingMetrics) -> Vec<Check> {
        text::checks(m)
    }

    fn headline(cfg: &SchedulingConfig) -> String {
        format!(
            "{} CPU-bound tasks × {} steps of {} ms, run as below: who makes a running task give up the \
             CPU, the task itself or a scheduler?",
            cfg.tasks, cfg.steps, cfg.step_ms
        )
    }

    fn figures(_: &SchedulingConfig, m: &SchedulingMetrics) -> Vec<(String, String)> {
        text::figures(m)
    }

    fn details(_: &SchedulingConfig, m: &SchedulingMetrics, spans: &[crate::timeline::Span]) -> Vec<String> {
        text::charts(m, spans)
    }

    const LESSON: &'static [&'static str] =
        &["switches_no_yield", "switches_cooperative", "switches_preemptive"];

    fn conclude(_: &SchedulingConfig, columns: &[Column<'_, SchedulingMetrics>]) -> String {
        let runs =
            |f: fn(&SchedulingMetrics) -> u64| each(columns, |c| format!("{:.0}", c.median(|m| f(m) as f64)));
        let in_turn = names_where(columns, |c| c.always(|m| m.cooperative_lockstep));
        let turns = if in_turn.len() == columns.len() {
            "in fair rounds on every runtime".to_string()
        } else if in_turn.is_empty() {
            "not in fair rounds anywhere".to_string()
        } else {
            format!("in fair rounds on {} only", listed(&in_turn))
        };
        let mut said = format!(
            "Task switches on one worker among tasks that never yield: {} (one after another); among tasks that \
             yield each step: {} ({turns}).",
            runs(|m| m.switches_no_yield),
            runs(|m| m.switches_cooperative),
        );
        // CPython's threads (the python column) take turns at the GIL, which its
        // interpreter hands on: they are not confined to one CPU, and no kernel decides.
        let under_gil = |c: &Column<'_, SchedulingMetrics>| c.flavor.contains("GIL on");
        let of = |gil: bool| -> Vec<Column<'_, SchedulingMetrics>> {
            columns
                .iter()
                .filter(|c| under_gil(c) == gil)
                .map(|c| Column { runtime: c.runtime, flavor: c.flavor, runs: c.runs.clone() })
                .collect()
        };
        let preemptive =
            |c: &Column<'_, SchedulingMetrics>| format!("{:.0}", c.median(|m| m.switches_preemptive as f64));
        let (kernel, interpreter) = (of(false), of(true));
        if !kernel.is_empty() {
            said.push_str(&format!(
                " Thread switches the kernel made among OS threads that never yield, sharing one CPU: {}.",
                each(&kernel, preemptive)
            ));
        }
        if !interpreter.is_empty() {
            said.push_str(&format!(
                " Thread switches among threads that never yield, taking turns at a GIL their interpreter \
                 hands on: {}.",
                each(&interpreter, preemptive)
            ));
        }
        said
    }

    fn takeaway(_: &SchedulingConfig, m: &SchedulingMetrics, _: &Env) -> String {
        text::takeaway(m)
    }
}
