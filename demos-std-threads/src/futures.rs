//! futures without an async runtime: jobs on the `futures` crate's own
//! `ThreadPool` give `RemoteHandle`s (futures) to chain combinators on and to
//! collect with `FuturesUnordered`, driven by `futures::executor::block_on`; a
//! `futures::channel::oneshot` is completed by a plain thread. The probes act
// claim: C-std-remotehandle-drop, C-std-joinhandle-detach
//! on what the scenario uses: a dropped `RemoteHandle` *cancels* its task (a
//! dropped `std::thread::JoinHandle`, by contrast, detaches); a thread cannot
// claim: C-std-panic-probe, C-std-no-abort
//! be aborted — only a future can, via `futures::future::abortable` — and a
//! task's panic, caught on its pool thread by the `RemoteHandle`'s wrapper, is
// claim: C-std-offload-probes
//! re-raised where the handle is awaited. Off the happy path: a blocking job
//! offloaded to a thread of its own (`offload`, bridge's thread plus one-shot)
//! that panics ends its thread and drops the one-shot's sender, so the awaiter
//! panics on the closed channel — a stand-in, the job's message lost; a thread
//! cannot be aborted, so `abortable(offload(job))` answers `Aborted` at once
//! while the thread runs on; and a task spawned with no handle
//! (`spawn_ok`) has no wrapper to catch its panic: it ends the pool thread
//! that ran it, for good (futures-executor 0.3 `thread_pool.rs` has no
//! `catch_unwind`), and the pool runs on with one thread fewer, silently.
//!
//! Run it: `cargo run -p demos-std-threads -- futures`

use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use demos_core::interrupt;
use demos_core::report::counted;
use demos_core::scenario::futures::{
    BLOCKING_JOB, BLOCKING_PANIC_WAIT, BLOCKING_VALUE, CAPACITY_WAIT, Callbacks, Capacity, CompletionOrder,
    DEMO_PANIC, caught_panic, delays, on_drop, signal_when_parked, value_of,
};
use demos_core::workers::noted;
use demos_core::{Env, Futures, FuturesConfig, FuturesMetrics, Observed};
use futures::FutureExt;
use futures::channel::oneshot;
use futures::executor::{ThreadPool, block_on};
use futures::future::{Aborted, Either, abortable, pending, select};
use futures::stream::{FuturesUnordered, StreamExt};
use futures::task::SpawnExt;

use crate::bridge::offload;

