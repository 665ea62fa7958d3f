//! queue: across capacities, producer/consumer ratios and worker counts, every
//! item is consumed exactly once, the channel never holds more than its
//! capacity, and the values summed on both sides agree.

use demos_core::scenario::{self, queue::QueueScenario};
use demos_core::{Env, QueueConfig};
use demos_tests::THREADS;

/// Edge configurations, each with how many seeds to run it under.
fn configurations() -> Vec<(&'static str, QueueConfig, u64)> {
    let base = QueueConfig { producers: 3, consumers: 2, capacity: 5, items: 10, delay_ms: 1 };
    vec![
        ("capacity 1", QueueConfig { capacity: 1, items: 20, ..base.clone() }, 8),
        (
            "more producers than consumers",
            QueueConfig { producers: 4, consumers: 1, capacity: 2, ..base.clone() },
            8,
        ),
        (
            "more consumers than producers",
            QueueConfig { producers: 1, consumers: 4, capacity: 2, items: 30, ..base.clone() },
            8,
        ),
        (
            "one producer, one consumer",
            QueueConfig { producers: 1, consumers: 1, capacity: 3, items: 40, delay_ms: 0 },
            16,
        ),
        ("many items, no delay", QueueConfig { items: 2000, delay_ms: 0, ..base.clone() }, 10),
        (
            "capacity 1, no delay, 8 producers",
            QueueConfig { producers: 8, consumers: 3, capacity: 1, items: 200, delay_ms: 0 },
            16,
        ),
    ]
}

demos_tests::per_runtime! {
    #[test]
    fn every_item_is_consumed_exactly_once_and_depth_stays_within_capacity() {
        for (name, cfg, seeds) in configurations() {
            for threads in THREADS {
                for seed in 0..seeds {
                    let (report, seen) = scenario::run::<QueueScenario>(rt(), &cfg, &Env::quiet(threads, seed));
                    let m = &seen.metrics;
                    let at = format!("{name}, threads {threads}, seed {seed}: {m:?}");
                    let total = (cfg.producers * cfg.items) as u64;
                    assert_eq!((m.produced, m.consumed), (total, total), "{at}");
                    assert_eq!((m.duplicates, m.missing), (0, 0), "{at}");
                    // A fast consumer may take every item before a sample sees it queued,
                    // so only the upper bound is a property.
                    assert!(m.max_depth <= cfg.capacity as u64, "{at}");
                    assert!(m.sums_match, "{at}");
                    assert!(report.passed(), "{at}: {:?}", report.checks);
                }
            }
        }
    }

    #[test]
    fn at_its_defaults_producers_wait_on_a_full_queue() {
        // The lesson as a student first sees it: `queue` with no options (3
        // producers, 2 consumers as slow as they are, capacity 5, delays up to
        // 50 ms), on the machine's worker count and on one. Waiting is timing,
        // so the best of three runs must show it: a producer found the queue
        // full, waited a measurable time, and the books saw it at capacity.
        let cfg = QueueConfig::default();
        let machine = std::thread::available_parallelism().map_or(1, usize::from);
        for threads in [1, machine] {
            let runs: Vec<_> = (0..3).map(|_| rt().queue(&cfg, &Env::quiet(threads, 42)).metrics).collect();
            let shows = |m: &demos_core::QueueMetrics| {
                m.producer_waits > 0 && m.producer_wait_ms > 0.0 && m.max_depth == cfg.capacity as u64
            };
            assert!(runs.iter().any(shows), "threads {threads}: no run showed backpressure: {runs:?}");
        }
    }

    #[test]
    fn one_worker_with_capacity_one_makes_producers_wait() {
        // Cooperative, one thread, no delays: the first producer fills the one
        // slot and must wait before any consumer has run. Threads block instead,
        // and whether a producer finds the slot full is up to the OS.
        if !COOPERATIVE {
            return;
        }
        let cfg = QueueConfig { producers: 4, consumers: 1, capacity: 1, items: 50, delay_ms: 0 };
        for seed in 0..4 {
            let m = rt().queue(&cfg, &Env::quiet(1, seed)).metrics;
            assert!(m.producer_waits > 0, "seed {seed}: {m:?}");
            assert!(m.producer_wait_ms > 0.0, "seed {seed}: waits were timed: {m:?}");
            assert_eq!(m.max_depth, 1, "seed {seed}: {m:?}");
        }
    }
}

