//! queue on tokio: producers and consumers over `tokio::sync::mpsc::channel(K)`.
//!
// claim: C-tokio-mpsc-single-consumer
//! tokio's bounded channel is multi-producer, *single*-consumer: the `Receiver`
//! cannot be cloned. With one consumer, that consumer owns it, as a user would
//! write it. Only with several do they share it behind a `tokio::sync::Mutex`
//! (mpsc offers no other way to several consumers); each holds the lock only
//! while awaiting one `recv`, so consumers still process items concurrently.
//! (async-channel, used by smol, is multi-consumer and needs no lock.)
//!
//! Run it: `cargo run -p demos-tokio -- queue --capacity 2`

use std::sync::Arc;
use std::time::Instant;

use demos_core::interrupt::stoppable;
use demos_core::scenario::queue::{Item, Pacing, QueueScenario, QueueTally};
use demos_core::{Env, Observed, Queue, QueueConfig, QueueMetrics};
use tokio::sync::Mutex;
use tokio::sync::mpsc::{self, error::TrySendError};
use tokio::time::sleep;

use ::futures::future::{Either, join, join_all};

impl Queue for crate::Tokio {
    fn queue(&self, cfg: &QueueConfig, env: &Env) -> Observed<QueueMetrics> {
        crate::observe_recorded::<QueueScenario, _>(cfg, env, "", |ex| async move {
            let tally = Arc::new(QueueTally::new(cfg, env));
            let started = Instant::now();
            let (tx, rx) = mpsc::channel::<Item>(cfg.capacity);
            let producers: Vec<_> = (0..cfg.producers)
                .map(|p| ex.spawn(produce(p, cfg.producer_pacing(env.seed, p), tx.clone(), tally.clone())))
                .collect();
            drop(tx); // the channel closes when the last producer's sender drops
            let consumers: Vec<_> = if cfg.consumers == 1 {
                vec![Either::Left(ex.spawn(consume(cfg.consumer_pacing(env.seed, 0), rx, tally.clone())))]
            } else {
                let rx = Arc::new(Mutex::new(rx)); // mpsc's receiver cannot be cloned: several share it
                env.log.line(format!(
                    "{} consumers share mpsc's one Receiver behind a tokio::sync::Mutex, locked for one recv each",
                    cfg.consumers
                ));
                (0..cfg.consumers)
                    .map(|c| {
                        let pacing = cfg.consumer_pacing(env.seed, c);
                        Either::Right(ex.spawn(consume_shared(c, pacing, rx.clone(), tally.clone())))
                    })
                    .collect()
            };
            join(join_all(producers), join_all(consumers)).await;
            (tally.finish(started.elapsed()), tally.spans())
        })
    }
}

async fn produce(p: usize, mut pacing: Pacing, tx: mpsc::Sender<Item>, tally: Arc<QueueTally>) {
    let mut book = tally.producer(p);
    while book.has_item_to_make() {
        if let Some(io) = pacing.delay() {
            let start = Instant::now();
            stoppable(sleep(io), sleep).await; // simulated I/O before the item is ready
            book.io_finished(start);
        }
        let item = book.item(pacing.value());
        // Try first: an item that finds room goes in at once; one that finds the
        // queue full counts as a wait, then parks this task until a slot frees.
        // ANCHOR: send
        match tx.try_send(item) {
            Ok(()) => book.about_to_send(false),
            Err(TrySendError::Full(item)) => {
                book.about_to_send(true);
                tx.send(item).await.expect("consumers outlive producers"); // backpressure
            }
            Err(TrySendError::Closed(_)) => panic!("consumers outlive producers"),
        }
        // ANCHOR_END: send
        book.after_send(); // counted once the send returned: the depth samples count from here
    }
}

/// The only consumer: it owns the receiver.
async fn consume(mut pacing: Pacing, mut rx: mpsc::Receiver<Item>, tally: Arc<QueueTally>) {
    let mut book = tally.consumer(0);
    loop {
        book.about_to_receive(); // counted before the recv begins (see QueueTally: the depth)
        let Some(item) = rx.recv().await else { break }; // closed and drained: done
        book.received(&item);
        if let Some(work) = pacing.delay() {
            let start = Instant::now();
            stoppable(sleep(work), sleep).await; // simulated processing
            book.processing_finished(start);
        }
    }
}

/// One of several consumers: the same loop, through the shared receiver.
async fn consume_shared(
    c: usize,
    mut pacing: Pacing,
    rx: Arc<Mutex<mpsc::Receiver<Item>>>,
    tally: Arc<QueueTally>,
) {
    let mut book = tally.consumer(c);
    loop {
        book.about_to_receive(); // counted before the recv begins (see QueueTally: the depth)
        // ANCHOR: recv
        let next = rx.lock().await.recv().await; // the lock is held for one recv, released before processing
        let Some(item) = next else { break }; // closed and drained: done
        // ANCHOR_END: recv
        book.received(&item);
        if let Some(work) = pacing.delay() {
            let start = Instant::now();
            stoppable(sleep(work), sleep).await; // simulated processing
            book.processing_finished(start);
        }
    }
}
