// claim: C-futures-no-timer-pool
//! cancel with the futures crate: `futures::select!` between reading a
//! two-part frame and a timer (a thread's sleep completing a one-shot: the
//! crate has no timer). A naive loop builds a fresh frame read each time
//! round; when the timer wins after the first half was taken, that read is
//! dropped with the half. The cancel-safe loop selects on the channel's
//! `next()` itself (it takes nothing unless it completes) and keeps the
// claim: C-std-remotehandle-drop, C-futures-threadpool-parked
//! half-frame outside the loop. Then: a dropped `ThreadPool`, with tasks parked
// claim: C-futures-select-random
//! on it; a dropped `RemoteHandle` cancels its task. Last, fairness: with both
//! branches ready, `select!` picks one at random and `select_biased!` polls
//! them in order.
//!
//! Run it: `cargo run -p demos-std-threads -- cancel`

use std::time::Duration;

use demos_core::interrupt::until_stopped;
use demos_core::report::counted;
use demos_core::scenario::cancel::{Drops, SELECT_ROUNDS, Tally};
use demos_core::workers::noted;
use demos_core::{Cancel, CancelConfig, CancelMetrics, Env, Observed};
use futures::channel::{mpsc, oneshot};
use futures::executor::{ThreadPool, block_on};
use futures::future::ready;
use futures::task::SpawnExt;
use futures::{FutureExt, StreamExt, pin_mut, select, select_biased};

use crate::bridge::offload;

impl Cancel for crate::StdThreads {
    fn cancel(&self, cfg: &CancelConfig, env: &Env) -> Observed<CancelMetrics> {
        let started = std::time::Instant::now();
        let pool = crate::futures_pool(env);
        let mut m = CancelMetrics::default();
        let naive = consume(&pool, cfg, false);
        let safe = consume(&pool, cfg, true);
        m.loops(cfg, &naive, &safe);
        // Tasks parked; their RemoteHandles dropped.
        let drops = Drops::default();
        let (parked, never) = parked_tasks(&pool, cfg.tasks, &drops, true);
        block_on(offload(sleep(cfg.tick()))); // every task has started and parked
        CancelMetrics::log_group_drop(&env.log, cfg, "their RemoteHandles, one each");
        drop(parked); // a dropped RemoteHandle cancels its task
        block_on(drops.settle(cfg.tasks, || offload(sleep(cfg.tick()))));
        m.group(cfg, &drops);
        drop(never);
        // A pool with parked tasks, dropped.
        let drops = Drops::default();
        let shut = crate::futures_pool(env);
        let (handles, never) = parked_tasks(&shut, cfg.tasks, &drops, false);
        block_on(offload(sleep(cfg.tick())));
        drop((shut, handles));
        block_on(offload(sleep(cfg.tick()))); // its threads have had time to go
        m.shutdown(cfg, &drops, true);
        drop(never);
        // Fairness: both branches ready every round; which one runs?
        let (mut first, mut first_biased) = (0, 0);
        block_on(async {
            for _ in 0..SELECT_ROUNDS {
                select! {
                    () = ready(()) => first += 1,
                    () = ready(()) => {}
                }
                select_biased! {
                    () = ready(()) => first_biased += 1, // polled first: wins whenever it is ready
                    () = ready(()) => {}
                }
            }
        });
        m.select_fairness(&env.log, Some(("futures::select!", first)), ("select_biased!", first_biased));
        let flavor = format!("futures ThreadPool, {}", counted(env.threads as u64, "thread"));
        Observed::new(flavor, started.elapsed(), m)
    }
}

fn sleep(d: Duration) -> impl FnOnce() + Send + 'static {
    move || std::thread::sleep(d)
}

/// `tasks` tasks on `pool`, each holding a guard and waiting on a one-shot
/// that never fires (its senders are returned, so it stays open). With
/// `handles`, their `RemoteHandle`s are returned; otherwise they are
/// forgotten (the tasks run on, detached).
fn parked_tasks(
    pool: &ThreadPool,
    tasks: usize,
    drops: &Drops,
    handles: bool,
) -> (Vec<futures::future::RemoteHandle<()>>, Vec<oneshot::Sender<()>>) {
    let (mut kept, mut never) = (Vec::new(), Vec::new());
    for _ in 0..tasks {
        let (tx, rx) = oneshot::channel::<()>();
        let guard = drops.guard();
        let handle = pool
            .spawn_with_handle(async move {
                let _guard = guard;
                let _ = rx.await;
            })
            .expect("the pool is alive");
        if handles {
            kept.push(handle);
        } else {
            handle.forget();
        }
        never.push(tx);
    }
    (kept, never)
}

/// One consumer loop against a producer of two-part frames: `safe` selects on
/// `next()` itself; otherwise a fresh two-step frame read each time round.
fn consume(pool: &ThreadPool, cfg: &CancelConfig, safe: bool) -> Tally {
    let (tx, mut rx) = mpsc::unbounded();
    let producer = pool.spawn_with_handle(noted(produce(tx, cfg.clone()))).expect("the pool is alive");
    let mut tally = Tally::default();
    block_on(async {
        loop {
            let tick = offload(sleep(cfg.tick())).fuse();
            pin_mut!(tick);
            if safe {
                select! {
                    item = rx.next() => match item {
                        Some(item) => tally.item(item),
                        None => break,
                    },
                    () = tick => tally.ticks += 1,
                }
            } else {
                let frame = read_frame(&mut rx).fuse();
                pin_mut!(frame);
                select! {
                    frame = frame => match frame.as_slice() {
                        [] => break,
                        items => tally.frame(items),
                    },
                    () = tick => tally.ticks += 1, // a half-read frame is dropped here
                }
            }
        }
        producer.await;
    });
    tally
}

/// Read one frame: two items, one after the other (fewer at the channel's end).
async fn read_frame(rx: &mut mpsc::UnboundedReceiver<u64>) -> Vec<u64> {
    let mut frame = Vec::with_capacity(2);
    while frame.len() < 2 {
        match rx.next().await {
            Some(item) => frame.push(item),
            None => break,
        }
    }
    frame
}

/// Send each frame's halves `half` apart, and the frames `half` apart.
async fn produce(tx: mpsc::UnboundedSender<u64>, cfg: CancelConfig) {
    for f in until_stopped(0..cfg.frames as u64) {
        for item in [2 * f, 2 * f + 1] {
            let _ = tx.unbounded_send(item);
            offload(sleep(cfg.half())).await;
        }
    }
}
