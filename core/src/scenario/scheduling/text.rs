//! What the scheduling scenario prints: checks, figures, lanes, take-away,
//! each worded from the figures of the run.

use super::metrics::mode_spans;
use super::{COOPERATIVE, DESCHEDULED, NO_YIELD, PREEMPTIVE, SPREAD, SchedulingMetrics};
use crate::Check;
use crate::report::{counted, format_ms};
use crate::timeline::{Span, lanes};

/// Columns of time in each chart.
const LANE_WIDTH: usize = 60;

/// "2 task switches".
fn task_switches(n: u64) -> String {
    counted(n, "task switch")
}

/// "16.0 ms" when `low` and `high` read the same, "16.0–16.1 ms" when not.
fn ms_range(low: f64, high: f64) -> String {
    let (low, high) = (format_ms(low), format_ms(high));
    if low == high { format!("{low} ms") } else { format!("{low}–{high} ms") }
}

/// Whether the kernel interleaved the threads: more switches than running
/// them one after another takes.
fn interleaved(m: &SchedulingMetrics) -> bool {
    m.switches_preemptive > m.tasks.saturating_sub(1)
}

pub(super) fn checks(m: &SchedulingMetrics) -> Vec<Check> {
    let expected = m.steps_expected();
    let mut checks = vec![
        Check::new(
            "every async step of every task ran",
            m.steps_recorded == expected,
            format!("{}/{expected}", m.steps_recorded),
        ),
        // Properties of a single-threaded cooperative scheduler: exact, not statistical.
        Check::new(
            "one worker, no yield: tasks ran one after another",
            m.switches_no_yield == m.tasks - 1,
            format!("{}, {} expected", task_switches(m.switches_no_yield), m.tasks - 1),
        ),
        Check::new(
            "one worker, cooperative: tasks took turns, a step each per round",
            m.cooperative_lockstep,
            task_switches(m.switches_cooperative),
        ),
    ];
    if m.preemptive_cpus == 1 && m.tasks > 1 {
        // A stretch's ends are known to within DESCHEDULED: a shorter pause of one
        // thread can hide another's stretch inside its own, once per two switches.
        let slack = DESCHEDULED.as_secs_f64() * 1e3 * m.switches_preemptive as f64 / 2.0;
        checks.push(Check::new(
            "one CPU: no two threads ran at once",
            m.preemptive_overlap_ms <= slack,
            format!("{:.2} ms of overlap, at most {:.2} ms allowed", m.preemptive_overlap_ms, slack),
        ));
    }
    if let Some(most) = m.spread_most_at_once {
        checks.push(Check::new(
            "never more tasks running at once than workers",
            most <= m.workers,
            format!("at most {most} on {}", counted(m.workers, "worker")),
        ));
    }
    checks
}

pub(super) fn figures(m: &SchedulingMetrics) -> Vec<(String, String)> {
    let no_yield = if m.tasks == 1 {
        "1 task: none to switch to".to_string()
    } else if m.switches_no_yield == m.tasks - 1 {
        format!(
            "{}: each task ran its {} steps before the next began",
            task_switches(m.switches_no_yield),
            m.steps
        )
    } else {
        format!("{}: the tasks' steps interleaved", task_switches(m.switches_no_yield))
    };
    let cooperative = if m.cooperative_lockstep {
        format!("{}: the tasks took turns, a step each per round", task_switches(m.switches_cooperative))
    } else {
        format!("{}, not in strict rounds", task_switches(m.switches_cooperative))
    };
    let threads = counted(m.tasks, "thread");
    let how = if interleaved(m) {
        format!("the kernel time-sliced {threads} that never yield")
    } else {
        format!("{threads} ran one after another, the kernel never taking the CPU from one")
    };
    let preemptive = format!(
        "{}: {how}, in {} stretches of at most {} ms; each got {} of CPU over {}",
        task_switches(m.switches_preemptive),
        m.preemptive_runs,
        format_ms(m.preemptive_run_ms_max),
        ms_range(m.preemptive_cpu_ms_min, m.preemptive_cpu_ms_max),
        ms_range(m.preemptive_wall_ms_min, m.preemptive_wall_ms_max),
    );
    let mut figures = vec![
        (titles(m)[0].clone(), no_yield),
        (titles(m)[1].clone(), cooperative),
        (titles(m)[2].clone(), preemptive),
    ];
    if let Some(spread) = spread(m) {
        figures.push((titles(m)[3].clone(), spread));
    }
    figures
}

/// The phases' names, as figure labels and chart titles.
fn titles(m: &SchedulingMetrics) -> [String; 4] {
    [
        "no yield, 1 worker".into(),
        "cooperative, 1 worker".into(),
        if m.preemptive_cpus == 1 { "preemptive, 1 CPU" } else { "preemptive, every CPU" }.into(),
        format!("no yield, {}", counted(m.workers, "worker")),
    ]
}

