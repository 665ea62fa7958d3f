//! threads on tokio: CPU jobs are tasks on the runtime's workers (named
//! `tokio-runtime-worker`; on `current_thread` the thread that called
//! `block_on`); I/O jobs go to `spawn_blocking`, whose pool starts threads of
//! the same name on demand — so the ids tell the two apart.
//!
//! Run it: `cargo run -p demos-tokio -- threads`

use std::sync::Arc;
use std::time::Instant;

use demos_core::scenario::threads::{
    CPU, Gate, IO, TOGETHER, cpu_job, io_job, manual_and_scoped, run_recorded,
};
use demos_core::timeline::Recorder;
use demos_core::workers::noted;
use demos_core::{Env, Observed, Threads, ThreadsConfig, ThreadsMetrics};
use tokio::task::spawn_blocking;

impl Threads for crate::Tokio {
    fn threads(&self, cfg: &ThreadsConfig, env: &Env) -> Observed<ThreadsMetrics> {
        let started = Instant::now();
        let rec = Arc::new(Recorder::new());
        let gate = Arc::new(Gate::new(env.threads));
        manual_and_scoped(cfg, &rec, &env.log);
        let (rt, flavor) = crate::runtime(env);
        rt.block_on(async {
            let io: Vec<_> = (0..cfg.io_jobs)
                .map(|i| {
                    let (rec, log) = (rec.clone(), env.log.clone());
                    spawn_blocking(move || {
                        run_recorded(&rec, &log, IO, i, io_job);
                    })
                })
                .collect();
            let cpu: Vec<_> = (0..cfg.cpu_jobs)
                .map(|i| {
                    let (rec, log) = (rec.clone(), env.log.clone());
                    tokio::spawn(noted(async move {
                        run_recorded(&rec, &log, CPU, i, cpu_job);
                    }))
                })
                .collect();
            for handle in io.into_iter().chain(cpu) {
                handle.await.expect("jobs do not panic");
            }
            // One job per worker, each blocking its worker until all have arrived:
            // they meet only if --threads workers really run at once.
            let together: Vec<_> = (0..env.threads)
                .map(|i| {
                    let (rec, log, gate) = (rec.clone(), env.log.clone(), gate.clone());
                    tokio::spawn(noted(
                        async move { run_recorded(&rec, &log, TOGETHER, i, || gate.arrive()) },
                    ))
                })
                .collect();
            for handle in together {
                handle.await.expect("jobs do not panic");
            }
        });
        let spans = rec.take();
        let metrics = ThreadsMetrics::from_spans(cfg, env, &spans, gate.opened());
        Observed::new(format!("{flavor} + blocking pool"), started.elapsed(), metrics).with_spans(spans)
    }
}
