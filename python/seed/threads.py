"""threads: which OS threads run what, in CPython.

Four kinds of job each record the name and number of the thread that ran them: manual
`threading.Thread`s (Python has no scoped threads: any thread may borrow anything); I/O-like
jobs (10 ms blocking sleeps) sent from coroutines with `asyncio.to_thread`, which runs them
on the event loop's default executor; short CPU jobs on a ThreadPoolExecutor(--threads); and
one job per pool thread that all wait for each other at a barrier, which opens only if the
pool really runs --threads jobs at once. The coroutines themselves all run on the thread
that runs the event loop. The table that comes out is CPython's thread architecture.

Run it: python3 python/demos.py threads
"""

import asyncio
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from .bridge import default_executor_size
from .cli import Option
from .interrupt import POLL, requested
from .pools import sum_of_squares
from .report import Check, Observed, gil_enabled, plural
from .report import flavor as interpreter_flavor
from .timeline import Recorder, current_thread

NAME = "threads"
ABOUT = "manual threads, asyncio's executor, a thread pool: which OS thread ran each job"
OPTIONS = [
    Option("manual", "Manual threads (threading.Thread; Python has no scoped threads)", 2, 0, 64),
    Option("io-jobs", "I/O-like jobs (10 ms blocking sleeps) sent with asyncio.to_thread", 8, 0,
           256),
    Option("cpu-jobs", "Short CPU jobs on the ThreadPoolExecutor(--threads)", 8, 0, 10_000),
]
MANUAL, IO, CPU, TOGETHER = "manual thread", "I/O pool", "CPU workers", "all workers"
GATE_TIMEOUT = 2.0  # how long the barrier waits for every pool thread to arrive


def io_job() -> None:
    time.sleep(0.010)


def cpu_job() -> int:
    return sum_of_squares(0, 50_000)


def run_recorded(rec: Recorder, log, kind: str, i: int, job) -> None:
    """Run job `i` of `kind` on this thread, then log and record where it ran. After Ctrl-C
    the job is skipped: it neither runs nor counts."""
    if requested():
        return
    start = time.perf_counter()
    job()
    name, number = current_thread()
    log.line(f"{kind} job {i} ran on {name} (thread {number})")
    rec.record(f"{kind} {i}", kind, start)


class Gate:
    """A meeting point for `want` jobs: each blocks its thread until all have arrived, for at
    most GATE_TIMEOUT (or until Ctrl-C). It opens only if that many jobs run at the same
    moment, i.e. the pool really has that many threads; with fewer it times out."""

    def __init__(self, want: int) -> None:
        self.want, self.arrived, self.gave_up = want, 0, False
        self.changed = threading.Condition()

    def arrive(self) -> None:
        deadline = time.perf_counter() + GATE_TIMEOUT
        with self.changed:
            self.arrived += 1
            self.changed.notify_all()
            while self.arrived < self.want and not requested():
                left = deadline - time.perf_counter()
                if left <= 0:
                    break
                self.changed.wait(min(left, POLL))
            self.gave_up |= self.arrived < self.want

    def opened(self) -> bool:
        """Whether every job arrived while all the others were still waiting."""
        with self.changed:
            return self.arrived == self.want and not self.gave_up


def spawn_manual(i: int, job) -> threading.Thread:
    """A manual thread of its own for job `i`, started."""
    thread = threading.Thread(target=job, name=f"manual-{i}")
    thread.start()
    return thread


def make_pool(threads: int) -> ThreadPoolExecutor:
    """The ThreadPoolExecutor(--threads) for the CPU jobs."""
    return ThreadPoolExecutor(threads, thread_name_prefix="cpu-pool")


async def io_from_coroutines(cfg, rec, log, loop_threads: set) -> None:
    async def send(i: int) -> None:
        loop_threads.add(current_thread()[1])  # where the coroutine runs: the loop's thread
        await asyncio.to_thread(run_recorded, rec, log, IO, i, io_job)

    asyncio.get_running_loop().set_default_executor(
        ThreadPoolExecutor(default_executor_size(), "asyncio"))
    await asyncio.gather(*[send(i) for i in range(cfg.io_jobs)])


