//! guide: "picking the right tool", with figures measured on this machine.
//!
//! Three situations, each answered by a scenario run right now on the chosen
//! runtime with settings sized to make the point in a second or two:
//!
//! * many I/O-bound waits (connections, timers) — `ordering` with 100 tasks;
//! * CPU-bound work — the CPU half of `pools`;
//! * shared state under contention — `race`.

use serde_json::json;

use crate::report::{Report, format_ms};
use crate::scenario::{self, Outcome};
use crate::{Env, Runtime};

/// One row of the guide.
#[derive(Debug, Clone)]
pub struct Row {
    /// The situation.
    pub situation: &'static str,
    /// What to reach for.
    pub advice: &'static str,
    /// The scenario that shows it.
    pub scenario: &'static str,
    /// What this machine measured.
    pub measured: String,
}

/// The guide's experiments: (scenario, configuration).
fn experiments() -> [(&'static str, serde_json::Value); 3] {
    [
        ("ordering", json!({ "tasks": 100, "max_sleep_ms": 20 })),
        ("pools", json!({ "io_jobs": 1, "io_ms": 0, "cpu_jobs": null, "cpu_size": 3_000_000 })),
        ("race", json!({ "tasks": 1000 })),
    ]
}

/// Run the guide's experiments on `rt`; returns their reports and the table.
pub fn run(rt: &dyn Runtime, env: &Env) -> (Vec<Report>, Vec<Row>) {
    let outcomes: Vec<Outcome> = experiments()
        .into_iter()
        .map(|(name, cfg)| {
            let s = scenario::find(name).expect("the guide's scenarios exist");
            s.prepare(&cfg).expect("the guide's configurations are valid");
            s.run(rt, &cfg, &Env { workers: Default::default(), ..env.clone() }) // workers seen per experiment
        })
        .collect();
    let m = |i: usize, key: &str| outcomes[i].report.metric(key).unwrap_or(f64::NAN);
    // ordering runs two rounds of sleeps of up to 20 ms; half its time is one round.
    let round_ms = outcomes[0].report.elapsed_ms / 2.0;
    let rows = vec![
        Row {
            situation: "I/O-bound, many connections or timers",
            advice: "async tasks (tokio, smol); a bounded channel for backpressure",
            scenario: "ordering, queue, bridge",
            measured: format!(
                "100 tasks each waiting up to 20 ms: one round took {} ms on {}",
                format_ms(round_ms),
                outcomes[0].report.flavor
            ),
        },
        Row {
            situation: "CPU-bound",
            advice: "rayon or the blocking pool, one job per core; never inline on an executor",
            scenario: "pools, scheduling, bridge",
            measured: format!(
                "Σi² speedup ×{:.2} with {} worker(s): {} ms sequential, {} ms parallel",
                m(1, "speedup"),
                env.threads,
                format_ms(m(1, "sequential_ms")),
                format_ms(m(1, "parallel_ms"))
            ),
        },
        Row {
            situation: "high-contention shared state",
            advice: "an atomic or sharded state; a lock held briefly; an async mutex only across .await",
            scenario: "race",
            measured: format!(
                "1000 increments: atomic {} ms, mutex {} ms, unsynchronized lost {}",
                format_ms(m(2, "atomic_ms")),
                format_ms(m(2, "mutex_ms")),
                m(2, "lost_updates")
            ),
        },
    ];
    (outcomes.into_iter().map(|o| o.report).collect(), rows)
}

/// The table as text lines.
pub fn render(runtime: &str, rows: &[Row]) -> Vec<String> {
    let mut lines =
        vec![format!("picking the right tool — measured on this machine with {runtime}"), String::new()];
    for row in rows {
        lines.push(format!("  {}", row.situation));
        lines.push(format!("    reach for  {}", row.advice));
        lines.push(format!("    see        {}", row.scenario));
        lines.push(format!("    measured   {}", row.measured));
    }
    lines.push(String::new());
    lines.push(
        "  Run the same guide on another runtime, or with --threads 1, and compare the figures.".into(),
    );
    lines
}
