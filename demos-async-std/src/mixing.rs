// claim: C-tokio-foreign-panics
//! mixing on async-std: a tokio timer and a tokio TCP connect awaited under
//! `async_std::task::block_on` panic — tokio's resources need a tokio
//! runtime's context; the run catches the panics and shows tokio's message.
// claim: C-async-std-async-io
//! async-io's `Timer` and `Async` sockets (what async-std's own are built on)
// claim: C-async-compat-thread
//! work under any executor. Wrapped in `async_compat::Compat`, the same tokio
//! future completes on async-std: the adapter enters a tokio runtime it starts
//! on a thread of its own (the run shows which appeared).
//!
//! Run it: `cargo run -p demos-async-std -- mixing`

use std::net::TcpStream;

use async_compat::Compat;
use async_io::{Async, Timer};
use async_std::task;
use demos_core::scenario::futures::caught_panic;
use demos_core::scenario::mixing::{MixingScenario, target, thread_names};
use demos_core::workers::thread_number;
use demos_core::{Env, Mixing, MixingConfig, MixingMetrics, Observed};

impl Mixing for crate::AsyncStd {
    fn mixing(&self, cfg: &MixingConfig, env: &Env) -> Observed<MixingMetrics> {
        let (_listener, addr) = target();
        // claim: C-async-std-block-on-unwind
        // tokio's timer and socket, polled by async-std: caught panics. On a thread of their
        // own: after a panic unwinds out of `task::block_on`, later `spawn_local` tasks on
        // that thread were seen never to run (a hang the tests found).
        let delay = cfg.delay();
        let probes = std::thread::spawn(move || {
            let timer = caught_panic(|| task::block_on(async { tokio::time::sleep(delay).await }));
            let connect =
                caught_panic(|| task::block_on(async { drop(tokio::net::TcpStream::connect(addr).await) }));
            (timer, connect)
        });
        let (timer, connect) = probes.join().expect("the probes catch their panics");
        crate::observe::<MixingScenario, _>(cfg, env, " + async-compat", |ex| async move {
            let mut m = MixingMetrics::foreign(env, "async-std", &timer, &connect);
            let delay = cfg.delay();
            // async-io's timer and socket (what async-std's own are built on).
            let before = thread_names();
            let (worked, thread) = ex
                .spawn(async move {
                    Timer::after(delay).await;
                    let connected = Async::<TcpStream>::connect(addr).await.is_ok();
                    (connected, thread_number())
                })
                .await;
            m.portable(env, "async-io's timer and connect on async-std", &before, (worked, thread));
            // The same tokio future as above, inside Compat.
            let before = thread_names();
            let (worked, thread) = ex
                .spawn(Compat::new(async move {
                    tokio::time::sleep(delay).await;
                    let connected = tokio::net::TcpStream::connect(addr).await.is_ok();
                    (connected, thread_number())
                }))
                .await;
            m.adapter(env, "tokio's timer and connect inside Compat on async-std", &before, (worked, thread));
            m
        })
    }
}
