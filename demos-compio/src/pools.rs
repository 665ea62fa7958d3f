// claim: C-compio-blocking-pool
//! pools on compio: blocking jobs go to `compio::runtime::spawn_blocking`, the
//! calling core's own pool (each runtime has one, up to 256 threads; its
//! threads inherit the core's CPU pin, so blocking work shares that core). Each
//! handle gets a callback (`inspect`) and `FuturesUnordered` yields them as
//! they complete. The CPU jobs are tasks *placed* round-robin on the cores —
//! `compio::runtime::spawn` alone would run them all on this one. Then each job
//! runs in a child process: compio's `process` feature is not built here, so
//! the children are started and waited for with `std::process` on the
//! blocking pool.
//!
//! Run it: `cargo run -p demos-compio -- pools`

use std::process::Command;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::time::Instant;

use compio::runtime::spawn_blocking;
use compio::time::sleep;
use demos_core::child::{sum_of_output, sum_squares_args, worker_exe_for};
use demos_core::interrupt::{stoppable, until_stopped};
use demos_core::scenario::pools::{CpuRounds, PoolsScenario, ROUNDS, cpu_job, io_job, log_io_done};
use demos_core::{Env, Observed, Pools, PoolsConfig, PoolsMetrics, Runtime};

use ::futures::FutureExt;
use ::futures::future::join_all;
use ::futures::stream::{FuturesUnordered, StreamExt};

impl Pools for crate::Compio {
    fn pools(&self, cfg: &PoolsConfig, env: &Env) -> Observed<PoolsMetrics> {
        self.observe::<PoolsScenario, _>(cfg, env, " + blocking pool + child processes", |ex| async move {
            let mut m = PoolsMetrics::default();
            let work = cfg.cpu_work(env.threads);

            // Blocking I/O jobs on this core's blocking pool, each with a callback (`inspect`)
            // that runs as its result arrives; FuturesUnordered yields them as they complete.
            let delays = cfg.io_delays(env.seed);
            let callbacks = AtomicU64::new(0);
            let counted = &callbacks;
            let t = Instant::now();
            let pending: FuturesUnordered<_> = delays
                .iter()
                .enumerate()
                .map(|(i, &d)| {
                    spawn_blocking(move || {
                        io_job(d); // a blocking call, off the core's runtime thread
                        i
                    })
                    .map(|done| done.expect("an I/O job does not panic"))
                    .inspect(move |&i| log_io_done(&env.log, i, counted.fetch_add(1, Relaxed) as usize, d, t))
                })
                .collect();
            let finished: Vec<usize> = pending.collect().await;
            m.io(&finished, callbacks.into_inner(), t.elapsed(), &delays);

            let mut rounds = CpuRounds::default();
            for _ in until_stopped(0..ROUNDS) {
                let sequential = work.sequential();
                let t = Instant::now();
                // One task per job, placed round-robin: one core computes one job at a time.
                // ANCHOR: cpu_jobs
                let parallel = join_all((0..work.jobs).map(|j| {
                    let range = work.range(j);
                    ex.place(move || async move { cpu_job(range) })
                }))
                .await;
                // ANCHOR_END: cpu_jobs
                rounds.add(&sequential, &parallel, t.elapsed());
            }
            m.cpu(&work, &rounds);

            // The same jobs in child processes, a pool of --threads of them at a time.
            let t = Instant::now();
            let mut sums = Vec::with_capacity(work.jobs);
            for batch in until_stopped(work.batches(env.threads)) {
                let outputs = join_all(batch.map(|j| {
                    let mut command = Command::new(worker_exe_for(self.name()));
                    command.args(sum_squares_args(work.range(j)));
                    spawn_blocking(move || command.output())
                }));
                let outputs = stoppable(outputs, sleep).await.unwrap_or_default();
                sums.extend(outputs.into_iter().map(|job| {
                    sum_of_output(&job.unwrap_or_else(|e| Err(std::io::Error::other(e.to_string()))))
                }));
            }
            m.processes(env.threads, &rounds, &sums, t.elapsed());
            m
        })
    }
}
