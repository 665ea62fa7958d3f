//! Running a scenario in a child process.
//!
// claim: C-async-std-sized-once
//! Some executors are global and sized once per process (async-std reads
//! `ASYNC_STD_THREAD_COUNT` when it first starts). When a call asks for a worker
//! count the process's executor does not have, the runtime crate runs the
//! scenario in a fresh child of a demos binary with the right environment, so the
//! report never names a flavour that did not run. The child is the same
//! command line, with a hidden `__child` subcommand: it prints the report as one
//! JSON line on stdout and its live log on stderr, which the parent forwards.
//! The parent keeps the child's stdin open; closing it asks the child to stop
//! early, as Ctrl-C does (exit status 130, with the partial report).

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::scenario::{MAX_RUN, RunShape, Scenario};
use crate::{Env, Log, Observed, Report};

/// Hidden subcommand a demos binary answers as a child worker.
pub const SUBCOMMAND: &str = "__child";

/// Hidden subcommand printing Σi² over a range: a process-pool job.
pub const SUM_SQUARES: &str = "__sum-squares";

/// Run `S` with `cfg` on `runtime` in a child process of `exe` (a binary
/// built on [`crate::cli::main`] or serving [`crate::cli::serve_worker`]),
/// with the extra environment `vars`, for at most [`patience`].
///
/// # Panics
/// When the child cannot be started, does not answer with a report, or is
/// still running past [`patience`] (it is killed first): that is a broken
/// installation or a hung run, not a user error.
pub fn observe<S: Scenario>(
    exe: &Path,
    runtime: &str,
    vars: &[(&str, String)],
    cfg: &S::Config,
    env: &Env,
) -> Observed<S::Metrics> {
    observe_within::<S>(exe, runtime, vars, cfg, env, patience::<S>(cfg, env))
}

/// How long a child worker may run `S` with `cfg` before it counts as hung:
/// the longest run the command line allows without `--allow-long`
/// ([`MAX_RUN`], estimated), twice over, plus four times this configuration's
/// least duration (so a run allowed to be long gets its share too). No
/// legitimate run comes near it; a hung one ends instead of waiting forever.
pub fn patience<S: Scenario>(cfg: &S::Config, env: &Env) -> Duration {
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    // The runtime is known here only by name: take the longer of the two estimates.
    let least = [false, true]
        .map(|tasks_hold_threads| {
            S::least_duration(
                cfg,
                &RunShape { threads: env.threads, seed: env.seed, tasks_hold_threads, cores },
            )
        })
        .into_iter()
        .max()
        .unwrap_or_default();
    MAX_RUN.saturating_mul(2).saturating_add(least.saturating_mul(4))
}

/// [`observe`] with a bound of `limit` instead of [`patience`]: past it, the
/// child is killed and this panics, naming the scenario, the runtime and the
/// child's process id.
pub fn observe_within<S: Scenario>(
    exe: &Path,
    runtime: &str,
    vars: &[(&str, String)],
    cfg: &S::Config,
    env: &Env,
    limit: Duration,
) -> Observed<S::Metrics> {
    let config = serde_json::to_string(cfg).expect("configs are plain data");
    let mut command = Command::new(exe);
    command
        .args([SUBCOMMAND, S::NAME, "--config", &config, "--runtime", runtime])
        .args(["--threads", &env.threads.to_string(), "--seed", &env.seed.to_string()])
        .envs(vars.iter().map(|(k, v)| (k, v)))
        .stdin(Stdio::piped())
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
    // Both pipes are drained at once, each on its own thread: a child whose
    // report (stdout) outgrows the pipe buffer while the parent waits on the
    // other stream would block both processes forever.
    let stdout = child.stdout.take().expect("piped");
    let reading = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = BufReader::new(stdout).read_to_string(&mut text);
        text
    });
    let stderr = child.stderr.take().expect("piped");
    let log = env.log.clone();
    let forwarding = std::thread::spawn(move || {
        // The live log arrives on stderr while the child runs; forward it line by line.
        let mut stray = Vec::new();
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if log.enabled() { log.line(&line) } else { stray.push(line) }
        }
        stray
    });
    // Ctrl-C in this process closes the child's stdin: the child's signal to
    // stop where it can and report what it did (see `stop_when_parent_asks`).
    let mut stdin = child.stdin.take();
    let deadline = Instant::now() + limit;
    let status = loop {
        if let Some(status) = child.try_wait().expect("the child worker can be waited for") {
            break status;
        }
        if crate::interrupt::requested() {
            drop(stdin.take());
        }
        if Instant::now() >= deadline {
            let _ = child.kill();
            let _ = child.wait();
            // The pipes' readers are left: a process the child started may hold them open.
            panic!(
                "{} on {runtime} in child worker {} (pid {}) was still running after {}: killed",
                S::NAME,
                exe.display(),
                child.id(),
                crate::scenario::human_duration(limit)
            );
        }
        std::thread::sleep(POLL);
    };
    let stdout = reading.join().expect("the reader thread never panics");
    let stray = forwarding.join().expect("the forwarding thread never panics");
    let interrupted = status.code() == Some(i32::from(crate::interrupt::EXIT_STATUS));
    let report: Report = match stdout.lines().last().map(serde_json::from_str) {
        Some(Ok(report)) if status.success() || interrupted => report,
        _ => panic!("child worker {} failed ({status}): {}", exe.display(), stray.join(" / ")),
    };
    Observed {
        flavor: report.flavor,
        elapsed: Duration::from_secs_f64(report.elapsed_ms / 1e3),
        metrics: serde_json::from_value(report.metrics).expect("child report carries the scenario's metrics"),
        spans: report.timeline,
        workers_observed: Some(report.workers_observed),
    }
}

