//! scheduling on tokio: tasks spawned with `tokio::spawn` and, for the
//! cooperative run, `tokio::task::yield_now()` after each step; the preemptive
//! run uses `spawn_blocking` threads. (tokio's coop budget makes *tokio's own*
//! resources return `Pending` now and then; code that never awaits is never
//! interrupted.)
//!
//! Run it: `cargo run -p demos-tokio -- scheduling --threads 1`

use std::sync::Arc;

use demos_core::scenario::scheduling::{
    COOPERATIVE, NO_YIELD, PREEMPTIVE, SchedulingScenario, log_mode, preemptive_cpu, preemptive_steps, step,
};
use demos_core::timeline::Recorder;
use demos_core::{Env, Observed, Scheduling, SchedulingConfig, SchedulingMetrics};
use tokio::task::{spawn_blocking, yield_now};

use ::futures::FutureExt;
use ::futures::future::join_all;

impl Scheduling for crate::Tokio {
    fn scheduling(&self, cfg: &SchedulingConfig, env: &Env) -> Observed<SchedulingMetrics> {
        crate::observe_recorded::<SchedulingScenario, _>(cfg, env, " + blocking pool", |ex| async move {
            let rec = Arc::new(Recorder::new());
            for (mode, yielding) in [(NO_YIELD, false), (COOPERATIVE, true)] {
                log_mode(&env.log, mode);
                join_all((0..cfg.tasks).map(|task| {
                    let (rec, cfg) = (rec.clone(), cfg.clone());
                    ex.spawn(async move {
                        for _ in 0..cfg.steps {
                            step(&rec, &cfg, mode, task);
                            if yielding {
                                yield_now().await; // the only point where the executor may switch tasks
                            }
                        }
                    })
                }))
                .await;
            }
            log_mode(&env.log, PREEMPTIVE);
            // OS threads from the blocking pool, all confined to one CPU: the kernel must take turns.
            let cpu = preemptive_cpu();
            let cpu_times = join_all((0..cfg.tasks).map(|task| {
                let (rec, cfg) = (rec.clone(), cfg.clone());
                spawn_blocking(move || preemptive_steps(&rec, &cfg, task, cpu))
                    .map(|joined| joined.expect("steps do not panic"))
            }))
            .await;
            let spans = rec.take();
            (SchedulingMetrics::from_spans(cfg, env, &spans, cpu, &cpu_times), spans)
        })
    }
}
