"""scheduling: who decides when a task gives up the CPU, in CPython.

Three CPU-bound tasks each take K steps of busy work (spinning, as computation would), three
ways:

* no yield: coroutines that never reach an await. The event loop can switch coroutines only
  at an await, so they run strictly one after another, on its one thread.
* cooperative: `await asyncio.sleep(0)` after every step. They take turns, a step each.
* preemptive: a threading.Thread per task, never yielding. The interpreter makes the thread
  holding the GIL drop it every `sys.getswitchinterval()` (5 ms by default) when another
  thread waits for it, so they are switched anyway. Each thread spins for its steps' worth of
  its own CPU time (`time.thread_time`), and every stretch it ran without a pause is recorded.

Each step (or stretch) is a span; the switches count consecutive spans, in start order, of
different tasks, and the lanes below the summary draw them.

Run it: python3 python/demos.py scheduling
"""

import asyncio
import sys
import threading
import time

from .cli import Option
from .interrupt import requested
from .report import EVENT_LOOP, Check, Observed
from .report import flavor as interpreter_flavor
from .timeline import Recorder, lanes, switches

NAME = "scheduling"
ABOUT = "CPU-bound coroutines with no yield, cooperative yields, and threads the GIL switches"
OPTIONS = [
    Option("tasks", "CPU-bound tasks", 3, 1, 16),
    Option("steps", "Steps each task takes", 8, 1, 1_000),
    Option("step-ms", "Busy work per step, in ms", 2, 1, 1_000),
]
NO_YIELD, COOPERATIVE, PREEMPTIVE = "no yield", "cooperative", "preemptive"
DESCHEDULED = 100e-6  # a jump of the wall clock between two looks that means the thread paused


def step(rec: Recorder, cfg, mode: str, task: int) -> None:
    """Spin for one step's wall time, recorded as a span; skipped or cut short by Ctrl-C."""
    if requested():
        return
    start = time.perf_counter()
    while time.perf_counter() - start < cfg.step_ms / 1e3 and not requested():
        pass
    rec.record(f"task {task}", mode, start)


async def no_yield(rec: Recorder, cfg, task: int) -> None:
    for _ in range(cfg.steps):
        step(rec, cfg, NO_YIELD, task)  # no await anywhere: nothing else runs until we end


async def cooperative(rec: Recorder, cfg, task: int) -> None:
    for _ in range(cfg.steps):
        step(rec, cfg, COOPERATIVE, task)
        await asyncio.sleep(0)  # back to the event loop: every other ready task runs first


async def on_the_loop(cfg, rec: Recorder, loop_threads: set) -> None:
    async def noted(body, task: int) -> None:
        loop_threads.add(threading.get_ident())  # the thread running the coroutines
        await body(rec, cfg, task)

    await asyncio.gather(*[asyncio.create_task(noted(no_yield, t)) for t in range(cfg.tasks)])
    await asyncio.gather(*[asyncio.create_task(noted(cooperative, t)) for t in range(cfg.tasks)])


def preemptive(rec: Recorder, cfg, task: int, cpu_used: list) -> None:
    """The task's steps on this thread, never yielding: each spins until the thread has used
    the step's length of CPU time, recording each stretch it ran without a pause."""
    started = time.thread_time()
    for _ in range(cfg.steps):
        if requested():
            break
        cpu_start = time.thread_time()
        run_start = last = time.perf_counter()
        while time.thread_time() - cpu_start < cfg.step_ms / 1e3 and not requested():
            now = time.perf_counter()
            if now - last > DESCHEDULED:  # paused between two looks: the GIL went to another thread
                rec.record(f"task {task}", PREEMPTIVE, run_start, last)
                run_start = now
            last = now
        rec.record(f"task {task}", PREEMPTIVE, run_start, last)
    cpu_used[task] = time.thread_time() - started


def lockstep(spans: list, tasks: int) -> bool:
    """Whether the steps went in rounds: in start order the i-th step belongs to round
    i // tasks, so no task took its next step before every task had taken its current one."""
    done: dict[str, int] = {}
    for i, span in enumerate(sorted(spans, key=lambda s: s["start_us"])):
        done[span["task"]] = done.get(span["task"], 0) + 1
        if done[span["task"]] - 1 != i // tasks:
            return False
    return True


