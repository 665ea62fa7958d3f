//! The queue's bookkeeping: what proves a run correct (each item consumed
//! exactly once, the depth never above capacity, the values summed on both
//! sides), built to cost as little as it can on the hot path of a throughput
//! run. How each choice was measured is in PERFORMANCE.md (harness overhead).

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

use super::{Item, QueueConfig, QueueMetrics};
use crate::timeline::{Recorder, Span};
use crate::{Env, Log};

/// Once a producer has seen the queue at capacity, it samples the depth on
/// every this-many-th send instead of every send (see [`ProducerBook::after_send`]).
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
/// [`about_to_send`](Self::about_to_send)) and lasts while every following send finds it full
/// too; it ends at the next send that finds room, at the start of the
/// producer's simulated I/O, or when the producer stops. So the clock is read
/// twice per stretch, not per item — at delay 0 most sends wait, back to back,
/// and a clock read costs as much as the bookkeeping of several items.
///
/// The book is two pointers wide, its counts boxed: an async producer holds it
/// across every `send().await`, so its size adds to the task's (PERFORMANCE.md,
/// harness overhead, has the measurements).
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
    pub fn io_finished(&mut self, start: Instant) {
        self.stretch_ends(start); // the I/O began after the last send
        self.tally.recorder.record(format_args!("producer {}", self.n.producer), "I/O", start);
    }

    /// Whether this producer has an item left to make: fewer made than its
    /// share, and Ctrl-C not pressed (then it stops; consumers drain what was sent).
    pub fn has_item_to_make(&self) -> bool {
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
    pub fn about_to_send(&mut self, full: bool) {
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
    pub fn after_send(&mut self, depth: impl FnOnce() -> usize) {
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
/// plain byte increments: two consumers taking turns at one channel take
/// neighbouring ids, and marking each at once bounces their cache line between
/// cores (PERFORMANCE.md, harness overhead, has the measurements).
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
    pub fn received(&mut self, item: &Item) {
        self.n.sum = self.n.sum.wrapping_add(item.value);
        self.n.taken.push(item.id);
        if self.n.taken.len() == MARK_BATCH {
            self.mark();
        }
    }

    /// The consumer finished processing an item, begun at `start`.
    pub fn processing_finished(&self, start: Instant) {
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
