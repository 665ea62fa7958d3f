//! What each executor's primitives cost, side by side, at the same sizes:
//! spawn + join of tiny tasks, yield, bounded channels 1→1 and 4→4, a mutex
//! uncontended and contended, a blocking-pool round trip, and for plain
//! threads thread spawn + join and rayon fork-join. Each runs in the
//! single-threaded flavour and with the machine's parallelism; compio, whose
//! tasks never leave their core, on one core's runtime.
//!
//! `cargo bench -p demos-benches --bench executors` (add `-- --quick` for a first look).

#![allow(missing_docs)] // criterion_group! generates undocumented functions

use std::hint::black_box;
use std::sync::Arc;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use demos_benches::{
    CAPACITY, ITEMS, LOCKS, ROUND_TRIPS, SmolPool, TASKS, THREADS, YIELDS, flavors, tokio_runtime,
};

fn label(threads: usize) -> String {
    if threads == 1 { "1 thread".into() } else { format!("{threads} threads") }
}

/// Spawn on async-std in the flavour `threads` names: with 1, the task stays on
/// the `block_on` thread (`spawn_local`); otherwise it goes to the global executor.
fn async_std_spawn<T: Send + 'static>(
    threads: usize,
    task: impl Future<Output = T> + Send + 'static,
) -> async_std::task::JoinHandle<T> {
    if threads == 1 { async_std::task::spawn_local(task) } else { async_std::task::spawn(task) }
}

fn spawn_join(c: &mut Criterion) {
    let mut g = c.benchmark_group(format!("spawn + join {TASKS} tasks"));
    for t in flavors() {
        let rt = tokio_runtime(t);
        g.bench_function(BenchmarkId::new("tokio", label(t)), |b| {
            b.iter(|| {
                rt.block_on(async {
                    for h in (0..TASKS).map(|i| tokio::spawn(async move { i })).collect::<Vec<_>>() {
                        black_box(h.await.unwrap());
                    }
                })
            })
        });
        let pool = SmolPool::new(t);
        g.bench_function(BenchmarkId::new("smol", label(t)), |b| {
            b.iter(|| {
                pool.block_on(async {
                    for h in (0..TASKS).map(|i| pool.ex.spawn(async move { i })).collect::<Vec<_>>() {
                        black_box(h.await);
                    }
                })
            })
        });
        g.bench_function(BenchmarkId::new("async-std", label(t)), |b| {
            b.iter(|| {
                async_std::task::block_on(async {
                    for h in (0..TASKS).map(|i| async_std_spawn(t, async move { i })).collect::<Vec<_>>() {
                        black_box(h.await);
                    }
                })
            })
        });
        let pool = futures::executor::ThreadPool::builder().pool_size(t).create().unwrap();
        g.bench_function(BenchmarkId::new("futures ThreadPool", label(t)), |b| {
            use futures::task::SpawnExt;
            b.iter(|| {
                futures::executor::block_on(async {
                    for h in (0..TASKS)
                        .map(|i| pool.spawn_with_handle(async move { i }).unwrap())
                        .collect::<Vec<_>>()
                    {
                        black_box(h.await);
                    }
                })
            })
        });
    }
}

fn yields(c: &mut Criterion) {
    let mut g = c.benchmark_group(format!("{YIELDS} yields in one task"));
    for t in flavors() {
        let rt = tokio_runtime(t);
        g.bench_function(BenchmarkId::new("tokio", label(t)), |b| {
            b.iter(|| {
                rt.block_on(rt.spawn(async {
                    for _ in 0..YIELDS {
                        tokio::task::yield_now().await
                    }
                }))
                .unwrap()
            })
        });
        let pool = SmolPool::new(t);
        g.bench_function(BenchmarkId::new("smol", label(t)), |b| {
            b.iter(|| {
                pool.block_on(pool.ex.spawn(async {
                    for _ in 0..YIELDS {
                        smol::future::yield_now().await
                    }
                }))
            })
        });
        g.bench_function(BenchmarkId::new("async-std", label(t)), |b| {
            let task = || async {
                for _ in 0..YIELDS {
                    async_std::task::yield_now().await
                }
            };
            b.iter(|| async_std::task::block_on(async { async_std_spawn(t, task()).await }))
        });
    }
    // A thread's yield: a `sched_yield` system call, giving the core back to the OS.
    g.bench_function("std::thread::yield_now, this thread", |b| {
        b.iter(|| (0..YIELDS).for_each(|_| std::thread::yield_now()))
    });
}

