//! pools on tokio: blocking jobs go to `tokio::task::spawn_blocking`, tokio's
//! blocking pool — separate from the async workers, grown on demand up to 512
//! threads, so `--threads` does not bound it. Each handle gets a callback
//! (`inspect`) and `FuturesUnordered` yields them as they complete.
//!
//! Run it: `cargo run -p demos-tokio -- pools`

use std::time::Instant;

use ::futures::FutureExt;
use demos_core::scenario::pools::sum_of_squares;
use demos_core::{Env, Observed, Pools, PoolsConfig, PoolsMetrics};
use tokio::task::spawn_blocking;

impl Pools for crate::Tokio {
    fn pools(&self, cfg: &PoolsConfig, env: &Env) -> Observed<PoolsMetrics> {
        let started = Instant::now();
        let (rt, flavor) = crate::runtime(env);
        let mut m = PoolsMetrics::default();
        let jobs = cfg.cpu_jobs(env.threads);
        let (sequential, sequential_time) = cfg.sequential(jobs);
        rt.block_on(async {
            let delays = cfg.io_delays(env.seed);
            m.io_round(&delays, &env.log, |job| {
                spawn_blocking(job).map(|joined| joined.expect("the job does not panic"))
            })
            .await;

            let t = Instant::now();
            let handles: Vec<_> = (0..jobs)
                .map(|j| {
                    let range = cfg.cpu_range(j);
                    spawn_blocking(move || sum_of_squares(range))
                })
                .collect();
            let mut parallel = Vec::with_capacity(jobs);
            for handle in handles {
                parallel.push(handle.await.expect("the job does not panic"));
            }
            m.cpu((&sequential, sequential_time), (&parallel, t.elapsed()));
        });
        Observed::new(format!("{flavor} + blocking pool"), started.elapsed(), m)
    }
}
