// claim: C-compio-no-budget
//! starvation on compio. On one core a task drains a pre-filled `flume`
//! channel while a heartbeat ticks on `compio::time`; whether a ready
//! `recv_async` ever returns `Pending` is what the run measures (compio has no
//! cooperative budget). Then `compio::runtime::spawn_blocking` jobs on a
//! runtime whose blocking pool is limited with
// claim: C-compio-blocking-pool
//! `ProactorBuilder::thread_pool_limit`: the pool is the runtime's own, so the
//! limit needs no fresh process. At the limit, compio does not queue the job:
//! its driver retries the dispatch in a loop on the runtime's own thread
//! (`std::thread::yield_now()` between tries, compio-driver 0.12
//! `push_blocking`), so a saturated pool holds the core until a pool thread
//! frees.
//!
//! Run it: `cargo run -p demos-compio -- starvation`

use std::sync::Arc;
use std::time::{Duration, Instant};

use compio::runtime::spawn_blocking;
use demos_core::interrupt::until_stopped;
use demos_core::scenario::bridge::{Heartbeat, PhaseBeat};
use demos_core::scenario::starvation::{Concurrency, Pendings, StarvationScenario, blocking_job, items};
use demos_core::{Env, Observed, Starvation, StarvationConfig, StarvationMetrics};

use ::futures::future::join_all;

use crate::bridge::tick_until_stopped;

impl Starvation for crate::Compio {
    fn starvation(&self, cfg: &StarvationConfig, env: &Env) -> Observed<StarvationMetrics> {
        let one_core = Env { threads: 1, ..env.clone() };
        let mut seen = self.observe::<StarvationScenario, _>(cfg, &one_core, "", |ex| async move {
            let mut m = StarvationMetrics::default();
            let hb = Arc::new(Heartbeat::every(cfg.tick(), env));
            let heartbeat = ex.spawn(tick_until_stopped(hb.clone()));
            // The busy loop, as a task beside the heartbeat: every recv is ready.
            let (received, pendings, took, beat) =
                ex.spawn(busy_loop(cfg.clone(), hb.clone())).await.expect("the loop does not panic");
            m.busy_loop(received, &pendings, took, beat);
            hb.stop();
            let _ = heartbeat.await;
            m
        });
        saturate(self.driver(), cfg, &mut seen.metrics);
        seen.flavor = format!("{} (busy loop); blocking pool limited by thread_pool_limit", seen.flavor);
        seen
    }
}

/// Drain a channel pre-filled with every item, counting the `Pending`s.
async fn busy_loop(cfg: StarvationConfig, hb: Arc<Heartbeat>) -> (u64, Pendings, Duration, PhaseBeat) {
    let (tx, rx) = flume::unbounded();
    items(&cfg).for_each(|i| tx.send(i).expect("an unbounded channel takes every item"));
    drop(tx);
    let pendings = Pendings::default();
    hb.start_phase("busy loop: every recv is ready, so nothing makes the task return Pending");
    let start = Instant::now();
    let mut received = 0;
    while pendings.count_in(rx.recv_async()).await.is_ok() {
        received += 1;
    }
    (received, pendings, start.elapsed(), hb.end_phase())
}

/// `spawn_blocking` jobs on a runtime whose pool is limited to `cfg.blocking_limit` threads.
fn saturate(driver: crate::Driver, cfg: &StarvationConfig, m: &mut StarvationMetrics) {
    // ANCHOR: limited_pool
    let (rt, _) = crate::build_with_pool(driver, Some(cfg.blocking_threads().get()))
        .expect("compio's poll driver can be built");
    let pool = Concurrency::default();
    let start = Instant::now();
    let done = rt.block_on(async {
        join_all(until_stopped(0..cfg.blocking_jobs).map(|_| {
            let (pool, job) = (pool.clone(), cfg.job());
            spawn_blocking(move || blocking_job(&pool, job))
        }))
        .await
    });
    // ANCHOR_END: limited_pool
    let completed = done.into_iter().filter(|d| matches!(d, Ok(true))).count() as u64;
    m.pool(cfg, &pool, completed, start.elapsed());
}
