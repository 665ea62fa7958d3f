//! threads: every job runs once; manual and scoped jobs get a thread each;
//! CPU jobs stay within `--threads` workers; and the blocking pool is made of
//! other threads than the workers — the architecture every runtime shares.

use std::collections::BTreeSet;

use demos_core::scenario::threads::{CPU, IO};
use demos_core::scenario::{self, threads::ThreadsScenario};
use demos_core::{Env, ThreadsConfig};
use demos_tests::THREADS;

demos_tests::per_runtime! {
    #[test]
    fn workers_stay_within_threads_and_blocking_jobs_run_elsewhere() {
        let cfg = ThreadsConfig { manual: 2, io_jobs: 4, cpu_jobs: 6 };
        for threads in THREADS {
            for seed in 0..2 {
                let (report, seen) = scenario::run::<ThreadsScenario>(rt(), &cfg, &Env::quiet(threads, seed));
                let m = &seen.metrics;
                let at = format!("threads {threads}, seed {seed}: {m:?}");
                assert_eq!(m.jobs, 2 + 2 + 4 + 6 + threads as u64, "{at}");
                assert_eq!((m.manual_threads, m.scoped_threads), (2, 2), "{at}");
                assert!((1..=threads as u64).contains(&m.cpu_worker_threads), "{at}");
                assert!(m.io_pool_threads >= 1, "{at}");
                let ids = |kind: &str| -> BTreeSet<u64> {
                    seen.spans.iter().filter(|s| s.label == kind).map(|s| s.thread_id).collect()
                };
                assert!(ids(CPU).is_disjoint(&ids(IO)), "blocking jobs ran on a worker: {at}");
                assert!(report.passed(), "{at}");
            }
        }
    }

    #[test]
    fn threads_n_runs_n_jobs_at_once_on_n_observed_workers() {
        // N jobs that each wait for all N: they meet only on N workers that really
        // run at once. Fewer workers time out; a runtime with more shows them in
        // workers_observed, which is measured, not copied from --threads.
        let cfg = ThreadsConfig { manual: 0, io_jobs: 0, cpu_jobs: 8 };
        for n in 1..=4 {
            let (report, seen) = scenario::run::<ThreadsScenario>(rt(), &cfg, &Env::quiet(n, 0));
            let m = &seen.metrics;
            assert!(m.all_workers_at_once && m.together_threads == n as u64, "--threads {n}: {m:?}");
            assert_eq!(report.workers_observed, n as u64, "--threads {n}: {}", report.flavor);
            assert!(report.passed(), "--threads {n}: {:?}", report.checks);
        }
    }

    #[test]
    fn one_worker_runs_every_cpu_job_on_one_thread() {
        let cfg = ThreadsConfig { manual: 0, io_jobs: 1, cpu_jobs: 10 };
        let m = rt().threads(&cfg, &Env::quiet(1, 0)).metrics;
        assert_eq!(m.cpu_worker_threads, 1, "{m:?}");
    }
}
