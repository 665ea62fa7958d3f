//! queue: P producers put seeded random integers into a bounded channel of
//! capacity K; C consumers take them out. When producers outpace consumers the
//! channel fills and a producer's `send` waits — backpressure, which keeps memory
//! bounded instead of letting the queue grow without limit.
//!
//! Every runtime uses its own channel; the bookkeeping that proves the run
//! correct (each item consumed exactly once, the depth never above K, the values
//! summed on both sides) is [`QueueTally`], shared so every runtime is judged
//! by the same rules.

// std's atomics and lock, or loom's under `--cfg loom`, where the bookkeeping is model-checked.
#[cfg(loom)]
use loom::sync::{
    Mutex, MutexGuard,
    atomic::{AtomicU64, AtomicUsize, Ordering},
};
use std::sync::PoisonError;
#[cfg(not(loom))]
use std::sync::{
    Mutex, MutexGuard,
    atomic::{AtomicU64, AtomicUsize, Ordering},
};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::scenario::{RunShape, count, size};
use crate::timeline::{Recorder, Span};
use crate::{Check, Env, Log, Observed, Runtime, Scenario};

/// Most items one run may move in all (producers × items), so bookkeeping
/// (one byte per item) stays under 100 MB.
pub const MAX_TOTAL_ITEMS: u64 = 100_000_000;

/// Configuration of the queue scenario.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, clap::Args)]
pub struct QueueConfig {
    /// Producer tasks.
    #[arg(long, default_value_t = 3, value_parser = size::<1, 64>, allow_negative_numbers = true)]
    pub producers: usize,
    /// Consumer tasks.
    #[arg(long, default_value_t = 2, value_parser = size::<1, 64>, allow_negative_numbers = true)]
    pub consumers: usize,
    /// Channel capacity: a producer waits when this many items are queued.
    #[arg(long, default_value_t = 5, value_parser = size::<1, 100_000>, allow_negative_numbers = true)]
    pub capacity: usize,
    /// Items each producer puts.
    #[arg(long, default_value_t = 10, value_parser = size::<1, 100_000_000>, allow_negative_numbers = true)]
    pub items: usize,
    /// Largest simulated I/O (producer) and processing (consumer) delay per item,
    /// in ms; each delay is drawn uniformly from 0..=delay-ms. 0 turns delays off.
    #[arg(long, default_value_t = 50, value_parser = count::<0, 10_000>, allow_negative_numbers = true)]
    pub delay_ms: u64,
}

impl Default for QueueConfig {
    fn default() -> Self {
        Self { producers: 3, consumers: 2, capacity: 5, items: 10, delay_ms: 50 }
    }
}

impl QueueConfig {
    /// Items the run moves in all.
    pub fn total_items(&self) -> usize {
        self.producers * self.items
    }

    /// The seeded delays and values of producer `p`.
    pub fn producer_pacing(&self, seed: u64, p: usize) -> Pacing {
        Pacing::new(seed, 2 * p as u64, self.delay_ms)
    }

    /// The seeded delays of consumer `c`.
    pub fn consumer_pacing(&self, seed: u64, c: usize) -> Pacing {
        Pacing::new(seed, 2 * c as u64 + 1, self.delay_ms)
    }
}

/// A seeded source of one role's delays and values.
#[derive(Debug)]
pub struct Pacing {
    rng: fastrand::Rng,
    max_delay_ms: u64,
}

impl Pacing {
    fn new(seed: u64, stream: u64, max_delay_ms: u64) -> Self {
        let mixed = seed ^ stream.wrapping_mul(0x9E37_79B9_7F4A_7C15);
        Self { rng: fastrand::Rng::with_seed(mixed), max_delay_ms }
    }

    /// The next simulated delay, or `None` when delays are off (so throughput
    /// runs never touch a timer).
    pub fn delay(&mut self) -> Option<Duration> {
        (self.max_delay_ms > 0).then(|| Duration::from_millis(self.rng.u64(0..=self.max_delay_ms)))
    }

    /// The next produced value.
    pub fn value(&mut self) -> u64 {
        self.rng.u64(..u32::MAX as u64)
    }
}