static SERVING: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// This process is a child worker, running one scenario for its parent.
pub fn mark_serving() {
    SERVING.store(true, std::sync::atomic::Ordering::Relaxed);
}

/// Whether this process is a child worker (a scenario that runs itself in a
/// fresh process runs in place here).
pub fn serving() -> bool {
    SERVING.load(std::sync::atomic::Ordering::Relaxed)
}

static WORKERS: std::sync::Mutex<Vec<(String, PathBuf)>> = std::sync::Mutex::new(Vec::new());

/// Use `exe` (a binary built on [`crate::cli::main`]) for `runtime`'s child
/// workers — process-pool jobs, scenarios run in a fresh process, async-std's
/// other worker counts — instead of the current executable: for programs, such
/// as test harnesses, that hold several runtimes and do not answer the hidden
/// subcommands themselves. The last call for a runtime wins.
pub fn use_worker_for(runtime: &str, exe: impl Into<PathBuf>) {
    let mut workers = WORKERS.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    workers.retain(|(name, _)| name != runtime);
    workers.push((runtime.to_string(), exe.into()));
}

/// The binary that serves child workers of `runtime`: the one given to
/// [`use_worker_for`], else this process's own executable.
pub fn worker_exe_for(runtime: &str) -> PathBuf {
    let workers = WORKERS.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let registered = workers.iter().find(|(name, _)| name == runtime).map(|(_, exe)| exe.clone());
    registered.or_else(|| std::env::current_exe().ok()).expect("the current executable is known")
}

/// The arguments of a process-pool job summing the squares of `range`.
pub fn sum_squares_args(range: std::ops::Range<u64>) -> [String; 3] {
    [SUM_SQUARES.to_string(), range.start.to_string(), range.end.to_string()]
}

/// The sum a process-pool job printed; `u64::MAX` (which fails the
/// comparison) when it printed something else or nothing.
pub fn parse_sum(stdout: &[u8]) -> u64 {
    String::from_utf8_lossy(stdout).trim().parse().unwrap_or(u64::MAX)
}

/// [`parse_sum`] of a finished child's output (`u64::MAX` if it could not run).
pub fn sum_of_output(output: &std::io::Result<std::process::Output>) -> u64 {
    output.as_ref().map_or(u64::MAX, |out| parse_sum(&out.stdout))
}

/// How often the parent looks at the child and at Ctrl-C while it waits.
const POLL: Duration = Duration::from_millis(20);

/// In a child worker: stop the scenario, as Ctrl-C would, once the parent
/// closes this process's stdin — on the parent's Ctrl-C, or when the parent
/// died. A child run by hand with stdin at end of file therefore stops at once.
pub(crate) fn stop_when_parent_asks() {
    std::thread::spawn(|| {
        let _ = std::io::stdin().read(&mut [0u8; 1]); // returns on a byte, end of file or error
        crate::interrupt::request();
    });
}

/// The log a child writes: to stderr, where the parent reads it. One line
/// short of the parent's bound, so the child's own "… N more" line gets through.
pub(crate) fn child_log(enabled: bool) -> Log {
    if enabled { Log::stderr(Log::DEFAULT_LIMIT - 1) } else { Log::off() }
}
