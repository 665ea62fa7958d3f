//! Cost as the work grows: spawning, waiting and waking N tasks (the `scale`
//! scenario's own code, per runtime) at N = 1,000, 10,000 and 100,000 —
//! std-threads up to 10,000 OS threads — and round trips over real loopback
//! connections (the `echo` scenario's code) at 10 and 100 connections.
//! Criterion reports each as time per iteration and as elements per second:
//! tasks per second for scale, round trips per second for echo.
//!
//! The scenarios run in this process (their trait methods are called
//! directly, not through the fresh child process the CLI uses). For scale,
//! what is timed is what the scenario times — the spawns, then waking every
//! task and joining — leaving out its polls until all wait and its reads of
//! `/proc`; for echo, the whole run.
//!
//! `cargo bench -p demos-benches --bench scale` (add `-- --quick` for a first look).

#![allow(missing_docs)] // criterion_group! generates undocumented functions

use std::time::Duration;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use demos_core::{EchoConfig, Env, Runtime, ScaleConfig};

/// Every runtime, with the worker count that keeps async-std in this process
/// (its global executor's size) — the machine's parallelism.
fn runtimes() -> [(&'static dyn Runtime, &'static str); 4] {
    [
        (&demos_tokio::Tokio, "tokio"),
        (&demos_smol::Smol, "smol"),
        (&demos_async_std::AsyncStd, "async-std"),
        (&demos_std_threads::StdThreads, "std-threads"),
    ]
}

fn env() -> Env {
    Env::quiet(demos_async_std::global_executor_threads(), 42)
}

fn spawn_wait_wake(c: &mut Criterion) {
    let mut g = c.benchmark_group("scale: spawn N waiting tasks, wake all, join");
    g.sample_size(10).measurement_time(Duration::from_secs(5));
    for tasks in [1_000usize, 10_000, 100_000] {
        g.throughput(Throughput::Elements(tasks as u64));
        for (rt, name) in runtimes() {
            if rt.tasks_hold_threads() && tasks > 10_000 {
                continue; // one OS thread per task: past the demos' thread limit
            }
            let cfg = ScaleConfig { tasks };
            // Timed: the spawns, then the wake and join, as the scenario measures them —
            // not its 1 ms polls until every task is waiting, which at 1,000 tasks
            // would outweigh the work.
            g.bench_with_input(BenchmarkId::new(name, tasks), &cfg, |b, cfg| {
                b.iter_custom(|iters| {
                    (0..iters)
                        .map(|_| {
                            let m = rt.scale(cfg, &env()).metrics;
                            Duration::from_secs_f64(
                                m.spawn_ns_per_task * m.tasks as f64 * 1e-9 + m.wake_all_ms * 1e-3,
                            )
                        })
                        .sum()
                })
            });
        }
    }
}

fn echo_round_trips(c: &mut Criterion) {
    let mut g = c.benchmark_group("echo: 100 round trips of 64 bytes per connection, loopback");
    g.sample_size(10).measurement_time(Duration::from_secs(5));
    for connections in [10usize, 100] {
        let cfg = EchoConfig { connections, round_trips: 100, bytes: 64 };
        g.throughput(Throughput::Elements((connections * cfg.round_trips) as u64));
        for (rt, name) in runtimes() {
            g.bench_with_input(BenchmarkId::new(name, connections), &cfg, |b, cfg| {
                b.iter(|| rt.echo(cfg, &env()))
            });
        }
    }
}

criterion_group!(benches, spawn_wait_wake, echo_round_trips);
criterion_main!(benches);
