"""Every scenario's JSON report keeps the contract of the Rust reports (DESIGN.md): one line
of JSON per run, the envelope's keys in order, the Rust report's config keys, its metric keys
with the types of its fields (so the Rust side can read a Python report as typed metrics),
numbers, booleans and null only, and checks as {name, passed, detail}."""

import json
import os
import re
import unittest

import support
from contract import CONFIG, ENVELOPE, OPTIONAL_ENVELOPE, PYTHON_ONLY, REQUIRED, SHARED, type_ok

ORDER = ["race", "ordering", "futures", "pools", "bridge", "threads", "scheduling", "queue"]


class JsonReports(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        # Every scenario at its defaults, in one child process, as `compare` would run them.
        cls.run_all = support.cli("all", "--json", "--threads", "2", "--seed", "7", timeout=90)
        cls.lines = cls.run_all.stdout.splitlines()
        cls.reports = [json.loads(line) for line in cls.lines]

    def test_one_line_per_scenario_in_order_and_exit_0(self):
        self.assertEqual(self.run_all.returncode, 0, self.run_all.stderr)
        self.assertEqual(self.run_all.stderr, "")
        self.assertEqual([r["scenario"] for r in self.reports], ORDER)

    def test_envelope(self):
        for r in self.reports:
            with self.subTest(r["scenario"]):
                keys = list(r)
                self.assertEqual(keys[:len(ENVELOPE)], ENVELOPE)
                self.assertTrue(set(keys[len(ENVELOPE):]) <= set(OPTIONAL_ENVELOPE), keys)
                self.assertEqual((r["runtime"], r["threads"], r["seed"]), ("python", 2, 7))
                self.assertRegex(r["flavor"], r"^CPython 3\.\d+\.\d+.*, GIL (on|off)$")
                if "asyncio event loop" in r["flavor"]:
                    self.assertIn("one thread, whatever --threads", r["flavor"])
                # Measured, at least one thread, and never more than --threads.
                self.assertTrue(type_ok(r["workers_observed"], "u64"))
                self.assertTrue(1 <= r["workers_observed"] <= 2, r["workers_observed"])
                self.assertIsInstance(r["elapsed_ms"], float)
                self.assertGreater(r["elapsed_ms"], 0)
                self.assertNotIn("interrupted", r)
                # The lesson the text ends with travels in the JSON too, for compare's report.
                self.assertIsInstance(r.get("takeaway"), str)
                self.assertGreater(len(r["takeaway"]), 20)
                for c in r["checks"]:
                    self.assertEqual(list(c), ["name", "passed", "detail"])
                    self.assertIsInstance(c["name"], str)
                    self.assertIs(c["passed"], True, c)
                    self.assertIsInstance(c["detail"], str)
                self.assertGreaterEqual(len(r["checks"]), 2)

    def test_config_keys_are_the_rust_ones(self):
        for r in self.reports:
            self.assertEqual(list(r["config"]), CONFIG[r["scenario"]], r["scenario"])
            for key, value in r["config"].items():
                self.assertTrue(value is None or type_ok(value, "u64"), f"{key} = {value}")

    def test_metric_keys_and_types(self):
        for r in self.reports:
            name, metrics = r["scenario"], r["metrics"]
            with self.subTest(name):
                self.assertEqual(list(metrics), sorted(metrics), "sorted, as serde_json sorts")
                expected = {k: t for k, t in SHARED[name].items() if not t.endswith("?")}
                expected |= PYTHON_ONLY[name]
                optional = {k: t for k, t in SHARED[name].items() if t.endswith("?")}
                self.assertEqual(set(metrics) - set(optional), set(expected))
                for key, value in metrics.items():
                    kind = expected.get(key) or optional[key]
                    self.assertTrue(type_ok(value, kind), f"{name}.{key} = {value!r}: not {kind}")
                for key in REQUIRED[name]:
                    self.assertIsInstance(metrics[key], (int, float), key)

    def test_timeline_spans_where_recorded(self):
        for r in self.reports:
            for span in r.get("timeline", []):
                self.assertEqual(list(span), ["task", "label", "thread", "thread_id", "start_us",
                                              "end_us"])
                self.assertLessEqual(span["start_us"], span["end_us"])
        self.assertEqual({r["scenario"] for r in self.reports if "timeline" in r},
                         {"threads", "scheduling"})

    def test_readme_documents_every_key(self):
        with open(os.path.join(support.PYTHON_DIR, "README.md")) as f:
            readme = f.read()
        for name in ORDER:
            for key in list(SHARED[name]) + list(PYTHON_ONLY[name]) + CONFIG[name]:
                self.assertRegex(readme, rf"`{re.escape(key)}`", f"{name}: {key}")


class TextReports(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.run_all = support.cli("all", "--threads", "2", timeout=90)

    def test_text_fits_100_columns_and_has_every_part(self):
        self.assertEqual(self.run_all.returncode, 0, self.run_all.stderr)
        out = self.run_all.stdout
        for line in out.splitlines():
            self.assertLessEqual(len(line), 100, line)
        for name in ORDER:
            self.assertIn(f"{name} on python (CPython", out)
        self.assertEqual(out.count("  take-away: "), len(ORDER))
        self.assertNotIn("FAIL", out)
        self.assertNotIn("\x1b[", out, "no colour when stdout is not a terminal")

    def test_live_log_is_bounded(self):
        for block in self.run_all.stdout.split("  take-away: "):
            self.assertLessEqual(sum(1 for line in block.splitlines() if line.startswith("  | ")),
                                 25)


if __name__ == "__main__":
    unittest.main()
