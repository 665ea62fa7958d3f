// claim: C-async-std-race
//! cancel on async-std: `FutureExt::race` (async-std's own, `unstable`)
//! between reading a two-part frame and `task::sleep`. A naive loop builds a
//! fresh frame read each time round; when the timer wins after the first half
//! was taken, that read is dropped with the half. The cancel-safe loop races
//! `Receiver::recv` itself (it takes nothing unless it completes) and keeps the
// claim: C-async-std-global-never-drops
//! half-frame outside the loop. Then: async-std's executor is global and never
//! shuts down — tasks parked when the work is done stay alive, their
// claim: C-async-std-handle-drop
//! destructors unrun; and a dropped `JoinHandle` detaches its task. Last,
//! fairness: with both branches ready, `race` resolves "in the order that they
//! have been passed" (its docs) — async-std has no select without a preference.
//!
//! Run it: `cargo run -p demos-async-std -- cancel`

use std::time::Duration;

use async_std::channel::{self, Receiver, Sender};
use async_std::future::ready;
use async_std::prelude::FutureExt;
use async_std::task::{self, sleep};
use demos_core::interrupt::until_stopped;
use demos_core::scenario::cancel::{CancelScenario, Drops, SELECT_ROUNDS, Tally};
use demos_core::{Cancel, CancelConfig, CancelMetrics, Env, Observed};

use crate::Exec;

/// Long enough to be parked for the whole run.
const FOREVER: Duration = Duration::from_secs(3600);

/// Which branch of the race won.
enum Next<T> {
    Got(T),
    Tick,
}

impl Cancel for crate::AsyncStd {
    fn cancel(&self, cfg: &CancelConfig, env: &Env) -> Observed<CancelMetrics> {
        let mut seen = crate::observe::<CancelScenario, _>(cfg, env, "", |ex| async move {
            let mut m = CancelMetrics::default();
            let naive = consume(&ex, cfg, false).await;
            let safe = consume(&ex, cfg, true).await;
            m.loops(cfg, &naive, &safe);
            // Tasks parked; their JoinHandles dropped.
            let drops = Drops::default();
            let tasks: Vec<_> = (0..cfg.tasks)
                .map(|_| {
                    let guard = drops.guard();
                    ex.spawn(async move {
                        let _guard = guard;
                        sleep(FOREVER).await;
                    })
                })
                .collect();
            sleep(cfg.tick()).await; // every task has started and parked
            CancelMetrics::log_group_drop(&env.log, cfg, "their JoinHandles, one each");
            drop(tasks); // a dropped JoinHandle detaches: the task runs on
            drops.settle(cfg.tasks, || sleep(cfg.tick())).await;
            m.group(cfg, &drops);
            // Fairness: both branches ready every round; which one runs?
            let mut first = 0;
            for _ in 0..SELECT_ROUNDS {
                first += ready(1).race(ready(0)).await; // polls the first, then the second
            }
            m.select_fairness(&env.log, None, ("FutureExt::race", first));
            m
        });
        // Tasks parked on the global executor when this run's work is done: nothing drops it.
        let drops = Drops::default();
        task::block_on(async {
            for _ in 0..cfg.tasks {
                let guard = drops.guard();
                task::spawn(async move {
                    let _guard = guard;
                    sleep(FOREVER).await;
                });
            }
            sleep(cfg.tick()).await; // the tasks start and park
        });
        seen.metrics.shutdown(cfg, &drops, false); // a global executor cannot be dropped
        seen
    }
}

/// One consumer loop against a producer of two-part frames: `safe` races
/// `recv` itself; otherwise a fresh two-step frame read each time round.
async fn consume(ex: &Exec, cfg: &CancelConfig, safe: bool) -> Tally {
    let (tx, rx) = channel::unbounded();
    let producer = ex.spawn(produce(tx, cfg.clone()));
    let mut tally = Tally::default();
    loop {
        if safe {
            match async { Next::Got(rx.recv().await) }.race(tick(cfg.tick())).await {
                Next::Got(Ok(item)) => tally.item(item),
                Next::Got(Err(_)) => break,
                Next::Tick => tally.ticks += 1,
            }
        } else {
            match async { Next::Got(read_frame(&rx).await) }.race(tick(cfg.tick())).await {
                Next::Got(frame) if frame.is_empty() => break,
                Next::Got(frame) => tally.frame(&frame),
                Next::Tick => tally.ticks += 1, // a half-read frame is dropped here
            }
        }
    }
    producer.await;
    tally
}

/// The timer branch.
async fn tick<T>(period: Duration) -> Next<T> {
    sleep(period).await;
    Next::Tick
}

/// Read one frame: two items, one after the other (fewer at the channel's end).
async fn read_frame(rx: &Receiver<u64>) -> Vec<u64> {
    let mut frame = Vec::with_capacity(2);
    while frame.len() < 2 {
        match rx.recv().await {
            Ok(item) => frame.push(item),
            Err(_) => break,
        }
    }
    frame
}

/// Send each frame's halves `half` apart, and the frames `half` apart.
async fn produce(tx: Sender<u64>, cfg: CancelConfig) {
    for f in until_stopped(0..cfg.frames as u64) {
        for item in [2 * f, 2 * f + 1] {
            let _ = tx.send(item).await;
            sleep(cfg.half()).await;
        }
    }
}
