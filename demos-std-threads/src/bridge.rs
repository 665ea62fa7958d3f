// claim: C-futures-no-timer-pool
//! bridge without an async runtime: the `futures` crate's `ThreadPool` runs the
//! heartbeat and the handler as tasks, but the crate has no timer and no
//! blocking pool — so both are built from a thread plus a one-shot channel:
//! the thread does the blocking part (a sleep, a blocking call) and completes a
//! future the task awaits. Called inline, the blocking call occupies a pool
//! thread. Sync code reaches async code through `futures::executor::block_on`.
// claim: C-futures-threadpool-shared-queue
//! Last, with several threads: a task woken by a task that then blocks its
//! thread goes back on the pool's one shared queue, which every free thread
//! takes from.
//!
//! Run it: `cargo run -p demos-std-threads -- bridge --threads 1`

use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use demos_core::interrupt::until_stopped;
use demos_core::report::counted;
use demos_core::scenario::bridge::{
    BRIDGED_VALUE, Heartbeat, INLINE, INLINE_CALL, OFFLOADED_CALL, ONE_BLOCKED, STRAND_BLOCK, STRAND_ROUNDS,
    STRANDING, StrandRound, offloaded,
};
use demos_core::scenario::futures::signal_when_parked;
use demos_core::workers::noted;
use demos_core::{Bridge, BridgeConfig, BridgeMetrics, Env, Observed};
use futures::channel::oneshot;
use futures::executor::{ThreadPool, block_on};
use futures::future::join_all;
use futures::task::SpawnExt;

/// Run blocking `work` on a thread of its own; the returned future resolves
/// with its result. This is the whole bridge: a thread and a channel.
// ANCHOR: offload
pub(crate) async fn offload<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = oneshot::channel();
    thread::spawn(move || {
        let _ = tx.send(work());
    });
    rx.await.expect("the worker thread sends before it ends")
}
// ANCHOR_END: offload

impl Bridge for crate::StdThreads {
    fn bridge(&self, cfg: &BridgeConfig, env: &Env) -> Observed<BridgeMetrics> {
        let started = Instant::now();
        let pool = crate::futures_pool(env);
        let hb = Arc::new(Heartbeat::new(cfg, env));
        let heartbeat =
            pool.spawn_with_handle(noted(tick_until_stopped(hb.clone()))).expect("the pool accepts tasks");
        let (jobs, job) = (cfg.jobs, cfg.job());

        let phase = hb.clone();
        let offloaded = pool
            .spawn_with_handle(noted(async move {
                // Each call goes to a thread of its own; the pool thread is free meanwhile.
                phase.start_phase(&offloaded("a new OS thread of its own (thread::spawn)"));
                let mut done = 0;
                for _ in until_stopped(0..jobs) {
                    let call = phase.clone();
                    // The call's own result comes back through the pool: did it run to its end?
                    done += u64::from(offload(move || call.blocking_call(OFFLOADED_CALL, job)).await);
                }
                (done, phase.end_phase())
            }))
            .expect("the pool accepts tasks");
        let offloaded = block_on(offloaded);

        // Sync code calling async code: block this plain thread on a future.
        let bridged = thread::spawn(|| {
            block_on(async {
                offload(|| thread::sleep(Duration::from_millis(1))).await;
                BRIDGED_VALUE
            })
        })
        .join()
        .expect("block_on does not panic");

        // The anti-pattern: one handler per pool thread makes the calls inline, so every
        // pool thread is blocked and runs nothing else meanwhile — the heartbeat included.
        hb.start_phase(INLINE);
        let handlers: Vec<_> = (0..env.threads)
            .map(|_| {
                let phase = hb.clone();
                pool.spawn_with_handle(noted(inline_calls(phase, jobs, job))).expect("the pool accepts tasks")
            })
            .collect();
        let inline = block_on(join_all(handlers)).into_iter().sum();
        let inline = (env.threads, (inline, hb.end_phase()));

        // With several threads: a single inline handler blocks one pool thread of N.
        let mut one_blocked = None;
        if env.threads > 1 {
            hb.start_phase(ONE_BLOCKED);
            let phase = hb.clone();
            let handler = pool
                .spawn_with_handle(noted(inline_calls(phase, jobs, job)))
                .expect("the pool accepts tasks");
            one_blocked = Some((block_on(handler), hb.end_phase()));
        }
        hb.stop();
        block_on(heartbeat);
        let mut metrics = BridgeMetrics::new(cfg, offloaded, inline, one_blocked, bridged);

        // With several threads: a task woken by a task that then blocks its pool thread.
        if env.threads > 1 {
            env.log.line(STRANDING);
            let by_worker = strand_rounds(&pool, false);
            let from_thread = strand_rounds(&pool, true);
            metrics.stranding(&env.log, &by_worker, &from_thread, None);
        }
        let flavor = format!(
            "futures ThreadPool, {} + a thread per blocking call",
            counted(env.threads as u64, "thread")
        );
        Observed::new(flavor, started.elapsed(), metrics).with_spans(hb.spans())
    }
}

/// The heartbeat task: tick every interval until stopped (bridge's and
/// starvation's). The crate has no timer: a thread that sleeps is one.
pub(crate) async fn tick_until_stopped(hb: Arc<Heartbeat>) {
    while {
        let tick = hb.interval();
        offload(move || thread::sleep(tick)).await;
        hb.tick()
    } {}
}

/// [`STRAND_ROUNDS`] stranding rounds; `from_thread`: a plain thread wakes B.
fn strand_rounds(pool: &ThreadPool, from_thread: bool) -> Vec<StrandRound> {
    until_stopped(0..STRAND_ROUNDS).map(|_| strand_round(pool, from_thread)).collect()
}

/// One stranding round: B parks on a one-shot; A sends to it (or has a plain
/// thread send), then blocks its pool thread.
fn strand_round(pool: &ThreadPool, from_thread: bool) -> StrandRound {
    let (tx, rx) = oneshot::channel::<()>();
    let (parked_tx, parked) = oneshot::channel::<()>();
    // B: parked until A's message comes; notes when it runs again.
    let b = pool
        .spawn_with_handle(noted(signal_when_parked(
            async move {
                let _ = rx.await;
                Instant::now()
            },
            move || {
                let _ = parked_tx.send(());
            },
        )))
        .expect("the pool accepts tasks");
    let _ = block_on(parked);
    thread::sleep(Duration::from_millis(1)); // B's poll has returned: it is parked, not running
    // A: wakes B, then blocks its pool thread.
    let a = pool
        .spawn_with_handle(noted(async move {
            let woke = Instant::now();
            if from_thread {
                thread::spawn(move || {
                    let _ = tx.send(());
                });
            } else {
                let _ = tx.send(()); // B goes back on the pool's shared queue
            }
            thread::sleep(STRAND_BLOCK);
            (woke, Instant::now())
        }))
        .expect("the pool accepts tasks");
    let (woke, freed) = block_on(a);
    StrandRound { woke, freed, resumed: block_on(b) }
}

/// The anti-pattern: the handler makes its blocking calls inline, in the task,
/// so the executor thread that polls it runs nothing else until they end.
async fn inline_calls(phase: Arc<Heartbeat>, jobs: usize, job: Duration) -> u64 {
    let mut done = 0;
    for _ in until_stopped(0..jobs) {
        done += u64::from(phase.blocking_call(INLINE_CALL, job)); // blocks this thread, and every task on it
    }
    done
}
