//! starvation on tokio. On a `current_thread` runtime a task drains a
//! pre-filled `tokio::sync::mpsc` channel while a heartbeat ticks on
// claim: C-tokio-coop-budget-128
//! `tokio::time::sleep`. tokio's cooperative budget makes even a ready `recv`
//! return `Pending` once the budget is spent, so the busy task yields and the
//! heartbeat ticks. (The budget is 128 operations per task poll in tokio 1.54:
//! an internal constant, `Budget::initial()` in `task/coop/mod.rs`, that the
//! `tokio::task::coop` docs do not state; the run counts one forced yield per
//! 128 ready receives.) Inside
// claim: C-tokio-unconstrained
//! `tokio::task::unconstrained` the same loop has no budget.
//!
// claim: C-tokio-block-in-place
//! Then, on a `multi_thread` runtime of one worker, a blocking call made
//! inline stalls the heartbeat, and the same call inside
//! `tokio::task::block_in_place` does not: the worker first hands its other
//! tasks to a new thread. Last, `spawn_blocking` jobs on a runtime built with
//! `max_blocking_threads` set low queue for the pool's threads.
//!
//! Run it: `cargo run -p demos-tokio -- starvation`

use std::sync::Arc;
use std::time::Instant;

use demos_core::interrupt::until_stopped;
use demos_core::scenario::bridge::Heartbeat;
use demos_core::scenario::starvation::{Concurrency, Pendings, StarvationScenario, blocking_job, items};
use demos_core::{Env, Observed, Starvation, StarvationConfig, StarvationMetrics};
use tokio::sync::mpsc;
use tokio::task::{block_in_place, spawn_blocking, unconstrained};
use tokio::time::sleep;

use ::futures::future::join_all;

use crate::bridge::tick_until_stopped;

impl Starvation for crate::Tokio {
    fn starvation(&self, cfg: &StarvationConfig, env: &Env) -> Observed<StarvationMetrics> {
        let one_worker = Env { threads: 1, ..env.clone() };
        let mut seen = crate::observe::<StarvationScenario, _>(cfg, &one_worker, "", |ex| async move {
            let mut m = StarvationMetrics::default();
            let hb = Arc::new(Heartbeat::every(cfg.tick(), env));
            let heartbeat = ex.spawn(tick_until_stopped(hb.clone()));
            // The busy loop, as a task beside the heartbeat: every recv is ready.
            let (received, pendings, took, beat) = ex.spawn(busy_loop(cfg.clone(), hb.clone(), false)).await;
            m.busy_loop(received, &pendings, took, beat);
            // The same loop with tokio's budget switched off.
            let (_, pendings, _, beat) = ex.spawn(busy_loop(cfg.clone(), hb.clone(), true)).await;
            m.unconstrained(&pendings, beat);
            hb.stop();
            heartbeat.await;
            m
        });
        let m = &mut seen.metrics;
        (m.inline_block_gap_ms, m.block_in_place_gap_ms) = blocking_calls(cfg, env);
        saturate(cfg, m);
        seen.flavor =
            format!("{} (busy loop); multi_thread, 1 worker (block_in_place); blocking pool", seen.flavor);
        seen
    }
}

/// Drain a channel pre-filled with every item, counting the `Pending`s; with
/// `free`, inside `unconstrained`. Returns the items, the count, the loop's
/// time and what the heartbeat saw meanwhile.
async fn busy_loop(
    cfg: StarvationConfig,
    hb: Arc<Heartbeat>,
    free: bool,
) -> (u64, Pendings, std::time::Duration, demos_core::scenario::bridge::PhaseBeat) {
    let (tx, mut rx) = mpsc::unbounded_channel();
    items(&cfg).for_each(|i| tx.send(i).expect("the receiver is alive"));
    drop(tx);
    let pendings = Pendings::default();
    hb.start_phase(if free {
        "the same loop inside tokio::task::unconstrained, which switches the budget off for it"
    } else {
        "busy loop under tokio's cooperative budget: once a task has spent its operations in one poll, \
         even a ready recv returns Pending and the task yields"
    });
    let start = Instant::now();
    let drain = async {
        let mut received = 0;
        while pendings.count_in(rx.recv()).await.is_some() {
            received += 1;
        }
        received
    };
    let received = if free { unconstrained(drain).await } else { drain.await };
    (received, pendings, start.elapsed(), hb.end_phase())
}

/// On a one-worker `multi_thread` runtime beside a heartbeat: the longest gap
/// while a blocking call runs inline, then inside `block_in_place`.
fn blocking_calls(cfg: &StarvationConfig, env: &Env) -> (Option<f64>, Option<f64>) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("the OS starts the runtime's thread");
    rt.block_on(async {
        let hb = Arc::new(Heartbeat::every(cfg.tick(), env));
        let heartbeat = tokio::spawn(tick_until_stopped(hb.clone()));
        sleep(cfg.tick() * 2).await; // the heartbeat is ticking
        let (job, phase) = (cfg.job(), hb.clone());
        let inline = tokio::spawn(async move {
            phase.start_phase("a blocking call (a thread::sleep) made inline on the one worker");
            demos_core::interrupt::sleep(job); // holds the worker: nothing else runs on it
            phase.end_phase()
        });
        let inline = inline.await.expect("the call does not panic");
        let phase = hb.clone();
        let in_place = tokio::spawn(async move {
            phase.start_phase("the same call inside block_in_place, which first hands the worker's other tasks to a new thread");
            block_in_place(|| demos_core::interrupt::sleep(job)); // the worker's other tasks move first
            phase.end_phase()
        });
        let in_place = in_place.await.expect("the call does not panic");
        hb.stop();
        let _ = heartbeat.await;
        (Some(inline.max_gap_ms), Some(in_place.max_gap_ms))
    })
}

/// `spawn_blocking` jobs on a runtime whose blocking pool is limited to
/// `cfg.blocking_limit` threads (`max_blocking_threads`): the rest wait.
fn saturate(cfg: &StarvationConfig, m: &mut StarvationMetrics) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .max_blocking_threads(cfg.blocking_limit)
        .enable_all()
        .build()
        .expect("the OS starts the runtime");
    let pool = Concurrency::default();
    let start = Instant::now();
    let done = rt.block_on(async {
        join_all(until_stopped(0..cfg.blocking_jobs).map(|_| {
            let (pool, job) = (pool.clone(), cfg.job());
            spawn_blocking(move || blocking_job(&pool, job))
        }))
        .await
    });
    let completed = done.into_iter().filter(|d| matches!(d, Ok(true))).count() as u64;
    m.pool(cfg, &pool, completed, start.elapsed());
}
