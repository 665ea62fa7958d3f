//! queue on tokio: producers and consumers over `tokio::sync::mpsc::channel(K)`.
//!
//! tokio's bounded channel is multi-producer, *single*-consumer: the `Receiver`
//! cannot be cloned. Several consumers therefore share it behind a
//! `tokio::sync::Mutex`; each holds the lock only while awaiting one `recv`, so
//! consumers still process items concurrently. (async-channel, used by smol,
//! is multi-consumer and needs no lock.)
//!
//! Run it: `cargo run -p demos-tokio -- queue --capacity 2`

use std::sync::Arc;
use std::time::Instant;

use demos_core::scenario::queue::{Item, QueueTally};
use demos_core::{Env, Observed, Queue, QueueConfig, QueueMetrics};
use tokio::sync::Mutex;
use tokio::sync::mpsc;
use tokio::task::JoinSet;
use tokio::time::sleep;

impl Queue for crate::Tokio {
    fn queue(&self, cfg: &QueueConfig, env: &Env) -> Observed<QueueMetrics> {
        let started = Instant::now();
        let (rt, flavor) = crate::runtime(env);
        let tally = Arc::new(QueueTally::new(cfg, env));
        rt.block_on(async {
            let (tx, rx) = mpsc::channel::<Item>(cfg.capacity);
            let rx = Arc::new(Mutex::new(rx));
            let mut set = JoinSet::new();
            for p in 0..cfg.producers {
                set.spawn(produce(p, cfg.clone(), env.seed, tx.clone(), tally.clone()));
            }
            drop(tx); // the channel closes when the last producer's sender drops
            for c in 0..cfg.consumers {
                set.spawn(consume(c, cfg.clone(), env.seed, rx.clone(), tally.clone()));
            }
            set.join_all().await;
        });
        Observed::new(flavor, started.elapsed(), tally.finish(started.elapsed())).with_spans(tally.spans())
    }
}

async fn produce(p: usize, cfg: QueueConfig, seed: u64, tx: mpsc::Sender<Item>, tally: Arc<QueueTally>) {
    let mut pacing = cfg.producer_pacing(seed, p);
    let mut book = tally.producer(p);
    for seq in 0..cfg.items {
        if cfg.stop_requested() {
            break; // Ctrl-C: stop producing; consumers drain what was sent
        }
        if let Some(io) = pacing.delay() {
            let start = Instant::now();
            sleep(io).await; // simulated I/O before the item is ready
            book.did_io(start);
        }
        let item = book.item(seq, pacing.value());
        // A peek, not a second attempt: a full queue means this send will wait.
        book.sending(tx.capacity() == 0);
        tx.send(item).await.expect("consumers outlive producers"); // backpressure: parks while the queue is full
        book.sent(|| tx.max_capacity() - tx.capacity()); // the channel's own count, just after our send
    }
}

async fn consume(
    c: usize,
    cfg: QueueConfig,
    seed: u64,
    rx: Arc<Mutex<mpsc::Receiver<Item>>>,
    tally: Arc<QueueTally>,
) {
    let mut pacing = cfg.consumer_pacing(seed, c);
    let mut book = tally.consumer(c);
    loop {
        let next = rx.lock().await.recv().await; // the lock is held for one recv, released before processing
        let Some(item) = next else { break }; // closed and drained: done
        book.took(&item);
        if let Some(work) = pacing.delay() {
            let start = Instant::now();
            sleep(work).await; // simulated processing
            book.processed(start);
        }
    }
}
