// claim: C-async-std-blocking-pool
//! pools on async-std: blocking jobs go to `async_std::task::spawn_blocking`,
//! the `blocking` crate's pool (the one smol's `unblock` uses), beside the
//! global executor's threads; the handle is a task on the global executor.
//! Each `JoinHandle` gets a callback (`inspect`) and `FuturesUnordered` yields
//! them as they complete. The CPU jobs are tasks on the executor's threads (`--threads` of
//! them); then each runs in a child process through `async_std::process`.
//!
//! Run it: `cargo run -p demos-async-std -- pools`

use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::time::Instant;

use async_std::process::Command;
use async_std::task::{sleep, spawn_blocking};
use demos_core::child::{sum_of_output, sum_squares_args, worker_exe_for};
use demos_core::interrupt::{stoppable, until_stopped};
use demos_core::scenario::pools::{CpuRounds, PoolsScenario, ROUNDS, cpu_job, io_job, log_io_done};
use demos_core::{Env, Observed, Pools, PoolsConfig, PoolsMetrics, Runtime};

use ::futures::FutureExt;
use ::futures::future::join_all;
use ::futures::stream::{FuturesUnordered, StreamExt};

impl Pools for crate::AsyncStd {
    fn pools(&self, cfg: &PoolsConfig, env: &Env) -> Observed<PoolsMetrics> {
        crate::observe::<PoolsScenario, _>(cfg, env, " + blocking pool + child processes", |ex| async move {
            let mut m = PoolsMetrics::default();
            let work = cfg.cpu_work(env.threads);

            // Blocking I/O jobs on the blocking pool, each with a callback (`inspect`) that
            // runs as its result arrives; FuturesUnordered yields them as they complete.
            let delays = cfg.io_delays(env.seed);
            let callbacks = AtomicU64::new(0);
            let counted = &callbacks;
            let t = Instant::now();
            let pending: FuturesUnordered<_> = delays
                .iter()
                .enumerate()
                .map(|(i, &d)| {
                    spawn_blocking(move || {
                        io_job(d); // a blocking call, off the executor's threads
                        i
                    })
                    .inspect(move |&i| log_io_done(&env.log, i, counted.fetch_add(1, Relaxed) as usize, d, t))
                })
                .collect();
            let finished: Vec<usize> = pending.collect().await;
            m.io(&finished, callbacks.into_inner(), t.elapsed(), &delays);

            let mut rounds = CpuRounds::default();
            for _ in until_stopped(0..ROUNDS) {
                let sequential = work.sequential();
                let t = Instant::now();
                // One task per job on the executor: at most --threads of them compute at once.
                let parallel = join_all((0..work.jobs).map(|j| {
                    let range = work.range(j);
                    ex.spawn(async move { cpu_job(range) })
                }))
                .await;
                rounds.add(&sequential, &parallel, t.elapsed());
            }
            m.cpu(&work, &rounds);

            // The same jobs in child processes, a pool of --threads of them at a time;
            // dropped (Ctrl-C) they are killed.
            let t = Instant::now();
            let mut sums = Vec::with_capacity(work.jobs);
            for batch in until_stopped(work.batches(env.threads)) {
                let mut commands: Vec<Command> = batch
                    .map(|j| {
                        let mut command = Command::new(worker_exe_for(self.name()));
                        command.args(sum_squares_args(work.range(j))).kill_on_drop(true);
                        command
                    })
                    .collect();
                let outputs = join_all(commands.iter_mut().map(Command::output));
                let outputs = stoppable(outputs, sleep).await.unwrap_or_default();
                sums.extend(outputs.iter().map(sum_of_output));
            }
            m.processes(env.threads, &rounds, &sums, t.elapsed());
            m
        })
    }
}
