//! The queue's bookkeeping: what proves a run correct (each item consumed
//! exactly once, the depth never above capacity, the values summed on both
//! sides), built to cost as little as it can on the hot path of a throughput
//! run. How each choice was measured is in PERFORMANCE.md (harness overhead).
//!
//! The depth is observed, not read from the channel: a channel's own count of
//! queued items (`len()`) is computed from the same indices that bound it, so
//! it says the capacity holds even where the bound is broken. The books count
//! instead — items whose send has returned, minus receives begun — and a
//! producer samples that difference after its sends (see
//! [`ProducerBook::after_send`]). A channel that let in one item more than its
//! capacity shows as a depth above it; a correct one never does.

// std's atomics and lock, or loom's under `--cfg loom`, where the bookkeeping is model-checked.
#[cfg(loom)]
use loom::sync::{
    Mutex, MutexGuard,
    atomic::{AtomicU64, Ordering},
};
use std::sync::PoisonError;
#[cfg(not(loom))]
use std::sync::{
    Mutex, MutexGuard,
    atomic::{AtomicU64, Ordering},
};
use std::time::{Duration, Instant};

use super::{Item, QueueConfig, QueueMetrics};
use crate::timeline::{Recorder, Span};
use crate::{Env, Log};

/// A producer samples the depth after each of its first this-many sends, then
/// after every this-many-th (see [`ProducerBook::after_send`]).
pub const DEPTH_SAMPLE_EVERY: u64 = 64;

/// A producer times each of its first this-many stretches of waits; after
/// them, one in [`STRETCH_SAMPLE`] (see [`Stretches`]).
pub const STRETCHES_ALL_TIMED: u64 = 64;

/// After its first [`STRETCHES_ALL_TIMED`] stretches, a producer times one
/// stretch in this many, chosen at random, and counts the others at the
/// timed ones' average.
pub const STRETCH_SAMPLE: u64 = 16;

/// How many item ids a consumer collects before marking them delivered
/// (32 KiB of ids per consumer).
const MARK_BATCH: usize = 4096;

/// Now, in nanoseconds on the monotonic clock `Instant` reads (`CLOCK_MONOTONIC`
/// on Linux), as one integer: a stretch of waits is timed by two of these and a
/// subtraction. `Instant`'s own arithmetic (a checked subtraction of seconds and
/// nanoseconds, then a normalised `Duration` added to the total) cost more than
/// the two clock reads together (PERFORMANCE.md, harness overhead).
#[cfg(target_os = "linux")]
#[inline]
fn now_ns() -> u64 {
    use nix::time::{ClockId, clock_gettime};
    // CLOCK_MONOTONIC cannot fail to read; were it ever to, 0 times the stretch as empty.
    clock_gettime(ClockId::CLOCK_MONOTONIC)
        .map_or(0, |t| t.tv_sec() as u64 * 1_000_000_000 + t.tv_nsec() as u64)
}

/// Elsewhere: nanoseconds since the first call in this process, read through `Instant`.
#[cfg(not(target_os = "linux"))]
#[inline]
fn now_ns() -> u64 {
    static BASE: std::sync::OnceLock<Instant> = std::sync::OnceLock::new();
    u64::try_from(BASE.get_or_init(Instant::now).elapsed().as_nanos()).unwrap_or(u64::MAX)
}

/// `at`, an `Instant` in the past, on the [`now_ns`] clock: now less the time since `at`.
fn ns_of(at: Instant) -> u64 {
    let ago = u64::try_from(at.elapsed().as_nanos()).unwrap_or(u64::MAX);
    now_ns().saturating_sub(ago)
}

/// `ns`, a reading of [`now_ns`], as an `Instant` (for the timeline's spans).
fn instant_of(ns: u64) -> Instant {
    let now = Instant::now();
    now.checked_sub(Duration::from_nanos(now_ns().saturating_sub(ns))).unwrap_or(now)
}

/// One producer's totals, added once, when its [`ProducerBook`] is dropped.
#[derive(Debug, Default)]
struct ProducerSlot {
    produced: AtomicU64,
    sum: AtomicU64,
    waits: AtomicU64,
    wait_nanos: AtomicU64,
    stretches: AtomicU64,
    stretches_timed: AtomicU64,
}

