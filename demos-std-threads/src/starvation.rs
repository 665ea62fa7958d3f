//! starvation with the futures crate: on a one-thread `ThreadPool` a task
//! drains a pre-filled `futures::channel::mpsc` channel while a heartbeat ticks
// claim: C-futures-no-timer-pool
//! (the crate has no timer: each tick is a thread's sleep completing a
//! one-shot, as in bridge); whether a ready `next()` ever returns `Pending` is
//! what the run measures. Then blocking jobs queue on a rayon pool of
//! `--blocking-limit` threads.
//!
//! Run it: `cargo run -p demos-std-threads -- starvation`

use std::sync::Arc;
use std::time::{Duration, Instant};

use demos_core::interrupt::until_stopped;
use demos_core::scenario::bridge::{Heartbeat, PhaseBeat};
use demos_core::scenario::starvation::{Concurrency, Pendings, blocking_job, items};
use demos_core::workers::noted;
use demos_core::{Env, Observed, Starvation, StarvationConfig, StarvationMetrics};
use futures::StreamExt;
use futures::channel::mpsc;
use futures::executor::block_on;
use futures::task::SpawnExt;

use crate::bridge::tick_until_stopped;

impl Starvation for crate::StdThreads {
    fn starvation(&self, cfg: &StarvationConfig, env: &Env) -> Observed<StarvationMetrics> {
        let started = Instant::now();
        let pool = crate::futures_pool(&Env { threads: 1, ..env.clone() });
        let mut m = StarvationMetrics::default();
        let hb = Arc::new(Heartbeat::every(cfg.tick(), env));
        let heartbeat =
            pool.spawn_with_handle(noted(tick_until_stopped(hb.clone()))).expect("the pool is alive");
        // The busy loop, as a task beside the heartbeat: every next() is ready.
        let busy =
            pool.spawn_with_handle(noted(busy_loop(cfg.clone(), hb.clone()))).expect("the pool is alive");
        let (received, pendings, took, beat) = block_on(busy);
        m.busy_loop(received, &pendings, took, beat);
        hb.stop();
        block_on(heartbeat);
        saturate(cfg, &mut m);
        let flavor = "futures ThreadPool, 1 thread (busy loop); rayon pool (blocking jobs)";
        Observed::new(flavor, started.elapsed(), m)
    }
}

/// Drain a channel pre-filled with every item, counting the `Pending`s.
async fn busy_loop(cfg: StarvationConfig, hb: Arc<Heartbeat>) -> (u64, Pendings, Duration, PhaseBeat) {
    let (tx, mut rx) = mpsc::unbounded();
    items(&cfg).for_each(|i| tx.unbounded_send(i).expect("the receiver is alive"));
    drop(tx);
    let pendings = Pendings::default();
    hb.start_phase("busy loop: every recv is ready, so nothing makes the task return Pending");
    let start = Instant::now();
    let mut received = 0;
    while pendings.count_in(rx.next()).await.is_some() {
        received += 1;
    }
    (received, pendings, start.elapsed(), hb.end_phase())
}

/// Blocking jobs on a rayon pool of `cfg.blocking_limit` threads: the rest wait.
fn saturate(cfg: &StarvationConfig, m: &mut StarvationMetrics) {
    let threads = rayon::ThreadPoolBuilder::new()
        .num_threads(cfg.blocking_limit)
        .thread_name(|i| format!("blocking-pool-{i}"))
        .build()
        .expect("the OS starts the pool's threads");
    let pool = Concurrency::default();
    let completed = std::sync::atomic::AtomicU64::new(0);
    let start = Instant::now();
    threads.scope(|scope| {
        for _ in until_stopped(0..cfg.blocking_jobs) {
            let (pool, completed) = (&pool, &completed);
            scope.spawn(move |_| {
                if blocking_job(pool, cfg.job()) {
                    completed.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                }
            });
        }
    });
    m.pool(cfg, &pool, completed.into_inner(), start.elapsed());
}
