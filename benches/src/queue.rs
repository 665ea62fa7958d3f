//! The queue scenario's harness-overhead baseline: on each runtime, the loop a
//! user would write over the same channel — same producers, consumers,
//! capacity and item type, no bookkeeping. The `harness` bench alternates it
//! with the scenario; `examples/queue_once.rs` runs either once, for callgrind.

use std::hint::black_box;
use std::sync::Arc;

use demos_core::scenario::queue::Item;
use demos_core::{Env, QueueConfig, Runtime};

use crate::SmolPool;

/// A bare loop: the channel and its tasks only, for `cfg` on `threads` workers.
pub type Bare = fn(&QueueConfig, usize);

/// Every runtime, with its bare loop.
pub fn cases() -> [(&'static dyn Runtime, Bare); 4] {
    [
        (&demos_tokio::Tokio, bare_tokio),
        (&demos_smol::Smol, bare_smol),
        (&demos_async_std::AsyncStd, bare_async_std),
        (&demos_std_threads::StdThreads, bare_threads),
    ]
}

/// Run the scenario itself (log off, timeline off), and check it moved every item.
pub fn scenario(rt: &dyn Runtime, cfg: &QueueConfig, threads: usize) {
    let seen = rt.queue(cfg, &Env::quiet(threads, 42));
    assert_eq!(seen.metrics.consumed, (cfg.producers * cfg.items) as u64);
}

/// What producer `p`'s bare loop sends: the scenario's own item type, with
/// seeded values, so the two differ only in the scenario's bookkeeping.
fn items(cfg: &QueueConfig, p: usize) -> impl Iterator<Item = Item> + use<> {
    let mut rng = fastrand::Rng::with_seed(p as u64);
    let n = cfg.items;
    (0..n).map(move |seq| Item { id: p * n + seq, producer: p, value: rng.u64(..u32::MAX as u64) })
}

fn bare_tokio(cfg: &QueueConfig, threads: usize) {
    let rt = crate::tokio_runtime(threads);
    rt.block_on(async {
        let (tx, mut rx) = tokio::sync::mpsc::channel::<Item>(cfg.capacity);
        let mut set = tokio::task::JoinSet::new();
        for p in 0..cfg.producers {
            let (tx, items) = (tx.clone(), items(cfg, p));
            set.spawn(async move {
                for item in items {
                    tx.send(item).await.unwrap();
                }
            });
        }
        drop(tx);
        if cfg.consumers == 1 {
            // The one consumer owns the receiver.
            set.spawn(async move {
                while let Some(item) = rx.recv().await {
                    black_box(item);
                }
            });
            set.join_all().await;
            return;
        }
        // mpsc's receiver cannot be cloned: several consumers share it behind a lock.
        let rx = Arc::new(tokio::sync::Mutex::new(rx));
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
        let (tx, items) = (tx.clone(), items(cfg, p));
        tasks.push(spawn(Box::pin(async move {
            for item in items {
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
            let (tx, items) = (tx.clone(), items(cfg, p));
            handles.push(spawn(Box::pin(async move {
                for item in items {
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
            let (tx, items) = (tx.clone(), items(cfg, p));
            s.spawn(move || {
                for item in items {
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
