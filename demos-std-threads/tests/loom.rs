//! Model checking with loom: every interleaving of two threads, within a
//! preemption bound, for the race's three job bodies and the queue's
//! hand-written bookkeeping — the very functions the demos run.
//!
//! ```sh
//! RUSTFLAGS="--cfg loom" CARGO_TARGET_DIR=target/loom \
//!     cargo test -p demos-std-threads --release --test loom
//! ```
#![cfg(loom)]

use std::sync::atomic::{AtomicBool, Ordering::Relaxed};
use std::time::Duration;

use demos_core::scenario::queue::QueueTally;
use demos_core::{Env, QueueConfig};
use demos_std_threads::sync::{AtomicU64, Mutex};
use demos_std_threads::{atomic_step, mutex_step, unsynchronized_step};
use loom::sync::Arc;
use loom::thread;

/// Explore interleavings with at most this many preemptions (keeps CI within minutes).
fn model(body: impl Fn() + Sync + Send + 'static) {
    let mut builder = loom::model::Builder::new();
    builder.preemption_bound = Some(3);
    builder.check(body);
}

/// Run `step` on two threads sharing `counter`.
fn twice<T: Send + Sync + 'static>(counter: &Arc<T>, step: fn(&T)) {
    let handles: Vec<_> = (0..2)
        .map(|_| {
            let counter = counter.clone();
            thread::spawn(move || step(&counter))
        })
        .collect();
    handles.into_iter().for_each(|h| h.join().expect("steps do not panic"));
}

#[test]
fn unsynchronized_loses_an_update_in_some_interleaving_and_never_overcounts() {
    static LOST: AtomicBool = AtomicBool::new(false);
    model(|| {
        let counter = Arc::new(AtomicU64::new(0));
        twice(&counter, |c| {
            unsynchronized_step(c);
        });
        let value = counter.load(Relaxed);
        assert!((1..=2).contains(&value), "a store always lands and none invents an increment: {value}");
        if value < 2 {
            LOST.store(true, Relaxed);
        }
    });
    assert!(LOST.load(Relaxed), "loom found no interleaving losing an update: the race must be reachable");
}

#[test]
fn the_mutex_never_loses_an_update() {
    model(|| {
        let counter = Arc::new(Mutex::new(0u64));
        twice(&counter, mutex_step);
        assert_eq!(*counter.lock().unwrap(), 2);
    });
}

#[test]
fn the_atomic_never_loses_an_update() {
    model(|| {
        let counter = Arc::new(AtomicU64::new(0));
        twice(&counter, atomic_step);
        assert_eq!(counter.load(Relaxed), 2);
    });
}

#[test]
fn queue_bookkeeping_counts_each_item_once_and_keeps_the_deepest_sample() {
    model(|| {
        let cfg = QueueConfig { producers: 2, consumers: 2, capacity: 2, items: 1, delay_ms: 0 };
        let tally = Arc::new(QueueTally::new(&cfg, &Env::quiet(2, 0)));
        let items = [tally.item(0, 0, 5), tally.item(1, 0, 7)];
        // Two producers each count their item and sample a depth; two consumers
        // each take one; every book adds its totals when dropped — concurrently.
        let producers = [(0, 5), (1, 7)].map(|(p, value)| {
            let tally = tally.clone();
            thread::spawn(move || {
                let mut book = tally.producer(p);
                book.item(value);
                book.about_to_send(false);
                book.after_send();
            })
        });
        let consumers = [(0, items[1]), (1, items[0])].map(|(c, item)| {
            let tally = tally.clone();
            thread::spawn(move || tally.consumer(c).received(&item))
        });
        producers.into_iter().chain(consumers).for_each(|h| h.join().unwrap());
        let m = tally.finish(Duration::from_millis(1));
        assert_eq!((m.produced, m.consumed, m.duplicates, m.missing), (2, 2, 0, 0));
        // Each producer sees its own send; whether it sees the other's is up to the interleaving.
        assert!((1..=2).contains(&m.max_depth), "{m:?}");
        assert!(m.sums_match);
    });
}

/// A bounded channel of `capacity` (or one more, `broken`): a queue under a
/// lock, waited on by yielding to loom's scheduler.
struct Channel {
    queue: Mutex<std::collections::VecDeque<u64>>,
    holds: usize,
}

impl Channel {
    fn send(&self, value: u64) {
        loop {
            let mut queue = self.queue.lock().unwrap();
            if queue.len() < self.holds {
                return queue.push_back(value);
            }
            drop(queue);
            thread::yield_now();
        }
    }

    fn recv(&self) -> u64 {
        loop {
            if let Some(value) = self.queue.lock().unwrap().pop_front() {
                return value;
            }
            thread::yield_now();
        }
    }
}

/// One producer sends two items into `channel` while one consumer takes them,
/// each keeping its book as the runtimes do; the deepest depth the books saw.
fn deepest_depth_seen(holds: usize) -> u64 {
    let cfg = QueueConfig { producers: 1, consumers: 1, capacity: 1, items: 2, delay_ms: 0 };
    let tally = Arc::new(QueueTally::new(&cfg, &Env::quiet(2, 0)));
    let channel = Arc::new(Channel { queue: Mutex::new(Default::default()), holds });
    let producer = {
        let (tally, channel) = (tally.clone(), channel.clone());
        thread::spawn(move || {
            let mut book = tally.producer(0);
            while book.has_item_to_make() {
                let item = book.item(1);
                channel.send(item.id as u64);
                book.after_send();
            }
        })
    };
    let mut book = tally.consumer(0);
    for _ in 0..2 {
        book.about_to_receive();
        channel.recv();
    }
    drop(book);
    producer.join().unwrap();
    tally.finish(Duration::from_millis(1)).max_depth
}

#[test]
fn the_depth_the_books_count_never_exceeds_a_correct_channels_capacity() {
    // Sends published with Release after they return, read with Acquire before
    // the receives; receives counted before they begin: in every interleaving
    // (and every value loom lets a load see), a capacity-1 channel is seen at 1 at most.
    model(|| assert!(deepest_depth_seen(1) <= 1));
}

#[test]
fn the_depth_the_books_count_exceeds_capacity_when_the_channel_holds_one_more() {
    static SEEN_ABOVE: AtomicBool = AtomicBool::new(false);
    model(|| {
        if deepest_depth_seen(2) > 1 {
            SEEN_ABOVE.store(true, Relaxed);
        }
    });
    assert!(SEEN_ABOVE.load(Relaxed), "no interleaving showed the broken channel's second item");
}
