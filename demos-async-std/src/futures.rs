// claim: C-async-std-handle-drop, C-async-std-cancel, C-async-std-panic-reraised
//! futures on async-std: `JoinHandle`s, a capacity-1 `async_std::channel` as a
//! one-shot, combinators from the `futures` crate, `FuturesUnordered` for
//! as-completed, and the probes: a dropped `JoinHandle` *detaches* (the task
//! runs on), `JoinHandle::cancel()` cancels, and a panic is re-raised in
// claim: C-blocking-panic-reraised, C-async-std-blocking-cancel, C-async-executor-detached-panic
//! whoever awaits the handle — caught here with `catch_unwind`. Off the happy
//! path: a panic in `spawn_blocking` is re-raised in the awaiting task too;
//! `cancel()` on a running `spawn_blocking` job answers at once while the job
//! runs on (a thread cannot be stopped); and a panicking task whose handle was
//! dropped is caught by the executor (async-executor), its thread lives on.
//!
//! Run it: `cargo run -p demos-async-std -- futures`

use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use ::futures::FutureExt;
use ::futures::future::join_all;
use ::futures::stream::{FuturesUnordered, StreamExt};
use async_std::channel::bounded;
use async_std::future::timeout;
use async_std::task::{sleep, spawn_blocking};
use demos_core::interrupt::stoppable;
use demos_core::scenario::futures::{
    BLOCKING_JOB, BLOCKING_PANIC_WAIT, BLOCKING_VALUE, CAPACITY_WAIT, Callbacks, Capacity, CompletionOrder,
    DEMO_PANIC, FuturesScenario, delays, message_of, on_drop, signal_when_parked, value_of,
};
use demos_core::{Env, Futures, FuturesConfig, FuturesMetrics, Observed};

use crate::Exec;

