// claim: C-tokio-balance
//! balance on tokio: one task on a worker of the `multi_thread` runtime spawns
//! every CPU task with `tokio::spawn`. A task spawned on a worker goes to that
//! worker's LIFO slot, and the task it displaces from there to the worker's
//! own run queue; the other workers, woken when that happens, steal from the
//! run queue — the thread each task ran on says whether they did.
//!
//! Placed: tokio cannot spawn onto a chosen worker of a `multi_thread`
//! runtime, so the placed phase is tokio's own thread-per-core arrangement:
//! one `current_thread` runtime per worker, each on a thread of its own
//! (`placed-0`, `placed-1`, …), and the spawning task puts task i on runtime
//! i mod N with `Handle::spawn`. A `current_thread` runtime runs its tasks on
//! its one thread only: nothing steals from it.
//!
//! Run it: `cargo run --release -p demos-tokio -- balance`

use std::sync::Arc;
use std::thread::JoinHandle;

use demos_core::interrupt::until_stopped;
use demos_core::scenario::balance::{BalanceScenario, Phase, Spawner};
use demos_core::{Balance, BalanceConfig, BalanceMetrics, Env, Observed};
use tokio::runtime::Handle;
use tokio::sync::oneshot;

use ::futures::future::join_all;

use crate::build_runtime;

impl Balance for crate::Tokio {
    fn balance(&self, cfg: &BalanceConfig, env: &Env) -> Observed<BalanceMetrics> {
        let work = Arc::new(cfg.work(env.seed));
        let extra = format!("; placed: {}, a thread each", placed(env.threads));
        crate::observe_recorded::<BalanceScenario, _>(cfg, env, &extra, |ex| async move {
            // One task on a worker spawns them all.
            let w = work.clone();
            let from_one = ex
                .spawn(async move {
                    // ANCHOR: from_one
                    let spawner = Spawner::here();
                    let tasks: Vec<_> = until_stopped(0..w.tasks())
                        .map(|i| {
                            let w = w.clone();
                            ex.spawn(async move { w.run(i) }) // onto this worker's queue; others may steal it
                        })
                        .collect();
                    Phase::new(spawner, join_all(tasks).await)
                    // ANCHOR_END: from_one
                })
                .await;

            // The same tasks placed round-robin, one current_thread runtime per worker.
            let placed = PlacedRuntimes::start(env.threads);
            let (w, handles) = (work.clone(), placed.handles.clone());
            // Each runtime's thread is up and running before the clock starts, as the workers were.
            join_all(handles.iter().map(|rt| rt.spawn(async {}))).await;
            let placed_phase = ex
                .spawn(async move {
                    // ANCHOR: placed
                    let spawner = Spawner::here();
                    let tasks: Vec<_> = until_stopped(0..w.tasks())
                        .map(|i| {
                            let w = w.clone();
                            handles[i % handles.len()].spawn(async move { w.run(i) }) // runs on that runtime's thread
                        })
                        .collect();
                    // ANCHOR_END: placed
                    let runs = join_all(tasks)
                        .await
                        .into_iter()
                        .map(|joined| joined.expect("a task does not panic"));
                    Phase::new(spawner, runs.collect())
                })
                .await;
            placed.stop();
            BalanceMetrics::new(cfg, env, &from_one, &placed_phase)
        })
    }
}

/// What the placed phase runs, for the flavour: "2 current_thread runtimes".
pub(crate) fn placed(workers: usize) -> String {
    demos_core::report::counted(workers as u64, "current_thread runtime")
}

/// N `current_thread` runtimes, each run by a thread of its own until stopped.
struct PlacedRuntimes {
    handles: Vec<Handle>,
    stops: Vec<oneshot::Sender<()>>,
    threads: Vec<JoinHandle<()>>,
}

impl PlacedRuntimes {
    fn start(workers: usize) -> Self {
        let mut placed = Self { handles: Vec::new(), stops: Vec::new(), threads: Vec::new() };
        for k in 0..workers {
            let rt = build_runtime(1);
            let (stop, stopped) = oneshot::channel::<()>();
            placed.handles.push(rt.handle().clone());
            placed.stops.push(stop);
            let thread = std::thread::Builder::new()
                .name(format!("placed-{k}"))
                .spawn(move || {
                    let _ = rt.block_on(stopped); // runs the tasks spawned onto it meanwhile
                })
                .expect("the OS can start a thread");
            placed.threads.push(thread);
        }
        placed
    }

    /// Stop every runtime and join its thread.
    fn stop(self) {
        drop(self.stops);
        for thread in self.threads {
            let _ = thread.join();
        }
    }
}
