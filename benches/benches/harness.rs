//! Harness overhead: the queue scenario with `--delay-ms 0` (its bookkeeping:
//! exactly-once marks, depth samples, wait timing) against a bare loop over
//! the same channel, with the same producers, consumers and capacity, in the
//! same process. The scenario must stay within 10% of the bare loop.
//!
//! `cargo bench -p demos-benches --bench harness`

#![allow(missing_docs)] // criterion_group! generates undocumented functions

use std::hint::black_box;
use std::sync::Arc;
use std::time::{Duration, Instant};

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use demos_benches::SmolPool;
use demos_core::scenario::queue::Item;
use demos_core::{Env, QueueConfig, Runtime};

const CFG: QueueConfig = QueueConfig { producers: 3, consumers: 2, capacity: 5, items: 100_000, delay_ms: 0 };
/// Alternating pairs for the overhead quartiles; `-- --quick` runs fewer, for a first look.
const RUNS: usize = 31;
const QUICK_RUNS: usize = 11;
const THREADS: usize = 2;

/// What producer `p`'s bare loop sends: the scenario's own item type, with
/// seeded values, so the two differ only in the scenario's bookkeeping.
fn items(p: usize) -> impl Iterator<Item = Item> {
    let mut rng = fastrand::Rng::with_seed(p as u64);
    (0..CFG.items).map(move |seq| Item {
        id: p * CFG.items + seq,
        producer: p,
        value: rng.u64(..u32::MAX as u64),
    })
}

fn bare_tokio() {
    let rt = demos_benches::tokio_runtime(THREADS);
    rt.block_on(async {
        let (tx, rx) = tokio::sync::mpsc::channel::<Item>(CFG.capacity);
        let rx = Arc::new(tokio::sync::Mutex::new(rx));
        let mut set = tokio::task::JoinSet::new();
        for p in 0..CFG.producers {
            let tx = tx.clone();
            set.spawn(async move {
                for item in items(p) {
                    tx.send(item).await.unwrap();
                }
            });
        }
        drop(tx);
        for _ in 0..CFG.consumers {
            let rx = rx.clone();
            set.spawn(async move {
                while let Some(item) = {
                    let mut rx = rx.lock().await;
                    rx.recv().await
                } {
                    black_box(item);
                }
            });
        }
        set.join_all().await;
    });
}

fn bare_smol() {
    let pool = SmolPool::new(THREADS);
    pool.block_on(async {
        let (tx, rx) = smol::channel::bounded::<Item>(CFG.capacity);
        let mut tasks = Vec::new();
        for p in 0..CFG.producers {
            let tx = tx.clone();
            tasks.push(pool.ex.spawn(async move {
                for item in items(p) {
                    tx.send(item).await.unwrap();
                }
            }));
        }
        drop(tx);
        for _ in 0..CFG.consumers {
            let rx = rx.clone();
            tasks.push(pool.ex.spawn(async move {
                while let Ok(item) = rx.recv().await {
                    black_box(item);
                }
            }));
        }
        for task in tasks {
            task.await;
        }
    });
}

fn bare_async_std() {
    async_std::task::block_on(async {
        let (tx, rx) = async_std::channel::bounded::<Item>(CFG.capacity);
        let mut handles = Vec::new();
        for p in 0..CFG.producers {
            let tx = tx.clone();
            handles.push(async_std::task::spawn(async move {
                for item in items(p) {
                    tx.send(item).await.unwrap();
                }
            }));
        }
        drop(tx);
        for _ in 0..CFG.consumers {
            let rx = rx.clone();
            handles.push(async_std::task::spawn(async move {
                while let Ok(item) = rx.recv().await {
                    black_box(item);
                }
            }));
        }
        for h in handles {
            h.await;
        }
    });
}

fn bare_threads() {
    std::thread::scope(|s| {
        let (tx, rx) = crossbeam_channel::bounded::<Item>(CFG.capacity);
        for p in 0..CFG.producers {
            let tx = tx.clone();
            s.spawn(move || {
                for item in items(p) {
                    tx.send(item).unwrap();
                }
            });
        }
        drop(tx);
        for _ in 0..CFG.consumers {
            let rx = rx.clone();
            s.spawn(move || {
                for item in rx.iter() {
                    black_box(item);
                }
            });
        }
    });
}

fn cases() -> [(&'static dyn Runtime, fn()); 4] {
    [
        (&demos_tokio::Tokio, bare_tokio),
        (&demos_smol::Smol, bare_smol),
        (&demos_async_std::AsyncStd, bare_async_std),
        (&demos_std_threads::StdThreads, bare_threads),
    ]
}

fn scenario(rt: &dyn Runtime) {
    let seen = rt.queue(&CFG, &Env::quiet(THREADS, 42));
    assert_eq!(seen.metrics.consumed, (CFG.producers * CFG.items) as u64);
}

fn harness(c: &mut Criterion) {
    let mut g = c.benchmark_group(format!(
        "queue, {} items, delay 0: scenario vs bare loop",
        CFG.producers * CFG.items
    ));
    for (rt, bare) in cases() {
        g.bench_function(BenchmarkId::new(rt.name(), "scenario"), |b| b.iter(|| scenario(rt)));
        g.bench_function(BenchmarkId::new(rt.name(), "bare loop"), |b| b.iter(bare));
    }
    g.finish();
    if demos_benches::listing() {
        return;
    }
    // The ratio, measured here in one process: alternate the two so machine noise
    // hits both alike, take each scenario run over the bare run next to it, and
    // report the quartiles of those paired ratios.
    let runs = if demos_benches::quick() { QUICK_RUNS } else { RUNS };
    println!("\nharness overhead, scenario time / bare-loop time - 1, over {runs} alternating pairs");
    println!("(must stay within 10%; negative: the scenario ran faster)");
    println!("  {:<12} {:>9} {:>9} {:>9}   median times", "runtime", "q1", "median", "q3");
    let mut over = Vec::new();
    for (rt, bare) in cases() {
        let (mut with, mut without, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
        for _ in 0..runs {
            let t = Instant::now();
            scenario(rt);
            let scenario_time = t.elapsed();
            let t = Instant::now();
            bare();
            let bare_time = t.elapsed();
            ratios.push(scenario_time.as_secs_f64() / bare_time.as_secs_f64());
            with.push(scenario_time);
            without.push(bare_time);
        }
        let pct = |r: f64| format!("{:+.1}%", (r - 1.0) * 100.0);
        ratios.sort_by(f64::total_cmp);
        with.sort();
        without.sort();
        println!(
            "  {:<12} {:>9} {:>9} {:>9}   scenario {:.2?}, bare {:.2?}",
            rt.name(),
            pct(ratios[runs / 4]),
            pct(ratios[runs / 2]),
            pct(ratios[3 * runs / 4]),
            with[runs / 2],
            without[runs / 2]
        );
        if ratios[runs / 2] > 1.0 + BUDGET {
            over.push(format!("{} {}", rt.name(), pct(ratios[runs / 2])));
        }
    }
    // The budget the table promises, held: a median over it fails the bench.
    assert!(
        over.is_empty(),
        "harness overhead above {:.0}% at the median: {}",
        BUDGET * 100.0,
        over.join(", ")
    );
}

/// The harness may cost at most this fraction of a bare channel loop.
const BUDGET: f64 = 0.10;

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10).warm_up_time(Duration::from_millis(300)).measurement_time(Duration::from_secs(2));
    targets = harness
}
criterion_main!(benches);
