// claim: C-async-io-timer-exact
//! timers on smol: `smol::Timer::after`, async-io's timer. async-io keeps its
//! timers in a map keyed by `Instant` and arms the OS's timer with the
//! nearest one, to the nanosecond (epoll's timerfd): a sleep waits about what
//! was asked.
//!
//! Run it: `cargo run -p demos-smol -- timers`

use demos_core::interrupt::until_stopped;
use demos_core::scenario::timers::{HEARTBEAT, TimersScenario, timed};
use demos_core::{Env, Observed, Timers, TimersConfig, TimersMetrics};
use smol::Timer;

impl Timers for crate::Smol {
    fn timers(&self, cfg: &TimersConfig, env: &Env) -> Observed<TimersMetrics> {
        crate::observe::<TimersScenario, _>(cfg, env, " + async-io's timer", |ex| async move {
            // One task on the executor asks the timer, as a heartbeat would.
            let (cfg, offsets) = (cfg.clone(), cfg.offsets(env.seed));
            ex.spawn(async move {
                let (mut waits, mut beats) = (Vec::new(), Vec::new());
                // ANCHOR: sleeps
                for offset in until_stopped(offsets) {
                    waits.push(
                        timed(offset, || async {
                            Timer::after(cfg.sleep()).await;
                        })
                        .await,
                    );
                    beats.push(
                        timed(offset, || async {
                            Timer::after(HEARTBEAT).await;
                        })
                        .await,
                    );
                }
                // ANCHOR_END: sleeps
                TimersMetrics::new(&cfg, &waits, &beats)
            })
            .await
        })
    }
}
