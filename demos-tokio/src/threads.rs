//! threads on tokio: CPU jobs are tasks on the runtime's workers (named
//! `tokio-runtime-worker`; on `current_thread` the thread that called
//! `block_on`); I/O jobs go to `spawn_blocking`, whose pool starts threads of
//! the same name on demand — so the ids tell the two apart.
//!
//! Run it: `cargo run -p demos-tokio -- threads`

use std::sync::Arc;

use demos_core::scenario::threads::{
    CPU, Gate, IO, TOGETHER, ThreadsScenario, cpu_job, io_job, manual_and_scoped, run_recorded,
};
use demos_core::timeline::Recorder;
use demos_core::{Env, Observed, Threads, ThreadsConfig, ThreadsMetrics};
use tokio::task::spawn_blocking;

use ::futures::future::join_all;

impl Threads for crate::Tokio {
    fn threads(&self, cfg: &ThreadsConfig, env: &Env) -> Observed<ThreadsMetrics> {
        crate::observe_recorded::<ThreadsScenario, _>(cfg, env, " + blocking pool", |ex| async move {
            let rec = Arc::new(Recorder::new());
            manual_and_scoped(cfg, &rec, &env.log);
            let io = join_all((0..cfg.io_jobs).map(|i| {
                let (rec, log) = (rec.clone(), env.log.clone());
                spawn_blocking(move || {
                    run_recorded(&rec, &log, IO, i, io_job);
                })
            }));
            let cpu = join_all((0..cfg.cpu_jobs).map(|i| {
                let (rec, log) = (rec.clone(), env.log.clone());
                ex.spawn(async move {
                    run_recorded(&rec, &log, CPU, i, cpu_job);
                })
            }));
            ::futures::join!(io, cpu);
            // One job per worker, each blocking its worker until all have arrived:
            // they meet only if --threads workers really run at once.
            let gate = Arc::new(Gate::new(env.threads));
            join_all((0..env.threads).map(|i| {
                let (rec, log, gate) = (rec.clone(), env.log.clone(), gate.clone());
                ex.spawn(async move { run_recorded(&rec, &log, TOGETHER, i, || gate.arrive()) })
            }))
            .await;
            let spans = rec.take();
            (ThreadsMetrics::from_spans(cfg, env, &spans, gate.opened()), spans)
        })
    }
}