/// A count one producer or consumer publishes and the producers' depth samples
/// read, on a cache line of its own: its owner writes it on every item, and
/// sharing a line would make every other owner's writes miss.
#[derive(Debug, Default)]
#[repr(align(128))]
struct Published(AtomicU64);

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
    /// Whether `log` prints: checked before a line is formatted.
    logging: bool,
    recorder: Recorder,
    /// Whether `recorder` records: checked before a stretch's span is built.
    recording: bool,
    /// Deliveries per item id (saturating at 255), written a batch at a time.
    seen: Mutex<Vec<u8>>,
    producers: Vec<ProducerSlot>,
    /// Per producer: its sends that have returned.
    sent: Vec<Published>,
    /// Per consumer: the receives it has begun (counted before each `recv`).
    receives: Vec<Published>,
    consumed_sum: AtomicU64,
    max_depth: AtomicU64,
}

impl QueueTally {
    /// Accounting for a run of `cfg` in `env`: notable events go to its log,
    /// and, with the timeline on, each wait, I/O and processing step is recorded.
    pub fn new(cfg: &QueueConfig, env: &Env) -> Self {
        Self {
            capacity: cfg.capacity,
            items: cfg.items,
            log: env.log.clone(),
            logging: env.log.enabled(),
            recorder: env.recorder(),
            recording: env.timeline,
            seen: Mutex::new(vec![0; cfg.total_items()]),
            producers: (0..cfg.producers).map(|_| ProducerSlot::default()).collect(),
            sent: (0..cfg.producers).map(|_| Published::default()).collect(),
            receives: (0..cfg.consumers).map(|_| Published::default()).collect(),
            consumed_sum: AtomicU64::new(0),
            max_depth: AtomicU64::new(0),
        }
    }

    /// Make producer `p`'s item number `seq` with `value`.
    #[inline]
    pub fn item(&self, producer: usize, seq: usize, value: u64) -> Item {
        Item { id: producer * self.items + seq, producer, value }
    }

    /// The book producer `p` keeps while it runs; its totals count when it is dropped.
    pub fn producer(&self, producer: usize) -> ProducerBook<'_> {
        let counts = ProducerCounts {
            producer,
            items: self.items as u64,
            first_id: producer * self.items,
            sent: &self.sent[producer].0,
            next_sample: 1,
            produced: 0,
            sum: 0,
            waits: 0,
            deepest: 0,
            // Every stretch timed when each is shown (in the log, on the timeline).
            stretches: Stretches::new(producer as u64, self.logging || self.recording),
            born_ns: now_ns(),
        };
        ProducerBook { tally: self, n: Box::new(counts) }
    }

    /// The book consumer `c` keeps while it runs; its totals count when it is dropped.
    pub fn consumer(&self, consumer: usize) -> ConsumerBook<'_> {
        let counts = ConsumerCounts {
            consumer,
            receives_published: &self.receives[consumer].0,
            sum: 0,
            receives: 0,
            taken: Vec::with_capacity(MARK_BATCH),
        };
        ConsumerBook { tally: self, n: Box::new(counts) }
    }

    /// A depth sampled by a producer just after its send, above that producer's
    /// own deepest sample so far.
    fn observe_depth(&self, depth: u64) {
        let before = self.max_depth.fetch_max(depth, Ordering::Relaxed);
        if depth > before && self.logging {
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
            let counts = &seen[p * self.items..(p + 1) * self.items];
            // A throughput run counts millions: first one pass the compiler runs
            // on many bytes at once, for the usual case of every item taken once.
            if counts.iter().fold(0, |odd, &n| odd | (n ^ 1)) == 0 {
                consumed += counts.len() as u64;
                continue;
            }
            for (seq, &n) in counts.iter().enumerate() {
                consumed += u64::from(n);
                duplicates += u64::from(n.saturating_sub(1));
                missing += u64::from(n == 0 && seq < sent);
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
            max_depth: self.max_depth.load(Ordering::Relaxed),
            throughput_per_s: if secs > 0.0 { consumed as f64 / secs } else { 0.0 },
            producer_wait_ms: total(|p| &p.wait_nanos) as f64 / 1e6,
            producer_waits: total(|p| &p.waits),
            wait_stretches: total(|p| &p.stretches),
            wait_stretches_timed: total(|p| &p.stretches_timed),
            duplicates,
            missing,
            sums_match: total(|p| &p.sum) == consumed_sum,
            interrupted: crate::interrupt::requested(),
        }
    }
}

