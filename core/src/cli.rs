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
use crate::scenario::queue::QueueScenario;
use crate::scenario::race::RaceScenario;
use crate::scenario::{Scenario, count, size};
use crate::{Env, Log, Runtime, child};

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
    /// Producers and consumers over a bounded channel: backpressure and exactly-once
    Queue(crate::QueueConfig),
    /// Run every scenario with its defaults
    All,
    /// List the scenarios
    List,
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
    let threads = cli.threads.unwrap_or_else(default_threads);
    let out = Output { json: cli.json, quiet: cli.quiet };
    let env = |log: Log| Env { threads, seed: cli.seed, log };
    let passed = match cli.command {
        Command::Race(cfg) => scenario::<RaceScenario>(rt, &cfg, env(out.log()), out),
        Command::Queue(cfg) => scenario::<QueueScenario>(rt, &cfg, env(out.log()), out),
        Command::All => {
            let race = scenario::<RaceScenario>(rt, &Default::default(), env(out.log()), out);
            let queue = scenario::<QueueScenario>(rt, &Default::default(), env(out.log()), out);
            race.and_then(|r| queue.map(|q| r && q))
        }
        Command::List => {
            emit(&format!("{:<8}{}", RaceScenario::NAME, RaceScenario::ABOUT));
            emit(&format!("{:<8}{}", QueueScenario::NAME, QueueScenario::ABOUT));
            Ok(true)
        }
        Command::Child { scenario, config, log } => {
            let env = env(child::child_log(log));
            let report = match scenario.as_str() {
                RaceScenario::NAME => child::serve::<RaceScenario>(rt, &config, &env),
                QueueScenario::NAME => child::serve::<QueueScenario>(rt, &config, &env),
                other => Err(format!("unknown scenario '{other}' for {}", child::SUBCOMMAND)),
            };
            report.map(|r| {
                emit(&r.to_json_line());
                true
            })
        }
    };
    match passed {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(message) => usage_error(&name, &message),
    }
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
fn scenario<S: Scenario>(rt: &dyn Runtime, cfg: &S::Config, env: Env, out: Output) -> Result<bool, String> {
    S::validate(cfg)?;
    if !out.json {
        emit(&render_headline(rt.name(), S::NAME, &S::headline(cfg)));
    }
    let (report, observed) = crate::scenario::run::<S>(rt, cfg, &env);
    env.log.finish();
    if out.json {
        emit(&report.to_json_line());
    } else {
        let figures = S::figures(cfg, &observed.metrics);
        let takeaway = S::takeaway(cfg, &observed.metrics, &env);
        emit(&render_summary(&report, &figures, &takeaway));
    }
    Ok(report.passed())
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
                ErrorKind::InvalidSubcommand => "; expected one of race, queue, all, list",
                ErrorKind::UnknownArgument => "; see --help for the options",
                _ => "",
            };
            usage_error(name, &format!("{first}{hint}"))
        }
    }
}
