"""futures: what asyncio gives back for a spawned coroutine, and what it does at the edges.

Tasks from `asyncio.create_task`, each with done-callbacks (`add_done_callback`) — which the
event loop runs when the task ends, whether or not anything awaits it, unlike Rust's
combinators, which run only inside an awaiting task; results consumed as they complete
(`asyncio.as_completed`); a bare `Future` completed by another task; then three probes whose
answers are observed: a task whose last reference was dropped, `cancel()`, and an exception
inside a task (Rust's panic) and where it surfaces.

Run it: python3 python/demos.py futures
"""

import asyncio
import gc
import threading

from .cli import Option
from .fastrand import seeded_delays
from .interrupt import async_sleep
from .report import EVENT_LOOP, Check, Observed, observe_on_event_loop
from .report import flavor as interpreter_flavor

NAME = "futures"
ABOUT = "tasks, a bare Future, done-callbacks, as_completed; what drop, cancel, an exception do"
OPTIONS = [
    Option("tasks", "Tasks spawned for handles, callbacks and as-completed", 5, 1, 10_000),
    Option("max-sleep-ms", "Longest sleep of a task, in ms (seeded random 0..=max)", 20, 0, 10_000),
]
DEMO_PANIC = "demo panic: this task raises on purpose"


def value_of(task: int) -> int:
    return 10 * task + 7


async def sleeper(delay_ms: int, value: int, loop_threads: set) -> int:
    loop_threads.add(threading.get_ident())
    await async_sleep(delay_ms / 1e3)
    return value


# The steps the probes rely on, named so a test can swap in a broken one.
def when_done(task: asyncio.Task, callback) -> None:
    task.add_done_callback(callback)


def value_for_handle(i: int) -> int:
    return value_of(i)


async def complete_later(future: asyncio.Future, value: int) -> None:
    await asyncio.sleep(0.001)
    future.set_result(value)


def cancel(task: asyncio.Task) -> None:
    task.cancel()


async def raises() -> None:
    raise RuntimeError(DEMO_PANIC)


async def handles_and_callbacks(cfg, delays, m, log, loop_threads) -> None:
    """Tasks awaited in spawn order, each with one callback added while it runs and one added
    after it is done (asyncio schedules that one at once)."""
    ran = {"early": 0, "late": 0, "before_await": 0}
    awaited: set[int] = set()

    def on_done(i: int, which: str):
        def callback(task: asyncio.Task) -> None:  # the event loop calls this, not our code
            ran[which] += 1
            if which == "early" and i not in awaited:
                ran["before_await"] += 1
                log.line(f"task {i} ended: its done-callback ran on "
                         f"{threading.current_thread().name} before anything awaited it")
        return callback

    tasks = [asyncio.create_task(sleeper(d, value_for_handle(i), loop_threads))
             for i, d in enumerate(delays)]
    for i, task in enumerate(tasks):
        when_done(task, on_done(i, "early"))
    for i, task in enumerate(tasks):
        awaited.add(i)
        value = await task
        m["completed"] += value == value_of(i)
        when_done(task, on_done(i, "late"))  # on a finished task: scheduled at once
    await asyncio.sleep(0)  # one turn of the loop, in which the late callbacks run
    m["callbacks_run"] = ran["early"] + ran["late"]
    m["callbacks_before_await"] = ran["before_await"]


async def probes(m, loop_threads) -> None:
    loop = asyncio.get_running_loop()

    # A bare Future, completed by another task.
    future = loop.create_future()
    helper = asyncio.create_task(complete_later(future, 42))
    m["oneshot_delivered"] = await future == 42
    await helper

    # Drop every reference to a task seen running, then release it: did it finish?
    running, release, done = loop.create_future(), loop.create_future(), loop.create_future()

    async def parked() -> None:
        running.set_result(None)
        await release  # the Future it waits on holds the task, not our variable
        done.set_result(True)

    task = asyncio.create_task(parked())
    await running
    del task
    gc.collect()
    release.set_result(None)
    try:
        m["dropped_handle_task_finished"] = await asyncio.wait_for(done, 1.0)
    except asyncio.TimeoutError:
        m["dropped_handle_task_finished"] = False

    # cancel() a task seen running, now parked in a long sleep.
    running = loop.create_future()

    async def sleeps_long() -> None:
        running.set_result(None)
        await asyncio.sleep(3600)

    long = asyncio.create_task(sleeps_long())
    await running
    cancel(long)
    try:
        await asyncio.wait_for(asyncio.shield(long), 1.0)  # a probe must not hang: 1 s at most
    except asyncio.CancelledError:
        m["cancelled"] += long.cancelled()
    except asyncio.TimeoutError:
        long.cancel()  # it was not cancelled: clean up, and count nothing

    # An exception inside a task: asyncio keeps it in the task and raises it where awaited.
    failing = asyncio.create_task(raises())
    try:
        await failing
    except RuntimeError as error:
        m["panics_caught"] += str(error) == DEMO_PANIC
        m["panic_resumed_on_await"] = True
    m["survived_panic"] = await asyncio.create_task(sleeper(0, 7, loop_threads)) == 7


