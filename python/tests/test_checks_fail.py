"""Every check can fail: each test breaks one step of a scenario — a lock that does not
exclude, a queue that drops an item, a blocking call made inline instead of offloaded — and
the check that guards it reports FAIL (and the command line exits 1)."""

import asyncio
import contextlib
import dataclasses
import io
import multiprocessing
import threading
import time
import unittest
from concurrent.futures import ThreadPoolExecutor
from unittest import mock

import support
from seed import bridge, futures, ordering, pools, queue, race, scheduling, threads


def failed(rep: dict) -> set:
    return {c["name"] for c in rep["checks"] if not c["passed"]}


class NoAsyncLock:
    """An asyncio lock that does not exclude."""

    async def __aenter__(self):
        return self

    async def __aexit__(self, *exc):
        return False


class Race(unittest.TestCase):
    def test_an_async_lock_that_does_not_exclude_fails_mutex(self):
        with mock.patch.object(race, "AsyncLock", NoAsyncLock):
            rep = support.run("race", tasks=200)
        self.assertEqual(failed(rep), {"mutex == expected"})

    def test_an_await_inside_the_update_fails_atomic(self):
        async def read_await_write(counter):
            read = counter.value
            await asyncio.sleep(0)
            counter.value = read + 1

        with mock.patch.object(race, "no_await_step", read_await_write):
            self.assertEqual(failed(support.run("race", tasks=200)), {"atomic == expected"})

    def test_a_thread_lock_that_does_not_exclude_fails_threading_lock(self):
        with mock.patch.object(race, "ThreadLock", contextlib.nullcontext):
            # Two threads interleave at sleep(0) nearly every time; three tries, for a busy machine.
            results = [failed(support.run("race", tasks=500, threads=2)) for _ in range(3)]
        self.assertIn({"threading.Lock == expected"}, results)


class Ordering(unittest.TestCase):
    def test_writing_by_completion_position_fails_the_fixed_indices(self):
        def by_position(finished, slots, task):
            finished.append(task)
            slots[len(finished) - 1] = ordering.result_of(task)  # the bug: not the task's own slot

        with mock.patch.object(ordering, "finish", by_position):
            rep = support.run("ordering", max_sleep_ms=20)
        self.assertEqual(failed(rep), {"every fixed index holds its task's result"})

    def test_a_task_that_never_reports_fails_exactly_once(self):
        def forgets_task_0(finished, slots, task):
            if task != 0:
                finished.append(task)
            slots[task] = ordering.result_of(task)

        with mock.patch.object(ordering, "finish", forgets_task_0):
            rep = support.run("ordering", max_sleep_ms=20)
        self.assertEqual(failed(rep), {"every task finished exactly once"})


class Futures(unittest.TestCase):
    def run_broken(self, target, name, replacement, **options) -> set:
        with mock.patch.object(target, name, replacement):
            return failed(support.run("futures", max_sleep_ms=5, **options))

    def test_each_probe_fails_when_its_step_is_broken(self):
        async def sets_41(future, value):
            future.set_result(41)

        async def returns(*args):
            return None

        as_completed = asyncio.as_completed
        cases = [
            (futures, "value_for_handle", lambda i: futures.value_of(i) + 1,
             "every handle returned its task's value"),
            (futures, "when_done", lambda task, callback: None, "every callback ran once"),
            (asyncio, "as_completed", lambda tasks: as_completed(list(tasks)[:-1]),
             "every result consumed as it completed"),
            (futures, "complete_later", sets_41, "the one-shot future delivered its value"),
            (futures, "cancel", lambda task: None, "the aborted task was cancelled"),
            (
                futures,
                "raises",
                returns,
                "a task's panic came back at its handle, and the next task ran",
            ),
        ]
        for target, name, replacement, check in cases:
            with self.subTest(name):
                self.assertEqual(self.run_broken(target, name, replacement), {check})


def wrong_process_sum(start, end):
    return pools.sum_of_squares(start, end) + 1


