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
//! - crossbeam-channel's (`crossbeam-channel/benchmarks/crossbeam-channel.rs`):
//!   one-word messages; `seq` (one thread sends all, then receives all),
//!   `spsc`, `mpsc` (4 senders, 1 receiver), `mpmc` (4 and 4), through a
//!   channel of capacity 0, 1 or 5,000,000 ("bounded"). crossbeam sends
//!   5,000,000 messages in each; so do `seq` and "bounded" here, but capacities
//!   0 and 1 send 100,000 (1/50): on 2 cores a capacity-0 run of 5,000,000 takes
//!   15–35 s, and ten of them would be most of the bench's time budget.
//!
//! `cargo bench -p demos-benches --bench published`

#![allow(missing_docs)] // criterion_group! generates undocumented functions

use std::hint::black_box;
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use std::sync::{Arc, mpsc};
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use demos_benches::SmolPool;

/// tokio's scheduler benchmarks run on 4 workers, whatever the machine.
fn tokio_rt() -> tokio::runtime::Runtime {
    demos_tokio::build_runtime(4)
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

/// crossbeam-channel's benchmark sizes: messages per run, threads per side.
const MESSAGES: usize = 5_000_000;
const SIDE: usize = 4;
/// Messages per run through the capacity-0 and capacity-1 channels here.
const MESSAGES_SMALL_CAP: usize = MESSAGES / 50;

/// crossbeam's benchmark message: one machine word (the receivers pass it to
/// `black_box`, which reads it).
#[derive(Clone, Copy)]
struct Message(#[allow(dead_code)] [usize; 1]);

/// `senders` threads send `messages / senders` each; `receivers` threads
/// receive `messages / receivers` each; all through one channel of `cap`.
fn crossbeam_run(cap: usize, messages: usize, senders: usize, receivers: usize) {
    let (tx, rx) = crossbeam_channel::bounded::<Message>(cap);
    std::thread::scope(|s| {
        for _ in 0..senders {
            s.spawn(|| (0..messages / senders).for_each(|i| tx.send(Message([i])).expect("receivers wait")));
        }
        for _ in 0..receivers {
            s.spawn(|| {
                (0..messages / receivers).for_each(|_| {
                    black_box(rx.recv().expect("a message"));
                })
            });
        }
    });
}

fn crossbeam(c: &mut Criterion) {
    let mut g = c.benchmark_group("crossbeam-channel benchmarks");
    g.sample_size(10).warm_up_time(Duration::from_millis(100)).measurement_time(Duration::from_secs(1));
    g.bench_function("bounded_seq", |b| {
        b.iter(|| {
            let (tx, rx) = crossbeam_channel::bounded::<Message>(MESSAGES);
            (0..MESSAGES).for_each(|i| tx.send(Message([i])).expect("room for all"));
            (0..MESSAGES).for_each(|_| {
                black_box(rx.recv().expect("a message"));
            });
        })
    });
    let runs = [
        ("bounded0", 0, MESSAGES_SMALL_CAP),
        ("bounded1", 1, MESSAGES_SMALL_CAP),
        ("bounded", MESSAGES, MESSAGES),
    ];
    for (name, cap, n) in runs {
        let per = if n == MESSAGES { String::new() } else { format!(", {n} messages") };
        g.bench_function(format!("{name}_spsc{per}"), |b| b.iter(|| crossbeam_run(cap, n, 1, 1)));
        g.bench_function(format!("{name}_mpsc{per}"), |b| b.iter(|| crossbeam_run(cap, n, SIDE, 1)));
        g.bench_function(format!("{name}_mpmc{per}"), |b| b.iter(|| crossbeam_run(cap, n, SIDE, SIDE)));
    }
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10).warm_up_time(Duration::from_millis(300)).measurement_time(Duration::from_secs(2));
    targets = tokio_scheduler, async_executor, crossbeam
}
criterion_main!(benches);
