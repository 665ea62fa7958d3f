//! The figures of the scheduling scenario, read off the recorded spans.

use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

use super::preemptive::ThreadRun;
use super::{COOPERATIVE, NO_YIELD, PREEMPTIVE, SPREAD, SchedulingConfig};
use crate::Env;
use crate::timeline::{Span, switches};

/// What the scheduling scenario measured.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct SchedulingMetrics {
    /// Tasks per way.
    pub tasks: u64,
    /// Steps per task.
    pub steps: u64,
    /// Async steps recorded, of every phase on an executor.
    pub steps_recorded: u64,
    /// Task switches with no yield, on one worker.
    pub switches_no_yield: u64,
    /// Task switches with a yield after every step, on one worker.
    pub switches_cooperative: u64,
    /// Whether the cooperative steps went in rounds, every task one step per round.
    pub cooperative_lockstep: bool,
    /// Task switches on OS threads: the kernel taking the CPU from one thread for another.
    pub switches_preemptive: u64,
    /// Stretches the preemptive threads ran without being descheduled.
    pub preemptive_runs: u64,
    /// The longest of those stretches, in ms: about the kernel's time slice.
    /// (Absent from the Python side's report, which reads as 0 / false here.)
    #[serde(default)]
    pub preemptive_run_ms_max: f64,
    /// 1 when every preemptive thread ran confined to one CPU, 0 when they could not be confined.
    pub preemptive_cpus: u64,
    /// Whether the preemptive threads started spinning together.
    /// (Absent from the Python side's report, which reads as 0 / false here.)
    #[serde(default)]
    pub preemptive_started_together: bool,
    /// Time, in ms, during which stretches of two threads overlapped (none on one CPU,
    /// but for a stretch's ends, which are known to within [`super::DESCHEDULED`]).
    pub preemptive_overlap_ms: f64,
    /// Least CPU time one preemptive thread used, in ms, by its CPU clock.
    pub preemptive_cpu_ms_min: f64,
    /// Most CPU time one preemptive thread used, in ms, by its CPU clock.
    pub preemptive_cpu_ms_max: f64,
    /// Shortest wall time from a preemptive thread's first stretch to its last end, in ms.
    /// (Absent from the Python side's report, which reads as 0 / false here.)
    #[serde(default)]
    pub preemptive_wall_ms_min: f64,
    /// Longest wall time from a preemptive thread's first stretch to its last end, in ms.
    /// (Absent from the Python side's report, which reads as 0 / false here.)
    #[serde(default)]
    pub preemptive_wall_ms_max: f64,
    /// Worker threads of the executor the last phase ran on (`--threads`).
    pub workers: u64,
    /// Last phase, no yield on `--threads` workers (absent with one): worker threads that ran the tasks.
    pub spread_workers: Option<u64>,
    /// Last phase: the most tasks running at the same moment.
    pub spread_most_at_once: Option<u64>,
    /// Last phase: tasks that ran every step on one worker, no other task's step in between.
    pub spread_tasks_kept_worker: Option<u64>,
    /// Last phase: tasks that started only after another task had finished.
    pub spread_tasks_waited: Option<u64>,
    /// Last phase: the longest a task started after the first one, in ms.
    pub spread_wait_ms_max: Option<f64>,
}

pub(super) fn mode_spans<'a>(spans: &'a [Span], mode: &str) -> Vec<&'a Span> {
    spans.iter().filter(|s| s.label == mode).collect()
}

// claim: C-tokio-yield-reverse
/// Whether the steps went in rounds: in start order, the i-th step belongs to
/// round i / tasks, i.e. no task took its next step before every task had
/// taken its current one. This is what "taking turns" means for any fair
/// cooperative scheduler, whatever order it picks within a round (tokio 1.54's
/// current_thread, for one, reverses it every round: an order tokio's docs say
/// may change).
fn lockstep(spans: &[&Span], tasks: usize) -> bool {
    let mut spans = spans.to_vec();
    spans.sort_by(|a, b| a.start_us.total_cmp(&b.start_us));
    let mut done: BTreeMap<&str, usize> = BTreeMap::new();
    spans.iter().enumerate().all(|(i, span)| {
        let steps = done.entry(span.task.as_str()).or_default();
        *steps += 1;
        *steps - 1 == i / tasks
    })
}

/// Each task's spans, in start order.
fn by_task<'a>(spans: &[&'a Span]) -> BTreeMap<&'a str, Vec<&'a Span>> {
    let mut tasks: BTreeMap<&str, Vec<&Span>> = BTreeMap::new();
    for span in spans {
        tasks.entry(span.task.as_str()).or_default().push(span);
    }
    tasks.values_mut().for_each(|steps| steps.sort_by(|a, b| a.start_us.total_cmp(&b.start_us)));
    tasks
}

/// Each task's first start and last end.
fn lifetimes(spans: &[&Span]) -> Vec<(f64, f64)> {
    by_task(spans)
        .values()
        .map(|steps| {
            let start = steps.iter().map(|s| s.start_us).fold(f64::INFINITY, f64::min);
            let end = steps.iter().map(|s| s.end_us).fold(f64::NEG_INFINITY, f64::max);
            (start, end)
        })
        .collect()
}

/// The most intervals open at one moment, and the time during which two or
/// more were (an interval's end comes before a start at the same instant).
fn overlap(intervals: &[(f64, f64)]) -> (u64, f64) {
    let mut edges: Vec<(f64, i64)> = intervals.iter().flat_map(|&(s, e)| [(s, 1), (e, -1)]).collect();
    edges.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    let (mut open, mut most, mut overlapped, mut last) = (0i64, 0i64, 0.0, 0.0);
    for (at, change) in edges {
        if open >= 2 {
            overlapped += at - last;
        }
        open += change;
        most = most.max(open);
        last = at;
    }
    (most as u64, overlapped)
}

