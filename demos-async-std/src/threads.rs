// claim: C-async-std-worker-name
//! threads on async-std: CPU jobs are tasks on the global executor's threads
//! (named `async-std/runtime`; with one thread, the thread in `block_on`); I/O
//! jobs go to `task::spawn_blocking`, whose pool starts threads on demand.
//!
//! Run it: `cargo run -p demos-async-std -- threads`

use std::sync::Arc;

use async_std::task::spawn_blocking;
use demos_core::scenario::threads::{
    CPU, Gate, IO, TOGETHER, ThreadsScenario, cpu_job, io_job, manual_and_scoped, run_recorded,
};
use demos_core::timeline::Recorder;
use demos_core::{Env, Observed, Threads, ThreadsConfig, ThreadsMetrics};

use ::futures::future::join_all;

impl Threads for crate::AsyncStd {
    fn threads(&self, cfg: &ThreadsConfig, env: &Env) -> Observed<ThreadsMetrics> {
        crate::observe_recorded::<ThreadsScenario, _>(cfg, env, " + blocking pool", |ex| async move {
            let rec = Arc::new(Recorder::new());
            manual_and_scoped(cfg, &rec); // std's own threads, the same on every runtime
            let io = join_all((0..cfg.io_jobs).map(|i| {
                let rec = rec.clone();
                spawn_blocking(move || {
                    run_recorded(&rec, IO, i, io_job);
                })
            }));
            let cpu = join_all((0..cfg.cpu_jobs).map(|i| {
                let rec = rec.clone();
                ex.spawn(async move {
                    run_recorded(&rec, CPU, i, cpu_job);
                })
            }));
            ::futures::join!(io, cpu);
            // One job per worker, each blocking its worker until all have arrived:
            // they meet only if --threads workers really run at once.
            let gate = Arc::new(Gate::new(env.threads));
            join_all((0..env.threads).map(|i| {
                let (rec, gate) = (rec.clone(), gate.clone());
                ex.spawn(async move { run_recorded(&rec, TOGETHER, i, || gate.arrive()) })
            }))
            .await;
            let spans = rec.take();
            (ThreadsMetrics::from_spans(cfg, env, &spans, gate.opened()), spans)
        })
    }
}
