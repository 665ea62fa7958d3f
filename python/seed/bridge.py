"""bridge: blocking code inside async code, and async code called from sync code.

A heartbeat coroutine ticks every few milliseconds while a handler coroutine makes blocking
calls (a `time.sleep` standing in for sync I/O): first offloaded with
`loop.run_in_executor(None, ...)` — to the loop's default ThreadPoolExecutor — and awaited,
then run inline, the anti-pattern. The heartbeat's longest gap shows whether the event loop
stalled: it is one thread, so an inline blocking call stops every coroutine for its whole
duration, however many cores there are. Then sync code running in a worker thread
(`asyncio.to_thread`) calls back into async code on the loop with
`asyncio.run_coroutine_threadsafe(...).result()`, Python's counterpart of `block_on`.

Run it: python3 python/demos.py bridge
"""

import asyncio
import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from .cli import Option
from .interrupt import sleep as interruptible_sleep
from .interrupt import until_stopped
from .report import EVENT_LOOP, Check, Observed, format_ms, observe_on_event_loop
from .report import flavor as interpreter_flavor

NAME = "bridge"
ABOUT = "blocking calls offloaded vs inline while a heartbeat ticks; sync code calling async"
OPTIONS = [
    Option("jobs", "Blocking calls the handler makes in each phase", 3, 1, 100),
    Option("job-ms", "Duration of each blocking call, in ms", 100, 1, 10_000),
    Option("tick-ms", "Heartbeat interval, in ms", 5, 1, 1_000),
]
BRIDGED_VALUE = 42
# The offloaded phase must see a tick only when it lasts at least this many intervals and
# this many ms (a loaded machine can delay a timer by a few ms), as in the Rust scenario.
MIN_TICKS_IN_WINDOW, MIN_WINDOW_MS = 10, 50
OFFLOADED = "phase 1: the handler offloads each blocking call with run_in_executor and awaits it"
INLINE = ("phase 2: the handler makes the same blocking calls inline: the loop's one thread is "
          "blocked")


def default_executor_size() -> int:
    """ThreadPoolExecutor's documented default, which asyncio's default executor uses."""
    return min(32, (os.cpu_count() or 1) + 4)


class Heartbeat:
    """The heartbeat's bookkeeping: ticks and the longest gap between them, per phase."""

    def __init__(self, tick_ms: int, log) -> None:
        self.tick_s, self.log = tick_ms / 1e3, log
        self.stopped = False
        self.start_phase(None)

    def start_phase(self, what: str | None) -> None:
        if what:
            self.log.line(what)
        self.last, self.max_gap, self.ticks = time.perf_counter(), 0.0, 0

    def tick(self) -> None:
        now = time.perf_counter()
        gap = now - self.last
        if gap > 4 * self.tick_s:
            self.log.line(f"heartbeat late: {gap * 1e3:.0f} ms since the last tick "
                          f"(interval {self.tick_s * 1e3:.0f} ms)")
        self.max_gap, self.last, self.ticks = max(self.max_gap, gap), now, self.ticks + 1

    def end_phase(self) -> tuple[int, float]:
        """Ticks and the longest gap in ms; a stall still going on at the end counts too."""
        return self.ticks, max(self.max_gap, time.perf_counter() - self.last) * 1e3

    async def run(self, loop_threads: set) -> None:
        while not self.stopped:
            loop_threads.add(threading.get_ident())
            await asyncio.sleep(self.tick_s)
            self.tick()


def blocking_call(job_s: float) -> bool:
    """The blocking call itself; returns whether it ran to its end (Ctrl-C cuts it short)."""
    return interruptible_sleep(job_s)


def offload(loop, call, *args) -> asyncio.Future:
    """Run a blocking call on the loop's default executor (a test swaps in running it inline)."""
    return loop.run_in_executor(None, call, *args)


async def async_value() -> int:
    """The async code sync code calls into."""
    await asyncio.sleep(0.001)
    return BRIDGED_VALUE


