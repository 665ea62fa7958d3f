//! scale: what one more waiting task costs. N tasks are spawned, each holding
//! a small state and waiting on one shared notification (each runtime's own
//! channel, closed to wake them all); when all N are waiting at once the
//! process's resident memory is read, then the notification fires and every
//! task is joined.
//!
//! Reported per task: the time to spawn it, the resident and virtual memory
//! it added (everything one more waiter costs: its task, its handle, its
//! receiver), and the size of its future as written. On std-threads each task
//! is an OS thread, which reserves a whole stack: memory per thread, and a
//! limit on how many the machine can start.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::report::{counted, format_ms};
use crate::scenario::RunShape;
use crate::scenario::{Column, each};
use crate::usage::{self, Usage};
use crate::{Check, Env, Observed, Runtime, Scenario};

/// The most tasks a run spawns on an async runtime.
pub const MAX_TASKS: u64 = 1_000_000;

/// Configuration of the scale scenario.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, clap::Args)]
pub struct ScaleConfig {
    /// Tasks spawned, all waiting at once (std-threads: OS threads, up to the machine's limit)
    #[arg(long, default_value_t = 10_000, value_parser = crate::scenario::size::<1, MAX_TASKS>,
          allow_negative_numbers = true)]
    pub tasks: usize,
}

impl Default for ScaleConfig {
    fn default() -> Self {
        Self { tasks: 10_000 }
    }
}

/// What the scale scenario measured.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScaleMetrics {
    /// Tasks spawned.
    pub tasks: u64,
    /// The most tasks seen waiting at the same time.
    pub waiting_at_once: u64,
    /// Tasks that woke and returned their state.
    pub finished: u64,
    /// Spawn time per task (the spawn loop over the tasks spawned).
    pub spawn_ns_per_task: f64,
    /// Resident memory added per waiting task (resident set at the peak minus before, over the tasks).
    pub rss_bytes_per_task: f64,
    /// Address space added per waiting OS thread, mostly its reserved stack
    /// (std-threads only: for tasks it measures the allocator's arenas, not the tasks).
    pub vm_bytes_per_task: Option<f64>,
    /// Time from the wake to every task joined.
    pub wake_all_ms: f64,
    /// Size of one task's future as written (std-threads: of its closure).
    pub future_bytes: u64,
    /// The stack each OS thread reserves (std-threads only).
    pub stack_bytes: Option<u64>,
    /// OS threads of the process when all tasks were waiting.
    pub os_threads: u64,
}

/// The scale scenario, implemented by every runtime.
pub trait Scale {
    /// Spawn `cfg.tasks` waiters, wake them all, join them.
    fn scale(&self, cfg: &ScaleConfig, env: &Env) -> Observed<ScaleMetrics>;
}

/// How often the spawner looks whether every task is waiting yet.
pub const POLL: Duration = Duration::from_millis(1);

/// A task's own small state: 32 bytes it holds across its wait and gives back
/// when woken, so that every task is seen to finish exactly once.
#[derive(Debug)]
pub struct Held([u64; 4]);

impl Held {
    /// The state of task `i`.
    pub fn new(i: usize) -> Self {
        Self([i as u64; 4])
    }

    /// Woken: the task's index, read back from its state.
    pub fn done(self) -> u64 {
        self.0.iter().sum::<u64>() / 4
    }
}

/// Counts the tasks waiting; every task holds a clone.
#[derive(Debug, Clone, Default)]
pub struct Waiting(Arc<AtomicU64>);

impl Waiting {
    /// This task is about to wait.
    pub fn arrive(&self) {
        self.0.fetch_add(1, Relaxed);
    }
}

/// One run's measurements, taken as the runtime file reaches each point.
#[derive(Debug)]
pub struct ScaleRun {
    tasks: usize,
    waiting: Waiting,
    before: Usage,
    peak: Usage,
    future_bytes: u64,
    spawned: u64,
    spawn_time: Duration,
    waiting_at_once: u64,
    spawned_at: Option<std::time::Instant>,
    arrival_bound: Duration,
}

