"""What the chapter-4 examples share: their command line, saving a figure, and derivatives
computed by the engine's backward() (never by a hand-written formula).
"""

from __future__ import annotations

import argparse
import io
import os
import sys
from collections.abc import Callable, Sequence

import matplotlib


def choose_backend() -> None:
    """Agg when nobody chose a backend: the examples only write files, never open a window.

    A backend already chosen is kept: a notebook kernel's (it sets MPLBACKEND, and `%run` of an
    example must not switch the notebook's plots to Agg) or one a running pyplot already uses.
    """
    if not os.environ.get("MPLBACKEND") and "matplotlib.pyplot" not in sys.modules:
        matplotlib.use("Agg")


choose_backend()

import matplotlib.pyplot as plt  # noqa: E402  (after choosing the backend)
from matplotlib.figure import Figure  # noqa: E402
from PIL import Image  # noqa: E402  (matplotlib's own PNG writer)

import viz  # noqa: E402
from micrograd_nndl import Value  # noqa: E402


def parse_args(doc: str, argv: Sequence[str] | None) -> argparse.Namespace:
    """`--out DIR` (default out/) and `--quick` (smaller and faster, for the tests)."""
    parser = argparse.ArgumentParser(description=doc.strip().splitlines()[0])
    parser.add_argument("--out", default="out", help="directory for the pictures (default: out/)")
    parser.add_argument("--quick", action="store_true", help="smaller and faster, for the tests")
    return parser.parse_args(argv)


def output_path(out: str, name: str) -> str:
    """OUT/name, creating OUT if needed."""
    os.makedirs(out, exist_ok=True)
    return os.path.join(out, name)


def save_figure(fig: Figure, out: str, name: str) -> str:
    """Write `fig` to OUT/name as a PNG, close it, say so, and return the path.

    The PNG has a 256-colour palette (`save_palette_png`): small enough to keep pictures in the
    repository.
    """
    path = output_path(out, name)
    rendered = io.BytesIO()
    fig.savefig(rendered, format="png", dpi=100, bbox_inches="tight")
    plt.close(fig)
    save_palette_png(rendered.getvalue(), path)
    print(f"wrote {path}")
    return path


def save_palette_png(png: bytes, path: str) -> None:
    """Write the PNG `png` to `path` with a 256-colour palette: a plot or a drawing has few
    colours, so it looks the same at about a third of the size."""
    image = Image.open(io.BytesIO(png)).convert("RGB")
    image.quantize(256, dither=Image.Dither.NONE).save(path, optimize=True)


def value_and_grad(fn: Callable[..., Value], *args: float) -> tuple[float, list[float]]:
    """f(args) and [∂f/∂arg_i], the gradient from one reverse-mode pass (NNDL §4.5.3)."""
    inputs = [Value(float(a)) for a in args]
    f = fn(*inputs)
    f.backward()
    return f.data, [x.grad for x in inputs]


def render_graph(root: Value, out: str, name: str, **options: object) -> None:
    """Draw the graph of `root` as OUT/name.svg (for slides) and OUT/name.png, and say so;
    options as `viz.draw_dot`."""
    for suffix in (".svg", ".png"):
        print(f"wrote {viz.render(root, output_path(out, name + suffix), **options)}")