/// Whether each of a task's steps ran on one thread with no other task's step
/// on that thread between its first and its last.
fn kept_worker(task: &[&Span], all: &[&Span]) -> bool {
    let threads: BTreeSet<u64> = task.iter().map(|s| s.thread_id).collect();
    let (Some(first), Some(last)) = (task.first(), task.last()) else { return true };
    threads.len() == 1
        && !all.iter().any(|s| {
            s.thread_id == first.thread_id
                && s.task != first.task
                && s.start_us < last.end_us
                && s.end_us > first.start_us
        })
}

impl SchedulingMetrics {
    /// Metrics from the recorded spans and what each preemptive thread reported.
    pub fn from_spans(cfg: &SchedulingConfig, env: &Env, spans: &[Span], runs: &[ThreadRun]) -> Self {
        let ms = |us: f64| us / 1e3;
        let cpu_ms: Vec<f64> = runs.iter().map(|r| r.cpu_time.as_secs_f64() * 1e3).collect();
        let fold = |values: &[f64], f: fn(f64, f64) -> f64| values.iter().copied().reduce(f).unwrap_or(0.0);

        let preemptive = mode_spans(spans, PREEMPTIVE);
        let stretches: Vec<(f64, f64)> = preemptive.iter().map(|s| (s.start_us, s.end_us)).collect();
        let walls: Vec<f64> = lifetimes(&preemptive).iter().map(|(s, e)| ms(e - s)).collect();
        let longest = preemptive.iter().map(|s| ms(s.end_us - s.start_us)).fold(0.0, f64::max);

        let spread = mode_spans(spans, SPREAD);
        let ran_spread = !spread.is_empty();
        let spread_lives = lifetimes(&spread);
        let first_start = spread_lives.iter().map(|l| l.0).fold(f64::INFINITY, f64::min);
        let waited =
            spread_lives.iter().filter(|(start, _)| spread_lives.iter().any(|(_, end)| end <= start)).count()
                as u64;
        let kept = by_task(&spread).values().filter(|task| kept_worker(task, &spread)).count() as u64;
        let threads: BTreeSet<u64> = spread.iter().map(|s| s.thread_id).collect();
        let at_once = overlap(&spread_lives).0;
        let wait = spread_lives.iter().map(|l| ms(l.0 - first_start)).fold(0.0, f64::max);

        let async_steps =
            [NO_YIELD, COOPERATIVE, SPREAD].iter().map(|m| mode_spans(spans, m).len()).sum::<usize>();
        Self {
            tasks: cfg.tasks as u64,
            steps: cfg.steps as u64,
            steps_recorded: async_steps as u64,
            switches_no_yield: switches(mode_spans(spans, NO_YIELD)),
            switches_cooperative: switches(mode_spans(spans, COOPERATIVE)),
            cooperative_lockstep: lockstep(&mode_spans(spans, COOPERATIVE), cfg.tasks),
            switches_preemptive: switches(preemptive.iter().copied()),
            preemptive_runs: preemptive.len() as u64,
            preemptive_run_ms_max: longest,
            preemptive_cpus: u64::from(!runs.is_empty() && runs.iter().all(|r| r.confined)),
            preemptive_started_together: runs.iter().all(|r| r.started_together),
            preemptive_overlap_ms: ms(overlap(&stretches).1),
            preemptive_cpu_ms_min: fold(&cpu_ms, f64::min),
            preemptive_cpu_ms_max: fold(&cpu_ms, f64::max),
            preemptive_wall_ms_min: fold(&walls, f64::min),
            preemptive_wall_ms_max: fold(&walls, f64::max),
            workers: env.threads as u64,
            spread_workers: ran_spread.then_some(threads.len() as u64),
            spread_most_at_once: ran_spread.then_some(at_once),
            spread_tasks_kept_worker: ran_spread.then_some(kept),
            spread_tasks_waited: ran_spread.then_some(waited),
            spread_wait_ms_max: ran_spread.then_some(wait),
        }
    }

    /// Async steps every phase should have recorded: two phases on one
    /// worker, and a third on `--threads` workers when there are several.
    pub fn steps_expected(&self) -> u64 {
        let phases = if self.workers > 1 { 3 } else { 2 };
        phases * self.tasks * self.steps
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span(task: &str, thread_id: u64, start_us: f64, end_us: f64) -> Span {
        Span { task: task.into(), label: SPREAD.into(), thread: "w".into(), thread_id, start_us, end_us }
    }

    #[test]
    fn overlap_counts_the_most_open_at_once_and_the_time_shared() {
        assert_eq!(overlap(&[(0.0, 10.0), (5.0, 20.0), (20.0, 30.0)]), (2, 5.0));
        assert_eq!(overlap(&[(0.0, 10.0), (10.0, 20.0)]), (1, 0.0));
        assert_eq!(overlap(&[]), (0, 0.0));
    }

    #[test]
    fn a_task_keeps_its_worker_only_if_nothing_else_ran_on_it_in_between() {
        let (a1, a2, b) = (span("a", 1, 0.0, 1.0), span("a", 1, 2.0, 3.0), span("b", 1, 1.0, 2.0));
        let all = [&a1, &a2, &b];
        assert!(!kept_worker(&[&a1, &a2], &all));
        assert!(kept_worker(&[&b], &all));
        let moved = span("a", 2, 2.0, 3.0);
        assert!(!kept_worker(&[&a1, &moved], &[&a1, &moved]));
    }
}
