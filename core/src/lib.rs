//! Shared contract of runtime-demos: one trait per scenario, the [`Runtime`]
//! supertrait every runtime crate implements, the configs and reports those
//! scenarios exchange, and the one command line every demos binary shares.
//!
//! `demos-core` depends on no async runtime. Each scenario method is synchronous:
//! an implementation builds its executor inside the call and tears it down before
//! returning, so one process can run the same scenario on several runtimes and
//! several worker counts.
//!
//! ```
//! use demos_core::{Env, scenario::race::RaceConfig};
//! let env = Env::quiet(2, 42);
//! assert_eq!(env.threads, 2);
//! assert_eq!(RaceConfig::default().tasks, 1000);
//! ```

#![forbid(unsafe_code)]

pub mod child;
pub mod cli;
mod env;
pub mod guide;
pub mod interrupt;
pub mod report;
pub mod scenario;
pub mod timeline;
pub mod usage;
pub mod workers;
pub mod wrap;

pub use env::{Env, Log};
pub use report::{Check, Observed, Report};
pub use scenario::Scenario;
pub use scenario::balance::{Balance, BalanceConfig, BalanceMetrics};
pub use scenario::bridge::{Bridge, BridgeConfig, BridgeMetrics};
pub use scenario::cancel::{Cancel, CancelConfig, CancelMetrics};
pub use scenario::echo::{Echo, EchoConfig, EchoMetrics};
pub use scenario::files::{Files, FilesConfig, FilesMetrics};
pub use scenario::futures::{Futures, FuturesConfig, FuturesMetrics};
pub use scenario::local::{Local, LocalConfig, LocalMetrics};
pub use scenario::mixing::{Mixing, MixingConfig, MixingMetrics};
pub use scenario::ordering::{Ordering, OrderingConfig, OrderingMetrics};
pub use scenario::pools::{Pools, PoolsConfig, PoolsMetrics};
pub use scenario::queue::{Queue, QueueConfig, QueueMetrics};
pub use scenario::race::{Race, RaceConfig, RaceMetrics};
pub use scenario::scale::{Scale, ScaleConfig, ScaleMetrics};
pub use scenario::scheduling::{Scheduling, SchedulingConfig, SchedulingMetrics};
pub use scenario::starvation::{Starvation, StarvationConfig, StarvationMetrics};
pub use scenario::threads::{Threads, ThreadsConfig, ThreadsMetrics};
pub use scenario::timers::{Timers, TimersConfig, TimersMetrics};

/// The calls a runtime's code makes where `compare differences` names them
/// (see [`Runtime::idioms`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Idioms {
    /// cancel: the select with no preference between ready branches, if the
    /// runtime has one ("select!", "future::race").
    pub select: Option<&'static str>,
    /// cancel: the select that prefers its first ready branch.
    pub select_biased: &'static str,
    /// starvation: what limits the blocking pool's threads.
    pub blocking_limit: &'static str,
}

/// An executor that can run every scenario. A runtime crate exposes one struct
/// implementing all the scenario traits; a missing one is a compile error.
///
/// The trait is object safe, so `compare` and the tests can hold a list of
/// `&dyn Runtime` and treat every executor alike:
///
/// ```
/// use demos_core::{Env, RaceConfig, Runtime};
/// fn lost_updates(runtimes: &[&dyn Runtime]) -> Vec<(&'static str, u64)> {
///     let env = Env::quiet(1, 42);
///     runtimes.iter().map(|rt| (rt.name(), rt.race(&RaceConfig::default(), &env).metrics.lost_updates)).collect()
/// }
/// assert!(lost_updates(&[]).is_empty());
/// ```
pub trait Runtime:
    Race
    + Ordering
    + Futures
    + Pools
    + Bridge
    + Threads
    + Scheduling
    + Queue
    + Scale
    + Echo
    + Local
    + Starvation
    + Cancel
    + Mixing
    + Timers
    + Balance
    + Files
    + Sync
{
    /// The runtime's name as users type it: "tokio", "smol", "async-std", "std-threads", "compio".
    fn name(&self) -> &'static str;

    /// The executor this runtime builds for `threads` workers, as reports name
    /// it ("multi_thread, 2 workers"): printed in the headline before a run, and
    /// the start of every report's flavour.
    fn flavor(&self, threads: usize) -> String;

    /// The calls this runtime's code makes where `compare differences` names
    /// them. No default: a new runtime says which it uses.
    fn idioms(&self) -> Idioms;

    /// What runs `scenario` with `threads` workers, for the headline printed
    /// before it starts: [`Runtime::flavor`], unless the runtime runs that
    /// scenario some other way.
    fn flavor_for(&self, scenario: scenario::Kind, threads: usize) -> String {
        let _ = scenario;
        self.flavor(threads)
    }

    /// Whether `--threads` sizes what runs `scenario` on this runtime. Where it
    /// does not (a local executor is one thread; a thread per producer is the
    /// point), the headline says so rather than ignore the flag.
    fn threads_apply(&self, scenario: scenario::Kind) -> bool {
        use scenario::Kind::*;
        match scenario {
            Local | Starvation => false,
            Race | Ordering | Futures | Pools | Bridge | Threads | Scheduling | Queue | Scale | Echo
            | Cancel | Mixing | Timers | Balance | Files => true,
        }
    }

    /// Whether a task is a pool job that holds its OS thread while it sleeps
    /// (std-threads) rather than an async task that frees its worker at an
    /// `.await`: run-time estimates add such sleeps up per thread.
    fn tasks_hold_threads(&self) -> bool {
        false
    }
}
