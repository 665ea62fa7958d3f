//! guide: "picking the right tool", with figures measured on this machine now,
//! on the chosen runtime. Each row measures exactly what it names, and its
//! advice is a pure function of its figures (`advice()` on the row's figures):
//! it recommends only what the figures show, says which side won on what, and
//! where the run showed nothing (one worker, a busy machine) it says so and
//! advises nothing.
//!
//! * [`io`] — many connections: the loopback echo as the runtime's tasks (in a
//!   fresh process) and with an OS thread per connection end, weighed on
//!   throughput, p99 latency and OS threads; then `files`' reads, where a
//!   runtime's tasks may need a thread per read in flight after all;
//! * [`cpu`] — CPU-bound work: the CPU half of `pools`, one job per worker
//!   against the same jobs one after another;
//! * [`blocking`] — blocking or legacy sync calls in async code: `bridge`'s
//!   heartbeat while the calls are offloaded, then made inline;
//! * [`contention`] — shared state under contention: OS threads hammering one
//!   `std::sync::Mutex`, then one `AtomicU64`, with their overlap reported;
//! * [`balance`] — uneven CPU work arising in one place: `balance`'s tasks
//!   spawned from one task, then placed round-robin (where thread-per-core
//!   and work stealing part ways).
//!
//! Every row carries checks of what its run could get wrong (every byte echoed
//! on both sides, every sum equal, every blocking call completed, every
//! increment counted), printed as `ok`/`FAIL` lines; `guide --json` prints the
//! scenario reports it ran, then a `guide` report with every check and figure.

use std::time::Instant;

use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::report::Report;
use crate::scenario::balance::BalanceScenario;
use crate::scenario::bridge::BridgeScenario;
use crate::scenario::echo::{self, EchoScenario};
use crate::scenario::files::FilesScenario;
use crate::scenario::pools::PoolsScenario;
use crate::scenario::{self, Outcome};
use crate::wrap::paragraph;
use crate::{BalanceConfig, BridgeConfig, Check, EchoConfig, Env, FilesConfig, Runtime};

pub mod balance;
pub mod blocking;
pub mod contention;
pub mod cpu;
pub mod io;

mod figures;

pub use figures::Figures;

/// What a row advises, worded from its figures, and the branch that wording took.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Advice<V> {
    /// Which case the figures fell in.
    pub verdict: V,
    /// The advice as printed.
    pub text: String,
}

impl<V> Advice<V> {
    /// Advice of `verdict`, worded `text`.
    pub fn new(verdict: V, text: impl Into<String>) -> Self {
        Self { verdict, text: text.into() }
    }
}

/// One row of the guide.
#[derive(Debug, Clone)]
pub struct Row {
    /// The situation.
    pub situation: &'static str,
    /// What to reach for, worded from what was measured.
    pub advice: String,
    /// The scenarios that show it.
    pub scenario: &'static str,
    /// What this machine measured.
    pub measured: String,
    /// What the row's runs could have got wrong, checked.
    pub checks: Vec<Check>,
}

/// The sizes of the guide's experiments.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GuideConfig {
    /// The I/O row's echo, run both ways.
    pub echo: EchoConfig,
    /// Numbers each CPU job sums (`None`: as many as take about 40 ms here).
    pub cpu_size: Option<u64>,
    /// The blocking-call row's bridge run.
    pub bridge: BridgeConfig,
    /// Increments each thread makes in the contention row.
    pub increments: u64,
    /// The uneven-work row's balance run.
    pub balance: BalanceConfig,
    /// The I/O row's file reads.
    pub files: FilesConfig,
}

impl Default for GuideConfig {
    /// Enough connections for the two models to differ and loops long enough
    /// to overlap, in a couple of seconds in all.
    fn default() -> Self {
        Self {
            echo: EchoConfig { connections: 200, round_trips: 20, bytes: 64 },
            cpu_size: None,
            bridge: BridgeConfig { jobs: 2, job_ms: 50, tick_ms: 5 },
            increments: 500_000,
            balance: BalanceConfig::default(),
            files: FilesConfig { files: 64, min_kib: 4, max_kib: 16, concurrency: 16, pool_limit: 4 },
        }
    }
}

