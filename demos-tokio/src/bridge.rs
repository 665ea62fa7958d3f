//! bridge on tokio: `spawn_blocking` moves a blocking call to tokio's blocking
//! pool; called inline it occupies a worker. Sync code reaches async code
//! through `Handle::block_on` (from a blocking-pool thread, never from a
//! worker, where it would panic).
//!
//! Run it: `cargo run -p demos-tokio -- bridge --threads 1`

use std::sync::Arc;
use std::time::{Duration, Instant};

use demos_core::interrupt::until_stopped;
use demos_core::scenario::bridge::{
    BRIDGED_VALUE, Heartbeat, INLINE, OFFLOADED, OFFLOADED_CALL, ONE_BLOCKED,
};
use demos_core::workers::noted;
use demos_core::{Bridge, BridgeConfig, BridgeMetrics, Env, Observed};
use tokio::runtime::Handle;
use tokio::task::spawn_blocking;
use tokio::time::sleep;

impl Bridge for crate::Tokio {
    fn bridge(&self, cfg: &BridgeConfig, env: &Env) -> Observed<BridgeMetrics> {
        let started = Instant::now();
        let (rt, flavor) = crate::runtime(env);
        let hb = Arc::new(Heartbeat::new(cfg, env));
        let shared = hb.clone();
        let metrics = rt.block_on(async {
            let hb = shared;
            let beat = hb.clone();
            let heartbeat = tokio::spawn(noted(async move {
                while {
                    sleep(beat.interval()).await;
                    beat.tick()
                } {}
            }));
            let (jobs, job) = (cfg.jobs, cfg.job());

            // The handler runs as a task on a worker, like a request handler would.
            let phase = hb.clone();
            let offloaded = tokio::spawn(noted(async move {
                // Each call goes to the blocking pool; the worker is free meanwhile.
                phase.start_phase(OFFLOADED);
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
            }));
            let offloaded = offloaded.await.expect("the handler does not panic");

            let handle = Handle::current();
            let bridged = spawn_blocking(move || {
                // Sync code calling async code: block this (blocking-pool) thread on a future.
                handle.block_on(async {
                    sleep(Duration::from_millis(1)).await;
                    BRIDGED_VALUE
                })
            });
            let bridged = bridged.await.expect("block_on does not panic");

            // The anti-pattern: one handler per worker makes the calls inline, so every
            // worker is blocked and runs nothing else meanwhile — the heartbeat included.
            hb.start_phase(INLINE);
            let handlers: Vec<_> = (0..env.threads)
                .map(|_| {
                    let phase = hb.clone();
                    tokio::spawn(noted(async move { phase.inline_calls(jobs, job) }))
                })
                .collect();
            let mut inline = 0;
            for handler in handlers {
                inline += handler.await.expect("the handler does not panic");
            }
            let inline = (env.threads, (inline, hb.end_phase()));

            // With several workers: a single inline handler blocks one worker of N.
            let mut one_blocked = None;
            if env.threads > 1 {
                hb.start_phase(ONE_BLOCKED);
                let phase = hb.clone();
                let handler = tokio::spawn(noted(async move { phase.inline_calls(jobs, job) }));
                one_blocked = Some((handler.await.expect("the handler does not panic"), hb.end_phase()));
            }
            hb.stop();
            heartbeat.await.expect("the heartbeat does not panic");
            BridgeMetrics::new(cfg, offloaded, inline, one_blocked, bridged)
        });
        Observed::new(format!("{flavor} + blocking pool"), started.elapsed(), metrics).with_spans(hb.spans())
    }
}
