//! One module per scenario: its configuration (with defaults and limits), its
//! metrics, the invariant checks, and the text a person reads. The executor code
//! lives in the runtime crates; everything here is the same for every runtime.

use std::fmt::Debug;

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::{Check, Env, Observed, Report, Runtime};

pub mod queue;
pub mod race;

/// A scenario as the CLI, the child worker and `compare` see it: how to run it on
/// any [`Runtime`], how to check and explain what came out.
pub trait Scenario {
    /// Name on the command line and in reports.
    const NAME: &'static str;
    /// One line for `list`.
    const ABOUT: &'static str;
    /// Configuration, with the documented defaults.
    type Config: Serialize + DeserializeOwned + Clone + Debug + Default;
    /// The figures a run produces.
    type Metrics: Serialize + DeserializeOwned + Debug;

    /// Cross-field limits the per-option parsers cannot see.
    fn validate(_cfg: &Self::Config) -> Result<(), String> {
        Ok(())
    }
    /// Run the scenario on `rt`.
    fn observe(rt: &dyn Runtime, cfg: &Self::Config, env: &Env) -> Observed<Self::Metrics>;
    /// The invariants that must hold for the figures.
    fn checks(cfg: &Self::Config, metrics: &Self::Metrics) -> Vec<Check>;
    /// What the experiment shows, printed before it runs.
    fn headline(cfg: &Self::Config) -> String;
    /// Labelled figures for the text summary.
    fn figures(cfg: &Self::Config, metrics: &Self::Metrics) -> Vec<(String, String)>;
    /// The lesson, in view of what was actually observed.
    fn takeaway(cfg: &Self::Config, metrics: &Self::Metrics, env: &Env) -> String;
}

/// Run `S` on `rt` and wrap the result in the report envelope.
pub fn run<S: Scenario>(rt: &dyn Runtime, cfg: &S::Config, env: &Env) -> (Report, Observed<S::Metrics>) {
    let observed = S::observe(rt, cfg, env);
    (envelope::<S>(rt.name(), cfg, env, &observed), observed)
}

/// The report envelope for an observation of `S`.
pub fn envelope<S: Scenario>(
    runtime: &str,
    cfg: &S::Config,
    env: &Env,
    observed: &Observed<S::Metrics>,
) -> Report {
    Report {
        scenario: S::NAME.to_string(),
        runtime: runtime.to_string(),
        flavor: observed.flavor.clone(),
        threads: env.threads,
        seed: env.seed,
        config: serde_json::to_value(cfg).expect("configs are plain data"),
        metrics: serde_json::to_value(&observed.metrics).expect("metrics are plain data"),
        checks: S::checks(cfg, &observed.metrics),
        elapsed_ms: observed.elapsed.as_secs_f64() * 1e3,
    }
}

/// Parse a whole number within `LO..=HI`; the error names the allowed range.
/// Used as a clap value parser, so every bad value gets the same clear message.
///
/// ```
/// use demos_core::scenario::count;
/// assert_eq!(count::<1, 10>("7"), Ok(7));
/// assert_eq!(count::<1, 10>("0").unwrap_err(), "expected a whole number from 1 to 10");
/// assert!(count::<1, 10>("-3").is_err());
/// assert!(count::<1, 10>("99999999999999999999999").is_err());
/// ```
pub fn count<const LO: u64, const HI: u64>(text: &str) -> Result<u64, String> {
    match text.trim().parse::<u64>() {
        Ok(n) if (LO..=HI).contains(&n) => Ok(n),
        _ => Err(format!("expected a whole number from {LO} to {HI}")),
    }
}

/// [`count`] for sizes held in `usize`.
pub fn size<const LO: u64, const HI: u64>(text: &str) -> Result<usize, String> {
    // HI is at most a few hundred million, so this never truncates.
    count::<LO, HI>(text).map(|n| n as usize)
}
