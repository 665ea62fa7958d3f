//! One module per scenario: its configuration (with defaults and limits), its
//! metrics, the invariant checks, and the text a person reads. The executor code
//! lives in the runtime crates; everything here is the same for every runtime.

use std::fmt::Debug;
use std::marker::PhantomData;
use std::time::Duration;

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::timeline::Span;
use crate::{Check, Env, Observed, Report, Runtime};

pub mod balance;
pub mod bridge;
pub mod cancel;
pub mod echo;
pub mod files;
pub mod futures;
mod limits;
pub mod local;
pub mod mixing;
pub mod ordering;
pub mod pools;
pub mod queue;
pub mod race;
pub mod scale;
pub mod scheduling;
pub mod starvation;
pub mod threads;
pub mod timers;

pub use limits::{MAX_RUN, RunShape, check_run, human_duration};

/// Every scenario, by kind. A runtime that runs some scenarios differently
/// ([`Runtime::flavor_for`], [`Runtime::threads_apply`]) matches on it
/// exhaustively, so a new scenario is a compile error in every runtime until
/// that runtime says how it runs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// `race`.
    Race,
    /// `ordering`.
    Ordering,
    /// `futures`.
    Futures,
    /// `pools`.
    Pools,
    /// `bridge`.
    Bridge,
    /// `threads`.
    Threads,
    /// `scheduling`.
    Scheduling,
    /// `queue`.
    Queue,
    /// `scale`.
    Scale,
    /// `echo`.
    Echo,
    /// `local`.
    Local,
    /// `starvation`.
    Starvation,
    /// `cancel`.
    Cancel,
    /// `mixing`.
    Mixing,
    /// `timers`.
    Timers,
    /// `balance`.
    Balance,
    /// `files`.
    Files,
}

impl Kind {
    /// The scenario's name on the command line and in reports.
    pub const fn name(self) -> &'static str {
        match self {
            Self::Race => "race",
            Self::Ordering => "ordering",
            Self::Futures => "futures",
            Self::Pools => "pools",
            Self::Bridge => "bridge",
            Self::Threads => "threads",
            Self::Scheduling => "scheduling",
            Self::Queue => "queue",
            Self::Scale => "scale",
            Self::Echo => "echo",
            Self::Local => "local",
            Self::Starvation => "starvation",
            Self::Cancel => "cancel",
            Self::Mixing => "mixing",
            Self::Timers => "timers",
            Self::Balance => "balance",
            Self::Files => "files",
        }
    }

    /// Every check the scenario's [`Scenario::checks`] can print, by name: on
    /// any runtime, with any configuration (some are printed only on some
    /// runtimes or from some sizes up). tests/tests/faults.rs holds a fault for
    /// each, and a debug build refuses a report that prints a check not listed
    /// here ([`envelope`]), so a new check needs a failing case before it ships.
    /// Listed here, beside the names, so the list of every scenario is in one
    /// place and a new scenario is a compile error until its list is written.
    pub const fn checks(self) -> &'static [&'static str] {
        match self {
            Self::Race => &["mutex == expected", "atomic == expected"],
            Self::Ordering => {
                &["every task finished exactly once", "every fixed index holds its task's result"]
            }
            Self::Futures => &[
                "every handle returned its task's value",
                "every callback ran once",
                "every result consumed as it completed",
                "the one-shot future delivered its value",
                "the aborted task was cancelled",
                "a task's panic came back at its handle, and the next task ran",
                "the blocking job's panic came back to the task awaiting it",
            ],
            Self::Pools => &[
                "every I/O job completed and its callback ran",
                "every parallel sum equals the sequential sum",
                "every child process's sum equals the sequential sum",
            ],
            Self::Bridge => &[
                "every blocking call completed, offloaded and inline",
                "the heartbeat ticked while the calls were offloaded",
                "sync code got the async result through block_on",
            ],
            Self::Threads => &[
                "every job ran once",
                "no blocking job ran on a worker",
                "CPU jobs ran on at most --threads workers",
                "--threads workers each ran a job at the same moment",
            ],
            Self::Scheduling => &[
                "every async step of every task ran",
                "one worker, no yield: tasks ran one after another",
                "one worker, cooperative: tasks took turns, a step each per round",
                "one CPU: no two threads ran at once",
                "never more tasks running at once than workers",
            ],
            Self::Queue => &[
                "every item consumed exactly once",
                "depth never above capacity",
                "sum of values consumed == sum produced",
            ],
            Self::Scale => &["all tasks waiting at once", "every task woke once"],
            Self::Echo => &["every byte echoed once, in order", "every connection closed cleanly"],
            Self::Local => &["tasks interleaved at their awaits"],
            Self::Starvation => &[
                "every item received",
                "blocking pool filled to its limit, never past it",
                "every blocking job completed",
            ],
            Self::Cancel => &[
                "the cancel-safe loop lost nothing",
                "with both branches ready, a select without a preference split its wins",
                "with both branches ready, the select preferring the first chose it every round",
            ],
            Self::Mixing => {
                &["async-io's timer and connect completed here", "the tokio future completed inside Compat"]
            }
            Self::Timers => &["no sleep returned before its time"],
            Self::Balance => &[
                "every task ran exactly once, in each phase",
                "no more threads ran tasks than there are workers",
            ],
            Self::Files => &[
                "every file read exactly once",
                "every byte read equals what was written",
                "the limited pool never ran past its limit",
            ],
        }
    }
}

