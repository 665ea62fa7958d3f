//! ordering: every task finishes exactly once and the fixed-index results are
//! right and identical across rounds, however the completions interleave.

use demos_core::scenario::{self, ordering::OrderingScenario};
use demos_core::{Env, OrderingConfig};
use demos_tests::THREADS;

demos_tests::per_runtime! {
    #[test]
    fn fixed_indices_are_deterministic_whatever_the_completion_order() {
        let cfg = OrderingConfig { tasks: 12, max_sleep_ms: 3 };
        for threads in THREADS {
            for seed in 0..6 {
                let (report, seen) = scenario::run::<OrderingScenario>(rt(), &cfg, &Env::quiet(threads, seed));
                let m = &seen.metrics;
                let at = format!("threads {threads}, seed {seed}: {m:?}");
                assert!(m.orders_complete, "{at}");
                assert_eq!(m.fixed_index_matches, 12, "{at}");
                assert!(m.fixed_results_identical, "{at}");
                assert!(report.passed(), "{at}");
            }
        }
    }

    #[test]
    fn at_its_defaults_completion_order_is_not_spawn_order_on_every_async_runtime() {
        // Sleeps of 0..=50 ms overlap on an executor: tasks finish by their sleeps.
        if !COOPERATIVE {
            return;
        }
        for threads in THREADS {
            let m = rt().ordering(&OrderingConfig::default(), &Env::quiet(threads, 42)).metrics;
            assert!(m.inversions > 0 && m.inversions_second_round > 0, "threads {threads}: {m:?}");
        }
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
        }
    }
}
