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
        let producers = [(0, 5, 2), (1, 7, 1)].map(|(p, value, depth)| {
            let tally = tally.clone();
            thread::spawn(move || {
                let mut book = tally.producer(p);
                book.item(value);
                book.about_to_send(false);
                book.after_send(|| depth);
            })
        });
        let consumers = [(0, items[1]), (1, items[0])].map(|(c, item)| {
            let tally = tally.clone();
            thread::spawn(move || tally.consumer(c).received(&item))
        });
        producers.into_iter().chain(consumers).for_each(|h| h.join().unwrap());
        let m = tally.finish(Duration::from_millis(1));
        assert_eq!((m.produced, m.consumed, m.duplicates, m.missing), (2, 2, 0, 0));
        assert_eq!(m.max_depth, 2, "the deepest sample survives every interleaving");
        assert!(m.sums_match);
    });
}