/// A scenario as the CLI, the child worker and `compare` see it: how to run it on
/// any [`Runtime`], how to check and explain what came out.
pub trait Scenario {
    /// Which scenario this is.
    const KIND: Kind;
    /// Name on the command line and in reports.
    const NAME: &'static str = Self::KIND.name();
    /// Every check [`Scenario::checks`] can print ([`Kind::checks`]).
    const CHECKS: &'static [&'static str] = Self::KIND.checks();
    /// One line for `list`.
    const ABOUT: &'static str;
    /// Configuration, with the documented defaults.
    type Config: Serialize + DeserializeOwned + Clone + Debug + Default;
    /// The figures a run produces.
    type Metrics: Serialize + DeserializeOwned + Debug;

    /// The least time a run of `cfg` can take with `shape`, from its sleeps,
    /// steps and work alone (executor overhead left out): runs estimated above
    /// [`MAX_RUN`] are refused unless the user allows long runs.
    fn least_duration(_cfg: &Self::Config, _shape: &RunShape) -> Duration {
        Duration::ZERO
    }
    /// Cross-field limits the per-option parsers cannot see.
    fn validate(_cfg: &Self::Config) -> Result<(), String> {
        Ok(())
    }
    /// Limits that depend on the runtime and the machine (OS threads, file
    /// descriptors): checked before a run on each runtime, like the duration.
    fn check_shape(_cfg: &Self::Config, _shape: &RunShape) -> Result<(), String> {
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
    /// Further lines for the text summary, such as lanes drawn from the spans.
    fn details(_cfg: &Self::Config, _metrics: &Self::Metrics, _spans: &[Span]) -> Vec<String> {
        Vec::new()
    }
    /// A command to run next, said after the take-away of a demo binary's run
    /// (not by `compare`, whose sweep may be that very command).
    const TRY_NEXT: Option<&'static str> = None;
    /// The metrics that carry the lesson, in the order a reader should see
    /// them: `compare` puts these rows first, and the report charts them first.
    const LESSON: &'static [&'static str] = &[];
    /// Labels for metrics whose names alone would mislead in `compare`'s
    /// table, as `(metric, label)`: files' `p50_us` is the warm phase's.
    const LABELS: &'static [(&'static str, &'static str)] = &[];
    /// What differed between the runtimes, in one or two sentences worded
    /// from their figures and naming them: the line that ends `compare`'s
    /// table. Each column is one runtime with its runs.
    fn conclude(_cfg: &Self::Config, _columns: &[Column<'_, Self::Metrics>]) -> String {
        String::new()
    }
}

