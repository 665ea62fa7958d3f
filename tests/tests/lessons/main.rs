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
use nix::sched::{CpuSet, sched_getaffinity, sched_setaffinity};
use nix::unistd::Pid;

/// What two bare threads get, before and after a run, when the machine has
/// two cores free: if they never got this much, neither could the runtime.
pub(crate) const FREE: f64 = 1.5;

/// The speedup the machine gives right now: two CPU jobs of about 40 ms (the
/// scenario's size) on two bare threads at once, against one after another;
/// the best of three rounds. `pinned`: as a thread-per-core runtime runs them —
/// each thread pinned to its own allowed CPU, the one-by-one round on the
/// first — for a pinned thread cannot leave a CPU another program keeps busy,
/// where a free-floating one moves; only that is like for like.
pub(crate) fn bare_threads_speedup(pinned: bool) -> f64 {
    let work = CpuWork { jobs: 2, size: calibrate(Duration::from_millis(40)) };
    let cpus = if pinned { allowed_cpus() } else { Vec::new() };
    let pin = |job: usize| {
        if let Some(&cpu) = cpus.get(job % cpus.len().max(1)) {
            let mut set = CpuSet::new();
            let _ = set.set(cpu).and_then(|()| sched_setaffinity(Pid::from_raw(0), &set));
        }
    };
    let round = || {
        let one_by_one = std::thread::scope(|s| {
            s.spawn(|| {
                pin(0);
                work.sequential().1
            })
            .join()
            .expect("the sum does not panic")
        });
        let start = std::time::Instant::now();
        std::thread::scope(|s| {
            for job in 0..work.jobs {
                s.spawn(move || {
                    pin(job);
                    std::hint::black_box(sum_of_squares(work.range(job)))
                });
            }
        });
        one_by_one.as_secs_f64() / start.elapsed().as_secs_f64()
    };
    (0..3).map(|_| round()).fold(0.0, f64::max)
}

/// The CPUs this process may run on.
fn allowed_cpus() -> Vec<usize> {
    sched_getaffinity(Pid::from_raw(0))
        .map(|set| (0..CpuSet::count()).filter(|&c| set.is_set(c).unwrap_or(false)).collect())
        .unwrap_or_default()
}