def observe(cfg, env) -> Observed:
    rec, log = Recorder(), env.log
    manual = [spawn_manual(i, lambda i=i: run_recorded(rec, log, MANUAL, i, cpu_job))
              for i in range(cfg.manual)]
    for thread in manual:
        thread.join()
    loop_threads: set[int] = set()
    asyncio.run(io_from_coroutines(cfg, rec, log, loop_threads))
    gate = Gate(env.threads)
    with make_pool(env.threads) as pool:
        list(pool.map(lambda i: run_recorded(rec, log, CPU, i, cpu_job), range(cfg.cpu_jobs)))
        # One job per pool thread, each blocking its thread until all have arrived.
        list(pool.map(lambda i: run_recorded(rec, log, TOGETHER, i, gate.arrive),
                      range(env.threads)))
    spans = rec.take()

    def threads_of(*kinds: str) -> set:
        return {s["thread_id"] for s in spans if s["label"] in kinds}

    io = [s for s in spans if s["label"] == IO]
    io_us = max(s["end_us"] for s in io) - min(s["start_us"] for s in io) if io else 0.0
    metrics = {
        "jobs": len(spans),
        "distinct_threads": len({s["thread_id"] for s in spans}),
        "jobs_expected": cfg.manual + cfg.io_jobs + cfg.cpu_jobs + env.threads,
        "manual_threads": len(threads_of(MANUAL)),
        "scoped_threads": 0,  # Python has no scoped threads: none ran a job
        "io_pool_threads": len(threads_of(IO)),
        "io_pool_size": default_executor_size(),
        # From the first I/O job's start to the last one's end, as in Rust.
        "io_ms": io_us / 1e3,
        "io_threads_also_workers": len(threads_of(IO) & threads_of(CPU, TOGETHER)),
        "cpu_worker_threads": len(threads_of(CPU)),
        "workers": env.threads,
        "together_threads": len(threads_of(TOGETHER)),
        "all_workers_at_once": gate.opened(),
        "event_loop_threads": len(loop_threads),
    }
    return Observed(metrics, workers_observed=len(threads_of(CPU, TOGETHER)),
                    workers_ran="running pool jobs", spans=spans)


def flavor(cfg, env) -> str:
    return interpreter_flavor(f"threading.Thread, asyncio's default executor "
                              f"(ThreadPoolExecutor({default_executor_size()})), "
                              f"ThreadPoolExecutor({env.threads})")


def headline(cfg) -> str:
    return (f"{plural(cfg.manual, 'manual thread')}, {cfg.io_jobs} blocking I/O jobs sent with "
            f"asyncio.to_thread, {cfg.cpu_jobs} CPU jobs on a pool: which OS thread ran each")


def checks(cfg, m) -> list[Check]:
    return [
        Check("every job ran once", m["jobs"] == m["jobs_expected"],
              f"{m['jobs']}/{m['jobs_expected']}"),
        Check("CPU jobs ran on at most --threads worker threads",
              m["cpu_worker_threads"] <= m["workers"],
              f"{m['cpu_worker_threads']} of {m['workers']}"),
        Check("--threads workers ran a job each at the same moment",
              m["all_workers_at_once"] and m["together_threads"] == m["workers"],
              f"{plural(m['workers'], 'job')} on {plural(m['together_threads'], 'thread')} met: "
              f"{str(m['all_workers_at_once']).lower()}"),
    ]


def figures(cfg, m) -> list[tuple[str, str]]:
    return [
        ("jobs", f"{m['jobs']} on {m['distinct_threads']} distinct OS threads"),
        ("coroutines", f"{cfg.io_jobs} sent the I/O jobs from "
         f"{plural(m['event_loop_threads'], 'thread')}: the event loop's"),
        ("default executor", f"{plural(m['io_pool_threads'], 'thread')} ran the I/O jobs (at most "
         f"{m['io_pool_size']})"),
        ("thread pool", f"{m['cpu_worker_threads']} of {m['workers']} ran the short CPU jobs (a "
         "thread that finds no job queued runs none)"),
        ("all at once", f"one job per pool thread, each waiting for the rest: "
         f"{m['together_threads']} of {m['workers']} met: {str(m['all_workers_at_once']).lower()}"),
    ]


def details(cfg, observed) -> list[str]:
    lines = ["which threads ran each kind of job:"]
    for kind in sorted({s["label"] for s in observed.spans}):
        spans = [s for s in observed.spans if s["label"] == kind]
        threads = {s["thread_id"]: s["thread"] for s in spans}
        ordered = sorted(threads.values(), key=lambda n: (len(n), n))  # asyncio_2 before asyncio_10
        names = ", ".join(ordered) if len(ordered) <= 3 else f"{ordered[0]} … {ordered[-1]}"
        jobs = "job " if len(spans) == 1 else "jobs"
        lines.append(f"  {kind:<14} {len(spans):>3} {jobs} on {len(threads):>2} thread(s): {names}")
    return lines


def takeaway(cfg, m, env) -> str:
    n = m["workers"]
    if n == 1 and m["cpu_worker_threads"] == 1:
        pool = "the pool's one thread ran every CPU job"
    elif m["all_workers_at_once"] and m["together_threads"] == n:
        every = "both pool threads" if n == 2 else f"all {n} pool threads"
        pool = (f"{every} were running a job at the same moment (the short CPU jobs went to "
                f"{m['cpu_worker_threads']} of them)")
    else:
        pool = (f"only {m['together_threads']} of {n} pool threads were seen running jobs at once "
                f"(the short CPU jobs went to {m['cpu_worker_threads']} of them)")
    loop = ("every coroutine ran on the event loop's one thread"
            if m["event_loop_threads"] == 1 else
            f"the coroutines ran on {plural(m['event_loop_threads'], 'thread')}")
    gil = (" With the GIL on they take turns running Python: see pools for what that does to "
           "CPU work." if gil_enabled() else "")
    return (f"CPython runs real OS threads: {pool}, {loop}, and asyncio.to_thread handed the "
            f"blocking I/O jobs to {plural(m['io_pool_threads'], 'thread')} of its default "
            "executor, because a blocked thread can run nothing else. A manual thread costs an "
            f"OS thread each; pools reuse theirs.{gil}")
