//! scheduling: on one worker a cooperative scheduler is exact — tasks that
//! never yield run strictly one after another, tasks that yield every step go
//! in rounds — and the lanes drawn from the trace show the same.

use demos_core::scenario::scheduling::NO_YIELD;
use demos_core::scenario::{self, scheduling::SchedulingScenario};
use demos_core::timeline::{Span, lanes};
use demos_core::{Env, SchedulingConfig};
use demos_tests::THREADS;

const CFG: SchedulingConfig = SchedulingConfig { tasks: 3, steps: 4, step_ms: 1 };

demos_tests::per_runtime! {
    #[test]
    fn at_its_defaults_the_kernel_time_slices_threads_confined_to_one_cpu() {
        // Three threads that never yield, on one CPU, each needing 16 ms of it:
        // the kernel must take the CPU from one and give it to another.
        let m = rt().scheduling(&SchedulingConfig::default(), &Env::quiet(2, 42)).metrics;
        assert_eq!(m.preemptive_cpus, 1, "confined to one CPU: {m:?}");
        assert!(m.preemptive_runs > m.tasks && m.switches_preemptive >= m.tasks, "no time-slicing seen: {m:?}");
        assert!(m.preemptive_cpu_ms_min >= 16.0, "each thread used its CPU time: {m:?}");
    }

    #[test]
    fn every_step_runs_on_every_worker_count() {
        for threads in THREADS {
            let (report, seen) = scenario::run::<SchedulingScenario>(rt(), &CFG, &Env::quiet(threads, 0));
            assert_eq!(seen.metrics.steps_recorded, 2 * 3 * 4, "threads {threads}");
            assert!(report.passed(), "threads {threads}: {:?}", report.checks);
        }
    }

    #[test]
    fn one_worker_runs_no_yield_tasks_in_sequence_and_yielding_tasks_in_rounds() {
        for run in 0..5 {
            let seen = rt().scheduling(&CFG, &Env::quiet(1, run));
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
