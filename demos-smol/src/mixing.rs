// claim: C-tokio-foreign-panics
//! mixing on smol: a tokio timer and a tokio TCP connect awaited under
//! `smol::block_on` panic — tokio's resources need a tokio runtime's context;
//! the run catches the panics and shows tokio's message. smol's own `Timer` and
// claim: C-async-compat-thread
//! `Async` sockets are async-io's, which works under any executor. Wrapped in
//! `async_compat::Compat`, the same tokio future completes on smol: the adapter
//! enters a tokio runtime it starts on a thread of its own (the run shows which
//! appeared).
//!
//! Run it: `cargo run -p demos-smol -- mixing`

use std::net::TcpStream;

use async_compat::Compat;
use demos_core::scenario::futures::caught_panic;
use demos_core::scenario::mixing::{MixingScenario, target, thread_names};
use demos_core::workers::thread_number;
use demos_core::{Env, Mixing, MixingConfig, MixingMetrics, Observed};
use smol::{Async, Timer};

impl Mixing for crate::Smol {
    fn mixing(&self, cfg: &MixingConfig, env: &Env) -> Observed<MixingMetrics> {
        let (_listener, addr) = target();
        // tokio's timer and socket, polled by smol: caught panics.
        let timer = caught_panic(|| smol::block_on(async { tokio::time::sleep(cfg.delay()).await }));
        let connect =
            caught_panic(|| smol::block_on(async { drop(tokio::net::TcpStream::connect(addr).await) }));
        crate::observe::<MixingScenario, _>(cfg, env, " + async-compat", |ex| async move {
            let mut m = MixingMetrics::foreign(env, "smol", &timer, &connect);
            let delay = cfg.delay();
            // async-io's timer and socket (smol's own).
            let before = thread_names();
            let (worked, thread) = ex
                .spawn(async move {
                    Timer::after(delay).await;
                    let connected = Async::<TcpStream>::connect(addr).await.is_ok();
                    (connected, thread_number())
                })
                .await;
            m.portable(env, "async-io's timer and connect on smol", &before, (worked, thread));
            // The same tokio future as above, inside Compat.
            let before = thread_names();
            let (worked, thread) = ex
                .spawn(Compat::new(async move {
                    tokio::time::sleep(delay).await;
                    let connected = tokio::net::TcpStream::connect(addr).await.is_ok();
                    (connected, thread_number())
                }))
                .await;
            m.adapter(env, "tokio's timer and connect inside Compat on smol", &before, (worked, thread));
            m
        })
    }
}
