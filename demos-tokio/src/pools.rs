//! pools on tokio: blocking jobs go to `tokio::task::spawn_blocking`, tokio's
//! blocking pool — separate from the async workers, grown on demand up to 512
//! threads, so `--threads` does not bound it. Each handle gets a callback
//! (`inspect`) and `FuturesUnordered` yields them as they complete.
//!
//! Run it: `cargo run -p demos-tokio -- pools`

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::time::Instant;

use ::futures::FutureExt;
use ::futures::stream::{FuturesUnordered, StreamExt};
use demos_core::scenario::pools::{log_io_done, sum_of_squares};
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
            let callbacks = Arc::new(AtomicU64::new(0));
            let t = Instant::now();
            let mut pending: FuturesUnordered<_> = delays
                .iter()
                .enumerate()
                .map(|(i, &d)| {
                    let (log, callbacks) = (env.log.clone(), callbacks.clone());
                    spawn_blocking(move || {
                        std::thread::sleep(d);
                        i
                    }) // a blocking call, off the async workers
                    .map(|joined| joined.expect("the job does not panic"))
                    .inspect(move |&i| log_io_done(&log, i, callbacks.fetch_add(1, Relaxed) as usize, d))
                })
                .collect();
            let mut finished = Vec::new();
            while let Some(i) = pending.next().await {
                finished.push(i);
            }
            m.io(&finished, callbacks.load(Relaxed), t.elapsed(), &delays);

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
