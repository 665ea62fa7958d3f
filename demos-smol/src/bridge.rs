// claim: C-smol-block-on
//! bridge on smol: `smol::unblock` moves a blocking call to the `blocking`
//! crate's pool; called inline it occupies an executor thread. Sync code
//! reaches async code through `smol::block_on`, which runs a future on the
// claim: C-async-executor-shared-queue
//! calling thread. Last, with several threads: a task woken by a task that
//! then blocks its thread goes to the executor's shared queue and wakes a
//! sleeping thread — observed, as every round is, not assumed.
//!
//! Run it: `cargo run -p demos-smol -- bridge --threads 1`

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
use smol::channel::bounded;
use smol::{Timer, unblock};

use crate::Exec;

impl Bridge for crate::Smol {
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
                    phase.start_phase(&offloaded("the blocking crate's pool (unblock)"));
                    let mut done = 0;
                    for _ in until_stopped(0..jobs) {
                        let call = phase.clone();
                        // The call's own result comes back through the pool: did it run to its end?
                        // ANCHOR: offload
                        done += u64::from(unblock(move || call.blocking_call(OFFLOADED_CALL, job)).await);
                        // ANCHOR_END: offload
                    }
                    (done, phase.end_phase())
                })
                .await;

            let bridged = unblock(|| {
                // Sync code calling async code: block this (pool) thread on a future.
                smol::block_on(async {
                    Timer::after(Duration::from_millis(1)).await;
                    BRIDGED_VALUE
                })
            })
            .await;

            // The anti-pattern: one handler per executor thread makes the calls inline, so
            // every thread is blocked and runs nothing else meanwhile — the heartbeat included.
            hb.start_phase(INLINE);
            let handlers = (0..env.threads).map(|_| {
                let phase = hb.clone();
                ex.spawn(inline_calls(phase, jobs, job))
            });
            let inline = join_all(handlers).await.into_iter().sum();
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

            // With several threads: a task woken by a task that then blocks its thread.
            if env.threads > 1 {
                env.log.line(STRANDING);
                let by_worker = strand_rounds(&ex, false).await;
                let from_thread = strand_rounds(&ex, true).await;
                m.stranding(&env.log, &by_worker, &from_thread, None);
            }
            (m, hb.spans())
        })
    }
}

/// [`STRAND_ROUNDS`] stranding rounds; `from_thread`: a plain thread wakes B.
async fn strand_rounds(ex: &Exec, from_thread: bool) -> Vec<StrandRound> {
    let mut rounds = Vec::new();
    for _ in until_stopped(0..STRAND_ROUNDS) {
        rounds.push(strand_round(ex, from_thread).await);
    }
    rounds
}

/// One stranding round: B parks on a channel; A sends to it (or has a plain
/// thread send), then blocks its thread.
async fn strand_round(ex: &Exec, from_thread: bool) -> StrandRound {
    let (tx, rx) = bounded::<()>(1);
    let (parked_tx, parked) = bounded::<()>(1);
    // B: parked until A's message comes; notes when it runs again.
    let b = ex.spawn(signal_when_parked(
        async move {
            let _ = rx.recv().await;
            Instant::now()
        },
        move || {
            let _ = parked_tx.try_send(());
        },
    ));
    let _ = parked.recv().await;
    Timer::after(Duration::from_millis(1)).await; // B's poll has returned: it is parked, not running
    // A: wakes B, then blocks its thread.
    let a = ex.spawn(async move {
        let woke = Instant::now();
        if from_thread {
            thread::spawn(move || {
                let _ = tx.try_send(());
            });
        } else {
            let _ = tx.try_send(()); // from this thread: B is pushed to the executor's queue
        }
        thread::sleep(STRAND_BLOCK);
        (woke, Instant::now())
    });
    let (woke, freed) = a.await;
    StrandRound { woke, freed, resumed: b.await }
}

/// The heartbeat task: tick every interval until stopped (bridge's and starvation's).
pub(crate) async fn tick_until_stopped(hb: Arc<Heartbeat>) {
    while {
        Timer::after(hb.interval()).await;
        hb.tick()
    } {}
}

/// The anti-pattern: the handler makes its blocking calls inline, in the task,
/// so the executor thread that polls it runs nothing else until they end.
async fn inline_calls(phase: Arc<Heartbeat>, jobs: usize, job: Duration) -> u64 {
    let mut done = 0;
    for _ in until_stopped(0..jobs) {
        done += u64::from(phase.blocking_call(INLINE_CALL, job)); // blocks this thread, and every task on it
    }
    done
}
