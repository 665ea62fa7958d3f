//! The one command line every demos binary shares. A runtime crate's `main.rs`
//! is `fn main() -> ExitCode { demos_core::cli::main(&TheRuntime) }`.
//!
//! Exit status: 0 when every check passed, 1 when a check failed (an invariant
//! broke), 2 for bad input — one line on stderr naming the bad value and what is
//! allowed, before any work starts.

use std::ffi::OsString;
use std::process::ExitCode;

use clap::error::ErrorKind;
use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};

use crate::report::{render_headline, render_summary};
use crate::scenario::{self, count, size};
use crate::{Env, Log, Report, Runtime, child};

/// Largest `--threads` accepted: more workers than this on one machine only
/// measures the OS scheduler.
pub const MAX_THREADS: u64 = 256;

const AFTER_HELP: &str = "\
Each scenario prints a short live log of the events that make its point, then the
figures, the invariant checks and the take-away. Exit status: 0 every check passed,
1 a check failed, 2 bad input.

Examples:
  queue                                 one scenario with its defaults
  queue --producers 4 --capacity 2 --threads 1
  all --json                            every scenario, one JSON line each";

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
}

#[derive(Debug, Subcommand)]
enum Command {
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
    /// Run every scenario with its defaults
    All,
    /// The "picking the right tool" table, filled with figures measured now
    Guide,
    /// List the scenarios
    List,
    /// Print Σi² over start..end: one job of the std-threads process pool
    #[command(name = child::SUM_SQUARES, hide = true)]
    SumSquares {
        #[arg(value_parser = count::<0, { u64::MAX }>)]
        start: u64,
        #[arg(value_parser = count::<0, { u64::MAX }>)]
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
    },
}

/// Parse the process's arguments and run. The binary's name comes from argv[0].
pub fn main(rt: &dyn Runtime) -> ExitCode {
    run(rt, std::env::args_os())
}

/// Parse `args` (argv[0] first) and run; returns the exit status.
pub fn run(rt: &dyn Runtime, args: impl IntoIterator<Item = OsString>) -> ExitCode {
    let name = format!("demos-{}", rt.name());
    let matches = match Cli::command().name(name.clone()).try_get_matches_from(args) {
        Ok(m) => m,
        Err(err) => return clap_error(&name, err),
    };
    let cli = match Cli::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(err) => return clap_error(&name, err),
    };
    let out = Output { json: cli.json, quiet: cli.quiet };
    let env = |log: Log| Env { threads: cli.threads.unwrap_or_else(default_threads), seed: cli.seed, log };
    let config = |cfg: &dyn erased::Config| cfg.to_json();
    let passed = match &cli.command {
        Command::Race(cfg) => run_one("race", config(cfg), rt, &env, out),
        Command::Ordering(cfg) => run_one("ordering", config(cfg), rt, &env, out),
        Command::Futures(cfg) => run_one("futures", config(cfg), rt, &env, out),
        Command::Pools(cfg) => run_one("pools", config(cfg), rt, &env, out),
        Command::Bridge(cfg) => run_one("bridge", config(cfg), rt, &env, out),
        Command::Threads(cfg) => run_one("threads", config(cfg), rt, &env, out),
        Command::Scheduling(cfg) => run_one("scheduling", config(cfg), rt, &env, out),
        Command::Queue(cfg) => run_one("queue", config(cfg), rt, &env, out),
        Command::All => run_all(rt, &env, out),
        Command::Guide => {
            let env = env(Log::off());
            let (reports, rows) = crate::guide::run(rt, &env);
            if out.json {
                reports.iter().for_each(|r| emit(&r.to_json_line()));
            } else {
                crate::guide::render(rt.name(), &rows).iter().for_each(|l| emit(l));
            }
            Ok(reports.iter().all(Report::passed))
        }
        Command::List => {
            for s in scenario::ALL {
                emit(&format!("{:<12}{}", s.name(), s.about()));
            }
            Ok(true)
        }
        Command::SumSquares { start, end } => {
            emit(&scenario::pools::sum_of_squares(*start..*end).to_string());
            Ok(true)
        }
        Command::Child { scenario, config, log } => {
            serve_child(rt, scenario, config, env(child::child_log(*log)))
        }
    };
    match passed {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(message) => usage_error(&name, &message),
    }
}

