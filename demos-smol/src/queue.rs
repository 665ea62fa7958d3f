// claim: C-smol-reexports
//! queue on smol: producers and consumers over `async_channel::bounded(K)`
//! (re-exported as `smol::channel`).
//!
// claim: C-async-channel-mpmc
//! async-channel is multi-producer *and* multi-consumer: each consumer holds its
//! own clone of the `Receiver`, no lock needed. The channel closes when the last
//! `Sender` drops, and `recv` then fails once the queue is drained.
//!
//! Run it: `cargo run -p demos-smol -- queue --capacity 2`

use std::sync::Arc;
use std::time::Instant;

use demos_core::interrupt::stoppable;
use demos_core::scenario::queue::{Item, Pacing, QueueScenario, QueueTally};
use demos_core::{Env, Observed, Queue, QueueConfig, QueueMetrics};
use smol::Timer;
use smol::channel::{self, Receiver, Sender, TrySendError};

use ::futures::future::{join, join_all};

impl Queue for crate::Smol {
    fn queue(&self, cfg: &QueueConfig, env: &Env) -> Observed<QueueMetrics> {
        crate::observe_recorded::<QueueScenario, _>(cfg, env, "", |ex| async move {
            let tally = Arc::new(QueueTally::new(cfg, env));
            let started = Instant::now();
            let (tx, rx) = channel::bounded::<Item>(cfg.capacity);
            let producers: Vec<_> = (0..cfg.producers)
                .map(|p| ex.spawn(produce(p, cfg.producer_pacing(env.seed, p), tx.clone(), tally.clone())))
                .collect();
            drop(tx); // the channel closes when the last producer's sender drops
            let consumers: Vec<_> = (0..cfg.consumers)
                .map(|c| ex.spawn(consume(c, cfg.consumer_pacing(env.seed, c), rx.clone(), tally.clone())))
                .collect();
            join(join_all(producers), join_all(consumers)).await;
            (tally.finish(started.elapsed()), tally.spans())
        })
    }
}

async fn produce(p: usize, mut pacing: Pacing, tx: Sender<Item>, tally: Arc<QueueTally>) {
    let mut book = tally.producer(p);
    while book.has_item_to_make() {
        if let Some(io) = pacing.delay() {
            let start = Instant::now();
            stoppable(Timer::after(io), Timer::after).await; // simulated I/O before the item is ready
            book.io_finished(start);
        }
        let item = book.item(pacing.value());
        // Try first: an item that finds room goes in at once; one that finds the
        // queue full counts as a wait, then parks this task until a slot frees.
        match tx.try_send(item) {
            Ok(()) => book.about_to_send(false),
            Err(TrySendError::Full(item)) => {
                book.about_to_send(true);
                tx.send(item).await.expect("consumers outlive producers"); // backpressure
            }
            Err(TrySendError::Closed(_)) => panic!("consumers outlive producers"),
        }
        book.after_send(); // counted once the send returned: the depth samples count from here
    }
}

async fn consume(c: usize, mut pacing: Pacing, rx: Receiver<Item>, tally: Arc<QueueTally>) {
    let mut book = tally.consumer(c);
    loop {
        book.about_to_receive(); // counted before the recv begins (see QueueTally: the depth)
        // ANCHOR: recv
        let Ok(item) = rx.recv().await else { break }; // closed and drained: done
        // ANCHOR_END: recv
        book.received(&item);
        if let Some(work) = pacing.delay() {
            let start = Instant::now();
            stoppable(Timer::after(work), Timer::after).await; // simulated processing
            book.processing_finished(start);
        }
    }
}
