"""`python -m viz` and the `micrograd-nndl` command: Ctrl-C is caught from the first line.

This module imports only `signal` and `sys` before it takes over SIGINT; the command line
itself (numpy, graphviz, the engine: most of the start-up time) is imported after, so a Ctrl-C
at any moment ends with status 130 and one line, never a traceback.
"""

from __future__ import annotations

import signal
import sys
from collections.abc import Sequence

PROG = "micrograd-nndl"
INTERRUPTED = 130  # 128 + SIGINT, what a shell reports for a command stopped by Ctrl-C


def _interrupt(signum: int, frame: object) -> None:
    """The first Ctrl-C stops the command; any further one, while it winds down, is ignored."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    raise KeyboardInterrupt


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line (see `viz.cli.commands`) and return its exit status."""
    if signal.getsignal(signal.SIGINT) is signal.default_int_handler:  # not ignored (nohup, &)
        signal.signal(signal.SIGINT, _interrupt)
    try:
        from .cli.commands import main as run

        return run(argv)
    except KeyboardInterrupt:  # in the imports or in argparse; `cli` reports its commands'
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        print(f"{PROG}: interrupted", file=sys.stderr)
        return INTERRUPTED


if __name__ == "__main__":
    raise SystemExit(main())