/// One runtime's runs of a scenario, as [`Scenario::conclude`] reads them.
#[derive(Debug)]
pub struct Column<'a, M> {
    /// The runtime's name.
    pub runtime: &'a str,
    /// The flavour it ran.
    pub flavor: &'a str,
    /// The figures of each run, in run order.
    pub runs: Vec<M>,
}

impl<M> Column<'_, M> {
    /// The median of `figure` over the runs (the upper middle of an even
    /// count: one median everywhere, see [`median`]).
    pub fn median(&self, figure: impl Fn(&M) -> f64) -> f64 {
        median(self.runs.iter().map(figure).collect()).unwrap_or(0.0)
    }

    /// Whether `holds` is true of every run.
    pub fn always(&self, holds: impl Fn(&M) -> bool) -> bool {
        self.runs.iter().all(holds)
    }
}

/// The median of `values`: the middle one, the upper of the two middle ones
/// of an even count — an observed value, never an average of two. `None`
/// when there are none.
///
/// ```
/// use demos_core::scenario::median;
/// assert_eq!(median(vec![3.0, 1.0, 2.0]), Some(2.0));
/// assert_eq!(median(vec![4.0, 1.0, 3.0, 2.0]), Some(3.0));
/// assert_eq!(median(Vec::new()), None);
/// ```
pub fn median(mut values: Vec<f64>) -> Option<f64> {
    values.sort_by(f64::total_cmp);
    values.get(values.len() / 2).copied()
}