async def scenario(cfg, env, loop_threads) -> dict:
    delays = seeded_delays(cfg.tasks, cfg.max_sleep_ms, env.seed)
    m = {"tasks": cfg.tasks, "completed": 0, "as_completed": 0, "cancelled": 0, "panics_caught": 0,
         "panic_resumed_on_await": False, "survived_panic": False}
    await handles_and_callbacks(cfg, delays, m, env.log, loop_threads)
    # As completed: whichever task finishes next comes out next.
    pending = [asyncio.create_task(sleeper(d, i, loop_threads)) for i, d in enumerate(delays)]
    for next_done in asyncio.as_completed(pending):
        i = await next_done
        env.log.line(f"task {i} came out of as_completed #{m['as_completed'] + 1} "
                     f"(slept {delays[i]} ms)")
        m["as_completed"] += 1
    await probes(m, loop_threads)
    return m


def observe(cfg, env) -> Observed:
    return observe_on_event_loop(lambda loop_threads: scenario(cfg, env, loop_threads))


def least_duration(cfg, threads: int, seed: int) -> float:
    # The tasks sleep side by side, twice (handles, then as-completed).
    return 2 * max(seeded_delays(cfg.tasks, cfg.max_sleep_ms, seed)) / 1e3


def flavor(cfg, env) -> str:
    return interpreter_flavor(EVENT_LOOP)


def headline(cfg) -> str:
    return (f"{cfg.tasks} tasks: handles, done-callbacks, as_completed, a bare Future; then "
            "drop, cancel and exception probes")


def checks(cfg, m) -> list[Check]:
    n = m["tasks"]
    return [
        Check("every handle returned its task's value", m["completed"] == n,
              f"{m['completed']}/{n}"),
        Check("every callback ran once", m["callbacks_run"] == 2 * n,
              f"{m['callbacks_run']}/{2 * n}"),
        Check("every result consumed as it completed", m["as_completed"] == n,
              f"{m['as_completed']}/{n}"),
        Check("the one-shot future delivered its value", m["oneshot_delivered"],
              str(m["oneshot_delivered"]).lower()),
        Check("the aborted task was cancelled", m["cancelled"] >= 1, f"{m['cancelled']} cancelled"),
        Check("a task's panic came back at its handle, and the next task ran",
              m["panics_caught"] == 1 and m["survived_panic"],
              f"{m['panics_caught']} caught where the task was awaited; a task created next "
              f"{'ran' if m['survived_panic'] else 'did not run'}"),
    ]


def figures(cfg, m) -> list[tuple[str, str]]:
    return [
        ("handles", f"{m['completed']}/{m['tasks']} returned their value"),
        ("callbacks", f"{m['callbacks_run']} ran (one added while each task ran, one after it "
         f"ended); {m['callbacks_before_await']} ran before anything awaited their task"),
        ("as completed", f"{m['as_completed']} results, in completion order"),
        ("bare Future", f"delivered: {str(m['oneshot_delivered']).lower()}"),
        ("dropped handle", "the task kept running to the end (detached)"
         if m["dropped_handle_task_finished"] else "the task did not finish"),
        ("cancel", f"{m['cancelled']} task(s) observed cancelled"),
        ("exception in a task", "re-raised where the task was awaited"
         if m["panic_resumed_on_await"] else "not re-raised where the task was awaited"),
    ]


def takeaway(cfg, m, env) -> str:
    early = m["callbacks_before_await"]
    if early:
        callbacks = (f"the event loop itself calls done-callbacks when a task ends: {early} ran "
                     "before the code that awaits in spawn order reached their task — Rust's "
                     "combinators, by contrast, run only inside an awaiting task")
    else:
        callbacks = ("the event loop itself calls done-callbacks when a task ends; this run's "
                     "tasks happened to end in the order they were awaited, so none ran early")
    dropped = ("a task whose last reference was dropped still ran to the end (the Future it "
               "awaited held it; asyncio keeps only weak references to tasks, so keep your own)"
               if m["dropped_handle_task_finished"] else
               "a task whose last reference was dropped did not finish")
    raised = ("an exception inside a task was re-raised where the task was awaited, like a panic "
              "resumed on join" if m["panic_resumed_on_await"] else
              "an exception inside a task did not reach the awaiting code")
    cancelled = ("cancel() ended the sleeping task with CancelledError" if m["cancelled"] else
                 "cancel() did not end the sleeping task")
    survived = "the loop kept running" if m["survived_panic"] else "the loop ran no task after it"
    return (f"a Task is a Future of the coroutine's result, and {callbacks}. At the edges: "
            f"{dropped}; {cancelled}; {raised}, and {survived}.")