class Pools(unittest.TestCase):
    small = {"io_jobs": 3, "io_ms": 10, "cpu_jobs": 2, "cpu_size": 20_000}

    def test_a_lost_callback_fails_the_io_check(self):
        with mock.patch.object(pools, "when_done", lambda future, callback: None):
            rep = support.run("pools", **self.small)
        self.assertEqual(failed(rep), {"every I/O job completed and its callback ran"})

    def test_a_wrong_sum_on_a_thread_fails_results_match(self):
        def off_by_one(start, end):
            total, thread = pools.sum_of_squares(start, end), threading.get_ident()
            return total + 1, thread

        with mock.patch.object(pools, "thread_job", off_by_one):
            rep = support.run("pools", **self.small)
        self.assertEqual(failed(rep), {"every parallel sum equals the sequential sum"})

    @unittest.skipUnless(multiprocessing.get_start_method() == "fork",
                         "the broken job reaches the children by fork")
    def test_a_wrong_sum_in_a_process_fails_process_results_match(self):
        with mock.patch.object(pools, "process_job", wrong_process_sum):
            rep = support.run("pools", **self.small)
        self.assertEqual(failed(rep), {"every child process's sum equals the sequential sum"})


class Bridge(unittest.TestCase):
    small = {"jobs": 2, "job_ms": 60, "tick_ms": 5}

    def test_calls_cut_short_fail_the_completion_check(self):
        with mock.patch.object(bridge, "blocking_call", lambda seconds: False):
            rep = support.run("bridge", **self.small)
        # Calls that end at once leave the heartbeat no time to tick either.
        self.assertIn("every blocking call completed, offloaded and inline", failed(rep))

    def test_offloading_inline_stops_the_heartbeat(self):
        async def inline(loop, call, *args):
            return call(*args)  # the bug: runs on the loop's thread

        with mock.patch.object(bridge, "offload", inline):
            rep = support.run("bridge", **self.small)
        self.assertEqual(failed(rep), {"the heartbeat ticked while the calls were offloaded"})

    def test_a_wrong_async_value_fails_block_on(self):
        async def wrong():
            return bridge.BRIDGED_VALUE - 1

        with mock.patch.object(bridge, "async_value", wrong):
            rep = support.run("bridge", **self.small)
        self.assertEqual(failed(rep), {"sync code got the async result through block_on"})


class Threads(unittest.TestCase):
    small = {"manual": 2, "io_jobs": 2, "cpu_jobs": 6}

    def test_a_job_recorded_twice_fails_every_job_ran_once(self):
        run_recorded = threads.run_recorded

        def twice_for_manual_0(rec, log, kind, i, job):
            run_recorded(rec, log, kind, i, job)
            if kind == threads.MANUAL and i == 0:
                run_recorded(rec, log, kind, i, job)

        with mock.patch.object(threads, "run_recorded", twice_for_manual_0):
            rep = support.run("threads", **self.small)
        self.assertEqual(failed(rep), {"every job ran once"})

    def test_a_pool_bigger_than_asked_fails_at_most_threads(self):
        def slow_cpu_job():
            time.sleep(0.02)  # long enough for the jobs to spread over every pool thread

        with mock.patch.object(threads, "make_pool", lambda n: ThreadPoolExecutor(n + 3)), \
                mock.patch.object(threads, "cpu_job", slow_cpu_job):
            rep = support.run("threads", **self.small)
        self.assertEqual(failed(rep), {"CPU jobs ran on at most --threads worker threads"})

    def test_a_pool_smaller_than_asked_fails_all_at_once(self):
        with mock.patch.object(threads, "make_pool", lambda n: ThreadPoolExecutor(n - 1)), \
                mock.patch.object(threads, "GATE_TIMEOUT", 0.2):
            rep = support.run("threads", **self.small)
        self.assertEqual(failed(rep), {"--threads workers ran a job each at the same moment"})


def wall_clock_preemptive(rec, cfg, task, cpu_used):
    """The preemptive steps timed by the wall clock: a step that waits for the GIL ends before
    it has used its CPU time."""
    started = time.thread_time()
    for _ in range(cfg.steps):
        start = time.perf_counter()
        while time.perf_counter() - start < cfg.step_ms / 1e3:
            pass
        rec.record(f"task {task}", scheduling.PREEMPTIVE, start)
    cpu_used[task] = time.thread_time() - started