def observe(cfg, env) -> Observed:
    rec, loop_threads = Recorder(), set()
    env.log.line("no yield: each coroutine spins through its steps without an await")
    env.log.line("cooperative: each coroutine awaits asyncio.sleep(0) after every step")
    env.log.line("preemptive: each task runs on a thread of its own, and never yields")
    asyncio.run(on_the_loop(cfg, rec, loop_threads))
    cpu_used = [0.0] * cfg.tasks
    threads = [threading.Thread(target=preemptive, args=(rec, cfg, t, cpu_used), name=f"task-{t}")
               for t in range(cfg.tasks)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall_ms = (time.perf_counter() - started) * 1e3
    spans = rec.take()

    def of(mode):
        return [s for s in spans if s["label"] == mode]

    metrics = {
        "tasks": cfg.tasks,
        "steps": cfg.steps,
        "steps_recorded": len(of(NO_YIELD)) + len(of(COOPERATIVE)),
        "switches_no_yield": switches(of(NO_YIELD)),
        "switches_cooperative": switches(of(COOPERATIVE)),
        "switches_preemptive": switches(of(PREEMPTIVE)),
        "preemptive_runs": len(of(PREEMPTIVE)),
        "preemptive_cpus": 0,  # not confined to a CPU: the GIL lets one thread run at a time
        "preemptive_cpu_ms_min": min(cpu_used) * 1e3,
        "preemptive_cpu_ms_max": max(cpu_used) * 1e3,
        "preemptive_wall_ms": wall_ms,
        "preemptive_overlap_ms": overlap_ms(of(PREEMPTIVE)),
        "cooperative_lockstep": lockstep(of(COOPERATIVE), cfg.tasks),
        "workers": len(loop_threads),  # the threads that ran the coroutines: the loop's one
        "switch_interval_ms": sys.getswitchinterval() * 1e3,
    }
    return Observed(metrics, workers_observed=len(loop_threads), spans=spans)


def least_duration(cfg, threads: int, seed: int) -> float:
    return 3 * cfg.tasks * cfg.steps * cfg.step_ms / 1e3  # one thread at a time, three ways


def flavor(cfg, env) -> str:
    return interpreter_flavor(f"{EVENT_LOOP} + a threading.Thread per task, switch interval "
                              f"{sys.getswitchinterval() * 1e3:g} ms")


def headline(cfg) -> str:
    return (f"{cfg.tasks} CPU-bound tasks × {cfg.steps} steps of {cfg.step_ms} ms: no yield, an "
            "await every step, then threads that never yield")


def checks(cfg, m) -> list[Check]:
    total = 2 * m["tasks"] * m["steps"]
    cpu_due = cfg.steps * cfg.step_ms
    out = [
        Check("every async step of every task ran", m["steps_recorded"] == total,
              f"{m['steps_recorded']}/{total}"),
        Check("every OS thread used its steps' CPU time", m["preemptive_cpu_ms_min"] >= cpu_due,
              f"least {m['preemptive_cpu_ms_min']:.1f} ms of {cpu_due} ms"),
    ]
    if m["workers"] == 1:  # one thread running coroutines: exact properties, not statistics
        out.append(Check("one worker, no yield: tasks ran one after another",
                         m["switches_no_yield"] == m["tasks"] - 1,
                         f"{m['switches_no_yield']} switches, {m['tasks'] - 1} expected"))
        out.append(Check("one worker, cooperative: tasks took turns, a step each per round",
                         m["cooperative_lockstep"],
                         f"{m['switches_cooperative']} switches in "
                         f"{m['tasks'] * m['steps']} steps"))
    return out


def figures(cfg, m) -> list[tuple[str, str]]:
    return [
        ("no yield", f"{m['switches_no_yield']} task switches (of at most "
         f"{m['tasks'] * m['steps'] - 1})"),
        ("cooperative", f"{m['switches_cooperative']} task switches, in lockstep rounds: "
         f"{str(m['cooperative_lockstep']).lower()}"),
        ("preemptive", f"{m['switches_preemptive']} task switches in {m['preemptive_runs']} "
         f"stretches of running; {m['preemptive_cpu_ms_min']:.1f}–{m['preemptive_cpu_ms_max']:.1f} "
         f"ms of CPU per thread, {m['preemptive_wall_ms']:.1f} ms in all"),
    ]


def details(cfg, observed) -> list[str]:
    lines = []
    for mode in (NO_YIELD, COOPERATIVE, PREEMPTIVE):
        lines.append(f"{mode}:")
        spans = [s for s in observed.spans if s["label"] == mode]
        lines += [f"  {row}" for row in lanes(spans, 56)]
    return lines


def takeaway(cfg, m, env) -> str:
    if m["tasks"] == 1:
        return ("with one task there is nothing to switch between: no coroutine or thread had "
                "another to give way to. Run it with --tasks 3 to see who switches, and when.")
    if m["workers"] == 1:
        turns = ("made them take turns, a step each" if m["cooperative_lockstep"]
                 else "let them interleave")
        loop = (f"the event loop is one thread: coroutines that never await ran one after another "
                f"({m['switches_no_yield']} switches), and an await every step {turns} "
                f"({m['switches_cooperative']} switches)")
    else:
        loop = f"the coroutines ran on {m['workers']} threads"
    n = m["switches_preemptive"]
    if n == 0:
        threads = "The threads happened to run one after another here (0 switches)"
    else:
        threads = (f"Threads need no yield: after each {m['switch_interval_ms']:g} ms switch "
                   f"interval the interpreter made the running thread hand the GIL to a waiting "
                   f"one, {n} times while none of them yielded")
    if m["preemptive_overlap_ms"] <= 0.05 * m["preemptive_wall_ms"]:
        threads += (f", and no two of them ran at the same moment "
                    f"({m['preemptive_overlap_ms']:.1f} ms of overlap in "
                    f"{m['preemptive_wall_ms']:.0f} ms)")
    else:
        threads += (f"; they ran side by side for {m['preemptive_overlap_ms']:.1f} ms of "
                    f"{m['preemptive_wall_ms']:.0f} ms")
    return (f"{loop}. {threads}. Long CPU work in a coroutine needs awaits, or a thread or "
            "process of its own.")


def overlap_ms(spans: list) -> float:
    """Time during which two or more of the spans were running at once, in ms."""
    edges = sorted([(s["start_us"], 1) for s in spans] + [(s["end_us"], -1) for s in spans])
    running, since, total = 0, 0.0, 0.0
    for at, change in edges:
        if running >= 2:
            total += at - since
        running, since = running + change, at
    return total / 1e3
