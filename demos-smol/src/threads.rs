//! threads on smol: CPU jobs are tasks on this call's executor threads
//! (`smol-worker-N` plus the calling thread; one thread for a `LocalExecutor`);
// claim: C-blocking-thread-name
//! I/O jobs go to `smol::unblock`, whose `blocking` pool starts threads named
//! `blocking-N` on demand.
//!
//! Run it: `cargo run -p demos-smol -- threads`

use std::sync::Arc;

use demos_core::scenario::threads::{
    CPU, Gate, IO, TOGETHER, ThreadsScenario, cpu_job, io_job, manual_and_scoped, run_recorded,
};
use demos_core::timeline::Recorder;
use demos_core::{Env, Observed, Threads, ThreadsConfig, ThreadsMetrics};
use smol::unblock;

use ::futures::future::join_all;

impl Threads for crate::Smol {
    fn threads(&self, cfg: &ThreadsConfig, env: &Env) -> Observed<ThreadsMetrics> {
        crate::observe_recorded::<ThreadsScenario, _>(cfg, env, " + blocking pool", |ex| async move {
            let rec = Arc::new(Recorder::new());
            manual_and_scoped(cfg, &rec); // std's own threads, the same on every runtime
            let io = join_all((0..cfg.io_jobs).map(|i| {
                let rec = rec.clone();
                unblock(move || {
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
