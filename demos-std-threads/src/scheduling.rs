//! scheduling without an async runtime: the tasks run on the `futures` crate's
//! executors — `LocalPool` on the calling thread for `--threads 1`, a
//! `ThreadPool` otherwise. The crate has no `yield_now`, so [`YieldNow`] below
//! is the whole of it: wake yourself, return `Pending` once. Beware: a
//! `ThreadPool` re-polls a task that woke itself during `poll` at once, on the
//! same thread, so on it this "yield" does not let other tasks in; `LocalPool`
//! queues the task behind the others. The preemptive run uses scoped threads.
//!
//! Run it: `cargo run -p demos-std-threads -- scheduling --threads 1`

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::thread;
use std::time::Instant;

use demos_core::scenario::scheduling::{
    COOPERATIVE, NO_YIELD, PREEMPTIVE, log_mode, preemptive_cpu, preemptive_steps, step,
};
use demos_core::timeline::Recorder;
use demos_core::workers::noted;
use demos_core::{Env, Observed, Scheduling, SchedulingConfig, SchedulingMetrics};
use futures::executor::{LocalPool, block_on};
use futures::future::{RemoteHandle, join_all};
use futures::task::{Spawn, SpawnExt};

/// A future that returns `Pending` once, after asking to be polled again: the
/// executor puts the task at the back of its queue and runs the others first.
pub(crate) struct YieldNow(pub(crate) bool);

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

impl Scheduling for crate::StdThreads {
    fn scheduling(&self, cfg: &SchedulingConfig, env: &Env) -> Observed<SchedulingMetrics> {
        let started = Instant::now();
        let rec = Arc::new(Recorder::new());
        demos_core::workers::adopt(&env.workers); // the LocalPool's tasks are noted too
        let pool = (env.threads > 1).then(|| crate::futures_pool(env));
        for (mode, yielding) in [(NO_YIELD, false), (COOPERATIVE, true)] {
            log_mode(&env.log, mode);
            if yielding && pool.is_some() {
                env.log.line(
                    "the futures ThreadPool polls a task that woke itself again at once, on the same thread: \
                     this yield lets no other task in (--threads 1 runs a LocalPool, which queues it behind the others)",
                );
            }
            let spawn_all = |spawner: &dyn Spawn| -> Vec<RemoteHandle<()>> {
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
            };
            match &pool {
                Some(pool) => block_on(join_all(spawn_all(pool))),
                None => {
                    let mut local = LocalPool::new();
                    let handles = spawn_all(&local.spawner());
                    local.run_until(join_all(handles))
                }
            };
        }
        log_mode(&env.log, PREEMPTIVE);
        // Scoped OS threads, all confined to one CPU: the kernel must take turns.
        let cpu = preemptive_cpu();
        let cpu_times: Vec<_> = thread::scope(|scope| {
            let threads: Vec<_> = (0..cfg.tasks)
                .map(|task| {
                    let rec = &rec;
                    scope.spawn(move || preemptive_steps(rec, cfg, task, cpu))
                })
                .collect();
            threads.into_iter().map(|t| t.join().expect("steps do not panic")).collect()
        });
        let spans = rec.take();
        let metrics = SchedulingMetrics::from_spans(cfg, env, &spans, cpu, &cpu_times);
        let flavor = match env.threads {
            1 => "futures LocalPool, 1 thread + OS threads".to_string(),
            n => format!("futures ThreadPool, {n} threads + OS threads"),
        };
        Observed::new(flavor, started.elapsed(), metrics).with_spans(spans)
    }
}
