//! The one command line every demos binary shares. A runtime crate's `main.rs`
//! is `fn main() -> ExitCode { demos_core::cli::main(&TheRuntime) }`.
//!
//! Exit status: 0 when every check passed, 1 when a check failed (an invariant
//! broke), 2 for bad input — one line on stderr naming the bad value and what is
//! allowed, before any work starts.

use std::ffi::OsString;
use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};

use crate::report::{render_headline, render_summary};
use crate::scenario::{self, Kind, count, size};
use crate::timeline::Span;
use crate::{Env, Log, Report, Runtime, child};

mod config;
mod environment;
mod errors;
mod worker;

pub use config::check_config;
pub use environment::check_environment;
pub use errors::{clap_error, usage_error};
pub use worker::serve_worker;

/// Largest `--threads` accepted: more workers than this on one machine only
/// measures the OS scheduler.
pub const MAX_THREADS: u64 = 256;

const AFTER_HELP: &str = "\
Each scenario prints a short live log of the events that make its point, then the
figures, the invariant checks and the take-away. Exit status: 0 every check passed,
1 a check failed, 2 bad input, 130 interrupted by Ctrl-C (a second Ctrl-C leaves at once).

Examples:
  queue                                 one scenario with its defaults
  queue --producers 4 --capacity 2 --threads 1
  all --json                            every scenario, one JSON line each
  bridge --threads 1 --timeline         lanes showing the executor stall
  queue --trace queue.json              a trace for ui.perfetto.dev";

#[derive(Debug, Parser)]
#[command(version, about = "Run runtime-demos concurrency scenarios on one executor", after_help = AFTER_HELP)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// Worker threads (1 = a single-threaded executor) [default: available parallelism]
    #[arg(long, global = true, value_parser = size::<1, MAX_THREADS>, allow_negative_numbers = true)]
    threads: Option<usize>,
    /// Seed of every random choice, so a run can be repeated
    #[arg(long, global = true, default_value_t = 42, value_parser = count::<0, { u64::MAX }>,
          allow_negative_numbers = true)]
    seed: u64,
    /// Print one JSON object per scenario run (JSON Lines) instead of text
    #[arg(long, global = true)]
    json: bool,
    /// Leave out the live log; print only the summary
    #[arg(long, global = true)]
    quiet: bool,
    /// Record what ran where and when, and draw it as lanes after the summary
    #[arg(long, global = true)]
    timeline: bool,
    /// With --timeline: one lane per OS thread instead of per task
    #[arg(long, global = true)]
    by_thread: bool,
    /// Write the timeline as Chrome trace-event JSON (open in ui.perfetto.dev)
    #[arg(long, global = true, value_name = "FILE")]
    trace: Option<std::path::PathBuf>,
    /// Run even when the configuration is estimated to take over 10 minutes
    #[arg(long, global = true)]
    allow_long: bool,
}

/// One scenario with its options, as a clap subcommand: shared by the demos
/// binaries and `compare`, so options mean the same everywhere.
#[derive(Debug, Clone, Subcommand)]
pub enum ScenarioCommand {
    /// Tasks read, yield, then write a shared counter: lost updates vs mutex vs atomic
    Race(crate::RaceConfig),
    /// Tasks finish in the order of their sleeps, not their spawns; fixed indices stay deterministic
    Ordering(crate::OrderingConfig),
    /// Task handles, a one-shot, callbacks, as-completed; what drop, abort and panic do
    Futures(crate::FuturesConfig),
    /// Blocking I/O jobs and CPU jobs on the runtime's pool: overlap, speedup, processes
    Pools(crate::PoolsConfig),
    /// A heartbeat while blocking calls are offloaded, then run inline; sync code calling async
    Bridge(crate::BridgeConfig),
    /// Manual, scoped, blocking-pool and worker threads: which OS thread ran each job
    Threads(crate::ThreadsConfig),
    /// CPU-bound tasks with no yield, cooperative yields, and on OS threads, drawn as lanes
    Scheduling(crate::SchedulingConfig),
    /// Producers and consumers over a bounded channel: backpressure and exactly-once
    Queue(crate::QueueConfig),
    /// N tasks all waiting at once: spawn time, memory per task, time to wake them all
    Scale(crate::ScaleConfig),
    /// A real TCP echo over loopback: round trips per second, latency, threads, memory
    Echo(crate::EchoConfig),
    /// !Send state (Rc<RefCell<_>>) shared by tasks on one thread's local executor
    Local(crate::LocalConfig),
    /// A task that never waits, beside a heartbeat: budgets, unconstrained, block_in_place, a full blocking pool
    Starvation(crate::StarvationConfig),
    /// select! drops a half-read frame; the cancel-safe loop loses nothing; shutdown and dropped handles
    Cancel(crate::CancelConfig),
    /// A tokio timer off tokio panics; async-io's works anywhere; async-compat adapts tokio's
    Mixing(crate::MixingConfig),
    /// What a runtime's sleep really waits: tokio rounds up to whole milliseconds, async-io does not
    Timers(crate::TimersConfig),
    /// Uneven CPU tasks spawned from one task: work stealing spreads them; placed round-robin they stay put
    Balance(crate::BalanceConfig),
    /// Async file reads: a blocking pool's thread per read on tokio, smol and async-std; io_uring on compio
    Files(crate::FilesConfig),
}