/// One item on the queue. `id` is `producer * items + seq`, unique in the run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Item {
    /// Unique id, indexes the exactly-once bookkeeping.
    pub id: usize,
    /// The producer that made it.
    pub producer: usize,
    /// The payload.
    pub value: u64,
}

/// Once a producer has seen the queue at capacity, it samples the depth on
/// every this-many-th send instead of every send (see [`ProducerBook::sent`]).
pub const DEPTH_SAMPLE_EVERY: u64 = 64;

/// How many item ids a consumer collects before marking them delivered
/// (32 KiB of ids per consumer).
const MARK_BATCH: usize = 4096;

/// One producer's totals, added once, when its [`ProducerBook`] is dropped.
#[derive(Debug, Default)]
struct ProducerSlot {
    produced: AtomicU64,
    sum: AtomicU64,
    waits: AtomicU64,
    wait_nanos: AtomicU64,
}

/// Thread-safe accounting of one queue run, shared by producers and consumers.
///
/// It is on the hot path of a throughput run, so it is built not to slow down
/// what it measures (see the harness benchmark): each producer and consumer
/// counts in a book of its own ([`QueueTally::producer`], [`QueueTally::consumer`])
/// and adds its totals here once, at its end; per item, only the exactly-once
/// mark is shared, and log lines are formatted only when the log is on.
#[derive(Debug)]
pub struct QueueTally {
    capacity: usize,
    items: usize,
    log: Log,
    recorder: Recorder,
    /// Deliveries per item id (saturating at 255), written a batch at a time.
    seen: Mutex<Vec<u8>>,
    producers: Vec<ProducerSlot>,
    consumed_sum: AtomicU64,
    max_depth: AtomicUsize,
}

impl QueueTally {
    /// Accounting for a run of `cfg` in `env`: notable events go to its log,
    /// and, with the timeline on, each wait, I/O and processing step is recorded.
    pub fn new(cfg: &QueueConfig, env: &Env) -> Self {
        Self {
            capacity: cfg.capacity,
            items: cfg.items,
            log: env.log.clone(),
            recorder: env.recorder(),
            seen: Mutex::new(vec![0; cfg.total_items()]),
            producers: (0..cfg.producers).map(|_| ProducerSlot::default()).collect(),
            consumed_sum: AtomicU64::new(0),
            max_depth: AtomicUsize::new(0),
        }
    }

    /// Make producer `p`'s item number `seq` with `value`.
    pub fn item(&self, producer: usize, seq: usize, value: u64) -> Item {
        Item { id: producer * self.items + seq, producer, value }
    }

    /// The book producer `p` keeps while it runs; its totals count when it is dropped.
    pub fn producer(&self, producer: usize) -> ProducerBook<'_> {
        let counts = ProducerCounts {
            producer,
            produced: 0,
            sum: 0,
            waits: 0,
            waited: Duration::ZERO,
            deepest: 0,
            waiting_since: None,
        };
        ProducerBook { tally: self, n: Box::new(counts) }
    }

    /// The book consumer `c` keeps while it runs; its totals count when it is dropped.
    pub fn consumer(&self, consumer: usize) -> ConsumerBook<'_> {
        let counts = ConsumerCounts { consumer, sum: 0, taken: Vec::with_capacity(MARK_BATCH) };
        ConsumerBook { tally: self, n: Box::new(counts) }
    }

    /// A depth sampled by a producer just after its send, above that producer's
    /// own deepest sample so far.
    fn observe_depth(&self, depth: usize) {
        let before = self.max_depth.fetch_max(depth, Ordering::Relaxed);
        if depth > before && self.log.enabled() {
            self.log.line(format!("queue depth reaches {depth}/{} (new high)", self.capacity));
        }
    }

    /// The recorded steps (empty with the timeline off).
    pub fn spans(&self) -> Vec<Span> {
        self.recorder.take()
    }

    /// The delivery counts. A consumer that panicked while marking left whole
    /// counts behind (each is one byte store), so a poisoned lock is still read.
    fn seen(&self) -> MutexGuard<'_, Vec<u8>> {
        self.seen.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The run's metrics, given its wall time.
    pub fn finish(&self, elapsed: Duration) -> QueueMetrics {
        let (mut consumed, mut duplicates, mut missing) = (0u64, 0u64, 0u64);
        let seen = self.seen();
        for (p, slot) in self.producers.iter().enumerate() {
            // Producer p sends its items in order, so after a stop it sent exactly
            // the first `produced` of them: only those must arrive, each once.
            let sent = slot.produced.load(Ordering::Relaxed) as usize;
            for id in p * self.items..p * self.items + self.items {
                let n = u64::from(seen[id]);
                consumed += n;
                duplicates += n.saturating_sub(1);
                missing += u64::from(n == 0 && id - p * self.items < sent);
            }
        }
        let secs = elapsed.as_secs_f64();
        let total = |f: fn(&ProducerSlot) -> &AtomicU64| -> u64 {
            self.producers.iter().map(|p| f(p).load(Ordering::Relaxed)).fold(0, u64::wrapping_add)
        };
        let consumed_sum = self.consumed_sum.load(Ordering::Relaxed);
        QueueMetrics {
            produced: total(|p| &p.produced),
            consumed,
            capacity: self.capacity as u64,
            max_depth: self.max_depth.load(Ordering::Relaxed) as u64,
            throughput_per_s: if secs > 0.0 { consumed as f64 / secs } else { 0.0 },
            producer_wait_ms: total(|p| &p.wait_nanos) as f64 / 1e6,
            producer_waits: total(|p| &p.waits),
            duplicates,
            missing,
            sums_match: total(|p| &p.sum) == consumed_sum,
            interrupted: crate::interrupt::requested(),
        }
    }
}

