//! scheduling: who decides when a task gives up the CPU.
//!
//! Three CPU-bound tasks each do K steps of busy work, three ways:
//!
//! * **no yield** — async tasks that never reach an `.await`. An executor is
//!   *cooperative*: it can only switch tasks when the running one returns
//!   `Pending`. On one worker they run strictly one after another; nothing can
//!   interrupt them (tokio's coop budget only acts at its own await points).
//! * **cooperative** — the same tasks, yielding after every step
//!   (`yield_now().await`): on one worker they take turns, step by step.
//! * **preemptive** — OS threads from the runtime's blocking pool, no yield at
//!   all, confined to one CPU: the kernel's scheduler must time-slice them.
//!   Each step is measured in the thread's own CPU time, and the lanes show the
//!   stretches each thread actually ran.
//!
//! Each step is recorded as a span; the number of *switches* (consecutive steps,
//! in start order, belonging to different tasks) sums up the interleaving, and
//! the lanes below the summary draw it.

use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

mod preemptive;

pub use preemptive::{preemptive_cpu, preemptive_steps};

use crate::scenario::{RunShape, count, size};
use crate::timeline::{Recorder, Span, lanes, switches};
use crate::{Check, Env, Log, Observed, Runtime, Scenario};

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

/// The three ways, as span labels.
pub const NO_YIELD: &str = "no yield";
/// See [`NO_YIELD`].
pub const COOPERATIVE: &str = "cooperative";
/// See [`NO_YIELD`].
pub const PREEMPTIVE: &str = "preemptive";

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

/// Log the start of one way of running the tasks.
pub fn log_mode(log: &Log, mode: &str) {
    log.line(match mode {
        NO_YIELD => "no yield: each task spins through its steps without ever reaching an .await",
        COOPERATIVE => "cooperative: each task yields to the executor after every step",
        _ => "preemptive: each task runs on an OS thread of its own, and never yields",
    });
}

fn mode_spans<'a>(spans: &'a [Span], mode: &str) -> Vec<&'a Span> {
    spans.iter().filter(|s| s.label == mode).collect()
}

/// Whether the steps went in rounds: in start order, the i-th step belongs to
/// round i / tasks, i.e. no task took its next step before every task had
/// taken its current one. This is what "taking turns" means for any fair
/// cooperative scheduler, whatever order it picks within a round (tokio's
/// current_thread, for one, reverses it every round).
fn lockstep(spans: &[Span], mode: &str, tasks: usize) -> bool {
    let mut ordered = mode_spans(spans, mode);
    ordered.sort_by(|a, b| a.start_us.total_cmp(&b.start_us));
    let mut done: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    ordered.iter().enumerate().all(|(i, span)| {
        let steps = done.entry(span.task.as_str()).or_default();
        *steps += 1;
        *steps - 1 == i / tasks
    })
}

fn mode_switches(spans: &[Span], mode: &str) -> u64 {
    switches(mode_spans(spans, mode))
}

/// What the scheduling scenario measured.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct SchedulingMetrics {
    /// Tasks per way.
    pub tasks: u64,
    /// Steps per task.
    pub steps: u64,
    /// Steps recorded with no yield and cooperatively.
    pub steps_recorded: u64,
    /// Task switches with no yield.
    pub switches_no_yield: u64,
    /// Task switches with a yield after every step.
    pub switches_cooperative: u64,
    /// Task switches on OS threads: the kernel taking the CPU from one thread for another.
    pub switches_preemptive: u64,
    /// Stretches the preemptive threads ran without being descheduled.
    pub preemptive_runs: u64,
    /// CPUs the preemptive threads were confined to (0: they could not be confined).
    pub preemptive_cpus: u64,
    /// Least CPU time one preemptive thread used, in ms.
    pub preemptive_cpu_ms_min: f64,
    /// Most CPU time one preemptive thread used, in ms.
    pub preemptive_cpu_ms_max: f64,
    /// Whether the cooperative steps went in rounds, every task one step per round.
    pub cooperative_lockstep: bool,
    /// Worker threads of the executor.
    pub workers: u64,
}

