//! bridge: every blocking call completes in both phases and block_on bridges
//! sync to async. With one worker, an inline blocking call must freeze the
//! heartbeat for at least the whole blocked time — a bound set by the sleep
//! itself, not a timing guess: no task can run while the only thread sleeps.
//! With two workers, a task woken by a tokio worker that then blocks waits for
//! it every round (the LIFO slot, which no other worker steals); woken from a
//! plain thread, or with the worker blocked in `block_in_place`, it need not.

use demos_core::scenario::bridge::STRAND_ROUNDS;
use demos_core::scenario::{self, Column, bridge::BridgeScenario};
use demos_core::{BridgeConfig, BridgeMetrics, Env, Scenario};
use demos_tests::THREADS;

demos_tests::per_runtime! {
    #[test]
    fn a_task_woken_by_a_worker_that_then_blocks_waits_for_it_on_tokio_and_thread_per_core_alone() {
        let rt = rt();
        let cfg = BridgeConfig { jobs: 1, job_ms: 20, tick_ms: 2 };
        let two = cfg.clone();
        let m = demos_tests::watchdog::within("bridge", demos_tests::watchdog::RUN, move || {
            rt.bridge(&two, &Env::quiet(2, 0)).metrics
        });
        let rounds = STRAND_ROUNDS as u64;
        assert_eq!(m.stranding_rounds, Some(rounds), "{m:?}");
        let (stranded, from_thread) = (m.stranded_rounds.unwrap(), m.stranded_rounds_woken_from_thread.unwrap());
        assert!(stranded <= rounds && from_thread <= rounds, "{m:?}");
        if rt.name() == "tokio" {
            // In the waking worker's LIFO slot every round; elsewhere the task can be run
            // by the free worker (all 20 rounds missing it has no cause but a stalled machine).
            assert_eq!(stranded, rounds, "{m:?}");
            assert!(from_thread < rounds, "{m:?}");
            assert!(m.stranded_rounds_block_in_place.is_some_and(|n| n < rounds), "{m:?}");
        } else if rt.name() == "compio" {
            // Thread-per-core: B stays on the core that spawned it, A's, whoever wakes it;
            // the other core is free and never runs it. Every round, both ways.
            assert_eq!((stranded, from_thread), (rounds, rounds), "{m:?}");
            assert_eq!(m.stranded_rounds_block_in_place, None, "{m:?}");
        } else {
            // A shared or stealable queue: the other thread takes the woken task.
            assert!(stranded < rounds && from_thread < rounds, "{m:?}");
            assert_eq!(m.stranded_rounds_block_in_place, None, "{m:?}");
        }
        // One worker: the phase does not apply.
        let one = rt.bridge(&cfg, &Env::quiet(1, 0)).metrics;
        assert_eq!((one.stranding_rounds, one.stranded_rounds), (None, None), "{one:?}");
    }

    #[test]
    fn at_its_defaults_inline_calls_freeze_the_heartbeat_on_every_runtime() {
        // One inline handler per worker blocks every executor thread: the longest
        // gap spans a whole call, and dwarfs the gaps while the calls were offloaded.
        for threads in [1, 2] {
            let m = rt().bridge(&BridgeConfig::default(), &Env::quiet(threads, 42)).metrics;
            assert!(m.max_gap_inline_ms >= BridgeConfig::default().job_ms as f64, "threads {threads}: {m:?}");
            assert!(m.max_gap_inline_ms >= 5.0 * m.max_gap_offloaded_ms, "threads {threads}: {m:?}");
            assert_eq!(m.one_blocked_completed.is_some(), threads > 1, "threads {threads}: {m:?}");
        }
    }

    #[test]
    fn a_window_too_short_for_a_tick_is_not_a_failure() {
        // One 1 ms call under a 1 s heartbeat: no tick is due, so none is demanded.
        let cfg = BridgeConfig { jobs: 1, job_ms: 1, tick_ms: 1000 };
        let (report, seen) = scenario::run::<BridgeScenario>(rt(), &cfg, &Env::quiet(2, 0));
        assert!(report.passed(), "{:?} {:?}", report.checks, seen.metrics);
        // One inline handler per worker: 2 handlers × 1 call.
        assert_eq!((seen.metrics.offloaded_completed, seen.metrics.inline_completed), (1, 2));
    }

    #[test]
    fn blocking_calls_complete_and_block_on_bridges_back() {
        let cfg = BridgeConfig { jobs: 2, job_ms: 30, tick_ms: 2 };
        for threads in THREADS {
            for seed in 0..2 {
                let (report, seen) = scenario::run::<BridgeScenario>(rt(), &cfg, &Env::quiet(threads, seed));
                let m = &seen.metrics;
                let at = format!("threads {threads}, seed {seed}: {m:?}");
                // Inline, one handler per worker makes the 2 calls.
                assert_eq!((m.offloaded_completed, m.inline_completed), (2, 2 * threads as u64), "{at}");
                assert_eq!(m.one_blocked_completed, (threads > 1).then_some(2), "{at}");
                assert!(m.block_on_value_ok, "{at}");
                assert!(report.passed(), "{at}");
            }
        }
    }

    #[test]
    fn one_worker_inline_freezes_the_heartbeat_for_the_whole_call() {
        let cfg = BridgeConfig { jobs: 2, job_ms: 30, tick_ms: 2 };
        for seed in 0..3 {
            let m = rt().bridge(&cfg, &Env::quiet(1, seed)).metrics;
            // Ticks only at the phase's edges — one due as it began, before the handler
            // blocked, one as the freed worker ran the waiting heartbeat before the phase
            // was closed — and nothing for both calls' whole length.
            assert!(m.heartbeats_inline <= 2, "seed {seed}: {m:?}");
            assert!(m.max_gap_inline_ms >= 60.0, "seed {seed}: {m:?}");
            // Offloaded, the same calls left the heartbeat free: it ticked, with shorter gaps.
            assert!(m.heartbeats_offloaded > 0 && m.max_gap_offloaded_ms < m.max_gap_inline_ms, "seed {seed}: {m:?}");
        }
    }
}

#[test]
fn the_conclusion_gives_the_stranded_rounds_of_each_runtime_that_ran_them() {
    let seen = |stranded: u64, in_place: Option<u64>| BridgeMetrics {
        stranding_rounds: Some(20),
        stranded_rounds: Some(stranded),
        stranded_rounds_woken_from_thread: Some(0),
        stranded_rounds_block_in_place: in_place,
        ..BridgeMetrics::default()
    };
    let columns = [
        Column { runtime: "tokio", flavor: "", runs: vec![seen(20, Some(0))] },
        Column { runtime: "smol", flavor: "", runs: vec![seen(1, None)] },
        Column { runtime: "async-std", flavor: "", runs: vec![seen(0, None)] },
    ];
    let said = BridgeScenario::conclude(&BridgeConfig::default(), &columns);
    assert!(said.contains("another being free: tokio 20, smol 1 and async-std 0"), "{said}");
    assert!(said.contains("woken from a plain thread: 0 on every runtime"), "{said}");
    assert!(said.contains("blocked in block_in_place: 0 on tokio."), "{said}");
    // With one worker nothing ran the phase, and nothing is said of it.
    let one = [Column { runtime: "tokio", flavor: "", runs: vec![BridgeMetrics::default()] }];
    assert!(!BridgeScenario::conclude(&BridgeConfig::default(), &one).contains("woken"));
}