impl ScenarioCommand {
    /// The scenario's name and its configuration as JSON.
    pub fn named_config(&self) -> (&'static str, serde_json::Value) {
        fn json(cfg: &impl serde::Serialize) -> serde_json::Value {
            serde_json::to_value(cfg).expect("configs are plain data")
        }
        let (kind, cfg) = match self {
            Self::Race(cfg) => (Kind::Race, json(cfg)),
            Self::Ordering(cfg) => (Kind::Ordering, json(cfg)),
            Self::Futures(cfg) => (Kind::Futures, json(cfg)),
            Self::Pools(cfg) => (Kind::Pools, json(cfg)),
            Self::Bridge(cfg) => (Kind::Bridge, json(cfg)),
            Self::Threads(cfg) => (Kind::Threads, json(cfg)),
            Self::Scheduling(cfg) => (Kind::Scheduling, json(cfg)),
            Self::Queue(cfg) => (Kind::Queue, json(cfg)),
            Self::Scale(cfg) => (Kind::Scale, json(cfg)),
            Self::Echo(cfg) => (Kind::Echo, json(cfg)),
            Self::Local(cfg) => (Kind::Local, json(cfg)),
            Self::Starvation(cfg) => (Kind::Starvation, json(cfg)),
            Self::Cancel(cfg) => (Kind::Cancel, json(cfg)),
            Self::Mixing(cfg) => (Kind::Mixing, json(cfg)),
            Self::Timers(cfg) => (Kind::Timers, json(cfg)),
            Self::Files(cfg) => (Kind::Files, json(cfg)),
            Self::Balance(cfg) => (Kind::Balance, json(cfg)),
        };
        (kind.name(), cfg)
    }
}

#[derive(Debug, Subcommand)]
enum Command {
    #[command(flatten)]
    Scenario(ScenarioCommand),
    /// Run every scenario with its defaults
    All,
    /// The "picking the right tool" table, filled with figures measured now
    Guide,
    /// List the scenarios
    List,
    /// Print Σi² over start..end: one job of the std-threads process pool
    #[command(name = child::SUM_SQUARES, hide = true)]
    SumSquares {
        #[arg(value_parser = count::<0, { scenario::pools::MAX_CPU_END }>)]
        start: u64,
        #[arg(value_parser = count::<0, { scenario::pools::MAX_CPU_END }>)]
        end: u64,
    },
    /// Run one scenario as a child worker and print its report as JSON
    #[command(name = child::SUBCOMMAND, hide = true)]
    Child {
        scenario: String,
        #[arg(long)]
        config: String,
        #[arg(long)]
        log: bool,
        /// The runtime to run it on; must be one this binary has.
        #[arg(long)]
        runtime: Option<String>,
    },
}

/// Parse the process's arguments and run. The binary's name comes from `argv[0]`.
pub fn main(rt: &dyn Runtime) -> ExitCode {
    run(rt, std::env::args_os())
}

