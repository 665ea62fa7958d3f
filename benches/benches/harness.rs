//! Harness overhead: the queue scenario with `--delay-ms 0` (its bookkeeping:
//! exactly-once marks, depth samples, wait timing) against a bare loop over
//! the same channel, with the same producers, consumers and capacity, in the
//! same process — at 1 and 2 workers, with one consumer and with two. The
//! scenario must stay within 10% of the bare loop in every shape.
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
/// The shapes the budget holds for: (workers, consumers).
const SHAPES: [(usize, usize); 4] = [(1, 1), (1, 2), (2, 1), (2, 2)];
/// Alternating pairs for the overhead quartiles; `-- --quick` runs fewer, for a first look.
const RUNS: usize = 31;
const QUICK_RUNS: usize = 11;

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

fn bare_tokio(cfg: &QueueConfig, threads: usize) {
    let rt = demos_benches::tokio_runtime(threads);
    rt.block_on(async {
        let (tx, rx) = tokio::sync::mpsc::channel::<Item>(cfg.capacity);
        let rx = Arc::new(tokio::sync::Mutex::new(rx));
        let mut set = tokio::task::JoinSet::new();
        for p in 0..cfg.producers {
            let tx = tx.clone();
            set.spawn(async move {
                for item in items(p) {
                    tx.send(item).await.unwrap();
                }
            });
        }
        drop(tx);
        for _ in 0..cfg.consumers {
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

type Job = std::pin::Pin<Box<dyn Future<Output = ()> + Send>>;

fn bare_smol(cfg: &QueueConfig, threads: usize) {
    if threads == 1 {
        // The scenario's single-threaded flavour: a LocalExecutor on this thread.
        let ex = smol::LocalExecutor::new();
        return smol::block_on(ex.run(smol_loop(cfg, |job| ex.spawn(job))));
    }
    let pool = SmolPool::new(threads);
    pool.block_on(smol_loop(cfg, |job| pool.ex.spawn(job)));
}

/// The bare loop on smol; `spawn` puts a job on the executor (boxed once per task, not per item).
async fn smol_loop(cfg: &QueueConfig, spawn: impl Fn(Job) -> smol::Task<()>) {
    let (tx, rx) = smol::channel::bounded::<Item>(cfg.capacity);
    let mut tasks = Vec::new();
    for p in 0..cfg.producers {
        let tx = tx.clone();
        tasks.push(spawn(Box::pin(async move {
            for item in items(p) {
                tx.send(item).await.unwrap();
            }
        })));
    }
    drop(tx);
    for _ in 0..cfg.consumers {
        let rx = rx.clone();
        tasks.push(spawn(Box::pin(async move {
            while let Ok(item) = rx.recv().await {
                black_box(item);
            }
        })));
    }
    for task in tasks {
        task.await;
    }
}

fn bare_async_std(cfg: &QueueConfig, threads: usize) {
    // The scenario's flavours: `spawn_local` on the block_on thread for 1, the global executor otherwise.
    let spawn =
        |job: Job| if threads == 1 { async_std::task::spawn_local(job) } else { async_std::task::spawn(job) };
    async_std::task::block_on(async {
        let (tx, rx) = async_std::channel::bounded::<Item>(cfg.capacity);
        let mut handles = Vec::new();
        for p in 0..cfg.producers {
            let tx = tx.clone();
            handles.push(spawn(Box::pin(async move {
                for item in items(p) {
                    tx.send(item).await.unwrap();
                }
            })));
        }
        drop(tx);
        for _ in 0..cfg.consumers {
            let rx = rx.clone();
            handles.push(spawn(Box::pin(async move {
                while let Ok(item) = rx.recv().await {
                    black_box(item);
                }
            })));
        }
        for h in handles {
            h.await;
        }
    });
}

fn bare_threads(cfg: &QueueConfig, _threads: usize) {
    // A thread per producer and consumer, as the scenario runs it at any --threads.
    std::thread::scope(|s| {
        let (tx, rx) = crossbeam_channel::bounded::<Item>(cfg.capacity);
        for p in 0..cfg.producers {
            let tx = tx.clone();
            s.spawn(move || {
                for item in items(p) {
                    tx.send(item).unwrap();
                }
            });
        }
        drop(tx);
        for _ in 0..cfg.consumers {
            let rx = rx.clone();
            s.spawn(move || {
                for item in rx.iter() {
                    black_box(item);
                }
            });
        }
    });
}

type Bare = fn(&QueueConfig, usize);

fn cases() -> [(&'static dyn Runtime, Bare); 4] {
    [
        (&demos_tokio::Tokio, bare_tokio),
        (&demos_smol::Smol, bare_smol),
        (&demos_async_std::AsyncStd, bare_async_std),
        (&demos_std_threads::StdThreads, bare_threads),
    ]
}

fn scenario(rt: &dyn Runtime, cfg: &QueueConfig, threads: usize) {
    let seen = rt.queue(cfg, &Env::quiet(threads, 42));
    assert_eq!(seen.metrics.consumed, (cfg.producers * cfg.items) as u64);
}

fn harness(c: &mut Criterion) {
    let threads = 2;
    let mut g = c.benchmark_group(format!(
        "queue, {} items, delay 0, {threads} workers: scenario vs bare loop",
        CFG.producers * CFG.items
    ));
    for (rt, bare) in cases() {
        g.bench_function(BenchmarkId::new(rt.name(), "scenario"), |b| b.iter(|| scenario(rt, &CFG, threads)));
        g.bench_function(BenchmarkId::new(rt.name(), "bare loop"), |b| b.iter(|| bare(&CFG, threads)));
    }
    g.finish();
    if demos_benches::listing() {
        return;
    }
    // The ratio, measured here in one process: alternate the two so machine noise
    // hits both alike, take each scenario run over the bare run next to it, and
    // report the quartiles of those paired ratios — for every shape.
    let runs = if demos_benches::quick() { QUICK_RUNS } else { RUNS };
    println!("\nharness overhead, scenario time / bare-loop time - 1, over {runs} alternating pairs");
    println!("(must stay within 10% at the median; negative: the scenario ran faster)");
    let mut over = Vec::new();
    for (threads, consumers) in SHAPES {
        let cfg = QueueConfig { consumers, ..CFG };
        println!("  {threads} worker(s), {} producers, {consumers} consumer(s)", cfg.producers);
        println!("    {:<12} {:>9} {:>9} {:>9}   median times", "runtime", "q1", "median", "q3");
        for (rt, bare) in cases() {
            let (mut with, mut without, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
            for _ in 0..runs {
                let t = Instant::now();
                scenario(rt, &cfg, threads);
                let scenario_time = t.elapsed();
                let t = Instant::now();
                bare(&cfg, threads);
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
                "    {:<12} {:>9} {:>9} {:>9}   scenario {:.2?}, bare {:.2?}",
                rt.name(),
                pct(ratios[runs / 4]),
                pct(ratios[runs / 2]),
                pct(ratios[3 * runs / 4]),
                with[runs / 2],
                without[runs / 2]
            );
            if ratios[runs / 2] > 1.0 + BUDGET {
                over.push(format!(
                    "{} at {threads} worker(s), {consumers} consumer(s): {}",
                    rt.name(),
                    pct(ratios[runs / 2])
                ));
            }
        }
    }
    // The budget the table promises, held: a median over it fails the bench.
    assert!(
        over.is_empty(),
        "harness overhead above {:.0}% at the median: {}",
        BUDGET * 100.0,
        over.join("; ")
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
