//! threads on smol: CPU jobs are tasks on this call's executor threads
//! (`smol-worker-N` plus the calling thread; one thread for a `LocalExecutor`);
//! I/O jobs go to `smol::unblock`, whose `blocking` pool starts threads named
//! `blocking-N` on demand.
//!
//! Run it: `cargo run -p demos-smol -- threads`

use std::sync::Arc;
use std::time::Instant;

use demos_core::scenario::threads::{
    CPU, Gate, IO, TOGETHER, cpu_job, io_job, manual_and_scoped, run_recorded,
};
use demos_core::timeline::Recorder;
use demos_core::{Env, Observed, Threads, ThreadsConfig, ThreadsMetrics};
use smol::unblock;

impl Threads for crate::Smol {
    fn threads(&self, cfg: &ThreadsConfig, env: &Env) -> Observed<ThreadsMetrics> {
        let started = Instant::now();
        let rec = Arc::new(Recorder::new());
        let gate = Arc::new(Gate::new(env.threads));
        manual_and_scoped(cfg, &rec, &env.log);
        let ((), flavor) = crate::run(env, |ex| {
            let (rec, gate) = (rec.clone(), gate.clone());
            async move {
                let io: Vec<_> = (0..cfg.io_jobs)
                    .map(|i| {
                        let (rec, log) = (rec.clone(), env.log.clone());
                        unblock(move || {
                            run_recorded(&rec, &log, IO, i, io_job);
                        })
                    })
                    .collect();
                let cpu: Vec<_> = (0..cfg.cpu_jobs)
                    .map(|i| {
                        let (rec, log) = (rec.clone(), env.log.clone());
                        ex.spawn(async move {
                            run_recorded(&rec, &log, CPU, i, cpu_job);
                        })
                    })
                    .collect();
                for task in io.into_iter().chain(cpu) {
                    task.await;
                }
                // One job per worker, each blocking its worker until all have arrived:
                // they meet only if --threads workers really run at once.
                let together: Vec<_> = (0..env.threads)
                    .map(|i| {
                        let (rec, log, gate) = (rec.clone(), env.log.clone(), gate.clone());
                        ex.spawn(async move { run_recorded(&rec, &log, TOGETHER, i, || gate.arrive()) })
                    })
                    .collect();
                for task in together {
                    task.await;
                }
            }
        });
        let spans = rec.take();
        let metrics = ThreadsMetrics::from_spans(cfg, env, &spans, gate.opened());
        Observed::new(format!("{flavor} + blocking pool"), started.elapsed(), metrics).with_spans(spans)
    }
}
