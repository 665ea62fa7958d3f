//! starvation: a task draining a ready channel on one worker keeps that worker
//! unless the runtime forces a yield — tokio does, every 128 operations of its
//! budget, and the heartbeat ticks; inside `unconstrained` it does not; smol,
//! async-std and the futures executor never do, and the heartbeat cannot tick
//! until the loop ends. A blocking call inline stalls tokio's one worker for
//! the whole call, `block_in_place` does not. The blocking pool never runs more
//! than the limit set for the demo (smol's and async-std's through
//! `blocking::set_max_blocking_threads`), and fills up to it.

use demos_core::scenario::{self, starvation::StarvationScenario};
use demos_core::{Env, StarvationConfig};

demos_tests::per_runtime! {
    #[test]
    fn a_ready_loop_yields_only_where_the_runtime_forces_it_and_the_pool_holds_its_limit() {
        let cfg = StarvationConfig { items: 200_000, tick_ms: 1, blocking_jobs: 4, blocking_limit: 2, job_ms: 50 };
        for seed in 0..2 {
            let (report, seen) = scenario::run::<StarvationScenario>(rt(), &cfg, &Env::quiet(2, seed));
            let m = &seen.metrics;
            assert!(report.passed(), "{m:?}");
            assert_eq!((m.blocking_peak_concurrency, m.blocking_completed), (2, 4), "{m:?}");
            if rt().name() == "tokio" {
                // The budget: a forced yield every 128 receives, give or take the first.
                assert!(m.forced_yields >= cfg.items as u64 / 128 - 1, "{m:?}");
                assert!(m.heartbeat_ticks > 0, "the heartbeat ran between the forced yields: {m:?}");
                assert_eq!(m.unconstrained_forced_yields, Some(0), "{m:?}");
                let (inline, in_place) = (m.inline_block_gap_ms.unwrap(), m.block_in_place_gap_ms.unwrap());
                // Inline, nothing else runs on the one worker for the whole call.
                assert!(inline >= 0.9 * cfg.job_ms as f64, "{m:?}");
                assert!(in_place < inline, "block_in_place let the heartbeat run elsewhere: {m:?}");
            } else {
                // A ready channel never returns Pending on these executors: the loop keeps the worker.
                assert_eq!((m.forced_yields, m.heartbeat_ticks), (0, 0), "{m:?}");
                assert_eq!((m.unconstrained_forced_yields, m.inline_block_gap_ms), (None, None), "{m:?}");
            }
        }
    }
}
