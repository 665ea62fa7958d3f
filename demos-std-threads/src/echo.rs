//! echo on plain threads: a thread per connection end, over `std::net`.
//! The code is `demos_core::scenario::echo::threads` (core/src/scenario/echo/threads.rs):
//! the guide runs the very same echo as its "a thread per connection" column
//! beside every runtime's tasks, so it is written once, with std alone.
//!
//! Run it: `cargo run --release -p demos-std-threads -- echo --connections 1000`

use demos_core::scenario::echo::threads;
use demos_core::{Echo, EchoConfig, EchoMetrics, Env, Observed};

impl Echo for crate::StdThreads {
    fn echo(&self, cfg: &EchoConfig, _: &Env) -> Observed<EchoMetrics> {
        threads::run(cfg)
    }
}
