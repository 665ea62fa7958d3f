//! scheduling on smol: tasks spawned on a `LocalExecutor` (one thread, whatever
//! `--threads` says) and, for the cooperative run, `smol::future::yield_now()`
//! after each step; the preemptive run uses `smol::unblock` threads; last, with
//! `--threads N` above one, the no-yield tasks again on an `Executor` run by N
//! threads.
//!
//! Run it: `cargo run -p demos-smol -- scheduling`

use std::sync::Arc;
use std::time::Instant;

use demos_core::scenario::scheduling::{COOPERATIVE, NO_YIELD, OneCpu, PREEMPTIVE, SPREAD, log_mode, step};
use demos_core::timeline::Recorder;
use demos_core::{Env, Observed, Runtime, Scheduling, SchedulingConfig, SchedulingMetrics};
use smol::future::yield_now;
use smol::unblock;

use ::futures::future::join_all;

use crate::Exec;

impl Scheduling for crate::Smol {
    fn scheduling(&self, cfg: &SchedulingConfig, env: &Env) -> Observed<SchedulingMetrics> {
        let started = Instant::now();
        let rec = Arc::new(Recorder::new());
        let rec = &rec;
        // One worker for the first two phases: the cooperative scheduler bare.
        let one_worker = Env { threads: 1, ..env.clone() };
        let (runs, _) = crate::run(&one_worker, |ex| async move {
            for (mode, yielding) in [(NO_YIELD, false), (COOPERATIVE, true)] {
                log_mode(env, mode);
                spawn_steps(&ex, rec, cfg, mode, yielding).await;
            }
            log_mode(env, PREEMPTIVE);
            // OS threads from the blocking pool, all on one CPU: the kernel must take turns.
            let one_cpu = Arc::new(OneCpu::new(cfg.tasks));
            join_all((0..cfg.tasks).map(|task| {
                let (rec, cfg, one_cpu) = (rec.clone(), cfg.clone(), one_cpu.clone());
                unblock(move || one_cpu.run(&rec, &cfg, task))
            }))
            .await
        });
        let mut flavor = format!("{} + blocking pool", self.flavor(1));
        if env.threads > 1 {
            flavor = format!("{flavor}, then {}", self.flavor(env.threads));
            log_mode(env, SPREAD);
            crate::run(env, |ex| async move { spawn_steps(&ex, rec, cfg, SPREAD, false).await });
        }
        let spans = rec.take();
        let metrics = SchedulingMetrics::from_spans(cfg, env, &spans, &runs);
        Observed::new(flavor, started.elapsed(), metrics).with_spans(spans)
    }
}

/// Spawn the tasks on `ex` and wait for them all.
async fn spawn_steps(
    ex: &Exec,
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
