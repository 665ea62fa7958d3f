// claim: C-tokio-select-cancel-safe
//! cancel on tokio: `tokio::select!` between reading a two-part frame and a
//! timer. A naive loop builds a fresh frame read each time round; when the
//! timer wins after the first half was taken, that read is dropped with the
//! half — the `select!` docs list which methods are cancel safe, and a
//! hand-written two-step read is not. The cancel-safe loop selects on
//! `Receiver::recv` (cancel safe: it takes nothing unless it completes) and
// claim: C-tokio-runtime-drop, C-tokio-joinset-drop
//! keeps the half-frame outside the loop. Then: dropping a `Runtime` drops its
//! parked tasks (their destructors run), waits for a running blocking job, and
//! `shutdown_timeout` bounds that wait; a dropped `JoinSet` aborts its tasks.
// claim: C-tokio-select-random
//! Last, fairness: with both branches ready, `select!` picks one at random
//! (its docs: it "randomly picks a branch to check first"); with `biased;` it
//! polls them in order.
//!
//! Run it: `cargo run -p demos-tokio -- cancel`

use std::future::ready;
use std::time::{Duration, Instant};

use demos_core::interrupt::until_stopped;
use demos_core::scenario::cancel::{
    BLOCKING_JOB, CancelScenario, Drops, SELECT_ROUNDS, SHUTDOWN_TIMEOUT, Tally,
};
use demos_core::{Cancel, CancelConfig, CancelMetrics, Env, Observed};
use tokio::sync::mpsc;
use tokio::task::JoinSet;
use tokio::time::sleep;

use crate::Exec;

/// Long enough to be parked for the whole run.
const FOREVER: Duration = Duration::from_secs(3600);

impl Cancel for crate::Tokio {
    fn cancel(&self, cfg: &CancelConfig, env: &Env) -> Observed<CancelMetrics> {
        let mut seen = crate::observe::<CancelScenario, _>(cfg, env, "", |ex| async move {
            let mut m = CancelMetrics::default();
            let naive = consume(ex, cfg, false).await;
            let safe = consume(ex, cfg, true).await;
            m.loops(cfg, &naive, &safe);
            // A JoinSet's tasks, parked; the set dropped.
            let drops = Drops::default();
            let mut set = JoinSet::new();
            for _ in 0..cfg.tasks {
                let guard = drops.guard();
                set.spawn(async move {
                    let _guard = guard;
                    sleep(FOREVER).await;
                });
            }
            sleep(cfg.tick()).await; // every task has started and parked
            CancelMetrics::log_group_drop(
                &env.log,
                cfg,
                "the one JoinSet that holds them (not a JoinHandle each)",
            );
            drop(set); // aborts them
            drops.settle(cfg.tasks, || sleep(cfg.tick())).await;
            m.group(cfg, &drops);
            // Fairness: both branches ready every round; which one runs?
            let (mut first, mut first_biased) = (0, 0);
            for _ in 0..SELECT_ROUNDS {
                tokio::select! {
                    () = ready(()) => first += 1,
                    () = ready(()) => {}
                }
                tokio::select! {
                    biased; // poll the branches in order: a ready first branch always wins
                    () = ready(()) => first_biased += 1,
                    () = ready(()) => {}
                }
            }
            m.select_fairness(
                &env.log,
                Some(("tokio::select!", first)),
                ("select! with biased;", first_biased),
            );
            m
        });
        let m = &mut seen.metrics;
        // A runtime with parked tasks, dropped.
        let drops = Drops::default();
        let rt = crate::build_runtime(env.threads);
        rt.block_on(async {
            for _ in 0..cfg.tasks {
                let guard = drops.guard();
                tokio::spawn(async move {
                    let _guard = guard;
                    sleep(FOREVER).await;
                });
            }
            sleep(cfg.tick()).await;
        });
        drop(rt);
        m.shutdown(cfg, &drops, true);
        // A running blocking job at shutdown: drop waits for it, shutdown_timeout does not.
        let rt = crate::build_runtime(env.threads);
        rt.spawn_blocking(|| demos_core::interrupt::sleep(BLOCKING_JOB));
        let start = Instant::now();
        drop(rt);
        m.drop_with_blocking_job_ms = Some(start.elapsed().as_secs_f64() * 1e3);
        let rt = crate::build_runtime(env.threads);
        rt.spawn_blocking(|| demos_core::interrupt::sleep(BLOCKING_JOB));
        let start = Instant::now();
        rt.shutdown_timeout(SHUTDOWN_TIMEOUT);
        m.shutdown_timeout_ms = Some(start.elapsed().as_secs_f64() * 1e3);
        seen
    }
}

/// One consumer loop against a producer of two-part frames: `safe` selects on
/// `recv` itself; otherwise on a fresh two-step frame read each time round.
async fn consume(ex: Exec, cfg: &CancelConfig, safe: bool) -> Tally {
    let (tx, mut rx) = mpsc::unbounded_channel();
    let producer = ex.spawn(produce(tx, cfg.clone()));
    let mut tally = Tally::default();
    loop {
        if safe {
            // ANCHOR: safe
            tokio::select! {
                item = rx.recv() => match item {
                    Some(item) => tally.item(item),
                    None => break,
                },
                _ = sleep(cfg.tick()) => tally.ticks += 1,
            }
            // ANCHOR_END: safe
        } else {
            // ANCHOR: naive
            tokio::select! {
                frame = read_frame(&mut rx) => match frame.as_slice() {
                    [] => break,
                    items => tally.frame(items),
                },
                _ = sleep(cfg.tick()) => tally.ticks += 1, // a half-read frame is dropped here
            }
            // ANCHOR_END: naive
        }
    }
    producer.await;
    tally
}

/// Read one frame: two items, one after the other (fewer at the channel's end).
// ANCHOR: read_frame
async fn read_frame(rx: &mut mpsc::UnboundedReceiver<u64>) -> Vec<u64> {
    let mut frame = Vec::with_capacity(2);
    while frame.len() < 2 {
        match rx.recv().await {
            Some(item) => frame.push(item),
            None => break,
        }
    }
    frame
}
// ANCHOR_END: read_frame

/// Send each frame's halves `half` apart, and the frames `half` apart.
async fn produce(tx: mpsc::UnboundedSender<u64>, cfg: CancelConfig) {
    for f in until_stopped(0..cfg.frames as u64) {
        for item in [2 * f, 2 * f + 1] {
            let _ = tx.send(item);
            sleep(cfg.half()).await;
        }
    }
}
