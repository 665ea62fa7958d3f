//! scheduling on compio: tasks spawned on one core's runtime (one thread,
//! whatever `--threads` says) and, for the cooperative run, `yield_now()` after
//! each step; the preemptive run uses `compio::runtime::spawn_blocking`
//! threads; last, with `--threads N` above one, the no-yield tasks again,
// claim: C-compio-tasks-stay-on-core
//! *placed* round-robin on N cores. Nothing steals: a task waits for the core
//! it was placed on even while another core is idle.
//!
//! Run it: `cargo run -p demos-compio -- scheduling`

use std::sync::Arc;
use std::time::Instant;

use compio::runtime::spawn_blocking;
use demos_core::scenario::scheduling::{COOPERATIVE, NO_YIELD, OneCpu, PREEMPTIVE, SPREAD, log_mode, step};
use demos_core::timeline::Recorder;
use demos_core::{Env, Observed, Scheduling, SchedulingConfig, SchedulingMetrics};

use ::futures::future::join_all;

use crate::{Exec, yield_now};

impl Scheduling for crate::Compio {
    fn scheduling(&self, cfg: &SchedulingConfig, env: &Env) -> Observed<SchedulingMetrics> {
        let started = Instant::now();
        let rec = Arc::new(Recorder::new());
        let rec = &rec;
        // One core for the first two phases: the cooperative scheduler bare.
        let one_core = Env { threads: 1, ..env.clone() };
        let (runs, flavor) = self.run(&one_core, |ex| async move {
            for (mode, yielding) in [(NO_YIELD, false), (COOPERATIVE, true)] {
                log_mode(env, mode);
                spawn_steps(&ex, rec, cfg, mode, yielding, false).await;
            }
            log_mode(env, PREEMPTIVE);
            // OS threads from the core's blocking pool, all on one CPU: the kernel must take turns.
            let one_cpu = Arc::new(OneCpu::new(cfg.tasks));
            join_all((0..cfg.tasks).map(|task| {
                let (rec, cfg, one_cpu) = (rec.clone(), cfg.clone(), one_cpu.clone());
                spawn_blocking(move || one_cpu.run(&rec, &cfg, task))
            }))
            .await
            .into_iter()
            .map(|run| run.expect("a blocking job does not panic"))
            .collect::<Vec<_>>()
        });
        let mut flavor = format!("{flavor} + blocking pool");
        if env.threads > 1 {
            log_mode(env, SPREAD);
            let ((), spread) =
                self.run(env, |ex| async move { spawn_steps(&ex, rec, cfg, SPREAD, false, true).await });
            flavor = format!("{flavor}, then {spread}");
        }
        let spans = rec.take();
        let metrics = SchedulingMetrics::from_spans(cfg, env, &spans, &runs);
        Observed::new(flavor, started.elapsed(), metrics).with_spans(spans)
    }
}

/// Spawn the tasks and wait for them all: here on this core, or `placed`
/// round-robin over the cores.
async fn spawn_steps(
    ex: &Exec,
    rec: &Arc<Recorder>,
    cfg: &SchedulingConfig,
    mode: &'static str,
    yielding: bool,
    placed: bool,
) {
    let task = |task: usize| {
        let (rec, cfg) = (rec.clone(), cfg.clone());
        async move {
            for _ in 0..cfg.steps {
                step(&rec, &cfg, mode, task);
                if yielding {
                    yield_now().await; // the only point where the runtime may switch tasks
                }
            }
        }
    };
    // ANCHOR: placed
    if placed {
        join_all((0..cfg.tasks).map(|t| {
            let task = task(t);
            ex.place(move || task)
        }))
        .await;
    } else {
        for done in join_all((0..cfg.tasks).map(|t| ex.spawn(task(t)))).await {
            done.expect("a step does not panic");
        }
    }
    // ANCHOR_END: placed
}
