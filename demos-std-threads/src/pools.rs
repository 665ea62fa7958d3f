//! pools on plain threads: each blocking I/O job gets a scoped thread of its
//! own and reports on a crossbeam channel, which yields results as they
//! complete; its callback runs on the job's thread. The CPU jobs run on a rayon
//! pool of `--threads` threads (`par_iter`), and then again as child processes
//! of this binary (a hidden `__sum-squares` subcommand) — no GIL to escape in
//! Rust, so the processes only add start-up cost.
//!
//! Run it: `cargo run -p demos-std-threads -- pools`

use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::thread;
use std::time::{Duration, Instant};

use demos_core::interrupt::{self, until_stopped};
use demos_core::scenario::pools::{log_io_done, sum_of_squares};
use demos_core::{Env, Observed, Pools, PoolsConfig, PoolsMetrics, child};
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
                let on_done = move || log_io_done(log, i, callbacks.fetch_add(1, Relaxed) as usize, d); // the callback
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

        let jobs = cfg.cpu_jobs(env.threads);
        let (sequential, sequential_time) = cfg.sequential(jobs);
        let (pool, flavor) = crate::pool(env);
        let t = Instant::now();
        let parallel: Vec<u64> = pool.install(|| {
            (0..jobs)
                .into_par_iter()
                .map(|j| {
                    demos_core::workers::note(); // this pool thread ran a job (the report's workers_observed)
                    sum_of_squares(cfg.cpu_range(j))
                })
                .collect()
        });
        m.cpu((&sequential, sequential_time), (&parallel, t.elapsed()));

        let t = Instant::now();
        let by_process = process_pool(cfg, jobs);
        m.process_ms = Some(t.elapsed().as_secs_f64() * 1e3);
        m.process_results_match = Some(by_process == sequential);
        Observed::new(format!("{flavor}, a thread per I/O job, {jobs} child processes"), started.elapsed(), m)
    }
}

/// Run each CPU job in a child process at once, and collect their sums in job
/// order. Ctrl-C kills the children still running; their sums are missing.
fn process_pool(cfg: &PoolsConfig, jobs: usize) -> Vec<u64> {
    let exe = crate::worker_exe();
    let mut children: Vec<_> = until_stopped(0..jobs)
        .map(|j| {
            let range = cfg.cpu_range(j);
            Command::new(&exe)
                .args([child::SUM_SQUARES, &range.start.to_string(), &range.end.to_string()])
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
    children
        .into_iter()
        .map(|c| {
            let out = c.wait_with_output().expect("the child runs");
            String::from_utf8_lossy(&out.stdout).trim().parse().unwrap_or(u64::MAX) // a wrong sum fails the check
        })
        .collect()
}
