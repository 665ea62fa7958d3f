//! files on std-threads: `std::fs::read`, a blocking call, on a rayon pool of
//! one thread per read in flight (`--concurrency`): what the async runtimes'
//! blocking pools do underneath, with the threads in plain sight. The last
//! phase gives the same readers a pool of `--pool-limit` threads: a reader
//! takes a file only once it runs, so the readers, not the reads, wait.
//!
//! Run it: `cargo run -p demos-std-threads -- files`

use std::sync::Arc;
use std::time::{Duration, Instant};

use demos_core::report::counted;
use demos_core::scenario::files::{FilesRun, Phase, PoolThreads};
use demos_core::workers::WorkerSet;
use demos_core::{Env, Files, FilesConfig, FilesMetrics, Observed};

impl Files for crate::StdThreads {
    fn files(&self, cfg: &FilesConfig, env: &Env) -> Observed<FilesMetrics> {
        let started = Instant::now();
        let mut run = FilesRun::start(cfg, env.seed);
        // Each pool thread says when it exits: a dropped rayon pool's threads end on their own.
        let (exits, exited) = crossbeam_channel::unbounded::<()>();
        // ANCHOR: pool
        let pool = |threads: usize, workers: &Arc<WorkerSet>| {
            let (workers, exits) = (workers.clone(), exits.clone());
            rayon::ThreadPoolBuilder::new()
                .num_threads(threads) // --concurrency: a thread per read in flight
                .thread_name(|i| format!("files-{i}"))
                .start_handler(move |_| demos_core::workers::adopt(&workers))
                .exit_handler(move |_| {
                    let _ = exits.send(());
                })
                .build()
                .expect("the OS can start the pool's threads")
        };
        // ANCHOR_END: pool
        let readers = |pool: &rayon::ThreadPool, phase: &Phase| {
            pool.scope(|s| {
                for _ in 0..cfg.concurrency {
                    s.spawn(|_| read_all(phase));
                }
            });
        };
        let threads = pool(cfg.concurrency, &env.workers);
        while let Some(phase) = run.next_phase() {
            readers(&threads, &phase);
            run.end(phase);
        }
        drop(threads);
        // Wait for its threads to end: one still exiting while the last phase starts would be
        // missed by that phase's first look at the threads alive (a directory read while it
        // changes), then seen, and counted as one the limited pool started.
        let deadline = Instant::now() + EXIT_WAIT;
        for _ in 0..cfg.concurrency {
            if exited.recv_deadline(deadline).is_err() {
                break;
            }
        }
        // The last phase's pool is counted apart: the report's workers are the first two phases'.
        let limited_workers = Arc::default();
        if let Some(phase) = run.limited_phase(PoolThreads::New) {
            let limited = pool(cfg.pool_limit, &limited_workers); // the same readers, --pool-limit threads
            readers(&limited, &phase);
            run.end_limited(phase); // the count's last reading, with the pool's threads still there
        }
        let flavor = format!("rayon ThreadPool, {} + std::fs", counted(cfg.concurrency as u64, "thread"));
        let mut m = run.metrics(cfg, false);
        m.limited_workers = m.limited_p50_us.is_some().then(|| limited_workers.count());
        Observed::new(flavor, started.elapsed(), m)
    }
}

/// How long the first pool's threads may take to end, all told, before the last phase starts anyway.
const EXIT_WAIT: Duration = Duration::from_secs(5);

/// One pool thread reads the next file until none is left.
fn read_all(phase: &Phase) {
    demos_core::workers::note();
    // ANCHOR: read
    while let Some(file) = phase.next() {
        let read = std::fs::read(file.path()); // this thread waits for the disk
        phase.done(file, read);
    }
    // ANCHOR_END: read
}