/// How long the spawner waits, after its last spawn, for every task to be
/// waiting: far beyond what any runtime here takes for the most tasks allowed
/// (seconds at worst), so only a task that never ran misses it.
pub const ARRIVAL_BOUND: Duration = Duration::from_secs(60);

impl ScaleRun {
    /// Before any task: read the process's usage.
    pub fn new(cfg: &ScaleConfig) -> Self {
        Self {
            tasks: cfg.tasks,
            waiting: Waiting::default(),
            before: usage::now().unwrap_or_default(),
            peak: Usage::default(),
            future_bytes: 0,
            spawned: 0,
            spawn_time: Duration::ZERO,
            waiting_at_once: 0,
            spawned_at: None,
            arrival_bound: ARRIVAL_BOUND,
        }
    }

    /// The counter each task arrives at.
    pub fn waiting(&self) -> Waiting {
        self.waiting.clone()
    }

    /// Note a task's future (or closure) before it is spawned: the first one's size is reported.
    pub fn note<T>(&mut self, task: &T) {
        if self.future_bytes == 0 {
            self.future_bytes = std::mem::size_of_val(task) as u64;
        }
    }

    /// The spawn loop is over: `spawned` tasks took `took`.
    pub fn spawned(&mut self, spawned: usize, took: Duration) {
        (self.spawned, self.spawn_time) = (spawned as u64, took);
        self.spawned_at = Some(std::time::Instant::now());
    }

    /// Whether to stop looking: every spawned task is waiting, Ctrl-C was
    /// pressed, or [`ARRIVAL_BOUND`] has passed since the last spawn — then
    /// the tasks not yet waiting fail the check "all tasks waiting at once"
    /// (an executor that lost or never ran a task), instead of a hang.
    pub fn all_waiting(&self) -> bool {
        self.waiting.0.load(Relaxed) >= self.spawned
            || crate::interrupt::requested()
            || self.spawned_at.is_some_and(|at| at.elapsed() > self.arrival_bound)
    }

    /// Every task waits (or Ctrl-C): read the usage at the peak, just before the wake.
    pub fn at_peak(&mut self) {
        self.waiting_at_once = self.waiting.0.load(Relaxed);
        self.peak = usage::now().unwrap_or_default();
    }

    /// After the wake: what the tasks returned, and the time from the wake to
    /// the last join. `stack` is the stack each OS thread reserved (std-threads).
    pub fn finish(self, returned: &[u64], woken_in: Duration, stack: Option<u64>) -> ScaleMetrics {
        let per_task =
            |bytes: u64, before: u64| bytes.saturating_sub(before) as f64 / self.spawned.max(1) as f64;
        let distinct: BTreeSet<u64> =
            returned.iter().copied().filter(|&i| (i as usize) < self.tasks).collect();
        ScaleMetrics {
            tasks: self.tasks as u64,
            waiting_at_once: self.waiting_at_once,
            finished: if distinct.len() == returned.len() { distinct.len() as u64 } else { 0 },
            spawn_ns_per_task: self.spawn_time.as_nanos() as f64 / self.spawned.max(1) as f64,
            rss_bytes_per_task: per_task(self.peak.rss_bytes, self.before.rss_bytes),
            vm_bytes_per_task: stack.map(|_| per_task(self.peak.vm_bytes, self.before.vm_bytes)),
            wake_all_ms: woken_in.as_secs_f64() * 1e3,
            future_bytes: self.future_bytes,
            stack_bytes: stack,
            os_threads: self.peak.threads,
        }
    }
}

