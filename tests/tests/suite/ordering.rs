//! ordering: every task finishes exactly once and the fixed-index results are
//! right in both rounds, however the completions interleave; at the defaults,
//! async tasks sleep side by side and finish out of spawn order, while a pool's
//! jobs hold their threads while they sleep, so its order reflects the pool.

use demos_core::scenario::{self, ordering::OrderingScenario};
use demos_core::{Env, OrderingConfig};
use demos_tests::THREADS;

demos_tests::per_runtime! {
    #[test]
    fn fixed_indices_are_right_whatever_the_completion_order() {
        let cfg = OrderingConfig { tasks: 12, max_sleep_ms: 3 };
        for threads in THREADS {
            for seed in 0..6 {
                let (report, seen) = scenario::run::<OrderingScenario>(rt(), &cfg, &Env::quiet(threads, seed));
                let m = &seen.metrics;
                let at = format!("threads {threads}, seed {seed}: {m:?}");
                assert!(m.orders_complete, "{at}");
                assert_eq!(m.fixed_index_matches, 12, "{at}");
                assert!((1..=12).contains(&m.most_asleep_at_once), "{at}");
                assert!(report.passed(), "{at}");
            }
        }
    }

    #[test]
    fn at_its_defaults_async_tasks_sleep_side_by_side_and_finish_out_of_spawn_order() {
        // Sleeps of 0..=50 ms overlap on an executor: tasks finish by their sleeps.
        if !COOPERATIVE {
            return;
        }
        for threads in THREADS {
            let m = rt().ordering(&OrderingConfig::default(), &Env::quiet(threads, 42)).metrics;
            assert!(!m.sleeps_hold_threads, "{m:?}");
            assert!(m.most_asleep_at_once > threads as u64, "a sleeping task frees its worker: {m:?}");
            assert!(m.inversions > 0 && m.inversions_second_round > 0, "threads {threads}: {m:?}");
        }
    }

    #[test]
    fn at_its_defaults_a_two_thread_pool_holds_sleeping_jobs() {
        // A sleeping job keeps its thread: no more than two sleep at once, and the
        // next job starts only when one wakes, so fewer pairs end out of spawn order
        // than the sleeps alone would put there (27 of 45 with --seed 42; 4 in a
        // two-thread pool, had every sleep lasted exactly its length).
        if COOPERATIVE {
            return;
        }
        let m = rt().ordering(&OrderingConfig::default(), &Env::quiet(2, 42)).metrics;
        assert!(m.sleeps_hold_threads && m.most_asleep_at_once <= 2, "{m:?}");
        assert!(m.inversions < m.inversions_by_sleeps, "{m:?}");
    }

    #[test]
    fn a_one_thread_pool_finishes_in_spawn_order() {
        // A sleeping job holds the only pool thread, so FIFO jobs cannot overtake
        // each other; async tasks on one thread overlap their sleeps instead.
        if COOPERATIVE {
            return;
        }
        let cfg = OrderingConfig { tasks: 8, max_sleep_ms: 3 };
        for seed in 0..4 {
            let m = rt().ordering(&cfg, &Env::quiet(1, seed)).metrics;
            assert_eq!((m.inversions, m.inversions_second_round), (0, 0), "seed {seed}: {m:?}");
            assert_eq!(m.most_asleep_at_once, 1, "seed {seed}: {m:?}");
        }
    }
}