class Scheduling(unittest.TestCase):
    small = {"tasks": 3, "steps": 4, "step_ms": 1}

    def test_a_lost_step_fails_every_step_ran(self):
        step = scheduling.step

        def loses_one(rec, cfg, mode, task):
            if not (mode == scheduling.COOPERATIVE and task == 0):
                step(rec, cfg, mode, task)

        with mock.patch.object(scheduling, "step", loses_one):
            rep = support.run("scheduling", **self.small)
        self.assertIn("every async step of every task ran", failed(rep))

    def test_steps_timed_by_the_wall_clock_fail_the_cpu_check(self):
        with mock.patch.object(scheduling, "preemptive", wall_clock_preemptive):
            rep = support.run("scheduling", tasks=3, steps=8, step_ms=2)
        self.assertEqual(failed(rep), {"every OS thread used its steps' CPU time"})

    def test_an_await_in_the_no_yield_tasks_fails_one_after_another(self):
        async def yields(rec, cfg, task):
            for _ in range(cfg.steps):
                scheduling.step(rec, cfg, scheduling.NO_YIELD, task)
                await asyncio.sleep(0)

        with mock.patch.object(scheduling, "no_yield", yields):
            rep = support.run("scheduling", **self.small)
        self.assertEqual(failed(rep),
                         {"one worker, no yield: tasks ran one after another"})

    def test_cooperative_tasks_that_never_await_fail_the_rounds(self):
        async def never_awaits(rec, cfg, task):
            for _ in range(cfg.steps):
                scheduling.step(rec, cfg, scheduling.COOPERATIVE, task)

        with mock.patch.object(scheduling, "cooperative", never_awaits):
            rep = support.run("scheduling", **self.small)
        self.assertEqual(failed(rep),
                         {"one worker, cooperative: tasks took turns, a step each per round"})


class BrokenQueue(asyncio.Queue):
    """An asyncio.Queue with one defect, chosen by `defect`."""

    defect = ""

    def __init__(self, maxsize):
        super().__init__(maxsize + 1 if self.defect == "one too many" else maxsize)
        self.puts = 0

    def put_nowait(self, item):
        if item is not None:
            self.puts += 1
            if self.puts == 7 and self.defect == "drops":
                return  # the seventh item vanishes
            if self.defect == "alters":
                item = dataclasses.replace(item, value=item.value + 1)
        super().put_nowait(item)


class Queue(unittest.TestCase):
    small = {"producers": 3, "consumers": 2, "capacity": 2, "items": 20, "delay_ms": 0}

    def run_broken(self, defect: str) -> dict:
        broken = type("Broken", (BrokenQueue,), {"defect": defect})
        with mock.patch.object(queue, "make_queue", broken):
            return support.run("queue", **self.small)

    def test_a_queue_that_drops_an_item_fails_exactly_once(self):
        rep = self.run_broken("drops")
        self.assertEqual(failed(rep), {"every item consumed exactly once",
                                       "sum of values consumed == sum produced"})
        self.assertEqual(rep["metrics"]["missing"], 1)

    def test_a_queue_that_holds_one_too_many_fails_the_depth(self):
        self.assertEqual(failed(self.run_broken("one too many")), {"depth never above capacity"})

    def test_a_queue_that_alters_values_fails_the_sums(self):
        self.assertEqual(failed(self.run_broken("alters")),
                         {"sum of values consumed == sum produced"})

    def test_the_command_line_exits_1_on_a_failed_check(self):
        import demos

        broken = type("Broken", (BrokenQueue,), {"defect": "drops"})
        out = io.StringIO()
        with mock.patch.object(queue, "make_queue", broken), contextlib.redirect_stdout(out):
            status = demos.main(["queue", "--delay-ms", "0", "--quiet"])
        self.assertEqual(status, 1)
        self.assertIn("FAIL every item consumed exactly once", out.getvalue())


if __name__ == "__main__":
    unittest.main()
