"""The report every run yields, as the Rust binaries print it: one JSON object on one line
with --json (the envelope of DESIGN.md, which `compare` reads), or text for people — the
headline, a bounded live log, the figures, each check as ok/FAIL and the take-away.
"""

import asyncio
import json
import os
import platform
import sys
import textwrap
import threading
from dataclasses import dataclass, field

RUNTIME = "python"
# What runs every coroutine, as each flavour names it.
EVENT_LOOP = "asyncio event loop (one thread, whatever --threads)"
WIDTH = 100  # prose is wrapped to this many columns
INTERRUPTED_TAKEAWAY = (
    "none drawn: Ctrl-C stopped the run part-way, so its figures cover only part of the "
    "experiment. Run it to its end for the lesson."
)


def gil_enabled() -> bool:
    """Whether the GIL is on: `sys._is_gil_enabled()` on 3.13+, always on before."""
    probe = getattr(sys, "_is_gil_enabled", None)
    return bool(probe()) if probe is not None else True


def flavor(executors: str) -> str:
    """The flavour that ran: interpreter and version, the executors, whether the GIL is on."""
    gil = "on" if gil_enabled() else "off"
    return f"{platform.python_implementation()} {platform.python_version()}, {executors}, GIL {gil}"


@dataclass
class Check:
    """One invariant, checked after the run: the property, whether it held, the figures."""

    name: str
    passed: bool
    detail: str
    partial: bool = False  # set when Ctrl-C ended the run before this check could hold

    def to_json(self) -> dict:
        out = {"name": self.name, "passed": self.passed, "detail": self.detail}
        if self.partial:
            out["partial"] = True
        return out


@dataclass
class Observed:
    """What a scenario's run observed: its figures, the executor threads seen running its
    work (the report's workers_observed, measured) and what those threads ran."""

    metrics: dict
    workers_observed: int
    workers_ran: str = "running coroutines"
    spans: list = field(default_factory=list)  # the report's timeline, where the scenario keeps one


def observe_on_event_loop(main) -> Observed:
    """`asyncio.run(main(loop_threads))`: the scenario's metrics, and as workers_observed the
    threads seen running its coroutines (they add their thread to `loop_threads`)."""
    loop_threads: set[int] = set()
    metrics = asyncio.run(main(loop_threads))
    return Observed(metrics, workers_observed=len(loop_threads))


class Log:
    """The live log: at most `limit` event lines, printed as they happen, from any thread;
    later lines are counted and `finish` says how many were left out."""

    DEFAULT_LIMIT = 24

    def __init__(self, enabled: bool, limit: int = DEFAULT_LIMIT) -> None:
        self.enabled = enabled
        self.limit = limit
        self.offered = 0
        self._lock = threading.Lock()

    def line(self, text: str) -> None:
        if not self.enabled:
            return
        with self._lock:
            self.offered += 1
            if self.offered <= self.limit:
                emit(f"  | {text}")

    def finish(self) -> None:
        left = self.offered - self.limit
        if self.enabled and left > 0:
            emit(f"  | … {left} more events not shown")


def format_ms(ms: float) -> str:
    """Milliseconds with sensible precision for a human (as the Rust `format_ms`)."""
    return f"{ms:.0f}" if ms >= 100 else f"{ms:.1f}"


def plural(n: int, word: str, many: str | None = None) -> str:
    """'1 job', '2 jobs'."""
    return f"{n} {word if n == 1 else (many or word + 's')}"


def wrap(text: str, first: str, rest: str) -> list[str]:
    """`text` wrapped to WIDTH columns, the first line after `first`, the others after `rest`."""
    return textwrap.wrap(text, WIDTH, initial_indent=first, subsequent_indent=rest,
                         break_long_words=False, break_on_hyphens=False)


def _colour() -> bool:
    return sys.stdout.isatty() and "NO_COLOR" not in os.environ


def styled(text: str, code: str) -> str:
    """`text` in an ANSI style, only on a colour terminal (never with NO_COLOR set)."""
    return f"\x1b[{code}m{text}\x1b[0m" if _colour() else text


BOLD, GREEN, RED, YELLOW, DIM = "1", "1;32", "1;31", "1;33", "2"


def emit(line: str) -> None:
    """Print a line to stdout now. A closed pipe (`| head`) ends the output quietly."""
    try:
        print(line, flush=True)
    except BrokenPipeError:
        # Send what is left to /dev/null, so the interpreter's final flush does not complain.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def headline_lines(scenario: str, flavour: str, headline: str) -> list[str]:
    """The line printed before a scenario starts (its live log follows), wrapped."""
    lead = f"{scenario} on {RUNTIME}"
    lines = wrap(f"{lead} ({flavour}): {headline}", "", "  ")
    lines[0] = styled(lead, BOLD) + lines[0][len(lead):]
    return lines


def envelope(scenario, flavour, threads, seed, config, observed, checks, elapsed_ms, interrupted,
             takeaway):
    """The report as the Rust binaries write it: the same keys in the same order, config and
    metrics keys sorted as serde_json sorts them."""
    report = {
        "scenario": scenario,
        "runtime": RUNTIME,
        "flavor": flavour,
        "threads": threads,
        "workers_observed": observed.workers_observed,
        "seed": seed,
        "config": dict(sorted(config.items())),
        "metrics": dict(sorted(observed.metrics.items())),
        "checks": [c.to_json() for c in checks],
        "elapsed_ms": elapsed_ms,
    }
    if observed.spans:
        report["timeline"] = observed.spans
    if interrupted:
        report["interrupted"] = True
    if takeaway:
        report["takeaway"] = takeaway
    return report


def json_line(report: dict) -> str:
    """One line of JSON; a NaN or infinity is a bug here, not a value to print."""
    return json.dumps(report, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def summary_lines(report, observed, figures, details, takeaway) -> list[str]:
    """The text after the run: where it ran, the figures, extra lines, checks, take-away."""
    n = report["workers_observed"]
    seen = f"{n} thread{'' if n == 1 else 's'} seen {observed.workers_ran}"
    ran = (f"ran on {report['flavor']} ({seen}) · {format_ms(report['elapsed_ms'])} ms · "
           f"seed {report['seed']}")
    out = [styled(line, DIM) for line in wrap(ran, "  ", "    ")]
    width = max((len(label) for label, _ in figures), default=0)
    for label, value in figures:
        out += wrap(value, f"  {label:<{width}}  ", " " * (width + 4))
    out += [f"  {line}" for line in details]
    for check in report["checks"]:
        if check["passed"]:
            mark = styled("ok  ", GREEN)
        elif check.get("partial"):
            mark = styled("part", YELLOW)
        else:
            mark = styled("FAIL", RED)
        text = wrap(f"{check['name']} ({check['detail']})", "       ", "         ")
        out += [f"  {mark} {text[0].lstrip()}"] + text[1:]
    if report.get("interrupted"):
        out += wrap('(stopped early by Ctrl-C: the figures cover what ran; "part" marks a check '
                    "the run ended before)", "  ", "  ")
    lines = wrap(f"take-away: {takeaway}", "  ", "  ")
    lines[0] = lines[0].replace("take-away:", styled("take-away:", BOLD), 1)
    return out + lines + [""]


@dataclass
class Env:
    """What every scenario run shares: --threads, --seed and the live log."""

    threads: int
    seed: int
    log: Log


def quiet_env(threads: int = 2, seed: int = 42) -> Env:
    """An environment with the live log off (tests, JSON output)."""
    return Env(threads, seed, Log(enabled=False))
