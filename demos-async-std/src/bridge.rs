// claim: C-async-std-blocking-pool
//! bridge on async-std: `task::spawn_blocking` moves a blocking call to
//! async-std's blocking pool; called inline it occupies an executor thread.
//! Sync code reaches async code through `task::block_on`.
//!
//! Run it: `cargo run -p demos-async-std -- bridge --threads 1`

use std::sync::Arc;
use std::time::Duration;

use ::futures::future::join_all;
use async_std::task::{self, sleep, spawn_blocking};
use demos_core::interrupt::until_stopped;
use demos_core::scenario::bridge::{
    BRIDGED_VALUE, BridgeScenario, Heartbeat, INLINE, OFFLOADED_CALL, ONE_BLOCKED, offloaded,
};
use demos_core::{Bridge, BridgeConfig, BridgeMetrics, Env, Observed};

impl Bridge for crate::AsyncStd {
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
                    phase.start_phase(&offloaded(
                        "the blocking crate's pool (async_std::task::spawn_blocking)",
                    ));
                    let mut done = 0;
                    for _ in until_stopped(0..jobs) {
                        let call = phase.clone();
                        // The call's own result comes back through the pool: did it run to its end?
                        done +=
                            u64::from(spawn_blocking(move || call.blocking_call(OFFLOADED_CALL, job)).await);
                    }
                    (done, phase.end_phase())
                })
                .await;

            let bridged = spawn_blocking(|| {
                // Sync code calling async code: block this (pool) thread on a future.
                task::block_on(async {
                    sleep(Duration::from_millis(1)).await;
                    BRIDGED_VALUE
                })
            })
            .await;

            // The anti-pattern: one handler per executor thread makes the calls inline, so
            // every thread is blocked and runs nothing else meanwhile — the heartbeat included.
            hb.start_phase(INLINE);
            let handlers = (0..env.threads).map(|_| {
                let phase = hb.clone();
                ex.spawn(async move { phase.inline_calls(jobs, job) })
            });
            let inline = join_all(handlers).await.into_iter().sum();
            let inline = (env.threads, (inline, hb.end_phase()));

            // With several threads: a single inline handler blocks one thread of N.
            let mut one_blocked = None;
            if env.threads > 1 {
                hb.start_phase(ONE_BLOCKED);
                let phase = hb.clone();
                let done = ex.spawn(async move { phase.inline_calls(jobs, job) }).await;
                one_blocked = Some((done, hb.end_phase()));
            }
            hb.stop();
            heartbeat.await;
            (BridgeMetrics::new(cfg, offloaded, inline, one_blocked, bridged), hb.spans())
        })
    }
}

/// The heartbeat task: tick every interval until stopped (bridge's and starvation's).
pub(crate) async fn tick_until_stopped(hb: Arc<Heartbeat>) {
    while {
        sleep(hb.interval()).await;
        hb.tick()
    } {}
}
