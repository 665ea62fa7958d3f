"""race: coroutines read a shared counter, await, then write what they read + 1.

Three ways on asyncio's event loop, then twice on threads:

* unsynchronized: read, `await asyncio.sleep(0)`, write. The await hands the loop to every
  other ready coroutine, so they all read before any of them writes: updates are lost on ONE
  thread, with no parallelism at all. A race condition needs only a switch between a read
  and the write that depends on it.
* asyncio.Lock held across the await: the others run in the gap, but none can enter.
* no await inside the update (the report's `atomic`): the loop switches coroutines only at
  an await, so `counter.value += 1` between two awaits cannot be split.
* threads of a ThreadPoolExecutor(--threads): read, `time.sleep(0)`, write. The sleep
  releases the GIL and another thread runs between the read and the write: the GIL does not
  make a read-then-write atomic. Then the same under a threading.Lock.

Run it: python3 python/demos.py race          (and --threads 1 for one pool thread)
"""

import asyncio
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from .cli import Option
from .interrupt import requested, until_stopped
from .report import EVENT_LOOP, Check, Observed, format_ms, plural
from .report import flavor as interpreter_flavor
from .timeline import thread_number

NAME = "race"
ABOUT = "coroutines read, await, write a counter: lost updates vs asyncio.Lock; then threads"
OPTIONS = [Option("tasks", "Tasks that each increment the counter once", 1000, 1, 1_000_000)]

# The locks, named here so a test can swap in one that does not exclude.
AsyncLock = asyncio.Lock
ThreadLock = threading.Lock
OVERWRITES_SHOWN = 4  # the live log shows this many lost updates per phase, then counts them


class Counter:
    value = 0


class LostUpdates:
    """The live log of an unsynchronized phase: the first few writes that erased other
    increments, then how many did in all."""

    def __init__(self, log, who: str, paused: str) -> None:
        self.log, self.who, self.paused = log, who, paused
        self.overwrites = self.most_erased = 0
        self._lock = threading.Lock()

    def record(self, task: int, read: int, overwritten: int) -> None:
        if overwritten == read or not self.log.enabled:
            return
        with self._lock:
            self.overwrites += 1
            self.most_erased = max(self.most_erased, overwritten - read)
            shown = self.overwrites <= OVERWRITES_SHOWN
        if not shown:
            return
        head = f"{self.who} {task} read {read}, {self.paused}, wrote {read + 1} over"
        if overwritten > read:
            erased = overwritten - read
            self.log.line(f"{head} {overwritten}: {plural(erased, 'increment')} made meanwhile "
                          "erased")
        else:
            self.log.line(f"{head} a stale {overwritten} left by another {self.who}")

    def finish(self) -> None:
        if self.overwrites > OVERWRITES_SHOWN:
            self.log.line(f"… {self.overwrites} writes in all overwrote other increments "
                          f"(the worst erased {self.most_erased} at once)")


# The bodies every coroutine or thread job runs, one per way; the phases below spawn them.
# (A test swaps one for a broken version to see its check fail.)


async def coroutine_step(counter: Counter) -> tuple[int, int]:
    """Read, await, write: returns what the coroutine read and what its write overwrote."""
    read = counter.value
    await asyncio.sleep(0)  # every other ready coroutine runs here, between our read and our write
    overwritten, counter.value = counter.value, read + 1
    return read, overwritten


async def locked_step(counter: Counter, lock) -> None:
    async with lock:
        read = counter.value
        await asyncio.sleep(0)  # the others run, but none can take the lock
        counter.value = read + 1


async def no_await_step(counter: Counter) -> None:
    await asyncio.sleep(0)
    counter.value += 1  # read and write with no await between: no coroutine can run in the middle


def thread_step(counter: Counter) -> tuple[int, int]:
    """Read, sleep(0), write, on a pool thread: what it read and what its write overwrote."""
    read = counter.value
    time.sleep(0)  # releases the GIL: another thread may run between our read and our write
    overwritten, counter.value = counter.value, read + 1
    return read, overwritten


def thread_locked_step(counter: Counter, lock) -> None:
    with lock:
        read = counter.value
        time.sleep(0)  # the others may run, but they block on the lock
        counter.value = read + 1


def timed(run):
    start = time.perf_counter()
    value = run()
    return value, (time.perf_counter() - start) * 1e3


async def on_event_loop(tasks: int, log) -> dict:
    """The three ways on coroutines: each phase's final count and wall time."""

    async def phase(body) -> tuple[int, float]:
        counter, start = Counter(), time.perf_counter()
        spawned = [asyncio.create_task(body(counter, i)) for i in until_stopped(range(tasks))]
        await asyncio.gather(*spawned)
        return counter.value, (time.perf_counter() - start) * 1e3

    lost, lock = LostUpdates(log, "coroutine", "awaited"), AsyncLock()

    async def unsynchronized(counter: Counter, i: int) -> None:
        lost.record(i, *await coroutine_step(counter))

    m = {}
    m["unsynchronized"], m["unsynchronized_ms"] = await phase(unsynchronized)
    lost.finish()
    m["mutex"], m["mutex_ms"] = await phase(lambda counter, i: locked_step(counter, lock))
    m["atomic"], m["atomic_ms"] = await phase(lambda counter, i: no_await_step(counter))
    return m


