//! scheduling on tokio: tasks spawned with `tokio::spawn` on a `current_thread`
//! runtime (one worker, whatever `--threads` says) and, for the cooperative
//! run, `tokio::task::yield_now()` after each step; the preemptive run uses
//! `spawn_blocking` threads; last, with `--threads N` above one, the no-yield
//! tasks again on a `multi_thread` runtime of N workers. (tokio's coop budget
//! makes *tokio's own* resources return `Pending` now and then; code that never
//! awaits is never interrupted.)
//!
//! Run it: `cargo run -p demos-tokio -- scheduling`

use std::sync::Arc;
use std::time::Instant;

use demos_core::scenario::scheduling::{COOPERATIVE, NO_YIELD, OneCpu, PREEMPTIVE, SPREAD, log_mode, step};
use demos_core::timeline::Recorder;
use demos_core::{Env, Observed, Runtime, Scheduling, SchedulingConfig, SchedulingMetrics};
use tokio::task::{spawn_blocking, yield_now};

use ::futures::FutureExt;
use ::futures::future::join_all;

use crate::{Exec, build_runtime};

impl Scheduling for crate::Tokio {
    fn scheduling(&self, cfg: &SchedulingConfig, env: &Env) -> Observed<SchedulingMetrics> {
        let started = Instant::now();
        demos_core::workers::adopt(&env.workers);
        let rec = Arc::new(Recorder::new());
        // One worker for the first two phases: the cooperative scheduler bare.
        let runs = build_runtime(1).block_on(async {
            for (mode, yielding) in [(NO_YIELD, false), (COOPERATIVE, true)] {
                log_mode(env, mode);
                spawn_steps(&rec, cfg, mode, yielding).await;
            }
            log_mode(env, PREEMPTIVE);
            // OS threads from the blocking pool, all on one CPU: the kernel must take turns.
            let one_cpu = Arc::new(OneCpu::new(cfg.tasks));
            join_all((0..cfg.tasks).map(|task| {
                let (rec, cfg, one_cpu) = (rec.clone(), cfg.clone(), one_cpu.clone());
                spawn_blocking(move || one_cpu.run(&rec, &cfg, task))
                    .map(|joined| joined.expect("steps do not panic"))
            }))
            .await
        });
        let mut flavor = format!("{} + blocking pool", self.flavor(1));
        if env.threads > 1 {
            flavor = format!("{flavor}, then {}", self.flavor(env.threads));
            log_mode(env, SPREAD);
            build_runtime(env.threads).block_on(spawn_steps(&rec, cfg, SPREAD, false));
        }
        let spans = rec.take();
        let metrics = SchedulingMetrics::from_spans(cfg, env, &spans, &runs);
        Observed::new(flavor, started.elapsed(), metrics).with_spans(spans)
    }
}

/// Spawn the tasks on the runtime this runs in and wait for them all.
async fn spawn_steps(rec: &Arc<Recorder>, cfg: &SchedulingConfig, mode: &'static str, yielding: bool) {
    join_all((0..cfg.tasks).map(|task| {
        let (rec, cfg) = (rec.clone(), cfg.clone());
        Exec.spawn(async move {
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