fn channels(c: &mut Criterion) {
    for (producers, consumers) in [(1usize, 1usize), (4, 4)] {
        let mut g = c.benchmark_group(format!("bounded channel {producers}→{consumers}, {ITEMS} items"));
        let per = ITEMS / producers;
        for t in flavors() {
            let rt = tokio_runtime(t);
            g.bench_function(BenchmarkId::new("tokio mpsc", label(t)), |b| {
                b.iter(|| {
                    rt.block_on(async {
                        let (tx, rx) = tokio::sync::mpsc::channel::<usize>(CAPACITY);
                        let rx = Arc::new(tokio::sync::Mutex::new(rx)); // several consumers share the one receiver
                        let mut set = tokio::task::JoinSet::new();
                        for _ in 0..producers {
                            let tx = tx.clone();
                            set.spawn(async move {
                                for i in 0..per {
                                    tx.send(i).await.unwrap();
                                }
                            });
                        }
                        drop(tx);
                        for _ in 0..consumers {
                            let rx = rx.clone();
                            set.spawn(async move {
                                while let Some(i) = {
                                    let mut rx = rx.lock().await;
                                    rx.recv().await
                                } {
                                    black_box(i);
                                }
                            });
                        }
                        set.join_all().await;
                    })
                })
            });
            let pool = SmolPool::new(t);
            g.bench_function(BenchmarkId::new("async-channel (smol)", label(t)), |b| {
                b.iter(|| {
                    pool.block_on(async {
                        let (tx, rx) = smol::channel::bounded::<usize>(CAPACITY);
                        let mut tasks = Vec::new();
                        for _ in 0..producers {
                            let tx = tx.clone();
                            tasks.push(pool.ex.spawn(async move {
                                for i in 0..per {
                                    tx.send(i).await.unwrap();
                                }
                            }));
                        }
                        drop(tx);
                        for _ in 0..consumers {
                            let rx = rx.clone();
                            tasks.push(pool.ex.spawn(async move {
                                while let Ok(i) = rx.recv().await {
                                    black_box(i);
                                }
                            }));
                        }
                        for task in tasks {
                            task.await;
                        }
                    })
                })
            });
            g.bench_function(BenchmarkId::new("async-std channel", label(t)), |b| {
                b.iter(|| {
                    async_std::task::block_on(async {
                        let (tx, rx) = async_std::channel::bounded::<usize>(CAPACITY);
                        let mut handles = Vec::new();
                        for _ in 0..producers {
                            let tx = tx.clone();
                            handles.push(async_std_spawn(t, async move {
                                for i in 0..per {
                                    tx.send(i).await.unwrap();
                                }
                            }));
                        }
                        drop(tx);
                        for _ in 0..consumers {
                            let rx = rx.clone();
                            handles.push(async_std_spawn(t, async move {
                                while let Ok(i) = rx.recv().await {
                                    black_box(i);
                                }
                            }));
                        }
                        for h in handles {
                            h.await;
                        }
                    })
                })
            });
        }
        g.bench_function(BenchmarkId::new("crossbeam (a thread each)", "OS threads"), |b| {
            b.iter(|| {
                std::thread::scope(|s| {
                    let (tx, rx) = crossbeam_channel::bounded::<usize>(CAPACITY);
                    for _ in 0..producers {
                        let tx = tx.clone();
                        s.spawn(move || {
                            for i in 0..per {
                                tx.send(i).unwrap();
                            }
                        });
                    }
                    drop(tx);
                    for _ in 0..consumers {
                        let rx = rx.clone();
                        s.spawn(move || {
                            for i in rx.iter() {
                                black_box(i);
                            }
                        });
                    }
                })
            })
        });
    }
}