/// One producer's bookkeeping, kept by the producer itself: plain fields,
/// added to the [`QueueTally`] when dropped (so also when the producer stops
/// early). Per item, it writes one shared word: its count of sends, on a cache
/// line of its own, for the depth samples.
///
/// Waiting is timed per *stretch*: a stretch begins at the first send that
/// finds the queue full (by a peek or a failed `try_send`, see
/// [`about_to_send`](Self::about_to_send)) and lasts while every following send finds it full
/// too; it ends at the next send that finds room, at the start of the
/// producer's simulated I/O, or when the producer stops. So the clock is read
/// twice per timed stretch, not per item — at delay 0 most sends wait, back to
/// back, and a clock read costs as much as the bookkeeping of several items;
/// in a long quiet run only a sample of the stretches is timed (see [`Stretches`]).
///
/// The book is two pointers wide, its counts boxed: an async producer holds it
/// across every `send().await`, so its size adds to the task's (PERFORMANCE.md,
/// harness overhead, has the measurements).
#[derive(Debug)]
pub struct ProducerBook<'t> {
    tally: &'t QueueTally,
    n: Box<ProducerCounts<'t>>,
}

/// What a [`ProducerBook`] counts.
#[derive(Debug)]
struct ProducerCounts<'t> {
    producer: usize,
    /// Its share of items.
    items: u64,
    /// The id of its first item (`producer * items`); the next is this plus `produced`.
    first_id: usize,
    /// This producer's published count of sends (in the tally).
    sent: &'t AtomicU64,
    /// The send after which the depth is sampled next.
    next_sample: u64,
    produced: u64,
    sum: u64,
    waits: u64,
    deepest: u64,
    /// The stretches of waits, and the time spent in them.
    stretches: Stretches,
    /// When the book was opened ([`now_ns`]): its waits cannot add up to more than its life.
    born_ns: u64,
}

/// A producer's stretches of waits and the time they took.
///
/// A clock read costs a quarter of what a bare channel loop spends on an item
/// (PERFORMANCE.md, step 17), and at delay 0 a stretch begins every few
/// items. So a producer times each of its first [`STRETCHES_ALL_TIMED`]
/// stretches, and after them one in [`STRETCH_SAMPLE`], picked at random (a
/// fixed pattern could fall in step with the queue's); a stretch not timed
/// reads no clock and counts at the average of the later stretches that were.
/// With the log or the timeline on, every stretch is timed, as each is shown.
/// The estimate is capped at the producer's life (see [`ProducerBook`]'s drop).
#[derive(Debug)]
struct Stretches {
    /// When the open stretch began ([`now_ns`]), if it is timed.
    since: Option<u64>,
    /// Whether a stretch is open (timed or not).
    open: bool,
    /// Time every stretch, not a sample.
    all: bool,
    /// Stretches begun.
    count: u64,
    /// Nanoseconds in the first [`STRETCHES_ALL_TIMED`] stretches, every one timed.
    first_ns: u64,
    /// Later stretches, and those of them timed, with their nanoseconds.
    later: u64,
    later_timed: u64,
    later_ns: u64,
    /// The sample's random source (a 64-bit LCG: one multiply-add per stretch).
    lcg: u64,
}

impl Stretches {
    fn new(seed: u64, all: bool) -> Self {
        let lcg = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
        Self {
            since: None,
            open: false,
            all,
            count: 0,
            first_ns: 0,
            later: 0,
            later_timed: 0,
            later_ns: 0,
            lcg,
        }
    }

    /// A stretch begins; `now` reads when (called only if it is timed). Returns whether it is.
    #[inline]
    fn begin(&mut self, now: impl FnOnce() -> u64) -> bool {
        self.open = true;
        self.count += 1;
        let timed = self.count <= STRETCHES_ALL_TIMED || {
            self.later += 1;
            self.lcg =
                self.lcg.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            // The top bits of an LCG are its most random: one value in STRETCH_SAMPLE.
            self.all || self.lcg >> 32 < (1u64 << 32) / STRETCH_SAMPLE
        };
        if timed {
            self.since = Some(now());
        }
        timed
    }

    /// The open stretch ends; `end` reads when (called only for a timed one).
    /// Returns its start and end, if it was timed.
    #[inline]
    fn end(&mut self, end: impl FnOnce() -> u64) -> Option<(u64, u64)> {
        self.open = false;
        let since = self.since.take()?;
        let end = end();
        let ns = end.saturating_sub(since);
        if self.count <= STRETCHES_ALL_TIMED {
            self.first_ns += ns;
        } else {
            self.later_timed += 1;
            self.later_ns += ns;
        }
        Some((since, end))
    }

    /// The time spent in every stretch: the first ones' sum, and the later
    /// ones counted at the average of those timed.
    fn total_ns(&self) -> u64 {
        let later = match self.later_timed {
            0 => 0,
            timed => (self.later_ns as u128 * self.later as u128 / timed as u128) as u64,
        };
        self.first_ns + later
    }

    /// Stretches timed.
    fn timed(&self) -> u64 {
        self.count.min(STRETCHES_ALL_TIMED) + self.later_timed
    }
}