/// Parse `args` (`argv[0]` first) and run; returns the exit status.
pub fn run(rt: &dyn Runtime, args: impl IntoIterator<Item = OsString>) -> ExitCode {
    run_with_flags(rt, args, [])
}

/// [`run`], for a binary whose `main` takes flags of its own out of `args` before
/// calling this (compio's `--driver`, which picks the runtime value itself).
/// `flags` are listed in `--help`, the top level's and every subcommand's, beside
/// the shared ones, so that no flag a binary takes goes unexplained. They are
/// documentation: `main` must have taken every occurrence out, in every form it
/// accepts, for a value left here is ignored.
pub fn run_with_flags(
    rt: &dyn Runtime,
    args: impl IntoIterator<Item = OsString>,
    flags: impl IntoIterator<Item = clap::Arg>,
) -> ExitCode {
    let name = format!("demos-{}", rt.name());
    match parse(&name, args, flags) {
        Ok(cli) => run_parsed(rt, &name, &cli),
        Err(code) => code,
    }
}

/// The command line parsed by clap, or the exit status of a parse error
/// (already printed as one line; 0 for `--help` and `--version`).
fn parse(
    name: &str,
    args: impl IntoIterator<Item = OsString>,
    flags: impl IntoIterator<Item = clap::Arg>,
) -> Result<Cli, ExitCode> {
    Cli::command()
        .name(name.to_string())
        .args(flags.into_iter().map(|flag| flag.global(true)))
        .try_get_matches_from(args)
        .and_then(|matches| Cli::from_arg_matches(&matches))
        .map_err(|err| clap_error(name, err, &commands()))
}

/// Run a parsed command line on `rt`; returns the exit status.
fn run_parsed(rt: &dyn Runtime, name: &str, cli: &Cli) -> ExitCode {
    if let Err(message) = check_environment(&[rt]) {
        return usage_error(name, &message);
    }
    crate::interrupt::install();
    match execute(rt, cli) {
        Ok(_) if crate::interrupt::requested() => ExitCode::from(crate::interrupt::EXIT_STATUS),
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(message) => usage_error(name, &message),
    }
}

/// Run what `cli` asks for: `Ok(every check passed)`, or `Err` for bad input,
/// found before any work starts.
fn execute(rt: &dyn Runtime, cli: &Cli) -> Result<bool, String> {
    let out = Output { json: cli.json, quiet: cli.quiet, timeline: cli.timeline, by_thread: cli.by_thread };
    let env = |log: Log| {
        Env::new(
            cli.threads.unwrap_or_else(default_threads),
            cli.seed,
            log,
            cli.timeline || cli.trace.is_some(),
        )
    };
    let plan: Vec<(&'static str, serde_json::Value)> = match &cli.command {
        Command::Scenario(command) => vec![command.named_config()],
        Command::All => scenario::ALL.iter().map(|s| (s.name(), s.default_config())).collect(),
        Command::Guide => {
            let (reports, rows) = crate::guide::run(rt, &env(Log::off()));
            if out.json {
                reports.iter().for_each(|r| emit(&r.to_json_line()));
            } else {
                crate::guide::render(rt.name(), &rows).iter().for_each(|l| emit(l));
                if crate::interrupt::requested() {
                    emit("interrupted (Ctrl-C): the figures above are partial; exit status 130");
                }
            }
            return Ok(reports.iter().all(Report::passed));
        }
        Command::List => {
            scenario::ALL.iter().for_each(|s| emit(&format!("{:<12}{}", s.name(), s.about())));
            return Ok(true);
        }
        Command::SumSquares { start, end } => {
            scenario::pools::check_job_range(*start, *end)?;
            emit(&scenario::pools::sum_of_squares(*start..*end).to_string());
            return Ok(true);
        }
        Command::Child { runtime: Some(asked), .. } if asked != rt.name() => {
            return Err(format!("this worker runs {}, not '{asked}'", rt.name()));
        }
        Command::Child { scenario, config, log, .. } => {
            return worker::serve_child(rt, scenario, config, env(child::child_log(*log)));
        }
    };
    // Every input is checked before any work starts: configurations, then the trace path.
    let mut headlines = Vec::new();
    let shape = scenario::RunShape::of(rt, &env(Log::off()));
    for (name, cfg) in &plan {
        let s = scenario::find(name).expect("names come from the registry");
        headlines.push(s.prepare(cfg)?);
        scenario::check_run(s, cfg, &shape, cli.allow_long)?;
    }
    let trace = match &cli.trace {
        Some(path) => Some((path, crate::timeline::prepare_trace(path)?)),
        None => None,
    };
    let mut reports = Vec::new();
    for ((name, cfg), headline) in plan.iter().zip(headlines) {
        if crate::interrupt::requested() {
            break; // Ctrl-C during `all`: no further scenarios
        }
        reports.push(run_one(name, &headline, cfg, rt, env(out.log()), out));
    }
    if crate::interrupt::requested() && !out.json {
        emit("interrupted (Ctrl-C): the summary above is partial; exit status 130");
    }
    if let Some((path, file)) = trace {
        let groups: Vec<(String, Vec<Span>)> = reports
            .iter()
            .map(|r| (format!("{} on {}", r.scenario, r.runtime), r.timeline.clone()))
            .collect();
        crate::timeline::write_trace(file, path, &groups)?;
        if !out.json {
            emit(&format!(
                "trace written to {} — open it in ui.perfetto.dev or chrome://tracing",
                path.display()
            ));
        }
    }
    Ok(reports.iter().all(Report::passed))
}