impl SchedulingMetrics {
    /// Metrics from the recorded spans, the CPU the preemptive threads were
    /// confined to, and the CPU time each of them used.
    pub fn from_spans(
        cfg: &SchedulingConfig,
        env: &Env,
        spans: &[Span],
        cpu: Option<usize>,
        cpu_times: &[Duration],
    ) -> Self {
        let ms = |d: &Duration| d.as_secs_f64() * 1e3;
        Self {
            tasks: cfg.tasks as u64,
            steps: cfg.steps as u64,
            steps_recorded: (mode_spans(spans, NO_YIELD).len() + mode_spans(spans, COOPERATIVE).len()) as u64,
            preemptive_runs: mode_spans(spans, PREEMPTIVE).len() as u64,
            preemptive_cpus: u64::from(cpu.is_some()),
            preemptive_cpu_ms_min: cpu_times.iter().map(ms).reduce(f64::min).unwrap_or(0.0),
            preemptive_cpu_ms_max: cpu_times.iter().map(ms).reduce(f64::max).unwrap_or(0.0),
            switches_no_yield: mode_switches(spans, NO_YIELD),
            switches_cooperative: mode_switches(spans, COOPERATIVE),
            switches_preemptive: mode_switches(spans, PREEMPTIVE),
            cooperative_lockstep: lockstep(spans, COOPERATIVE, cfg.tasks),
            workers: env.threads as u64,
        }
    }
}

/// The scheduling scenario, implemented by every runtime.
pub trait Scheduling {
    /// Run the tasks without yielding, yielding every step, and on OS threads.
    fn scheduling(&self, cfg: &SchedulingConfig, env: &Env) -> Observed<SchedulingMetrics>;
}

/// Marker type naming the scheduling scenario.
#[derive(Debug)]
pub struct SchedulingScenario;

impl Scenario for SchedulingScenario {
    const NAME: &'static str = "scheduling";
    const ABOUT: &'static str =
        "CPU-bound tasks with no yield, cooperative yields, and on OS threads: who switches";
    type Config = SchedulingConfig;
    type Metrics = SchedulingMetrics;

    fn least_duration(cfg: &SchedulingConfig, shape: &RunShape) -> Duration {
        // Every step spins for step_ms; tasks share the workers (two async ways), then one CPU.
        let work = Duration::from_millis(cfg.step_ms) * (cfg.tasks * cfg.steps) as u32;
        let on = |threads: usize| work / threads.clamp(1, cfg.tasks) as u32;
        on(shape.threads) * 2 + work
    }

    fn observe(rt: &dyn Runtime, cfg: &SchedulingConfig, env: &Env) -> Observed<SchedulingMetrics> {
        rt.scheduling(cfg, env)
    }

    fn checks(cfg: &SchedulingConfig, m: &SchedulingMetrics) -> Vec<Check> {
        let total = 2 * m.tasks * m.steps;
        let cpu_due = (cfg.steps as u64 * cfg.step_ms) as f64;
        let mut checks = vec![
            Check::new(
                "every async step of every task ran",
                m.steps_recorded == total,
                format!("{}/{total}", m.steps_recorded),
            ),
            Check::new(
                "every OS thread used its steps' CPU time",
                m.preemptive_cpu_ms_min >= cpu_due,
                format!("least {:.1} ms of {cpu_due} ms", m.preemptive_cpu_ms_min),
            ),
        ];
        if m.workers == 1 {
            // Properties of a single-threaded cooperative scheduler: exact, not statistical.
            checks.push(Check::new(
                "one worker, no yield: tasks ran strictly one after another",
                m.switches_no_yield == m.tasks - 1,
                format!("{} switches, {} expected", m.switches_no_yield, m.tasks - 1),
            ));
            checks.push(Check::new(
                "one worker, cooperative: tasks took turns, one step each per round",
                m.cooperative_lockstep,
                format!("{} switches in {} steps", m.switches_cooperative, m.tasks * m.steps),
            ));
        }
        checks
    }

