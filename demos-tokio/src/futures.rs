//! futures on tokio: `JoinHandle`s, a `tokio::sync::oneshot`, combinators from
//! the `futures` crate on the handles, `JoinSet::join_next` for as-completed,
//! and the probes: a dropped `JoinHandle` *detaches* (the task runs on),
//! `abort()` cancels, and a panic comes back as a `JoinError` — the awaiting
//! task does not panic, and the runtime keeps going.
//!
//! Run it: `cargo run -p demos-tokio -- futures`

use std::panic::AssertUnwindSafe;
use std::time::{Duration, Instant};

use ::futures::FutureExt;
use demos_core::interrupt::stoppable;
use demos_core::scenario::futures::{DEMO_PANIC, PROBE_SLEEP, delays, value_of};
use demos_core::scenario::ordering::log_finished;
use demos_core::workers::noted;
use demos_core::{Env, Futures, FuturesConfig, FuturesMetrics, Observed};
use tokio::sync::oneshot;
use tokio::task::JoinSet;
use tokio::time::sleep;

impl Futures for crate::Tokio {
    fn futures(&self, cfg: &FuturesConfig, env: &Env) -> Observed<FuturesMetrics> {
        let started = Instant::now();
        let (rt, flavor) = crate::runtime(env);
        let metrics = rt.block_on(async {
            let mut m = FuturesMetrics { tasks: cfg.tasks as u64, ..Default::default() };
            let delays = delays(cfg, env.seed);

            // Handles, awaited in spawn order with callbacks chained on each (inspect, then);
            // a tokio handle yields a Result, so `map` unwraps the join first.
            let handles: Vec<_> = delays
                .iter()
                .enumerate()
                .map(|(i, &d)| {
                    tokio::spawn(noted(async move {
                        stoppable(sleep(d), sleep).await;
                        value_of(i)
                    }))
                })
                .collect();
            m.await_with_callbacks(
                handles.into_iter().map(|h| h.map(|joined| joined.expect("the task does not panic"))),
            )
            .await;

            // As completed: JoinSet hands back whichever task finishes next.
            let mut set = JoinSet::new();
            for (i, &d) in delays.iter().enumerate() {
                set.spawn(noted(async move {
                    stoppable(sleep(d), sleep).await;
                    i
                }));
            }
            while let Some(joined) = set.join_next().await {
                let i = joined.expect("the task does not panic");
                log_finished(&env.log, i, m.as_completed as usize, delays[i]);
                m.as_completed += 1;
            }

            // A bare one-shot future, completed by another task.
            let (tx, rx) = oneshot::channel();
            tokio::spawn(noted(async move {
                sleep(Duration::from_millis(1)).await;
                let _ = tx.send(42u64);
            }));
            m.oneshot_delivered = rx.await == Ok(42);

            // Probe: drop a handle while its task sleeps. If the task is cancelled,
            // its sender is dropped and `done` resolves to an error.
            let (tx, done) = oneshot::channel::<()>();
            drop(tokio::spawn(noted(async move {
                sleep(PROBE_SLEEP).await;
                let _ = tx.send(());
            })));
            m.dropped_handle_task_finished = done.await.is_ok();

            // Probe: abort a running task.
            let long = tokio::spawn(noted(sleep(Duration::from_secs(3600))));
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
        });
        Observed::new(flavor, started.elapsed(), metrics)
    }
}
