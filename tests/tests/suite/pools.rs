//! pools: every blocking job completes exactly once with its callback, and the
//! parallel and per-process sums equal the sequential ones. At its defaults
//! the speedup is bounded by the workers: none on one worker, and never above
//! what the threads that ran the jobs and the cores allow.

use demos_core::scenario::pools::NOISE_MARGIN;
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

    #[test]
    fn one_worker_gives_no_speedup_and_two_stay_within_the_cores() {
        // Two jobs on one worker: were they run anywhere but on the worker (a blocking
        // pool, say), two cores would finish them in about half the time. A figure is a
        // wall-clock ratio and the machine is shared, so a neighbour that slows one
        // sequential round can inflate one run; a wrong pool inflates every run. The
        // best of three attempts is held to the bound.
        let best = |threads: usize, cpu_jobs: Option<usize>| {
            let cfg = PoolsConfig { io_jobs: 1, io_ms: 0, cpu_jobs, ..PoolsConfig::default() };
            let runs: Vec<_> = (0..3).map(|seed| rt().pools(&cfg, &Env::quiet(threads, seed)).metrics).collect();
            runs.into_iter().min_by(|a, b| a.speedup.total_cmp(&b.speedup)).expect("three runs")
        };
        let one = best(1, Some(2));
        assert_eq!((one.cpu_jobs, one.cpu_threads, one.speedup_bound), (2, 1, 1.0), "{one:?}");
        assert!(one.speedup <= 1.2, "one worker cannot speed two CPU jobs up: {one:?}");
        let two = best(2, None);
        assert!(two.speedup <= two.cores as f64 * NOISE_MARGIN, "above the core count: {two:?}");
        assert!(two.speedup <= two.speedup_bound * NOISE_MARGIN, "above its bound: {two:?}");
    }
}
