//! Unit tests of the queue's bookkeeping.

use std::time::Instant;

use super::*;

fn tally(producers: usize, items: usize) -> QueueTally {
    let cfg = QueueConfig { producers, consumers: 2, capacity: 2, items, delay_ms: 0 };
    QueueTally::new(&cfg, &Env::quiet(1, 0).recording())
}

#[test]
fn books_count_only_when_dropped_and_then_balance() {
    let tally = tally(1, 3);
    let mut producer = tally.producer(0);
    let mut items = Vec::new();
    while producer.has_item_to_make() {
        items.push(producer.item(10 + items.len() as u64));
    }
    let ids: Vec<usize> = items.iter().map(|item| item.id).collect();
    assert_eq!(ids, [0, 1, 2], "a producer makes its share, numbered in order, then stops");
    let mut consumer = tally.consumer(0);
    items.iter().for_each(|item| consumer.received(item));
    let early = tally.finish(Duration::from_secs(1));
    assert_eq!((early.produced, early.consumed), (0, 0), "totals and a partial batch of marks wait");
    drop(consumer);
    let half = tally.finish(Duration::from_secs(1));
    assert_eq!(half.consumed, 3, "the consumer's marks are in");
    assert!(!half.sums_match, "only the consumer's sum is in");
    drop(producer);
    let m = tally.finish(Duration::from_secs(1));
    assert_eq!((m.produced, m.consumed, m.duplicates, m.missing), (3, 3, 0, 0));
    assert!(m.sums_match);
}

#[test]
fn a_second_delivery_is_a_duplicate_and_an_undelivered_item_is_missing() {
    let tally = tally(1, 3);
    let mut producer = tally.producer(0);
    let items: Vec<Item> = [10, 20, 30].map(|value| producer.item(value)).to_vec();
    drop(producer);
    // Two consumers, on two threads, both take item 1; nobody takes item 2.
    std::thread::scope(|s| {
        for taken in [[0, 1], [1, 1]] {
            let tally = &tally;
            let items = &items;
            s.spawn(move || {
                let mut book = tally.consumer(taken[0]);
                book.received(&items[taken[1]]);
                if taken[0] == 0 {
                    book.received(&items[0]);
                }
            });
        }
    });
    let m = tally.finish(Duration::from_secs(1));
    assert_eq!((m.produced, m.consumed, m.duplicates, m.missing), (3, 3, 1, 1));
    assert!(!m.sums_match, "item 1 counted twice, item 2 not at all: {m:?}");
}

#[test]
fn a_stretch_of_full_sends_is_one_timed_wait_per_send_counted() {
    let tally = tally(1, 4);
    let mut book = tally.producer(0);
    let before = Instant::now();
    for full in [true, true, true] {
        book.about_to_send(full);
    }
    std::thread::sleep(Duration::from_millis(3)); // the wait being timed
    book.about_to_send(false); // room again: the stretch ends here
    let after = Instant::now();
    drop(book);
    let m = tally.finish(Duration::from_secs(1));
    assert_eq!(m.producer_waits, 3);
    assert!(m.producer_wait_ms >= 3.0, "{m:?}");
    assert!(m.producer_wait_ms <= after.duration_since(before).as_secs_f64() * 1e3, "{m:?}");
    let spans = tally.spans();
    assert_eq!(spans.len(), 1, "one span per stretch: {spans:?}");
    assert_eq!((spans[0].task.as_str(), spans[0].label.as_str()), ("producer 0", "waits: queue full"));
}

#[test]
fn io_and_the_producers_end_close_a_stretch() {
    let tally = tally(1, 4);
    let mut book = tally.producer(0);
    book.about_to_send(true);
    let io = Instant::now();
    book.io_finished(io); // the I/O that followed the full send
    book.about_to_send(true);
    drop(book); // stops while waiting: the stretch still counts
    let m = tally.finish(Duration::from_secs(1));
    assert_eq!(m.producer_waits, 2);
    let spans = tally.spans();
    let labels: Vec<&str> = spans.iter().map(|s| s.label.as_str()).collect();
    assert_eq!(labels.iter().filter(|l| **l == "waits: queue full").count(), 2, "{labels:?}");
    assert!(labels.contains(&"I/O"), "{labels:?}");
}

