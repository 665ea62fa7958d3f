// claim: C-tokio-handle-block-on
//! bridge on tokio: `spawn_blocking` moves a blocking call to tokio's blocking
//! pool; called inline it occupies a worker. Sync code reaches async code
//! through `Handle::block_on` (from a blocking-pool thread, never from a
// claim: C-tokio-lifo-slot
//! worker, where it would panic). Last, with several workers: a task woken
//! by a worker that then blocks waits in that worker's LIFO slot, which the
//! other workers cannot steal (`disable_lifo_slot` is `tokio_unstable`); woken
//! from a plain thread it goes to the shared inject queue, and a worker that
//! blocks inside `block_in_place` hands its queues to a new thread first.
//!
//! Run it: `cargo run -p demos-tokio -- bridge --threads 1`

use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use ::futures::future::join_all;
use demos_core::interrupt::until_stopped;
use demos_core::scenario::bridge::{
    BRIDGED_VALUE, BridgeScenario, Heartbeat, INLINE, INLINE_CALL, OFFLOADED_CALL, ONE_BLOCKED, STRAND_BLOCK,
    STRAND_ROUNDS, STRANDING, StrandRound, offloaded,
};
use demos_core::scenario::futures::signal_when_parked;
use demos_core::{Bridge, BridgeConfig, BridgeMetrics, Env, Observed};
use tokio::runtime::Handle;
use tokio::sync::oneshot;
use tokio::task::{block_in_place, spawn_blocking};
use tokio::time::sleep;

impl Bridge for crate::Tokio {
    fn bridge(&self, cfg: &BridgeConfig, env: &Env) -> Observed<BridgeMetrics> {
        crate::observe_recorded::<BridgeScenario, _>(cfg, env, " + blocking pool", |ex| async move {
            let hb = Arc::new(Heartbeat::new(cfg, env));
            let heartbeat = ex.spawn(tick_until_stopped(hb.clone()));
            let (jobs, job) = (cfg.jobs, cfg.job());

            // The handler runs as a task on the executor, like a request handler would.
            let phase = hb.clone();
            let offloaded = ex
                .spawn(async move {
                    // Each call goes to the blocking pool; the executor thread is free meanwhile.
                    phase.start_phase(&offloaded("tokio's blocking pool (spawn_blocking)"));
                    let mut done = 0;
                    for _ in until_stopped(0..jobs) {
                        let call = phase.clone();
                        // The call's own result comes back through the pool: did it run to its end?
                        // ANCHOR: offload
                        done += u64::from(
                            spawn_blocking(move || call.blocking_call(OFFLOADED_CALL, job))
                                .await
                                .unwrap_or(false),
                        );
                        // ANCHOR_END: offload
                    }
                    (done, phase.end_phase())
                })
                .await;

            // ANCHOR: block_on
            let handle = Handle::current();
            let bridged = spawn_blocking(move || {
                // Sync code calling async code: block this (blocking-pool) thread on a future.
                handle.block_on(async {
                    sleep(Duration::from_millis(1)).await;
                    BRIDGED_VALUE
                })
            })
            .await
            .expect("block_on does not panic");
            // ANCHOR_END: block_on

            // The anti-pattern: one handler per executor thread makes the calls inline, so
            // every thread is blocked and runs nothing else meanwhile — the heartbeat included.
            hb.start_phase(INLINE);
            // ANCHOR: inline
            let handlers = (0..env.threads).map(|_| {
                let phase = hb.clone();
                ex.spawn(inline_calls(phase, jobs, job))
            });
            let inline = join_all(handlers).await.into_iter().sum();
            // ANCHOR_END: inline
            let inline = (env.threads, (inline, hb.end_phase()));

            // With several threads: a single inline handler blocks one thread of N.
            let mut one_blocked = None;
            if env.threads > 1 {
                hb.start_phase(ONE_BLOCKED);
                let phase = hb.clone();
                let done = ex.spawn(inline_calls(phase, jobs, job)).await;
                one_blocked = Some((done, hb.end_phase()));
            }
            hb.stop();
            heartbeat.await;
            let mut m = BridgeMetrics::new(cfg, offloaded, inline, one_blocked, bridged);

            // With several workers: a task woken by a worker that then blocks.
            if env.threads > 1 {
                env.log.line(STRANDING);
                let by_worker = strand_rounds(Wake::Worker).await;
                let from_thread = strand_rounds(Wake::Thread).await;
                let in_place = strand_rounds(Wake::BlockInPlace).await;
                m.stranding(&env.log, &by_worker, &from_thread, Some(&in_place));
            }
            (m, hb.spans())
        })
    }
}

