//! bridge on async-std: `task::spawn_blocking` moves a blocking call to
//! async-std's blocking pool; called inline it occupies an executor thread.
//! Sync code reaches async code through `task::block_on`.
//!
//! Run it: `cargo run -p demos-async-std -- bridge --threads 1`

use std::sync::Arc;
use std::time::Duration;

use async_std::task::{self, sleep, spawn_blocking};
use demos_core::scenario::bridge::{BRIDGED_VALUE, BridgeScenario, Heartbeat};
use demos_core::{Bridge, BridgeConfig, BridgeMetrics, Env, Observed};

impl Bridge for crate::AsyncStd {
    fn bridge(&self, cfg: &BridgeConfig, env: &Env) -> Observed<BridgeMetrics> {
        crate::observe_recorded::<BridgeScenario, _>(cfg, env, " + blocking pool", |spawn| async move {
            let hb = Arc::new(Heartbeat::new(cfg, env));
            let beat = hb.clone();
            let heartbeat = spawn.spawn(async move {
                while {
                    sleep(beat.interval()).await;
                    beat.tick()
                } {}
            });
            let (jobs, job) = (cfg.jobs, cfg.job());

            // The handler runs as a task on the executor, like a request handler would.
            let phase = hb.clone();
            let offloaded = spawn
                .spawn(async move {
                    // Each call goes to the blocking pool; the executor thread is free meanwhile.
                    phase
                        .offloaded_phase(jobs, job, spawn_blocking) // the call's own result comes back: did it run to its end
                        .await
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

            let phase = hb.clone();
            let inline = spawn
                .spawn(async move {
                    phase.inline_phase(jobs, job) // the anti-pattern: this thread runs nothing else meanwhile
                })
                .await;
            hb.stop();
            heartbeat.await;
            (BridgeMetrics::new(cfg, offloaded, inline, bridged), hb.spans())
        })
    }
}
