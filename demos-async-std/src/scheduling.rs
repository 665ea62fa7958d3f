//! scheduling on async-std: tasks spawned with `task::spawn_local` on the
//! `block_on` thread (one thread, whatever `--threads` says) and, for the
//! cooperative run, `async_std::task::yield_now()` after each step; the
//! preemptive run uses `task::spawn_blocking` threads; last, with `--threads N`
//! above one, the no-yield tasks again with `task::spawn` on the global
//! executor of N threads.
//!
//! Run it: `cargo run -p demos-async-std -- scheduling`

use std::sync::Arc;

use async_std::task::{spawn_blocking, yield_now};
use demos_core::scenario::scheduling::{
    COOPERATIVE, NO_YIELD, OneCpu, PREEMPTIVE, SPREAD, SchedulingScenario, log_mode, step,
};
use demos_core::timeline::Recorder;
use demos_core::{Env, Observed, Runtime, Scheduling, SchedulingConfig, SchedulingMetrics};

use ::futures::future::join_all;

use crate::Exec;

impl Scheduling for crate::AsyncStd {
    fn scheduling(&self, cfg: &SchedulingConfig, env: &Env) -> Observed<SchedulingMetrics> {
        // One executor names the flavour; the one-thread executor before it is added below.
        let mut seen = crate::observe_recorded::<SchedulingScenario, _>(cfg, env, "", |ex| async move {
            let rec = Arc::new(Recorder::new());
            // One worker for the first two phases: the cooperative scheduler bare.
            for (mode, yielding) in [(NO_YIELD, false), (COOPERATIVE, true)] {
                log_mode(env, mode);
                spawn_steps(Exec::Local, &rec, cfg, mode, yielding).await;
            }
            log_mode(env, PREEMPTIVE);
            // OS threads from the blocking pool, all on one CPU: the kernel must take turns.
            let one_cpu = Arc::new(OneCpu::new(cfg.tasks));
            let runs = join_all((0..cfg.tasks).map(|task| {
                let (rec, cfg, one_cpu) = (rec.clone(), cfg.clone(), one_cpu.clone());
                spawn_blocking(move || one_cpu.run(&rec, &cfg, task))
            }))
            .await;
            if env.threads > 1 {
                log_mode(env, SPREAD);
                spawn_steps(ex, &rec, cfg, SPREAD, false).await;
            }
            let spans = rec.take();
            (SchedulingMetrics::from_spans(cfg, env, &spans, &runs), spans)
        });
        if env.threads == 1 {
            seen.flavor.push_str(" + blocking pool");
        } else if crate::in_process(env.threads).is_some() {
            // (A child process, run for another size of the global executor, names its own.)
            seen.flavor = format!("{} + blocking pool, then {}", self.flavor(1), seen.flavor);
        }
        seen
    }
}

/// Spawn the tasks with `ex` and wait for them all.
async fn spawn_steps(
    ex: Exec,
    rec: &Arc<Recorder>,
    cfg: &SchedulingConfig,
    mode: &'static str,
    yielding: bool,
) {
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
