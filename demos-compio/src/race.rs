//! race on compio: 1000 tasks on one counter, three ways, placed round-robin
//! over the cores.
//!
// claim: C-compio-tasks-stay-on-core
//! `compio::runtime::spawn` would keep every task on the thread that spawned
//! it (compio never moves a task), so with `--threads 2` half of them are
//! *placed* on the other core: sent over its flume channel as `Send` futures
//! and spawned there. Between the load and the store, `yield_now()` (compio
//! has none; `crate::yield_now` is the usual five lines) lets every other ready
//! task on the same thread run, and the other core runs its tasks at the same
//! time. compio has no async mutex: `futures::lock::Mutex` is runtime-agnostic
//! and `Send`, so it can be held across the `.await` on any core.
//!
//! Run it: `cargo run -p demos-compio -- race --threads 1`

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

use demos_core::interrupt::until_stopped;
use demos_core::scenario::race::{LostUpdates, Phase, RaceScenario};
use demos_core::{Env, Observed, Race, RaceConfig, RaceMetrics};
use futures::lock::Mutex;

use ::futures::future::join_all;

use crate::{Exec, yield_now};

impl Race for crate::Compio {
    fn race(&self, cfg: &RaceConfig, env: &Env) -> Observed<RaceMetrics> {
        self.observe::<RaceScenario, _>(cfg, env, "", |ex| async move {
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
        // ANCHOR: place
        ex.place(move || async move {
            let read = counter.load(Relaxed);
            yield_now().await; // other tasks on this core run here, between our read and our write
            let overwritten = counter.swap(read + 1, Relaxed); // a store; swap lets us see what we clobbered
            lost.record(task, read, overwritten);
        })
        // ANCHOR_END: place
    }))
    .await;
    lost.finish();
    counter.load(Relaxed)
}

async fn with_mutex(ex: &Exec, tasks: usize) -> u64 {
    let counter = Arc::new(Mutex::new(0u64));
    join_all(until_stopped(0..tasks).map(|_| {
        let counter = counter.clone();
        ex.place(move || async move {
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
        ex.place(move || async move {
            yield_now().await;
            counter.fetch_add(1, Relaxed); // read-modify-write as one indivisible step
        })
    }))
    .await;
    counter.load(Relaxed)
}
