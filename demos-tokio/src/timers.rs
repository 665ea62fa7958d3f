//! timers on tokio: `tokio::time::sleep`, on tokio's timer wheel. It works in
//! whole milliseconds — a deadline is rounded up to the end of its millisecond
//! (`deadline_to_tick`, tokio-1.54 `runtime/time/source.rs`) — so a sleep of
//! 100 µs waits about a millisecond.
//!
//! Run it: `cargo run -p demos-tokio -- timers`

use demos_core::interrupt::until_stopped;
use demos_core::scenario::timers::{HEARTBEAT, TimersScenario, timed};
use demos_core::{Env, Observed, Timers, TimersConfig, TimersMetrics};
use tokio::time::sleep;

impl Timers for crate::Tokio {
    fn timers(&self, cfg: &TimersConfig, env: &Env) -> Observed<TimersMetrics> {
        crate::observe::<TimersScenario, _>(cfg, env, " + tokio::time", |ex| async move {
            // One task on the runtime asks its timer, as a heartbeat would.
            let (cfg, offsets) = (cfg.clone(), cfg.offsets(env.seed));
            ex.spawn(async move {
                let (mut waits, mut beats) = (Vec::new(), Vec::new());
                for offset in until_stopped(offsets) {
                    waits.push(timed(offset, || sleep(cfg.sleep())).await);
                    beats.push(timed(offset, || sleep(HEARTBEAT)).await);
                }
                TimersMetrics::new(&cfg, &waits, &beats)
            })
            .await
        })
    }
}
