//! What recording costs: the price of one recorded span, and a scenario's wall
//! time with the timeline on versus off in the same run. Recording must not
//! distort what it records: the on/off ratio must stay within 5%.
//!
//! `cargo bench -p demos-benches --bench timeline`

#![allow(missing_docs)] // criterion_group! generates undocumented functions

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use demos_core::timeline::Recorder;
use demos_core::{Env, Runtime, SchedulingConfig};

fn per_event(c: &mut Criterion) {
    let mut g = c.benchmark_group("recording one span");
    let on = Recorder::new();
    g.bench_function("timeline on", |b| {
        b.iter_batched(
            Instant::now,
            |start| on.record("task 0", "step", black_box(start)),
            criterion::BatchSize::SmallInput,
        )
    });
    let off = Recorder::off();
    g.bench_function("timeline off", |b| b.iter(|| off.record("task 0", "step", black_box(Instant::now()))));
    g.finish();
}

fn on_versus_off(c: &mut Criterion) {
    // The bridge and queue record only with the timeline on; scheduling records
    // its steps always (its figures come from them), so the bridge is measured.
    let cfg = demos_core::BridgeConfig { jobs: 2, job_ms: 20, tick_ms: 1 };
    let run = |rt: &dyn Runtime, timeline: bool| {
        let env = Env { timeline, ..Env::quiet(2, 42) };
        black_box(rt.bridge(&cfg, &env).metrics.heartbeats)
    };
    let rt: &dyn Runtime = &demos_tokio::Tokio;
    let mut g = c.benchmark_group("bridge on tokio, 2 workers");
    g.bench_function("timeline off", |b| b.iter(|| run(rt, false)));
    g.bench_function("timeline on", |b| b.iter(|| run(rt, true)));
    g.finish();

    if demos_benches::listing() {
        return;
    }
    println!("\nscenario wall time, timeline on / off (median of 9 alternating runs; must stay within 5%):");
    let runtimes: [&dyn Runtime; 4] =
        [&demos_tokio::Tokio, &demos_smol::Smol, &demos_async_std::AsyncStd, &demos_std_threads::StdThreads];
    let sched = SchedulingConfig { tasks: 3, steps: 20, step_ms: 1 };
    let mut over = Vec::new();
    for rt in runtimes {
        let (mut on, mut off) = (Vec::new(), Vec::new());
        for _ in 0..9 {
            let t = Instant::now();
            run(rt, true);
            on.push(t.elapsed());
            let t = Instant::now();
            run(rt, false);
            off.push(t.elapsed());
        }
        on.sort();
        off.sort();
        let ratio = on[4].as_secs_f64() / off[4].as_secs_f64();
        // Scheduling's steps are recorded either way; its timing shows the cost inside a busy step.
        let steps = rt.scheduling(&sched, &Env::quiet(1, 0)).metrics.steps_recorded;
        println!(
            "  {:<12} bridge on {:>8.2?} off {:>8.2?}  ratio {ratio:.3}   ({steps} scheduling steps recorded)",
            rt.name(),
            on[4],
            off[4]
        );
        if ratio > 1.0 + BUDGET {
            over.push(format!("{} ×{ratio:.3}", rt.name()));
        }
    }
    // The budget the table promises, held: a median over it fails the bench.
    assert!(over.is_empty(), "recording costs more than {:.0}%: {}", BUDGET * 100.0, over.join(", "));
}

/// Recording may slow a scenario by at most this fraction.
const BUDGET: f64 = 0.05;

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10).warm_up_time(Duration::from_millis(300)).measurement_time(Duration::from_secs(1));
    targets = per_event, on_versus_off
}
criterion_main!(benches);
