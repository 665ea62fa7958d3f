#!/usr/bin/env python3
"""The seed's eight concurrency scenarios on CPython, with the Rust binaries' command line and
report contract, so `compare` can put a python column beside tokio, smol, async-std and
std-threads.

    python3 python/demos.py list
    python3 python/demos.py race                      # one scenario, its defaults
    python3 python/demos.py queue --capacity 2 --json # one JSON line
    python3 python/demos.py all --json                # every scenario, JSON Lines

Exit status: 0 every check passed, 1 a check failed, 2 bad input (one line on stderr),
130 interrupted by Ctrl-C (after a partial summary). Python >= 3.10, standard library only.
"""

import sys

if sys.version_info < (3, 10):  # noqa: UP036  (a clear message, not a traceback, on older ones)
    sys.exit("demos.py: error: needs Python 3.10 or later")

from seed import interrupt  # noqa: E402

if __name__ == "__main__":
    interrupt.install()  # first, so a Ctrl-C while the rest loads is handled too

import time  # noqa: E402
from types import SimpleNamespace  # noqa: E402

from seed import bridge, futures, ordering, pools, queue, race, report, scheduling, threads  # noqa: E402
from seed.cli import PROG, HelpRequested, UsageError, check_run, parse  # noqa: E402

SCENARIOS = {m.NAME: m for m in (race, ordering, futures, pools, bridge, threads, scheduling,
                                  queue)}


def execute(module, config: dict, env: report.Env,
            flavour: str | None = None) -> tuple[dict, report.Observed]:
    """Run one scenario whose configuration passed every check: its report and observation."""
    cfg = SimpleNamespace(**config)
    flavour = flavour or module.flavor(cfg, env)
    started = time.perf_counter()
    observed = module.observe(cfg, env)
    elapsed_ms = (time.perf_counter() - started) * 1e3
    env.log.finish()
    interrupted = interrupt.requested()
    checks = module.checks(cfg, observed.metrics)
    for check in checks:
        check.partial = interrupted and not check.passed  # the run ended before it could hold
    # A stopped run shows only part of the experiment: no lesson is drawn from it.
    takeaway = (report.INTERRUPTED_TAKEAWAY if interrupted
                else module.takeaway(cfg, observed.metrics, env))
    rep = report.envelope(module.NAME, flavour, env.threads, env.seed, config, observed, checks,
                          elapsed_ms, interrupted, takeaway)
    return rep, observed


def run_one(module, config: dict, parsed) -> dict:
    """Run one scenario whose configuration passed every check, print it, return its report."""
    env = report.Env(parsed.threads, parsed.seed,
                     report.Log(enabled=not (parsed.json or parsed.quiet)))
    cfg = SimpleNamespace(**config)
    flavour = module.flavor(cfg, env)
    if not parsed.json:
        for line in report.headline_lines(module.NAME, flavour, module.headline(cfg)):
            report.emit(line)
    rep, observed = execute(module, config, env, flavour)
    if parsed.json:
        report.emit(report.json_line(rep))
        return rep
    details = module.details(cfg, observed) if hasattr(module, "details") else []
    for line in report.summary_lines(rep, observed, module.figures(cfg, observed.metrics),
                                     details, rep["takeaway"]):
        report.emit(line)
    return rep


def main(argv: list[str]) -> int:
    """Run the command line `argv` (without the program name); returns the exit status."""
    try:
        parsed = parse(argv, SCENARIOS)
        if parsed.command == "list":
            for name, module in SCENARIOS.items():
                report.emit(f"{name:<12}{module.ABOUT}")
            return 0
        if parsed.command == "all":
            plan = [(m, {o.key: o.default for o in m.OPTIONS}) for m in SCENARIOS.values()]
        else:
            plan = [(SCENARIOS[parsed.command], parsed.config)]
        for module, config in plan:  # every input is checked before any work starts
            check_run(module, SimpleNamespace(**config), parsed.threads, parsed.seed,
                      parsed.allow_long)
    except HelpRequested as help_text:
        report.emit(str(help_text))
        return 0
    except UsageError as problem:
        print(f"{PROG}: error: {problem}", file=sys.stderr)
        return 2
    reports = []
    for module, config in plan:
        if interrupt.requested():
            break  # Ctrl-C during `all`: no further scenarios
        reports.append(run_one(module, config, parsed))
    if interrupt.requested():
        if not parsed.json:
            report.emit("interrupted (Ctrl-C): the summary above is partial; exit status 130")
        return interrupt.EXIT_STATUS
    return 0 if all(c["passed"] for r in reports for c in r["checks"]) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
