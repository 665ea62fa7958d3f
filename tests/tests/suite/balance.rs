//! balance: for 1, 2 and 4 workers, several task counts and seeds, every task
//! runs exactly once in each phase, on no more threads than there are workers;
//! the placed phase spreads the tasks over one thread per worker (as many as
//! there are tasks); the makespan is never below the ideal (at most N threads
//! ran at once); with one worker no task moves, one thread is busy the whole
//! work, and the makespan is about the total work.

use demos_core::scenario;
use demos_core::scenario::balance::{BalanceScenario, FROM_ONE, PLACED};
use demos_core::{BalanceConfig, Env};

demos_tests::per_runtime! {
    #[test]
    fn every_task_runs_once_on_at_most_the_workers_in_both_phases() {
        for threads in demos_tests::THREADS {
            for (tasks, seed) in [(1, 0), (5, 1), (12, 2), (12, 3)] {
                let cfg = BalanceConfig { tasks, max_task_ms: 2 };
                let (report, seen) = scenario::run::<BalanceScenario>(rt(), &cfg, &Env::quiet(threads, seed));
                let m = &seen.metrics;
                let at = format!("threads {threads}, tasks {tasks}, seed {seed}: {m:?}");
                assert!(report.passed(), "{at}: {:?}", report.checks);
                let (tasks, workers) = (tasks as u64, threads as u64);
                assert_eq!((m.tasks, m.workers), (tasks, workers), "{at}");
                assert_eq!((m.tasks_ran, m.tasks_distinct, m.placed_ran, m.placed_distinct), (tasks, tasks, tasks, tasks), "{at}");
                assert!(m.threads_used >= 1 && m.threads_used <= workers.min(tasks), "{at}");
                // Round-robin gives each of the first min(N, tasks) workers a task, each its own thread.
                assert_eq!(m.placed_threads_used, workers.min(tasks), "{at}");
                assert!(m.tasks_moved <= tasks, "{at}");
                assert!(m.busy_ms_min <= m.busy_ms_max && m.placed_busy_ms_min <= m.placed_busy_ms_max, "{at}");
                if m.threads_used < workers {
                    assert_eq!(m.busy_ms_min, 0.0, "a worker that ran no task was busy 0 ms: {at}");
                }
                // At most N threads ran at once, each one task at a time: the makespan is at least the ideal.
                assert!(m.imbalance >= 0.999 && m.placed_imbalance >= 0.999, "{at}");
                assert!(m.longest_task_ms <= m.makespan_ms && m.work_ms > 0.0, "{at}");
                // Every task is a span in each phase, on the thread the task saw.
                let spans = &report.timeline;
                for label in [FROM_ONE, PLACED] {
                    assert_eq!(spans.iter().filter(|s| s.label == label).count() as u64, tasks, "{label}: {at}");
                }
                let threads_in = |label: &str| {
                    let mut ids: Vec<u64> = spans.iter().filter(|s| s.label == label).map(|s| s.thread_id).collect();
                    ids.sort_unstable();
                    ids.dedup();
                    ids.len() as u64
                };
                assert_eq!((threads_in(FROM_ONE), threads_in(PLACED)), (m.threads_used, m.placed_threads_used), "{at}");
            }
        }
    }

    #[test]
    fn with_one_worker_nothing_moves_and_the_makespan_is_the_total_work() {
        let cfg = BalanceConfig { tasks: 8, max_task_ms: 5 };
        let runs: Vec<_> = (0..3).map(|seed| rt().balance(&cfg, &Env::quiet(1, seed)).metrics).collect();
        for m in &runs {
            assert_eq!((m.tasks_moved, m.threads_used, m.placed_threads_used), (0, 1, 1), "{m:?}");
            assert_eq!(m.busy_ms_min, m.busy_ms_max, "one worker, one busy time: {m:?}");
        }
        // The only time not in a task is spawning and switching between tasks; the best of
        // three runs, since another process can take the one CPU between two tasks.
        let best = runs.iter().map(|m| m.imbalance).fold(f64::INFINITY, f64::min);
        assert!(best < 1.1, "with one worker the makespan is about the total work: {runs:?}");
    }
}
