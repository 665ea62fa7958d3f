// claim: C-tokio-foreign-panics
//! mixing on compio: a tokio timer and a tokio TCP connect awaited on a compio
//! runtime panic — tokio's resources need a tokio runtime's context; the run
// claim: C-async-io-tokio-thread, C-compio-own-context, C-async-compat-thread
//! catches the panics and shows tokio's message. async-io's timer and socket
//! work on compio as on any executor: async-io brings its own reactor, on a
//! thread of its own. (compio's own timer and sockets are the other way round:
//! they need a compio runtime, and off one they panic with "not in a compio
//! runtime", as the run shows on a tokio runtime.) Wrapped in
//! `async_compat::Compat`, the same tokio future completes on compio: the
//! adapter enters a tokio runtime it starts on a thread of its own (the run
//! shows which appeared). compio's own adapter for the other direction
//! (`compat-tokio`, driving compio from tokio) is not built here.
//!
//! Run it: `cargo run -p demos-compio -- mixing`

use std::future::Future;
use std::pin::Pin;

use std::net::TcpStream;

use async_compat::Compat;
use async_io::{Async, Timer};
use demos_core::scenario::futures::caught_panic;
use demos_core::scenario::mixing::{MixingScenario, target, thread_names};
use demos_core::workers::thread_number;
use demos_core::{Env, Mixing, MixingConfig, MixingMetrics, Observed};

impl Mixing for crate::Compio {
    fn mixing(&self, cfg: &MixingConfig, env: &Env) -> Observed<MixingMetrics> {
        let (_listener, addr) = target();
        let driver = self.driver();
        let on_compio = |future: Pin<Box<dyn Future<Output = ()>>>| {
            let (rt, _) = crate::build(driver).expect("compio's poll driver can be built");
            rt.block_on(future)
        };
        // tokio's timer and socket, polled by compio: caught panics.
        // ANCHOR: foreign
        let timer = caught_panic(|| on_compio(Box::pin(async { tokio::time::sleep(cfg.delay()).await })));
        let connect =
            caught_panic(|| on_compio(Box::pin(async { drop(tokio::net::TcpStream::connect(addr).await) })));
        // ANCHOR_END: foreign
        // The other way round: compio's own timer, polled by a tokio runtime.
        // ANCHOR: own_on_tokio
        let own_on_tokio = caught_panic(|| {
            let rt =
                tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a tokio runtime");
            rt.block_on(compio::time::sleep(cfg.delay()));
        });
        // ANCHOR_END: own_on_tokio
        self.observe::<MixingScenario, _>(cfg, env, " + async-io + async-compat", |ex| async move {
            let mut m = MixingMetrics::foreign(env, "compio", &timer, &connect);
            m.own_on_tokio(env, "a compio timer awaited on a tokio runtime", &own_on_tokio);
            let delay = cfg.delay();
            // async-io's timer and socket, in a compio task.
            let before = thread_names();
            let (worked, thread) = ex
                .spawn(async move {
                    Timer::after(delay).await;
                    let connected = Async::<TcpStream>::connect(addr).await.is_ok();
                    (connected, thread_number())
                })
                .await
                .expect("the task does not panic");
            m.portable(env, "async-io's timer and connect in a compio task", &before, (worked, thread));
            // The same tokio future as above, inside Compat.
            let before = thread_names();
            let (worked, thread) = ex
                // ANCHOR: compat
                .spawn(Compat::new(async move {
                    tokio::time::sleep(delay).await;
                    let connected = tokio::net::TcpStream::connect(addr).await.is_ok();
                    (connected, thread_number())
                }))
                // ANCHOR_END: compat
                .await
                .expect("the task does not panic");
            m.adapter(env, "tokio's timer and connect inside Compat on compio", &before, (worked, thread));
            m
        })
    }
}