/// The runtimes of `columns` for which `holds` is true of the median run (see
/// [`Column::median`]), as a sentence lists them.
pub fn names_where<'a, M>(columns: &[Column<'a, M>], holds: impl Fn(&Column<'a, M>) -> bool) -> Vec<&'a str> {
    columns.iter().filter(|c| holds(c)).map(|c| c.runtime).collect()
}

/// Each runtime with its own figure, as a sentence lists them: "tokio 962,
/// smol 998 and std-threads 500"; runtimes that share a figure are named
/// together ("4 on tokio and smol, 0 on async-std"), and "2 on every
/// runtime" when all agree.
///
/// ```
/// use demos_core::scenario::{Column, each};
/// let col = |runtime, runs| Column { runtime, flavor: "", runs };
/// let figure = |c: &Column<'_, u64>| c.runs[0].to_string();
/// assert_eq!(each(&[col("tokio", vec![1]), col("smol", vec![2])], figure), "tokio 1 and smol 2");
/// assert_eq!(each(&[col("tokio", vec![4]), col("smol", vec![4])], figure), "4 on every runtime");
/// let three = [col("tokio", vec![4]), col("smol", vec![0]), col("async-std", vec![4])];
/// assert_eq!(each(&three, figure), "4 on tokio and async-std, 0 on smol");
/// ```
pub fn each<M>(columns: &[Column<'_, M>], figure: impl Fn(&Column<'_, M>) -> String) -> String {
    let groups = grouped(columns, figure);
    if groups.len() == columns.len() && columns.len() > 1 {
        let parts: Vec<String> = groups.iter().map(|(f, names)| format!("{} {f}", names[0])).collect();
        return listed(&parts.iter().map(String::as_str).collect::<Vec<_>>());
    }
    on_names(columns, &groups)
}

/// Like [`each`], but always the figure first, for figures that are words:
/// "detached it on tokio and async-std, cancelled it on smol".
pub fn each_in_words<M>(columns: &[Column<'_, M>], figure: impl Fn(&Column<'_, M>) -> String) -> String {
    on_names(columns, &grouped(columns, figure))
}

/// The runtimes of `columns` grouped by their figure, in order of first appearance.
fn grouped<'a, M>(
    columns: &[Column<'a, M>],
    figure: impl Fn(&Column<'a, M>) -> String,
) -> Vec<(String, Vec<&'a str>)> {
    group_by(columns.iter().map(|c| (figure(c), c.runtime)))
}

/// Values gathered under equal keys, keys in the order first seen: how
/// runtimes that gave the same answer are named together, wherever the
/// project does it (take-aways, conclusions, `compare differences`, the
/// report).
///
/// ```
/// use demos_core::scenario::group_by;
/// let answers = [("tokio", "yes"), ("smol", "no"), ("async-std", "yes")];
/// assert_eq!(
///     group_by(answers.iter().map(|&(rt, a)| (a, rt))),
///     vec![("yes", vec!["tokio", "async-std"]), ("no", vec!["smol"])]
/// );
/// ```
pub fn group_by<K: PartialEq, V>(items: impl IntoIterator<Item = (K, V)>) -> Vec<(K, Vec<V>)> {
    let mut groups: Vec<(K, Vec<V>)> = Vec::new();
    for (key, value) in items {
        match groups.iter_mut().find(|(k, _)| *k == key) {
            Some((_, values)) => values.push(value),
            None => groups.push((key, vec![value])),
        }
    }
    groups
}

/// "4 on tokio and smol, 0 on async-std"; "4 on every runtime" when there is one group of several.
fn on_names<M>(columns: &[Column<'_, M>], groups: &[(String, Vec<&str>)]) -> String {
    if let [(figure, _)] = groups
        && columns.len() > 1
    {
        return format!("{figure} on every runtime");
    }
    let parts: Vec<String> = groups.iter().map(|(f, names)| format!("{f} on {}", listed(names))).collect();
    parts.join(", ")
}

/// Runtime names in a list a sentence reads: "tokio", "tokio and smol",
/// "tokio, smol and async-std".
///
/// ```
/// use demos_core::scenario::listed;
/// assert_eq!(listed(&["tokio", "smol", "async-std"]), "tokio, smol and async-std");
/// assert_eq!(listed(&["tokio"]), "tokio");
/// ```
pub fn listed(names: &[&str]) -> String {
    match names {
        [] => String::new(),
        [one] => one.to_string(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// A finished run, ready to print: the report and the text around it.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// The report envelope.
    pub report: Report,
    /// Labelled figures for people.
    pub figures: Vec<(String, String)>,
    /// Extra lines (lanes, tables).
    pub details: Vec<String>,
    /// A command to run next ([`Scenario::TRY_NEXT`]).
    pub try_next: Option<&'static str>,
}

/// A scenario with its types erased, so the CLI and `compare` can hold every
/// scenario in one list and pass configurations as JSON.
pub trait AnyScenario: Sync {
    /// Which scenario this is.
    fn kind(&self) -> Kind;
    /// Name on the command line.
    fn name(&self) -> &'static str;
    /// One line for `list`.
    fn about(&self) -> &'static str;
    /// The default configuration.
    fn default_config(&self) -> serde_json::Value;
    /// Check a configuration; returns the headline to print before running.
    fn prepare(&self, cfg: &serde_json::Value) -> Result<String, String>;
    /// [`Scenario::least_duration`] of a configuration that passed [`AnyScenario::prepare`].
    fn least_duration(&self, cfg: &serde_json::Value, shape: &RunShape) -> Duration;
    /// [`Scenario::check_shape`] of a configuration that passed [`AnyScenario::prepare`].
    fn check_shape(&self, cfg: &serde_json::Value, shape: &RunShape) -> Result<(), String>;
    /// Run on `rt` (the configuration must have passed [`AnyScenario::prepare`]).
    fn run(&self, rt: &dyn Runtime, cfg: &serde_json::Value, env: &Env) -> Outcome;
    /// [`Scenario::LESSON`].
    fn lesson(&self) -> &'static [&'static str];
    /// [`Scenario::LABELS`].
    fn labels(&self) -> &'static [(&'static str, &'static str)];
    /// [`Scenario::CHECKS`].
    fn check_names(&self) -> &'static [&'static str];
    /// [`Scenario::conclude`] over reports of this scenario, grouped by
    /// runtime: `(runtime, flavour, its reports)`.
    fn conclude(&self, cfg: &serde_json::Value, columns: &[(&str, &str, &[Report])]) -> String;
}

/// Adapts a [`Scenario`] to [`AnyScenario`].
#[derive(Debug)]
pub struct Registered<S>(PhantomData<fn() -> S>);

impl<S> Registered<S> {
    /// The adapter for `S`.
    pub const fn new() -> Self {
        Self(PhantomData)
    }
}

impl<S> Default for Registered<S> {
    fn default() -> Self {
        Self::new()
    }
}

impl<S: Scenario> Registered<S> {
    fn parse(cfg: &serde_json::Value) -> Result<S::Config, String> {
        serde_json::from_value(cfg.clone()).map_err(|e| format!("bad configuration for {}: {e}", S::NAME))
    }
}

impl<S: Scenario> AnyScenario for Registered<S> {
    fn kind(&self) -> Kind {
        S::KIND
    }
    fn name(&self) -> &'static str {
        S::NAME
    }
    fn about(&self) -> &'static str {
        S::ABOUT
    }
    fn default_config(&self) -> serde_json::Value {
        serde_json::to_value(S::Config::default()).expect("configs are plain data")
    }
    fn prepare(&self, cfg: &serde_json::Value) -> Result<String, String> {
        crate::cli::check_config(S::NAME, cfg)?;
        let cfg = Self::parse(cfg)?;
        S::validate(&cfg)?;
        Ok(S::headline(&cfg))
    }
    fn least_duration(&self, cfg: &serde_json::Value, shape: &RunShape) -> Duration {
        S::least_duration(&Self::parse(cfg).expect("prepare() accepted this configuration"), shape)
    }
    fn check_shape(&self, cfg: &serde_json::Value, shape: &RunShape) -> Result<(), String> {
        S::check_shape(&Self::parse(cfg).expect("prepare() accepted this configuration"), shape)
    }
    fn run(&self, rt: &dyn Runtime, cfg: &serde_json::Value, env: &Env) -> Outcome {
        let cfg = Self::parse(cfg).expect("prepare() accepted this configuration");
        let (report, observed) = run::<S>(rt, &cfg, env);
        Outcome {
            figures: S::figures(&cfg, &observed.metrics),
            details: S::details(&cfg, &observed.metrics, &observed.spans),
            try_next: S::TRY_NEXT,
            report,
        }
    }
    fn lesson(&self) -> &'static [&'static str] {
        S::LESSON
    }
    fn labels(&self) -> &'static [(&'static str, &'static str)] {
        S::LABELS
    }
    fn check_names(&self) -> &'static [&'static str] {
        S::CHECKS
    }
    fn conclude(&self, cfg: &serde_json::Value, columns: &[(&str, &str, &[Report])]) -> String {
        let Ok(cfg) = Self::parse(cfg) else { return String::new() };
        let columns: Vec<Column<'_, S::Metrics>> = columns
            .iter()
            .map(|(runtime, flavor, reports)| Column {
                runtime,
                flavor,
                runs: reports.iter().filter(|r| !r.interrupted).filter_map(|r| r.metrics_of::<S>()).collect(),
            })
            .filter(|c| !c.runs.is_empty())
            .collect();
        if columns.is_empty() { String::new() } else { S::conclude(&cfg, &columns) }
    }
}

