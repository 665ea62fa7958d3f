//! Random command lines: a seeded generator over the scenario names, every
//! scenario option and global flag, boundary values, hostile values and random
//! ones, on every binary. Whatever it draws, a run ends on its own with exit
//! status 0, 1 or 2 — or, if it is still working after a moment, stops on
//! Ctrl-C with 130 — and never with 101 (a panic) or by a signal.

use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use demos_core::scenario::ALL;
use demos_tests::watchdog::Running;

/// Command lines drawn.
const CASES: usize = 400;
/// Runs at once.
const PARALLEL: usize = 4;
/// How long a run may work before it gets Ctrl-C.
const PATIENCE: Duration = Duration::from_millis(1000);
/// How long it may take to stop after Ctrl-C (the promise is about a second).
const STOP_WITHIN: Duration = Duration::from_secs(5);

const BINS: [&str; 4] = [
    env!("CARGO_BIN_EXE_tokio"),
    env!("CARGO_BIN_EXE_smol"),
    env!("CARGO_BIN_EXE_async-std"),
    env!("CARGO_BIN_EXE_std-threads"),
];

/// Values at and around the edges of every option's range, and beyond it.
const EDGES: [&str; 16] = [
    "0",
    "1",
    "2",
    "3",
    "5",
    "16",
    "64",
    "100",
    "1000",
    "10000",
    "100000",
    "1000000",
    "18446744073709551615",
    "-1",
    "x",
    "1.5",
];

fn value(rng: &mut fastrand::Rng) -> String {
    if rng.bool() { EDGES[rng.usize(..EDGES.len())].to_string() } else { rng.u64(0..=2_000).to_string() }
}

/// One random command line.
fn draw(rng: &mut fastrand::Rng) -> Vec<String> {
    let mut args = Vec::new();
    match rng.usize(..20) {
        0 => args.push("all".to_string()),
        1 => args.push("list".to_string()),
        _ => {
            let scenario = ALL[rng.usize(..ALL.len())];
            args.push(scenario.name().to_string());
            let config = scenario.default_config();
            for key in config.as_object().expect("configs are objects").keys() {
                if rng.u8(..3) == 0 {
                    args.extend([format!("--{}", key.replace('_', "-")), value(rng)]);
                }
            }
        }
    }
    if rng.bool() {
        let threads = if rng.bool() { rng.u64(1..=4).to_string() } else { value(rng) };
        args.extend(["--threads".to_string(), threads]);
    }
    if rng.u8(..4) == 0 {
        let seed = if rng.bool() { u64::MAX.to_string() } else { rng.u64(..).to_string() };
        args.extend(["--seed".to_string(), seed]);
    }
    for flag in ["--json", "--quiet", "--timeline", "--by-thread"] {
        if rng.u8(..5) == 0 {
            args.push(flag.to_string());
        }
    }
    args
}

/// Run one command line; `Err` says what went wrong, `Ok` the exit status. A
/// run still working after [`PATIENCE`] gets Ctrl-C and must then exit 130
/// within [`STOP_WITHIN`].
fn check_or_interrupt(bin: &str, args: &[String]) -> Result<i32, String> {
    let what = format!("{} {}", bin.rsplit('/').next().unwrap_or(bin), args.join(" "));
    let mut running = Running::start(Command::new(bin).args(args).env("NO_COLOR", "1"));
    let (status, interrupted) = match running.wait_for(PATIENCE) {
        Some(status) => (status, false),
        None => {
            running.interrupt();
            match running.wait_for(STOP_WITHIN) {
                Some(status) => (status, true),
                None => return Err(format!("{what}: still running {STOP_WITHIN:?} after Ctrl-C")),
            }
        }
    };
    let stderr = String::from_utf8_lossy(&running.outputs().1).into_owned();
    match status.code() {
        Some(code @ 0..=2) => Ok(code),
        Some(130) if interrupted => Ok(130),
        other => Err(format!("{what}: exit {other:?} (interrupted: {interrupted}): {stderr}")),
    }
}

#[test]
fn random_command_lines_exit_0_1_2_or_130_and_never_panic() {
    let mut rng = fastrand::Rng::with_seed(0x5eed_c0de);
    let cases: Vec<(&str, Vec<String>)> =
        (0..CASES).map(|_| (BINS[rng.usize(..BINS.len())], draw(&mut rng))).collect();
    let next = AtomicUsize::new(0);
    let outcomes: Vec<Result<i32, String>> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..PARALLEL)
            .map(|_| {
                scope.spawn(|| {
                    let mut seen = Vec::new();
                    while let Some((bin, args)) = cases.get(next.fetch_add(1, Ordering::Relaxed)) {
                        seen.push(check_or_interrupt(bin, args));
                    }
                    seen
                })
            })
            .collect();
        workers.into_iter().flat_map(|w| w.join().expect("no worker panics")).collect()
    });
    let failures: Vec<&String> = outcomes.iter().filter_map(|o| o.as_ref().err()).collect();
    assert!(failures.is_empty(), "{} of {CASES} command lines misbehaved:\n{failures:#?}", failures.len());
    // The draw reaches runs that succeed, inputs that are refused, and runs long enough to interrupt.
    for code in [0, 2, 130] {
        let count = outcomes.iter().filter(|o| o.as_ref().is_ok_and(|c| *c == code)).count();
        assert!(count > 0, "no command line exited {code}");
    }
}

#[test]
fn the_generator_reaches_every_scenario_and_edge() {
    // The property above is only as good as what it draws.
    let mut rng = fastrand::Rng::with_seed(0x5eed_c0de);
    let drawn: Vec<String> = (0..CASES).flat_map(|_| draw(&mut rng)).collect();
    for scenario in ALL {
        assert!(drawn.iter().any(|a| a == scenario.name()), "{} never drawn", scenario.name());
    }
    for edge in ["0", "-1", "18446744073709551615", "--threads", "--seed", "--json", "--timeline"] {
        assert!(drawn.iter().any(|a| a == edge), "{edge} never drawn");
    }
}
