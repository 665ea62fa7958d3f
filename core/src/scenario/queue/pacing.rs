//! The seeded delays and values of each producer and consumer.

use std::time::Duration;

/// A seeded source of one role's delays and values.
#[derive(Debug)]
pub struct Pacing {
    rng: fastrand::Rng,
    max_delay_ms: u64,
}

impl Pacing {
    pub(super) fn new(seed: u64, stream: u64, max_delay_ms: u64) -> Self {
        let mixed = seed ^ stream.wrapping_mul(0x9E37_79B9_7F4A_7C15);
        Self { rng: fastrand::Rng::with_seed(mixed), max_delay_ms }
    }

    /// The next simulated delay, or `None` when delays are off (so throughput
    /// runs never touch a timer).
    #[inline]
    pub fn delay(&mut self) -> Option<Duration> {
        (self.max_delay_ms > 0).then(|| Duration::from_millis(self.rng.u64(0..=self.max_delay_ms)))
    }

    /// The next produced value.
    #[inline]
    pub fn value(&mut self) -> u64 {
        self.rng.u64(..u32::MAX as u64)
    }
}
