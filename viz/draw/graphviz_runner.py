"""Find and run the Graphviz program: the system's `dot` if there is one, else `graphviz-pure`.

The `graphviz` Python package writes DOT but runs a program named `dot`, which many machines
lack; `graphviz-pure` (a dependency, from PyPI) is a self-contained port of `dot`, so drawings
render anywhere the package is installed. A system Graphviz is preferred where present: it
measures text with real fonts (the port estimates the width of symbols such as ∂) and it also
writes PDF, which the port does not.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig

from ..errors import RenderError

PROGRAMS = ("dot", "graphviz-pure")
#: What each program can write (-T...), as far as the drawings of viz need.
PURE_FORMATS = ("svg", "png", "jpeg")
SYSTEM_FORMATS = (*PURE_FORMATS, "pdf")
RASTER = ("png", "jpeg")
#: dpi for a picture of the SVG's size in a browser (4/3 px per pt): a system dot writes
#: 96 px per inch of 72 pt, graphviz-pure one px per pt at 96
RASTER_DPI = {"dot": 96, "graphviz-pure": 128}
TIMEOUT = 60.0  # seconds: a safety net, drawings are capped (see dot.MAX_NODES) to stay far below

INSTALL_HINT = (
    "install the 'graphviz-pure' package into the Python that runs this "
    f"({sys.executable} -m pip install graphviz-pure), or Graphviz itself, which provides 'dot' "
    "(apt install graphviz, brew install graphviz, or https://graphviz.org/download/)"
)


def find_program() -> str:
    """The path of the Graphviz program to run: the first of PROGRAMS that is installed.

    Looked up on PATH, then beside the running Python and in its scripts folders: a notebook
    kernel or an IDE runs `.venv/bin/python` without `.venv/bin` on PATH, and pip put
    `graphviz-pure` there (or in the user's scripts folder after `pip install --user`).
    """
    folders = os.pathsep.join(
        dict.fromkeys(
            (
                os.path.dirname(sys.executable),
                sysconfig.get_path("scripts"),
                sysconfig.get_path("scripts", f"{os.name}_user"),
            )
        )
    )
    for name in PROGRAMS:
        found = shutil.which(name) or shutil.which(name, path=folders)
        if found:
            return found
    raise RenderError(
        f"no Graphviz program found (looked for {' and '.join(PROGRAMS)}): " + INSTALL_HINT
    )


def is_graphviz_pure(program: str) -> bool:
    """True for the PyPI port, which writes fewer formats than a system Graphviz."""
    return os.path.basename(program).startswith("graphviz-pure")


def run_graphviz(source: str, format: str, scale: float = 1.0) -> bytes:
    """Lay out and draw DOT `source`; return the bytes of the image in `format`. A PNG or JPEG
    is as many px as the SVG shows in a browser, times `scale` (2: sharp on a HiDPI screen)."""
    program = find_program()
    formats = PURE_FORMATS if is_graphviz_pure(program) else SYSTEM_FORMATS
    if format not in formats:
        if format in SYSTEM_FORMATS:  # e.g. pdf with graphviz-pure only
            raise RenderError(
                f"{format.upper()} needs a system Graphviz (the 'dot' program); only "
                f"graphviz-pure was found ({program}), which writes {', '.join(formats)}. "
                "Install Graphviz (apt install graphviz, brew install graphviz, or "
                "https://graphviz.org/download/) or write .svg or .png instead"
            )
        raise ValueError(f"format must be one of {', '.join(formats)}; got {format!r}")
    command = [program, f"-T{format}"]
    if format in RASTER:
        dpi = RASTER_DPI["graphviz-pure" if is_graphviz_pure(program) else "dot"] * scale
        command.append(f"-Gdpi={dpi:g}")
    try:
        done = subprocess.run(
            command,
            input=source.encode("utf-8"),
            capture_output=True,
            timeout=TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise RenderError(f"{program} took longer than {TIMEOUT:g} s to draw the graph") from None
    except OSError as e:
        raise RenderError(f"could not run {program}: {e}; " + INSTALL_HINT) from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip() or "no message"
        raise RenderError(f"{program} failed (exit code {done.returncode}): {message}")
    return done.stdout