/// A byte count as a person reads it: "312 B", "8.1 KiB", "2.0 MiB".
///
/// ```
/// assert_eq!(demos_core::scenario::scale::bytes(312.0), "312 B");
/// assert_eq!(demos_core::scenario::scale::bytes(2.0 * 1024.0 * 1024.0), "2.0 MiB");
/// ```
pub fn bytes(b: f64) -> String {
    match b {
        b if b >= 1024.0 * 1024.0 => format!("{:.1} MiB", b / (1024.0 * 1024.0)),
        b if b >= 10.0 * 1024.0 => format!("{:.0} KiB", b / 1024.0),
        b if b >= 1024.0 => format!("{:.1} KiB", b / 1024.0),
        b => format!("{b:.0} B"),
    }
}

/// Marker type naming the scale scenario for the CLI and `compare`.
#[derive(Debug)]
pub struct ScaleScenario;

impl Scenario for ScaleScenario {
    const KIND: crate::scenario::Kind = crate::scenario::Kind::Scale;
    const ABOUT: &'static str =
        "N tasks all waiting at once: spawn time, memory per task, time to wake them all";
    type Config = ScaleConfig;
    type Metrics = ScaleMetrics;

    fn check_shape(cfg: &ScaleConfig, shape: &RunShape) -> Result<(), String> {
        if !shape.tasks_hold_threads {
            return Ok(());
        }
        let (limit, why) = usage::os_thread_limit();
        if cfg.tasks as u64 <= limit {
            return Ok(());
        }
        Err(format!(
            "--tasks {} is above what std-threads starts here: at most {limit} OS threads ({why}); each task is a \
             thread reserving a {} stack, and the kernel counts every thread against its limits — pick --tasks up \
             to {limit}, or an async runtime, which goes to {MAX_TASKS}",
            cfg.tasks,
            bytes(usage::default_stack_bytes() as f64)
        ))
    }

    /// In a process of its own: resident memory is the whole process's, and
    /// a process that ran anything before holds freed heap that new tasks
    /// would reuse without the resident set growing.
    fn observe(rt: &dyn Runtime, cfg: &ScaleConfig, env: &Env) -> Observed<ScaleMetrics> {
        crate::scenario::in_fresh_process::<ScaleScenario>(rt, cfg, env, || rt.scale(cfg, env))
    }

    fn checks(cfg: &ScaleConfig, m: &ScaleMetrics) -> Vec<Check> {
        let n = cfg.tasks as u64;
        vec![
            Check::new(
                "all tasks waiting at once",
                m.waiting_at_once == n,
                format!("{}/{n}", m.waiting_at_once),
            ),
            Check::new("every task woke once", m.finished == n, format!("{}/{n}", m.finished)),
        ]
    }

    fn headline(cfg: &ScaleConfig) -> String {
        format!(
            "{} tasks, each holding a small state, all waiting on one notification; then woken at once and joined",
            cfg.tasks
        )
    }

    fn figures(_: &ScaleConfig, m: &ScaleMetrics) -> Vec<(String, String)> {
        let vm =
            m.vm_bytes_per_task.map(|vm| format!(" · {} of address space", bytes(vm))).unwrap_or_default();
        let mut figures = vec![
            ("spawn".into(), format!("{:.0} ns per task", m.spawn_ns_per_task)),
            ("memory per task".into(), format!("{} resident{vm}", bytes(m.rss_bytes_per_task))),
            (
                if m.stack_bytes.is_some() { "closure as written" } else { "future as written" }.into(),
                format!("{} bytes", m.future_bytes),
            ),
            ("wake all and join".into(), format!("{} ms", format_ms(m.wake_all_ms))),
            ("OS threads at the peak".into(), m.os_threads.to_string()),
        ];
        if let Some(stack) = m.stack_bytes {
            figures.insert(3, ("stack per thread".into(), format!("{} reserved", bytes(stack as f64))));
        }
        figures
    }

