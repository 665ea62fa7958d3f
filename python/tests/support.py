"""What the tests share: the python/ directory on the import path, running a scenario in this
process, and running demos.py as a child process."""

import os
import subprocess
import sys
from types import SimpleNamespace

PYTHON_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEMOS = os.path.join(PYTHON_DIR, "demos.py")
if PYTHON_DIR not in sys.path:
    sys.path.insert(0, PYTHON_DIR)



def run(name: str, threads: int = 2, seed: int = 42, **options) -> dict:
    """Run scenario `name` here, its options at their defaults but for `options`: its report."""
    import demos
    from seed import interrupt, report

    module = demos.SCENARIOS[name]
    config = {o.key: o.default for o in module.OPTIONS} | options
    interrupt.reset()
    rep, _ = demos.execute(module, config, report.quiet_env(threads, seed))
    return rep


def check(rep: dict, name: str) -> dict:
    """The check called `name` in a report."""
    found = [c for c in rep["checks"] if c["name"] == name]
    assert len(found) == 1, f"no single check {name!r} in {[c['name'] for c in rep['checks']]}"
    return found[0]


def cfg(name: str, **options) -> SimpleNamespace:
    """Scenario `name`'s configuration: its defaults but for `options`."""
    import demos

    module = demos.SCENARIOS[name]
    return SimpleNamespace(**({o.key: o.default for o in module.OPTIONS} | options))


def cli(*args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    """demos.py run as a child process, as a user runs it."""
    return subprocess.run([sys.executable, DEMOS, *args], capture_output=True, text=True,
                          timeout=timeout, env=os.environ | {"NO_COLOR": "1"})
