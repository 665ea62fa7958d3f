// claim: C-tokio-foreign-panics
//! mixing with the futures crate: a tokio timer and a tokio TCP connect
//! awaited under `futures::executor::block_on` panic — tokio's resources need a
//! tokio runtime's context; the run catches the panics and shows tokio's
// claim: C-async-io-tokio-thread
//! message. async-io's `Timer` and `Async` sockets work on the futures
//! `ThreadPool`, driven by async-io's own "async-io" thread. Wrapped in
// claim: C-async-compat-thread
//! `async_compat::Compat`, the same tokio future completes on the pool: the
//! adapter enters a tokio runtime it starts on a thread of its own (the run
//! shows which appeared).
//!
//! Run it: `cargo run -p demos-std-threads -- mixing`

use std::net::TcpStream;
use std::time::Instant;

use async_compat::Compat;
use async_io::{Async, Timer};
use demos_core::report::counted;
use demos_core::scenario::futures::caught_panic;
use demos_core::scenario::mixing::{target, thread_names};
use demos_core::workers::{noted, thread_number};
use demos_core::{Env, Mixing, MixingConfig, MixingMetrics, Observed};
use futures::executor::block_on;
use futures::task::SpawnExt;

impl Mixing for crate::StdThreads {
    fn mixing(&self, cfg: &MixingConfig, env: &Env) -> Observed<MixingMetrics> {
        let started = Instant::now();
        let (_listener, addr) = target();
        // tokio's timer and socket, polled by the futures executor: caught panics.
        let timer = caught_panic(|| block_on(async { tokio::time::sleep(cfg.delay()).await }));
        let connect = caught_panic(|| block_on(async { drop(tokio::net::TcpStream::connect(addr).await) }));
        let mut m = MixingMetrics::foreign(env, "the futures executor", &timer, &connect);
        let pool = crate::futures_pool(env);
        let delay = cfg.delay();
        // async-io's timer and socket, on the pool.
        let before = thread_names();
        let portable = pool
            .spawn_with_handle(noted(async move {
                Timer::after(delay).await;
                let connected = Async::<TcpStream>::connect(addr).await.is_ok();
                (connected, thread_number())
            }))
            .expect("the pool is alive");
        let (worked, thread) = block_on(portable);
        m.portable(env, "async-io's timer and connect on the futures ThreadPool", &before, (worked, thread));
        // The same tokio future as above, inside Compat.
        let before = thread_names();
        let adapted = pool
            .spawn_with_handle(noted(Compat::new(async move {
                tokio::time::sleep(delay).await;
                let connected = tokio::net::TcpStream::connect(addr).await.is_ok();
                (connected, thread_number())
            })))
            .expect("the pool is alive");
        let (worked, thread) = block_on(adapted);
        m.adapter(env, "tokio's timer and connect inside Compat on the pool", &before, (worked, thread));
        let flavor = format!(
            "futures ThreadPool, {} + async-io + async-compat",
            counted(env.threads as u64, "thread")
        );
        Observed::new(flavor, started.elapsed(), m)
    }
}
