// claim: C-tokio-handle-block-on
//! bridge on tokio: `spawn_blocking` moves a blocking call to tokio's blocking
//! pool; called inline it occupies a worker. Sync code reaches async code
//! through `Handle::block_on` (from a blocking-pool thread, never from a
//! worker, where it would panic).
//!
//! Run it: `cargo run -p demos-tokio -- bridge --threads 1`

use std::sync::Arc;
use std::time::Duration;

use ::futures::future::join_all;
use demos_core::interrupt::until_stopped;
use demos_core::scenario::bridge::{
    BRIDGED_VALUE, BridgeScenario, Heartbeat, INLINE, OFFLOADED_CALL, ONE_BLOCKED, offloaded,
};
use demos_core::{Bridge, BridgeConfig, BridgeMetrics, Env, Observed};
use tokio::runtime::Handle;
use tokio::task::spawn_blocking;
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
                        done += u64::from(
                            spawn_blocking(move || call.blocking_call(OFFLOADED_CALL, job))
                                .await
                                .unwrap_or(false),
                        );
                    }
                    (done, phase.end_phase())
                })
                .await;

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