/// Run `S` in a fresh child process (this program's worker), or, when this
/// process is that child, run it here with `observe`: for scenarios that
/// measure the whole process (resident memory, OS threads) or set something
/// process-wide (a blocking pool's limit), which must not meet what earlier
/// runs left behind.
pub fn in_fresh_process<S: Scenario>(
    rt: &dyn Runtime,
    cfg: &S::Config,
    env: &Env,
    observe: impl FnOnce() -> Observed<S::Metrics>,
) -> Observed<S::Metrics> {
    if crate::child::serving() {
        return observe();
    }
    let mut seen =
        crate::child::observe::<S>(&crate::child::worker_exe_for(rt.name()), rt.name(), &[], cfg, env);
    seen.flavor.push_str(" · in a fresh process");
    seen
}

/// The take-away of a run Ctrl-C stopped.
pub const INTERRUPTED_TAKEAWAY: &str = "none drawn: Ctrl-C stopped the run part-way, so its figures cover only part of the experiment. Run it to \
     its end for the lesson.";

/// Every scenario, in the order `all` runs them.
pub static ALL: &[&dyn AnyScenario] = &[
    &Registered::<race::RaceScenario>::new(),
    &Registered::<ordering::OrderingScenario>::new(),
    &Registered::<futures::FuturesScenario>::new(),
    &Registered::<pools::PoolsScenario>::new(),
    &Registered::<bridge::BridgeScenario>::new(),
    &Registered::<threads::ThreadsScenario>::new(),
    &Registered::<scheduling::SchedulingScenario>::new(),
    &Registered::<queue::QueueScenario>::new(),
    &Registered::<scale::ScaleScenario>::new(),
    &Registered::<echo::EchoScenario>::new(),
    &Registered::<local::LocalScenario>::new(),
    &Registered::<starvation::StarvationScenario>::new(),
    &Registered::<cancel::CancelScenario>::new(),
    &Registered::<mixing::MixingScenario>::new(),
    &Registered::<timers::TimersScenario>::new(),
    &Registered::<balance::BalanceScenario>::new(),
    &Registered::<files::FilesScenario>::new(),
];

