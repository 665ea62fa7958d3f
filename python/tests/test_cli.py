"""The command line keeps the project's contract: bad input is one line on stderr naming the
value and what is allowed, exit 2, no traceback; --help and list exit 0; Ctrl-C ends a run
with a partial summary and exit 130, no traceback."""

import contextlib
import io
import json
import os
import signal
import subprocess
import sys
import time
import unittest

import support

BAD = [
    (["race", "--tasks", "0"], "invalid value '0' for '--tasks <TASKS>': expected a whole number "
                               "from 1 to 1000000"),
    (["race", "--tasks", "abc"], "invalid value 'abc'"),
    (["race", "--tasks", "1_000"], "invalid value '1_000'"),
    (["race", "--tasks", "-3"], "invalid value '-3'"),
    (["race", "--tasks"], "a value is required for '--tasks <TASKS>'"),
    (["race", "--tasks", "5", "--tasks", "6"], "cannot be used multiple times"),
    (["race", "--bogus"], "unexpected argument '--bogus' found"),
    (["race", "--capacity", "3"], "unexpected argument '--capacity' found"),
    (["race", "--timeline"], "'--timeline' is not offered here"),
    (["nope"], "unrecognized subcommand 'nope'; expected one of race, ordering"),
    ([], "no command given"),
    (["queue", "--threads", "0"], "'--threads <THREADS>': expected a whole number from 1 to 256"),
    (["queue", "--seed", "18446744073709551616"], "expected a whole number from 0 to "
                                                  "18446744073709551615"),
    (["queue", "--capacity", "0"], "'--capacity <CAPACITY>': expected a whole number from 1 to "
                                   "100000"),
    (["queue", "--producers", "64", "--items", "100000000"], "at most 100000000 in all"),
    (["queue", "--items", "100000", "--delay-ms", "1000"], "pass --allow-long to run it anyway"),
    (["pools", "--cpu-jobs", "1025"], "expected a whole number from 1 to 1024"),
    (["ordering", "--max-sleep-ms", "10001"], "expected a whole number from 0 to 10000"),
    (["bridge", "--tick-ms", "0"], "expected a whole number from 1 to 1000"),
    (["scheduling", "--tasks", "17"], "expected a whole number from 1 to 16"),
    (["threads", "--manual", "65"], "expected a whole number from 0 to 64"),
    (["futures", "--json=yes"], "unexpected value 'yes' for '--json'"),
]


class BadInput(unittest.TestCase):
    def test_one_line_naming_the_value_exit_2(self):
        import demos

        for args, message in BAD:
            with self.subTest(args=args):
                err, out = io.StringIO(), io.StringIO()
                with contextlib.redirect_stderr(err), contextlib.redirect_stdout(out):
                    status = demos.main(args)
                self.assertEqual(status, 2)
                self.assertEqual(out.getvalue(), "")
                lines = err.getvalue().splitlines()
                self.assertEqual(len(lines), 1, lines)
                self.assertTrue(lines[0].startswith("demos.py: error: "), lines[0])
                self.assertIn(message, lines[0])

    def test_as_a_process_no_traceback(self):
        for args in (["race", "--tasks", "0"], ["nope"], ["queue", "--bogus", "1"]):
            with self.subTest(args=args):
                done = support.cli(*args)
                self.assertEqual(done.returncode, 2)
                self.assertEqual(done.stdout, "")
                self.assertEqual(len(done.stderr.splitlines()), 1, done.stderr)
                self.assertNotIn("Traceback", done.stderr)


class Help(unittest.TestCase):
    def test_help_and_list_exit_0(self):
        for args in (["--help"], ["race", "--help"], ["list"]):
            with self.subTest(args=args):
                done = support.cli(*args)
                self.assertEqual((done.returncode, done.stderr), (0, ""))
        self.assertIn("--max-sleep-ms <MAX_SLEEP_MS>", support.cli("ordering", "-h").stdout)
        names = [line.split()[0] for line in support.cli("list").stdout.splitlines()]
        self.assertEqual(names, ["race", "ordering", "futures", "pools", "bridge", "threads",
                                 "scheduling", "queue"])

    def test_options_before_or_after_the_scenario(self):
        first = json.loads(support.cli("--seed", "7", "--json", "ordering", "--tasks", "3").stdout)
        second = json.loads(support.cli("ordering", "--tasks=3", "--json", "--seed=7").stdout)
        self.assertEqual((first["seed"], first["config"]), (second["seed"], second["config"]))


class CtrlC(unittest.TestCase):
    def interrupt(self, args, after: float, wait_for_line: bool) -> tuple[int, str, str]:
        child = subprocess.Popen([sys.executable, support.DEMOS, *args], stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, text=True,
                                 env=os.environ | {"NO_COLOR": "1"})
        try:
            if wait_for_line:
                child.stdout.readline()  # the headline: the scenario has started
            time.sleep(after)
            child.send_signal(signal.SIGINT)
            out, err = child.communicate(timeout=20)
        finally:
            child.kill()
        return child.returncode, out, err

    def test_text_run_exits_130_with_a_partial_summary(self):
        status, out, err = self.interrupt(["queue", "--items", "40"], 0.3, wait_for_line=True)
        self.assertEqual(status, 130, err)
        self.assertNotIn("Traceback", err)
        self.assertIn("take-away: none drawn: Ctrl-C stopped the run part-way", out)
        self.assertIn("interrupted (Ctrl-C): the summary above is partial; exit status 130", out)
        self.assertIn("ok   every item consumed exactly once", out)  # what was sent, all received

    def test_json_run_marks_the_report_interrupted(self):
        status, out, err = self.interrupt(["bridge", "--json", "--job-ms", "2000"], 1.0,
                                          wait_for_line=False)
        self.assertEqual(status, 130, err)
        self.assertEqual(err, "")
        report = json.loads(out)
        self.assertIs(report["interrupted"], True)
        self.assertLess(report["elapsed_ms"], 6000)  # far less than the 12 s the calls would take
        unfinished = [c for c in report["checks"] if not c["passed"]]
        self.assertTrue(unfinished and all(c.get("partial") for c in unfinished), report["checks"])


if __name__ == "__main__":
    unittest.main()
