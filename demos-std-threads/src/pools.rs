//! pools on plain threads: each blocking I/O job gets a scoped thread of its
//! own and reports on a crossbeam channel, which yields results as they
//! complete; its callback runs on the job's thread. The CPU jobs run on a rayon
//! pool of `--threads` threads (`par_iter`), and then again as child processes
//! of this binary through `std::process` (a hidden `__sum-squares` subcommand)
// claim: C-std-processes-startup
//! — no GIL to escape in Rust, so the processes only add start-up cost.
//!
//! Run it: `cargo run -p demos-std-threads -- pools`

use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::thread;
use std::time::{Duration, Instant};

use demos_core::child::{sum_of_output, sum_squares_args, worker_exe_for};
use demos_core::interrupt::{self, until_stopped};
use demos_core::scenario::pools::{CpuRounds, CpuWork, ROUNDS, cpu_job, log_io_done};
use demos_core::{Env, Observed, Pools, PoolsConfig, PoolsMetrics, Runtime};
use rayon::prelude::*;

impl Pools for crate::StdThreads {
    fn pools(&self, cfg: &PoolsConfig, env: &Env) -> Observed<PoolsMetrics> {
        let started = Instant::now();
        let mut m = PoolsMetrics::default();
        let delays = cfg.io_delays(env.seed);
        let t = Instant::now();
        let (done, completions) = crossbeam_channel::unbounded();
        let callbacks = AtomicU64::new(0);
        let finished: Vec<usize> = thread::scope(|scope| {
            for (i, &d) in delays.iter().enumerate() {
                let (done, log, callbacks) = (done.clone(), &env.log, &callbacks);
                let on_done = move || log_io_done(log, i, callbacks.fetch_add(1, Relaxed) as usize, d, t); // the callback
                thread::Builder::new()
                    .name(format!("io-{i}"))
                    .spawn_scoped(scope, move || {
                        interrupt::sleep(d); // the blocking call
                        on_done();
                        done.send(i).expect("the receiver outlives the jobs");
                    })
                    .expect("the OS can start a thread");
            }
            drop(done);
            completions.iter().collect() // as completed: the channel yields ids in finishing order
        });
        m.io(&finished, callbacks.load(Relaxed), t.elapsed(), &delays);

        let work = cfg.cpu_work(env.threads);
        let (pool, flavor) = crate::pool(env);
        let mut rounds = CpuRounds::default();
        for _ in until_stopped(0..ROUNDS) {
            let sequential = work.sequential();
            let t = Instant::now();
            // The jobs on the rayon pool: at most --threads of them compute at once.
            let parallel: Vec<(u64, u64)> = pool.install(|| {
                (0..work.jobs)
                    .into_par_iter()
                    .map(|j| {
                        demos_core::workers::note(); // this pool thread ran a job (the report's workers_observed)
                        cpu_job(work.range(j))
                    })
                    .collect()
            });
            rounds.add(&sequential, &parallel, t.elapsed());
        }
        m.cpu(&work, &rounds);

        let t = Instant::now();
        let by_process = process_pool(&worker_exe_for(self.name()), &work, env.threads);
        m.processes(env.threads, &rounds, &by_process, t.elapsed());
        Observed::new(format!("{flavor}, a thread per I/O job, child processes"), started.elapsed(), m)
    }
}

/// Run the CPU jobs in child processes, a pool of `width` of them at a time,
/// and collect their sums in job order. Ctrl-C kills the children still
/// running; their sums are missing.
fn process_pool(exe: &Path, work: &CpuWork, width: usize) -> Vec<u64> {
    let mut sums = Vec::with_capacity(work.jobs);
    for batch in until_stopped(work.batches(width)) {
        let mut children: Vec<_> = batch
            .map(|j| {
                Command::new(exe)
                    .args(sum_squares_args(work.range(j)))
                    .stdin(Stdio::null())
                    .stdout(Stdio::piped())
                    .spawn()
                    .unwrap_or_else(|e| panic!("cannot start {}: {e}", exe.display()))
            })
            .collect();
        while !children.iter_mut().all(|c| matches!(c.try_wait(), Ok(Some(_)))) {
            if interrupt::requested() {
                children.iter_mut().for_each(|c| drop(c.kill()));
            }
            thread::sleep(Duration::from_millis(1)); // short: this wait is part of what process_ms measures
        }
        sums.extend(children.into_iter().map(|c| {
            sum_of_output(&c.wait_with_output()) // a wrong sum fails the check
        }));
    }
    sums
}
