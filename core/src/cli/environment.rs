//! The environment variables a run depends on, checked before any work like
//! the command line is. A value that would break a run is bad input: one line
//! naming it and what is allowed, exit status 2. The others fall back, as the
//! README says under "Environment variables":
//!
//! - `ASYNC_STD_THREAD_COUNT` (async-std's binary): the threads of async-std's
//!   global executor, started all at once when it is first used, so a huge
//!   count would start that many threads. A whole number from 1 to
//!   [`MAX_THREADS`], like `--threads`; empty counts as unset.
//! - `RUST_MIN_STACK`: the stack every thread Rust starts reserves. A size no
//!   thread can start with is refused; a value that is not a number is
//!   ignored, by Rust and by the scale figures alike (2 MiB).
//! - `NO_COLOR` and `BLOCKING_MAX_THREADS` are read by the libraries alone and
//!   cannot break a run: any non-empty `NO_COLOR` turns colour off; the
//!   `blocking` crate behind smol's and async-std's blocking pools clamps a
//!   number to 1–10,000 and takes anything else for its default, 500.

use super::MAX_THREADS;
use crate::Runtime;

/// The variable async-std sizes its global executor from (the async-std
/// crate's `THREAD_COUNT_VAR`).
const ASYNC_STD_THREAD_COUNT: &str = "ASYNC_STD_THREAD_COUNT";

/// The variable Rust sizes each new thread's stack from.
const RUST_MIN_STACK: &str = "RUST_MIN_STACK";

/// Check the environment for running `runtimes`: `Err` is the one line to
/// print, naming the variable, its value and what is allowed.
pub fn check_environment(runtimes: &[&dyn Runtime]) -> Result<(), String> {
    if runtimes.iter().any(|rt| rt.name() == "async-std") {
        check_async_std_thread_count()?;
    }
    check_min_stack()
}

fn check_async_std_thread_count() -> Result<(), String> {
    let Some(value) = std::env::var_os(ASYNC_STD_THREAD_COUNT).filter(|v| !v.is_empty()) else {
        return Ok(());
    };
    let allowed = format!(
        "expected a whole number from 1 to {MAX_THREADS}: the threads async-std's global executor starts (or \
         leave it unset for one per core)"
    );
    match value.to_str() {
        Some(text) if text.parse::<u64>().is_ok_and(|n| (1..=MAX_THREADS).contains(&n)) => Ok(()),
        Some(text) => Err(format!(
            "invalid value '{text}' for the environment variable {ASYNC_STD_THREAD_COUNT}: {allowed}"
        )),
        None => Err(format!(
            "invalid value {value:?} for the environment variable {ASYNC_STD_THREAD_COUNT} (not UTF-8): {allowed}"
        )),
    }
}

/// A stack size Rust will use must let a thread start; one that is not a
/// number is ignored by Rust, so it is here too.
fn check_min_stack() -> Result<(), String> {
    let Some(bytes) = std::env::var_os(RUST_MIN_STACK).and_then(|v| v.to_str()?.parse::<usize>().ok()) else {
        return Ok(());
    };
    // Spawned as every later thread is, so with the stack they will ask for.
    match std::thread::Builder::new().spawn(|| ()).map(|probe| probe.join()) {
        Ok(_) => Ok(()),
        Err(e) => Err(format!(
            "invalid value '{bytes}' for the environment variable {RUST_MIN_STACK}: no thread can start with a stack \
             of {bytes} bytes here ({e}); give a smaller size, or leave it unset for Rust's 2 MiB"
        )),
    }
}
