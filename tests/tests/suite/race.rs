//! race: the mutex and atomic counters are always exact; the unsynchronized
//! one never exceeds the truth, and loses updates exactly when the scheduler
//! lets another task in between the read and the write.

use demos_core::scenario::{self, race::RaceScenario};
use demos_core::{Env, RaceConfig};
use demos_tests::THREADS;

const TASKS: usize = 200;
const SEEDS: u64 = 20;

demos_tests::per_runtime! {
    #[test]
    fn mutex_and_atomic_are_exact_and_unsynchronized_never_overcounts() {
        let cfg = RaceConfig { tasks: TASKS };
        for threads in THREADS {
            for seed in 0..SEEDS {
                let (report, seen) = scenario::run::<RaceScenario>(rt(), &cfg, &Env::quiet(threads, seed));
                let m = &seen.metrics;
                let at = format!("threads {threads}, seed {seed}: {m:?}");
                assert_eq!(m.expected, TASKS as u64, "{at}");
                assert_eq!(m.mutex, m.expected, "{at}");
                assert_eq!(m.atomic, m.expected, "{at}");
                // At least one store lands, and no store can invent an increment.
                assert!((1..=m.expected).contains(&m.unsynchronized), "{at}");
                assert!(report.passed(), "{at}: {:?}", report.checks);
            }
        }
    }

    #[test]
    fn one_worker_loses_updates_only_where_tasks_interleave_cooperatively() {
        // On one thread an async executor runs other tasks at the yield, so the
        // read-yield-write loses updates; a one-thread pool runs each job
        // start to finish (thread::yield_now cannot switch jobs), so none are lost.
        for seed in 0..SEEDS {
            let m = rt().race(&RaceConfig { tasks: TASKS }, &Env::quiet(1, seed)).metrics;
            if COOPERATIVE {
                assert!(m.lost_updates > 0, "seed {seed}: {m:?}");
            } else {
                assert_eq!(m.lost_updates, 0, "seed {seed}: {m:?}");
            }
        }
    }

    #[test]
    fn at_its_defaults_every_async_runtime_loses_updates() {
        // The lesson as a student first sees it: `race` with no options. On an
        // executor the yield between read and write lets other tasks in, on
        // any worker count, so updates are lost every time.
        if !COOPERATIVE {
            return;
        }
        for threads in THREADS {
            for seed in [42, 7, 1_000] {
                let m = rt().race(&RaceConfig::default(), &Env::quiet(threads, seed)).metrics;
                assert!(m.lost_updates > 0, "threads {threads}, seed {seed}: {m:?}");
            }
        }
    }

    #[test]
    fn report_names_the_worker_count_that_ran() {
        for threads in THREADS {
            let seen = rt().race(&RaceConfig { tasks: 10 }, &Env::quiet(threads, 1));
            assert!(
                seen.flavor.contains(&format!("{threads} ")),
                "asked for {threads}, flavour says {:?}",
                seen.flavor
            );
        }
    }
}
