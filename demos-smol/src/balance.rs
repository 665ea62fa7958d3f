// claim: C-async-executor-spawn-shared
//! balance on smol: the scenario's main future, polled by one of the N threads
//! that run the `Executor` (the calling thread), spawns every CPU task with
//! `Executor::spawn`. async-executor puts a spawned task in the executor's
//! shared queue; every thread running the executor takes tasks from it and
//! steals from the others' local queues — the thread each task ran on says
//! where they went.
//!
//! Placed: one `Executor` per worker, each run by a thread of its own
//! (`placed-0`, `placed-1`, …), and the main future spawns task i onto
//! executor i mod N. An executor that only its own thread runs keeps its
//! tasks there.
//!
//! Run it: `cargo run --release -p demos-smol -- balance`

use std::sync::Arc;
use std::thread::JoinHandle;

use demos_core::interrupt::until_stopped;
use demos_core::scenario::balance::{BalanceScenario, Phase, Spawner};
use demos_core::{Balance, BalanceConfig, BalanceMetrics, Env, Observed};
use smol::Executor;
use smol::channel::{Sender, bounded};

use ::futures::future::join_all;

impl Balance for crate::Smol {
    fn balance(&self, cfg: &BalanceConfig, env: &Env) -> Observed<BalanceMetrics> {
        let work = Arc::new(cfg.work(env.seed));
        let extra = format!("; placed: {}, a thread each", placed(env.threads));
        crate::observe_recorded::<BalanceScenario, _>(cfg, env, &extra, |ex| async move {
            // The main future, on one of the executor's threads, spawns them all.
            // ANCHOR: from_one
            let spawner = Spawner::here();
            let tasks: Vec<_> = until_stopped(0..work.tasks())
                .map(|i| {
                    let w = work.clone();
                    ex.spawn(async move { w.run(i) }) // into the executor's queue: any of its threads may run it
                })
                .collect();
            let from_one = Phase::new(spawner, join_all(tasks).await);
            // ANCHOR_END: from_one

            // The same tasks placed round-robin, one Executor per worker.
            let placed = PlacedExecutors::start(env.threads);
            // Each executor's thread is up and running before the clock starts, as the workers were.
            join_all(placed.executors.iter().map(|ex| ex.spawn(async {}))).await;
            // ANCHOR: placed
            let spawner = Spawner::here();
            let tasks: Vec<_> = until_stopped(0..work.tasks())
                .map(|i| {
                    let w = work.clone();
                    placed.executors[i % env.threads].spawn(async move { w.run(i) }) // runs on that executor's thread
                })
                .collect();
            // ANCHOR_END: placed
            let placed_phase = Phase::new(spawner, join_all(tasks).await);
            placed.stop();
            BalanceMetrics::new(cfg, env, &from_one, &placed_phase)
        })
    }
}

/// What the placed phase runs, for the flavour: "2 Executors".
pub(crate) fn placed(workers: usize) -> String {
    demos_core::report::counted(workers as u64, "Executor")
}

/// N executors, each run by a thread of its own until stopped.
struct PlacedExecutors {
    executors: Vec<Arc<Executor<'static>>>,
    stop: Sender<()>,
    threads: Vec<JoinHandle<()>>,
}

impl PlacedExecutors {
    fn start(workers: usize) -> Self {
        let (stop, stopped) = bounded::<()>(1);
        let executors: Vec<Arc<Executor<'static>>> =
            (0..workers).map(|_| Arc::new(Executor::new())).collect();
        let threads = executors
            .iter()
            .enumerate()
            .map(|(k, ex)| {
                let (ex, stopped) = (ex.clone(), stopped.clone());
                std::thread::Builder::new()
                    .name(format!("placed-{k}"))
                    .spawn(move || smol::block_on(ex.run(stopped.recv())).unwrap_or(()))
                    .expect("the OS can start a thread")
            })
            .collect();
        Self { executors, stop, threads }
    }

    /// Stop every executor's thread and join it.
    fn stop(self) {
        drop(self.stop); // closing the channel ends every thread's `run`
        for thread in self.threads {
            let _ = thread.join();
        }
    }
}
