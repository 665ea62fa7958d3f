//! scheduling on tokio: tasks spawned with `tokio::spawn` and, for the
//! cooperative run, `tokio::task::yield_now()` after each step; the preemptive
//! run uses `spawn_blocking` threads. (tokio's coop budget makes *tokio's own*
//! resources return `Pending` now and then; code that never awaits is never
//! interrupted.)
//!
//! Run it: `cargo run -p demos-tokio -- scheduling --threads 1`

use std::sync::Arc;
use std::time::Instant;

use demos_core::scenario::scheduling::{
    COOPERATIVE, NO_YIELD, PREEMPTIVE, log_mode, preemptive_cpu, preemptive_steps, step,
};
use demos_core::timeline::Recorder;
use demos_core::workers::noted;
use demos_core::{Env, Observed, Scheduling, SchedulingConfig, SchedulingMetrics};
use tokio::task::{JoinSet, spawn_blocking, yield_now};

impl Scheduling for crate::Tokio {
    fn scheduling(&self, cfg: &SchedulingConfig, env: &Env) -> Observed<SchedulingMetrics> {
        let started = Instant::now();
        let rec = Arc::new(Recorder::new());
        let (cpu, mut cpu_times) = (preemptive_cpu(), Vec::new());
        let (rt, flavor) = crate::runtime(env);
        rt.block_on(async {
            for (mode, yielding) in [(NO_YIELD, false), (COOPERATIVE, true)] {
                log_mode(&env.log, mode);
                let mut set = JoinSet::new();
                for task in 0..cfg.tasks {
                    let (rec, cfg) = (rec.clone(), cfg.clone());
                    set.spawn(noted(async move {
                        for _ in 0..cfg.steps {
                            step(&rec, &cfg, mode, task);
                            if yielding {
                                yield_now().await; // the only point where the executor may switch tasks
                            }
                        }
                    }));
                }
                set.join_all().await;
            }
            log_mode(&env.log, PREEMPTIVE);
            // OS threads from the blocking pool, all confined to one CPU: the kernel must take turns.
            let threads: Vec<_> = (0..cfg.tasks)
                .map(|task| {
                    let (rec, cfg) = (rec.clone(), cfg.clone());
                    spawn_blocking(move || preemptive_steps(&rec, &cfg, task, cpu))
                })
                .collect();
            for thread in threads {
                cpu_times.push(thread.await.expect("steps do not panic"));
            }
        });
        let spans = rec.take();
        let metrics = SchedulingMetrics::from_spans(cfg, env, &spans, cpu, &cpu_times);
        Observed::new(format!("{flavor} + blocking pool"), started.elapsed(), metrics).with_spans(spans)
    }
}