/// The producer of `book` makes and sends one item that finds room.
fn send(book: &mut ProducerBook<'_>) {
    book.item(1);
    book.about_to_send(false);
    book.after_send();
}

#[test]
fn depth_is_items_sent_minus_receives_begun() {
    let tally = tally(1, 4); // capacity 2
    let (mut producer, mut consumer) = (tally.producer(0), tally.consumer(0));
    send(&mut producer);
    send(&mut producer);
    consumer.about_to_receive(); // counted as taken from here: it may take one at any moment
    send(&mut producer);
    (0..3).for_each(|_| consumer.about_to_receive()); // the last waits on an empty queue
    send(&mut producer); // 4 sent, 4 receives begun: 0, not -1
    drop((producer, consumer));
    assert_eq!(tally.finish(Duration::from_secs(1)).max_depth, 2);
}

#[test]
fn a_depth_above_capacity_is_reported_as_counted() {
    // Three sends into a capacity-2 channel with no receive begun: the books
    // report 3 and leave the judging to the check.
    let tally = tally(1, 3);
    let mut producer = tally.producer(0);
    (0..3).for_each(|_| send(&mut producer));
    drop(producer);
    assert_eq!(tally.finish(Duration::from_secs(1)).max_depth, 3);
}

#[test]
fn depth_is_sampled_after_each_of_the_first_64_sends_then_every_64th() {
    let tally = tally(1, 200);
    let (mut producer, mut consumer) = (tally.producer(0), tally.consumer(0));
    for seq in 1..=200 {
        send(&mut producer);
        // Keep one queued, except during sends 65-127, which pile up and drain
        // again before the 128th: no sample falls there.
        if !(65..100).contains(&seq) {
            consumer.about_to_receive();
        }
        if seq == 120 {
            (0..35).for_each(|_| consumer.about_to_receive());
        }
    }
    drop((producer, consumer));
    assert_eq!(tally.finish(Duration::from_secs(1)).max_depth, 1);
}

/// `stretches` stretches of waits through one producer's book, in a tally
/// with the timeline on or off; the metrics after.
fn stretches(stretches: u64, recording: bool) -> QueueMetrics {
    let cfg = QueueConfig { producers: 1, consumers: 1, capacity: 1, items: 1, delay_ms: 0 };
    let env = Env::quiet(1, 0);
    let tally = QueueTally::new(&cfg, &if recording { env.recording() } else { env });
    let mut book = tally.producer(0);
    for _ in 0..stretches {
        book.about_to_send(true);
        book.about_to_send(false);
    }
    drop(book);
    tally.finish(Duration::from_secs(1))
}

#[test]
fn a_long_quiet_run_times_a_sample_of_its_stretches_and_says_so() {
    let m = stretches(4_000, false);
    assert_eq!((m.producer_waits, m.wait_stretches), (4_000, 4_000));
    let later = m.wait_stretches_timed - STRETCHES_ALL_TIMED;
    let expected = (4_000 - STRETCHES_ALL_TIMED) / STRETCH_SAMPLE;
    assert!(later > expected / 2 && later < expected * 2, "{m:?}");
    let figures = QueueScenario::figures(&QueueConfig::default(), &m);
    let waits = &figures.iter().find(|(name, _)| name == "producer waits").expect("a waits figure").1;
    let said = format!("(estimated: {} of 4000 stretches timed)", m.wait_stretches_timed);
    assert!(waits.ends_with(&said), "{waits}");
}

#[test]
fn a_short_run_or_a_shown_one_times_every_stretch() {
    for m in [stretches(STRETCHES_ALL_TIMED, false), stretches(1_000, true)] {
        assert_eq!(m.wait_stretches_timed, m.wait_stretches, "{m:?}");
        let figures = QueueScenario::figures(&QueueConfig::default(), &m);
        assert!(figures.iter().all(|(_, value)| !value.contains("estimated")), "{figures:?}");
    }
}
