//! ordering on tokio: tasks sleep with `tokio::time::sleep`, then push their id
//! to a `Vec` behind a `tokio::sync::Mutex` (completion order) and write their
//! result to their own index (deterministic).
//!
//! Run it: `cargo run -p demos-tokio -- ordering`

use std::sync::Arc;
use std::time::Instant;

use demos_core::interrupt::stoppable;
use demos_core::scenario::ordering::{Round, delays, log_finished, result_of, second_round_seed};
use demos_core::workers::noted;
use demos_core::{Env, Log, Observed, Ordering, OrderingConfig, OrderingMetrics};
use tokio::sync::Mutex;
use tokio::task::JoinSet;
use tokio::time::sleep;

impl Ordering for crate::Tokio {
    fn ordering(&self, cfg: &OrderingConfig, env: &Env) -> Observed<OrderingMetrics> {
        let started = Instant::now();
        let (rt, flavor) = crate::runtime(env);
        let (first, second) = rt.block_on(async {
            (round(cfg, env.seed, &env.log).await, round(cfg, second_round_seed(env.seed), &Log::off()).await)
        });
        Observed::new(
            flavor,
            started.elapsed(),
            OrderingMetrics::from_rounds(cfg.tasks, &first, &second, env),
        )
    }
}

async fn round(cfg: &OrderingConfig, seed: u64, log: &Log) -> Round {
    let started = Instant::now(); // the round alone: the executor is already running
    let finished = Arc::new(Mutex::new(Vec::new()));
    let slots = Arc::new(Mutex::new(vec![None; cfg.tasks]));
    let mut set = JoinSet::new();
    for (task, delay) in delays(cfg, seed).into_iter().enumerate() {
        let (finished, slots, log) = (finished.clone(), slots.clone(), log.clone());
        set.spawn(noted(async move {
            stoppable(sleep(delay), sleep).await;
            let mut order = finished.lock().await;
            log_finished(&log, task, order.len(), delay);
            order.push(task); // completion order: whoever gets the lock first
            drop(order);
            slots.lock().await[task] = Some(result_of(task)); // fixed index: order cannot matter
        }));
    }
    set.join_all().await;
    let finished = finished.lock().await.clone();
    let slots = slots.lock().await.clone();
    Round { finished, slots, elapsed: started.elapsed() }
}
