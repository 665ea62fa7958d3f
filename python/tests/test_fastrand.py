"""The Python port of fastrand 2.5.0 draws exactly what the Rust crate draws.

data/fastrand_2.5.0.json was printed by a throwaway Rust program depending on fastrand 2.5.0
(the version in Cargo.lock): for six seeds, twelve draws of `rng.u64(low..=high)` for several
ranges (one near 2^64, which exercises the rejection loop), of `rng.u64(..u32::MAX as u64)`
and of `rng.u64(..)`; and the queue's pacing streams (seed ^ stream × 0x9E3779B97F4A7C15,
then a delay and a value per item).
"""

import json
import os
import unittest

import support  # noqa: F401  (puts python/ on the path)
from seed.fastrand import Pacing, Rng, seeded_delays

DATA = os.path.join(os.path.dirname(__file__), "data", "fastrand_2.5.0.json")


class FastrandMatchesRust(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        with open(DATA) as f:
            cls.data = json.load(f)

    def test_ranges(self):
        self.assertGreaterEqual(len(self.data["ranges"]), 40)
        for case in self.data["ranges"]:
            rng = Rng(case["seed"])
            drawn = [rng.u64(case["low"], case["high"]) for _ in case["draws"]]
            self.assertEqual(drawn, case["draws"], f"seed {case['seed']}, {case['range']}")

    def test_queue_pacing(self):
        for case in self.data["pacing"]:
            pacing = Pacing(case["seed"], case["stream"], case["max_delay_ms"])
            self.assertEqual(pacing.rng.state, case["mixed"])
            drawn = [[pacing.delay_ms(), pacing.value()] for _ in case["delay_value_pairs"]]
            self.assertEqual(drawn, case["delay_value_pairs"], case)

    def test_seeded_delays_are_the_rust_draws(self):
        # seeded_delays is `rng.u64(0..=max)` per task: the 0..=50 rows of the data.
        for case in self.data["ranges"]:
            if case["range"] == "0..=50":
                self.assertEqual(seeded_delays(12, 50, case["seed"]), case["draws"])

    def test_delays_off_draw_nothing(self):
        pacing = Pacing(42, 0, 0)
        self.assertIsNone(pacing.delay_ms())
        self.assertEqual(pacing.value(), Pacing(42, 0, 50).rng.u64(0, 2**32 - 2))

    def test_empty_range_is_refused(self):
        with self.assertRaises(ValueError):
            Rng(1).u64(5, 4)


if __name__ == "__main__":
    unittest.main()
