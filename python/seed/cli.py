"""The command line, as the Rust demos binaries take it: `<scenario> [options]`, `all`, `list`,
and the shared flags --threads, --seed, --json, --quiet, --allow-long, before or after the
scenario. Bad input is one line on stderr naming the bad value and what is allowed, exit 2,
before any work starts; `--help` prints help and exits 0.

Parsed by hand rather than with argparse, whose errors print usage lines, which accepts
abbreviated options and numbers such as `1_000`, and which lets an option be given twice.
"""

import os
import re
from dataclasses import dataclass

U64_MAX = (1 << 64) - 1
MAX_THREADS = 256
MAX_RUN_S = 600  # runs estimated longer are refused unless --allow-long is given
PROG = "demos.py"
# Options of the Rust binaries that the Python side does not offer, with the reason.
NOT_OFFERED = {
    "timeline": "the Python demos record no timeline lanes",
    "by-thread": "the Python demos record no timeline lanes",
    "trace": "the Python demos write no trace files",
}


class UsageError(Exception):
    """Bad input: the one line printed after 'demos.py: error: ', exit status 2."""


class HelpRequested(Exception):
    """--help: the text to print, exit status 0."""


@dataclass(frozen=True)
class Option:
    """One option: `--name <VALUE>` holding a whole number in lo..=hi, or a flag."""

    name: str
    help: str
    default: int | None = None
    lo: int = 0
    hi: int = U64_MAX
    flag: bool = False
    shown_default: str | None = None  # what --help says when the default is not a number

    @property
    def key(self) -> str:
        return self.name.replace("-", "_")

    @property
    def usage(self) -> str:
        return f"--{self.name}" if self.flag else f"--{self.name} <{self.key.upper()}>"

    def parse(self, text: str) -> int:
        """A whole number within lo..=hi (an optional '+', surrounding blanks allowed, as
        Rust's u64 parser after trim()); the error names the value and the range."""
        stripped = text.strip()
        if re.fullmatch(r"\+?[0-9]+", stripped) and self.lo <= int(stripped) <= self.hi:
            return int(stripped)
        raise UsageError(f"invalid value '{text}' for '{self.usage}': "
                         f"expected a whole number from {self.lo} to {self.hi}")


GLOBAL_OPTIONS = [
    Option("threads", "Size of the thread pools (and the process pool); asyncio's event loop is "
           "one thread whatever this says", lo=1, hi=MAX_THREADS,
           shown_default="available parallelism"),
    Option("seed", "Seed of every random choice, so a run can be repeated", default=42),
    Option("json", "Print one JSON object per scenario run (JSON Lines) instead of text",
           flag=True),
    Option("quiet", "Leave out the live log; print only the summary", flag=True),
    Option("allow-long", "Run even when the configuration is estimated to take over 10 minutes",
           flag=True),
]


