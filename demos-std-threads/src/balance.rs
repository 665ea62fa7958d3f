// claim: C-rayon-balance
//! balance on plain threads: a rayon pool of `--threads` threads. One job on
//! the pool (`install`) opens a `rayon::scope` and spawns every CPU task in it.
//! A job spawned on a pool thread goes to that thread's own deque; the pool's
//! idle threads steal from it — the thread each task ran on says whether they
//! did.
//!
//! Placed: `ThreadPool::broadcast` runs one job on every thread of the pool,
//! each told its index k; job k runs tasks k, k + N, k + 2N, … one after
//! another. A broadcast job runs on the thread it was addressed to and its
//! tasks are plain calls inside it: nothing can move them.
//!
//! Run it: `cargo run --release -p demos-std-threads -- balance`

use std::sync::Mutex;
use std::time::Instant;

use demos_core::interrupt::until_stopped;
use demos_core::scenario::balance::{Phase, Spawner};
use demos_core::workers::note;
use demos_core::{Balance, BalanceConfig, BalanceMetrics, Env, Observed};

impl Balance for crate::StdThreads {
    fn balance(&self, cfg: &BalanceConfig, env: &Env) -> Observed<BalanceMetrics> {
        let started = Instant::now();
        let work = cfg.work(env.seed);
        let (pool, flavor) = crate::pool(env);
        // One job on the pool spawns them all into a scope.
        let from_one = pool.install(|| {
            note(); // this pool thread ran a job (the report's workers_observed)
            // ANCHOR: from_one
            let spawner = Spawner::here();
            let runs = Mutex::new(Vec::new());
            rayon::scope(|s| {
                for i in until_stopped(0..work.tasks()) {
                    let (work, runs) = (&work, &runs);
                    s.spawn(move |_| {
                        note();
                        let ran = work.run(i); // pushed on this thread's deque; idle threads may steal it
                        runs.lock().expect("a task does not panic").push(ran);
                    });
                }
            });
            Phase::new(spawner, runs.into_inner().expect("a task does not panic"))
            // ANCHOR_END: from_one
        });

        // The same tasks placed round-robin: one broadcast job per pool thread.
        // ANCHOR: placed
        let spawner = Spawner::here();
        let shares = pool.broadcast(|ctx| {
            let mine = (ctx.index()..work.tasks()).step_by(ctx.num_threads()); // tasks k, k + N, …
            until_stopped(mine).map(|i| work.run(i)).collect::<Vec<_>>()
        });
        // ANCHOR_END: placed
        let placed = Phase::new(spawner, shares.into_iter().flatten().collect());
        let (metrics, spans) = BalanceMetrics::new(cfg, env, &from_one, &placed);
        let flavor = format!("{flavor}; placed: a broadcast job per thread");
        Observed::new(flavor, started.elapsed(), metrics).with_spans(spans)
    }
}
