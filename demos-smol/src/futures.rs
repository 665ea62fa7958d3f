// claim: C-smol-task-drop-cancels, C-smol-task-cancel, C-smol-panic-reraised
//! futures on smol: `Task` handles, a capacity-1 `async_channel` as a one-shot,
//! combinators from the `futures` crate, `FuturesUnordered` for as-completed,
//! and the probes: a dropped `Task` is *cancelled* (call `.detach()` to keep it
//! running), `Task::cancel()` cancels and waits, and a panic is re-raised in
// claim: C-blocking-panic-reraised, C-smol-unblock-cancel, C-async-executor-detached-panic
//! whoever awaits the task — caught here with `catch_unwind`. Off the happy
//! path: a panic in an `unblock` job is re-raised in the awaiting task too;
//! `cancel()` on a running `unblock` job waits for the job to end, then answers
//! `None` (a thread cannot be stopped); and a panicking task that was
//! `detach()`ed is caught by async-executor, its thread lives on.
//!
//! Run it: `cargo run -p demos-smol -- futures`

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
use demos_core::{Env, Futures, FuturesConfig, FuturesMetrics, Observed};
use smol::channel::bounded;
use smol::future::or;
use smol::{Timer, unblock};

use crate::Exec;

impl Futures for crate::Smol {
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
                        stoppable(Timer::after(d), Timer::after).await;
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
                        stoppable(Timer::after(d), Timer::after).await;
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
            ex.spawn(async move {
                Timer::after(Duration::from_millis(1)).await;
                let _ = tx.send(42u64).await;
            })
            .detach();
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
            // ANCHOR: drop_handle
            let _ = running.recv().await; // the task has run, and is parked at its await
            drop(handle); // a smol Task: dropping it cancels
            let _ = release.send(()).await;
            m.dropped_handle_task_finished = done.recv().await.is_ok();
            // ANCHOR_END: drop_handle

            // Probe: cancel a task seen running, now parked in a long sleep.
            let (running_tx, running) = bounded::<()>(1);
            let task = Timer::after(Duration::from_secs(3600));
            let long = ex.spawn(signal_when_parked(task, move || {
                let _ = running_tx.try_send(());
            }));
            let _ = running.recv().await;
            // ANCHOR: cancel
            m.cancelled += u64::from(long.cancel().await.is_none());
            // ANCHOR_END: cancel

            // Probe: a panic inside a task.
            // ANCHOR: panic
            let panicking = ex.spawn(async { panic!("{}", DEMO_PANIC) });
            if AssertUnwindSafe(panicking).catch_unwind().await.is_err() {
                m.panics_caught += 1; // re-raised here, in the awaiting task
                m.panic_resumed_on_await = true;
            }
            // ANCHOR_END: panic
            m.survived_panic = ex.spawn(async { 7 }).await == 7;

            // Probe: a panic in a blocking job.
            let job = unblock(|| -> u64 { panic!("{}", DEMO_PANIC) });
            let heard = or(async { Some(AssertUnwindSafe(job).catch_unwind().await) }, async {
                Timer::after(BLOCKING_PANIC_WAIT).await;
                None
            });
            match heard.await {
                Some(Err(payload)) => m.blocking_panic(&env.log, true, &message_of(&*payload)), // re-raised here
                Some(Ok(_)) => {}
                None => m.blocking_panic_lost(&env.log), // heard nothing: a swallowed panic
            }

            // Probe: cancel a blocking job while it runs.
            let (started_tx, started) = bounded::<()>(1);
            let (done_tx, done) = bounded::<()>(1);
            let job = unblock(move || {
                let _ = started_tx.try_send(());
                thread::sleep(BLOCKING_JOB);
                let _ = done_tx.try_send(()); // reached only if the job ran to its end
                BLOCKING_VALUE
            });
            let _ = started.recv().await;
            let cancelled = Instant::now();
            let answer = job.cancel().await; // waits for the running job: a thread cannot be stopped
            let (returned, waited) = (cancelled.elapsed(), done.try_recv().is_ok()); // had the job ended?
            let value = answer == Some(BLOCKING_VALUE);
            m.blocking_abort(returned, value, waited, waited || done.recv().await.is_ok());

            // Probe: a detached task (no handle) panics. How many threads run
            // tasks at once, before and after?
            let before = capacity(&ex, env.threads).await;
            let (unwound_tx, unwound) = bounded::<()>(1);
            ex.spawn(async move {
                let _signal = on_drop(move || {
                    let _ = unwound_tx.try_send(());
                });
                panic!("{}", DEMO_PANIC)
            })
            .detach();
            let _ = unwound.recv().await;
            let after = capacity(&ex, env.threads).await;
            m.detached_panic(&before, &after);
            m
        })
    }
}

/// Spawn `batch` tasks that each hold their thread until all have started;
/// wait for them at most [`CAPACITY_WAIT`].
async fn capacity(ex: &Exec, batch: usize) -> Arc<Capacity> {
    let capacity = Arc::new(Capacity::new(batch));
    let tasks: Vec<_> = (0..batch)
        .map(|_| {
            let capacity = capacity.clone();
            ex.spawn(async move { capacity.hold() })
        })
        .collect();
    let all = async { Some(join_all(tasks).await) };
    or(all, async {
        Timer::after(CAPACITY_WAIT).await;
        None
    })
    .await;
    capacity
}
