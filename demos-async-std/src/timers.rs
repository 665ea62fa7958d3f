// claim: C-async-io-timer-exact
//! timers on async-std: `async_std::task::sleep`, which waits on async-io's
//! `Timer` underneath (through `async_std::io::timeout`): a map of deadlines
//! keyed by `Instant`, armed on the OS's timer to the nanosecond.
//!
//! Run it: `cargo run -p demos-async-std -- timers`

use async_std::task::sleep;
use demos_core::interrupt::until_stopped;
use demos_core::scenario::timers::{HEARTBEAT, TimersScenario, timed};
use demos_core::{Env, Observed, Timers, TimersConfig, TimersMetrics};

impl Timers for crate::AsyncStd {
    fn timers(&self, cfg: &TimersConfig, env: &Env) -> Observed<TimersMetrics> {
        crate::observe::<TimersScenario, _>(cfg, env, " + async-io's timer", |ex| async move {
            // One task on the executor asks the timer, as a heartbeat would.
            let (cfg, offsets) = (cfg.clone(), cfg.offsets(env.seed));
            ex.spawn(async move {
                let (mut waits, mut beats) = (Vec::new(), Vec::new());
                // ANCHOR: sleeps
                for offset in until_stopped(offsets) {
                    waits.push(timed(offset, || sleep(cfg.sleep())).await);
                    beats.push(timed(offset, || sleep(HEARTBEAT)).await);
                }
                // ANCHOR_END: sleeps
                TimersMetrics::new(&cfg, &waits, &beats)
            })
            .await
        })
    }
}
