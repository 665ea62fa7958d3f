// claim: C-tokio-task-one-allocation
//! scale on tokio: N tasks, each waiting on one `tokio::sync::watch` channel.
//! Every task holds a `Receiver`; dropping the `Sender` wakes them all at
//! once (`changed()` returns `Err`). A tokio task is one allocation — a header
//! and the future inline — for a future up to tokio's boxing threshold (2 KiB in
//! a debug build, 16 KiB in release, since tokio 1.41: `BOX_FUTURE_THRESHOLD`);
//! a larger future is boxed first. Either way N waiting tasks cost N futures,
//! not N stacks.
//!
//! Run it: `cargo run --release -p demos-tokio -- scale --tasks 100000`

use std::time::Instant;

use demos_core::interrupt::until_stopped;
use demos_core::scenario::scale::{Held, POLL, ScaleRun, ScaleScenario, Waiting};
use demos_core::{Env, Observed, Scale, ScaleConfig, ScaleMetrics};
use tokio::sync::watch;
use tokio::time::sleep;

use ::futures::future::join_all;

impl Scale for crate::Tokio {
    fn scale(&self, cfg: &ScaleConfig, env: &Env) -> Observed<ScaleMetrics> {
        crate::observe::<ScaleScenario, _>(cfg, env, "", |ex| async move {
            let mut run = ScaleRun::new(cfg);
            let (wake, woken) = watch::channel(()); // one notification, a receiver per task
            let start = Instant::now();
            let mut handles = Vec::with_capacity(cfg.tasks);
            for i in until_stopped(0..cfg.tasks) {
                let task = waiter(i, woken.clone(), run.waiting());
                run.note(&task);
                handles.push(ex.spawn(task));
            }
            run.spawned(handles.len(), start.elapsed());
            while !run.all_waiting() {
                sleep(POLL).await;
            }
            run.at_peak();
            let start = Instant::now();
            drop(wake); // every receiver's changed() now returns Err: all wake
            let returned = join_all(handles).await;
            run.finish(&returned, start.elapsed(), None)
        })
    }
}

async fn waiter(i: usize, mut woken: watch::Receiver<()>, waiting: Waiting) -> u64 {
    let held = Held::new(i); // state kept across the wait
    waiting.arrive();
    let _closed = woken.changed().await;
    held.done()
}
