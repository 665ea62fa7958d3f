"""pools: blocking jobs and CPU jobs on concurrent.futures pools, and what the GIL changes.

First I/O-like jobs — a blocking `time.sleep` standing in for a file read or a sync client
call — on a ThreadPoolExecutor with a thread per job, each with a done-callback, taken as
they complete (`as_completed`). A thread blocked in a sleep (as in a blocking I/O call)
releases the GIL, so they overlap.

Then Σi² cut into one job per pool thread, each sized to take about 40 ms here, run one
after another on the main thread, side by side on a ThreadPoolExecutor(--threads), and on a
fresh ProcessPoolExecutor(--threads) (its start-up timed too), five rounds; the figures are
those of the median round. Pure-Python arithmetic holds the GIL, so the pool's threads take
turns and gain nothing; each process has its own interpreter and GIL, so processes do.

Run it: python3 python/demos.py pools
"""

import multiprocessing
import os
import signal
import threading
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor, as_completed, wait

from .cli import Option, available_parallelism
from .fastrand import MASK, Rng
from .interrupt import POLL, requested
from .interrupt import sleep as interruptible_sleep
from .report import Check, Observed, format_ms, gil_enabled, plural
from .report import flavor as interpreter_flavor
from .timeline import thread_number

NAME = "pools"
ABOUT = "blocking I/O jobs and CPU jobs on thread and process pools: overlap, speedup, the GIL"
MAX_CPU_SIZE = 1_000_000_000
OPTIONS = [
    Option("io-jobs", "Blocking I/O-like jobs", 10, 1, 1_000),
    Option("io-ms", "Longest I/O job, in ms; each takes a seeded random time from half this to "
           "this", 50, 0, 10_000),
    Option("cpu-jobs", "CPU-bound jobs", None, 1, 1_024, shown_default="one per pool thread"),
    Option("cpu-size", "Numbers each CPU job squares and sums", None, 1, MAX_CPU_SIZE,
           shown_default="as many as take about 40 ms here"),
]
ROUNDS = 5
CPU_JOB_MS = 40
NOISE_MARGIN = 1.15  # a speedup this far above its bound is reported as noise
SHORT_JOB_MS = 10  # a CPU job shorter than this shows the pools' overhead more than the GIL
CHUNK = 1 << 16  # numbers between two looks at the Ctrl-C flag
LEAST_NS_PER_SQUARE = 10.0  # a floor under CPython's time per number, for estimates only


def sum_of_squares(start: int, end: int, stopped=requested) -> int:
    """Σ i² over start..end, wrapped to 64 bits as the Rust job wraps it; stops between
    chunks once `stopped()` (leaving a partial sum, which then fails to match, as it should)."""
    total = 0
    while start < end and not stopped():
        stop = min(end, start + CHUNK)
        for i in range(start, stop):
            total += i * i
        total &= MASK
        start = stop
    return total


def calibrate(target_ms: float) -> int:
    """Numbers one job sums so that it takes about `target_ms` on this thread, timed on
    growing sizes until a run lasts 5 ms."""
    n = 50_000
    while True:
        start = time.perf_counter()
        sum_of_squares(0, n)
        took = time.perf_counter() - start
        if took >= 0.005 or n >= MAX_CPU_SIZE or requested():
            return max(1, min(MAX_CPU_SIZE, int(target_ms / 1e3 / max(took, 1e-12) * n)))
        n *= 4


def thread_job(start: int, end: int) -> tuple[int, int]:
    return sum_of_squares(start, end), thread_number()


_child_stop = None  # in a pool process: the Event the parent sets on Ctrl-C


def _child_init(stop) -> None:
    global _child_stop
    _child_stop = stop
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C, and tells us


def process_job(start: int, end: int) -> int:
    return sum_of_squares(start, end, _child_stop.is_set)


def when_done(future, callback) -> None:
    """Attach a done-callback (named so a test can swap in a broken step)."""
    future.add_done_callback(callback)


