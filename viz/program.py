"""Run Graphviz on DOT text: the system's `dot` if there is one, else `graphviz-pure`.

The `graphviz` Python package writes DOT but runs a program named `dot`, which many machines
lack; `graphviz-pure` (a dependency, from PyPI) is a self-contained port of `dot`, so drawings
render anywhere the package is installed. A system Graphviz is preferred where present: it
measures text with real fonts, where the port estimates the width of symbols such as ∂.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

from .errors import RenderError

FORMATS = ("svg", "png", "jpeg", "dot", "xdot", "plain", "json")
PROGRAMS = ("dot", "graphviz-pure")


def find_program() -> str:
    """The path of the Graphviz program to run: the first of PROGRAMS that is installed.

    Looked up beside the running Python too, so `.venv/bin/python` works without activation.
    """
    beside_python = os.path.dirname(sys.executable)
    for name in PROGRAMS:
        found = shutil.which(name) or shutil.which(name, path=beside_python)
        if found:
            return found
    raise RenderError(
        "no Graphviz program found: install the 'graphviz-pure' package "
        "(pip install graphviz-pure) or Graphviz itself (which provides 'dot')"
    )


def render(source: str, format: str = "svg", timeout: float = 60.0) -> bytes:
    """Lay out and draw DOT `source`; return the file's bytes in `format` (one of FORMATS)."""
    if format not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}; got {format!r}")
    program = find_program()
    try:
        done = subprocess.run(
            [program, f"-T{format}"],
            input=source.encode("utf-8"),
            capture_output=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise RenderError(f"{program} took longer than {timeout:g} s to draw the graph") from None
    except OSError as e:
        raise RenderError(f"could not run {program}: {e}") from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip() or "no message"
        raise RenderError(f"{program} failed (exit code {done.returncode}): {message}")
    return done.stdout
