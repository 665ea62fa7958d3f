"""What ran where and when: spans (a task's step on one OS thread, from start to end), the
thread names and numbers they carry, and the text lanes that draw them, as the Rust
`demos_core::timeline` records and draws them.
"""

import itertools
import math
import threading
import time

_numbers = itertools.count(1)
_local = threading.local()


def thread_number() -> int:
    """This thread's number in the process: from 1 up in order of first use, never reused
    (unlike `threading.get_ident()`, which a new thread may inherit from a finished one)."""
    number = getattr(_local, "number", None)
    if number is None:
        number = _local.number = next(_numbers)
    return number


def current_thread() -> tuple[str, int]:
    """The current thread's name and number."""
    return threading.current_thread().name, thread_number()


class Recorder:
    """A thread-safe list of spans sharing one time origin (`time.perf_counter()` seconds)."""

    def __init__(self) -> None:
        self.origin = time.perf_counter()
        self._spans: list[dict] = []
        self._lock = threading.Lock()

    def record(self, task: str, label: str, start: float, end: float | None = None) -> None:
        """`task` ran `label` on the current thread from `start` to `end` (default: now)."""
        end = time.perf_counter() if end is None else end
        name, number = current_thread()
        span = {
            "task": task,
            "label": label,
            "thread": name,
            "thread_id": number,
            "start_us": (start - self.origin) * 1e6,
            "end_us": (end - self.origin) * 1e6,
        }
        with self._lock:
            self._spans.append(span)

    def take(self) -> list[dict]:
        """Every span so far, in start order."""
        with self._lock:
            spans, self._spans = self._spans, []
        return sorted(spans, key=lambda s: s["start_us"])


def switches(spans: list[dict]) -> int:
    """How many times consecutive spans, in start order, belong to different tasks."""
    ordered = sorted(spans, key=lambda s: s["start_us"])
    return sum(1 for a, b in zip(ordered, ordered[1:], strict=False) if a["task"] != b["task"])


def lanes(spans: list[dict], width: int) -> list[str]:
    """One row per task, time left to right over `width` columns: `#` inside a span, `.` not."""
    if not spans:
        return []
    start = min(s["start_us"] for s in spans)
    end = max(s["end_us"] for s in spans)
    per_column = max((end - start) / width, 1e-9)
    names: list[str] = []
    for span in spans:
        if span["task"] not in names:
            names.append(span["task"])
    label = min(max(len(n) for n in names), 24)
    total = f"{(end - start) / 1e3:.1f} ms"
    rows = [f"{'':{label}}  0 ms{total:>{width - 4}}"]
    for name in names:
        row = ["."] * width
        for span in (s for s in spans if s["task"] == name):
            first = min(int((span["start_us"] - start) / per_column), width - 1)
            last = min(max(math.ceil((span["end_us"] - start) / per_column), first + 1), width)
            row[first:last] = "#" * (last - first)
        rows.append(f"{name[:label]:{label}}  {''.join(row)}")
    return rows