/// One producer's bookkeeping, kept by the producer itself: plain fields,
/// no shared writes per item, added to the [`QueueTally`] when dropped (so also
/// when the producer stops early).
///
/// Waiting is timed per *stretch*: a stretch begins at the first send that
/// finds the queue full (by a peek or a failed `try_send`, see
/// [`sending`](Self::sending)) and lasts while every following send finds it full
/// too; it ends at the next send that finds room, at the start of the
/// producer's simulated I/O, or when the producer stops. So the clock is read
/// twice per stretch, not per item — at delay 0 most sends wait, back to back,
/// and a clock read costs as much as the bookkeeping of several items.
///
/// The book is two pointers wide, its counts boxed: an async producer holds it
/// across every `send().await`, so its size adds to the task's. With the
/// counts inline (and the whole config passed in) tokio's producer task was 456
/// bytes instead of 296, and a delay-0 run ~4% slower (PERFORMANCE.md, harness
/// overhead); padding the bare loop's task by 320 bytes slowed it ~2–3% alike.
#[derive(Debug)]
pub struct ProducerBook<'t> {
    tally: &'t QueueTally,
    n: Box<ProducerCounts>,
}

/// What a [`ProducerBook`] counts.
#[derive(Debug)]
struct ProducerCounts {
    producer: usize,
    produced: u64,
    sum: u64,
    waits: u64,
    waited: Duration,
    deepest: usize,
    /// When the current stretch of waits began, while one is open.
    waiting_since: Option<Instant>,
}