/// The default worker count: the machine's available parallelism.
pub fn default_threads() -> usize {
    std::thread::available_parallelism().map_or(1, usize::from).min(MAX_THREADS as usize)
}

#[derive(Debug, Clone, Copy)]
struct Output {
    json: bool,
    quiet: bool,
    timeline: bool,
    by_thread: bool,
}

impl Output {
    fn log(self) -> Log {
        if self.json || self.quiet { Log::off() } else { Log::stdout(Log::DEFAULT_LIMIT) }
    }
}

/// Run one (already prepared) scenario and print it.
fn run_one(
    name: &str,
    headline: &str,
    cfg: &serde_json::Value,
    rt: &dyn Runtime,
    env: Env,
    out: Output,
) -> Report {
    let s = scenario::find(name).expect("names come from the registry");
    if !out.json {
        let unused = if rt.threads_apply(s.kind()) { "" } else { " — --threads does not apply" };
        emit(&render_headline(
            &format!("{} ({}{unused})", rt.name(), rt.flavor_for(s.kind(), env.threads)),
            name,
            headline,
        ));
    }
    let outcome = s.run(rt, cfg, &env);
    env.log.finish();
    if out.json {
        emit(&outcome.report.to_json_line());
    } else {
        emit(&render_summary(
            &outcome.report,
            &outcome.figures,
            &outcome.details,
            &outcome.report.takeaway,
            outcome.try_next,
        ));
        if out.timeline {
            render_timeline(&outcome.report.timeline, out.by_thread).iter().for_each(|l| emit(l));
        }
    }
    outcome.report
}

/// The `--timeline` lanes printed after a summary.
fn render_timeline(spans: &[Span], by_thread: bool) -> Vec<String> {
    if spans.is_empty() {
        return vec!["  timeline: this scenario records no steps".into(), String::new()];
    }
    let rows = if by_thread {
        "one row per OS thread"
    } else {
        "one row per task; --by-thread for one per OS thread"
    };
    let mut lines = vec![format!("  timeline ({rows}; # = inside a recorded step):")];
    lines
        .extend(crate::timeline::lanes_fitting(spans, 76, by_thread).into_iter().map(|l| format!("    {l}")));
    lines.push(String::new());
    lines
}

/// Print a line to stdout, styles stripped unless stdout is a colour terminal
/// (anstream honours `NO_COLOR`). A closed pipe (`| head`) is not an error worth
/// a panic: the reader has what it wanted.
pub fn emit(text: &str) {
    use std::io::Write;
    let _ = writeln!(anstream::stdout(), "{text}");
}

/// The subcommands of a demos binary, for error hints.
fn commands() -> String {
    format!("{}, all, guide, list", scenario::names())
}
