// claim: C-tokio-joinhandle-drop, C-tokio-abort, C-tokio-panic-joinerror, C-tokio-as-completed
//! futures on tokio: `JoinHandle`s, a `tokio::sync::oneshot`, combinators from
//! the `futures` crate on the handles, `FuturesUnordered` for as-completed,
//! and the probes: a dropped `JoinHandle` *detaches* (the task runs on),
//! `abort()` cancels, and a panic comes back as a `JoinError` — the awaiting
//! task does not panic, and the runtime keeps going.
//!
//! Run it: `cargo run -p demos-tokio -- futures`

use std::panic::AssertUnwindSafe;
use std::time::Duration;

use ::futures::FutureExt;
use ::futures::stream::{FuturesUnordered, StreamExt};
use demos_core::interrupt::stoppable;
use demos_core::scenario::futures::{
    Callbacks, DEMO_PANIC, FuturesScenario, delays, signal_when_parked, value_of,
};
use demos_core::scenario::ordering::log_finished;
use demos_core::workers::noted;
use demos_core::{Env, Futures, FuturesConfig, FuturesMetrics, Observed};
use tokio::sync::oneshot;
use tokio::time::sleep;

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
            let _ = running.await; // the task has run, and is parked at its await
            drop(handle);
            let _ = release.send(());
            m.dropped_handle_task_finished = done.await.is_ok();

            // Probe: abort a task seen running, now parked in a long sleep.
            let (running_tx, running) = oneshot::channel::<()>();
            let task = sleep(Duration::from_secs(3600));
            let long = tokio::spawn(noted(signal_when_parked(task, move || {
                let _ = running_tx.send(());
            })));
            let _ = running.await;
            long.abort();
            m.cancelled += u64::from(long.await.is_err_and(|e| e.is_cancelled()));

            // Probe: a panic inside a task.
            let panicking = tokio::spawn(noted(async { panic!("{}", DEMO_PANIC) }));
            match AssertUnwindSafe(panicking).catch_unwind().await {
                Ok(Err(e)) if e.is_panic() => m.panics_caught += 1, // handed back as a JoinError
                Err(_) => {
                    m.panics_caught += 1;
                    m.panic_resumed_on_await = true;
                }
                Ok(_) => {}
            }
            m.survived_panic = tokio::spawn(noted(async { 7 })).await.is_ok_and(|v| v == 7);
            m
        })
    }
}
