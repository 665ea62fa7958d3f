"""fastrand 2.5.0's generator in Python, so a seed gives the same delays as the Rust scenarios.

fastrand's `Rng` is wyrand: a 64-bit state that grows by a constant each draw, and an output
mixed by a 128-bit multiply. `Rng.u64(low, high)` maps a draw onto `low..=high` exactly as
fastrand's `rng.u64(low..=high)` does (Lemire's multiply-shift, with its rejection loop), so
every draw consumes the generator the same way. `tests/test_fastrand.py` compares the
sequences with ones printed by the Rust crate.
"""

MASK = (1 << 64) - 1
WY_CONST_0 = 0x2D35_8DCC_AA6C_78A5
WY_CONST_1 = 0x8BB8_4B93_962E_ACC9
# The queue mixes each producer's and consumer's stream number into the seed with this.
GOLDEN = 0x9E37_79B9_7F4A_7C15
U32_MAX = (1 << 32) - 1


class Rng:
    """`fastrand::Rng::with_seed(seed)`."""

    def __init__(self, seed: int) -> None:
        self.state = seed & MASK

    def gen_u64(self) -> int:
        """The next raw 64-bit draw (fastrand's private `gen_u64`)."""
        s = (self.state + WY_CONST_0) & MASK
        self.state = s
        t = s * (s ^ WY_CONST_1)  # a u128 product in Rust; Python ints do not overflow
        return (t & MASK) ^ (t >> 64)

    def _gen_mod_u64(self, n: int) -> int:
        """A draw in 0..n (n >= 1), as fastrand's `gen_mod_u64`."""
        r = self.gen_u64()
        hi, lo = (r * n) >> 64, (r * n) & MASK
        if lo < n:
            t = ((-n) & MASK) % n  # n.wrapping_neg() % n
            while lo < t:
                r = self.gen_u64()
                hi, lo = (r * n) >> 64, (r * n) & MASK
        return hi

    def u64(self, low: int, high: int) -> int:
        """`rng.u64(low..=high)`; `rng.u64(..end)` is `u64(0, end - 1)`."""
        if not 0 <= low <= high <= MASK:
            raise ValueError(f"empty or out-of-range range: {low}..={high}")
        if low == 0 and high == MASK:
            return self.gen_u64()
        return (low + self._gen_mod_u64(high - low + 1)) & MASK


def seeded_delays(count: int, max_ms: int, seed: int) -> list[int]:
    """`demos_core::scenario::seeded_delays`: `count` waits in ms, each drawn from 0..=max_ms."""
    rng = Rng(seed)
    return [rng.u64(0, max_ms) for _ in range(count)]


class Pacing:
    """The queue's `Pacing`: one producer's or consumer's seeded delays and values."""

    def __init__(self, seed: int, stream: int, max_delay_ms: int) -> None:
        self.rng = Rng(seed ^ ((stream * GOLDEN) & MASK))
        self.max_delay_ms = max_delay_ms

    def delay_ms(self) -> int | None:
        """The next simulated delay, or None when delays are off (then nothing is drawn)."""
        return self.rng.u64(0, self.max_delay_ms) if self.max_delay_ms > 0 else None

    def value(self) -> int:
        """The next produced value: `rng.u64(..u32::MAX as u64)`."""
        return self.rng.u64(0, U32_MAX - 1)
