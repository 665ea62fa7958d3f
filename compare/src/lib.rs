//! compare: run scenarios on every runtime with the same configuration and
//! print them side by side — a column per runtime, a row per metric and per
//! check — or, with `differences`, what each executor did when probed.
//!
//! It knows the runtimes only through `demos_core::Runtime`: adding a runtime
//! is adding it to the list in `main.rs`.

#![forbid(unsafe_code)]

mod differences;
mod format;
mod html;
mod python;
mod sweep;
mod table;

use std::ffi::OsString;
use std::process::ExitCode;

use clap::builder::PossibleValuesParser;
use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};
use demos_core::cli::{MAX_THREADS, ScenarioCommand, clap_error, default_threads, emit, usage_error};
use demos_core::interrupt::until_stopped;
use demos_core::scenario::{self, RunShape, count, size};
use demos_core::{Env, Log, Report, Runtime};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

const AFTER_HELP: &str = "\
Examples:
  compare queue                          every runtime, the queue's defaults
  compare race --threads 1,2,4 --repeat 5
  compare queue --runtime tokio,smol --capacity 1
  compare differences                    what each executor does, probed
  compare all --json                     JSON Lines: runtime × scenario × repetition
  compare scale --sweep tasks=1000,10000,100000
                                         a group of columns per value, and how each figure grows
  compare race --repeat 10 --report race.html
                                         the tables, charts and timelines in one HTML file

Exit status: 0 every check on every runtime passed, 1 a check failed, 2 bad input,
130 interrupted by Ctrl-C (the tables of what ran are printed first).";

#[derive(Debug, Parser)]
#[command(name = "compare", version, about = "Run runtime-demos scenarios on every runtime, side by side", after_help = AFTER_HELP)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// Runtimes to compare, comma-separated [default: all]
    #[arg(long, global = true, value_delimiter = ',')]
    runtime: Vec<String>,
    /// Worker counts to sweep, comma-separated [default: available parallelism]
    #[arg(long, global = true, value_delimiter = ',', value_parser = size::<1, MAX_THREADS>, allow_negative_numbers = true)]
    threads: Vec<usize>,
    /// Runs per cell; numeric metrics then show min / median / max
    #[arg(long, global = true, default_value_t = 1, value_parser = size::<1, 100>, allow_negative_numbers = true)]
    repeat: usize,
    /// Seed of every random choice
    #[arg(long, global = true, default_value_t = 42, value_parser = count::<0, { u64::MAX }>, allow_negative_numbers = true)]
    seed: u64,
    /// Print JSON Lines (one report per runtime × scenario × repetition) instead of tables
    #[arg(long, global = true)]
    json: bool,
    /// No progress bar and no line saying where a report or trace was written: the tables only
    #[arg(long, global = true)]
    quiet: bool,
    /// Write every run's timeline to one Chrome trace (a process per runtime; open in ui.perfetto.dev)
    #[arg(long, global = true, value_name = "FILE")]
    trace: Option<std::path::PathBuf>,
    /// Sweep one numeric option of the scenario: OPTION=V1,V2,… (a group of columns per value)
    #[arg(long, global = true, value_name = "OPTION=V1,V2,…", value_parser = sweep::parse)]
    sweep: Option<sweep::Sweep>,
    /// Also write a self-contained HTML report: the tables, a chart per metric, timelines, take-aways
    #[arg(long, global = true, value_name = "FILE")]
    report: Option<std::path::PathBuf>,
    /// Run even when a configuration is estimated to take over 10 minutes on some runtime
    #[arg(long, global = true)]
    allow_long: bool,
}

#[derive(Debug, Subcommand)]
enum Command {
    #[command(flatten)]
    Scenario(ScenarioCommand),
    /// Every scenario with its defaults
    All,
    /// What each executor does when probed: dropped handles, panics, abort, blocking work, workers
    Differences,
}

/// One cell of the matrix: a scenario on a runtime with a worker count, repeated.
#[derive(Debug)]
pub(crate) struct Cell {
    pub(crate) runtime: &'static str,
    /// Each run's report, in run order; each carries its take-away.
    pub(crate) reports: Vec<Report>,
}

impl Cell {
    /// The executor flavour the first run reported.
    pub(crate) fn flavor(&self) -> &str {
        self.reports.first().map_or("", |r| r.flavor.as_str())
    }

    /// The numeric values of `metric` over this cell's runs, in run order.
    pub(crate) fn values(&self, metric: &str) -> Vec<f64> {
        self.reports.iter().filter_map(|r| r.metrics.get(metric)?.as_f64()).collect()
    }