/// The scenario called `name`.
pub fn find(name: &str) -> Option<&'static dyn AnyScenario> {
    ALL.iter().copied().find(|s| s.name() == name)
}

/// Names of every scenario, for error messages.
pub fn names() -> String {
    ALL.iter().map(|s| s.name()).collect::<Vec<_>>().join(", ")
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
    let interrupted = crate::interrupt::requested();
    let mut checks = S::checks(cfg, &observed.metrics);
    for check in &checks {
        debug_assert!(
            S::CHECKS.contains(&check.name.as_str()),
            "{} printed the check '{}', which Kind::checks does not list: list it, and give it a row in \
             tests/tests/faults.rs",
            S::NAME,
            check.name
        );
    }
    if interrupted {
        checks.iter_mut().filter(|c| !c.passed).for_each(|c| c.partial = true);
    }
    Report {
        scenario: S::NAME.to_string(),
        runtime: runtime.to_string(),
        flavor: observed.flavor.clone(),
        threads: env.threads,
        workers_observed: observed.workers_observed.unwrap_or_else(|| env.workers.count()),
        seed: env.seed,
        config: serde_json::to_value(cfg).expect("configs are plain data"),
        metrics: serde_json::to_value(&observed.metrics).expect("metrics are plain data"),
        checks,
        elapsed_ms: observed.elapsed.as_secs_f64() * 1e3,
        timeline: observed.spans.clone(),
        interrupted,
        // A stopped run shows only part of the experiment: no lesson is drawn from it.
        takeaway: if interrupted {
            INTERRUPTED_TAKEAWAY.to_string()
        } else {
            S::takeaway(cfg, &observed.metrics, env)
        },
    }
}

/// `count` seeded sleeps, each drawn uniformly from 0..=`max_ms`: the waits of
/// the ordering and futures scenarios, the same for every runtime.
///
/// ```
/// let a = demos_core::scenario::seeded_delays(4, 50, 7);
/// assert_eq!(a, demos_core::scenario::seeded_delays(4, 50, 7));
/// assert!(a.iter().all(|d| d.as_millis() <= 50));
/// ```
pub fn seeded_delays(count: usize, max_ms: u64, seed: u64) -> Vec<std::time::Duration> {
    let mut rng = fastrand::Rng::with_seed(seed);
    (0..count).map(|_| std::time::Duration::from_millis(rng.u64(0..=max_ms))).collect()
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
