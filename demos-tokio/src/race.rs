//! race on tokio: 1000 tasks on one counter, three ways.
//!
//! `tokio::task::yield_now()` between the load and the store hands the worker
//! back to the scheduler, so every other ready task may run in the gap. On
//! `current_thread` that means all tasks load before any stores: nearly every
//! update is lost. `tokio::sync::Mutex` can be held across the `.await`
//! (a `std::sync::MutexGuard` is not `Send` and would not compile here).
//!
//! Run it: `cargo run -p demos-tokio -- race --threads 1`

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::time::Instant;

use demos_core::interrupt::until_stopped;
use demos_core::scenario::race::{LostUpdates, Phase};
use demos_core::workers::noted;
use demos_core::{Env, Observed, Race, RaceConfig, RaceMetrics};
use tokio::sync::Mutex;
use tokio::task::{JoinSet, yield_now};

impl Race for crate::Tokio {
    fn race(&self, cfg: &RaceConfig, env: &Env) -> Observed<RaceMetrics> {
        let started = Instant::now();
        let (rt, flavor) = crate::runtime(env);
        let metrics = rt.block_on(async {
            let n = cfg.tasks;
            RaceMetrics::new(
                n as u64,
                Phase::measure_async(unsynchronized(n, env)).await,
                Phase::measure_async(with_mutex(n)).await,
                Phase::measure_async(with_atomic(n)).await,
            )
        });
        Observed::new(flavor, started.elapsed(), metrics)
    }
}

async fn unsynchronized(tasks: usize, env: &Env) -> u64 {
    let lost = LostUpdates::new(&env.log);
    let counter = Arc::new(AtomicU64::new(0));
    let mut set = JoinSet::new();
    for task in until_stopped(0..tasks) {
        let (counter, lost) = (counter.clone(), lost.clone());
        set.spawn(noted(async move {
            let read = counter.load(Relaxed);
            yield_now().await; // other tasks run here, between our read and our write
            let overwritten = counter.swap(read + 1, Relaxed); // a store; swap lets us see what we clobbered
            lost.record(task, read, overwritten);
        }));
    }
    set.join_all().await;
    lost.finish();
    counter.load(Relaxed)
}

async fn with_mutex(tasks: usize) -> u64 {
    let counter = Arc::new(Mutex::new(0u64));
    let mut set = JoinSet::new();
    for _ in until_stopped(0..tasks) {
        let counter = counter.clone();
        set.spawn(noted(async move {
            let mut guard = counter.lock().await;
            let read = *guard;
            yield_now().await; // others may run, but none can take the lock
            *guard = read + 1;
        }));
    }
    set.join_all().await;
    *counter.lock().await
}

async fn with_atomic(tasks: usize) -> u64 {
    let counter = Arc::new(AtomicU64::new(0));
    let mut set = JoinSet::new();
    for _ in until_stopped(0..tasks) {
        let counter = counter.clone();
        set.spawn(noted(async move {
            yield_now().await;
            counter.fetch_add(1, Relaxed); // read-modify-write as one indivisible step
        }));
    }
    set.join_all().await;
    counter.load(Relaxed)
}
