// claim: C-compio-timer-deadline
//! timers on compio: `compio::time::sleep`. Each runtime keeps its timers in a
//! `BTreeMap` keyed by deadline (compio-runtime 0.12, `time/runtime.rs`) and
//! hands the nearest one to its driver as the wait's timeout (compio-runtime
//! `Runtime::poll`; on io_uring a submit-and-wait with that timeout,
//! compio-driver 0.12.5 `iour/mod.rs`; on the poll driver, the polling crate's
//! wait): the run shows what that costs a short sleep.
//!
//! Run it: `cargo run -p demos-compio -- timers`

use compio::time::sleep;
use demos_core::interrupt::until_stopped;
use demos_core::scenario::timers::{HEARTBEAT, TimersScenario, timed};
use demos_core::{Env, Observed, Timers, TimersConfig, TimersMetrics};

impl Timers for crate::Compio {
    fn timers(&self, cfg: &TimersConfig, env: &Env) -> Observed<TimersMetrics> {
        self.observe::<TimersScenario, _>(cfg, env, " + compio::time", |ex| async move {
            // One task on this core asks its runtime's timer, as a heartbeat would.
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
            .expect("the timer task does not panic")
        })
    }
}
