//! scheduling: at its defaults, on every runtime, the run shows the lesson with
//! no flag — on one worker a cooperative scheduler is exact (tasks that never
//! yield run strictly one after another, tasks that yield every step go in
//! rounds), the kernel time-slices OS threads that never yield on one CPU, and
//! on `--threads` workers the no-yield tasks spread out but each holds its
//! worker. The lanes drawn from the trace show the same.

use demos_core::scenario::scheduling::NO_YIELD;
use demos_core::scenario::{self, scheduling::SchedulingScenario};
use demos_core::timeline::{Span, lanes};
use demos_core::{Env, SchedulingConfig};
use demos_tests::THREADS;

const CFG: SchedulingConfig = SchedulingConfig { tasks: 3, steps: 4, step_ms: 1 };

demos_tests::per_runtime! {
    #[test]
    fn at_its_defaults_each_way_shows_its_scheduler() {
        for seed in 0..2 {
            let (report, seen) =
                scenario::run::<SchedulingScenario>(rt(), &SchedulingConfig::default(), &Env::quiet(2, seed));
            let m = &seen.metrics;
            // One worker, whatever --threads says: exact properties of a cooperative scheduler.
            assert_eq!(m.switches_no_yield, 2, "no yield, one after another: {m:?}");
            assert!(m.cooperative_lockstep && m.switches_cooperative >= 3 * 8 / 2, "in rounds: {m:?}");
            // Three threads that never yield, started together on one CPU, each needing
            // 16 ms of it: a fair kernel scheduler must take the CPU from one for another.
            assert_eq!(m.preemptive_cpus, 1, "confined to one CPU: {m:?}");
            assert!(m.preemptive_started_together, "{m:?}");
            assert!(m.switches_preemptive > 2 && m.preemptive_runs > 3, "no time-slicing seen: {m:?}");
            // Two workers: at most two tasks at once and none leaves its worker, so one
            // starts only when another has finished (three tasks that overlapped pairwise
            // would all have run at one moment).
            assert_eq!(m.spread_workers.map(|w| (1..=2).contains(&w)), Some(true), "{m:?}");
            assert_eq!(m.spread_most_at_once.map(|n| (1..=2).contains(&n)), Some(true), "{m:?}");
            assert_eq!(m.spread_tasks_kept_worker, Some(3), "{m:?}");
            assert!(m.spread_tasks_waited.is_some_and(|n| n >= 1), "{m:?}");
            assert!(report.passed(), "{:?}", report.checks);
        }
    }

    #[test]
    fn every_step_runs_on_every_worker_count() {
        for threads in THREADS {
            let (report, seen) = scenario::run::<SchedulingScenario>(rt(), &CFG, &Env::quiet(threads, 0));
            let phases = if threads > 1 { 3 } else { 2 };
            assert_eq!(seen.metrics.steps_recorded, phases * 3 * 4, "threads {threads}");
            assert_eq!(seen.metrics.spread_most_at_once.is_some(), threads > 1, "threads {threads}");
            assert!(report.passed(), "threads {threads}: {:?}", report.checks);
        }
    }

    #[test]
    fn one_worker_runs_no_yield_tasks_in_sequence_and_yielding_tasks_in_rounds() {
        for (run, threads) in (0..4).zip([1, 2].into_iter().cycle()) {
            let seen = rt().scheduling(&CFG, &Env::quiet(threads, run));
            let m = &seen.metrics;
            assert_eq!(m.switches_no_yield, 2, "run {run}: {m:?}");
            assert!(m.cooperative_lockstep, "run {run}: {m:?}");
            assert!(m.switches_cooperative >= 3 * 4 / 2, "rounds switch tasks: run {run}: {m:?}");

            // The lanes of the no-yield run: each task's steps in a stretch of their own,
            // after the previous task's (the OS may still pause the thread inside one).
            let no_yield: Vec<Span> = seen.spans.iter().filter(|s| s.label == NO_YIELD).cloned().collect();
            let rows = lanes(&no_yield, 60, false);
            assert_eq!(rows.len(), 1 + 3, "{rows:#?}");
            let mut last_end = 0;
            for row in &rows[1..] {
                let cells: String = row.chars().rev().take(60).collect::<Vec<_>>().into_iter().rev().collect();
                let first = cells.find('#').expect("every task ran");
                let last = cells.rfind('#').expect("every task ran");
                assert!(first + 1 >= last_end, "after the previous task: {rows:#?}");
                last_end = last + 1;
            }
        }
    }
}
