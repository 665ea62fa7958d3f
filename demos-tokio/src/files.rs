// claim: C-tokio-fs-blocking
//! files on tokio: `tokio::fs::read`. tokio's docs say it plainly: its file
//! operations are ordinary blocking calls run with `spawn_blocking`, on the
//! runtime's blocking pool (up to `max_blocking_threads`, 512 by default), so
//! each read in flight holds a pool thread, and the run counts them. The last
//! phase reads on a `current_thread` runtime of its own built with
//! `max_blocking_threads(--pool-limit)`: the reads in flight wait for its few
//! threads.
//!
//! Run it: `cargo run -p demos-tokio -- files`

use std::sync::Arc;

use demos_core::scenario::files::{FilesRun, FilesScenario, Phase, PoolThreads};
use demos_core::{Env, Files, FilesConfig, FilesMetrics, Observed};

use ::futures::future::join_all;

impl Files for crate::Tokio {
    fn files(&self, cfg: &FilesConfig, env: &Env) -> Observed<FilesMetrics> {
        crate::observe::<FilesScenario, _>(cfg, env, " + tokio::fs (the blocking pool)", |ex| async move {
            let mut run = FilesRun::start(cfg, env.seed);
            while let Some(phase) = run.next_phase() {
                read_all(ex, &phase, cfg.concurrency).await;
                run.end(phase);
            }
            // A runtime cannot be started from inside another's task: the limited one runs
            // on a blocking-pool thread of this one, which the reads above left idle.
            let (limit, concurrency) = (cfg.pool_limit, cfg.concurrency);
            let run = tokio::task::spawn_blocking(move || {
                // Its tasks are noted apart: the report's workers are the first two phases'.
                let workers = std::sync::Arc::default();
                demos_core::workers::adopt(&workers);
                // ANCHOR: limited
                let limited = tokio::runtime::Builder::new_current_thread()
                    .max_blocking_threads(limit) // tokio::fs's reads wait for one of these
                    .enable_all()
                    .build()
                    .expect("the OS starts the runtime");
                // ANCHOR_END: limited
                if let Some(phase) = run.limited_phase(PoolThreads::New) {
                    limited.block_on(read_all(ex, &phase, concurrency));
                    run.end_limited(phase);
                }
                (run, workers.count())
            })
            .await
            .expect("the limited phase does not panic");
            let (run, workers) = run;
            let mut m = run.metrics(cfg, true);
            m.limited_workers = m.limited_p50_us.is_some().then_some(workers);
            m
        })
    }
}

/// `concurrency` tasks, each reading the next file until none is left.
async fn read_all(ex: crate::Exec, phase: &Arc<Phase>, concurrency: usize) {
    join_all((0..concurrency).map(|_| {
        let phase = phase.clone();
        ex.spawn(async move {
            // ANCHOR: read
            while let Some(file) = phase.next() {
                let read = tokio::fs::read(file.path()).await; // a std::fs::read on a blocking-pool thread
                phase.done(file, read);
            }
            // ANCHOR_END: read
        })
    }))
    .await;
}
