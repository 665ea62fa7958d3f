//! queue on plain threads: one OS thread per producer and per consumer, over
//! `crossbeam_channel::bounded(K)`.
//!
// claim: C-crossbeam-send-parks
//! A blocking `send` parks the producer's whole OS thread until a slot frees;
//! a blocking `recv` parks a consumer's. That is why each role gets a thread of
//! its own: on a pool smaller than producers + consumers, blocked producers
//! could occupy every thread while the consumers that would free them wait
//! for one — a deadlock. So `--threads` does not apply here; the report names
// claim: C-crossbeam-mpmc-disconnect
//! the thread count that ran. crossbeam's channel is multi-consumer: each
//! consumer holds a clone of the `Receiver`.
//!
//! Run it: `cargo run -p demos-std-threads -- queue --capacity 2`

use std::thread;
use std::time::Instant;

use crossbeam_channel::{Receiver, Sender, TrySendError, bounded};
use demos_core::interrupt;
use demos_core::scenario::queue::{Item, Pacing, QueueTally};
use demos_core::{Env, Observed, Queue, QueueConfig, QueueMetrics};

impl Queue for crate::StdThreads {
    fn queue(&self, cfg: &QueueConfig, env: &Env) -> Observed<QueueMetrics> {
        let started = Instant::now();
        let tally = QueueTally::new(cfg, env);
        let (tx, rx) = bounded::<Item>(cfg.capacity);
        thread::scope(|scope| {
            for p in 0..cfg.producers {
                let (tx, tally) = (tx.clone(), &tally);
                spawn_named(scope, format!("producer-{p}"), move || {
                    produce(p, cfg.producer_pacing(env.seed, p), tx, tally)
                });
            }
            drop(tx); // the channel disconnects when the last producer's sender drops
            for c in 0..cfg.consumers {
                let (rx, tally) = (rx.clone(), &tally);
                spawn_named(scope, format!("consumer-{c}"), move || {
                    consume(c, cfg.consumer_pacing(env.seed, c), rx, tally)
                });
            }
        });
        let flavor = format!(
            "std::thread::scope, {} OS threads (one per producer and consumer)",
            cfg.producers + cfg.consumers
        );
        Observed::new(flavor, started.elapsed(), tally.finish(started.elapsed())).with_spans(tally.spans())
    }
}

fn spawn_named<'scope>(
    scope: &'scope thread::Scope<'scope, '_>,
    name: String,
    job: impl FnOnce() + Send + 'scope,
) {
    thread::Builder::new().name(name).spawn_scoped(scope, job).expect("the OS can start a thread");
}

fn produce(p: usize, mut pacing: Pacing, tx: Sender<Item>, tally: &QueueTally) {
    let mut book = tally.producer(p);
    while book.has_item_to_make() {
        if let Some(io) = pacing.delay() {
            let start = Instant::now();
            interrupt::sleep(io); // simulated I/O before the item is ready
            book.io_finished(start);
        }
        let item = book.item(pacing.value());
        // Try first: an item that finds room goes in at once; one that finds the
        // queue full counts as a wait, then blocks this thread until a slot frees.
        // ANCHOR: send
        match tx.try_send(item) {
            Ok(()) => book.about_to_send(false),
            Err(TrySendError::Full(item)) => {
                book.about_to_send(true);
                tx.send(item).expect("consumers outlive producers"); // backpressure
            }
            Err(TrySendError::Disconnected(_)) => panic!("consumers outlive producers"),
        }
        // ANCHOR_END: send
        book.after_send(); // counted once the send returned: the depth samples count from here
    }
}

fn consume(c: usize, mut pacing: Pacing, rx: Receiver<Item>, tally: &QueueTally) {
    let mut book = tally.consumer(c);
    loop {
        book.about_to_receive(); // counted before the recv begins (see QueueTally: the depth)
        let Ok(item) = rx.recv() else { break }; // disconnected and drained: done
        book.received(&item);
        if let Some(work) = pacing.delay() {
            let start = Instant::now();
            interrupt::sleep(work); // simulated processing
            book.processing_finished(start);
        }
    }
}
