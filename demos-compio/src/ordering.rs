// claim: C-compio-timer-deadline
//! ordering on compio: tasks placed round-robin over the cores sleep with
//! `compio::time::sleep` (a timeout in the core's own io_uring, or the poll
//! driver's timer), then push their id to a `Vec` behind a
//! `futures::lock::Mutex` (completion order) and write their result to their
//! own index (deterministic).
//!
//! Run it: `cargo run -p demos-compio -- ordering`

use std::sync::Arc;
use std::time::Instant;

use compio::time::sleep;
use demos_core::interrupt::stoppable;
use demos_core::scenario::ordering::{
    Finished, OrderingScenario, Round, Sleep, delays, log_finished, result_of, second_round_seed,
};
use demos_core::{Env, Log, Observed, Ordering, OrderingConfig, OrderingMetrics};
use futures::lock::Mutex;

use ::futures::future::join_all;

use crate::Exec;

impl Ordering for crate::Compio {
    fn ordering(&self, cfg: &OrderingConfig, env: &Env) -> Observed<OrderingMetrics> {
        self.observe::<OrderingScenario, _>(cfg, env, "", |ex| async move {
            let first = round(&ex, cfg, env.seed, &env.log).await;
            let second = round(&ex, cfg, second_round_seed(env.seed), &Log::off()).await;
            OrderingMetrics::from_rounds(cfg, &first, &second, Sleep::FreesItsWorker, env)
        })
    }
}

async fn round(ex: &Exec, cfg: &OrderingConfig, seed: u64, log: &Log) -> Round {
    let started = Instant::now(); // the round alone: the runtimes are already running
    let finished = Arc::new(Mutex::new(Vec::new()));
    let slots = Arc::new(Mutex::new(vec![None; cfg.tasks]));
    join_all(delays(cfg, seed).into_iter().enumerate().map(|(task, delay)| {
        let (finished, slots, log) = (finished.clone(), slots.clone(), log.clone());
        ex.place(move || async move {
            let asleep = Instant::now();
            stoppable(sleep(delay), sleep).await;
            let mut order = finished.lock().await;
            log_finished(&log, task, order.len(), delay);
            order.push(Finished::since(task, asleep)); // completion order: whoever gets the lock first
            drop(order);
            slots.lock().await[task] = Some(result_of(task)); // fixed index: order cannot matter
        })
    }))
    .await;
    let finished = finished.lock().await.clone();
    let slots = slots.lock().await.clone();
    Round { finished, slots, elapsed: started.elapsed() }
}
