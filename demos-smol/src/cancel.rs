// claim: C-smol-reexports
//! cancel on smol: futures-lite's `or` (re-exported as `smol::future::or`)
//! between reading a two-part frame and a `Timer`. A naive loop builds a fresh
//! frame read each time round; when the timer wins after the first half was
//! taken, that read is dropped with the half. The cancel-safe loop races
//! `Receiver::recv` itself (it takes nothing unless it completes) and keeps the
// claim: C-smol-task-drop-cancels, C-smol-executor-drop
//! half-frame outside the loop. Then: dropping an `Executor` drops its parked
//! tasks (their destructors run); dropping a `Task` cancels it (`detach()`
//! would have let it run on).
// claim: C-smol-race-random
//! Last, fairness: with both branches ready, futures-lite's `race` picks one
//! at random and `or` — the loops' own idiom — always the first.
//!
//! Run it: `cargo run -p demos-smol -- cancel`

use std::future::ready;
use std::time::Duration;

use demos_core::interrupt::until_stopped;
use demos_core::scenario::cancel::{CancelScenario, Drops, SELECT_ROUNDS, Tally};
use demos_core::{Cancel, CancelConfig, CancelMetrics, Env, Observed};
use smol::channel::{self, Receiver, Sender};
use smol::future::{or, race};
use smol::{Executor, Timer};

use crate::Exec;

/// Long enough to be parked for the whole run.
const FOREVER: Duration = Duration::from_secs(3600);

/// Which branch of the race won.
enum Next<T> {
    Got(T),
    Tick,
}

impl Cancel for crate::Smol {
    fn cancel(&self, cfg: &CancelConfig, env: &Env) -> Observed<CancelMetrics> {
        let mut seen = crate::observe::<CancelScenario, _>(cfg, env, "", |ex| async move {
            let mut m = CancelMetrics::default();
            let naive = consume(&ex, cfg, false).await;
            let safe = consume(&ex, cfg, true).await;
            m.loops(cfg, &naive, &safe);
            // Tasks parked; their Task handles dropped.
            let drops = Drops::default();
            let tasks: Vec<_> = (0..cfg.tasks)
                .map(|_| {
                    let guard = drops.guard();
                    ex.spawn(async move {
                        let _guard = guard;
                        Timer::after(FOREVER).await;
                    })
                })
                .collect();
            Timer::after(cfg.tick()).await; // every task has started and parked
            CancelMetrics::log_group_drop(&env.log, cfg, "their Task handles, one each");
            drop(tasks); // a dropped Task is cancelled
            drops.settle(cfg.tasks, || Timer::after(cfg.tick())).await;
            m.group(cfg, &drops);
            // Fairness: both branches ready every round; which one runs?
            let (mut first_race, mut first_or) = (0, 0);
            for _ in 0..SELECT_ROUNDS {
                first_race += race(ready(1), ready(0)).await; // no preference: a random branch first
                first_or += or(ready(1), ready(0)).await; // prefers the first
            }
            m.select_fairness(&env.log, Some(("future::race", first_race)), ("future::or", first_or));
            m
        });
        // An executor with parked tasks, dropped.
        let drops = Drops::default();
        let ex = Executor::new();
        for _ in 0..cfg.tasks {
            let guard = drops.guard();
            ex.spawn(async move {
                let _guard = guard;
                Timer::after(FOREVER).await;
            })
            .detach();
        }
        smol::block_on(ex.run(Timer::after(cfg.tick()))); // the tasks start and park
        drop(ex);
        seen.metrics.shutdown(cfg, &drops, true);
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
            match or(async { Next::Got(rx.recv().await) }, tick(cfg.tick())).await {
                Next::Got(Ok(item)) => tally.item(item),
                Next::Got(Err(_)) => break,
                Next::Tick => tally.ticks += 1,
            }
        } else {
            match or(async { Next::Got(read_frame(&rx).await) }, tick(cfg.tick())).await {
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
    Timer::after(period).await;
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
            Timer::after(cfg.half()).await;
        }
    }
}
