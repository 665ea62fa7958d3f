//! starvation on smol. On one thread a task drains a pre-filled
//! `smol::channel` while a heartbeat ticks on `smol::Timer`; whether a ready
//! `recv` ever returns `Pending` is what the run measures. Then `smol::unblock`
// claim: C-blocking-env-read-once
//! jobs queue on the `blocking` crate's pool, limited for the demo with
//! `blocking::set_max_blocking_threads`. The pool is one per process and keeps
//! the threads earlier work started: a lowered limit stops new threads at once,
//! but threads already over it keep taking jobs until one has sat idle 500 ms
//! (blocking 1.7). So the scenario runs in a fresh process, whose pool starts
//! empty.
//!
//! Run it: `cargo run -p demos-smol -- starvation`

use std::sync::Arc;
use std::time::{Duration, Instant};

use demos_core::interrupt::until_stopped;
use demos_core::scenario::bridge::{Heartbeat, PhaseBeat};
use demos_core::scenario::starvation::{Concurrency, Pendings, StarvationScenario, blocking_job, items};
use demos_core::{Env, Observed, Starvation, StarvationConfig, StarvationMetrics};
use smol::channel;
use smol::unblock;

use ::futures::future::join_all;

use crate::bridge::tick_until_stopped;

impl Starvation for crate::Smol {
    fn starvation(&self, cfg: &StarvationConfig, env: &Env) -> Observed<StarvationMetrics> {
        let one_worker = Env { threads: 1, ..env.clone() };
        let mut seen = crate::observe::<StarvationScenario, _>(cfg, &one_worker, "", |ex| async move {
            let mut m = StarvationMetrics::default();
            let hb = Arc::new(Heartbeat::every(cfg.tick(), env));
            let heartbeat = ex.spawn(tick_until_stopped(hb.clone()));
            // The busy loop, as a task beside the heartbeat: every recv is ready.
            let (received, pendings, took, beat) = ex.spawn(busy_loop(cfg.clone(), hb.clone())).await;
            m.busy_loop(received, &pendings, took, beat);
            hb.stop();
            heartbeat.await;
            m
        });
        saturate(cfg, &mut seen.metrics);
        seen.flavor =
            format!("{} (busy loop); blocking pool limited by set_max_blocking_threads", seen.flavor);
        seen
    }
}

/// Drain a channel pre-filled with every item, counting the `Pending`s.
async fn busy_loop(cfg: StarvationConfig, hb: Arc<Heartbeat>) -> (u64, Pendings, Duration, PhaseBeat) {
    let (tx, rx) = channel::unbounded();
    items(&cfg).for_each(|i| tx.try_send(i).expect("an unbounded channel takes every item"));
    drop(tx);
    let pendings = Pendings::default();
    hb.start_phase("busy loop: every recv is ready, so nothing makes the task return Pending");
    let start = Instant::now();
    let mut received = 0;
    while pendings.count_in(rx.recv()).await.is_ok() {
        received += 1;
    }
    (received, pendings, start.elapsed(), hb.end_phase())
}

/// `unblock` jobs on the blocking pool, limited to `cfg.blocking_limit` threads: the rest wait.
fn saturate(cfg: &StarvationConfig, m: &mut StarvationMetrics) {
    // Process-wide: this run is a fresh process, so the limit and the pool's threads are its own.
    blocking::set_max_blocking_threads(cfg.blocking_threads());
    let pool = Concurrency::default();
    let start = Instant::now();
    let done = smol::block_on(join_all(until_stopped(0..cfg.blocking_jobs).map(|_| {
        let (pool, job) = (pool.clone(), cfg.job());
        unblock(move || blocking_job(&pool, job))
    })));
    let completed = done.into_iter().filter(|&d| d).count() as u64;
    m.pool(cfg, &pool, completed, start.elapsed());
}
