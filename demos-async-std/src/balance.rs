// claim: C-async-executor-spawn-shared
//! balance on async-std: one task on the global executor spawns every CPU task
//! with `task::spawn`. The global executor is async-executor underneath
//! (through async-global-executor): a spawned task goes to its shared queue,
//! and each of its threads takes tasks from there and steals from the others —
//! the thread each task ran on says where they went.
//!
//! Placed: async-std's global executor cannot be told which thread runs a
//! task, so the placed phase starts one thread per worker (`placed-0`,
//! `placed-1`, …), each in `task::block_on`, and sends task i to thread
//! i mod N over a channel; that thread spawns it with `task::spawn_local`,
//! which runs it on that thread only.
//!
//! Run it: `cargo run --release -p demos-async-std -- balance`

use std::sync::Arc;
use std::thread::JoinHandle;

use async_std::channel::{Receiver, Sender, unbounded};
use async_std::task;
use demos_core::interrupt::until_stopped;
use demos_core::scenario::balance::{BalanceScenario, BalanceWork, Phase, Ran, Spawner};
use demos_core::{Balance, BalanceConfig, BalanceMetrics, Env, Observed};

use ::futures::future::join_all;

impl Balance for crate::AsyncStd {
    fn balance(&self, cfg: &BalanceConfig, env: &Env) -> Observed<BalanceMetrics> {
        let work = Arc::new(cfg.work(env.seed));
        let extra = format!("; placed: {} in block_on + spawn_local", placed(env.threads));
        crate::observe_recorded::<BalanceScenario, _>(cfg, env, &extra, |ex| async move {
            // One task on the executor spawns them all.
            let w = work.clone();
            let from_one = ex
                .spawn(async move {
                    // ANCHOR: from_one
                    let spawner = Spawner::here();
                    let tasks: Vec<_> = until_stopped(0..w.tasks())
                        .map(|i| {
                            let w = w.clone();
                            ex.spawn(async move { w.run(i) }) // into the executor's queue: any of its threads may run it
                        })
                        .collect();
                    Phase::new(spawner, join_all(tasks).await)
                    // ANCHOR_END: from_one
                })
                .await;

            // The same tasks placed round-robin, a thread with its own local tasks per worker.
            let mut placed = PlacedThreads::start(env.threads, &work);
            let (jobs, done, n) = (std::mem::take(&mut placed.jobs), placed.done.clone(), work.tasks());
            // Each thread is up and running before the clock starts, as the workers were.
            for _ in 0..env.threads {
                let _ = placed.ready.recv().await;
            }
            let placed_phase = ex
                .spawn(async move {
                    // ANCHOR: placed
                    let spawner = Spawner::here();
                    for i in until_stopped(0..n) {
                        let _ = jobs[i % jobs.len()].send(i).await; // thread i mod N spawns it there
                    }
                    // ANCHOR_END: placed
                    drop(jobs); // no more tasks: each thread finishes its own and sends back their runs
                    let mut runs = Vec::new();
                    while let Ok(share) = done.recv().await {
                        runs.extend(share);
                    }
                    Phase::new(spawner, runs)
                })
                .await;
            placed.stop();
            BalanceMetrics::new(cfg, env, &from_one, &placed_phase)
        })
    }
}

/// What the placed phase runs, for the flavour: "2 threads".
pub(crate) fn placed(workers: usize) -> String {
    demos_core::report::counted(workers as u64, "thread")
}

/// A thread per worker in `task::block_on`, spawning with `spawn_local` the
/// tasks sent to it and sending back their runs when its channel closes.
struct PlacedThreads {
    jobs: Vec<Sender<usize>>,
    done: Receiver<Vec<Ran>>,
    ready: Receiver<()>,
    threads: Vec<JoinHandle<()>>,
}

impl PlacedThreads {
    fn start(workers: usize, work: &Arc<BalanceWork>) -> Self {
        let (finished, done) = unbounded::<Vec<Ran>>();
        let (up, ready) = unbounded::<()>();
        let (mut jobs, mut threads) = (Vec::new(), Vec::new());
        for k in 0..workers {
            let (job, tasks) = unbounded::<usize>();
            let (work, finished, up) = (work.clone(), finished.clone(), up.clone());
            let thread = std::thread::Builder::new()
                .name(format!("placed-{k}"))
                .spawn(move || {
                    // ANCHOR: placed_thread
                    task::block_on(async move {
                        let _ = up.send(()).await;
                        let mut running = Vec::new();
                        while let Ok(i) = tasks.recv().await {
                            let work = work.clone();
                            running.push(task::spawn_local(async move { work.run(i) }));
                        }
                        let _ = finished.send(join_all(running).await).await;
                    })
                    // ANCHOR_END: placed_thread
                })
                .expect("the OS can start a thread");
            jobs.push(job);
            threads.push(thread);
        }
        Self { jobs, done, ready, threads }
    }

    /// Join every thread (each ends once its channel is closed).
    fn stop(self) {
        drop(self.jobs);
        for thread in self.threads {
            let _ = thread.join();
        }
    }
}
