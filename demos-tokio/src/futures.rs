// claim: C-tokio-joinhandle-drop, C-tokio-abort, C-tokio-panic-joinerror, C-tokio-as-completed
//! futures on tokio: `JoinHandle`s, a `tokio::sync::oneshot`, combinators from
//! the `futures` crate on the handles, `FuturesUnordered` for as-completed,
//! and the probes: a dropped `JoinHandle` *detaches* (the task runs on),
//! `abort()` cancels, and a panic comes back as a `JoinError` — the awaiting
// claim: C-tokio-blocking-panic, C-tokio-blocking-abort
//! task does not panic, and the runtime keeps going. Off the happy path: a
//! panic in `spawn_blocking` comes back as a `JoinError` too; `abort()` on a
//! running `spawn_blocking` job "will not have any effect" (`JoinHandle::abort`'s
//! docs) — the handle answers with the job's value once it is done; and a
//! panicking task whose handle was dropped is caught by tokio, its worker
//! lives on.
//!
//! Run it: `cargo run -p demos-tokio -- futures`

use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use ::futures::FutureExt;
use ::futures::future::join_all;
use ::futures::stream::{FuturesUnordered, StreamExt};
use demos_core::interrupt::stoppable;
use demos_core::scenario::futures::{
    BLOCKING_JOB, BLOCKING_PANIC_WAIT, BLOCKING_VALUE, CAPACITY_WAIT, Callbacks, Capacity, CompletionOrder,
    DEMO_PANIC, FuturesScenario, delays, message_of, on_drop, signal_when_parked, value_of,
};
use demos_core::workers::noted;
use demos_core::{Env, Futures, FuturesConfig, FuturesMetrics, Observed};
use tokio::sync::oneshot;
use tokio::task::spawn_blocking;
use tokio::time::{sleep, timeout};

impl Futures for crate::Tokio {
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
            // ANCHOR: callbacks
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
            // ANCHOR_END: callbacks
            m.callbacks_run = callbacks.count_and_log();

            // As completed: FuturesUnordered yields whichever task finishes next.
            // ANCHOR: as_completed
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
            // ANCHOR_END: as_completed

            // A bare one-shot future, completed by another task.
            let (tx, rx) = oneshot::channel();
            drop(ex.spawn(async move {
                sleep(Duration::from_millis(1)).await;
                let _ = tx.send(42u64);
            }));
            m.oneshot_delivered = rx.await == Ok(42);

            // The probes use tokio's own JoinHandle: drop, abort and JoinError are its API.
            // Probe: drop the handle of a task seen running. It signals, then waits to
            // be released; had the drop cancelled it, its sender would be gone and
            // `done` would fail.
            let (running_tx, running) = oneshot::channel::<()>();
            let (release, released) = oneshot::channel::<()>();
            let (tx, done) = oneshot::channel::<()>();
            let task = async move {
                let _ = released.await;
                let _ = tx.send(());
            };
            let handle = tokio::spawn(noted(signal_when_parked(task, move || {
                let _ = running_tx.send(());
            })));
            // ANCHOR: drop_handle
            let _ = running.await; // the task has run, and is parked at its await
            drop(handle);
            let _ = release.send(());
            m.dropped_handle_task_finished = done.await.is_ok();
            // ANCHOR_END: drop_handle

            // Probe: abort a task seen running, now parked in a long sleep.
            let (running_tx, running) = oneshot::channel::<()>();
            let task = sleep(Duration::from_secs(3600));
            let long = tokio::spawn(noted(signal_when_parked(task, move || {
                let _ = running_tx.send(());
            })));
            let _ = running.await;
            // ANCHOR: abort
            long.abort();
            m.cancelled += u64::from(long.await.is_err_and(|e| e.is_cancelled()));
            // ANCHOR_END: abort

            // Probe: a panic inside a task.
            // ANCHOR: panic
            let panicking = tokio::spawn(noted(async { panic!("{}", DEMO_PANIC) }));
            match AssertUnwindSafe(panicking).catch_unwind().await {
                Ok(Err(e)) if e.is_panic() => m.panics_caught += 1, // handed back as a JoinError
                Err(_) => {
                    m.panics_caught += 1;
                    m.panic_resumed_on_await = true;
                }
                Ok(_) => {}
            }
            // ANCHOR_END: panic
            m.survived_panic = tokio::spawn(noted(async { 7 })).await.is_ok_and(|v| v == 7);

            // Probe: a panic in a blocking job.
            let job = spawn_blocking(|| -> u64 { panic!("{}", DEMO_PANIC) });
            match timeout(BLOCKING_PANIC_WAIT, AssertUnwindSafe(job).catch_unwind()).await {
                Ok(Ok(Err(e))) if e.is_panic() => {
                    m.blocking_panic(&env.log, false, &message_of(&*e.into_panic()))
                }
                Ok(Err(payload)) => m.blocking_panic(&env.log, true, &message_of(&*payload)),
                Ok(Ok(_)) => {}
                Err(_) => m.blocking_panic_lost(&env.log), // heard nothing: a swallowed panic
            }

            // Probe: abort a blocking job while it runs.
            let (started_tx, started) = oneshot::channel::<()>();
            let (done_tx, mut done) = oneshot::channel::<()>();
            let job = spawn_blocking(move || {
                let _ = started_tx.send(());
                thread::sleep(BLOCKING_JOB);
                let _ = done_tx.send(()); // reached only if the job ran to its end
                BLOCKING_VALUE
            });
            let _ = started.await;
            let aborted = Instant::now();
            job.abort(); // "will not have any effect": a running thread cannot be stopped
            let answer = job.await;
            let (returned, waited) = (aborted.elapsed(), done.try_recv().is_ok()); // had the job ended?
            let value = answer.is_ok_and(|v| v == BLOCKING_VALUE);
            m.blocking_abort(returned, value, waited, waited || done.await.is_ok());

            // Probe: a task with no handle (dropped at once) panics. How many
            // threads run tasks at once, before and after?
            let before = capacity(env.threads).await;
            let (unwound_tx, unwound) = oneshot::channel::<()>();
            drop(tokio::spawn(noted(async move {
                let _signal = on_drop(move || {
                    let _ = unwound_tx.send(());
                });
                panic!("{}", DEMO_PANIC)
            })));
            let _ = unwound.await;
            let after = capacity(env.threads).await;
            m.detached_panic(&before, &after);
            m
        })
    }
}

/// Spawn `batch` tasks that each hold their thread until all have started;
/// wait for them at most [`CAPACITY_WAIT`].
async fn capacity(batch: usize) -> Arc<Capacity> {
    let capacity = Arc::new(Capacity::new(batch));
    let tasks: Vec<_> = (0..batch)
        .map(|_| {
            let capacity = capacity.clone();
            tokio::spawn(noted(async move { capacity.hold() }))
        })
        .collect();
    let _ = timeout(CAPACITY_WAIT, join_all(tasks)).await;
    capacity
}