impl ProducerBook<'_> {
    /// The simulated I/O that began at `start` is over.
    pub fn io_finished(&mut self, start: Instant) {
        if self.n.stretches.open {
            self.stretch_ends(|| ns_of(start)); // the I/O began after the last send
        }
        self.tally.recorder.record(format_args!("producer {}", self.n.producer), "I/O", start);
    }

    /// Whether this producer has an item left to make: fewer made than its
    /// share, and Ctrl-C not pressed (then it stops; consumers drain what was sent).
    #[inline]
    pub fn has_item_to_make(&self) -> bool {
        self.n.produced < self.n.items && !crate::interrupt::requested()
    }

    /// Make this producer's next item, with `value`, counted as produced
    /// (before its send, which is the last step that can fail).
    #[inline]
    pub fn item(&mut self, value: u64) -> Item {
        let id = self.n.first_id + self.n.produced as usize;
        self.n.produced += 1;
        self.n.sum = self.n.sum.wrapping_add(value);
        Item { id, producer: self.n.producer, value }
    }

    /// About to send (or, after a `try_send` that found room, just sent);
    /// `full`: the queue had no free slot, so this send waits.
    ///
    /// Inlined into the producer's loop: a send that finds room, or finds the
    /// queue full in the middle of a stretch, costs a count and a branch or
    /// two, and a stretch's start a clock read; its end and the log are out of line.
    #[inline]
    pub fn about_to_send(&mut self, full: bool) {
        if full {
            self.n.waits += 1;
            if !self.n.stretches.open {
                self.n.stretches.begin(now_ns);
            }
            if self.tally.logging {
                self.wait_told();
            }
        } else if self.n.stretches.open {
            self.stretch_ends(now_ns);
        }
    }

    /// A send found the queue full: said in the log.
    #[cold]
    fn wait_told(&self) {
        let tally = self.tally;
        tally.log.line(format!("producer {} waits: queue full {1}/{1}", self.n.producer, tally.capacity));
    }

    /// The send returned: the channel holds the item or has passed it on.
    ///
    /// Publishes this producer's sends, then, after each of its first
    /// [`DEPTH_SAMPLE_EVERY`] sends and every [`DEPTH_SAMPLE_EVERY`]th one
    /// after, samples the depth: every producer's sends, read first, minus
    /// every consumer's receives begun, read second. With a channel that keeps
    /// its bound, that is never above the capacity: each send counted here
    /// (published with `Release`, read with `Acquire`) happened after the
    /// receives that made room for it, and each of those was counted before it
    /// began (a consumer counts, then calls `recv`), so the receive counts read
    /// next include them. Reading other counts costs cache misses, hence the sampling.
    #[inline]
    pub fn after_send(&mut self) {
        let sent = self.n.produced;
        self.n.sent.store(sent, Ordering::Release);
        if sent == self.n.next_sample {
            self.sample_depth();
        }
    }

    /// Items sent minus receives begun, now; a new high for this producer goes
    /// to the shared high-water mark.
    #[inline(never)]
    fn sample_depth(&mut self) {
        let every = DEPTH_SAMPLE_EVERY;
        self.n.next_sample =
            if self.n.next_sample < every { self.n.next_sample + 1 } else { self.n.next_sample + every };
        let tally = self.tally;
        let sent: u64 = tally.sent.iter().map(|s| s.0.load(Ordering::Acquire)).sum();
        let receives: u64 = tally.receives.iter().map(|r| r.0.load(Ordering::Relaxed)).sum();
        // Negative while consumers wait in `recv` on an empty queue.
        let depth = sent.saturating_sub(receives);
        if depth > self.n.deepest {
            self.n.deepest = depth;
            tally.observe_depth(depth);
        }
    }

    /// Close the open stretch of waits; `end` reads when it ended (a [`now_ns`]
    /// reading), and is called only if the stretch was timed.
    #[inline(never)]
    fn stretch_ends(&mut self, end: impl FnOnce() -> u64) {
        let Some((since, end)) = self.n.stretches.end(end) else { return };
        let tally = self.tally;
        if tally.logging | tally.recording {
            self.stretch_told(since, end);
        }
    }

    /// The closed stretch from `since` to `end`, in the log and on the timeline.
    #[cold]
    fn stretch_told(&self, since: u64, end: u64) {
        let tally = self.tally;
        if tally.logging {
            let ms = end.saturating_sub(since) as f64 / 1e6;
            tally.log.line(format!("producer {} resumes after {ms:.1} ms", self.n.producer));
        }
        if tally.recording {
            tally.recorder.record_until(
                format_args!("producer {}", self.n.producer),
                "waits: queue full",
                instant_of(since),
                instant_of(end),
            );
        }
    }
}

