//! The runtimes' own published benchmark workloads, written here to the same
//! definitions (sizes, worker counts, what each task does), so this machine's
//! figures can sit next to the ones their authors published (PERFORMANCE.md).
//!
//! - tokio's scheduler benchmarks (`benches/rt_multi_threaded.rs` in tokio):
//!   `spawn_many`, `yield_many`, `ping_pong`, `chained_spawn`, on a
//!   `multi_thread` runtime with 4 workers.
//! - async-executor's (`benches/executor.rs`, smol's executor): `spawn_one`,
//!   `spawn_many_local`, `yield_now`, with the executor run by 1 helper thread
//!   ("single_thread") or one per core ("multi_thread") and the caller blocking.
//!
//! `cargo bench -p demos-benches --bench published`

#![allow(missing_docs)] // criterion_group! generates undocumented functions

use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use std::sync::{Arc, mpsc};
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use demos_benches::SmolPool;

/// tokio's scheduler benchmarks run on 4 workers, whatever the machine.
fn tokio_rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread().worker_threads(4).enable_all().build().expect("a runtime")
}

/// Count down from `n`; whoever takes the count to zero says so on `done`.
#[derive(Clone)]
struct Countdown(Arc<AtomicUsize>, mpsc::SyncSender<()>);

impl Countdown {
    fn tick(&self) {
        if self.0.fetch_sub(1, Relaxed) == 1 {
            self.1.send(()).expect("the bench waits");
        }
    }
}

fn countdown(n: usize) -> (Countdown, mpsc::Receiver<()>) {
    let (done, finished) = mpsc::sync_channel(1);
    (Countdown(Arc::new(AtomicUsize::new(n)), done), finished)
}

fn tokio_scheduler(c: &mut Criterion) {
    let mut g = c.benchmark_group("tokio rt_multi_threaded, 4 workers");
    let rt = tokio_rt();
    g.bench_function("spawn_many (10,000 tasks)", |b| {
        b.iter(|| {
            let (count, finished) = countdown(10_000);
            rt.block_on(async {
                for _ in 0..10_000 {
                    let count = count.clone();
                    tokio::spawn(async move { count.tick() });
                }
            });
            finished.recv().expect("every task ticks");
        })
    });
    g.bench_function("yield_many (200 tasks × 1,000 yields)", |b| {
        b.iter(|| {
            let (count, finished) = countdown(200);
            for _ in 0..200 {
                let count = count.clone();
                rt.spawn(async move {
                    for _ in 0..1_000 {
                        tokio::task::yield_now().await;
                    }
                    count.tick();
                });
            }
            finished.recv().expect("every task ticks");
        })
    });
    g.bench_function("ping_pong (1,000 pairs)", |b| {
        b.iter(|| {
            let (count, finished) = countdown(1_000);
            rt.block_on(async {
                tokio::spawn(async move {
                    for _ in 0..1_000 {
                        let count = count.clone();
                        tokio::spawn(async move {
                            let (ping, pinged) = tokio::sync::oneshot::channel::<()>();
                            let (pong, ponged) = tokio::sync::oneshot::channel::<()>();
                            tokio::spawn(async move {
                                pinged.await.expect("ping");
                                pong.send(()).expect("pong");
                            });
                            ping.send(()).expect("ping");
                            ponged.await.expect("pong");
                            count.tick();
                        });
                    }
                });
            });
            finished.recv().expect("every pair ticks");
        })
    });
    fn chain(count: Countdown, left: usize) {
        if left == 0 {
            count.tick();
        } else {
            tokio::spawn(async move { chain(count, left - 1) });
        }
    }
    g.bench_function("chained_spawn (1,000 deep)", |b| {
        b.iter(|| {
            let (count, finished) = countdown(1);
            rt.spawn(async move { chain(count, 1_000) });
            finished.recv().expect("the chain ends");
        })
    });
    g.finish();
}

fn async_executor(c: &mut Criterion) {
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    for (flavour, helpers) in [("single_thread", 1), ("multi_thread", cores)] {
        let mut g = c.benchmark_group(format!("async-executor {flavour}"));
        let pool = SmolPool::helpers(helpers);
        let ex = &pool.ex;
        g.bench_function("executor::spawn_one", |b| b.iter(|| smol::future::block_on(ex.spawn(async {}))));
        g.bench_function("executor::spawn_many_local (25,000 tasks)", |b| {
            b.iter(|| {
                smol::future::block_on(async {
                    let tasks: Vec<_> = (0..25_000).map(|_| ex.spawn(async {})).collect();
                    for task in tasks {
                        task.await;
                    }
                })
            })
        });
        g.bench_function("executor::yield_now (300 tasks × 300 yields)", |b| {
            b.iter(|| {
                smol::future::block_on(async {
                    let tasks: Vec<_> = (0..300)
                        .map(|_| {
                            ex.spawn(async {
                                for _ in 0..300 {
                                    smol::future::yield_now().await;
                                }
                            })
                        })
                        .collect();
                    for task in tasks {
                        task.await;
                    }
                })
            })
        });
        g.finish();
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10).warm_up_time(Duration::from_millis(300)).measurement_time(Duration::from_secs(2));
    targets = tokio_scheduler, async_executor
}
criterion_main!(benches);