async def scenario(cfg, env, loop_threads: set) -> dict:
    loop = asyncio.get_running_loop()
    loop.set_default_executor(ThreadPoolExecutor(default_executor_size(), "asyncio"))
    hb = Heartbeat(cfg.tick_ms, env.log)
    heartbeat = asyncio.create_task(hb.run(loop_threads))
    job_s = cfg.job_ms / 1e3

    async def offloading_handler() -> int:
        hb.start_phase(OFFLOADED)
        done = 0
        for _ in until_stopped(range(cfg.jobs)):
            # The call runs on an executor thread; the loop's thread is free meanwhile.
            done += await offload(loop, blocking_call, job_s)
        return done

    async def inline_handler() -> int:
        hb.start_phase(INLINE)
        done = 0
        for _ in until_stopped(range(cfg.jobs)):
            done += blocking_call(job_s)  # the anti-pattern: the loop's only thread sleeps here
        return done

    offloaded = await asyncio.create_task(offloading_handler())
    offloaded_beat = hb.end_phase()

    def sync_code() -> int:
        # Sync code in a worker thread calling async code: submit it to the running loop and
        # block this thread, not the loop's, until the result comes back.
        return asyncio.run_coroutine_threadsafe(async_value(), loop).result(timeout=10)

    bridged = await asyncio.to_thread(sync_code)
    inline = await asyncio.create_task(inline_handler())
    inline_beat = hb.end_phase()
    hb.stopped = True
    await heartbeat
    return {
        "blocking_jobs": cfg.jobs,
        "offloaded_completed": offloaded,
        "inline_completed": inline,
        "heartbeats": offloaded_beat[0] + inline_beat[0],
        "heartbeats_offloaded": offloaded_beat[0],
        "heartbeats_inline": inline_beat[0],
        "inline_handlers": 1,  # one per thread running coroutines: the loop has one
        "max_gap_offloaded_ms": offloaded_beat[1],
        "max_gap_inline_ms": inline_beat[1],
        "block_on_value_ok": bridged == BRIDGED_VALUE,
    }


def observe(cfg, env) -> Observed:
    return observe_on_event_loop(lambda loop_threads: scenario(cfg, env, loop_threads))


def least_duration(cfg, threads: int, seed: int) -> float:
    return 2 * cfg.jobs * cfg.job_ms / 1e3  # offloaded one after another, then inline


def flavor(cfg, env) -> str:
    return interpreter_flavor(f"{EVENT_LOOP} + its default executor, "
                              f"ThreadPoolExecutor({default_executor_size()})")


def headline(cfg) -> str:
    return (f"a heartbeat ticks every {cfg.tick_ms} ms while a handler makes {cfg.jobs} blocking "
            f"calls of {cfg.job_ms} ms: offloaded, then inline")


def checks(cfg, m) -> list[Check]:
    n, inline = m["blocking_jobs"], m["blocking_jobs"] * m["inline_handlers"]
    out = [Check("every blocking call completed, offloaded and inline",
                 m["offloaded_completed"] == n and m["inline_completed"] == inline,
                 f"{m['offloaded_completed']}/{n} offloaded, "
                 f"{m['inline_completed']}/{inline} inline")]
    window_ms = cfg.jobs * cfg.job_ms
    if window_ms >= max(MIN_WINDOW_MS, MIN_TICKS_IN_WINDOW * cfg.tick_ms):
        out.append(Check("the heartbeat ticked while the calls were offloaded",
                         m["heartbeats_offloaded"] > 0,
                         f"{m['heartbeats_offloaded']} ticks in {window_ms} ms of {cfg.tick_ms} "
                         "ms intervals"))
    out.append(Check("sync code got the async result through block_on", m["block_on_value_ok"],
                     str(m["block_on_value_ok"]).lower()))
    return out


def figures(cfg, m) -> list[tuple[str, str]]:
    def gap(ms: float, ticks: int) -> str:
        return f"longest heartbeat gap {format_ms(ms)} ms, {ticks} tick{'' if ticks == 1 else 's'}"

    return [
        ("offloaded", gap(m["max_gap_offloaded_ms"], m["heartbeats_offloaded"])),
        ("inline", gap(m["max_gap_inline_ms"], m["heartbeats_inline"])),
        ("sync → async", "run_coroutine_threadsafe(...).result() returned the async value: "
         f"{str(m['block_on_value_ok']).lower()}"),
    ]


def takeaway(cfg, m, env) -> str:
    stalled = m["max_gap_inline_ms"] >= cfg.job_ms  # no tick for as long as one blocking call
    offloaded = (f"offloaded, the blocking calls left the heartbeat ticking (longest gap "
                 f"{format_ms(m['max_gap_offloaded_ms'])} ms)")
    if stalled:
        inline = (f"inline, they froze the event loop: no coroutine ran for "
                  f"{format_ms(m['max_gap_inline_ms'])} ms, and --threads cannot help, since "
                  "asyncio runs every coroutine on one thread")
    else:
        inline = (f"inline, the heartbeat still ticked (longest gap "
                  f"{format_ms(m['max_gap_inline_ms'])} ms, under one {cfg.job_ms} ms call)")
    return (f"{offloaded}; {inline}. Offload blocking calls (run_in_executor / asyncio.to_thread); "
            "sync code gets back into the loop with run_coroutine_threadsafe.")
