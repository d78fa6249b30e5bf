"""`python -m viz` and the `micrograd-nndl` command: Ctrl-C is caught from its first line.

Importing `viz` and this module loads nothing but the C module `_signal` (the `signal` module
would load `enum`), so the handler is installed about a millisecond after the interpreter's own
start-up; the command line itself (numpy, graphviz, the engine: most of the start-up time) is
imported after, so a Ctrl-C from then on ends with status 130 and one line, never a traceback.
"""

import _signal  # type: ignore[import-not-found]  # signal (the same, typed) loads enum: 2 ms
import sys

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing; type checkers read True
if TYPE_CHECKING:
    from collections.abc import Sequence

PROG = "micrograd-nndl"
INTERRUPTED = 130  # 128 + SIGINT, what a shell reports for a command stopped by Ctrl-C


_FIRED: list[int] = []  # the handler ran: whatever error follows is the interrupt's


def _interrupt(signum: int, frame: object) -> None:
    """The first Ctrl-C stops the command; any further one, while it winds down, is ignored."""
    _signal.signal(_signal.SIGINT, _signal.SIG_IGN)
    _FIRED.append(signum)
    raise KeyboardInterrupt


def main(argv: "Sequence[str] | None" = None) -> int:
    """Run the command line (see `viz.cli.commands`) and return its exit status."""
    try:  # a Ctrl-C before the handler is installed is a KeyboardInterrupt caught here too
        if _signal.getsignal(_signal.SIGINT) is _signal.default_int_handler:  # not ignored (&)
            _signal.signal(_signal.SIGINT, _interrupt)
        from .cli.commands import main as run

        return run(argv)
    except KeyboardInterrupt:  # in the imports or in argparse; `cli` reports its commands'
        return _interrupted()
    except ImportError:  # numpy's C extension turns an interrupt of its own imports into one
        if not _FIRED:
            raise
        return _interrupted()


def _interrupted() -> int:
    _signal.signal(_signal.SIGINT, _signal.SIG_IGN)
    print(f"{PROG}: interrupted", file=sys.stderr)
    return INTERRUPTED


if __name__ == "__main__":
    raise SystemExit(main())