def io_delays(cfg, seed: int) -> list[int]:
    rng = Rng(seed)
    return [rng.u64(cfg.io_ms // 2, cfg.io_ms) for _ in range(cfg.io_jobs)]


def io_phase(cfg, env, m) -> None:
    delays = io_delays(cfg, env.seed)
    done: list[int] = []
    lock = threading.Lock()
    start = time.perf_counter()

    def callback(i: int):
        def on_done(future) -> None:  # run by the thread that finished the job
            with lock:
                done.append(i)
                place = len(done)
            env.log.line(f"I/O job {i} done #{place} after {delays[i]} ms; callback ran on "
                         f"{threading.current_thread().name}")
        return on_done

    with ThreadPoolExecutor(cfg.io_jobs, thread_name_prefix="io-pool") as pool:
        jobs = {}
        for i, d in enumerate(delays):
            job = pool.submit(interruptible_sleep, d / 1e3)  # blocks its thread, releasing the GIL
            when_done(job, callback(i))
            jobs[job] = i
        finished = {jobs[job] for job in as_completed(jobs)}
    m |= {"io_jobs": cfg.io_jobs, "io_completed": len(finished), "io_callbacks_run": len(done),
          "io_ms": (time.perf_counter() - start) * 1e3, "io_serial_ms": float(sum(delays))}


def wait_until_single_threaded(limit_s: float = 0.1) -> None:
    """Wait, outside the timings, until the threads of the pools just shut down have left the
    OS too: a joined Python thread lingers a few ms, and forking a process that still has other
    threads risks a deadlock in the child (Python 3.12+ warns of it). Linux only; elsewhere, or
    after `limit_s`, go on."""
    deadline = time.perf_counter() + limit_s
    while time.perf_counter() < deadline:
        try:
            with open("/proc/self/status") as status:
                threads = next((int(line.split()[1]) for line in status
                                if line.startswith("Threads:")), 1)
        except OSError:
            return
        if threads <= 1:
            return
        time.sleep(0.001)


def cpu_round(ranges, threads: int, context, record) -> None:
    """One round: the jobs one after another, on the thread pool, then on a process pool."""
    start = time.perf_counter()
    sums = [sum_of_squares(a, b) for a, b in ranges]
    sequential = time.perf_counter() - start
    with ThreadPoolExecutor(threads, thread_name_prefix="cpu-pool") as pool:
        start = time.perf_counter()
        on_threads = list(pool.map(thread_job, *zip(*ranges, strict=True)))
        parallel = time.perf_counter() - start
    # The thread pool is shut down: this process forks with no other thread running.
    wait_until_single_threaded()
    stop = context.Event()
    start = time.perf_counter()  # from the pool's creation: its start-up is part of the cost
    with ProcessPoolExecutor(threads, mp_context=context, initializer=_child_init,
                             initargs=(stop,)) as processes:
        jobs = [processes.submit(process_job, a, b) for a, b in ranges]
        while wait(jobs, timeout=POLL).not_done:
            if requested():
                stop.set()  # the children stop at their next chunk
        in_processes = [job.result() for job in jobs]
    record(sums, sequential, on_threads, parallel, in_processes, time.perf_counter() - start)


def cpu_phase(cfg, env, m) -> set:
    jobs = cfg.cpu_jobs or env.threads
    size = cfg.cpu_size or calibrate(CPU_JOB_MS)
    ranges = [(j * size, (j + 1) * size) for j in range(jobs)]
    rounds, threads_seen = [], set()  # each round's pool is new: the widest round counts
    expected: list[int] = []
    mismatches = process_mismatches = 0

    def record(sums, sequential, on_threads, parallel, in_processes, process_time):
        nonlocal mismatches, process_mismatches
        expected[:] = expected or sums
        mismatches += [s for s, _ in on_threads] != sums
        process_mismatches += in_processes != expected
        this_round = {t for _, t in on_threads}
        if len(this_round) > len(threads_seen):
            threads_seen.clear()
            threads_seen.update(this_round)
        rounds.append((sequential * 1e3, parallel * 1e3, process_time * 1e3))

    context = multiprocessing.get_context()
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    for _ in range(ROUNDS):
        if requested():
            break
        cpu_round(ranges, env.threads, context, record)
    cores = available_parallelism()
    by_threads = median(rounds, lambda r: r[0] / r[1] if r[1] else 0.0)
    by_processes = median(rounds, lambda r: r[0] / r[2] if r[2] else 0.0)
    bound = float(max(1, min(jobs, len(threads_seen), cores)))
    speedup = by_threads[0] / by_threads[1] if by_threads[1] else 0.0
    m |= {"cpu_jobs": jobs, "cpu_size": size, "rounds": len(rounds), "sequential_ms": by_threads[0],
          "parallel_ms": by_threads[1], "speedup": speedup, "cpu_threads": len(threads_seen),
          "cores": cores, "speedup_bound": bound,
          "speedup_is_noise": speedup > bound * NOISE_MARGIN,
          "results_match": mismatches == 0 and bool(rounds), "process_ms": by_processes[2],
          "process_speedup": by_processes[0] / by_processes[2] if by_processes[2] else 0.0,
          "process_pool": env.threads,
          "process_results_match": process_mismatches == 0 and bool(rounds),
          "gil_enabled": gil_enabled(), "load_average": load}
    return threads_seen


def median(rounds, ratio):
    """The round with the median `ratio` (the lower of the middle two), so figures printed
    together come from one round and agree."""
    if not rounds:
        return (0.0, 0.0, 0.0)
    return sorted(rounds, key=ratio)[(len(rounds) - 1) // 2]


def observe(cfg, env) -> Observed:
    m: dict = {}
    io_phase(cfg, env, m)
    threads_seen = cpu_phase(cfg, env, m)
    return Observed(m, workers_observed=len(threads_seen), workers_ran="running the CPU jobs")


def least_duration(cfg, threads: int, seed: int) -> float:
    # The I/O jobs overlap; each round runs the CPU jobs one after another, then at best
    # spread over the cores, twice (threads, processes).
    io = max(io_delays(cfg, seed)) / 1e3
    jobs = cfg.cpu_jobs or threads
    job = LEAST_NS_PER_SQUARE * 1e-9 * cfg.cpu_size if cfg.cpu_size else CPU_JOB_MS / 1e3
    sequential = job * jobs
    parallel = sequential / max(1, min(jobs, available_parallelism()))
    return io + (sequential + 2 * parallel) * ROUNDS


def flavor(cfg, env) -> str:
    start = multiprocessing.get_context().get_start_method()
    return interpreter_flavor(f"ThreadPoolExecutor({cfg.io_jobs}) for I/O, "
                              f"ThreadPoolExecutor({env.threads}) and "
                              f"ProcessPoolExecutor({env.threads}, {start}) for CPU")


def headline(cfg) -> str:
    size = f"{cfg.cpu_size} numbers" if cfg.cpu_size else f"about {CPU_JOB_MS} ms of numbers"
    return (f"{cfg.io_jobs} blocking I/O jobs of up to {cfg.io_ms} ms on a thread each; then Σi² "
            f"over {size} per CPU job, one after another, on a thread pool and on a process pool "
            f"({ROUNDS} rounds)")


def checks(cfg, m) -> list[Check]:
    return [
        Check("every I/O job completed and its callback ran",
              m["io_completed"] == m["io_jobs"] and m["io_callbacks_run"] == m["io_jobs"],
              f"{m['io_completed']}/{m['io_jobs']} completed, {m['io_callbacks_run']} callbacks"),
        Check("every parallel sum equals the sequential sum", m["results_match"],
              plural(m["cpu_jobs"], "job")),
        Check("every child process's sum equals the sequential sum", m["process_results_match"],
              str(m["process_results_match"]).lower()),
    ]


def figures(cfg, m) -> list[tuple[str, str]]:
    overlap = m["io_serial_ms"] / m["io_ms"] if m["io_ms"] > 0 else 0.0
    noise = " — above what is possible: noise" if m["speedup_is_noise"] else ""
    return [
        ("I/O jobs", f"{format_ms(m['io_serial_ms'])} ms of blocking work done in "
         f"{format_ms(m['io_ms'])} ms (×{overlap:.1f} overlap)"),
        ("CPU one by one", f"{format_ms(m['sequential_ms'])} ms for {plural(m['cpu_jobs'], 'job')} "
         f"of {m['cpu_size']} numbers on one thread (the median of {m['rounds']} rounds)"),
        ("CPU on threads", f"{format_ms(m['parallel_ms'])} ms on "
         f"{plural(m['cpu_threads'], 'pool thread')}: speedup ×{m['speedup']:.2f}, at most "
         f"×{m['speedup_bound']:g} from jobs, threads and cores{noise}"),
        ("CPU in processes", f"{format_ms(m['process_ms'])} ms on a fresh pool of "
         f"{plural(m['process_pool'], 'process', 'processes')}, start-up included: speedup "
         f"×{m['process_speedup']:.2f}"),
    ]


def takeaway(cfg, m, env) -> str:
    if m["io_serial_ms"] > 0:
        io = (f"blocking jobs overlap on threads: {format_ms(m['io_serial_ms'])} ms of waits took "
              f"{format_ms(m['io_ms'])} ms, since a thread blocked in a sleep (or in blocking I/O) "
              "releases the GIL")
    else:
        io = "the I/O jobs had nothing to wait for (--io-ms 0), so there was no overlap to see"
    return f"{io}. {cpu_lesson(m)}."


def cpu_lesson(m) -> str:
    """What the CPU rounds showed, from their speedups: threads against processes."""
    t, p = m["speedup"], m["process_speedup"]
    bound = max(1, min(m["cpu_jobs"], m["process_pool"], m["cores"]))
    both = f"threads ×{t:.2f}, processes ×{p:.2f} with their start-up"
    if bound == 1:
        jobs, workers = plural(m["cpu_jobs"], "CPU job"), plural(m["process_pool"], "pool worker")
        return (f"With {jobs}, {workers} and {plural(m['cores'], 'core')}, no two jobs could run "
                f"at once: {both}; give them more of each to see the GIL")
    if not m["gil_enabled"]:
        return f"With the GIL off, the CPU jobs got {both}, of at most ×{bound}"
    if t >= NOISE_MARGIN:
        return (f"CPU jobs measured ×{t:.2f} on threads, which the GIL does not allow (one thread "
                f"at a time runs Python): the noise of a busy machine, rerun it; processes "
                f"×{p:.2f}")
    if p >= NOISE_MARGIN:
        return (f"CPU jobs in pure Python got ×{t:.2f} on threads, where the GIL lets one thread "
                f"at a time run Python, but ×{p:.2f} in processes (of at most ×{bound}, start-up "
                "included), each with its own interpreter and GIL: for CPU-bound Python, use "
                "processes")
    job_ms = m["sequential_ms"] / max(m["cpu_jobs"], 1)
    if job_ms < SHORT_JOB_MS:
        return (f"Neither threads nor processes sped the CPU jobs up ({both}), but each job took "
                f"only {job_ms:.1f} ms, too little against the cost of handing it to a pool: "
                "raise --cpu-size")
    load = m["load_average"]
    # This run itself adds about one to the load: more than that over the cores is other work.
    busy = (f"; the load average was {load:.1f} on {plural(m['cores'], 'core')}, so other work "
            "held the cores" if load is not None and load >= m["cores"] + 1 else "")
    return (f"Neither threads nor processes sped the CPU jobs up this run ({both}){busy}. It "
            "cannot show what the GIL costs: rerun it on a quiet machine")