impl GuideConfig {
    /// Small sizes, for tests: every row and check, in a fraction of the time.
    pub fn small() -> Self {
        Self {
            echo: EchoConfig { connections: 20, round_trips: 5, bytes: 16 },
            cpu_size: Some(200_000),
            // Two calls, so the heartbeat has 100 ms to tick in: a loaded machine held a
            // thread off the CPU for all of a 50 ms window.
            bridge: BridgeConfig { jobs: 2, job_ms: 50, tick_ms: 5 },
            increments: 20_000,
            balance: BalanceConfig { tasks: 8, max_task_ms: 4 },
            files: FilesConfig { files: 16, min_kib: 1, max_kib: 4, concurrency: 8, pool_limit: 2 },
        }
    }
}

/// A finished guide: the scenario reports it ran, then its own; the rows; and
/// the figures every row's text was worded from.
#[derive(Debug, Clone)]
pub struct Guide {
    /// echo, pools, bridge, balance and files as they ran, then the `guide` report.
    pub reports: Vec<Report>,
    /// The table.
    pub rows: Vec<Row>,
    /// The figures behind the rows.
    pub figures: Figures,
}

/// Run the guide at its sizes on `rt`; returns the reports and the table.
pub fn run(rt: &dyn Runtime, env: &Env) -> (Vec<Report>, Vec<Row>) {
    let guide = measure(rt, env, &GuideConfig::default());
    (guide.reports, guide.rows)
}

/// Run the guide's experiments at `cfg`'s sizes on `rt`.
pub fn measure(rt: &dyn Runtime, env: &Env, cfg: &GuideConfig) -> Guide {
    let started = Instant::now();
    let experiment = |name: &str, cfg: serde_json::Value| -> Outcome {
        let s = scenario::find(name).expect("the guide's scenarios exist");
        s.prepare(&cfg).expect("the guide's configurations are valid");
        s.run(rt, &cfg, &Env { workers: Default::default(), ..env.clone() }) // workers seen per experiment
    };
    let io = experiment("echo", serde_json::to_value(&cfg.echo).expect("plain data")).report;
    let cpu =
        experiment("pools", json!({ "io_jobs": 1, "io_ms": 0, "cpu_jobs": null, "cpu_size": cfg.cpu_size }))
            .report;
    let bridge = experiment("bridge", serde_json::to_value(&cfg.bridge).expect("plain data")).report;
    let threads = echo::threads::run(&cfg.echo).metrics;
    let contention = contention::measure(env.threads, cfg.increments);
    let uneven = experiment("balance", serde_json::to_value(&cfg.balance).expect("plain data")).report;
    let files = experiment("files", serde_json::to_value(&cfg.files).expect("plain data")).report;
    // Typed figures: a renamed metric is a compile error here, not a NaN in the table.
    let figures = Figures::new(
        rt,
        cfg,
        (
            &io,
            &io.metrics_of::<EchoScenario>().expect("an echo report"),
            &threads,
            &files.metrics_of::<FilesScenario>().expect("a files report"),
        ),
        &cpu.metrics_of::<PoolsScenario>().expect("a pools report"),
        &bridge.metrics_of::<BridgeScenario>().expect("a bridge report"),
        contention,
        &uneven.metrics_of::<BalanceScenario>().expect("a balance report"),
    );

    let interrupted = crate::interrupt::requested();
    let on_tasks = format!("{} echo", io::possessive(rt.name()));
    let on_files = format!("{} files", io::possessive(rt.name()));
    let named = |prefix: &str, checks: Vec<Check>| -> Vec<Check> {
        checks.into_iter().map(|c| Check { name: format!("{prefix}: {}", c.name), ..c }).collect()
    };
    let rows = vec![
        Row {
            situation: "I/O-bound, many connections",
            advice: figures.io.advice().text,
            scenario: "echo, files, scale, queue",
            measured: figures.io.measured(),
            checks: [
                named(&on_tasks, io.checks.clone()),
                io::baseline_checks(&cfg.echo, &threads),
                named(&on_files, files.checks.clone()),
            ]
            .concat(),
        },
        Row {
            situation: "CPU-bound",
            advice: figures.cpu.advice().text,
            scenario: "pools, scheduling",
            measured: figures.cpu.measured(),
            // The CPU half's checks (the sums): the one I/O job pools needs is not this row's
            // business, unless its check failed.
            checks: cpu.checks.iter().filter(|c| c.name.contains("sum") || !c.passed).cloned().collect(),
        },
        Row {
            situation: "blocking or legacy sync calls in async code",
            advice: figures.blocking.advice().text,
            scenario: "bridge, starvation",
            measured: figures.blocking.measured(),
            checks: bridge.checks.clone(),
        },
        Row {
            situation: "high-contention shared state",
            advice: figures.contention.advice().text,
            scenario: "race",
            measured: figures.contention.measured(),
            checks: figures.contention.checks(),
        },
        Row {
            situation: "uneven CPU work arising in one place",
            advice: figures.balance.advice().text,
            scenario: "balance",
            measured: figures.balance.measured(),
            checks: uneven.checks.clone(),
        },
    ];
    let rows: Vec<Row> = rows.into_iter().map(|row| if interrupted { stopped(row) } else { row }).collect();
    let guide = Report {
        scenario: "guide".into(),
        runtime: rt.name().into(),
        flavor: rt.flavor(env.threads),
        threads: env.threads,
        workers_observed: [&io, &cpu, &bridge, &uneven, &files]
            .iter()
            .map(|r| r.workers_observed)
            .max()
            .unwrap_or(0),
        seed: env.seed,
        config: serde_json::to_value(cfg).expect("plain data"),
        metrics: figures.metrics(),
        checks: rows.iter().flat_map(|row| row.checks.clone()).collect(),
        elapsed_ms: started.elapsed().as_secs_f64() * 1e3,
        timeline: Vec::new(),
        interrupted,
        // The rows' advice is the guide's lesson; it has no take-away line of its own.
        takeaway: String::new(),
    };
    Guide { reports: vec![io, cpu, bridge, uneven, files, guide], rows, figures }
}

