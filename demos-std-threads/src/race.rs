//! race on plain threads: 1000 jobs on a rayon pool of `--threads` OS threads.
//!
// claim: C-std-yield-one-thread
//! There is no await point: `std::thread::yield_now()` offers the CPU to *other
//! OS threads*, and the OS may also preempt a job anywhere. With one pool
//! thread each job runs load-to-store uninterrupted, so no update is lost — the
//! code is still racy, as two threads show at once. `std::sync::Mutex` is held
//! across the yield, blocking the other threads rather than suspending a task.
//!
//! Run it: `cargo run -p demos-std-threads -- race --threads 2`

use std::sync::atomic::Ordering::Relaxed;
use std::time::Instant;

use demos_core::interrupt::until_stopped;
use demos_core::scenario::race::{LostUpdates, Phase};
use demos_core::workers::note;
use demos_core::{Env, Observed, Race, RaceConfig, RaceMetrics};

use crate::sync::{AtomicU64, Mutex, yield_now};

impl Race for crate::StdThreads {
    fn race(&self, cfg: &RaceConfig, env: &Env) -> Observed<RaceMetrics> {
        let started = Instant::now();
        let (pool, flavor) = crate::pool(env);
        let n = cfg.tasks;
        let metrics = RaceMetrics::new(
            n as u64,
            Phase::measure(|| unsynchronized(&pool, n, env)),
            Phase::measure(|| with_mutex(&pool, n)),
            Phase::measure(|| with_atomic(&pool, n)),
        );
        Observed::new(flavor, started.elapsed(), metrics)
    }
}

fn unsynchronized(pool: &rayon::ThreadPool, tasks: usize, env: &Env) -> u64 {
    let lost = LostUpdates::new(&env.log);
    let counter = AtomicU64::new(0);
    pool.scope(|scope| {
        for task in until_stopped(0..tasks) {
            let (counter, lost) = (&counter, &lost);
            scope.spawn(move |_| {
                note();
                let (read, overwritten) = unsynchronized_step(counter);
                lost.record(task, read, overwritten);
            });
        }
    });
    lost.finish();
    counter.load(Relaxed)
}

fn with_mutex(pool: &rayon::ThreadPool, tasks: usize) -> u64 {
    let counter = Mutex::new(0u64);
    pool.scope(|scope| {
        for _ in until_stopped(0..tasks) {
            let counter = &counter;
            scope.spawn(move |_| {
                note(); // this pool thread ran a job (the report's workers_observed)
                mutex_step(counter)
            });
        }
    });
    counter.into_inner().expect("no job panicked")
}

fn with_atomic(pool: &rayon::ThreadPool, tasks: usize) -> u64 {
    let counter = AtomicU64::new(0);
    pool.scope(|scope| {
        for _ in until_stopped(0..tasks) {
            let counter = &counter;
            scope.spawn(move |_| {
                note();
                atomic_step(counter)
            });
        }
    });
    counter.load(Relaxed)
}

// The three bodies below are what every job runs. They use `crate::sync`, so
// `tests/loom.rs` model-checks exactly this code under every interleaving.

/// One unsynchronized increment: load, yield, store. Returns what the task
/// read and what its store overwrote (they differ when updates were lost).
pub fn unsynchronized_step(counter: &AtomicU64) -> (u64, u64) {
    let read = counter.load(Relaxed);
    yield_now(); // another thread may run here, between our read and our write
    let overwritten = counter.swap(read + 1, Relaxed); // a store; swap lets us see what we clobbered
    (read, overwritten)
}

/// One increment under the mutex, held across the yield.
pub fn mutex_step(counter: &Mutex<u64>) {
    let mut guard = counter.lock().expect("no job panics while holding the lock");
    let read = *guard;
    yield_now(); // other threads may run, but they block on the lock
    *guard = read + 1;
}

/// One increment as a single atomic read-modify-write.
pub fn atomic_step(counter: &AtomicU64) {
    yield_now();
    counter.fetch_add(1, Relaxed); // read-modify-write as one indivisible step
}