def on_threads(pool: ThreadPoolExecutor, tasks: int, body, seen: set) -> int:
    """`tasks` pool jobs running `body(counter, i)`; the counter's final value."""
    counter = Counter()

    def job(i: int) -> None:
        if not requested():  # after Ctrl-C, jobs not yet started are skipped
            seen.add(thread_number())
            body(counter, i)

    list(pool.map(job, until_stopped(range(tasks))))
    return counter.value


def observe(cfg, env) -> Observed:
    n = cfg.tasks
    m = asyncio.run(on_event_loop(n, env.log))
    seen: set[int] = set()
    lost, lock = LostUpdates(env.log, "thread job", "slept(0)"), ThreadLock()
    with ThreadPoolExecutor(env.threads, thread_name_prefix="race-pool") as pool:
        m["thread_unsynchronized"], m["thread_unsynchronized_ms"] = timed(lambda: on_threads(
            pool, n, lambda counter, i: lost.record(i, *thread_step(counter)), seen))
        lost.finish()
        m["thread_lock"], m["thread_lock_ms"] = timed(lambda: on_threads(
            pool, n, lambda counter, i: thread_locked_step(counter, lock), seen))
    m |= {"expected": n, "lost_updates": max(n - m["unsynchronized"], 0),
          "thread_lost_updates": max(n - m["thread_unsynchronized"], 0), "pool_threads": len(seen)}
    return Observed(m, workers_observed=len(seen), workers_ran="running the thread jobs")


def flavor(cfg, env) -> str:
    return interpreter_flavor(f"{EVENT_LOOP}, then ThreadPoolExecutor({env.threads})")


def headline(cfg) -> str:
    return (f"{cfg.tasks} coroutines each read a shared counter, await, then write what they "
            f"read + 1; then {cfg.tasks} thread-pool jobs read, sleep(0), write")


def checks(cfg, m) -> list[Check]:
    n = m["expected"]
    return [
        Check("mutex == expected", m["mutex"] == n, f"{m['mutex']}/{n}"),
        Check("atomic == expected", m["atomic"] == n, f"{m['atomic']}/{n}"),
        Check("threading.Lock == expected", m["thread_lock"] == n, f"{m['thread_lock']}/{n}"),
    ]


def figures(cfg, m) -> list[tuple[str, str]]:
    return [
        ("expected", str(m["expected"])),
        ("coroutines, unsynchronized",
         f"{m['unsynchronized']}  ({m['lost_updates']} updates lost)"),
        ("coroutines, asyncio.Lock", str(m["mutex"])),
        ("coroutines, no await inside", str(m["atomic"])),
        ("threads, unsynchronized", f"{m['thread_unsynchronized']}  ({m['thread_lost_updates']} "
         f"updates lost, on {plural(m['pool_threads'], 'pool thread')})"),
        ("threads, threading.Lock", str(m["thread_lock"])),
        ("phase times", " · ".join(f"{label} {format_ms(m[key])} ms" for label, key in [
            ("unsynchronized", "unsynchronized_ms"), ("lock", "mutex_ms"),
            ("no await", "atomic_ms"),
            ("threads", "thread_unsynchronized_ms"), ("threading.Lock", "thread_lock_ms")])),
    ]


def takeaway(cfg, m, env) -> str:
    n, lost = m["expected"], m["lost_updates"]
    if lost > 0:
        loop = (f"{lost} of {n} increments were lost on one thread: each coroutine read the "
                "counter and awaited, the event loop ran the others in that await, and its write "
                "erased theirs — a race condition needs a switch, not parallelism.")
    else:
        loop = ("no coroutine lost an update this run: with so few tasks no other one ran in the "
                "await. The code is still racy; raise --tasks.")
    fixes = []
    if m["mutex"] == n:
        fixes.append(f"asyncio.Lock held across the await kept all {n}")
    if m["atomic"] == n:
        fixes.append("so did an update with no await inside it, which the loop cannot split")
    fix = (" " + "; ".join(fixes) + ".") if fixes else ""
    threads, tl = m["pool_threads"], m["thread_lost_updates"]
    if tl > 0:
        thread = (f"On {plural(threads, 'pool thread')}, time.sleep(0) released the GIL between "
                  f"read and write and another thread ran there: {tl} lost — the GIL does not make "
                  "a read-then-write atomic")
    elif threads <= 1:
        thread = ("On one pool thread no update was lost: nothing ran between each read and "
                  "write; the code is still racy (try --threads 2)")
    else:
        thread = (f"On {threads} pool threads no update was lost this run, by luck of the "
                  "interleaving; the code is still racy")
    locked = f"; threading.Lock kept all {n}." if m["thread_lock"] == n else "."
    return f"{loop}{fix} {thread}{locked}"
