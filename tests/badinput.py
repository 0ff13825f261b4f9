"""Command lines that must fail cleanly, run as a user runs them: `python gym.py ...` in
subprocesses (a few at a time, all started before the first test asks), each expected to end
with exit code 2, no traceback, and a message holding a given fragment."""

import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run_all(argvs, cwd, parallel=3, timeout=120):
    """{argv tuple: CompletedProcess-like (returncode, stdout, stderr)} of `python gym.py argv`
    for every argv, `parallel` at a time, with DISPLAY unset."""
    env = {k: v for k, v in os.environ.items() if k != "DISPLAY"}
    todo, running, done = [tuple(a) for a in argvs], {}, {}
    while todo or running:
        while todo and len(running) < parallel:
            argv = todo.pop()
            running[argv] = (time.monotonic(), subprocess.Popen(
                [sys.executable, str(ROOT / "gym.py"), *argv], cwd=cwd, env=env, text=True,
                stdout=subprocess.PIPE, stderr=subprocess.PIPE))
        for argv, (start, proc) in list(running.items()):
            if proc.poll() is not None or time.monotonic() - start > timeout:
                if proc.poll() is None:
                    proc.kill()
                out, err = proc.communicate()
                done[argv] = (proc.returncode, out, err)
                del running[argv]
        time.sleep(0.02)
    return done


def check(result, fragment):
    """Exit code 2, and on stderr one line: the error, holding `fragment`, and where the help
    is (no usage block, no traceback)."""
    code, out, err = result
    lines = err.splitlines()
    assert code == 2 and len(lines) == 1, (code, err)
    assert ": error: " in lines[0] and fragment in lines[0], lines[0]
    assert lines[0].endswith(" --help)"), lines[0]
