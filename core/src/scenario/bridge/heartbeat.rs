//! The heartbeat: a task that ticks on a timer, and the bookkeeping of the
//! gaps between its ticks, phase by phase — how the bridge scenario sees
//! whether the executor stalled.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use super::BridgeConfig;
use crate::timeline::{Recorder, Span};
use crate::{Env, Log};

/// The heartbeat's bookkeeping, shared between its task and the handler.
#[derive(Debug)]
pub struct Heartbeat {
    tick: Duration,
    log: Log,
    recorder: Recorder,
    stopped: AtomicBool,
    state: Mutex<Beat>,
}

#[derive(Debug)]
struct Beat {
    last: Instant,
    max_gap: Duration,
    ticks: u64,
    /// Where the phase started: its thread, that thread's CPU time and the wall clock.
    started: Option<(std::thread::ThreadId, Duration, Instant)>,
}

/// One phase as the heartbeat saw it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PhaseBeat {
    /// Ticks during the phase.
    pub ticks: u64,
    /// Longest time between ticks (or from the last tick to the phase's end).
    pub max_gap_ms: f64,
    /// How long the thread that started and ended the phase was off the CPU
    /// meanwhile (wall time less its CPU time): for a phase that keeps its
    /// thread busy, the time the OS ran something else — a gap no executor
    /// caused. `None` when the phase ended on another thread, or off Linux.
    pub off_cpu_ms: Option<f64>,
}

impl PhaseBeat {
    /// Whether the longest gap is explained by the OS rather than the
    /// executor: the phase's thread was off the CPU for at least half of it.
    pub fn disturbed(&self) -> bool {
        self.off_cpu_ms.is_some_and(|off| off >= 0.5 * self.max_gap_ms)
    }
}

impl Heartbeat {
    /// A heartbeat ticking every `cfg.tick_ms`, logging stalls to the log of
    /// `env` and, with its timeline on, recording ticks and blocking calls.
    pub fn new(cfg: &BridgeConfig, env: &Env) -> Self {
        Self::every(cfg.tick(), env)
    }

    /// A heartbeat ticking every `tick`, logging to `env` (and recording, with
    /// its timeline on): for any scenario that watches an executor stall.
    pub fn every(tick: Duration, env: &Env) -> Self {
        let state = Beat { last: Instant::now(), max_gap: Duration::ZERO, ticks: 0, started: None };
        Self {
            tick,
            log: env.log.clone(),
            recorder: env.recorder(),
            stopped: AtomicBool::new(false),
            state: Mutex::new(state),
        }
    }

    /// The blocking call itself — a `thread::sleep` standing in for sync I/O —
    /// recorded on whichever thread the runtime ran it: `what` is
    /// [`OFFLOADED_CALL`](super::OFFLOADED_CALL) or [`INLINE_CALL`](super::INLINE_CALL). Returns whether the call ran to
    /// its end (Ctrl-C cuts it short): the proof of completion each phase counts.
    pub fn blocking_call(&self, what: &'static str, duration: Duration) -> bool {
        let start = Instant::now();
        let whole = crate::interrupt::sleep(duration);
        self.recorder.record("handler", what, start);
        whole
    }

    /// The recorded ticks and calls (empty with the timeline off).
    pub fn spans(&self) -> Vec<Span> {
        self.recorder.take()
    }

    /// The interval the heartbeat task sleeps between ticks.
    pub fn interval(&self) -> Duration {
        self.tick
    }

    /// Record a tick; returns whether the heartbeat should keep going.
    pub fn tick(&self) -> bool {
        let now = Instant::now();
        let mut beat = self.state.lock().expect("heartbeat never panics");
        let gap = now - beat.last;
        if gap > self.tick * 4 {
            self.log.line(format!(
                "heartbeat late: {} ms since the last tick (interval {} ms)",
                gap.as_millis(),
                self.tick.as_millis()
            ));
        }
        beat.max_gap = beat.max_gap.max(gap);
        beat.last = now;
        beat.ticks += 1;
        drop(beat);
        self.recorder.record("heartbeat", "tick", now);
        !self.stopped.load(Ordering::Relaxed)
    }

    /// Start measuring a phase, on the thread that runs it.
    pub fn start_phase(&self, what: &str) {
        self.log.line(what);
        let started =
            crate::usage::thread_cpu_time().map(|cpu| (std::thread::current().id(), cpu, Instant::now()));
        let mut beat = self.state.lock().expect("heartbeat never panics");
        *beat = Beat { last: Instant::now(), max_gap: Duration::ZERO, ticks: 0, started };
    }

    /// End the phase; a stall still going on at the end counts too.
    pub fn end_phase(&self) -> PhaseBeat {
        let beat = self.state.lock().expect("heartbeat never panics");
        let max_gap = beat.max_gap.max(beat.last.elapsed());
        let off_cpu = beat.started.and_then(|(thread, cpu, wall)| {
            let cpu_now = crate::usage::thread_cpu_time()?;
            (thread == std::thread::current().id())
                .then(|| wall.elapsed().saturating_sub(cpu_now.saturating_sub(cpu)).as_secs_f64() * 1e3)
        });
        PhaseBeat { ticks: beat.ticks, max_gap_ms: max_gap.as_secs_f64() * 1e3, off_cpu_ms: off_cpu }
    }

    /// Ask the heartbeat task to stop after its next tick.
    pub fn stop(&self) {
        self.stopped.store(true, Ordering::Relaxed);
    }
}
