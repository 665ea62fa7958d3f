"""Ctrl-C, as the Rust binaries handle it.

The first Ctrl-C sets a flag and the running scenario stops where it can: every sleep ends
within POLL, CPU loops stop between chunks, jobs not yet started are skipped and the queue's
producers stop while its consumers drain what was sent. The scenario then returns, its partial
summary is printed and the process exits 130. A second Ctrl-C leaves at once, also with 130.
No KeyboardInterrupt is raised, so no traceback is printed.
"""

import os
import signal
import threading
import time

EXIT_STATUS = 130  # 128 + SIGINT, as shells report it
POLL = 0.05  # how often a sleep looks at the flag: what a stop can lag by, in seconds

_requested = threading.Event()


def _on_sigint(signum, frame):
    if _requested.is_set():
        os._exit(EXIT_STATUS)  # the second Ctrl-C: leave now
    _requested.set()


def install() -> None:
    """Replace Python's KeyboardInterrupt with the flag (main thread only)."""
    signal.signal(signal.SIGINT, _on_sigint)


def request() -> None:
    """Ask the running scenario to stop, as the first Ctrl-C does."""
    _requested.set()


def requested() -> bool:
    """Whether Ctrl-C was pressed."""
    return _requested.is_set()


def reset() -> None:
    """Forget an earlier request (tests that run several scenarios in one process)."""
    _requested.clear()


def sleep(seconds: float) -> bool:
    """`time.sleep`, ended early by Ctrl-C; returns whether it slept the whole time."""
    deadline = time.perf_counter() + seconds
    while True:
        left = deadline - time.perf_counter()
        if left <= 0:
            return True
        if requested():
            return False
        time.sleep(min(left, POLL))


async def async_sleep(seconds: float) -> bool:
    """`asyncio.sleep`, ended early by Ctrl-C; returns whether it slept the whole time.

    A sleep shorter than POLL is one plain `asyncio.sleep`, so the timers are asyncio's own.
    """
    import asyncio  # here, so that installing the handler does not wait for asyncio to load

    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while True:
        if requested():
            return False
        await asyncio.sleep(min(max(deadline - loop.time(), 0.0), POLL))
        if loop.time() >= deadline:
            return True


def until_stopped(items):
    """The items up to the first Ctrl-C: a loop over it starts no more work once pressed."""
    for item in items:
        if requested():
            return
        yield item
