//! pools: every blocking job completes exactly once with its callback, and the
//! parallel (and, on std-threads, per-process) sums equal the sequential ones.

use demos_core::scenario::{self, pools::PoolsScenario};
use demos_core::{Env, PoolsConfig};
use demos_tests::THREADS;

demos_tests::per_runtime! {
    #[test]
    fn every_job_completes_and_parallel_sums_match_sequential_ones() {
        let cfg = PoolsConfig { io_jobs: 8, io_ms: 4, cpu_jobs: None, cpu_size: 20_000 };
        for threads in THREADS {
            for seed in 0..3 {
                let (report, seen) = scenario::run::<PoolsScenario>(rt(), &cfg, &Env::quiet(threads, seed));
                let m = &seen.metrics;
                let at = format!("threads {threads}, seed {seed}: {m:?}");
                assert_eq!((m.io_jobs, m.io_completed, m.io_callbacks_run), (8, 8, 8), "{at}");
                assert_eq!(m.cpu_jobs, threads as u64, "one CPU job per worker by default: {at}");
                assert!(m.results_match, "{at}");
                // Only std-threads runs the process pool, and its sums must match too.
                assert_eq!(m.process_results_match, (rt().name() == "std-threads").then_some(true), "{at}");
                assert!(report.passed(), "{at}");
            }
        }
    }

    #[test]
    fn explicit_cpu_job_count_is_honoured() {
        let cfg = PoolsConfig { io_jobs: 1, io_ms: 0, cpu_jobs: Some(5), cpu_size: 1_000 };
        let m = rt().pools(&cfg, &Env::quiet(2, 0)).metrics;
        assert_eq!(m.cpu_jobs, 5);
        assert!(m.results_match);
    }
}
