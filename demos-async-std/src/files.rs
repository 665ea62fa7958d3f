// claim: C-async-std-fs-blocking
//! files on async-std: `async_std::fs::read`, a blocking `std::fs::read` run
//! with `spawn_blocking` on the `blocking` crate's pool (the one smol's
//! `unblock` uses, up to 500 threads), so each read in flight holds a pool
//! thread, and the run counts them. The last phase lowers that pool's limit
//! with `blocking::set_max_blocking_threads(--pool-limit)` (async-std has no
//! setting of its own): the pool is the process's, so the run first waits for
//! the threads over the limit to leave, then counts its `blocking-N` threads.
//!
//! Run it: `cargo run -p demos-async-std -- files`

use std::sync::Arc;

use demos_core::scenario::files::{FilesRun, FilesScenario, Phase, PoolThreads};
use demos_core::{Env, Files, FilesConfig, FilesMetrics, Observed};

use ::futures::future::join_all;

impl Files for crate::AsyncStd {
    fn files(&self, cfg: &FilesConfig, env: &Env) -> Observed<FilesMetrics> {
        crate::observe::<FilesScenario, _>(
            cfg,
            env,
            " + async_std::fs (the blocking pool)",
            |ex| async move {
                let mut run = FilesRun::start(cfg, env.seed);
                while let Some(phase) = run.next_phase() {
                    read_all(ex, &phase, cfg.concurrency).await;
                    run.end(phase);
                }
                // ANCHOR: limited
                blocking::set_max_blocking_threads(
                    cfg.pool_limit.try_into().expect("--pool-limit is at least 1"),
                );
                // ANCHOR_END: limited
                demos_core::scenario::files::shrink_pool(&env.log, "blocking-", cfg.pool_limit);
                if let Some(phase) = run.limited_phase(PoolThreads::Named("blocking-")) {
                    read_all(ex, &phase, cfg.concurrency).await;
                    run.end_limited(phase);
                }
                run.metrics(cfg, true)
            },
        )
    }
}

/// `concurrency` tasks, each reading the next file until none is left.
async fn read_all(ex: crate::Exec, phase: &Arc<Phase>, concurrency: usize) {
    join_all((0..concurrency).map(|_| {
        let phase = phase.clone();
        ex.spawn(async move {
            // ANCHOR: read
            while let Some(file) = phase.next() {
                let read = async_std::fs::read(file.path()).await; // spawn_blocking(std::fs::read)
                phase.done(file, read);
            }
            // ANCHOR_END: read
        })
    }))
    .await;
}
