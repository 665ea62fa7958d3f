// claim: C-compio-handle-drop, C-compio-panic-joinerror
//! futures on compio: `compio::runtime::JoinHandle`s of tasks spawned on this
//! core, a `futures::channel::oneshot` as the bare one-shot (compio has no
//! channel of its own), combinators from the `futures` crate,
//! `FuturesUnordered` for as-completed, and the probes. A dropped
//! `JoinHandle` *cancels* its task, as smol's `Task` does (`detach()` keeps it
//! running); `JoinHandle::cancel()` cancels and waits; a panic comes back as
//! `Err(JoinError::Panicked)`, as tokio's does — compio's executor catches it
//! around every poll. The capacity probe places one task on each core: each
//! core's runtime is one thread, so N cores hold N at once.
//!
//! Run it: `cargo run -p demos-compio -- futures`

use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use ::futures::FutureExt;
use ::futures::channel::oneshot;
use ::futures::future::join_all;
use ::futures::stream::{FuturesUnordered, StreamExt};
use compio::runtime::{JoinError, spawn_blocking};
use compio::time::{sleep, timeout};
use demos_core::interrupt::stoppable;
use demos_core::scenario::futures::{
    BLOCKING_JOB, BLOCKING_PANIC_WAIT, BLOCKING_VALUE, CAPACITY_WAIT, Callbacks, Capacity, CompletionOrder,
    DEMO_PANIC, FuturesScenario, delays, message_of, on_drop, signal_when_parked, value_of,
};
use demos_core::{Env, Futures, FuturesConfig, FuturesMetrics, Observed};

use crate::Exec;

impl Futures for crate::Compio {
    fn futures(&self, cfg: &FuturesConfig, env: &Env) -> Observed<FuturesMetrics> {
        self.observe::<FuturesScenario, _>(cfg, env, "", |ex| async move {
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
                    .map(|done| done.expect("the task does not panic"))
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
            while let Some(Ok(i)) = pending.next().await {
                order.finished(i, delays[i]);
                m.as_completed += 1;
            }
            order.log(&env.log);

            // A bare one-shot future, completed by another task.
            let (tx, rx) = oneshot::channel();
            ex.spawn(async move {
                sleep(Duration::from_millis(1)).await;
                let _ = tx.send(42u64);
            })
            .detach();
            m.oneshot_delivered = rx.await == Ok(42);

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
            let handle = ex.spawn(signal_when_parked(task, move || {
                let _ = running_tx.send(());
            }));
            // ANCHOR: drop_handle
            let _ = running.await; // the task has run, and is parked at its await
            drop(handle); // a compio JoinHandle: dropping it cancels
            let _ = release.send(());
            m.dropped_handle_task_finished = done.await.is_ok();
            // ANCHOR_END: drop_handle

            // Probe: cancel a task seen running, now parked in a long sleep.
            let (running_tx, running) = oneshot::channel::<()>();
            let task = sleep(Duration::from_secs(3600));
            let long = ex.spawn(signal_when_parked(task, move || {
                let _ = running_tx.send(());
            }));
            let _ = running.await;
            // ANCHOR: cancel
            m.cancelled += u64::from(long.cancel().await.is_none());
            // ANCHOR_END: cancel

            // Probe: a panic inside a task.
            // ANCHOR: panic
            let panicking = ex.spawn(async { panic!("{}", DEMO_PANIC) });
            match AssertUnwindSafe(panicking).catch_unwind().await {
                Ok(Err(JoinError::Panicked(_))) => m.panics_caught += 1, // handed back as a JoinError
                Err(_) => {
                    m.panics_caught += 1;
                    m.panic_resumed_on_await = true;
                }
                Ok(_) => {}
            }
            // ANCHOR_END: panic
            m.survived_panic = ex.spawn(async { 7 }).await.is_ok_and(|v| v == 7);

            // Probe: a panic in a blocking job.
            let job = spawn_blocking(|| -> u64 { panic!("{}", DEMO_PANIC) });
            match timeout(BLOCKING_PANIC_WAIT, AssertUnwindSafe(job).catch_unwind()).await {
                Ok(Ok(Err(JoinError::Panicked(payload)))) => {
                    m.blocking_panic(&env.log, false, &message_of(&*payload))
                }
                Ok(Err(payload)) => m.blocking_panic(&env.log, true, &message_of(&*payload)),
                Ok(Ok(_)) => {}
                Err(_) => m.blocking_panic_lost(&env.log), // heard nothing: a swallowed panic
            }

            // Probe: cancel a blocking job while it runs.
            let (started_tx, started) = oneshot::channel::<()>();
            let (done_tx, mut done) = oneshot::channel::<()>();
            let job = spawn_blocking(move || {
                let _ = started_tx.send(());
                thread::sleep(BLOCKING_JOB);
                let _ = done_tx.send(()); // reached only if the job ran to its end
                BLOCKING_VALUE
            });
            let _ = started.await;
            let cancelled = Instant::now();
            let answer = job.cancel().await; // a thread cannot be stopped: what comes back?
            let (returned, waited) = (cancelled.elapsed(), done.try_recv().is_ok_and(|d| d.is_some()));
            let value = answer == Some(BLOCKING_VALUE);
            m.blocking_abort(returned, value, waited, waited || done.await.is_ok());

            // Probe: a detached task (no handle) panics. How many threads run
            // tasks at once, before and after?
            let before = capacity(&ex, env.threads).await;
            let (unwound_tx, unwound) = oneshot::channel::<()>();
            ex.spawn(async move {
                let _signal = on_drop(move || {
                    let _ = unwound_tx.send(());
                });
                panic!("{}", DEMO_PANIC)
            })
            .detach();
            let _ = unwound.await;
            let after = capacity(&ex, env.threads).await;
            m.detached_panic(&before, &after);
            m
        })
    }
}

/// Place one task on each of `batch` cores, each holding its thread until all
/// have started; wait for them at most [`CAPACITY_WAIT`].
async fn capacity(ex: &Exec, batch: usize) -> Arc<Capacity> {
    let capacity = Arc::new(Capacity::new(batch));
    let tasks: Vec<_> = (0..batch)
        .map(|core| {
            let capacity = capacity.clone();
            ex.place_on(core, move || async move { capacity.hold() })
        })
        .collect();
    let _ = timeout(CAPACITY_WAIT, join_all(tasks)).await;
    capacity
}
