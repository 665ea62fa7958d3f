// claim: C-compio-tasks-stay-on-core
//! balance on compio: the scenario's main future on core 0 spawns every CPU
//! task with `compio::runtime::spawn`. compio never moves a task: every one
//! of them runs on core 0, one after another, while the other cores' runtimes
//! sit idle — the thread each task ran on shows it. That is the price of
//! thread-per-core: no stealing, so no sharing out of uneven work.
//!
//! Placed: the same tasks sent round-robin to the cores with [`Exec::place`]
//! (task i to core i mod N, over that core's flume channel); each core spawns
//! what it is sent on its own runtime, and it stays there.
//!
//! Run it: `cargo run --release -p demos-compio -- balance`

use std::sync::Arc;

use demos_core::interrupt::until_stopped;
use demos_core::scenario::balance::{BalanceScenario, Phase, Spawner};
use demos_core::{Balance, BalanceConfig, BalanceMetrics, Env, Observed};

use ::futures::future::join_all;

use crate::Exec;

impl Balance for crate::Compio {
    fn balance(&self, cfg: &BalanceConfig, env: &Env) -> Observed<BalanceMetrics> {
        let work = Arc::new(cfg.work(env.seed));
        let extra = format!("; placed: {}", placed_on(env.threads));
        self.observe_recorded::<BalanceScenario, _>(cfg, env, &extra, |ex| async move {
            // ANCHOR: from_one
            let spawner = Spawner::here();
            let tasks: Vec<_> = until_stopped(0..work.tasks())
                .map(|i| {
                    let w = work.clone();
                    ex.spawn(async move { w.run(i) }) // on this core's runtime, and only here
                })
                .collect();
            let runs = join_all(tasks).await.into_iter().map(|joined| joined.expect("a task does not panic"));
            let from_one = Phase::new(spawner, runs.collect());
            // ANCHOR_END: from_one

            let placed = placed(&ex, &work).await;
            BalanceMetrics::new(cfg, env, &from_one, &placed)
        })
    }
}

/// What the placed phase runs, for the flavour: "round-robin over 2 runtimes, one a thread".
pub(crate) fn placed_on(threads: usize) -> String {
    format!(
        "round-robin over {}, one a thread",
        demos_core::report::counted(threads.max(1) as u64, "runtime")
    )
}

/// Task i placed on core i mod N, spawned there, and kept there.
async fn placed(ex: &Exec, work: &Arc<demos_core::scenario::balance::BalanceWork>) -> Phase {
    // Every core's runtime is up and serving its channel before the clock starts.
    join_all((0..ex.cores()).map(|core| ex.place_on(core, || async {}))).await;
    // ANCHOR: placed
    let spawner = Spawner::here();
    let tasks: Vec<_> = until_stopped(0..work.tasks())
        .map(|i| {
            let w = work.clone();
            ex.place_on(i, move || async move { w.run(i) }) // sent to core i mod N; runs there only
        })
        .collect();
    // ANCHOR_END: placed
    Phase::new(spawner, join_all(tasks).await)
}