    const LESSON: &'static [&'static str] =
        &["rss_bytes_per_task", "spawn_ns_per_task", "wake_all_ms", "os_threads"];

    fn conclude(cfg: &ScaleConfig, columns: &[Column<'_, ScaleMetrics>]) -> String {
        let resident = each(columns, |c| bytes(c.median(|m| m.rss_bytes_per_task)));
        let cheapest = columns
            .iter()
            .min_by(|a, b| a.median(|m| m.rss_bytes_per_task).total_cmp(&b.median(|m| m.rss_bytes_per_task)));
        let dearest = columns
            .iter()
            .max_by(|a, b| a.median(|m| m.rss_bytes_per_task).total_cmp(&b.median(|m| m.rss_bytes_per_task)));
        let spread = match (cheapest, dearest) {
            (Some(low), Some(high))
                if high.median(|m| m.rss_bytes_per_task) > 2.0 * low.median(|m| m.rss_bytes_per_task) =>
            {
                format!(
                    ": {}'s cost ×{:.0} what {}'s did",
                    high.runtime,
                    high.median(|m| m.rss_bytes_per_task) / low.median(|m| m.rss_bytes_per_task).max(1.0),
                    low.runtime
                )
            }
            _ => String::new(),
        };
        let threads = each(columns, |c| format!("{:.0}", c.median(|m| m.os_threads as f64)));
        format!(
            "Each of {} waiting tasks held {resident} resident{spread}. OS threads at the peak: {threads}.",
            cfg.tasks
        )
    }

    const TRY_NEXT: Option<&'static str> = Some(
        "`compare scale --sweep tasks=1000,10000,100000` sets OS threads and tasks side by side \
             and says how each figure grows",
    );

    fn takeaway(_: &ScaleConfig, m: &ScaleMetrics, _: &Env) -> String {
        let vm =
            m.vm_bytes_per_task.map(|vm| format!(" and {} of address space", bytes(vm))).unwrap_or_default();
        let cost = format!(
            "each of the {} waiting {} cost {} resident{vm}, and {:.0} ns to spawn; waking them all and joining \
             took {} ms",
            m.tasks,
            if m.stack_bytes.is_some() { "OS threads" } else { "tasks" },
            bytes(m.rss_bytes_per_task),
            m.spawn_ns_per_task,
            format_ms(m.wake_all_ms)
        );
        let limit = usage::os_thread_limit();
        match m.stack_bytes {
            Some(stack) => format!(
                "{cost}. Each thread reserves a {} stack when it starts — the address space measured per thread — \
                 and the kernel schedules every one. This scenario lets std-threads start at most {} of them here \
                 ({}), and an async runtime up to {MAX_TASKS} tasks.",
                bytes(stack as f64),
                limit.0,
                limit.1
            ),
            None => format!(
                "{cost}, on {}. A task is its future ({} bytes here) plus the executor's header: no stack of its \
                 own.",
                counted(m.os_threads, "OS thread"),
                m.future_bytes
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A spawner that lost a task: the wait for every task ends at the bound
    /// and "all tasks waiting at once" fails, naming how many were waiting.
    #[test]
    fn a_task_that_never_runs_fails_all_waiting_at_once() {
        let cfg = ScaleConfig { tasks: 3 };
        let mut run = ScaleRun::new(&cfg);
        run.arrival_bound = Duration::from_millis(20);
        run.spawned(3, Duration::ZERO);
        let waiting = run.waiting();
        waiting.arrive();
        waiting.arrive(); // the third task was lost
        let start = std::time::Instant::now();
        while !run.all_waiting() {
            assert!(start.elapsed() < Duration::from_secs(10), "the wait has a bound");
            std::thread::sleep(Duration::from_millis(1));
        }
        run.at_peak();
        let m = run.finish(&[0, 1], Duration::ZERO, None);
        let checks = ScaleScenario::checks(&cfg, &m);
        let failed: Vec<&str> = checks.iter().filter(|c| !c.passed).map(|c| c.name.as_str()).collect();
        assert!(failed.contains(&"all tasks waiting at once"), "{checks:?}");
        let check = checks.iter().find(|c| c.name == "all tasks waiting at once").unwrap();
        assert_eq!(check.detail, "2/3");
    }
}
