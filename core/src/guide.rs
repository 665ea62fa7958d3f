//! guide: "picking the right tool", with figures measured on this machine now,
//! on the chosen runtime. Each row measures exactly what it names, and its
//! advice is worded from the result — where a measurement contradicts the
//! usual advice, the row says so.
//!
//! * many connections — the same loopback TCP echo (`echo`) as the runtime's
//!   tasks, in a fresh process, and with an OS thread per connection end, side
//!   by side: round trips per second, p99 latency, OS threads;
//! * CPU-bound work — the CPU half of `pools`: one job per worker against the
//!   same jobs one after another, median of five rounds;
//! * shared state under contention — `--threads` OS threads hammering one
//!   `std::sync::Mutex`, then one `AtomicU64`, with nothing else in the timed
//!   loop.

use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::{Barrier, Mutex};
use std::time::{Duration, Instant};

use serde_json::json;

use crate::report::{Report, format_ms};
use crate::scenario::echo::{self, EchoScenario};
use crate::scenario::pools::PoolsScenario;
use crate::scenario::{self, Outcome};
use crate::wrap::paragraph;
use crate::{EchoConfig, EchoMetrics, Env, Runtime};

/// One row of the guide.
#[derive(Debug, Clone)]
pub struct Row {
    /// The situation.
    pub situation: &'static str,
    /// What to reach for, worded from what was measured.
    pub advice: String,
    /// The scenario that shows it.
    pub scenario: &'static str,
    /// What this machine measured.
    pub measured: String,
}

/// The connections of the I/O row: enough for the two models to differ, few
/// enough to take a second.
const IO_ECHO: EchoConfig = EchoConfig { connections: 200, round_trips: 20, bytes: 64 };
/// Increments each thread makes in the contention row.
const INCREMENTS: u64 = 100_000;

/// Run the guide's experiments on `rt`; returns the scenario reports and the table.
pub fn run(rt: &dyn Runtime, env: &Env) -> (Vec<Report>, Vec<Row>) {
    let experiment = |name: &str, cfg: serde_json::Value| -> Outcome {
        let s = scenario::find(name).expect("the guide's scenarios exist");
        s.prepare(&cfg).expect("the guide's configurations are valid");
        s.run(rt, &cfg, &Env { workers: Default::default(), ..env.clone() }) // workers seen per experiment
    };
    let io = experiment("echo", serde_json::to_value(IO_ECHO).expect("plain data"));
    let cpu = experiment("pools", json!({ "io_jobs": 1, "io_ms": 0, "cpu_jobs": null, "cpu_size": null }));
    // Typed figures: a renamed metric is a compile error here, not a NaN in the table.
    let tasks = io.report.metrics_of::<EchoScenario>().expect("an echo report");
    let work = cpu.report.metrics_of::<PoolsScenario>().expect("a pools report");
    let threads = echo::threads::run(&IO_ECHO).metrics;

    let owner = if rt.name().ends_with('s') { format!("{}'", rt.name()) } else { format!("{}'s", rt.name()) };
    let as_what = format!("{owner} echo ({})", io.report.flavor);
    let side = |m: &EchoMetrics| {
        format!(
            "{:.0} round trips/s, p99 {} ms, {} OS threads",
            m.round_trips_per_s,
            format_ms(m.p99_us / 1e3),
            m.os_threads
        )
    };
    let io_row = Row {
        situation: "I/O-bound, many connections",
        advice: if rt.tasks_hold_threads() {
            format!(
                "{} runs a thread per connection end either way: {} threads at the peak for {} connections. Run the \
                 guide on an async runtime to see tasks carry the same connections",
                rt.name(),
                tasks.os_threads,
                tasks.connections
            )
        } else if tasks.round_trips_per_s >= 0.9 * threads.round_trips_per_s {
            format!(
                "async tasks: {owner} carried {} connections on {} OS threads, against {} with a thread per connection \
                 end, at ×{:.2} their round trips per second; a bounded channel for backpressure",
                tasks.connections,
                tasks.os_threads,
                threads.os_threads,
                tasks.round_trips_per_s / threads.round_trips_per_s.max(1e-9)
            )
        } else {
            format!(
                "here a thread per connection end was faster ({:.0} against {:.0} round trips/s) at {} connections, \
                 but took {} OS threads against {}: threads cost memory and scheduling as connections grow — \
                 measure at your scale (compare echo --sweep connections=10,100,1000)",
                threads.round_trips_per_s,
                tasks.round_trips_per_s,
                tasks.connections,
                threads.os_threads,
                tasks.os_threads
            )
        },
        scenario: "echo, scale, queue, bridge",
        measured: format!(
            "{} loopback connections × {} round trips: as {as_what} {}; a thread per connection end {}",
            IO_ECHO.connections,
            IO_ECHO.round_trips,
            side(&tasks),
            side(&threads)
        ),
    };

    let (speedup, bound) = (work.speedup, work.speedup_bound);
    let cpu_row = Row {
        situation: "CPU-bound",
        advice: if work.speedup_is_noise {
            format!(
                "(×{speedup:.2} is above the ×{bound} possible here: noise — rerun) one job per core on a pool"
            )
        } else if bound <= 1.0 {
            "one job per core on a pool (rayon, or the workers) — but with one worker or core nothing can run \
             side by side: no speedup was possible here (try --threads 2)"
                .to_string()
        } else if speedup >= 0.8 * bound {
            format!(
                "one job per core on a pool (rayon, or the workers): it gave ×{speedup:.2} of a possible ×{bound}; \
                 never inline on an executor"
            )
        } else {
            format!(
                "one job per core on a pool — though here it gave only ×{speedup:.2} of a possible ×{bound}: a busy \
                 machine or small jobs; measure"
            )
        },
        scenario: "pools, scheduling, bridge",
        measured: format!(
            "Σi², one job per worker: ×{speedup:.2} on {} worker thread(s) (at most ×{bound}); {} ms one by one, {} \
             ms side by side",
            work.cpu_threads,
            format_ms(work.sequential_ms),
            format_ms(work.parallel_ms)
        ),
    };

    let (lock, atomic) = contention(env.threads, INCREMENTS);
    let (lock_ms, atomic_ms) = (lock.as_secs_f64() * 1e3, atomic.as_secs_f64() * 1e3);
    let contention_row = Row {
        situation: "high-contention shared state",
        advice: if env.threads == 1 {
            format!(
                "with one thread nothing contends: these are the uncontended costs (the lock {} ms, the atomic {} \
                 ms), not contention (try --threads 2); an async mutex only across .await",
                format_ms(lock_ms),
                format_ms(atomic_ms)
            )
        } else if atomic_ms < lock_ms {
            format!(
                "an atomic (×{:.1} faster than the lock here) or sharded state; a lock held briefly; an async \
                 mutex only across .await",
                lock_ms / atomic_ms.max(1e-9)
            )
        } else {
            format!(
                "here the lock was as fast as the atomic ({} against {} ms): measure before you choose; an async \
                 mutex only across .await",
                format_ms(lock_ms),
                format_ms(atomic_ms)
            )
        },
        scenario: "race",
        measured: format!(
            "{} thread(s) × {INCREMENTS} increments of one counter: std Mutex {} ms, AtomicU64 {} ms",
            env.threads,
            format_ms(lock_ms),
            format_ms(atomic_ms)
        ),
    };
    (vec![io.report, cpu.report], vec![io_row, cpu_row, contention_row])
}

