// claim: C-std-io-pool-per-job
//! threads with no async runtime: I/O jobs run on a rayon pool built for
//! blocking work, a bounded one of [`IO_POOL_THREADS`] threads named
//! `io-pool-N` (a blocked thread runs nothing else, so with more jobs than
//! threads the rest wait for one), CPU jobs on a rayon pool of `--threads`
//! threads (`rayon-worker-N`) through `par_iter`.
//!
//! Run it: `cargo run -p demos-std-threads -- threads`

use std::sync::Arc;
use std::time::Instant;

use demos_core::scenario::threads::{
    CPU, Gate, IO, TOGETHER, cpu_job, io_job, manual_and_scoped, run_recorded,
};
use demos_core::timeline::Recorder;
use demos_core::{Env, Observed, Threads, ThreadsConfig, ThreadsMetrics};
use rayon::prelude::*;

/// Threads of the pool that runs the blocking I/O jobs.
const IO_POOL_THREADS: usize = 4;

impl Threads for crate::StdThreads {
    fn threads(&self, cfg: &ThreadsConfig, env: &Env) -> Observed<ThreadsMetrics> {
        let started = Instant::now();
        let rec = Arc::new(Recorder::new());
        manual_and_scoped(cfg, &rec); // std's own threads, the same on every runtime
        // A bounded pool for blocking jobs, as an application would size one: the jobs
        // queue for its threads, and the report counts the threads that ran them.
        let io_pool = rayon::ThreadPoolBuilder::new()
            .num_threads(IO_POOL_THREADS)
            .thread_name(|i| format!("io-pool-{i}"))
            .build()
            .expect("the OS can start the pool's threads");
        io_pool.scope(|scope| {
            for i in 0..cfg.io_jobs {
                let rec = &rec;
                scope.spawn(move |_| {
                    run_recorded(rec, IO, i, io_job);
                });
            }
        });
        let (pool, flavor) = crate::pool(env);
        pool.install(|| {
            (0..cfg.cpu_jobs).into_par_iter().for_each(|i| {
                demos_core::workers::note(); // this pool thread ran a job (the report's workers_observed)
                run_recorded(&rec, CPU, i, cpu_job);
            })
        });
        // One job per pool thread, each blocking its thread until all have arrived:
        // they meet only if the pool really runs --threads jobs at once.
        let gate = Gate::new(env.threads);
        pool.scope(|scope| {
            for i in 0..env.threads {
                let (rec, gate) = (&rec, &gate);
                scope.spawn(move |_| {
                    demos_core::workers::note();
                    run_recorded(rec, TOGETHER, i, || gate.arrive());
                });
            }
        });
        let spans = rec.take();
        let metrics = ThreadsMetrics::from_spans(cfg, env, &spans, gate.opened());
        Observed::new(format!("{flavor} + an I/O pool"), started.elapsed(), metrics).with_spans(spans)
    }
}