impl Drop for ProducerBook<'_> {
    fn drop(&mut self) {
        if self.n.stretches.open {
            self.stretch_ends(now_ns);
        }
        let slot = &self.tally.producers[self.n.producer];
        let stretches = &self.n.stretches;
        slot.produced.fetch_add(self.n.produced, Ordering::Relaxed);
        slot.sum.fetch_add(self.n.sum, Ordering::Relaxed);
        slot.waits.fetch_add(self.n.waits, Ordering::Relaxed);
        // An estimate from a sample that caught a few long stretches (a producer descheduled
        // while it waited) can add up to more time than the producer lived: capped at that.
        let lived = now_ns().saturating_sub(self.n.born_ns);
        slot.wait_nanos.fetch_add(stretches.total_ns().min(lived), Ordering::Relaxed);
        slot.stretches.fetch_add(stretches.count, Ordering::Relaxed);
        slot.stretches_timed.fetch_add(stretches.timed(), Ordering::Relaxed);
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
    n: Box<ConsumerCounts<'t>>,
}

/// What a [`ConsumerBook`] counts.
#[derive(Debug)]
struct ConsumerCounts<'t> {
    consumer: usize,
    /// This consumer's published count of receives begun (in the tally).
    receives_published: &'t AtomicU64,
    sum: u64,
    /// Receives begun (published for the depth samples).
    receives: u64,
    /// Ids taken but not yet marked.
    taken: Vec<usize>,
}

impl ConsumerBook<'_> {
    /// About to call `recv`: counted before it begins, so a depth sample that
    /// sees an item sent also sees the receive that made room for it.
    #[inline]
    pub fn about_to_receive(&mut self) {
        self.n.receives += 1;
        self.n.receives_published.store(self.n.receives, Ordering::Relaxed);
    }

    /// The consumer took `item` from the channel: a sum and a push, inlined
    /// into the consumer's loop; the marks are out of line.
    #[inline]
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
    #[inline(never)]
    fn mark(&mut self) {
        let mut seen = self.tally.seen();
        for &id in &self.n.taken {
            seen[id] = seen[id].saturating_add(1);
        }
        self.n.taken.clear();
    }
}

impl Drop for ConsumerBook<'_> {
    fn drop(&mut self) {
        self.mark();
        self.tally.consumed_sum.fetch_add(self.n.sum, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod stretch_tests {
    use super::*;

    /// Run `n` stretches of `ns(i)` nanoseconds each through `s`, as the books do.
    fn run(s: &mut Stretches, n: u64, ns: impl Fn(u64) -> u64) -> u64 {
        let mut truth = 0;
        for i in 0..n {
            let timed = s.begin(|| 1_000);
            truth += ns(i);
            let ended = s.end(|| 1_000 + ns(i));
            assert_eq!(ended.is_some(), timed, "a stretch not timed reads no clock");
        }
        truth
    }

    #[test]
    fn few_stretches_are_each_timed_and_summed_exactly() {
        let mut s = Stretches::new(0, false);
        let truth = run(&mut s, STRETCHES_ALL_TIMED, |i| 100 + i * 7);
        assert_eq!((s.count, s.timed()), (STRETCHES_ALL_TIMED, STRETCHES_ALL_TIMED));
        assert_eq!(s.total_ns(), truth);
    }

    #[test]
    fn many_stretches_are_sampled_and_the_rest_counted_at_the_average() {
        for seed in 0..3 {
            let mut s = Stretches::new(seed, false);
            let n = 100_000;
            // Stretches of 1 to 20 µs in a pattern that repeats every 13.
            let truth = run(&mut s, n, |i| 1_000 * (1 + (i % 13) * 19 / 12));
            let later = n - STRETCHES_ALL_TIMED;
            let share = (s.timed() - STRETCHES_ALL_TIMED) as f64 / later as f64;
            // About one in STRETCH_SAMPLE of the later stretches.
            assert!((share - 1.0 / STRETCH_SAMPLE as f64).abs() < 0.01, "seed {seed}: {share}");
            let error = (s.total_ns() as f64 / truth as f64 - 1.0).abs();
            assert!(error < 0.02, "seed {seed}: estimate {} against {truth}", s.total_ns());
        }
    }

    #[test]
    fn shown_stretches_are_all_timed() {
        let mut s = Stretches::new(1, true);
        let truth = run(&mut s, 1_000, |i| 50 + i);
        assert_eq!((s.count, s.timed()), (1_000, 1_000));
        assert_eq!(s.total_ns(), truth);
    }
}