impl ProducerBook<'_> {
    /// The simulated I/O that began at `start` is over.
    pub fn did_io(&mut self, start: Instant) {
        self.stretch_ends(start); // the I/O began after the last send
        self.tally.recorder.record(format_args!("producer {}", self.n.producer), "I/O", start);
    }

    /// Whether this producer has an item left to make: fewer made than its
    /// share, and Ctrl-C not pressed (then it stops; consumers drain what was sent).
    pub fn more(&self) -> bool {
        self.n.produced < self.tally.items as u64 && !crate::interrupt::requested()
    }

    /// Make this producer's next item, with `value`, counted as produced
    /// (before its send, which is the last step that can fail).
    pub fn item(&mut self, value: u64) -> Item {
        let seq = self.n.produced as usize;
        self.n.produced += 1;
        self.n.sum = self.n.sum.wrapping_add(value);
        self.tally.item(self.n.producer, seq, value)
    }

    /// About to send (or, after a `try_send` that found room, just sent);
    /// `full`: the queue had no free slot, so this send waits.
    pub fn sending(&mut self, full: bool) {
        if !full {
            if self.n.waiting_since.is_some() {
                self.stretch_ends(Instant::now());
            }
            return;
        }
        self.n.waits += 1;
        if self.n.waiting_since.is_none() {
            self.n.waiting_since = Some(Instant::now());
        }
        let tally = self.tally;
        if tally.log.enabled() {
            tally.log.line(format!("producer {} waits: queue full {1}/{1}", self.n.producer, tally.capacity));
        }
    }

    /// The channel took the item; `depth` reads the channel's own count of
    /// queued items. That read touches the cache lines every sender and
    /// receiver writes — on a fast channel it costs more than the item itself —
    /// so once this producer has seen the queue at capacity, the count is read
    /// on every [`DEPTH_SAMPLE_EVERY`]th send only.
    pub fn sent(&mut self, depth: impl FnOnce() -> usize) {
        if self.n.deepest >= self.tally.capacity && self.n.produced % DEPTH_SAMPLE_EVERY != 0 {
            return;
        }
        let depth = depth();
        // Only a new high for this producer reaches the shared high-water mark.
        if depth > self.n.deepest {
            self.n.deepest = depth;
            self.tally.observe_depth(depth);
        }
    }

    /// Close the open stretch of waits, if any, at `end`.
    fn stretch_ends(&mut self, end: Instant) {
        let Some(since) = self.n.waiting_since.take() else { return };
        let waited = end.saturating_duration_since(since);
        self.n.waited += waited;
        let tally = self.tally;
        if tally.log.enabled() {
            let ms = waited.as_secs_f64() * 1e3;
            tally.log.line(format!("producer {} resumes after {ms:.1} ms", self.n.producer));
        }
        tally.recorder.record_until(
            format_args!("producer {}", self.n.producer),
            "waits: queue full",
            since,
            end,
        );
    }
}

impl Drop for ProducerBook<'_> {
    fn drop(&mut self) {
        if self.n.waiting_since.is_some() {
            self.stretch_ends(Instant::now());
        }
        let slot = &self.tally.producers[self.n.producer];
        slot.produced.fetch_add(self.n.produced, Ordering::Relaxed);
        slot.sum.fetch_add(self.n.sum, Ordering::Relaxed);
        slot.waits.fetch_add(self.n.waits, Ordering::Relaxed);
        let nanos = u64::try_from(self.n.waited.as_nanos()).unwrap_or(u64::MAX);
        slot.wait_nanos.fetch_add(nanos, Ordering::Relaxed);
    }
}

/// One consumer's bookkeeping, kept by the consumer itself and added to the
/// [`QueueTally`] when dropped.
///
/// Items are marked delivered in batches of 4,096, under the tally's lock, as
/// plain byte increments. Two consumers taking turns at one channel take
/// neighbouring ids: marking each at once with an atomic bounced the cache line
/// holding them between cores on every item, and on a channel whose consumers
/// are its bottleneck (tokio's single receiver) that cost ~5% of throughput;
/// batches of 64 marked atomically still cost ~6% against no marking at all,
/// large batches under a lock ~3% (the harness benchmark's method).
///
/// Like a [`ProducerBook`], it is two pointers wide, its counts boxed, to keep
/// the consumer's task small.
#[derive(Debug)]
pub struct ConsumerBook<'t> {
    tally: &'t QueueTally,
    n: Box<ConsumerCounts>,
}

/// What a [`ConsumerBook`] counts.
#[derive(Debug)]
struct ConsumerCounts {
    consumer: usize,
    sum: u64,
    /// Ids taken but not yet marked.
    taken: Vec<usize>,
}

impl ConsumerBook<'_> {
    /// The consumer took `item` from the channel.
    pub fn took(&mut self, item: &Item) {
        self.n.sum = self.n.sum.wrapping_add(item.value);
        self.n.taken.push(item.id);
        if self.n.taken.len() == MARK_BATCH {
            self.mark();
        }
    }

    /// The consumer finished processing an item, begun at `start`.
    pub fn processed(&self, start: Instant) {
        self.tally.recorder.record(format_args!("consumer {}", self.n.consumer), "processing", start);
    }

    /// Mark every collected id delivered once more, under one lock: plain
    /// byte increments instead of an atomic read-modify-write per item.
    fn mark(&mut self) {
        let mut seen = self.tally.seen();
        for id in self.n.taken.drain(..) {
            seen[id] = seen[id].saturating_add(1);
        }
    }
}

