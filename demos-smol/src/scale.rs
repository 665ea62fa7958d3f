//! scale on smol: N tasks, each waiting on one `smol::channel` (async-channel)
//! that nothing is ever sent on. Every task holds a `Receiver`; dropping the
//! only `Sender` closes the channel and wakes them all (`recv()` returns
// claim: C-async-task-boxing
//! `Err`). An async-executor task is one allocation holding its future (async-task
//! boxes a future of 2 KiB or more first, in any build).
//!
//! Run it: `cargo run --release -p demos-smol -- scale --tasks 100000`

use std::time::Instant;

use demos_core::interrupt::until_stopped;
use demos_core::scenario::scale::{Held, POLL, ScaleRun, ScaleScenario, Waiting};
use demos_core::{Env, Observed, Scale, ScaleConfig, ScaleMetrics};
use smol::Timer;
use smol::channel::{self, Receiver};

use ::futures::future::join_all;

impl Scale for crate::Smol {
    fn scale(&self, cfg: &ScaleConfig, env: &Env) -> Observed<ScaleMetrics> {
        crate::observe::<ScaleScenario, _>(cfg, env, "", |ex| async move {
            let mut run = ScaleRun::new(cfg);
            let (wake, woken) = channel::bounded::<()>(1); // one notification, a receiver per task
            let start = Instant::now();
            let mut handles = Vec::with_capacity(cfg.tasks);
            for i in until_stopped(0..cfg.tasks) {
                let task = waiter(i, woken.clone(), run.waiting());
                run.note(&task);
                handles.push(ex.spawn(task));
            }
            run.spawned(handles.len(), start.elapsed());
            while !run.all_waiting() {
                Timer::after(POLL).await;
            }
            run.at_peak();
            let start = Instant::now();
            drop(wake); // the channel closes: every recv() returns Err, all wake
            let returned = join_all(handles).await;
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