/// Who wakes the parked task in a stranding round, and how its worker then blocks.
#[derive(Debug, Clone, Copy)]
enum Wake {
    /// A task wakes it, then blocks its worker.
    Worker,
    /// A plain thread wakes it; the task blocks its worker all the same.
    Thread,
    /// A task wakes it, then blocks inside `block_in_place`.
    BlockInPlace,
}

/// [`STRAND_ROUNDS`] stranding rounds, B woken as `wake` says.
async fn strand_rounds(wake: Wake) -> Vec<StrandRound> {
    let mut rounds = Vec::new();
    for _ in until_stopped(0..STRAND_ROUNDS) {
        rounds.push(strand_round(wake).await);
    }
    rounds
}

/// One stranding round: B parks on a one-shot; A sends to it, then blocks.
/// (Neither is `noted`: `block_in_place` moves the worker's role to another
/// OS thread, which `workers_observed` would count as a third worker.)
async fn strand_round(wake: Wake) -> StrandRound {
    let (tx, rx) = oneshot::channel::<()>();
    let (parked_tx, parked) = oneshot::channel::<()>();
    // B: parked until A's message comes; notes when it runs again.
    let b = tokio::spawn(signal_when_parked(
        async move {
            let _ = rx.await;
            Instant::now()
        },
        move || {
            let _ = parked_tx.send(());
        },
    ));
    let _ = parked.await;
    sleep(Duration::from_millis(1)).await; // B's poll has returned: it is parked, not running
    // A: wakes B, then blocks its worker.
    let a = tokio::spawn(async move {
        let woke = Instant::now();
        match wake {
            Wake::Worker => {
                let _ = tx.send(()); // from this worker: B goes to its LIFO slot
                thread::sleep(STRAND_BLOCK);
            }
            Wake::Thread => {
                thread::spawn(move || {
                    let _ = tx.send(()); // from outside the runtime: B goes to the shared inject queue
                });
                thread::sleep(STRAND_BLOCK);
            }
            Wake::BlockInPlace => {
                let _ = tx.send(());
                block_in_place(|| thread::sleep(STRAND_BLOCK)); // hands this worker's queues to a new thread
            }
        }
        (woke, Instant::now())
    });
    let (woke, freed) = a.await.expect("A does not panic");
    let resumed = b.await.expect("B does not panic");
    StrandRound { woke, freed, resumed }
}

/// The heartbeat task: tick every interval until stopped (bridge's and starvation's).
pub(crate) async fn tick_until_stopped(hb: Arc<Heartbeat>) {
    while {
        sleep(hb.interval()).await;
        hb.tick()
    } {}
}

/// The anti-pattern: the handler makes its blocking calls inline, in the task,
/// so the executor thread that polls it runs nothing else until they end.
// ANCHOR: inline_calls
async fn inline_calls(phase: Arc<Heartbeat>, jobs: usize, job: Duration) -> u64 {
    let mut done = 0;
    for _ in until_stopped(0..jobs) {
        done += u64::from(phase.blocking_call(INLINE_CALL, job)); // blocks this thread, and every task on it
    }
    done
}
// ANCHOR_END: inline_calls
