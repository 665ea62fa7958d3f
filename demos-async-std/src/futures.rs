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
use demos_core::scenario::futures::{DEMO_PANIC, FuturesScenario, PROBE_SLEEP, delays, value_of};
use demos_core::scenario::ordering::log_finished;
use demos_core::{Env, Futures, FuturesConfig, FuturesMetrics, Observed};

impl Futures for crate::AsyncStd {
    fn futures(&self, cfg: &FuturesConfig, env: &Env) -> Observed<FuturesMetrics> {
        crate::observe::<FuturesScenario, _>(cfg, env, "", |spawn| async move {
            let mut m = FuturesMetrics { tasks: cfg.tasks as u64, ..Default::default() };
            let delays = delays(cfg, env.seed);

            // Handles, awaited in spawn order with callbacks chained on each (inspect, then).
            let handles: Vec<_> = delays
                .iter()
                .enumerate()
                .map(|(i, &d)| {
                    spawn.spawn(async move {
                        stoppable(sleep(d), sleep).await;
                        value_of(i)
                    })
                })
                .collect();
            m.await_with_callbacks(handles).await;

            // As completed: FuturesUnordered yields whichever task finishes next.
            let mut pending: FuturesUnordered<_> = delays
                .iter()
                .enumerate()
                .map(|(i, &d)| {
                    spawn.spawn(async move {
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
            drop(spawn.spawn(async move {
                sleep(Duration::from_millis(1)).await;
                let _ = tx.send(42u64).await;
            }));
            m.oneshot_delivered = rx.recv().await == Ok(42);

            // Probe: drop a handle while its task sleeps. If the task is cancelled,
            // its sender is dropped and `done` resolves to an error.
            let (tx, done) = bounded::<()>(1);
            drop(spawn.spawn(async move {
                sleep(PROBE_SLEEP).await;
                let _ = tx.send(()).await;
            }));
            m.dropped_handle_task_finished = done.recv().await.is_ok();

            // Probe: cancel a running task.
            let long = spawn.spawn(sleep(Duration::from_secs(3600)));
            m.cancelled += u64::from(long.cancel().await.is_none());

            // Probe: a panic inside a task.
            let panicking = spawn.spawn(async { panic!("{}", DEMO_PANIC) });
            if AssertUnwindSafe(panicking).catch_unwind().await.is_err() {
                m.panics_caught += 1; // re-raised here, in the awaiting task
                m.panic_resumed_on_await = true;
            }
            m.survived_panic = spawn.spawn(async { 7 }).await == 7;
            m
        })
    }
}
