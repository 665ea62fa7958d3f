//! scheduling without an async runtime: the tasks run on the `futures` crate's
//! executors — a `LocalPool` on the calling thread for the no-yield and
//! cooperative runs (one thread, whatever `--threads` says), then, with
//! `--threads N` above one, the no-yield tasks again on a `ThreadPool` of N
// claim: C-futures-no-timer-pool
//! threads. The crate has no `yield_now`, so [`YieldNow`] below is the whole
// claim: C-futures-localpool-queues
//! of it: wake yourself, return `Pending` once; `LocalPool` queues the task
// claim: C-futures-threadpool-repoll
//! behind the others. (A `ThreadPool` re-polls a task that woke itself during
//! `poll` at once, on the same thread, so there this "yield" would let no
//! other task in.) The preemptive run uses scoped threads.
//!
//! Run it: `cargo run -p demos-std-threads -- scheduling`

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::thread;
use std::time::Instant;

use demos_core::scenario::scheduling::{COOPERATIVE, NO_YIELD, OneCpu, PREEMPTIVE, SPREAD, log_mode, step};
use demos_core::timeline::Recorder;
use demos_core::workers::noted;
use demos_core::{Env, Observed, Scheduling, SchedulingConfig, SchedulingMetrics};
use futures::executor::{LocalPool, block_on};
use futures::future::{RemoteHandle, join_all};
use futures::task::{Spawn, SpawnExt};

// claim: C-futures-threadpool-repoll
/// A future that returns `Pending` once, after asking to be polled again: a
/// `LocalPool` puts the task at the back of its queue and runs the others first
/// (a `ThreadPool` would poll it again at once).
pub(crate) struct YieldNow(pub(crate) bool);

// ANCHOR: yield_now
impl Future for YieldNow {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.0 {
            return Poll::Ready(());
        }
        self.0 = true;
        cx.waker().wake_by_ref(); // without this wake the task would never run again
        Poll::Pending
    }
}
// ANCHOR_END: yield_now

impl Scheduling for crate::StdThreads {
    fn scheduling(&self, cfg: &SchedulingConfig, env: &Env) -> Observed<SchedulingMetrics> {
        let started = Instant::now();
        let rec = Arc::new(Recorder::new());
        demos_core::workers::adopt(&env.workers); // the LocalPool's tasks are noted too
        // One thread for the first two phases: the cooperative scheduler bare.
        // ANCHOR: local_pool
        for (mode, yielding) in [(NO_YIELD, false), (COOPERATIVE, true)] {
            log_mode(env, mode);
            let mut local = LocalPool::new();
            let handles = spawn_steps(&local.spawner(), &rec, cfg, mode, yielding);
            local.run_until(join_all(handles));
        }
        // ANCHOR_END: local_pool
        log_mode(env, PREEMPTIVE);
        // Scoped OS threads, all on one CPU: the kernel must take turns.
        let one_cpu = OneCpu::new(cfg.tasks);
        let runs: Vec<_> = thread::scope(|scope| {
            let threads: Vec<_> = (0..cfg.tasks)
                .map(|task| {
                    let (rec, one_cpu) = (&rec, &one_cpu);
                    scope.spawn(move || one_cpu.run(rec, cfg, task))
                })
                .collect();
            threads.into_iter().map(|t| t.join().expect("steps do not panic")).collect()
        });
        let mut flavor = "futures LocalPool, 1 thread + scoped threads".to_string();
        if env.threads > 1 {
            flavor = format!("{flavor}, then futures ThreadPool, {} threads", env.threads);
            log_mode(env, SPREAD);
            let pool = crate::futures_pool(env);
            block_on(join_all(spawn_steps(&pool, &rec, cfg, SPREAD, false)));
        }
        let spans = rec.take();
        let metrics = SchedulingMetrics::from_spans(cfg, env, &spans, &runs);
        Observed::new(flavor, started.elapsed(), metrics).with_spans(spans)
    }
}

/// Spawn the tasks on `spawner`; the handles resolve as they finish.
fn spawn_steps(
    spawner: &dyn Spawn,
    rec: &Arc<Recorder>,
    cfg: &SchedulingConfig,
    mode: &'static str,
    yielding: bool,
) -> Vec<RemoteHandle<()>> {
    (0..cfg.tasks)
        .map(|task| {
            let (rec, cfg) = (rec.clone(), cfg.clone());
            spawner
                .spawn_with_handle(noted(async move {
                    for _ in 0..cfg.steps {
                        step(&rec, &cfg, mode, task);
                        if yielding {
                            YieldNow(false).await; // the only point where the executor may switch tasks
                        }
                    }
                }))
                .expect("the executor accepts tasks")
        })
        .collect()
}
