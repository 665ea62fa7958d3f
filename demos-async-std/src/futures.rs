// claim: C-async-std-handle-drop, C-async-std-cancel, C-async-std-panic-reraised
//! futures on async-std: `JoinHandle`s, a capacity-1 `async_std::channel` as a
//! one-shot, combinators from the `futures` crate, `FuturesUnordered` for
//! as-completed, and the probes: a dropped `JoinHandle` *detaches* (the task
//! runs on), `JoinHandle::cancel()` cancels, and a panic is re-raised in
//! whoever awaits the handle — caught here with `catch_unwind`.
//!
//! Run it: `cargo run -p demos-async-std -- futures`

use std::panic::AssertUnwindSafe;
use std::time::Duration;

use ::futures::FutureExt;
use ::futures::stream::{FuturesUnordered, StreamExt};
use async_std::channel::bounded;
use async_std::task::sleep;
use demos_core::interrupt::stoppable;
use demos_core::scenario::futures::{
    Callbacks, DEMO_PANIC, FuturesScenario, delays, signal_when_parked, value_of,
};
use demos_core::scenario::ordering::log_finished;
use demos_core::{Env, Futures, FuturesConfig, FuturesMetrics, Observed};

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
            m.callbacks_run = callbacks.count();

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
            while let Some(i) = pending.next().await {
                log_finished(&env.log, i, m.as_completed as usize, delays[i]);
                m.as_completed += 1;
            }

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
            m
        })
    }
}
