"""The command's start-up: Ctrl-C from the handler's installation on ends with status 130 and
one line (#26 item 7: 9 of 100 SIGINTs in the first 20 ms printed a traceback)."""

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}

# The child is the console script's own code, with a SIGINT sent `delay` seconds after the
# command's main() has installed its handler (a profile hook sees the call return).
CTRL_C_AFTER = """
import os, signal, sys, threading

def at_main(frame, event, arg):
    if event == "c_return" and arg.__name__ == "signal" and frame.f_code.co_name == "main":
        sys.setprofile(None)
        threading.Timer({delay}, os.kill, (os.getpid(), signal.SIGINT)).start()

from viz.__main__ import main
sys.setprofile(at_main)
sys.exit(main(["grad", "x*y", "--at", "x=1,y=2"]))
"""


def _ctrl_c_reaches_it() -> None:
    """A shell running the tests in the background makes its children ignore SIGINT."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@pytest.mark.skipif(os.name != "posix", reason="SIGINT")
@pytest.mark.parametrize("delay", [0.0, 0.001, 0.003, 0.01, 0.03, 0.1])
def test_ctrl_c_at_any_offset_after_the_handler_ends_with_130_and_one_line(delay):
    done = subprocess.run(
        [sys.executable, "-c", CTRL_C_AFTER.format(delay=delay)],
        preexec_fn=_ctrl_c_reaches_it,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=ENV,
        timeout=60,
    )
    if done.returncode == 0:  # the command had finished before the signal came
        assert done.stdout.startswith("∂") or "= " in done.stdout
        return
    assert "Traceback" not in done.stderr
    assert done.returncode == 130
    assert done.stderr in ("micrograd-nndl: interrupted\n", "micrograd-nndl grad: interrupted\n")


def test_the_command_loads_nothing_before_its_handler():
    """Importing `viz` and `viz.__main__` (all that runs before main() installs the handler)
    loads no other module: the window a Ctrl-C can still print a
    traceback in is the interpreter's own start-up."""
    code = (
        "import sys; before = set(sys.modules); import viz.__main__; "
        "print(sorted(set(sys.modules) - before))"
    )
    done = subprocess.run(
        [sys.executable, "-S", "-c", code], capture_output=True, text=True, cwd=ROOT, env=ENV
    )
    assert done.stdout.strip() == "['viz', 'viz.__main__']"  # _signal is built in, loaded