impl Futures for crate::StdThreads {
    fn futures(&self, cfg: &FuturesConfig, env: &Env) -> Observed<FuturesMetrics> {
        let started = Instant::now();
        let pool = crate::futures_pool(env);
        let mut m = FuturesMetrics { tasks: cfg.tasks as u64, ..Default::default() };
        let delays = delays(cfg, env.seed);
        let spawn = |job: Box<dyn FnOnce() -> u64 + Send>| {
            pool.spawn_with_handle(noted(async move { job() })).expect("the pool accepts jobs")
        };

        // Handles, awaited in spawn order with callbacks chained on each (inspect, then).
        let handles: Vec<_> = delays
            .iter()
            .enumerate()
            .map(|(i, &d)| {
                spawn(Box::new(move || {
                    interrupt::sleep(d);
                    value_of(i)
                }))
            })
            .collect();
        // The callbacks run here, on this thread, as it awaits each handle in spawn order:
        // `inspect` (sync) and `then` (async) are combinators, not done-callbacks.
        let callbacks = &Callbacks::new(&env.log);
        for (i, handle) in handles.into_iter().enumerate() {
            let value =
                block_on(handle.inspect(|&v| callbacks.ran("inspect", i, v)).then(move |v| async move {
                    callbacks.ran("then", i, v);
                    v
                }));
            m.handle_returned(i, value);
        }
        m.callbacks_run = callbacks.count_and_log();

        // As completed: FuturesUnordered yields whichever job finishes next.
        env.log.line(format!(
            "each job sleeps on its pool thread (thread::sleep), so at most {} sleep at once and the rest wait \
             for a free thread: a short sleep can finish after longer ones",
            env.threads
        ));
        let mut pending_jobs: FuturesUnordered<_> = delays
            .iter()
            .enumerate()
            .map(|(i, &d)| {
                spawn(Box::new(move || {
                    interrupt::sleep(d);
                    i as u64
                }))
            })
            .collect();
        let mut order = CompletionOrder::default();
        while let Some(i) = block_on(pending_jobs.next()) {
            order.finished(i as usize, delays[i as usize]);
            m.as_completed += 1;
        }
        order.log(&env.log);

        // A bare one-shot future, completed by a plain thread.
        let (tx, rx) = oneshot::channel();
        thread::spawn(move || {
            thread::sleep(Duration::from_millis(1));
            let _ = tx.send(42u64);
        });
        m.oneshot_delivered = block_on(rx) == Ok(42);

        // Probe: drop the handle this scenario's tasks use — the pool's
        // RemoteHandle — of a task seen running. It signals, then waits to be
        // released; had the drop cancelled it, its sender would be gone and
        // `done` would fail. (A std::thread::JoinHandle, by contrast, detaches.)
        let (running_tx, running) = oneshot::channel::<()>();
        let (release, released) = oneshot::channel::<()>();
        let (tx, done) = oneshot::channel::<()>();
        let task = async move {
            let _ = released.await;
            let _ = tx.send(());
        };
        let handle = pool
            .spawn_with_handle(noted(signal_when_parked(task, move || {
                let _ = running_tx.send(());
            })))
            .expect("the pool accepts jobs");
        let _ = block_on(running); // the task has run, and is parked at its await
        drop(handle);
        let _ = release.send(());
        m.dropped_handle_task_finished = block_on(done).is_ok();

        // Probe: abort a task seen running. No API stops a running thread; a
        // future can be aborted at its next await.
        let (running_tx, running) = oneshot::channel::<()>();
        let (never, abort) = abortable(signal_when_parked(pending::<()>(), move || {
            let _ = running_tx.send(());
        }));
        let handle = pool.spawn_with_handle(noted(never)).expect("the pool accepts jobs");
        let _ = block_on(running);
        abort.abort();
        m.cancelled += u64::from(block_on(handle) == Err(Aborted));

        // claim: C-std-panic-probe
        // Probe: a panic inside a pool task. Its RemoteHandle caught it on the pool
        // thread (which lives on) and re-raises it here, where the handle is awaited.
        let panicking =
            pool.spawn_with_handle(noted(async { panic!("{}", DEMO_PANIC) })).expect("the pool accepts jobs");
        if block_on(AssertUnwindSafe(panicking).catch_unwind()).is_err() {
            m.panics_caught += 1;
            m.panic_resumed_on_await = true;
        }
        m.survived_panic =
            block_on(pool.spawn_with_handle(noted(async { 7 })).expect("the pool accepts jobs")) == 7;

        // Probe: a panic in a blocking job, offloaded to a thread of its own. The
        // thread dies, its one-shot sender with it: the awaiter panics on the closed channel.
        // A thread of its own is the timer too (this crate has no other clock): it gives up
        // after BLOCKING_PANIC_WAIT, or as soon as the probe is over and drops `over`.
        let (over, timer_stops) = std::sync::mpsc::channel::<()>();
        let mut timer = offload(move || {
            let _ = timer_stops.recv_timeout(BLOCKING_PANIC_WAIT);
        })
        .boxed();
        let job = offload(|| -> u64 { panic!("{}", DEMO_PANIC) }).boxed();
        let heard = caught_panic(AssertUnwindSafe(|| block_on(select(job, &mut timer))));
        drop(over);
        let timer_ended = matches!(heard, Ok(Either::Right(_)));
        match heard {
            Err(message) => m.blocking_panic(&env.log, true, &message),
            Ok(Either::Left(_)) => {}
            Ok(Either::Right(_)) => m.blocking_panic_lost(&env.log), // heard nothing: a swallowed panic
        }
        if !timer_ended {
            block_on(timer); // its thread has ended before the next probe counts threads
        }

        // Probe: abort a blocking job while it runs. Only the future awaiting the
        // thread can be aborted; the thread runs on.
        let (running_tx, running) = oneshot::channel::<()>();
        let (done_tx, mut done) = oneshot::channel::<()>();
        let (job, abort) = abortable(offload(move || {
            let _ = running_tx.send(());
            thread::sleep(BLOCKING_JOB);
            let _ = done_tx.send(()); // reached only if the job ran to its end
            BLOCKING_VALUE
        }));
        let job = pool.spawn_with_handle(noted(job)).expect("the pool accepts jobs");
        let _ = block_on(running);
        let aborted = Instant::now();
        abort.abort();
        let answer = block_on(job);
        let (returned, waited) = (aborted.elapsed(), matches!(done.try_recv(), Ok(Some(())))); // had the job ended?
        let value = answer == Ok(BLOCKING_VALUE);
        m.blocking_abort(returned, value, waited, waited || block_on(done).is_ok());

        // Probe: a task spawned with no handle (spawn_ok) panics. How many pool
        // threads run tasks at once, before and after? (Last: it may leave none.)
        let before = capacity(&pool, env.threads);
        let (unwound_tx, unwound) = oneshot::channel::<()>();
        pool.spawn_ok(async move {
            let _signal = on_drop(move || {
                let _ = unwound_tx.send(());
            });
            panic!("{}", DEMO_PANIC) // nothing catches it: it unwinds out of the pool thread's loop
        });
        let _ = block_on(unwound);
        let after = capacity(&pool, env.threads);
        m.detached_panic(&before, &after);
        Observed::new(
            format!("futures ThreadPool, {}, plus OS threads", counted(env.threads as u64, "thread")),
            started.elapsed(),
            m,
        )
    }
}

/// Spawn `batch` tasks that each hold their pool thread until all have
/// started; wait for them at most [`CAPACITY_WAIT`] (this thread is not the
/// pool's, so it may block).
fn capacity(pool: &ThreadPool, batch: usize) -> Arc<Capacity> {
    let capacity = Arc::new(Capacity::new(batch));
    for _ in 0..batch {
        let capacity = capacity.clone();
        pool.spawn_ok(noted(async move { capacity.hold() }));
    }
    capacity.wait(CAPACITY_WAIT);
    capacity
}
