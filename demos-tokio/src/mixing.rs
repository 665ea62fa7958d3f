// claim: C-async-io-tokio-thread
//! mixing on tokio: async-io's `Timer` and `Async<TcpStream>` connect, awaited
//! in a tokio task. They complete: async-io does not need tokio's reactor — it
//! brings its own, driven by a thread of its own named "async-io" (the run
//! shows the threads that appeared). The other direction — tokio's timer and
//! sockets off tokio — is the lesson of the other runtimes' mixing.
//!
//! Run it: `cargo run -p demos-tokio -- mixing`

use std::net::TcpStream;

use async_io::{Async, Timer};
use demos_core::scenario::mixing::{MixingScenario, target, thread_names};
use demos_core::workers::thread_number;
use demos_core::{Env, Mixing, MixingConfig, MixingMetrics, Observed};

impl Mixing for crate::Tokio {
    fn mixing(&self, cfg: &MixingConfig, env: &Env) -> Observed<MixingMetrics> {
        let (_listener, addr) = target();
        crate::observe::<MixingScenario, _>(cfg, env, " + async-io", |ex| async move {
            let mut m = MixingMetrics::default();
            let delay = cfg.delay();
            // async-io's timer and socket, in a tokio task; the threads before
            // it are the runtime's own, already started.
            let before = thread_names();
            let (worked, thread) = ex
                .spawn(async move {
                    Timer::after(delay).await;
                    let connected = Async::<TcpStream>::connect(addr).await.is_ok();
                    (connected, thread_number())
                })
                .await;
            m.portable(env, "async-io's timer and connect in a tokio task", &before, (worked, thread));
            m
        })
    }
}
