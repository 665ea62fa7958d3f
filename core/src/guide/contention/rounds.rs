//! The contention row's rounds: the threads, their synchronised start, and
//! what each notes of its loop — when it ran and how long the kernel kept it
//! waiting for a CPU — summed up into a [`Hammered`].

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use super::{ContentionFigures, Hammered, TRIES};

/// Run the row: `threads` threads × `increments`, behind a lock, then as an atomic.
pub fn measure(threads: usize, increments: u64) -> ContentionFigures {
    let cores = std::thread::available_parallelism().map_or(1, usize::from) as u64;
    let pending = Hammered { ms: 0.0, overlap: 0.0, cpu_wait: None, counted: 0, tries: 0 };
    let mut figures =
        ContentionFigures { threads: threads as u64, cores, increments, lock: pending, atomic: pending };
    let tries = if threads > 1 { TRIES } else { 1 };
    figures.lock = until_contended(&figures, tries, || {
        let lock = Mutex::new(0u64);
        let laps = laps(threads, increments, &|| {
            *std::hint::black_box(&lock).lock().unwrap_or_else(PoisonError::into_inner) += 1;
        });
        (laps, lock.into_inner().unwrap_or_else(PoisonError::into_inner))
    });
    figures.atomic = until_contended(&figures, tries, || {
        let atomic = AtomicU64::new(0);
        let laps = laps(threads, increments, &|| {
            // black_box: a release build would otherwise fold the loop into one add.
            std::hint::black_box(&atomic).fetch_add(1, Ordering::Relaxed);
        });
        (laps, atomic.into_inner())
    });
    figures
}

/// Run rounds until one contends (or counts wrong: that one is shown), up to
/// `tries`; else the most overlapped.
fn until_contended(figures: &ContentionFigures, tries: u32, round: impl Fn() -> (Vec<Lap>, u64)) -> Hammered {
    let mut best: Option<Hammered> = None;
    for tried in 1..=tries {
        let (laps, counted) = round();
        let seen = Hammered::of(&laps, counted, tried);
        let done = figures.contended(&seen) || counted != figures.expected() || crate::interrupt::requested();
        if done {
            return seen;
        }
        if best.is_none_or(|b| seen.overlap > b.overlap) {
            best = Some(seen);
        }
    }
    best.map(|b| Hammered { tries, ..b }).expect("at least one try")
}

/// One thread's loop: when it ran, and how long it waited for a CPU meanwhile.
#[derive(Debug, Clone, Copy)]
struct Lap {
    start: Instant,
    end: Instant,
    waited: Option<Duration>,
}

/// `threads` threads each call `increment` `increments` times, all starting at once.
fn laps(threads: usize, increments: u64, increment: &(dyn Fn() + Sync)) -> Vec<Lap> {
    let arrived = AtomicUsize::new(0);
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    // Spin rather than park until all are here: a parked thread wakes late,
                    // and its partner's loop may be over by then.
                    arrived.fetch_add(1, Ordering::AcqRel);
                    let mut spins = 0u32;
                    while arrived.load(Ordering::Acquire) < threads {
                        spins = spins.wrapping_add(1);
                        if spins % 1024 == 0 { std::thread::yield_now() } else { std::hint::spin_loop() }
                    }
                    let waited_before = cpu_wait_so_far();
                    let start = Instant::now();
                    for _ in 0..increments {
                        increment();
                    }
                    let end = Instant::now();
                    let waited = cpu_wait_so_far()
                        .zip(waited_before)
                        .map(|(after, before)| after.saturating_sub(before));
                    Lap { start, end, waited }
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().expect("an increment loop does not panic")).collect()
    })
}

impl Hammered {
    fn of(laps: &[Lap], counted: u64, tries: u32) -> Self {
        let (Some(first), Some(last)) =
            (laps.iter().map(|l| l.start).min(), laps.iter().map(|l| l.end).max())
        else {
            return Self { ms: 0.0, overlap: 0.0, cpu_wait: None, counted, tries };
        };
        let span = (last - first).as_secs_f64();
        // Sweep the starts and ends in time order, adding up the time two or more loops ran.
        let mut edges: Vec<(Instant, i32)> = laps.iter().flat_map(|l| [(l.start, 1), (l.end, -1)]).collect();
        edges.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.cmp(&b.1)));
        let (mut running, mut together, mut since) = (0, 0.0, first);
        for (at, step) in edges {
            if running >= 2 {
                together += (at - since).as_secs_f64();
            }
            running += step;
            since = at;
        }
        let looped: f64 = laps.iter().map(|l| (l.end - l.start).as_secs_f64()).sum();
        let waited: Option<f64> = laps.iter().map(|l| l.waited.map(|w| w.as_secs_f64())).sum();
        Self {
            ms: span * 1e3,
            overlap: if span > 0.0 { together / span } else { 0.0 },
            cpu_wait: waited.map(|w| if looped > 0.0 { (w / looped).min(1.0) } else { 0.0 }),
            counted,
            tries,
        }
    }
}

/// The time this thread has spent ready to run but waiting for a CPU, as the
/// kernel counts it (the second field of `/proc/thread-self/schedstat`).
fn cpu_wait_so_far() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let nanos = stat.split_whitespace().nth(1)?.parse().ok()?;
    Some(Duration::from_nanos(nanos))
}
