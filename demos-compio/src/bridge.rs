// claim: C-compio-tasks-stay-on-core
//! bridge on compio: `compio::runtime::spawn_blocking` moves a blocking call to
//! the core's own blocking pool; called inline it occupies the core's one
//! thread — and with it every task spawned on that core, for tasks never move
//! to another core. Sync code reaches async code through
//! `Runtime::block_on`, on a runtime built on the calling (pool) thread.
//! With several cores, the single blocking handler is placed on the
//! heartbeat's own core: the other cores are idle, yet the heartbeat waits.
//! Last, the stranding rounds: B, woken by A on the same core, waits for A
//! to free the core every time, whoever sends the wake-up.
//!
//! Run it: `cargo run -p demos-compio -- bridge --threads 1`

use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use ::futures::channel::oneshot;
use ::futures::future::join_all;
use compio::runtime::spawn_blocking;
use compio::time::sleep;
use demos_core::interrupt::until_stopped;
use demos_core::scenario::bridge::{
    BRIDGED_VALUE, BridgeScenario, Heartbeat, INLINE, INLINE_CALL, OFFLOADED_CALL, ONE_BLOCKED, STRAND_BLOCK,
    STRAND_ROUNDS, STRANDING, StrandRound, offloaded,
};
use demos_core::scenario::futures::signal_when_parked;
use demos_core::{Bridge, BridgeConfig, BridgeMetrics, Env, Observed};

use crate::Exec;

impl Bridge for crate::Compio {
    fn bridge(&self, cfg: &BridgeConfig, env: &Env) -> Observed<BridgeMetrics> {
        let driver = self.driver();
        self.observe_recorded::<BridgeScenario, _>(cfg, env, " + blocking pool", |ex| async move {
            let hb = Arc::new(Heartbeat::new(cfg, env));
            let heartbeat = ex.spawn(tick_until_stopped(hb.clone())); // on core 0, for good
            let (jobs, job) = (cfg.jobs, cfg.job());

            // The handler runs as a task on the core, like a request handler would.
            let phase = hb.clone();
            let offloaded = ex
                .spawn(async move {
                    // Each call goes to the core's blocking pool; the core's thread is free meanwhile.
                    phase.start_phase(&offloaded("compio's blocking pool (spawn_blocking)"));
                    let mut done = 0;
                    for _ in until_stopped(0..jobs) {
                        let call = phase.clone();
                        // ANCHOR: offload
                        let finished = spawn_blocking(move || call.blocking_call(OFFLOADED_CALL, job)).await;
                        // ANCHOR_END: offload
                        done += u64::from(finished.is_ok_and(|f| f));
                    }
                    (done, phase.end_phase())
                })
                .await
                .expect("the handler does not panic");

            let bridged = spawn_blocking(move || {
                // Sync code calling async code: a runtime on this (pool) thread, blocked on a future.
                let (rt, _) = crate::build(driver).expect("compio's poll driver can be built");
                rt.block_on(async {
                    sleep(Duration::from_millis(1)).await;
                    BRIDGED_VALUE
                })
            })
            .await
            .unwrap_or(0);

            // The anti-pattern: one handler per core makes the calls inline, so every
            // core's thread is blocked and runs nothing else meanwhile — the heartbeat included.
            hb.start_phase(INLINE);
            let handlers = (0..env.threads).map(|core| {
                let phase = hb.clone();
                ex.place_on(core, move || inline_calls(phase, jobs, job))
            });
            let inline = join_all(handlers).await.into_iter().sum();
            let inline = (env.threads, (inline, hb.end_phase()));

            // With several cores: a single inline handler, on the heartbeat's core.
            let mut one_blocked = None;
            if env.threads > 1 {
                hb.start_phase(ONE_BLOCKED);
                let phase = hb.clone();
                // ANCHOR: one_blocked
                let done = ex.place_on(0, move || inline_calls(phase, jobs, job)).await;
                // ANCHOR_END: one_blocked
                one_blocked = Some((done, hb.end_phase()));
            }
            hb.stop();
            let _ = heartbeat.await;
            let mut m = BridgeMetrics::new(cfg, offloaded, inline, one_blocked, bridged);

            // With several cores: a task woken by a task that then blocks its thread.
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
/// thread send), then blocks its thread. Both are spawned here, on this core.
async fn strand_round(ex: &Exec, from_thread: bool) -> StrandRound {
    let (tx, rx) = oneshot::channel::<()>();
    let (parked_tx, parked) = oneshot::channel::<()>();
    // B: parked until A's message comes; notes when it runs again.
    let b = ex.spawn(signal_when_parked(
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
    // A: wakes B, then blocks its thread.
    let a = ex.spawn(async move {
        let woke = Instant::now();
        if from_thread {
            thread::spawn(move || {
                let _ = tx.send(());
            });
        } else {
            let _ = tx.send(()); // B is queued on this core, the only one that will ever run it
        }
        thread::sleep(STRAND_BLOCK);
        (woke, Instant::now())
    });
    let (woke, freed) = a.await.expect("A does not panic");
    StrandRound { woke, freed, resumed: b.await.expect("B does not panic") }
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
async fn inline_calls(phase: Arc<Heartbeat>, jobs: usize, job: Duration) -> u64 {
    let mut done = 0;
    for _ in until_stopped(0..jobs) {
        done += u64::from(phase.blocking_call(INLINE_CALL, job)); // blocks this thread, and every task on it
    }
    done
}
