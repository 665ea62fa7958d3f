// claim: C-compio-fs-uring
//! files on compio: `compio::fs::read` on each core's runtime. On io_uring
//! the open, the reads and the close are submitted to the kernel as
//! operations of the ring (compio-driver's `OpenFile`, `ReadAt`), and no
//! thread waits on them; on the poll driver, which cannot wait on a regular
//! file, the same calls run on the runtime's thread pool (`push_blocking`).
//! The readers are placed round-robin over the cores.
//!
//! Run it: `cargo run -p demos-compio -- files`

use std::sync::Arc;

use demos_core::scenario::files::{FilesRun, FilesScenario, Phase};
use demos_core::{Env, Files, FilesConfig, FilesMetrics, Observed};

use ::futures::future::join_all;

impl Files for crate::Compio {
    fn files(&self, cfg: &FilesConfig, env: &Env) -> Observed<FilesMetrics> {
        self.observe::<FilesScenario, _>(cfg, env, " + compio::fs", |ex| async move {
            let mut run = FilesRun::start(cfg, env.seed);
            while let Some(phase) = run.next_phase() {
                read_all(&ex, &phase, cfg.concurrency).await;
                run.end(phase);
            }
            run.metrics(cfg, true)
        })
    }
}

/// `concurrency` tasks placed round-robin on the cores, each reading the next
/// file until none is left.
async fn read_all(ex: &crate::Exec, phase: &Arc<Phase>, concurrency: usize) {
    join_all((0..concurrency).map(|_| {
        let phase = phase.clone();
        ex.place(move || async move {
            // ANCHOR: read
            while let Some(file) = phase.next() {
                let read = compio::fs::read(file.path()).await; // on io_uring: the kernel's, no thread
                phase.done(file, read);
            }
            // ANCHOR_END: read
        })
    }))
    .await;
}
