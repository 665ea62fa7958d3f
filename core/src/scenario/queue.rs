//! queue: P producers put seeded random integers into a bounded channel of
//! capacity K; C consumers take them out. When producers outpace consumers the
//! channel fills and a producer's `send` waits — backpressure, which keeps memory
//! bounded instead of letting the queue grow without limit.
//!
//! Every runtime uses its own channel; the bookkeeping that proves the run
//! correct (each item consumed exactly once, the depth never above K, the values
//! summed on both sides) is [`QueueTally`], shared so every runtime is judged
//! by the same rules.

// std's atomics, or loom's under `--cfg loom`, where the bookkeeping is model-checked.
#[cfg(loom)]
use loom::sync::atomic::{AtomicU8, AtomicU64, AtomicUsize, Ordering};
#[cfg(not(loom))]
use std::sync::atomic::{AtomicU8, AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::scenario::{count, size};
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
    /// Whether producers should stop early: Ctrl-C was pressed.
    pub fn stop_requested(&self) -> bool {
        crate::interrupt::requested()
    }

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

/// How many cache lines consecutive item ids are spread over.
const SPREAD: usize = 64;

/// One producer's counters, alone on their cache line: only that producer
/// writes them, so producers never contend for the line.
#[derive(Debug, Default)]
#[repr(align(128))]
struct ProducerSlot {
    produced: AtomicU64,
    sum: AtomicU64,
    waits: AtomicU64,
    wait_nanos: AtomicU64,
}

/// One consumer's counter, alone on its cache line.
#[derive(Debug, Default)]
#[repr(align(128))]
struct ConsumerSlot {
    sum: AtomicU64,
}

/// Thread-safe accounting of one queue run, shared by producers and consumers.
///
/// It is on the hot path of a throughput run, so it is built not to slow down
/// what it measures (see the harness benchmark): each producer and consumer
/// writes only its own padded slot, the depth high-water mark is read before
/// it is written, and log lines are formatted only when the log is on.
#[derive(Debug)]
pub struct QueueTally {
    capacity: usize,
    items: usize,
    log: Log,
    recorder: Recorder,
    /// Deliveries per item id, laid out by [`QueueTally::slot`].
    seen: Vec<AtomicU8>,
    stride: usize,
    producers: Vec<ProducerSlot>,
    consumers: Vec<ConsumerSlot>,
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
            seen: (0..SPREAD * cfg.total_items().div_ceil(SPREAD)).map(|_| AtomicU8::new(0)).collect(),
            stride: cfg.total_items().div_ceil(SPREAD),
            producers: (0..cfg.producers).map(|_| ProducerSlot::default()).collect(),
            consumers: (0..cfg.consumers).map(|_| ConsumerSlot::default()).collect(),
            max_depth: AtomicUsize::new(0),
        }
    }

    /// Make producer `p`'s item number `seq` with `value`.
    pub fn item(&self, producer: usize, seq: usize, value: u64) -> Item {
        Item { id: producer * self.items + seq, producer, value }
    }

    /// An item is about to be sent (counted first: a consumer may take it at once).
    pub fn produced(&self, item: &Item) {
        let slot = &self.producers[item.producer];
        slot.produced.fetch_add(1, Ordering::Relaxed);
        slot.sum.fetch_add(item.value, Ordering::Relaxed);
    }

    /// Where item `id` is counted. Consecutive ids — which different consumers
    /// take at the same moment — land `stride` bytes apart, on different cache
    /// lines, so consumers do not fight over one line (false sharing).
    fn slot(&self, id: usize) -> usize {
        (id % SPREAD) * self.stride + id / SPREAD
    }

    /// Consumer `c` took an item from the channel.
    pub fn consumed(&self, consumer: usize, item: &Item) {
        self.seen[self.slot(item.id)].fetch_add(1, Ordering::Relaxed);
        self.consumers[consumer].sum.fetch_add(item.value, Ordering::Relaxed);
    }

    /// The channel's own count of queued items, sampled by a producer just after
    /// its send. (Samples after a receive are left out: the depth just after a
    /// take is below what it was just before, so they add cost and rarely news.)
    pub fn observe_depth(&self, depth: usize) {
        // Read first: the high-water mark rarely moves, and a read leaves the
        // cache line shared instead of bouncing it between cores.
        if depth <= self.max_depth.load(Ordering::Relaxed) {
            return;
        }
        let before = self.max_depth.fetch_max(depth, Ordering::Relaxed);
        if depth > before && self.log.enabled() {
            self.log.line(format!("queue depth reaches {depth}/{} (new high)", self.capacity));
        }
    }

    /// Producer `p` found the queue full and is about to send anyway (and wait).
    pub fn waiting(&self, producer: usize) {
        self.producers[producer].waits.fetch_add(1, Ordering::Relaxed);
        if self.log.enabled() {
            self.log.line(format!("producer {producer} waits: queue full {0}/{0}", self.capacity));
        }
    }

    /// Producer `p`, waiting since `since`, got its item in.
    pub fn resumed(&self, producer: usize, since: Instant) {
        let waited = since.elapsed();
        let nanos = u64::try_from(waited.as_nanos()).unwrap_or(u64::MAX);
        self.producers[producer].wait_nanos.fetch_add(nanos, Ordering::Relaxed);
        if self.log.enabled() {
            self.log.line(format!("producer {producer} resumes after {:.1} ms", waited.as_secs_f64() * 1e3));
        }
        self.recorder.record(format!("producer {producer}"), "waits: queue full", since);
    }
    /// Producer `p` finished its simulated I/O, begun at `start`.
    pub fn did_io(&self, producer: usize, start: Instant) {
        self.recorder.record(format!("producer {producer}"), "I/O", start);
    }

    /// Consumer `c` finished processing an item, begun at `start`.
    pub fn processed(&self, consumer: usize, start: Instant) {
        self.recorder.record(format!("consumer {consumer}"), "processing", start);
    }

    /// The recorded steps (empty with the timeline off).
    pub fn spans(&self) -> Vec<Span> {
        self.recorder.take()
    }

    /// The run's metrics, given its wall time.
    pub fn finish(&self, elapsed: Duration) -> QueueMetrics {
        let (mut consumed, mut duplicates, mut missing) = (0u64, 0u64, 0u64);
        for (p, slot) in self.producers.iter().enumerate() {
            // Producer p sends its items in order, so after a stop it sent exactly
            // the first `produced` of them: only those must arrive, each once.
            let sent = slot.produced.load(Ordering::Relaxed) as usize;
            for id in p * self.items..p * self.items + self.items {
                let n = u64::from(self.seen[self.slot(id)].load(Ordering::Relaxed));
                consumed += n;
                duplicates += n.saturating_sub(1);
                missing += u64::from(n == 0 && id - p * self.items < sent);
            }
        }
        let secs = elapsed.as_secs_f64();
        let total = |f: fn(&ProducerSlot) -> &AtomicU64| -> u64 {
            self.producers.iter().map(|p| f(p).load(Ordering::Relaxed)).fold(0, u64::wrapping_add)
        };
        let consumed_sum =
            self.consumers.iter().map(|c| c.sum.load(Ordering::Relaxed)).fold(0, u64::wrapping_add);
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

/// What the queue scenario measured.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QueueMetrics {
    /// Items the channel accepted.
    pub produced: u64,
    /// Items taken out (counting any duplicates).
    pub consumed: u64,
    /// The channel's capacity.
    pub capacity: u64,
    /// Largest queue depth observed, by the channel's own count, sampled after each send.
    pub max_depth: u64,
    /// Items consumed per second of wall time.
    pub throughput_per_s: f64,
    /// Total time producers spent waiting on a full queue.
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
