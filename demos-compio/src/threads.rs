//! threads on compio: one OS thread per core (`compio-core-N`), each running its
//! own runtime. CPU jobs are tasks *placed* round-robin on the cores, and each
// claim: C-compio-blocking-pool
//! runs where it was placed. I/O jobs go to `compio::runtime::spawn_blocking`,
//! the calling core's own pool (compio's `AsyncifyPool`, up to 256 threads a
//! runtime): its threads are started on demand, unnamed — the OS shows the
//! spawning core's name for them — and inherit that core's CPU pin.
//!
//! Run it: `cargo run -p demos-compio -- threads`

use std::sync::Arc;

use compio::runtime::spawn_blocking;
use demos_core::scenario::threads::{
    CPU, Gate, IO, TOGETHER, ThreadsScenario, cpu_job, io_job, manual_and_scoped, run_recorded,
};
use demos_core::timeline::Recorder;
use demos_core::{Env, Observed, Threads, ThreadsConfig, ThreadsMetrics};

use ::futures::future::join_all;

impl Threads for crate::Compio {
    fn threads(&self, cfg: &ThreadsConfig, env: &Env) -> Observed<ThreadsMetrics> {
        self.observe_recorded::<ThreadsScenario, _>(cfg, env, " + core 0's blocking pool", |ex| async move {
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
                ex.place(move || async move {
                    run_recorded(&rec, CPU, i, cpu_job);
                })
            }));
            let (io, _) = ::futures::join!(io, cpu);
            // ANCHOR_END: jobs
            io.into_iter().for_each(|job| job.expect("an I/O job does not panic"));
            // One job per core, each blocking its thread until all have arrived:
            // they meet only if --threads runtimes really run at once.
            let gate = Arc::new(Gate::new(env.threads));
            join_all((0..env.threads).map(|i| {
                let (rec, gate) = (rec.clone(), gate.clone());
                ex.place_on(i, move || async move { run_recorded(&rec, TOGETHER, i, || gate.arrive()) })
            }))
            .await;
            let spans = rec.take();
            (ThreadsMetrics::from_spans(cfg, env, &spans, gate.opened()), spans)
        })
    }
}
