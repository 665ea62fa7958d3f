//! Running a scenario in a child process.
//!
//! Some executors are global and sized once per process (async-std reads
//! `ASYNC_STD_THREAD_COUNT` when it first starts). When a call asks for a worker
//! count the process's executor does not have, the runtime crate runs the
//! scenario in a fresh child of a demos binary with the right environment, so the
//! report never names a flavour that did not run. The child is the same
//! command line, with a hidden `__child` subcommand: it prints the report as one
//! JSON line on stdout and its live log on stderr, which the parent forwards.

use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use crate::scenario::Scenario;
use crate::{Env, Log, Observed, Report};

/// Hidden subcommand a demos binary answers as a child worker.
pub const SUBCOMMAND: &str = "__child";

/// Hidden subcommand printing Σi² over a range: a process-pool job.
pub const SUM_SQUARES: &str = "__sum-squares";

/// Run `S` with `cfg` on `runtime` in a child process of `exe` (a binary
/// built on [`crate::cli::main`] or serving [`crate::cli::serve_worker`]),
/// with the extra environment `vars`.
///
/// # Panics
/// When the child cannot be started or does not answer with a report: that is
/// a broken installation, not a user error.
pub fn observe<S: Scenario>(
    exe: &Path,
    runtime: &str,
    vars: &[(&str, String)],
    cfg: &S::Config,
    env: &Env,
) -> Observed<S::Metrics> {
    let config = serde_json::to_string(cfg).expect("configs are plain data");
    let mut command = Command::new(exe);
    command
        .args([SUBCOMMAND, S::NAME, "--config", &config, "--runtime", runtime])
        .args(["--threads", &env.threads.to_string(), "--seed", &env.seed.to_string()])
        .envs(vars.iter().map(|(k, v)| (k, v)))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if env.log.enabled() {
        command.arg("--log");
    }
    if env.timeline {
        command.arg("--timeline"); // the child records, and its report carries the spans back
    }
    let mut child =
        command.spawn().unwrap_or_else(|e| panic!("cannot start child worker {}: {e}", exe.display()));
    // The live log arrives on stderr while the child runs; forward it line by line.
    let mut stray = Vec::new();
    for line in BufReader::new(child.stderr.take().expect("piped")).lines().map_while(Result::ok) {
        if env.log.enabled() {
            env.log.line(&line);
        } else {
            stray.push(line);
        }
    }
    let mut stdout = String::new();
    child.stdout.take().expect("piped").read_to_string(&mut stdout).expect("child stdout is UTF-8");
    let status = child.wait().expect("child worker runs");
    let report: Report = match stdout.lines().last().map(serde_json::from_str) {
        Some(Ok(report)) if status.success() => report,
        _ => panic!("child worker {} failed ({status}): {}", exe.display(), stray.join(" / ")),
    };
    Observed {
        flavor: report.flavor,
        elapsed: Duration::from_secs_f64(report.elapsed_ms / 1e3),
        metrics: serde_json::from_value(report.metrics).expect("child report carries the scenario's metrics"),
        spans: report.timeline,
    }
}

/// The log a child writes: to stderr, where the parent reads it. One line
/// short of the parent's bound, so the child's own "… N more" line gets through.
pub(crate) fn child_log(enabled: bool) -> Log {
    if enabled { Log::stderr(Log::DEFAULT_LIMIT - 1) } else { Log::off() }
}