fn mutexes(c: &mut Criterion) {
    let mut g = c.benchmark_group(format!("mutex, {LOCKS} lock/unlock"));
    for t in flavors() {
        let rt = tokio_runtime(t);
        for tasks in [1usize, 4] {
            let how = if tasks == 1 { "uncontended" } else { "4 tasks contend" };
            g.bench_function(BenchmarkId::new(format!("tokio::sync::Mutex, {how}"), label(t)), |b| {
                b.iter(|| {
                    rt.block_on(async {
                        let m = Arc::new(tokio::sync::Mutex::new(0u64));
                        let mut set = tokio::task::JoinSet::new();
                        for _ in 0..tasks {
                            let m = m.clone();
                            set.spawn(async move {
                                for _ in 0..LOCKS / tasks {
                                    *m.lock().await += 1;
                                }
                            });
                        }
                        set.join_all().await;
                    })
                })
            });
            let pool = SmolPool::new(t);
            g.bench_function(BenchmarkId::new(format!("async_lock::Mutex, {how}"), label(t)), |b| {
                b.iter(|| {
                    pool.block_on(async {
                        let m = Arc::new(smol::lock::Mutex::new(0u64));
                        let tasks: Vec<_> = (0..tasks)
                            .map(|_| {
                                let m = m.clone();
                                pool.ex.spawn(async move {
                                    for _ in 0..LOCKS / tasks {
                                        *m.lock().await += 1;
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
            g.bench_function(BenchmarkId::new(format!("async_std::sync::Mutex, {how}"), label(t)), |b| {
                b.iter(|| {
                    async_std::task::block_on(async {
                        let m = Arc::new(async_std::sync::Mutex::new(0u64));
                        let work = |m: Arc<async_std::sync::Mutex<u64>>| async move {
                            for _ in 0..LOCKS / tasks {
                                *m.lock().await += 1;
                            }
                        };
                        let handles: Vec<_> =
                            (0..tasks).map(|_| async_std_spawn(t, work(m.clone()))).collect();
                        for h in handles {
                            h.await;
                        }
                    })
                })
            });
            let pool = demos_std_threads::pool_builder(t).build().unwrap();
            g.bench_function(BenchmarkId::new(format!("std::sync::Mutex, {how}"), label(t)), |b| {
                b.iter(|| {
                    let m = std::sync::Mutex::new(0u64);
                    pool.scope(|s| {
                        for _ in 0..tasks {
                            s.spawn(|_| {
                                for _ in 0..LOCKS / tasks {
                                    *m.lock().unwrap() += 1;
                                }
                            });
                        }
                    });
                    black_box(m.into_inner().unwrap())
                })
            });
        }
    }
}

fn blocking(c: &mut Criterion) {
    let mut g = c.benchmark_group(format!("blocking pool, {ROUND_TRIPS} round trips"));
    for t in flavors() {
        let rt = tokio_runtime(t);
        g.bench_function(BenchmarkId::new("tokio spawn_blocking", label(t)), |b| {
            b.iter(|| {
                rt.block_on(async {
                    for i in 0..ROUND_TRIPS {
                        black_box(tokio::task::spawn_blocking(move || i).await.unwrap());
                    }
                })
            })
        });
        let pool = SmolPool::new(t);
        g.bench_function(BenchmarkId::new("smol unblock", label(t)), |b| {
            b.iter(|| {
                pool.block_on(async {
                    for i in 0..ROUND_TRIPS {
                        black_box(smol::unblock(move || i).await);
                    }
                })
            })
        });
    }
    g.bench_function(BenchmarkId::new("async-std spawn_blocking", "global"), |b| {
        b.iter(|| {
            async_std::task::block_on(async {
                for i in 0..ROUND_TRIPS {
                    black_box(async_std::task::spawn_blocking(move || i).await);
                }
            })
        })
    });
    g.bench_function(BenchmarkId::new("thread handoff (crossbeam)", "1 worker thread"), |b| {
        let (jobs, inbox) = crossbeam_channel::bounded::<(usize, crossbeam_channel::Sender<usize>)>(1);
        let worker = std::thread::spawn(move || {
            for (i, reply) in inbox {
                reply.send(i).unwrap();
            }
        });
        b.iter(|| {
            for i in 0..ROUND_TRIPS {
                let (reply, answer) = crossbeam_channel::bounded(1);
                jobs.send((i, reply)).unwrap();
                black_box(answer.recv().unwrap());
            }
        });
        drop(jobs);
        worker.join().unwrap();
    });
}

fn threads(c: &mut Criterion) {
    let mut g = c.benchmark_group("OS threads and rayon");
    g.bench_function(format!("thread spawn + join ×{THREADS}"), |b| {
        b.iter(|| {
            for h in (0..THREADS).map(|i| std::thread::spawn(move || i)).collect::<Vec<_>>() {
                black_box(h.join().unwrap());
            }
        })
    });
    fn fib(n: u32) -> u64 {
        if n < 2 {
            return n as u64;
        }
        let (a, b) = rayon::join(|| fib(n - 1), || fib(n - 2));
        a + b
    }
    for t in flavors() {
        let pool = demos_std_threads::pool_builder(t).build().unwrap();
        g.bench_function(BenchmarkId::new("rayon fork-join fib(20)", label(t)), |b| {
            b.iter(|| pool.install(|| black_box(fib(20))))
        });
    }
}

/// compio, thread-per-core: one runtime on one thread, the flavour each of its
/// cores runs (tasks never leave it, so there is no "2 threads" flavour of a
/// spawn; work reaches another core only over a channel). Its channel is
/// flume's, its async mutex the futures crate's, as demos-compio uses them.
fn compio_one_core(c: &mut Criterion) {
    let rt = compio::runtime::Runtime::new().expect("a compio runtime");
    let one = "1 thread (one core's runtime)";
    let mut g = c.benchmark_group(format!("spawn + join {TASKS} tasks"));
    g.bench_function(BenchmarkId::new("compio", one), |b| {
        b.iter(|| {
            rt.block_on(async {
                for h in (0..TASKS).map(|i| compio::runtime::spawn(async move { i })).collect::<Vec<_>>() {
                    black_box(h.await.unwrap());
                }
            })
        })
    });
    g.finish();
    let mut g = c.benchmark_group(format!("{YIELDS} yields in one task"));
    g.bench_function(BenchmarkId::new("compio", one), |b| {
        b.iter(|| {
            rt.block_on(async {
                // Spawned inside the runtime: compio's spawn panics outside one.
                compio::runtime::spawn(async {
                    for _ in 0..YIELDS {
                        YieldNow(false).await
                    }
                })
                .await
                .unwrap()
            })
        })
    });
    g.finish();
    for (producers, consumers) in [(1usize, 1usize), (4, 4)] {
        let per = ITEMS / producers;
        let mut g = c.benchmark_group(format!("bounded channel {producers}→{consumers}, {ITEMS} items"));
        g.bench_function(BenchmarkId::new("flume (compio)", one), |b| {
            b.iter(|| {
                rt.block_on(async {
                    let (tx, rx) = flume::bounded::<usize>(CAPACITY);
                    let mut handles = Vec::new();
                    for _ in 0..producers {
                        let tx = tx.clone();
                        handles.push(compio::runtime::spawn(async move {
                            for i in 0..per {
                                tx.send_async(i).await.unwrap();
                            }
                        }));
                    }
                    drop(tx);
                    for _ in 0..consumers {
                        let rx = rx.clone();
                        handles.push(compio::runtime::spawn(async move {
                            while let Ok(i) = rx.recv_async().await {
                                black_box(i);
                            }
                        }));
                    }
                    for h in handles {
                        h.await.unwrap();
                    }
                })
            })
        });
        g.finish();
    }
    let mut g = c.benchmark_group(format!("mutex, {LOCKS} lock/unlock"));
    for tasks in [1usize, 4] {
        let how = if tasks == 1 { "uncontended" } else { "4 tasks contend" };
        g.bench_function(BenchmarkId::new(format!("futures::lock::Mutex on compio, {how}"), one), |b| {
            b.iter(|| {
                rt.block_on(async {
                    let m = Arc::new(futures::lock::Mutex::new(0u64));
                    let handles: Vec<_> = (0..tasks)
                        .map(|_| {
                            let m = m.clone();
                            compio::runtime::spawn(async move {
                                for _ in 0..LOCKS / tasks {
                                    *m.lock().await += 1;
                                }
                            })
                        })
                        .collect();
                    for h in handles {
                        h.await.unwrap();
                    }
                })
            })
        });
    }
    g.finish();
    let mut g = c.benchmark_group(format!("blocking pool, {ROUND_TRIPS} round trips"));
    g.bench_function(BenchmarkId::new("compio spawn_blocking", one), |b| {
        b.iter(|| {
            rt.block_on(async {
                for i in 0..ROUND_TRIPS {
                    black_box(compio::runtime::spawn_blocking(move || i).await.unwrap());
                }
            })
        })
    });
    g.finish();
}

/// compio has no `yield_now`: wake yourself and return `Pending` once (as demos-compio does).
struct YieldNow(bool);

impl Future for YieldNow {
    type Output = ();
    fn poll(mut self: std::pin::Pin<&mut Self>, cx: &mut std::task::Context<'_>) -> std::task::Poll<()> {
        if self.0 {
            std::task::Poll::Ready(())
        } else {
            self.0 = true;
            cx.waker().wake_by_ref();
            std::task::Poll::Pending
        }
    }
}

criterion_group! {
    name = executors;
    // Small samples keep the whole run within minutes on 2 cores; compare ratios, not absolutes.
    config = Criterion::default().sample_size(10).warm_up_time(Duration::from_millis(300)).measurement_time(Duration::from_secs(1));
    targets = spawn_join, yields, channels, mutexes, blocking, threads, compio_one_core
}
criterion_main!(executors);
