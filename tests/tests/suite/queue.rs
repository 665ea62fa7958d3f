//! queue: across capacities, producer/consumer ratios and worker counts, every
//! item is consumed exactly once, the channel never holds more than its
//! capacity, and the values summed on both sides agree.

use demos_core::scenario::{self, queue::QueueScenario};
use demos_core::{Env, QueueConfig};
use demos_tests::THREADS;

/// Edge configurations, each with how many seeds to run it under.
fn configurations() -> Vec<(&'static str, QueueConfig, u64)> {
    let base = QueueConfig { producers: 3, consumers: 2, capacity: 5, items: 10, delay_ms: 1 };
    vec![
        ("capacity 1", QueueConfig { capacity: 1, items: 20, ..base.clone() }, 8),
        (
            "more producers than consumers",
            QueueConfig { producers: 4, consumers: 1, capacity: 2, ..base.clone() },
            8,
        ),
        (
            "more consumers than producers",
            QueueConfig { producers: 1, consumers: 4, capacity: 2, items: 30, ..base.clone() },
            8,
        ),
        (
            "one producer, one consumer",
            QueueConfig { producers: 1, consumers: 1, capacity: 3, items: 40, delay_ms: 0 },
            16,
        ),
        ("many items, no delay", QueueConfig { items: 2000, delay_ms: 0, ..base.clone() }, 10),
        (
            "capacity 1, no delay, 8 producers",
            QueueConfig { producers: 8, consumers: 3, capacity: 1, items: 200, delay_ms: 0 },
            16,
        ),
    ]
}

demos_tests::per_runtime! {
    #[test]
    fn every_item_is_consumed_exactly_once_and_depth_stays_within_capacity() {
        for (name, cfg, seeds) in configurations() {
            for threads in THREADS {
                for seed in 0..seeds {
                    let (report, seen) = scenario::run::<QueueScenario>(rt(), &cfg, &Env::quiet(threads, seed));
                    let m = &seen.metrics;
                    let at = format!("{name}, threads {threads}, seed {seed}: {m:?}");
                    let total = (cfg.producers * cfg.items) as u64;
                    assert_eq!((m.produced, m.consumed), (total, total), "{at}");
                    assert_eq!((m.duplicates, m.missing), (0, 0), "{at}");
                    // A fast consumer may take every item before a sample sees it queued,
                    // so only the upper bound is a property.
                    assert!(m.max_depth <= cfg.capacity as u64, "{at}");
                    assert!(m.sums_match, "{at}");
                    assert!(report.passed(), "{at}: {:?}", report.checks);
                }
            }
        }
    }

    #[test]
    fn one_worker_with_capacity_one_makes_producers_wait() {
        // Cooperative, one thread, no delays: the first producer fills the one
        // slot and must wait before any consumer has run. Threads block instead,
        // and whether a producer finds the slot full is up to the OS.
        if !COOPERATIVE {
            return;
        }
        let cfg = QueueConfig { producers: 4, consumers: 1, capacity: 1, items: 50, delay_ms: 0 };
        for seed in 0..4 {
            let m = rt().queue(&cfg, &Env::quiet(1, seed)).metrics;
            assert!(m.producer_waits > 0, "seed {seed}: {m:?}");
            assert!(m.producer_wait_ms > 0.0, "seed {seed}: waits were timed: {m:?}");
            assert_eq!(m.max_depth, 1, "seed {seed}: {m:?}");
        }
    }
}