mod erased {
    /// A scenario configuration as JSON, whatever its type.
    pub(super) trait Config {
        fn to_json(&self) -> serde_json::Value;
    }
    impl<T: serde::Serialize> Config for T {
        fn to_json(&self) -> serde_json::Value {
            serde_json::to_value(self).expect("configs are plain data")
        }
    }
}

/// Run every scenario with its defaults; all are checked before any runs.
fn run_all(rt: &dyn Runtime, env: &dyn Fn(Log) -> Env, out: Output) -> Result<bool, String> {
    let mut passed = true;
    for s in scenario::ALL {
        passed &= run_one(s.name(), s.default_config(), rt, env, out)?;
    }
    Ok(passed)
}

fn serve_child(rt: &dyn Runtime, name: &str, config: &str, env: Env) -> Result<bool, String> {
    let s = scenario::find(name).ok_or_else(|| format!("unknown scenario '{name}'"))?;
    let cfg = serde_json::from_str(config).map_err(|e| format!("bad --config: {e}"))?;
    s.prepare(&cfg)?;
    let outcome = s.run(rt, &cfg, &env);
    env.log.finish();
    emit(&outcome.report.to_json_line());
    Ok(true)
}

/// The default worker count: the machine's available parallelism.
pub fn default_threads() -> usize {
    std::thread::available_parallelism().map_or(1, usize::from).min(MAX_THREADS as usize)
}

#[derive(Debug, Clone, Copy)]
struct Output {
    json: bool,
    quiet: bool,
}

impl Output {
    fn log(self) -> Log {
        if self.json || self.quiet { Log::off() } else { Log::stdout(Log::DEFAULT_LIMIT) }
    }
}

/// Run one scenario and print it; `Ok(passed)`, or `Err` for invalid input.
fn run_one(
    name: &str,
    cfg: serde_json::Value,
    rt: &dyn Runtime,
    env: &dyn Fn(Log) -> Env,
    out: Output,
) -> Result<bool, String> {
    let s = scenario::find(name).ok_or_else(|| format!("unknown scenario '{name}'"))?;
    let headline = s.prepare(&cfg)?;
    if !out.json {
        emit(&render_headline(rt.name(), name, &headline));
    }
    let env = env(out.log());
    let outcome = s.run(rt, &cfg, &env);
    env.log.finish();
    if out.json {
        emit(&outcome.report.to_json_line());
    } else {
        emit(&render_summary(&outcome.report, &outcome.figures, &outcome.details, &outcome.takeaway));
    }
    Ok(outcome.report.passed())
}

/// Print a line to stdout, styles stripped unless stdout is a colour terminal
/// (anstream honours `NO_COLOR`). A closed pipe (`| head`) is not an error worth
/// a panic: the reader has what it wanted.
fn emit(text: &str) {
    use std::io::Write;
    let _ = writeln!(anstream::stdout(), "{text}");
}

fn usage_error(name: &str, message: &str) -> ExitCode {
    eprintln!("{name}: error: {message}");
    ExitCode::from(2)
}

/// Turn clap's multi-line errors into the one line the project promises.
fn clap_error(name: &str, err: clap::Error) -> ExitCode {
    match err.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            let _ = err.print();
            ExitCode::SUCCESS
        }
        ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand | ErrorKind::MissingSubcommand => {
            usage_error(name, "no scenario given; expected one of race, queue, all, list (try --help)")
        }
        kind => {
            let rendered = err.to_string();
            let first = rendered.lines().next().unwrap_or("invalid arguments");
            let first = first.trim_start_matches("error: ");
            let hint = match kind {
                ErrorKind::InvalidSubcommand => {
                    format!("; expected one of {}, all, guide, list", scenario::names())
                }
                ErrorKind::UnknownArgument => "; see --help for the options".to_string(),
                _ => String::new(),
            };
            usage_error(name, &format!("{first}{hint}"))
        }
    }
}
