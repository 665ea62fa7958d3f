//! ordering on plain threads: jobs on a rayon pool (spawned FIFO, in order)
//! sleep with `std::thread::sleep`, then push their id to a `Vec` behind a
//! `std::sync::Mutex` (completion order) and write their result to their own
//! index (deterministic).
//!
//! A sleeping job holds its pool thread, so at most `--threads` jobs sleep at
//! once and the next starts only when a thread comes free: the completion
//! order reflects the pool as much as the sleeps (with one thread the jobs run
//! strictly in spawn order) — unlike async tasks, whose sleeps all overlap.
//!
//! Run it: `cargo run -p demos-std-threads -- ordering` (and `--threads 1`)

use std::sync::Mutex;
use std::time::Instant;

use demos_core::interrupt;
use demos_core::scenario::ordering::{
    Finished, Round, Sleep, delays, log_finished, result_of, second_round_seed,
};
use demos_core::workers::note;
use demos_core::{Env, Log, Observed, Ordering, OrderingConfig, OrderingMetrics};

impl Ordering for crate::StdThreads {
    fn ordering(&self, cfg: &OrderingConfig, env: &Env) -> Observed<OrderingMetrics> {
        let started = Instant::now();
        let (pool, flavor) = crate::pool(env);
        let first = round(&pool, cfg, env.seed, &env.log);
        let second = round(&pool, cfg, second_round_seed(env.seed), &Log::off());
        Observed::new(
            flavor,
            started.elapsed(),
            OrderingMetrics::from_rounds(cfg, &first, &second, Sleep::HoldsItsThread, env),
        )
    }
}

fn round(pool: &rayon::ThreadPool, cfg: &OrderingConfig, seed: u64, log: &Log) -> Round {
    let started = Instant::now(); // the round alone: the executor is already running
    let finished = Mutex::new(Vec::new());
    let slots = Mutex::new(vec![None; cfg.tasks]);
    pool.scope_fifo(|scope| {
        for (task, delay) in delays(cfg, seed).into_iter().enumerate() {
            let (finished, slots) = (&finished, &slots);
            scope.spawn_fifo(move |_| {
                note(); // this pool thread ran a job (the report's workers_observed)
                let asleep = Instant::now();
                interrupt::sleep(delay); // holds this pool thread for the whole sleep
                let mut order = finished.lock().expect("no job panics");
                log_finished(log, task, order.len(), delay);
                order.push(Finished::since(task, asleep)); // completion order: whoever gets the lock first
                drop(order);
                slots.lock().expect("no job panics")[task] = Some(result_of(task)); // fixed index: order cannot matter
            });
        }
    });
    Round {
        finished: finished.into_inner().expect("no job panicked"),
        slots: slots.into_inner().expect("no job panicked"),
        elapsed: started.elapsed(),
    }
}