    fn headline(cfg: &SchedulingConfig) -> String {
        format!(
            "{} CPU-bound tasks × {} steps of {} ms: no yield, a yield every step, then OS threads",
            cfg.tasks, cfg.steps, cfg.step_ms
        )
    }

    fn figures(_: &SchedulingConfig, m: &SchedulingMetrics) -> Vec<(String, String)> {
        let most = m.tasks * m.steps - 1;
        vec![
            ("no yield".into(), format!("{} task switches (of at most {most})", m.switches_no_yield)),
            (
                "cooperative".into(),
                format!(
                    "{} task switches, in lockstep rounds: {}",
                    m.switches_cooperative, m.cooperative_lockstep
                ),
            ),
            (
                "preemptive".into(),
                format!(
                    "{} task switches in {} stretches of running, on {}; {:.1}–{:.1} ms of CPU per thread",
                    m.switches_preemptive,
                    m.preemptive_runs,
                    if m.preemptive_cpus == 1 { "one CPU" } else { "every CPU (could not confine)" },
                    m.preemptive_cpu_ms_min,
                    m.preemptive_cpu_ms_max
                ),
            ),
        ]
    }

    fn details(_: &SchedulingConfig, _: &SchedulingMetrics, spans: &[Span]) -> Vec<String> {
        let mut lines = Vec::new();
        for mode in [NO_YIELD, COOPERATIVE, PREEMPTIVE] {
            let these: Vec<Span> = mode_spans(spans, mode).into_iter().cloned().collect();
            lines.push(format!("{mode}:"));
            lines.extend(lanes(&these, 56, false).into_iter().map(|l| format!("  {l}")));
        }
        // Each OS thread's running time, added up from the stretches it ran.
        let mut ran: std::collections::BTreeMap<&str, (f64, usize)> = std::collections::BTreeMap::new();
        for span in mode_spans(spans, PREEMPTIVE) {
            let entry = ran.entry(span.task.as_str()).or_default();
            *entry = (entry.0 + (span.end_us - span.start_us) / 1e3, entry.1 + 1);
        }
        let each: Vec<String> =
            ran.iter().map(|(task, (ms, runs))| format!("{task} {ms:.1} ms in {runs} stretches")).collect();
        if !each.is_empty() {
            lines.push(format!("preemptive, time on the CPU: {}", each.join(", ")));
        }
        lines
    }

    fn takeaway(_: &SchedulingConfig, m: &SchedulingMetrics, _: &Env) -> String {
        let preemptive = match (m.preemptive_cpus, m.switches_preemptive) {
            (1, 0) => "OS threads confined to one CPU happened to run one after another here (0 switches)"
                .to_string(),
            (1, n) => format!(
                "OS threads need no yield: confined to one CPU, the kernel took it from one and gave it to another \
                 {n} times while none of them yielded"
            ),
            (_, n) => {
                format!("OS threads were preempted and spread over the cores by the kernel ({n} switches)")
            }
        };
        if m.workers == 1 {
            format!(
                "on one worker an async task that never awaits runs to the end before any other starts ({} \
                 switches); yielding lets them take turns ({}). {preemptive}. Long CPU work on an executor needs \
                 yields or a blocking pool.",
                m.switches_no_yield, m.switches_cooperative
            )
        } else {
            let cooperative = if m.cooperative_lockstep {
                format!("yielding made them take turns, in rounds ({} switches)", m.switches_cooperative)
            } else {
                format!(
                    "yielding did not keep them in strict rounds here ({} switches; the lanes show how they ran)",
                    m.switches_cooperative
                )
            };
            format!(
                "with {} workers even tasks that never yield run side by side, one per worker ({} switches), but a \
                 task that never awaits still holds its worker until it ends; {cooperative}. {preemptive}. Try \
                 --threads 1 to see the cooperative scheduler bare.",
                m.workers, m.switches_no_yield
            )
        }
    }
}