def available_parallelism() -> int:
    """The CPUs this process may run on (Rust's `available_parallelism`)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def default_threads() -> int:
    """--threads when not given: the available parallelism."""
    return min(available_parallelism(), MAX_THREADS)


@dataclass
class Parsed:
    """A command line that passed every check."""

    command: str
    config: dict  # the scenario's options by key (None where an optional one was not given)
    threads: int
    seed: int
    json: bool
    quiet: bool
    allow_long: bool


def _options_help(options: list[Option]) -> list[str]:
    width = max(len(o.usage) for o in options)
    lines = []
    for o in options:
        default = o.shown_default or (None if o.default is None else str(o.default))
        suffix = f" [default: {default}]" if default is not None and not o.flag else ""
        lines.append(f"  {o.usage:<{width}}  {o.help}{suffix}")
    return lines + [f"  {'-h, --help':<{width}}  Print help"]


def main_help(scenarios: dict) -> str:
    names = list(scenarios) + ["all", "list"]
    width = max(map(len, names))
    about = {n: m.ABOUT for n, m in scenarios.items()}
    about |= {"all": "Run every scenario with its defaults", "list": "List the scenarios"}
    return "\n".join(
        ["The seed's eight concurrency scenarios on CPython: asyncio, threads and processes", "",
         f"Usage: python3 python/{PROG} [OPTIONS] <COMMAND> [SCENARIO OPTIONS]", "", "Commands:"]
        + [f"  {n:<{width}}  {about[n]}" for n in names]
        + ["", "Options:"] + _options_help(GLOBAL_OPTIONS)
        + ["", "Each scenario prints a short live log, then the figures, the invariant checks and",
           "the take-away. Exit status: 0 every check passed, 1 a check failed, 2 bad input, 130",
           "interrupted by Ctrl-C (a second Ctrl-C leaves at once).", "",
           "Examples:", "  race                       one scenario with its defaults",
           "  queue --capacity 2 --json  one JSON line", "  pools --threads 1"])


def scenario_help(module) -> str:
    return "\n".join([module.ABOUT, "", f"Usage: python3 python/{PROG} {module.NAME} [OPTIONS]",
                      "", "Options:"] + _options_help(module.OPTIONS + GLOBAL_OPTIONS))


def parse(args: list[str], scenarios: dict) -> Parsed:
    """Parse `args` (without the program name); raises UsageError or HelpRequested."""
    commands = ", ".join(list(scenarios) + ["all", "list"])
    command = None
    given: dict[str, int | bool] = {}
    i = 0
    while i < len(args):
        arg = args[i]
        i += 1
        if arg in ("-h", "--help"):
            raise HelpRequested(scenario_help(scenarios[command]) if command in scenarios
                                else main_help(scenarios))
        if not arg.startswith("-") or arg == "-":
            if command is not None:
                raise UsageError(f"unexpected argument '{arg}' found; see --help for the options")
            if arg not in scenarios and arg not in ("all", "list"):
                raise UsageError(f"unrecognized subcommand '{arg}'; expected one of {commands}")
            command = arg
            continue
        name, has_value, value = (arg[2:].partition("=") if arg.startswith("--")
                                  else (arg, "", ""))
        known = GLOBAL_OPTIONS + (scenarios[command].OPTIONS if command in scenarios else [])
        option = next((o for o in known if o.name == name), None)
        if option is None:
            if name in NOT_OFFERED:
                raise UsageError(f"'--{name}' is not offered here: {NOT_OFFERED[name]}; "
                                 "see --help for the options")
            raise UsageError(f"unexpected argument '{arg}' found; see --help for the options")
        if option.key in given:
            raise UsageError(f"the argument '{option.usage}' cannot be used multiple times")
        if option.flag:
            if has_value:
                raise UsageError(f"unexpected value '{value}' for '{option.usage}' found; "
                                 "no more were expected")
            given[option.key] = True
            continue
        if not has_value:
            if i >= len(args) or args[i].startswith("--"):
                raise UsageError(f"a value is required for '{option.usage}' but none was supplied")
            value = args[i]
            i += 1
        given[option.key] = option.parse(value)
    if command is None:
        raise UsageError(f"no command given; expected one of {commands} (try --help)")
    options = scenarios[command].OPTIONS if command in scenarios else []
    return Parsed(
        command=command,
        config={o.key: given.get(o.key, o.default) for o in options},
        threads=given.get("threads") or default_threads(),
        seed=given.get("seed", 42),
        json=bool(given.get("json")),
        quiet=bool(given.get("quiet")),
        allow_long=bool(given.get("allow_long")),
    )


def human_duration(seconds: float) -> str:
    """A duration as a person says it: '2 h 46 min', '10 min', '12.5 s'."""
    secs = int(seconds)
    if secs >= 3600:
        return f"{secs // 3600} h {secs % 3600 // 60} min"
    if secs >= 60:
        return f"{secs // 60} min" if secs % 60 == 0 else f"{secs // 60} min {secs % 60} s"
    return f"{seconds:.1f} s"


def check_run(module, cfg, threads: int, seed: int, allow_long: bool) -> None:
    """Refuse, before any work, a configuration the scenario rejects, or one whose least
    possible duration is over MAX_RUN_S unless --allow-long (the Rust binaries' rule)."""
    validate = getattr(module, "validate", None)
    if validate is not None:
        problem = validate(cfg)
        if problem:
            raise UsageError(problem)
    least = module.least_duration(cfg, threads, seed) if hasattr(module, "least_duration") else 0.0
    if least > MAX_RUN_S and not allow_long:
        raise UsageError(
            f"{module.NAME} with this configuration and --threads {threads} would run for at least "
            f"{human_duration(least)} (estimated from its sleeps and work); the bound is "
            f"{human_duration(MAX_RUN_S)}: make it smaller, or pass --allow-long to run it anyway")
