//! threads: at its defaults, on every runtime, which OS threads ran what, by
//! name — manual and scoped jobs get a thread each, CPU jobs stay within
//! `--threads` workers, and the blocking pool is made of other threads than
//! the workers (on tokio under the workers' very name) — the architecture
//! every runtime shares.

use std::collections::BTreeSet;

use demos_core::scenario::threads::{CPU, IO, MANUAL, SCOPED, TOGETHER};
use demos_core::scenario::{self, threads::ThreadsScenario};
use demos_core::timeline::Span;
use demos_core::{Env, ThreadsConfig};
use demos_tests::THREADS;

/// The distinct (id, name) of the threads that ran `kind`.
fn threads_of(spans: &[Span], kind: &str) -> BTreeSet<(u64, String)> {
    spans.iter().filter(|s| s.label == kind).map(|s| (s.thread_id, s.thread.clone())).collect()
}

/// Whether `name` is `prefix` followed by a number.
fn numbered(name: &str, prefix: &str) -> bool {
    name.strip_prefix(prefix).is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

demos_tests::per_runtime! {
    #[test]
    fn at_its_defaults_each_kind_of_job_runs_on_the_threads_named_for_it() {
        let here = std::thread::current().name().map(str::to_string);
        for seed in 0..2 {
            let (report, seen) =
                scenario::run::<ThreadsScenario>(rt(), &ThreadsConfig::default(), &Env::quiet(2, seed));
            let (m, spans) = (&seen.metrics, &seen.spans);
            let at = format!("seed {seed}: {m:?}");
            let names = |kind: &str| threads_of(spans, kind).into_iter().map(|(_, n)| n).collect::<BTreeSet<_>>();
            let ids = |kind: &str| threads_of(spans, kind).into_iter().map(|(id, _)| id).collect::<BTreeSet<_>>();
            assert_eq!(names(MANUAL), BTreeSet::from(["manual-0".into(), "manual-1".into()]), "{at}");
            assert_eq!(names(SCOPED), BTreeSet::from(["scoped-0".into(), "scoped-1".into()]), "{at}");
            // Two workers met: each ran a job while the other was running one.
            assert!(m.all_workers_at_once && ids(TOGETHER).len() == 2, "{at}");
            let workers: BTreeSet<u64> = ids(CPU).union(&ids(TOGETHER)).copied().collect();
            assert!(workers.len() <= 2, "more workers than --threads: {at}");
            assert!(workers.is_disjoint(&ids(IO)), "a blocking job ran on a worker: {at}");
            let io = names(IO);
            let worker_names: BTreeSet<String> = names(CPU).union(&names(TOGETHER)).cloned().collect();
            match rt().name() {
                // tokio names its blocking threads like its workers: only the ids differ.
                "tokio" => {
                    assert_eq!(io, BTreeSet::from(["tokio-rt-worker".into()]), "{at}");
                    assert_eq!(worker_names, io, "{at}");
                }
                "smol" => {
                    assert!(io.iter().all(|n| numbered(n, "blocking-")), "{at}");
                    // This call's executor threads: the calling thread and a helper.
                    assert!(
                        worker_names.iter().all(|n| Some(n) == here.as_ref() || numbered(n, "smol-worker-")),
                        "{worker_names:?} {at}"
                    );
                }
                "compio" => {
                    // compio's blocking pool leaves its threads unnamed; the cores are ours.
                    assert_eq!(io, BTreeSet::from(["<unnamed>".into()]), "{at}");
                    assert!(worker_names.iter().all(|n| numbered(n, "compio-core-")), "{worker_names:?} {at}");
                }
                "async-std" => {
                    assert!(io.iter().all(|n| numbered(n, "blocking-")), "{at}");
                    assert_eq!(worker_names, BTreeSet::from(["async-std/runtime".into()]), "{at}");
                }
                _ => {
                    assert!(io.iter().all(|n| numbered(n, "io-pool-")) && m.io_pool_threads <= 4, "{at}");
                    assert!(worker_names.iter().all(|n| numbered(n, "rayon-worker-")), "{at}");
                }
            }
            assert!(report.passed(), "{at}");
        }
    }

    #[test]
    fn workers_stay_within_threads_and_blocking_jobs_run_elsewhere() {
        let cfg = ThreadsConfig { manual: 2, io_jobs: 4, cpu_jobs: 6 };
        for threads in THREADS {
            let (report, seen) = scenario::run::<ThreadsScenario>(rt(), &cfg, &Env::quiet(threads, 0));
            let m = &seen.metrics;
            let at = format!("threads {threads}: {m:?}");
            assert_eq!(m.jobs, 2 + 2 + 4 + 6 + threads as u64, "{at}");
            assert_eq!((m.manual_threads, m.scoped_threads), (2, 2), "{at}");
            assert!((1..=threads as u64).contains(&m.cpu_worker_threads), "{at}");
            assert!((1..=4).contains(&m.io_pool_threads) && m.io_threads_also_workers == 0, "{at}");
            assert!(report.passed(), "{at}");
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