/// Every check the guide prints of its own, by name: the thread-per-connection
/// baseline's (echo's checks, named for that side) and the contention row's.
/// Its other checks are the scenarios' it ran ([`crate::scenario::Kind::checks`]),
/// under their own names or a runtime's prefix ("tokio's echo: …").
pub fn own_checks() -> Vec<String> {
    let baseline = <EchoScenario as scenario::Scenario>::CHECKS.iter().map(|c| io::baseline_name(c));
    baseline.chain(contention::CHECKS.iter().map(|c| c.to_string())).collect()
}

/// A row of a run Ctrl-C stopped: no advice from partial figures, and a check
/// the run ended before is marked partial, not failed.
fn stopped(mut row: Row) -> Row {
    row.advice = "none drawn: Ctrl-C stopped the run part-way".into();
    row.checks.iter_mut().filter(|c| !c.passed).for_each(|c| c.partial = true);
    row
}

/// The table as text lines.
pub fn render(runtime: &str, rows: &[Row]) -> Vec<String> {
    let mut lines =
        vec![format!("picking the right tool — measured on this machine with {runtime}"), String::new()];
    let hang = " ".repeat(15);
    for row in rows {
        lines.push(format!("  {}", row.situation));
        lines.push(paragraph("    reach for  ", &hang, &row.advice));
        lines.push(paragraph("    see        ", &hang, row.scenario));
        lines.push(paragraph("    measured   ", &hang, &row.measured));
        for (i, check) in row.checks.iter().enumerate() {
            let mark = match (check.passed, check.partial) {
                (true, _) => "ok  ",
                (false, true) => "part",
                (false, false) => "FAIL",
            };
            let label = if i == 0 { "    checks     " } else { &hang };
            // The figures behind a verdict only where it did not hold; `--json` has them all.
            let text =
                if check.passed { check.name.clone() } else { format!("{} ({})", check.name, check.detail) };
            lines.push(paragraph(&format!("{label}{mark} "), &" ".repeat(hang.len() + 5), &text));
        }
    }
    lines.push(String::new());
    lines.push(
        "  Run the same guide on another runtime, or with --threads 1, and compare the figures.".into(),
    );
    lines
}
