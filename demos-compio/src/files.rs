// claim: C-compio-fs-uring
//! files on compio: `compio::fs::read` on each core's runtime. On io_uring
//! the open, the reads and the close are submitted to the kernel as
//! operations of the ring (compio-driver's `OpenFile`, `ReadAt`), and no
//! thread waits on them; on the poll driver, which cannot wait on a regular
//! file, the same calls run on the runtime's thread pool (`push_blocking`).
//! The readers are placed round-robin over the cores. The last phase reads
//! on the same cores' runtimes built anew with `thread_pool_limit(--pool-limit)`
//! (a pool per runtime): on io_uring no read uses that pool, on the poll
//! driver every read does.
//!
//! Run it: `cargo run -p demos-compio -- files`

use std::sync::Arc;

use demos_core::scenario::files::{FilesRun, Phase, PoolThreads};
use demos_core::{Env, Files, FilesConfig, FilesMetrics, Observed};

use ::futures::future::join_all;

impl Files for crate::Compio {
    fn files(&self, cfg: &FilesConfig, env: &Env) -> Observed<FilesMetrics> {
        let started = std::time::Instant::now();
        let (run, flavor) = self.run(env, |ex| async move {
            let mut run = FilesRun::start(cfg, env.seed);
            while let Some(phase) = run.next_phase() {
                read_all(&ex, &phase, cfg.concurrency).await;
                run.end(phase);
            }
            run
        });
        // The same cores again, their pools sharing --pool-limit threads (each runtime has its
        // own pool, and one thread at least). The runtimes are built anew on threads of their
        // own, counted apart: the report's workers are the first two phases'.
        let cores = env.threads.max(1);
        let each = (cfg.pool_limit / cores).max(1);
        let limited = Env { workers: Default::default(), ..env.clone() };
        let (run, _) = self.run_with_pool(&limited, Some(each), |ex| async move {
            let mut run = run;
            if let Some(phase) = run.limited_phase(PoolThreads::New) {
                read_all(&ex, &phase, cfg.concurrency).await;
                run.end_limited(phase);
            }
            run
        });
        let mut m = run.metrics(cfg, true);
        m.limited_workers = m.limited_p50_us.is_some().then(|| limited.workers.count());
        m.pool_limit = (each * cores) as u64; // the limit that ran: above --pool-limit only below a thread a core
        Observed::new(format!("{flavor} + compio::fs"), started.elapsed(), m)
    }
}

/// Read the next file until none is left.
async fn reader(phase: Arc<Phase>) {
    // ANCHOR: read
    while let Some(file) = phase.next() {
        let read = compio::fs::read(file.path()).await; // on io_uring: the kernel's, no thread
        phase.done(file, read);
    }
    // ANCHOR_END: read
}

/// `concurrency` tasks placed round-robin on the cores, each reading the next
/// file until none is left.
async fn read_all(ex: &crate::Exec, phase: &Arc<Phase>, concurrency: usize) {
    join_all((0..concurrency).map(|_| {
        let phase = phase.clone();
        ex.place(move || reader(phase))
    }))
    .await;
}
