"""The lessons hold on this machine: asyncio loses updates in the race and a lock fixes it;
threads lose them too once two run; the GIL keeps a thread pool from speeding up CPU work;
the same seed gives the Rust scenario's order; the event loop is one thread that an inline
blocking call stalls. Timing claims are asserted as the best of a few runs, with generous
bounds: the machine is small, shared and noisy."""

import unittest

import support
from seed.fastrand import seeded_delays
from seed.report import gil_enabled


class Race(unittest.TestCase):
    def test_asyncio_loses_updates_and_the_lock_fixes_it(self):
        for threads in (1, 2):
            for seed in (1, 42):
                m = support.run("race", threads=threads, seed=seed)["metrics"]
                # Every coroutine reads before any writes: all but one increment are lost.
                self.assertEqual((m["unsynchronized"], m["lost_updates"]), (1, 999))
                self.assertEqual((m["mutex"], m["atomic"], m["thread_lock"]), (1000,) * 3)

    def test_one_pool_thread_loses_nothing_two_lose_updates(self):
        self.assertEqual(support.run("race", threads=1)["metrics"]["thread_lost_updates"], 0)
        lost = [support.run("race", threads=2)["metrics"]["thread_lost_updates"] for _ in range(3)]
        self.assertGreater(max(lost), 0, lost)


class Ordering(unittest.TestCase):
    def test_the_seed_gives_the_rust_scenarios_order(self):
        # demos-tokio ordering --seed 42 logs the finish order 3 9 7 5 1 4 8 0 2 6: its delays.
        self.assertEqual(seeded_delays(10, 50, 42), [40, 25, 41, 2, 27, 23, 45, 19, 36, 12])
        a, b = (support.run("ordering")["metrics"] for _ in range(2))
        self.assertEqual(a["inversions"], 27)  # the order above, whatever the machine's load
        self.assertEqual(a, b | {"round_ms": a["round_ms"]})
        self.assertTrue(a["orders_differ"])
        self.assertEqual(a["fixed_index_matches"], a["tasks"])


class Futures(unittest.TestCase):
    def test_what_asyncio_does_at_the_edges(self):
        m = support.run("futures")["metrics"]
        self.assertTrue(m["panic_resumed_on_await"], "an exception is re-raised where awaited")
        self.assertTrue(m["dropped_handle_task_finished"])
        self.assertEqual(m["cancelled"], 1)
        # Seed 42's sleeps end out of spawn order: the loop ran some callbacks before any await.
        self.assertGreater(m["callbacks_before_await"], 0)


class Pools(unittest.TestCase):
    @unittest.skipUnless(gil_enabled(), "the lesson is the GIL's")
    def test_threads_give_pure_python_cpu_work_no_speedup(self):
        small = {"io_jobs": 2, "io_ms": 10, "cpu_size": 150_000}
        speedups = [support.run("pools", **small)["metrics"]["speedup"] for _ in range(3)]
        # Two jobs on two threads, two cores: without the GIL this would approach ×2.
        self.assertLess(min(speedups), 1.25, speedups)

    def test_blocking_jobs_overlap_on_threads(self):
        m = support.run("pools", io_jobs=10, io_ms=50, cpu_size=10_000)["metrics"]
        self.assertLess(m["io_ms"], m["io_serial_ms"] / 2, m)

    def test_io_delays_are_the_rust_draws(self):
        from seed.pools import io_delays

        # demos-tokio pools --seed 42 logs I/O job 3 done first, after 26 ms; job 6 last, 48 ms.
        delays = io_delays(support.cfg("pools"), 42)
        self.assertEqual((min(delays), delays.index(min(delays))), (26, 3))
        self.assertEqual((max(delays), delays.index(max(delays))), (48, 6))


class Bridge(unittest.TestCase):
    def test_inline_blocking_stalls_the_loop_offloading_does_not(self):
        m = support.run("bridge", jobs=2, job_ms=80, tick_ms=5)["metrics"]
        self.assertGreaterEqual(m["max_gap_inline_ms"], 160)  # both calls: no tick in between
        self.assertLess(m["max_gap_offloaded_ms"], 80, m)
        self.assertEqual(m["inline_handlers"], 1)


class Threads(unittest.TestCase):
    def test_coroutines_on_one_thread_pool_threads_together(self):
        rep = support.run("threads", threads=3)
        m = rep["metrics"]
        self.assertEqual(m["event_loop_threads"], 1)
        self.assertTrue(m["all_workers_at_once"])
        self.assertEqual(rep["workers_observed"], 3)


class Scheduling(unittest.TestCase):
    def test_the_loop_switches_only_at_awaits_the_interpreter_switches_threads(self):
        runs = [support.run("scheduling")["metrics"] for _ in range(2)]
        for m in runs:
            self.assertEqual(m["switches_no_yield"], 2)
            self.assertTrue(m["cooperative_lockstep"])
            self.assertEqual(m["switches_cooperative"], 23)
        # 3 threads × 16 ms of CPU, the GIL handed over every 5 ms: switches with no yield.
        self.assertGreater(max(m["switches_preemptive"] for m in runs), 0)


class Queue(unittest.TestCase):
    def test_exactly_once_and_bounded_at_the_edges(self):
        for producers, consumers, capacity in ((1, 1, 1), (5, 1, 1), (1, 5, 3), (4, 4, 100)):
            with self.subTest(producers=producers, consumers=consumers, capacity=capacity):
                m = support.run("queue", producers=producers, consumers=consumers,
                                capacity=capacity, items=50, delay_ms=0)["metrics"]
                self.assertEqual((m["produced"], m["consumed"]), (50 * producers,) * 2)
                self.assertEqual((m["duplicates"], m["missing"]), (0, 0))
                self.assertLessEqual(m["max_depth"], capacity)
                self.assertTrue(m["sums_match"])

    def test_backpressure_at_the_defaults(self):
        m = support.run("queue")["metrics"]
        self.assertEqual(m["max_depth"], 5)
        self.assertGreater(m["producer_waits"], 0)


if __name__ == "__main__":
    unittest.main()
