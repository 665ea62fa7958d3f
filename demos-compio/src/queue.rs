//! queue on compio: producers and consumers placed round-robin over the cores,
//! over one `flume::bounded(K)` channel.
//!
// claim: C-flume-mpmc
//! compio has no channel of its own for tasks; a queue that crosses cores
//! needs one that is `Send` and whose waker reaches another thread's runtime.
//! flume is multi-producer *and* multi-consumer (each consumer holds a clone of
//! the `Receiver`), bounded, async on both ends (`send_async`, `recv_async`),
//! and already in the build: compio's driver depends on it. The channel closes
//! when the last `Sender` drops, and `recv_async` then fails once drained.
//!
//! Run it: `cargo run -p demos-compio -- queue --capacity 2`

use std::sync::Arc;
use std::time::Instant;

use compio::time::sleep;
use demos_core::interrupt::stoppable;
use demos_core::scenario::queue::{Item, Pacing, QueueScenario, QueueTally};
use demos_core::{Env, Observed, Queue, QueueConfig, QueueMetrics};
use flume::{Receiver, Sender, TrySendError};

use ::futures::future::{join, join_all};

impl Queue for crate::Compio {
    fn queue(&self, cfg: &QueueConfig, env: &Env) -> Observed<QueueMetrics> {
        self.observe_recorded::<QueueScenario, _>(cfg, env, " + flume", |ex| async move {
            let tally = Arc::new(QueueTally::new(cfg, env));
            let started = Instant::now();
            let (tx, rx) = flume::bounded::<Item>(cfg.capacity);
            let producers: Vec<_> = (0..cfg.producers)
                .map(|p| {
                    let (pacing, tx, tally) = (cfg.producer_pacing(env.seed, p), tx.clone(), tally.clone());
                    ex.place(move || produce(p, pacing, tx, tally))
                })
                .collect();
            drop(tx); // the channel closes when the last producer's sender drops
            let consumers: Vec<_> = (0..cfg.consumers)
                .map(|c| {
                    let (pacing, rx, tally) = (cfg.consumer_pacing(env.seed, c), rx.clone(), tally.clone());
                    ex.place(move || consume(c, pacing, rx, tally))
                })
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
            stoppable(sleep(io), sleep).await; // simulated I/O before the item is ready
            book.io_finished(start);
        }
        let item = book.item(pacing.value());
        // Try first: an item that finds room goes in at once; one that finds the
        // queue full counts as a wait, then parks this task until a slot frees.
        match tx.try_send(item) {
            Ok(()) => book.about_to_send(false),
            Err(TrySendError::Full(item)) => {
                book.about_to_send(true);
                tx.send_async(item).await.expect("consumers outlive producers"); // backpressure
            }
            Err(TrySendError::Disconnected(_)) => panic!("consumers outlive producers"),
        }
        book.after_send(); // counted once the send returned: the depth samples count from here
    }
}

async fn consume(c: usize, mut pacing: Pacing, rx: Receiver<Item>, tally: Arc<QueueTally>) {
    let mut book = tally.consumer(c);
    loop {
        book.about_to_receive(); // counted before the recv begins (see QueueTally: the depth)
        // ANCHOR: recv
        let Ok(item) = rx.recv_async().await else { break }; // closed and drained: done
        // ANCHOR_END: recv
        book.received(&item);
        if let Some(work) = pacing.delay() {
            let start = Instant::now();
            stoppable(sleep(work), sleep).await; // simulated processing
            book.processing_finished(start);
        }
    }
}
