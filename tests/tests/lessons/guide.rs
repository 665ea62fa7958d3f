//! guide at its defaults, on every runtime and two workers: the advice each
//! row gives is the one its lesson teaches when the run shows it — offload
//! blocking calls (inline on both workers they froze every task, offloaded
//! they did not), tasks for many connections on an async runtime (they hold a
//! few threads where a thread per connection end holds one each), a gain for
//! CPU jobs on a pool when two cores were free, the atomic over the lock when the
//! threads really contended; for uneven CPU tasks from one task, stealing
//! runtimes' workers take some, and thread-per-core is told to place them
//! (none left the spawner's core). A busy machine can deny the CPU and contention rows (the guide
//! then says "none drawn"); the test says so and asks only what the run could
//! show, and tries up to three runs before it holds a row to its lesson.

use demos_core::Env;
use demos_core::guide::balance::BalanceVerdict;
use demos_core::guide::blocking::BlockingVerdict;
use demos_core::guide::contention::ContentionVerdict;
use demos_core::guide::cpu::CpuVerdict;
use demos_core::guide::io::IoVerdict;
use demos_core::guide::{self, GuideConfig};

use crate::{FREE, bare_threads_speedup};

/// Runs of the guide at most; the first that shows a row's lesson is enough for that row.
const RUNS: u64 = 3;

demos_tests::per_runtime! {
    #[test]
    fn lesson_at_its_defaults_each_row_advises_what_its_figures_show() {
        let _alone = demos_tests::alone();
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        let (mut seen, mut bare) = ((Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new()), Vec::new());
        let tpc = rt().name().starts_with("compio"); // thread-per-core
        for seed in 0..RUNS {
            // Thread-per-core pins its threads: the bare threads it is held against are pinned too.
            let pinned = tpc;
            let before = bare_threads_speedup(pinned);
            let run = guide::measure(rt(), &Env::quiet(2, seed), &GuideConfig::default());
            bare.push(before.min(bare_threads_speedup(pinned)));
            let f = &run.figures;
            let at = format!("{} seed {seed}", rt().name());
            // Every check of every row held, whatever the machine was doing.
            for row in &run.rows {
                for check in &row.checks {
                    assert!(check.passed, "{at}: {}: {} failed: {}", row.situation, check.name, check.detail);
                }
            }
            seen.0.push(f.blocking.advice().verdict);
            seen.1.push(f.io.advice().verdict);
            seen.2.push((f.cpu.advice().verdict, f.cpu.speedup));
            seen.3.push((f.contention.advice().verdict, f.contention.lock.ms, f.contention.atomic.ms));
            seen.4.push((f.balance.advice().verdict, f.balance.moved, f.balance.imbalance));
            let done = seen.0.contains(&BlockingVerdict::Offload)
                && (cores < 2 || seen.2.iter().any(|(v, _)| matches!(v, CpuVerdict::Scaled | CpuVerdict::PartlyScaled)))
                && seen.3.iter().any(|(v, _, _)| *v == ContentionVerdict::AtomicFaster)
                && seen.4.iter().any(|(v, moved, _)| if tpc { *v == BalanceVerdict::Place } else { *moved > 0 });
            if done {
                break;
            }
        }
        eprintln!("{}: blocking {:?}; I/O {:?}; CPU {:?}; contention (verdict, lock ms, atomic ms) {:?}; \
            uneven work (verdict, moved, imbalance) {:?}", rt().name(), seen.0, seen.1, seen.2, seen.3, seen.4);

        // Blocking calls inline on both workers freeze every task for the calls' length; offloaded,
        // the heartbeat ticks on. Nothing a busy machine can fake in both directions three times.
        assert!(seen.0.contains(&BlockingVerdict::Offload), "blocking row: {:?}", seen.0);

        // Many connections: an async runtime's tasks hold a few threads where the baseline holds
        // one per connection end, so threads never lead on everything; on std-threads both sides
        // are threads.
        for verdict in &seen.1 {
            if COOPERATIVE {
                assert!(matches!(verdict, IoVerdict::Tasks | IoVerdict::Split), "I/O row: {:?}", seen.1);
            } else {
                assert_eq!(*verdict, IoVerdict::ThreadsEitherWay, "I/O row");
            }
        }

        // CPU jobs: on two cores, one job per worker ran faster than one after another in some
        // run (a gain the row names: Scaled or PartlyScaled) — unless two bare threads doing the
        // same work around every run found the cores busy too. Closeness to ×2 is pools' lesson
        // (lessons/pools.rs); here the row must not miss a gain its figures show.
        let gained = |v: &CpuVerdict| matches!(v, CpuVerdict::Scaled | CpuVerdict::PartlyScaled);
        if cores >= 2 && !seen.2.iter().any(|(v, _)| gained(v)) {
            let shown: Vec<String> = bare.iter().map(|x| format!("×{x:.2}")).collect();
            assert!(
                bare.iter().all(|&x| x < FREE),
                "CPU row saw no gain in any run: {:?}, though bare threads around each run got {}",
                seen.2,
                shown.join(", ")
            );
            eprintln!(
                "{}: skipped the CPU row's lesson: the cores were busy (bare threads got {})",
                rt().name(),
                shown.join(", ")
            );
        }

        // Contention: when the loops overlapped, the atomic beat the lock. A run whose loops
        // did not overlap gives no advice, and says so.
        let contended: Vec<_> = seen.3.iter().filter(|(v, _, _)| *v != ContentionVerdict::DidNotContend).collect();
        if contended.is_empty() {
            eprintln!("{}: the threads never contended (a busy machine): no contention lesson asked", rt().name());
        } else {
            assert!(
                contended.iter().any(|(v, _, _)| *v == ContentionVerdict::AtomicFaster),
                "contention row, in the runs that contended: {contended:?}"
            );
        }

        // Uneven CPU tasks spawned from one task: thread-per-core never moves one, so every run
        // tells the code to place them (the placed run shared them out); on a stealing runtime
        // the other worker took some in a run.
        if tpc {
            assert!(seen.4.iter().all(|(v, moved, _)| *v == BalanceVerdict::Place && *moved == 0), "{:?}", seen.4);
        } else {
            assert!(seen.4.iter().any(|(_, moved, _)| *moved > 0), "uneven work row: {:?}", seen.4);
        }
    }
}
