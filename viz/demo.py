"""The book's example, what `make demo` shows: σ(wx + b) at x = 1, w = 0, b = 0 (NNDL §4.5.3)."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TextIO

from micrograd_nndl.book import sigmoid_graph

from .chain_rule import explain
from .dot import render
from .text import format_graph

DEFAULT_IMAGE = Path("out") / "sigmoid_graph.png"


def demo(image: str | os.PathLike[str] = DEFAULT_IMAGE, out: TextIO | None = None) -> Path:
    """Build the six-primitive graph h1..h6, run backward, print the derivative table and the
    chain rule for ∂f/∂w, ∂f/∂b, ∂f/∂x, and draw the graph to `image`; return its path."""
    out = out or sys.stdout
    nodes = sigmoid_graph(x=1.0, w=0.0, b=0.0)
    f, w, b = nodes["h6"], nodes["w"], nodes["b"]
    f.backward()
    print("f(x; w, b) = σ(wx + b) = 1 / (exp(−(wx + b)) + 1) at x = 1, w = 0, b = 0,", file=out)
    print("as six primitives h1..h6 (NNDL §4.5.3); reverse mode from f = h6:\n", file=out)
    print(format_graph(f), file=out)
    for name in ("w", "b", "x"):
        print(file=out)
        print(explain(f, nodes[name]).text, file=out)
    image = Path(image)
    image.parent.mkdir(parents=True, exist_ok=True)
    render(f, image, params=[w, b], title="f(x; w, b) = σ(wx + b) after backward (NNDL §4.5.3)")
    print(
        f"\nthe graph with its values and gradients: {image} ({image.stat().st_size} bytes)",
        file=out,
    )
    return image
