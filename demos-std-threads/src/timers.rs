// claim: C-futures-no-timer-pool
//! timers on std-threads: `std::thread::sleep` on a pool thread — the futures
//! crate's executor has no timer of its own, so a thread's sleep is the
//! timer here (the other std-threads scenarios wait the same way, on a thread).
// claim: C-std-sleep-slack
//! The kernel wakes the thread when the time is up, late by its timer slack
//! (50 µs for an ordinary Linux thread) and the wake-up: about what was asked.
//!
//! Run it: `cargo run -p demos-std-threads -- timers`

use std::thread;
use std::time::Instant;

use demos_core::interrupt::until_stopped;
use demos_core::report::counted;
use demos_core::scenario::timers::{HEARTBEAT, timed_blocking};
use demos_core::{Env, Observed, Timers, TimersConfig, TimersMetrics};

impl Timers for crate::StdThreads {
    fn timers(&self, cfg: &TimersConfig, env: &Env) -> Observed<TimersMetrics> {
        let started = Instant::now();
        let (pool, _) = crate::pool(env);
        // One job on the pool sleeps, as a heartbeat thread would.
        let metrics = pool.install(|| {
            demos_core::workers::note();
            let (mut waits, mut beats) = (Vec::new(), Vec::new());
            // ANCHOR: sleeps
            for offset in until_stopped(cfg.offsets(env.seed)) {
                waits.push(timed_blocking(offset, || thread::sleep(cfg.sleep())));
                beats.push(timed_blocking(offset, || thread::sleep(HEARTBEAT)));
            }
            // ANCHOR_END: sleeps
            TimersMetrics::new(cfg, &waits, &beats)
        });
        let flavor = format!("rayon ThreadPool, {} + thread::sleep", counted(env.threads as u64, "thread"));
        Observed::new(flavor, started.elapsed(), metrics)
    }
}