impl Futures for crate::AsyncStd {
    fn futures(&self, cfg: &FuturesConfig, env: &Env) -> Observed<FuturesMetrics> {
        crate::observe::<FuturesScenario, _>(cfg, env, "", |ex| async move {
            let mut m = FuturesMetrics { tasks: cfg.tasks as u64, ..Default::default() };
            let delays = delays(cfg, env.seed);

            // Handles, awaited in spawn order with callbacks chained on each (inspect, then).
            let handles: Vec<_> = delays
                .iter()
                .enumerate()
                .map(|(i, &d)| {
                    ex.spawn(async move {
                        stoppable(sleep(d), sleep).await;
                        value_of(i)
                    })
                })
                .collect();
            // The callbacks run here, in this task, as it awaits each handle in spawn order:
            // `inspect` (sync) and `then` (async) are combinators, not done-callbacks.
            let callbacks = &Callbacks::new(&env.log);
            for (i, handle) in handles.into_iter().enumerate() {
                let value = handle
                    .inspect(|&v| callbacks.ran("inspect", i, v))
                    .then(move |v| async move {
                        callbacks.ran("then", i, v);
                        v
                    })
                    .await;
                m.handle_returned(i, value);
            }
            m.callbacks_run = callbacks.count_and_log();

            // As completed: FuturesUnordered yields whichever task finishes next.
            let mut pending: FuturesUnordered<_> = delays
                .iter()
                .enumerate()
                .map(|(i, &d)| {
                    ex.spawn(async move {
                        stoppable(sleep(d), sleep).await;
                        i
                    })
                })
                .collect();
            let mut order = CompletionOrder::default();
            while let Some(i) = pending.next().await {
                order.finished(i, delays[i]);
                m.as_completed += 1;
            }
            order.log(&env.log);

            // A bare one-shot future, completed by another task.
            let (tx, rx) = bounded(1);
            drop(ex.spawn(async move {
                sleep(Duration::from_millis(1)).await;
                let _ = tx.send(42u64).await;
            }));
            m.oneshot_delivered = rx.recv().await == Ok(42);

            // Probe: drop the handle of a task seen running. It signals, then waits to
            // be released; had the drop cancelled it, its sender would be gone and
            // `done` would fail.
            let (running_tx, running) = bounded::<()>(1);
            let (release, released) = bounded::<()>(1);
            let (tx, done) = bounded::<()>(1);
            let task = async move {
                let _ = released.recv().await;
                let _ = tx.send(()).await;
            };
            let handle = ex.spawn(signal_when_parked(task, move || {
                let _ = running_tx.try_send(());
            }));
            let _ = running.recv().await; // the task has run, and is parked at its await
            drop(handle);
            let _ = release.send(()).await;
            m.dropped_handle_task_finished = done.recv().await.is_ok();

            // Probe: cancel a task seen running, now parked in a long sleep.
            let (running_tx, running) = bounded::<()>(1);
            let task = sleep(Duration::from_secs(3600));
            let long = ex.spawn(signal_when_parked(task, move || {
                let _ = running_tx.try_send(());
            }));
            let _ = running.recv().await;
            m.cancelled += u64::from(long.cancel().await.is_none());

            // Probe: a panic inside a task.
            let panicking = ex.spawn(async { panic!("{}", DEMO_PANIC) });
            if AssertUnwindSafe(panicking).catch_unwind().await.is_err() {
                m.panics_caught += 1; // re-raised here, in the awaiting task
                m.panic_resumed_on_await = true;
            }
            m.survived_panic = ex.spawn(async { 7 }).await == 7;

            // Probe: a panic in a blocking job.
            let job = spawn_blocking(|| -> u64 { panic!("{}", DEMO_PANIC) });
            match timeout(BLOCKING_PANIC_WAIT, AssertUnwindSafe(job).catch_unwind()).await {
                Ok(Err(payload)) => m.blocking_panic(&env.log, true, &message_of(&*payload)), // re-raised here
                Ok(Ok(_)) => {}
                Err(_) => m.blocking_panic_lost(&env.log), // heard nothing: a swallowed panic
            }

            // Probe: cancel a blocking job while it runs.
            let (started_tx, started) = bounded::<()>(1);
            let (done_tx, done) = bounded::<()>(1);
            let job = spawn_blocking(move || {
                let _ = started_tx.try_send(());
                thread::sleep(BLOCKING_JOB);
                let _ = done_tx.try_send(()); // reached only if the job ran to its end
                BLOCKING_VALUE
            });
            let _ = started.recv().await;
            let cancelled = Instant::now();
            let answer = job.cancel().await; // cancels the task that awaits the job, not the job
            let (returned, waited) = (cancelled.elapsed(), done.try_recv().is_ok()); // had the job ended?
            let value = answer == Some(BLOCKING_VALUE);
            m.blocking_abort(returned, value, waited, waited || done.recv().await.is_ok());

            // Probe: a task whose handle is dropped at once panics. How many
            // threads run tasks at once, before and after?
            let before = capacity(ex, env.threads).await;
            let (unwound_tx, unwound) = bounded::<()>(1);
            drop(ex.spawn(async move {
                let _signal = on_drop(move || {
                    let _ = unwound_tx.try_send(());
                });
                panic!("{}", DEMO_PANIC)
            }));
            let _ = unwound.recv().await;
            let after = capacity(ex, env.threads).await;
            m.detached_panic(&before, &after);
            m
        })
    }
}

/// Spawn `batch` tasks that each hold their thread until all have started;
/// wait for them at most [`CAPACITY_WAIT`].
async fn capacity(ex: Exec, batch: usize) -> Arc<Capacity> {
    let capacity = Arc::new(Capacity::new(batch));
    let tasks: Vec<_> = (0..batch)
        .map(|_| {
            let capacity = capacity.clone();
            ex.spawn(async move { capacity.hold() })
        })
        .collect();
    let _ = timeout(CAPACITY_WAIT, join_all(tasks)).await;
    capacity
}