/// The last phase in words: how the no-yield tasks spread over the workers.
fn spread(m: &SchedulingMetrics) -> Option<String> {
    let (Some(workers), Some(most), Some(kept), Some(waited), Some(wait)) = (
        m.spread_workers,
        m.spread_most_at_once,
        m.spread_tasks_kept_worker,
        m.spread_tasks_waited,
        m.spread_wait_ms_max,
    ) else {
        return None;
    };
    let side_by_side = if most > 1 {
        format!("{} ran side by side", counted(most, "task"))
    } else {
        format!("the tasks ran one at a time, on {}", counted(workers, "worker"))
    };
    let kept = if kept == m.tasks {
        "each holding one worker from first step to last".to_string()
    } else {
        format!("{kept} of {} holding one worker throughout", m.tasks)
    };
    let waited = match waited {
        0 => "none waited for another to finish".to_string(),
        n => format!("{n} started only when another finished, {} ms after the first", format_ms(wait)),
    };
    Some(format!("{side_by_side}, {kept}; {waited}"))
}

/// The lanes of each phase, a row per task, time left to right; the phase's
/// name and length stand in the label column, beside its first rows.
pub(super) fn charts(m: &SchedulingMetrics, spans: &[Span]) -> Vec<String> {
    let titles = titles(m);
    let label = titles.iter().map(|t| t.chars().count()).max().unwrap_or(0);
    let mut lines = Vec::new();
    for (mode, title) in [NO_YIELD, COOPERATIVE, PREEMPTIVE, SPREAD].into_iter().zip(&titles) {
        let mut these: Vec<Span> = mode_spans(spans, mode).into_iter().cloned().collect();
        if these.is_empty() {
            continue;
        }
        // Rows in task order, task 2 before task 10 (lanes() orders them by first appearance).
        these.sort_by(|a, b| {
            (a.task.len(), &a.task).cmp(&(b.task.len(), &b.task)).then(a.start_us.total_cmp(&b.start_us))
        });
        let start = these.iter().map(|s| s.start_us).fold(f64::INFINITY, f64::min);
        let end = these.iter().map(|s| s.end_us).fold(f64::NEG_INFINITY, f64::max);
        let length = format!("({} ms)", format_ms((end - start) / 1e3));
        // lanes() starts with its own time axis: the label column says the length instead.
        for (i, row) in lanes(&these, LANE_WIDTH, false).into_iter().skip(1).enumerate() {
            let beside = match i {
                0 => title.as_str(),
                1 => length.as_str(),
                _ => "",
            };
            lines.push(format!("{beside:<label$}  {row}"));
        }
    }
    lines
}

pub(super) fn takeaway(m: &SchedulingMetrics) -> String {
    if m.tasks == 1 {
        return "with one task there is no other to switch to: every way ran it straight through (0 switches). \
                Run two or more (--tasks) to see who makes a task give up the CPU."
            .to_string();
    }
    let mut text = String::new();
    let in_sequence = m.tasks > 1 && m.switches_no_yield == m.tasks - 1;
    text.push_str(&if in_sequence {
        format!(
            "an executor switches tasks only at an .await: on one worker, tasks that never yield ran one after \
             another ({} switches)",
            m.switches_no_yield
        )
    } else {
        format!("on one worker, tasks that never yield made {}", task_switches(m.switches_no_yield))
    });
    text.push_str(&if m.cooperative_lockstep {
        format!(" and tasks that yield every step took turns ({}).", m.switches_cooperative)
    } else {
        format!("; with a yield after every step they made {}, not in strict rounds.", m.switches_cooperative)
    });
    text.push_str(&match (m.preemptive_cpus, interleaved(m)) {
        (1, true) => format!(
            " OS threads need no yield: on one CPU the kernel switched among them {} times, none running \
             more than {} ms at a stretch.",
            m.switches_preemptive,
            format_ms(m.preemptive_run_ms_max)
        ),
        (1, false) => {
            " The OS threads on one CPU happened to run one after another here: the kernel never took \
                       the CPU from one before it finished."
                .to_string()
        }
        (_, _) => format!(
            " The OS threads could not be confined to one CPU here: the kernel ran them on every CPU ({}).",
            task_switches(m.switches_preemptive)
        ),
    });
    if let (Some(most), Some(kept), Some(waited)) =
        (m.spread_most_at_once, m.spread_tasks_kept_worker, m.spread_tasks_waited)
    {
        let held = if kept == m.tasks { ", each holding its worker to its end" } else { "" };
        let waiting = match waited {
            0 => String::new(),
            n => format!("; {n} waited for a free worker"),
        };
        text.push_str(&format!(
            " On {} the no-yield tasks ran {most} at a time{held}{waiting}.",
            counted(m.workers, "worker")
        ));
    }
    if in_sequence {
        // claim: C-executor-cooperative
        text.push_str(" Long CPU work on an executor needs yields or a thread of its own.");
    }
    text
}
