//! pools on async-std: blocking jobs go to `async_std::task::spawn_blocking`,
//! a pool of its own beside the global executor's threads. Each `JoinHandle`
//! gets a callback (`inspect`) and `FuturesUnordered` yields them as they
//! complete.
//!
//! Run it: `cargo run -p demos-async-std -- pools`

use std::time::Instant;

use async_std::task::spawn_blocking;
use demos_core::scenario::pools::{PoolsScenario, sum_of_squares};
use demos_core::{Env, Observed, Pools, PoolsConfig, PoolsMetrics};

use crate::join_all;

impl Pools for crate::AsyncStd {
    fn pools(&self, cfg: &PoolsConfig, env: &Env) -> Observed<PoolsMetrics> {
        crate::observe::<PoolsScenario, _>(cfg, env, " + blocking pool", |_| async move {
            let mut m = PoolsMetrics::default();
            let jobs = cfg.cpu_jobs(env.threads);
            let (sequential, sequential_time) = cfg.sequential(jobs);

            let delays = cfg.io_delays(env.seed);
            m.io_round(&delays, &env.log, spawn_blocking).await;

            let t = Instant::now();
            let parallel = join_all((0..jobs).map(|j| {
                let range = cfg.cpu_range(j);
                spawn_blocking(move || sum_of_squares(range))
            }))
            .await;
            m.cpu((&sequential, sequential_time), (&parallel, t.elapsed()));
            m
        })
    }
}
