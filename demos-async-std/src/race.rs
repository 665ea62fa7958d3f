//! race on async-std: 1000 tasks on one counter, three ways.
//!
//! `async_std::task::yield_now()` between the load and the store lets every
//! other ready task run in the gap. `async_std::sync::Mutex` can be held across
// claim: C-async-std-handle-drop
//! the `.await`. Dropping an async-std `JoinHandle` detaches the task (like
//! tokio); the handles are awaited here so the count is final.
//!
//! Run it: `cargo run -p demos-async-std -- race --threads 1`

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

use async_std::sync::Mutex;
use async_std::task::yield_now;
use demos_core::interrupt::until_stopped;
use demos_core::scenario::race::{LostUpdates, Phase, RaceScenario};
use demos_core::{Env, Observed, Race, RaceConfig, RaceMetrics};

use ::futures::future::join_all;

use crate::Exec;

impl Race for crate::AsyncStd {
    fn race(&self, cfg: &RaceConfig, env: &Env) -> Observed<RaceMetrics> {
        crate::observe::<RaceScenario, _>(cfg, env, "", |ex| async move {
            let n = cfg.tasks;
            RaceMetrics::new(
                n as u64,
                Phase::measure_async(unsynchronized(&ex, n, env)).await,
                Phase::measure_async(with_mutex(&ex, n)).await,
                Phase::measure_async(with_atomic(&ex, n)).await,
            )
        })
    }
}

async fn unsynchronized(ex: &Exec, tasks: usize, env: &Env) -> u64 {
    let lost = LostUpdates::new(&env.log);
    let counter = Arc::new(AtomicU64::new(0));
    join_all(until_stopped(0..tasks).map(|task| {
        let (counter, lost) = (counter.clone(), lost.clone());
        ex.spawn(async move {
            let read = counter.load(Relaxed);
            yield_now().await; // other tasks run here, between our read and our write
            let overwritten = counter.swap(read + 1, Relaxed); // a store; swap lets us see what we clobbered
            lost.record(task, read, overwritten);
        })
    }))
    .await;
    lost.finish();
    counter.load(Relaxed)
}

async fn with_mutex(ex: &Exec, tasks: usize) -> u64 {
    let counter = Arc::new(Mutex::new(0u64));
    join_all(until_stopped(0..tasks).map(|_| {
        let counter = counter.clone();
        ex.spawn(async move {
            let mut guard = counter.lock().await;
            let read = *guard;
            yield_now().await; // others may run, but none can take the lock
            *guard = read + 1;
        })
    }))
    .await;
    *counter.lock().await // edition 2024: the guard drops before `counter`
}

async fn with_atomic(ex: &Exec, tasks: usize) -> u64 {
    let counter = Arc::new(AtomicU64::new(0));
    join_all(until_stopped(0..tasks).map(|_| {
        let counter = counter.clone();
        ex.spawn(async move {
            yield_now().await;
            counter.fetch_add(1, Relaxed); // read-modify-write as one indivisible step
        })
    }))
    .await;
    counter.load(Relaxed)
}