impl Drop for ConsumerBook<'_> {
    fn drop(&mut self) {
        self.mark();
        self.tally.consumed_sum.fetch_add(self.n.sum, Ordering::Relaxed);
    }
}

/// What the queue scenario measured.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QueueMetrics {
    /// Items the channel accepted.
    pub produced: u64,
    /// Items taken out (counting any duplicates).
    pub consumed: u64,
    /// The channel's capacity.
    pub capacity: u64,
    /// Largest queue depth observed, by the channel's own count, sampled after sends.
    pub max_depth: u64,
    /// Items consumed per second of wall time.
    pub throughput_per_s: f64,
    /// Total time producers spent waiting on a full queue, timed per stretch of
    /// sends that found it full (see [`ProducerBook`]).
    pub producer_wait_ms: f64,
    /// How often a producer found the queue full.
    pub producer_waits: u64,
    /// Items taken out more than once (extra deliveries).
    pub duplicates: u64,
    /// Items never taken out.
    pub missing: u64,
    /// Whether the values summed on both sides agree.
    pub sums_match: bool,
    /// Whether Ctrl-C stopped the producers early (then only the items they
    /// sent are expected).
    #[serde(default)]
    pub interrupted: bool,
}

/// The queue scenario, implemented by every runtime.
pub trait Queue {
    /// Run producers and consumers over the runtime's bounded channel.
    fn queue(&self, cfg: &QueueConfig, env: &Env) -> Observed<QueueMetrics>;
}

/// Marker type naming the queue scenario for the CLI and `compare`.
#[derive(Debug)]
pub struct QueueScenario;

impl Scenario for QueueScenario {
    const NAME: &'static str = "queue";
    const ABOUT: &'static str = "producers and consumers over a bounded channel: backpressure";
    type Config = QueueConfig;
    type Metrics = QueueMetrics;

    fn validate(cfg: &QueueConfig) -> Result<(), String> {
        let total = cfg.producers as u64 * cfg.items as u64;
        if total > MAX_TOTAL_ITEMS {
            return Err(format!(
                "--producers {} × --items {} is {total} items; at most {MAX_TOTAL_ITEMS} in all",
                cfg.producers, cfg.items
            ));
        }
        Ok(())
    }

    fn least_duration(cfg: &QueueConfig, _: &RunShape) -> Duration {
        // Each producer waits a seeded 0..=delay before each item, each consumer after
        // each one: on average half the delay, one item after another.
        let items_in_turn = cfg.items.max(cfg.total_items() / cfg.consumers);
        Duration::from_secs_f64(cfg.delay_ms as f64 / 2e3 * items_in_turn as f64)
    }

    fn observe(rt: &dyn Runtime, cfg: &QueueConfig, env: &Env) -> Observed<QueueMetrics> {
        rt.queue(cfg, env)
    }

    fn checks(cfg: &QueueConfig, m: &QueueMetrics) -> Vec<Check> {
        // Interrupted, the producers sent fewer items; every one sent must still arrive once.
        let total = if m.interrupted { m.produced } else { cfg.total_items() as u64 };
        vec![
            Check::new(
                "every item consumed exactly once",
                m.produced == total && m.consumed == total && m.duplicates == 0 && m.missing == 0,
                format!("{}/{total}, {} duplicated, {} missing", m.consumed, m.duplicates, m.missing),
            ),
            Check::new(
                "depth never above capacity",
                m.max_depth <= m.capacity,
                format!("max {} of {}", m.max_depth, m.capacity),
            ),
            Check::new("sum of values consumed == sum produced", m.sums_match, format!("{}", m.sums_match)),
        ]
    }

    fn headline(cfg: &QueueConfig) -> String {
        format!(
            "{} producers × {} items → bounded channel (capacity {}) → {} consumers, delays up to {} ms",
            cfg.producers, cfg.items, cfg.capacity, cfg.consumers, cfg.delay_ms
        )
    }

    fn figures(_: &QueueConfig, m: &QueueMetrics) -> Vec<(String, String)> {
        vec![
            ("produced / consumed".into(), format!("{} / {}", m.produced, m.consumed)),
            ("max depth".into(), format!("{} of capacity {}", m.max_depth, m.capacity)),
            (
                "producer waits".into(),
                format!(
                    "{} times, {} ms in all",
                    m.producer_waits,
                    crate::report::format_ms(m.producer_wait_ms)
                ),
            ),
            ("throughput".into(), format!("{:.0} items/s", m.throughput_per_s)),
        ]
    }

