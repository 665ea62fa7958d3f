//! Lessons that time something, pinned at their defaults on every runtime.
//!
//! A speedup or an overlap is a wall-clock ratio, and a test running beside
//! it takes cores from it. So these run alone: under `cargo test` every test
//! here first takes [`demos_tests::alone`], a process-wide lock (cargo runs
//! test binaries one after another, so nothing else runs beside them); under
//! nextest, `.config/nextest.toml` gives this binary every test thread, and
//! `.ci/run` runs it in an invocation of its own with one thread. Each bound
//! still takes the best of several runs, since other programs share the
//! machine too.

mod balance;
mod guide;
mod pools;

use std::time::Duration;

use demos_core::scenario::pools::{CpuWork, calibrate, sum_of_squares};

/// What two bare threads get, before and after a run, when the machine has
/// two cores free: if they never got this much, neither could the runtime.
pub(crate) const FREE: f64 = 1.5;

/// The speedup the machine gives right now: two CPU jobs of about 40 ms (the
/// scenario's size) on two bare threads at once, against one after another;
/// the best of three rounds.
pub(crate) fn bare_threads_speedup() -> f64 {
    let work = CpuWork { jobs: 2, size: calibrate(Duration::from_millis(40)) };
    let round = || {
        let (_, one_by_one) = work.sequential();
        let start = std::time::Instant::now();
        std::thread::scope(|s| {
            for job in 0..work.jobs {
                s.spawn(move || std::hint::black_box(sum_of_squares(work.range(job))));
            }
        });
        one_by_one.as_secs_f64() / start.elapsed().as_secs_f64()
    };
    (0..3).map(|_| round()).fold(0.0, f64::max)
}
