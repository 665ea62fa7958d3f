//! scale on compio: N tasks placed round-robin over the cores, each waiting on
//! its core's `async_channel` that nothing is ever sent on. To wake them, one
//! message goes to each core, which drops its channel's only `Sender` there:
//! the core wakes its own tasks (`recv()` returns `Err`), and no wake-up
//! crosses cores but that one.
//!
// claim: C-compio-remote-queue
//! Why not one channel for all: a wake from another thread goes through the
//! target runtime's remote queue, 64 slots by default
//! (`RuntimeBuilder::sync_queue_size`), and when it is full the waking thread
//! spins until the target drains it. Closing one channel on which 150 tasks of
//! the other core waited hung both threads in this scenario's first version
//! (compio 0.19.2; 100 tasks passed). Thread-per-core code fans out per core.
//! And why async-channel, not flume, here: with one flume channel, waking
//! 10,000 waiting receivers on one core took 7.2 s against 0.3 s with
//! async-channel (a debug build; 5,000 took 1.8 s: it grows faster than the
//! count — measured, the cause in flume not looked into).
//!
//! Run it: `cargo run --release -p demos-compio -- scale --tasks 100000`

use std::time::Instant;

use async_channel::{Receiver, Sender};
use compio::time::sleep;
use demos_core::interrupt::until_stopped;
use demos_core::scenario::scale::{Held, POLL, ScaleRun, ScaleScenario, Waiting};
use demos_core::{Env, Observed, Scale, ScaleConfig, ScaleMetrics};

use ::futures::FutureExt;
use ::futures::future::{join, join_all};

impl Scale for crate::Compio {
    fn scale(&self, cfg: &ScaleConfig, env: &Env) -> Observed<ScaleMetrics> {
        self.observe::<ScaleScenario, _>(cfg, env, " + async-channel, one per core", |ex| async move {
            let mut run = ScaleRun::new(cfg);
            // One notification per core, a receiver per task.
            let (wakes, woken): (Vec<Sender<()>>, Vec<Receiver<()>>) =
                (0..ex.cores()).map(|_| async_channel::bounded::<()>(1)).unzip();
            let start = Instant::now();
            let mut handles = Vec::with_capacity(cfg.tasks);
            for i in until_stopped(0..cfg.tasks) {
                let core = i % ex.cores();
                let task = waiter(i, woken[core].clone(), run.waiting());
                run.note(&task);
                handles.push(ex.place_on(core, move || task)); // the future is Send: it crosses as it is
            }
            drop(woken);
            run.spawned(handles.len(), start.elapsed());
            while !run.all_waiting() {
                sleep(POLL).await;
            }
            run.at_peak();
            let start = Instant::now();
            // ANCHOR: wake
            let closed = wakes
                .into_iter()
                .enumerate()
                .map(|(core, wake)| ex.place_on(core, move || async move { drop(wake) })); // on its own core
            // ANCHOR_END: wake
            let ((), returned) = join(join_all(closed).map(drop), join_all(handles)).await;
            run.finish(&returned, start.elapsed(), None)
        })
    }
}

async fn waiter(i: usize, woken: Receiver<()>, waiting: Waiting) -> u64 {
    let held = Held::new(i); // state kept across the wait
    waiting.arrive();
    let _closed = woken.recv().await;
    held.done()
}