    fn takeaway(cfg: &QueueConfig, m: &QueueMetrics, _: &Env) -> String {
        if m.interrupted {
            return format!(
                "interrupted: the producers stopped after {} of {} items and the consumers drained the queue, \
                 so every item sent was accounted for ({} consumed).",
                m.produced,
                cfg.total_items(),
                m.consumed
            );
        }
        if m.producer_waits > 0 {
            format!(
                "the queue filled to its capacity of {} and producers waited {} times: backpressure \
                 slowed them to the consumers' pace instead of letting the queue grow. Raise \
                 --capacity or --consumers and the waits shrink.",
                cfg.capacity, m.producer_waits
            )
        } else {
            format!(
                "the queue never filled (max depth {} of {}): consumers kept up, so producers never \
                 waited. Lower --capacity or --consumers, or add --producers, to see backpressure.",
                m.max_depth, cfg.capacity
            )
        }
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;

    fn tally(producers: usize, items: usize) -> QueueTally {
        let cfg = QueueConfig { producers, consumers: 1, capacity: 2, items, delay_ms: 0 };
        QueueTally::new(&cfg, &Env::quiet(1, 0).recording())
    }

    #[test]
    fn books_count_only_when_dropped_and_then_balance() {
        let tally = tally(1, 3);
        let mut producer = tally.producer(0);
        let mut items = Vec::new();
        while producer.more() {
            items.push(producer.item(10 + items.len() as u64));
        }
        let ids: Vec<usize> = items.iter().map(|item| item.id).collect();
        assert_eq!(ids, [0, 1, 2], "a producer makes its share, numbered in order, then stops");
        let mut consumer = tally.consumer(0);
        items.iter().for_each(|item| consumer.took(item));
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
                    book.took(&items[taken[1]]);
                    if taken[0] == 0 {
                        book.took(&items[0]);
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
            book.sending(full);
            book.sent(|| 2);
        }
        std::thread::sleep(Duration::from_millis(3)); // the wait being timed
        book.sending(false); // room again: the stretch ends here
        let after = Instant::now();
        book.sent(|| 1);
        drop(book);
        let m = tally.finish(Duration::from_secs(1));
        assert_eq!(m.producer_waits, 3);
        assert!(m.producer_wait_ms >= 3.0, "{m:?}");
        assert!(m.producer_wait_ms <= after.duration_since(before).as_secs_f64() * 1e3, "{m:?}");
        assert_eq!(m.max_depth, 2);
        let spans = tally.spans();
        assert_eq!(spans.len(), 1, "one span per stretch: {spans:?}");
        assert_eq!((spans[0].task.as_str(), spans[0].label.as_str()), ("producer 0", "waits: queue full"));
    }

    #[test]
    fn io_and_the_producers_end_close_a_stretch() {
        let tally = tally(1, 4);
        let mut book = tally.producer(0);
        book.sending(true);
        let io = Instant::now();
        book.did_io(io); // the I/O that followed the full send
        book.sending(true);
        drop(book); // stops while waiting: the stretch still counts
        let m = tally.finish(Duration::from_secs(1));
        assert_eq!(m.producer_waits, 2);
        let spans = tally.spans();
        let labels: Vec<&str> = spans.iter().map(|s| s.label.as_str()).collect();
        assert_eq!(labels.iter().filter(|l| **l == "waits: queue full").count(), 2, "{labels:?}");
        assert!(labels.contains(&"I/O"), "{labels:?}");
    }

    #[test]
    fn depth_is_sampled_every_send_until_capacity_then_every_64th() {
        let tally = tally(1, 200);
        let mut book = tally.producer(0);
        let mut reads = 0;
        for seq in 0..200 {
            book.item(1);
            book.sent(|| {
                reads += 1;
                if seq < 3 { seq } else { 2 } // capacity 2 is reached at the third send
            });
        }
        drop(book);
        // Sends 1-3 read it; then only sends whose count is a multiple of 64 (64, 128, 192).
        assert_eq!(reads, 3 + 3);
        assert_eq!(tally.finish(Duration::from_secs(1)).max_depth, 2);
    }
}
