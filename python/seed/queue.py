"""queue: producers and consumers over a bounded asyncio.Queue(maxsize=capacity).

P producer coroutines put seeded random integers into the queue; C consumers take them out.
When producers outpace consumers the queue fills and a producer's `await queue.put(...)`
waits — backpressure, which keeps memory bounded instead of letting the queue grow. Each
producer first tries `put_nowait`, so a put that finds the queue full is counted as a wait.
When every producer is done, one `None` per consumer tells them to stop. The delays and
values come from the same seeded generator as the Rust scenario's.

The bookkeeping that proves the run correct — each item consumed exactly once, the depth
never above capacity, the values summed on both sides — is QueueTally (queue_tally.py).

Run it: python3 python/demos.py queue          (--delay-ms 0 makes it a throughput run)
"""

import asyncio
import threading
import time

from .cli import Option
from .fastrand import Pacing
from .interrupt import async_sleep
from .queue_tally import QueueTally
from .report import EVENT_LOOP, Check, Observed, format_ms, observe_on_event_loop
from .report import flavor as interpreter_flavor

NAME = "queue"
ABOUT = "producers and consumers over a bounded asyncio.Queue: backpressure and exactly-once"
MAX_TOTAL_ITEMS = 100_000_000
OPTIONS = [
    Option("producers", "Producer tasks", 3, 1, 64),
    Option("consumers", "Consumer tasks", 2, 1, 64),
    Option("capacity", "Queue capacity: a producer waits when this many items are queued", 5, 1,
           100_000),
    Option("items", "Items each producer puts", 10, 1, 100_000_000),
    Option("delay-ms", "Largest simulated I/O (producer) and processing (consumer) delay per item, "
           "in ms; each delay is drawn uniformly from 0..=delay-ms. 0 turns delays off", 50, 0,
           10_000),
]


def make_queue(capacity: int) -> asyncio.Queue:
    """The channel, named here so a test can swap in a broken one."""
    return asyncio.Queue(maxsize=capacity)


async def produce(p: int, pacing: Pacing, queue: asyncio.Queue, tally: QueueTally) -> None:
    book = tally.producer(p)
    while book.has_item_to_make():
        delay = pacing.delay_ms()
        if delay is not None:
            start = time.perf_counter()
            await async_sleep(delay / 1e3)  # simulated I/O before the item is ready
            book.io_finished(start)
        item = book.item(pacing.value())
        try:
            queue.put_nowait(item)  # an item that finds room goes in at once
            book.about_to_send(full=False)
        except asyncio.QueueFull:
            book.about_to_send(full=True)
            await queue.put(item)  # backpressure: this coroutine waits for a free slot
        book.after_send(queue.qsize())  # the queue's own count, just after our put
    book.close()


async def consume(pacing: Pacing, queue: asyncio.Queue, tally: QueueTally) -> None:
    while (item := await queue.get()) is not None:  # None: every producer is done
        tally.received(item)
        delay = pacing.delay_ms()
        if delay is not None:
            await async_sleep(delay / 1e3)  # simulated processing


async def scenario(cfg, env, loop_threads: set) -> dict:
    loop_threads.add(threading.get_ident())
    tally = QueueTally(cfg, env.log)
    started = time.perf_counter()
    queue = make_queue(cfg.capacity)
    consumers = [asyncio.create_task(consume(Pacing(env.seed, 2 * c + 1, cfg.delay_ms), queue,
                                             tally)) for c in range(cfg.consumers)]
    producers = [asyncio.create_task(produce(p, Pacing(env.seed, 2 * p, cfg.delay_ms), queue,
                                             tally)) for p in range(cfg.producers)]
    await asyncio.gather(*producers)
    for _ in consumers:
        await queue.put(None)
    await asyncio.gather(*consumers)
    return tally.finish(time.perf_counter() - started)


def observe(cfg, env) -> Observed:
    return observe_on_event_loop(lambda loop_threads: scenario(cfg, env, loop_threads))


def validate(cfg) -> str | None:
    total = cfg.producers * cfg.items
    if total > MAX_TOTAL_ITEMS:
        return (f"--producers {cfg.producers} × --items {cfg.items} is {total} items; at most "
                f"{MAX_TOTAL_ITEMS} in all")
    return None


def least_duration(cfg, threads: int, seed: int) -> float:
    # Each producer waits a seeded 0..=delay before each item, each consumer after each one:
    # on average half the delay, one item after another.
    in_turn = max(cfg.items, cfg.producers * cfg.items // cfg.consumers)
    return cfg.delay_ms / 2e3 * in_turn


def flavor(cfg, env) -> str:
    return interpreter_flavor(EVENT_LOOP)


def headline(cfg) -> str:
    return (f"{cfg.producers} producers × {cfg.items} items → "
            f"asyncio.Queue(maxsize={cfg.capacity}) → {cfg.consumers} consumers, delays up to "
            f"{cfg.delay_ms} ms")


def checks(cfg, m) -> list[Check]:
    # Interrupted, the producers sent fewer items; every one sent must still arrive once.
    total = m["produced"] if m["interrupted"] else cfg.producers * cfg.items
    return [
        Check("every item consumed exactly once",
              m["produced"] == total and m["consumed"] == total and m["duplicates"] == 0
              and m["missing"] == 0,
              f"{m['consumed']}/{total}, {m['duplicates']} duplicated, {m['missing']} missing"),
        Check("depth never above capacity", m["max_depth"] <= m["capacity"],
              f"max {m['max_depth']} of {m['capacity']}"),
        Check("sum of values consumed == sum produced", m["sums_match"],
              str(m["sums_match"]).lower()),
    ]


def figures(cfg, m) -> list[tuple[str, str]]:
    return [
        ("produced / consumed", f"{m['produced']} / {m['consumed']}"),
        ("max depth", f"{m['max_depth']} of capacity {m['capacity']}"),
        ("producer waits", f"{m['producer_waits']} times, "
         f"{format_ms(m['producer_wait_ms'])} ms in all"),
        ("throughput", f"{m['throughput_per_s']:.0f} items/s"),
    ]


def takeaway(cfg, m, env) -> str:
    if m["interrupted"]:
        return (f"interrupted: the producers stopped after {m['produced']} of "
                f"{cfg.producers * cfg.items} items and the consumers drained the queue, so every "
                f"item sent was accounted for ({m['consumed']} consumed).")
    if m["producer_waits"] > 0:
        return (f"the queue filled to {m['max_depth']} of its capacity of {cfg.capacity} and "
                f"producers waited {m['producer_waits']} times: backpressure slowed them to the "
                "consumers' pace instead of letting the queue grow. Raise --capacity or "
                "--consumers and the waits shrink.")
    return (f"the queue never filled (max depth {m['max_depth']} of {cfg.capacity}): consumers "
            "kept up, so producers never waited. Lower --capacity or --consumers, or add "
            "--producers, to see backpressure.")
