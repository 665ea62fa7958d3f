//! pools on smol: blocking jobs go to `smol::unblock`, the `blocking` crate's
//! global pool — grown on demand up to 500 threads (`BLOCKING_MAX_THREADS`),
//! separate from the executor's threads. Each `Task` gets a callback
//! (`inspect`) and `FuturesUnordered` yields them as they complete.
//!
//! Run it: `cargo run -p demos-smol -- pools`

use std::time::Instant;

use demos_core::scenario::pools::sum_of_squares;
use demos_core::{Env, Observed, Pools, PoolsConfig, PoolsMetrics};
use smol::unblock;

impl Pools for crate::Smol {
    fn pools(&self, cfg: &PoolsConfig, env: &Env) -> Observed<PoolsMetrics> {
        let started = Instant::now();
        let mut m = PoolsMetrics::default();
        let jobs = cfg.cpu_jobs(env.threads);
        let (sequential, sequential_time) = cfg.sequential(jobs);
        let metrics = &mut m;
        let ((), flavor) = crate::run(env, |_| async move {
            let delays = cfg.io_delays(env.seed);
            metrics.io_round(&delays, &env.log, unblock).await;

            let t = Instant::now();
            let tasks: Vec<_> = (0..jobs)
                .map(|j| {
                    let range = cfg.cpu_range(j);
                    unblock(move || sum_of_squares(range))
                })
                .collect();
            let mut parallel = Vec::with_capacity(jobs);
            for task in tasks {
                parallel.push(task.await);
            }
            metrics.cpu((&sequential, sequential_time), (&parallel, t.elapsed()));
        });
        Observed::new(format!("{flavor} + blocking pool"), started.elapsed(), m)
    }
}