    /// The least, middle ([`scenario::median`], the one median everywhere)
    /// and greatest value of `metric` over the runs; `None` when no run
    /// reported it as a number.
    pub(crate) fn min_median_max(&self, metric: &str) -> Option<(f64, f64, f64)> {
        let v = self.values(metric);
        let min = v.iter().copied().min_by(f64::total_cmp)?;
        let max = v.iter().copied().max_by(f64::total_cmp)?;
        Some((min, scenario::median(v)?, max))
    }
}

/// One scenario at one worker count on every chosen runtime: what a table shows.
#[derive(Debug)]
pub(crate) struct Table {
    pub(crate) name: String,
    pub(crate) headline: String,
    /// The configuration every runtime ran.
    pub(crate) config: serde_json::Value,
    pub(crate) threads: usize,
    /// The value of the swept option, with `--sweep`.
    pub(crate) point: Option<sweep::Point>,
    pub(crate) cells: Vec<Cell>,
    /// Runtimes not run here, and why (beyond their OS-thread or descriptor limit).
    pub(crate) skipped: Vec<(&'static str, String)>,
    /// Runtimes that ran but gave no report (the python child), and why.
    pub(crate) failed: Vec<(&'static str, String)>,
}

/// Parse `args` and run; returns the exit status.
pub fn main(runtimes: &[&dyn Runtime], args: impl IntoIterator<Item = OsString>) -> ExitCode {
    let args: Vec<OsString> = args.into_iter().collect();
    let names: Vec<&'static str> = runtimes.iter().map(|r| r.name()).collect();
    let commands = format!("{}, all, differences", scenario::names());
    let columns: Vec<&'static str> = names.iter().copied().chain([python::NAME]).collect();
    let command = Cli::command().mut_arg("runtime", |a| a.value_parser(PossibleValuesParser::new(columns)));
    let cli = match command.try_get_matches_from(&args).and_then(|m| Cli::from_arg_matches(&m)) {
        Ok(cli) => cli,
        Err(err) => return clap_error("compare", err, &commands),
    };
    demos_core::interrupt::install();
    let chosen: Vec<&dyn Runtime> = runtimes
        .iter()
        .copied()
        .filter(|rt| cli.runtime.is_empty() || cli.runtime.iter().any(|n| n == rt.name()))
        .collect();
    // The python column: asked for by name, or by naming no runtime at all.
    let python_named = cli.runtime.iter().any(|n| n == python::NAME);
    let python_wanted = cli.runtime.is_empty() || python_named;
    let threads = if cli.threads.is_empty() { vec![default_threads()] } else { cli.threads.clone() };
    let page = |tables, differences| html::Page {
        command: html::command_line(&args),
        seed: cli.seed,
        repeat: cli.repeat,
        tables,
        differences,
        interrupted: demos_core::interrupt::requested(),
    };
    if cli.sweep.is_some() && !matches!(cli.command, Command::Scenario(_)) {
        return usage_error(
            "compare",
            "--sweep needs one scenario: compare <scenario> --sweep OPTION=V1,V2,…",
        );
    }
    let plan: Vec<(&str, serde_json::Value)> = match &cli.command {
        Command::Scenario(command) => vec![command.named_config()],
        Command::All => scenario::ALL.iter().map(|s| (s.name(), s.default_config())).collect(),
        Command::Differences => {
            if chosen.is_empty() {
                return usage_error(
                    "compare",
                    "differences probes the Rust runtimes: name one with --runtime",
                );
            }
            let report = match open_report(&cli.report) {
                Ok(report) => report,
                Err(message) => return usage_error("compare", &message),
            };
            // CPython answers the probes whose scenario it has, when it is found.
            let python = python_wanted.then(python::find).flatten();
            if python_wanted && python.is_none() {
                if cli.json { eprintln!("{}", python::SKIPPED) } else { emit(python::SKIPPED) }
            }
            let (code, answered) = differences::run(&chosen, python.as_ref(), cli.seed, cli.json);
            if let Some((path, file)) = report {
                if let Err(message) =
                    html::write(file, path, &page(Vec::new(), Some(answered)), !(cli.json || cli.quiet))
                {
                    return usage_error("compare", &message);
                }
            }
            return interrupted_or(code);
        }
    };
    // With python alone, `all` is the eight it has.
    let all = matches!(cli.command, Command::All);
    let plan: Vec<(&str, serde_json::Value)> =
        plan.into_iter().filter(|(name, _)| !all || !chosen.is_empty() || python::has(name)).collect();
    let mut python_skipped = false;
    let python = if python_wanted && plan.iter().any(|(name, _)| python::has(name)) {
        let found = python::find();
        python_skipped = found.is_none();
        if python_skipped && chosen.is_empty() {
            let why =
                format!("--runtime python: no python3 ≥ 3.10 found (or set {})", python::INTERPRETER_VAR);
            return usage_error("compare", &why);
        }
        found
    } else {
        None
    };
    // Each scenario with its points: one configuration, or one per swept value.
    let mut planned: Vec<(&str, Vec<Planned>)> = Vec::new();
    for (name, cfg) in &plan {
        let s = scenario::find(name).expect("scenario names come from the registry");
        let points = match &cli.sweep {
            Some(sweep) => match sweep::points(s, cfg, sweep) {
                Ok(points) => points,
                Err(message) => return usage_error("compare", &message),
            },
            None => vec![(None, cfg.clone())],
        };
        let mut prepared = Vec::new();
        for (point, cfg) in points {
            let headline = match s.prepare(&cfg) {
                Ok(headline) => headline,
                Err(message) => return usage_error("compare", &message),
            };
            // A runtime beyond its own limits here (OS threads, descriptors) sits this point
            // out, with the reason under the table; one too slow is refused, as alone.
            let mut skipped = Vec::new();
            for (rt, &t) in chosen.iter().flat_map(|rt| threads.iter().map(move |t| (rt, t))) {
                let shape = RunShape::of(*rt, &Env::quiet(t, cli.seed));
                if let Err(message) = s.check_shape(&cfg, &shape) {
                    if !skipped.iter().any(|(name, _)| *name == rt.name()) {
                        skipped.push((rt.name(), message));
                    }
                } else if let Err(message) = scenario::check_run(s, &cfg, &shape, cli.allow_long) {
                    return usage_error("compare", &format!("on {}: {message}", rt.name()));
                }
            }
            // Named, python sits out the other scenarios with a line saying so;
            // left to the default, it is one of "all" where it has the scenario.
            if python_named && !python::has(name) {
                let seed = python::SCENARIOS.join(", ");
                skipped.push((
                    python::NAME,
                    format!("the Python side has the seed's eight scenarios only: {seed}"),
                ));
            }
            let rust_skipped = skipped.iter().filter(|(n, _)| *n != python::NAME).count();
            if rust_skipped == chosen.len() && !(python.is_some() && python::has(name)) {
                let (name, message) = &skipped[0];
                return usage_error("compare", &format!("on {name}: {message}"));
            }
            prepared.push(Planned { point, cfg, headline, skipped });
        }
        planned.push((name, prepared));
    }
    let trace = match &cli.trace {
        Some(path) => match demos_core::timeline::prepare_trace(path) {
            Ok(file) => Some((path, file)),
            Err(message) => return usage_error("compare", &message),
        },
        None => None,
    };
    // An unwritable report path is refused before anything runs, as a trace path is.
    let report = match open_report(&cli.report) {
        Ok(report) => report,
        Err(message) => return usage_error("compare", &message),
    };
    if python_skipped {
        // On stderr with --json, whose stdout holds reports only.
        if cli.json { eprintln!("{}", python::SKIPPED) } else { emit(python::SKIPPED) }
    }
    let mut processes = Vec::new();
    let points: usize = planned
        .iter()
        .map(|(name, points)| {
            points.len() * (chosen.len() + usize::from(python.is_some() && python::has(name)))
        })
        .sum();
    let total = (points * threads.len() * cli.repeat) as u64;
    let progress = ProgressBar::with_draw_target(
        Some(total),
        if cli.json || cli.quiet { ProgressDrawTarget::hidden() } else { ProgressDrawTarget::stderr() },
    );
    progress.set_style(ProgressStyle::with_template("{bar:30} {pos}/{len} {msg}").expect("a valid template"));
    let mut passed = true;
    let mut tables = Vec::new();
    // Spans are recorded for a trace, and for the report's lane charts.
    let record = trace.is_some() || report.is_some();
    for (name, points) in &planned {
        let s = scenario::find(name).expect("scenario names come from the registry");
        for &t in until_stopped(&threads) {
            let mut group = Vec::new();
            for Planned { point, cfg, headline, skipped } in until_stopped(points) {
                let at = point.as_ref().map(|p| format!(", {p}")).unwrap_or_default();
                let mut cells = Vec::new();
                for rt in
                    until_stopped(&chosen).filter(|rt| !skipped.iter().any(|(name, _)| *name == rt.name()))
                {
                    let mut cell = Cell { runtime: rt.name(), reports: Vec::new() };
                    for run in until_stopped(0..cli.repeat) {
                        progress.set_message(format!("{name}{at} on {} with --threads {t}", rt.name()));
                        let env = Env::new(t, cli.seed, Log::off(), record);
                        let outcome = s.run(*rt, cfg, &env);
                        let report = outcome.report;
                        if trace.is_some() {
                            // One process per runtime (and run): every run's clock starts at its own 0,
                            // so the same experiment lines up across runtimes.
                            let mut process = format!("{} — {name}{at}, --threads {t}", rt.name());
                            if cli.repeat > 1 {
                                process.push_str(&format!(", run {}", run + 1));
                            }
                            processes.push((process, report.timeline.clone()));
                        }
                        passed &= report.passed();
                        if cli.json {
                            emit(&report.to_json_line());
                        }
                        cell.reports.push(report);
                        progress.inc(1);
                    }
                    if !cell.reports.is_empty() {
                        cells.push(cell);
                    }
                }
                let mut failed = Vec::new();
                if let Some(python) = python.as_ref().filter(|_| python::has(name)) {
                    let mut cell = Cell { runtime: python::NAME, reports: Vec::new() };
                    for run in until_stopped(0..cli.repeat) {
                        progress.set_message(format!("{name}{at} on python with --threads {t}"));
                        match python.run(name, cfg, t, cli.seed, cli.allow_long) {
                            Ok(python::Ran { report, exited_ok }) => {
                                if trace.is_some() {
                                    let mut process = format!("python — {name}{at}, --threads {t}");
                                    if cli.repeat > 1 {
                                        process.push_str(&format!(", run {}", run + 1));
                                    }
                                    processes.push((process, report.timeline.clone()));
                                }
                                // Exit status 1 is a failed check, whatever the report says.
                                passed &= report.passed() && exited_ok;
                                if cli.json {
                                    emit(&report.to_json_line());
                                }
                                cell.reports.push(report);
                                progress.inc(1);
                            }
                            // A child stopped by Ctrl-C before it could report is no failure.
                            Err(_) if demos_core::interrupt::requested() => break,
                            Err(why) => {
                                passed = false;
                                if cli.json {
                                    eprintln!("compare: python: {why}");
                                }
                                failed.push((python::NAME, why));
                                break;
                            }
                        }
                    }
                    if !cell.reports.is_empty() {
                        cells.push(cell);
                    }
                }
                if !cells.is_empty() || !failed.is_empty() {
                    let (name, headline) = (name.to_string(), headline.clone());
                    let skipped = skipped.clone();
                    let config = cfg.clone();
                    group.push(Table {
                        name,
                        headline,
                        config,
                        threads: t,
                        point: point.clone(),
                        cells,
                        skipped,
                        failed,
                    });
                }
            }
            if !cli.json && !group.is_empty() {
                progress.suspend(|| {
                    sweep::render_group(&group, cli.seed, cli.repeat, threads.len() > 1)
                        .iter()
                        .for_each(|l| emit(l))
                });
            }
            tables.extend(group);
        }
    }
    progress.finish_and_clear();
    if let Some((path, file)) = trace {
        if let Err(message) = demos_core::timeline::write_trace(file, path, &processes) {
            return usage_error("compare", &message);
        }
        if !(cli.json || cli.quiet) {
            emit(&format!(
                "trace written to {} — open it in ui.perfetto.dev or chrome://tracing",
                path.display()
            ));
        }
    }
    if let Some((path, file)) = report {
        if let Err(message) = html::write(file, path, &page(tables, None), !(cli.json || cli.quiet)) {
            return usage_error("compare", &message);
        }
    }
    if demos_core::interrupt::requested() && !cli.json {
        emit("interrupted (Ctrl-C): the tables above are partial; exit status 130");
    }
    interrupted_or(if passed { ExitCode::SUCCESS } else { ExitCode::from(1) })
}

/// One configuration to run: the swept value it stands for, its headline,
/// and the runtimes that sit it out.
#[derive(Debug)]
struct Planned {
    point: Option<sweep::Point>,
    cfg: serde_json::Value,
    headline: String,
    skipped: Vec<(&'static str, String)>,
}

/// The report file, created (so that an unwritable path is refused) before any run.
fn open_report(
    path: &Option<std::path::PathBuf>,
) -> Result<Option<(&std::path::PathBuf, std::fs::File)>, String> {
    path.as_ref().map(|path| html::prepare(path).map(|file| (path, file))).transpose()
}

/// Exit status 130 after Ctrl-C, whatever the runs' checks said.
fn interrupted_or(code: ExitCode) -> ExitCode {
    if demos_core::interrupt::requested() { ExitCode::from(demos_core::interrupt::EXIT_STATUS) } else { code }
}
