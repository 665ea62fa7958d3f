//! pools: every blocking job completes exactly once with its callback, and the
//! parallel and per-process sums equal the sequential ones. What the pools
//! show in time (the overlap, the speedup) is pinned in `tests/lessons/pools.rs`,
//! which runs alone.

use demos_core::scenario::{self, pools::PoolsScenario};
use demos_core::{Env, PoolsConfig};
use demos_tests::THREADS;

demos_tests::per_runtime! {
    #[test]
    fn every_job_completes_and_parallel_sums_match_sequential_ones() {
        let cfg = PoolsConfig { io_jobs: 8, io_ms: 4, cpu_jobs: None, cpu_size: Some(20_000) };
        for threads in THREADS {
            for seed in 0..3 {
                let (report, seen) = scenario::run::<PoolsScenario>(rt(), &cfg, &Env::quiet(threads, seed));
                let m = &seen.metrics;
                let at = format!("threads {threads}, seed {seed}: {m:?}");
                assert_eq!((m.io_jobs, m.io_completed, m.io_callbacks_run), (8, 8, 8), "{at}");
                assert_eq!(m.cpu_jobs, threads as u64, "one CPU job per worker by default: {at}");
                assert!(m.results_match && m.process_results_match, "{at}");
                // The jobs ran as tasks on the workers: never on more threads than --threads.
                assert!((1..=threads as u64).contains(&m.cpu_threads), "{at}");
                assert!(report.passed(), "{at}");
            }
        }
    }

    #[test]
    fn explicit_cpu_job_count_is_honoured() {
        let cfg = PoolsConfig { io_jobs: 1, io_ms: 0, cpu_jobs: Some(5), cpu_size: Some(1_000) };
        let m = rt().pools(&cfg, &Env::quiet(2, 0)).metrics;
        assert_eq!((m.cpu_jobs, m.cpu_size), (5, 1_000));
        assert!(m.results_match && m.process_results_match);
    }
}