/// The queue's checks driven to fail: producers and consumers on threads, with
/// the books the runtimes keep, over a channel written here with one fault.
/// Each test is named after the check as the report prints it and the fault.
mod faults {
    use std::collections::VecDeque;
    use std::sync::{Condvar, Mutex, MutexGuard};
    use std::thread;
    use std::time::Instant;

    use demos_core::scenario;
    use demos_core::scenario::queue::{Item, QueueScenario, QueueTally};
    use demos_core::{Env, Observed, QueueConfig, Report};

    /// What the channel gets wrong.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    enum Fault {
        None,
        /// Holds one item more than its capacity.
        AdmitsOneMore,
        /// Accepts the send with this number (from 0) and loses the item.
        Drops(usize),
        /// Hands out the item of the receive with this number (from 0) twice.
        Duplicates(usize),
        /// Hands out the item of the receive with this number (from 0) with its value changed.
        Alters(usize),
    }

    /// A bounded channel: a queue under a lock, woken by a condition variable.
    struct Channel {
        state: Mutex<State>,
        changed: Condvar,
        holds: usize,
        fault: Fault,
    }

    struct State {
        queue: VecDeque<Item>,
        senders: usize,
        sends: usize,
        receives: usize,
        /// Consumers start once a send has found the queue full, or every
        /// producer is done: so the queue fills while no receive has begun,
        /// the same in every run.
        open: bool,
    }

    impl Channel {
        fn new(capacity: usize, senders: usize, fault: Fault) -> Self {
            let holds = if fault == Fault::AdmitsOneMore { capacity + 1 } else { capacity };
            let state = State { queue: VecDeque::new(), senders, sends: 0, receives: 0, open: false };
            Self { state: Mutex::new(state), changed: Condvar::new(), holds, fault }
        }

        fn lock(&self) -> MutexGuard<'_, State> {
            self.state.lock().unwrap()
        }

        fn push(&self, state: &mut State, item: Item) {
            if self.fault != Fault::Drops(state.sends) {
                state.queue.push_back(item);
            }
            state.sends += 1;
            self.changed.notify_all();
        }

        fn try_send(&self, item: Item) -> Result<(), Item> {
            let mut state = self.lock();
            if state.queue.len() >= self.holds {
                state.open = true;
                self.changed.notify_all();
                return Err(item);
            }
            self.push(&mut state, item);
            Ok(())
        }

        fn send(&self, item: Item) {
            let mut state = self.changed.wait_while(self.lock(), |s| s.queue.len() >= self.holds).unwrap();
            self.push(&mut state, item);
        }

        fn sender_done(&self) {
            let mut state = self.lock();
            state.senders -= 1;
            state.open |= state.senders == 0;
            self.changed.notify_all();
        }

        fn wait_open(&self) {
            drop(self.changed.wait_while(self.lock(), |s| !s.open).unwrap());
        }

        fn recv(&self) -> Option<Item> {
            let mut state =
                self.changed.wait_while(self.lock(), |s| s.queue.is_empty() && s.senders > 0).unwrap();
            let mut item = state.queue.pop_front()?;
            if self.fault == Fault::Duplicates(state.receives) {
                state.queue.push_front(item);
            }
            if self.fault == Fault::Alters(state.receives) {
                item.value ^= 1;
            }
            state.receives += 1;
            self.changed.notify_all();
            Some(item)
        }
    }

    /// Run `cfg` over a channel with `fault`, the books kept as every runtime keeps them.
    fn run(cfg: &QueueConfig, fault: Fault) -> Report {
        let env = Env::quiet(cfg.producers + cfg.consumers, 0);
        let tally = QueueTally::new(cfg, &env);
        let channel = Channel::new(cfg.capacity, cfg.producers, fault);
        let started = Instant::now();
        thread::scope(|s| {
            for p in 0..cfg.producers {
                let (tally, channel) = (&tally, &channel);
                s.spawn(move || {
                    let mut pacing = cfg.producer_pacing(env.seed, p);
                    let mut book = tally.producer(p);
                    while book.has_item_to_make() {
                        let item = book.item(pacing.value());
                        match channel.try_send(item) {
                            Ok(()) => book.about_to_send(false),
                            Err(item) => {
                                book.about_to_send(true);
                                channel.send(item);
                            }
                        }
                        book.after_send();
                    }
                    drop(book);
                    channel.sender_done();
                });
            }
            for c in 0..cfg.consumers {
                let (tally, channel) = (&tally, &channel);
                s.spawn(move || {
                    channel.wait_open();
                    let mut book = tally.consumer(c);
                    loop {
                        book.about_to_receive();
                        let Some(item) = channel.recv() else { break };
                        book.received(&item);
                    }
                });
            }
        });
        let metrics = tally.finish(started.elapsed());
        let observed = Observed::new("threads over a broken channel", started.elapsed(), metrics);
        scenario::envelope::<QueueScenario>("broken channel", cfg, &env, &observed)
    }

    /// The names of the checks that failed.
    fn failed(report: &Report) -> Vec<&str> {
        report.checks.iter().filter(|c| !c.passed).map(|c| c.name.as_str()).collect()
    }

    /// One producer, so the queue fills by its sends alone: its depth samples
    /// after its first sends see no receive begun, the same in every run.
    const ONE_PRODUCER: QueueConfig =
        QueueConfig { producers: 1, consumers: 2, capacity: 5, items: 30, delay_ms: 0 };
    const SEVERAL: QueueConfig =
        QueueConfig { producers: 3, consumers: 2, capacity: 5, items: 10, delay_ms: 0 };
    const EXACTLY_ONCE: &str = "every item consumed exactly once";
    const SUMS: &str = "sum of values consumed == sum produced";
    const DEPTH: &str = "depth never above capacity";

    /// Every check the report prints, with a fault that fails it and the
    /// configuration it runs on: a check missing here is a check no test
    /// has seen fail (`every_check_has_a_fault_that_fails_it` finds it).
    const FAULTS: [(&str, Fault, QueueConfig); 3] = [
        (EXACTLY_ONCE, Fault::Duplicates(7), SEVERAL),
        (DEPTH, Fault::AdmitsOneMore, ONE_PRODUCER),
        (SUMS, Fault::Alters(7), SEVERAL),
    ];

    #[test]
    fn every_check_has_a_fault_that_fails_it() {
        let checks: Vec<String> = run(&SEVERAL, Fault::None).checks.into_iter().map(|c| c.name).collect();
        let covered: Vec<&str> = FAULTS.iter().map(|(check, ..)| *check).collect();
        assert_eq!(checks, covered, "each check the report prints needs a row in FAULTS");
        for (check, fault, cfg) in FAULTS {
            let report = run(&cfg, fault);
            assert!(failed(&report).contains(&check), "{fault:?} left '{check}' passing: {report:?}");
        }
    }

    #[test]
    fn the_channel_without_a_fault_passes_every_check() {
        for cfg in [ONE_PRODUCER, SEVERAL] {
            let report = run(&cfg, Fault::None);
            assert!(failed(&report).is_empty(), "{report:?}");
        }
        let report = run(&ONE_PRODUCER, Fault::None);
        assert_eq!(report.metrics["max_depth"], 5, "it filled before any receive began: {report:?}");
    }

    #[test]
    fn depth_never_above_capacity_fails_when_the_channel_admits_one_more_than_its_capacity() {
        let report = run(&ONE_PRODUCER, Fault::AdmitsOneMore);
        assert_eq!(failed(&report), [DEPTH], "{report:?}");
        assert_eq!(report.metrics["max_depth"], 6, "{report:?}");
    }

    #[test]
    fn every_item_consumed_exactly_once_fails_when_the_channel_delivers_an_item_twice() {
        let report = run(&SEVERAL, Fault::Duplicates(7));
        assert_eq!(failed(&report), [EXACTLY_ONCE, SUMS], "{report:?}");
        assert_eq!((&report.metrics["duplicates"], &report.metrics["missing"]), (&1.into(), &0.into()));
    }

    #[test]
    fn every_item_consumed_exactly_once_fails_when_the_channel_drops_an_item() {
        let report = run(&SEVERAL, Fault::Drops(7));
        // A lost item never leaves the books' count of items queued (sent minus
        // receives begun): if a sample falls while the queue is full, the depth
        // check fails as well.
        let failed = failed(&report);
        assert!(failed == [EXACTLY_ONCE, SUMS] || failed == [EXACTLY_ONCE, DEPTH, SUMS], "{report:?}");
        assert_eq!((&report.metrics["duplicates"], &report.metrics["missing"]), (&0.into(), &1.into()));
    }

    #[test]
    fn sum_of_values_fails_alone_when_the_channel_alters_a_value() {
        // Every id arrives once, so only the sums can tell.
        let report = run(&SEVERAL, Fault::Alters(7));
        assert_eq!(failed(&report), [SUMS], "{report:?}");
    }
}
