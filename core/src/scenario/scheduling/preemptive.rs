//! The preemptive way, made visible: every thread is confined to one CPU and
//! the threads start together, so the kernel must take turns among them; each
//! step spins for its length of the thread's own CPU time (not wall time, which
//! would count the time the thread spent waiting for the CPU); and what gets
//! recorded is each stretch the thread actually ran, found where its wall clock
//! jumps while its CPU clock does not. The lanes then show the kernel
//! time-slicing threads that never yield.
//!
//! A stretch is wall time between two looks at the clock, so the stretches of
//! a thread add up to a little less than its CPU clock says it used: the look
//! during which the kernel switched it out is in no stretch (up to tens of µs
//! a switch, some 0.1–0.5 ms over a run). The CPU figure comes from the CPU
//! clock alone; the stretches give the picture, their count and length.

use std::time::{Duration, Instant};

use super::{PREEMPTIVE, SchedulingConfig};
use crate::scenario::threads::Gate;
use crate::timeline::Recorder;

/// A jump of the wall clock between two looks that means the thread was
/// descheduled in between (a look costs well under a microsecond).
pub const DESCHEDULED: Duration = Duration::from_micros(100);

/// The preemptive phase's meeting point: the CPU its threads confine
/// themselves to, and the gate they start spinning at together, so that all of
/// them want that CPU at once. Share one between the phase's threads.
#[derive(Debug)]
pub struct OneCpu {
    cpu: Option<usize>,
    start: Gate,
}

/// Whether threads can be confined to one CPU here.
pub(super) fn can_confine() -> bool {
    affinity::current().is_some_and(|cpus| !cpus.is_empty())
}

/// What one preemptive thread reports of its run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ThreadRun {
    /// CPU time the thread used for its steps, by its own CPU clock.
    pub cpu_time: Duration,
    /// Whether it ran confined to the phase's one CPU.
    pub confined: bool,
    /// Whether every thread had arrived when it started (the gate opened).
    pub started_together: bool,
}

impl OneCpu {
    /// The meeting point of `threads` threads, on the first CPU this process
    /// may run on (none where threads cannot be confined).
    pub fn new(threads: usize) -> Self {
        Self { cpu: affinity::current().and_then(|cpus| cpus.first().copied()), start: Gate::new(threads) }
    }

    /// The steps of preemptive task `task`, on the calling thread: confine it
    /// to the CPU, wait for the others, spin (the thread's affinity is
    /// restored after).
    pub fn run(&self, rec: &Recorder, cfg: &SchedulingConfig, task: usize) -> ThreadRun {
        let before = self.cpu.and_then(affinity::confine);
        let started_together = self.start.arrive();
        let started = thread_cpu_time();
        for _ in 0..cfg.steps {
            if crate::interrupt::requested() {
                break;
            }
            spin_recording_runs(rec, task, Duration::from_millis(cfg.step_ms));
        }
        let cpu_time = thread_cpu_time().saturating_sub(started);
        let confined = before.is_some();
        if let Some(before) = before {
            affinity::restore(&before);
        }
        ThreadRun { cpu_time, confined, started_together }
    }
}

/// Spin until this thread has used `work` of CPU time, recording each stretch
/// in which it really ran as a span.
fn spin_recording_runs(rec: &Recorder, task: usize, work: Duration) {
    let cpu_start = thread_cpu_time();
    let mut run_start = Instant::now();
    let mut last = run_start;
    while thread_cpu_time().saturating_sub(cpu_start) < work && !crate::interrupt::requested() {
        std::hint::spin_loop();
        let now = Instant::now();
        if now - last > DESCHEDULED {
            // Descheduled between the two looks: the run ended at the last one.
            rec.record_until(format_args!("task {task}"), PREEMPTIVE, run_start, last);
            run_start = now;
        }
        last = now;
    }
    rec.record_until(format_args!("task {task}"), PREEMPTIVE, run_start, last);
}

/// CPU time the calling thread has used (wall time where no thread clock exists).
fn thread_cpu_time() -> Duration {
    #[cfg(target_os = "linux")]
    {
        use nix::time::{ClockId, clock_gettime};
        if let Ok(t) = clock_gettime(ClockId::CLOCK_THREAD_CPUTIME_ID) {
            return Duration::new(t.tv_sec() as u64, t.tv_nsec() as u32);
        }
    }
    static ORIGIN: std::sync::OnceLock<Instant> = std::sync::OnceLock::new();
    ORIGIN.get_or_init(Instant::now).elapsed()
}

#[cfg(target_os = "linux")]
mod affinity {
    use nix::sched::{CpuSet, sched_getaffinity, sched_setaffinity};
    use nix::unistd::Pid;

    /// The CPUs the calling thread may run on.
    pub(super) fn current() -> Option<Vec<usize>> {
        let set = sched_getaffinity(Pid::from_raw(0)).ok()?;
        Some((0..CpuSet::count()).filter(|&cpu| set.is_set(cpu).unwrap_or(false)).collect())
    }

    /// Confine the calling thread to `cpu`; returns the set to restore.
    pub(super) fn confine(cpu: usize) -> Option<CpuSet> {
        let before = sched_getaffinity(Pid::from_raw(0)).ok()?;
        let mut only = CpuSet::new();
        only.set(cpu).ok()?;
        sched_setaffinity(Pid::from_raw(0), &only).ok()?;
        Some(before)
    }

    /// Give the calling thread its CPUs back.
    pub(super) fn restore(before: &CpuSet) {
        let _ = sched_setaffinity(Pid::from_raw(0), before);
    }
}

#[cfg(not(target_os = "linux"))]
mod affinity {
    pub(super) fn current() -> Option<Vec<usize>> {
        None
    }
    pub(super) fn confine(_: usize) -> Option<()> {
        None
    }
    pub(super) fn restore(_: &()) {}
}
