//! The bounds every run is checked against before it starts: what a run
//! looks like to an estimate ([`RunShape`]), the longest estimate allowed
//! ([`MAX_RUN`]), and the check itself ([`check_run`]).

use std::time::Duration;

use super::AnyScenario;
use crate::{Env, Runtime};

/// The longest a run may be estimated to take before it is refused (exit 2)
/// unless `--allow-long` is given: ten minutes.
pub const MAX_RUN: Duration = Duration::from_secs(600);

/// What a duration estimate needs to know of the run besides its configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RunShape {
    /// Worker threads (`--threads`).
    pub threads: usize,
    /// The seed, which fixes every seeded sleep.
    pub seed: u64,
    /// Whether the runtime's tasks are pool jobs that hold their thread while
    /// they sleep (std-threads), so sleeps add up per thread instead of overlapping.
    pub tasks_hold_threads: bool,
    /// The machine's cores, bounding what OS threads can overlap.
    pub cores: usize,
}

impl RunShape {
    /// The shape of running on `rt` with `env`.
    pub fn of(rt: &dyn Runtime, env: &Env) -> Self {
        Self {
            threads: env.threads,
            seed: env.seed,
            tasks_hold_threads: rt.tasks_hold_threads(),
            cores: std::thread::available_parallelism().map_or(1, usize::from),
        }
    }

    /// How long `jobs` of the given durations take at best on `workers`
    /// threads that each run one at a time: the longest job, or the total
    /// shared out evenly, whichever is more.
    pub fn spread(durations: &[Duration], workers: usize) -> Duration {
        let longest = durations.iter().max().copied().unwrap_or_default();
        let total: Duration = durations.iter().sum();
        longest.max(total / workers.max(1) as u32)
    }
}

/// Refuse a run of `scenario` beyond what the runtime and machine allow
/// ([`Scenario::check_shape`]: OS threads, descriptors), or whose least
/// possible duration is above [`MAX_RUN`], with one line naming the estimate,
/// the bound and the way out.
pub fn check_run(
    scenario: &dyn AnyScenario,
    cfg: &serde_json::Value,
    shape: &RunShape,
    allow_long: bool,
) -> Result<(), String> {
    scenario.check_shape(cfg, shape)?;
    let least = scenario.least_duration(cfg, shape);
    if least <= MAX_RUN || allow_long {
        return Ok(());
    }
    Err(format!(
        "{} with this configuration and --threads {} would run for at least {} (estimated from its sleeps and \
         work); the bound is {}: make it smaller, or pass --allow-long to run it anyway",
        scenario.name(),
        shape.threads,
        human_duration(least),
        human_duration(MAX_RUN)
    ))
}

/// A duration as a person says it: "2 h 46 min", "10 min", "12.5 s".
///
/// ```
/// use std::time::Duration;
/// use demos_core::scenario::human_duration;
/// assert_eq!(human_duration(Duration::from_secs(600)), "10 min");
/// assert_eq!(human_duration(Duration::from_secs(9_960)), "2 h 46 min");
/// assert_eq!(human_duration(Duration::from_millis(12_500)), "12.5 s");
/// ```
pub fn human_duration(d: Duration) -> String {
    let secs = d.as_secs();
    match secs {
        3600.. => format!("{} h {} min", secs / 3600, secs % 3600 / 60),
        60.. if secs % 60 == 0 => format!("{} min", secs / 60),
        60.. => format!("{} min {} s", secs / 60, secs % 60),
        _ => format!("{:.1} s", d.as_secs_f64()),
    }
}
