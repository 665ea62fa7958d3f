//! The CPU job of `pools` (and `threads` and the guide) costs the same wherever
//! it is called: the calibration, the one-after-another baseline and a job on a
//! worker thread all run the one copy of `sum_of_squares`. When each caller had
//! its own inlined copy, a release build ran the baseline's copy at half the
//! speed of the jobs' and one job on one worker "sped up" ×2. The tests build
//! at opt-level 1, where the copies happened to agree, so `.ci/run` also runs
//! this file in the release profile.

use std::hint::black_box;
use std::time::{Duration, Instant};

use demos_core::scenario::pools::{CpuWork, calibrate, cpu_job, sum_of_squares};

/// How long `f` kept the calling thread on the CPU (its own clock, so time
/// the OS gave to other processes is not counted), or the wall time where no
/// thread clock exists.
fn cost(f: impl FnOnce()) -> Duration {
    let (cpu, wall) = (demos_core::usage::thread_cpu_time(), Instant::now());
    f();
    match (cpu, demos_core::usage::thread_cpu_time()) {
        (Some(before), Some(after)) => after.saturating_sub(before),
        _ => wall.elapsed(),
    }
}

/// Keep this thread, and the threads it starts, on the CPU it runs on now. The
/// two CPUs of a virtual machine can run the same code at different speeds (a
/// host's other tenants share their cores), which is not what this test is about.
#[cfg(target_os = "linux")]
fn stay_on_this_cpu() {
    use nix::sched::{CpuSet, sched_getcpu, sched_setaffinity};
    let mut here = CpuSet::new();
    if let Ok(cpu) = sched_getcpu()
        && here.set(cpu).is_ok()
    {
        let _ = sched_setaffinity(nix::unistd::Pid::from_raw(0), &here);
    }
}

#[cfg(not(target_os = "linux"))]
fn stay_on_this_cpu() {}

#[test]
fn lesson_the_same_cpu_work_costs_the_same_wherever_it_is_called() {
    stay_on_this_cpu();
    let size = calibrate(Duration::from_millis(4));
    let work = CpuWork { jobs: 1, size };
    let expected = sum_of_squares(0..size);
    let mut timings: Vec<(&str, Duration)> = Vec::new();
    // Interleaved rounds, so a busy spell on the machine hits every caller alike.
    let mut best = [Duration::MAX; 4];
    for _ in 0..15 {
        let rounds = [
            cost(|| assert_eq!(black_box(sum_of_squares(black_box(0..size))), expected)),
            cost(|| assert_eq!(black_box(work.sequential()).0, [expected])),
            cost(|| assert_eq!(black_box(cpu_job(black_box(0..size))).0, expected)),
            {
                // Timed on the new thread itself, by its own clock.
                let on_a_thread = std::thread::spawn(move || {
                    let mut sum = 0;
                    (cost(|| sum = cpu_job(0..size).0), sum)
                });
                let (took, sum) = on_a_thread.join().expect("the job does not panic");
                assert_eq!(sum, expected);
                took
            },
        ];
        for (best, round) in best.iter_mut().zip(rounds) {
            *best = (*best).min(round);
        }
    }
    for (name, took) in
        ["sum_of_squares", "CpuWork::sequential", "cpu_job", "cpu_job on a new thread"].iter().zip(best)
    {
        timings.push((name, took));
    }
    let fastest = timings.iter().map(|t| t.1).min().expect("four callers");
    let slowest = timings.iter().map(|t| t.1).max().expect("four callers");
    // The fault this guards against doubled one caller's time.
    assert!(
        slowest.as_secs_f64() <= fastest.as_secs_f64() * 1.3,
        "the same {size} numbers cost different times by caller (least CPU time of 15 each): {timings:?}"
    );
}
