// claim: C-tokio-worker-name-header
//! threads on tokio: CPU jobs are tasks on the runtime's workers (named
//! `tokio-rt-worker`; on `current_thread` the thread that called `block_on`);
// claim: C-tokio-blocking-threads-same-name
//! I/O jobs go to `spawn_blocking`, whose pool starts threads on demand under
//! the very same name (tokio names every thread it starts with one function,
//! and starts its `multi_thread` workers on that pool too) — so only the
//! threads' ids tell the two apart, and the report says which is which.
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
            manual_and_scoped(cfg, &rec); // std's own threads, the same on every runtime
            // ANCHOR: jobs
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
            // ANCHOR_END: jobs
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