/// `threads` OS threads each make `increments` increments of one counter,
/// first behind a `Mutex`, then as one `AtomicU64`. The threads meet at a
/// barrier first, so only the increments are timed.
fn contention(threads: usize, increments: u64) -> (Duration, Duration) {
    fn hammer(threads: usize, increment: &(dyn Fn() + Sync)) -> Duration {
        let barrier = Barrier::new(threads);
        // Each thread times its own increments: from the first to start to the last to end.
        // (A clock read by the spawning thread after the barrier can start after the
        // increments are done, when that thread is scheduled last.)
        let spans: Vec<(Instant, Instant)> = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..threads)
                .map(|_| {
                    scope.spawn(|| {
                        barrier.wait(); // every thread is ready: the increments start together
                        let start = Instant::now();
                        increment();
                        (start, Instant::now())
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().expect("an increment loop does not panic")).collect()
        });
        let first = spans.iter().map(|s| s.0).min();
        let last = spans.iter().map(|s| s.1).max();
        first.zip(last).map_or(Duration::ZERO, |(first, last)| last - first)
    }
    let lock = Mutex::new(0u64);
    let lock_time = hammer(threads, &|| {
        for _ in 0..increments {
            *std::hint::black_box(&lock).lock().unwrap_or_else(std::sync::PoisonError::into_inner) += 1;
        }
    });
    let atomic = AtomicU64::new(0);
    let atomic_time = hammer(threads, &|| {
        for _ in 0..increments {
            // black_box: a release build would otherwise fold the loop into one add of `increments`.
            std::hint::black_box(&atomic).fetch_add(1, Relaxed);
        }
    });
    (lock_time, atomic_time)
}

/// The table as text lines.
pub fn render(runtime: &str, rows: &[Row]) -> Vec<String> {
    let mut lines =
        vec![format!("picking the right tool — measured on this machine with {runtime}"), String::new()];
    let hang = " ".repeat(15);
    for row in rows {
        lines.push(format!("  {}", row.situation));
        lines.push(paragraph("    reach for  ", &hang, &row.advice));
        lines.push(paragraph("    see        ", &hang, row.scenario));
        lines.push(paragraph("    measured   ", &hang, &row.measured));
    }
    lines.push(String::new());
    lines.push(
        "  Run the same guide on another runtime, or with --threads 1, and compare the figures.".into(),
    );
    lines
}
