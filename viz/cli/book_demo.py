"""The book's example, what `make demo` shows: σ(wx + b) at x = 1, w = 0, b = 0 (NNDL §4.5.3)."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TextIO

from micrograd_nndl.book import sigmoid_graph

from ..draw.dot import render
from ..draw.fit import COLUMN
from ..graph import Graph
from ..step.chain_rule import explain_each
from ..step.stepper import Stepper
from ..step.text import format_graph
from ..web.stepper_page import to_html
from .console import shown

DEFAULT_IMAGE = Path("out") / "sigmoid_graph.png"
PAGE_NAME = "sigmoid_steps.html"  # written beside the image
BOOK_TITLE = "f(x; w, b) = σ(wx + b) at x = 1, w = 0, b = 0 (NNDL §4.5.3)"


def demo(
    image: str | os.PathLike[str] = DEFAULT_IMAGE,
    out: TextIO | None = None,
    page: str | os.PathLike[str] | None = None,
) -> Path:
    """Build the six-primitive graph h1..h6, run backward, print the derivative table and the
    chain rule for ∂f/∂w, ∂f/∂b, ∂f/∂x, draw the graph to `image` and write the page that
    steps through both passes to `page` (None: no page); return the image's path.

    `micrograd-nndl demo` writes the page beside the image, out/sigmoid_steps.html."""
    out = out or sys.stdout
    nodes = sigmoid_graph(x=1.0, w=0.0, b=0.0)
    f, w, b = nodes["h6"], nodes["w"], nodes["b"]
    f.backward()
    graph = Graph(f)  # one view of f for the table, the chain rules, the image and the page
    print("f(x; w, b) = σ(wx + b) = 1 / (exp(−(wx + b)) + 1) at x = 1, w = 0, b = 0,", file=out)
    print("as six primitives h1..h6 (NNDL §4.5.3); reverse mode from f = h6:\n", file=out)
    print(format_graph(graph), file=out)
    for rule in explain_each(graph, [nodes[name] for name in ("w", "b", "x")]):
        print(file=out)
        print(rule.text, file=out)
    image = Path(image)
    image.parent.mkdir(parents=True, exist_ok=True)
    title = "f(x; w, b) = σ(wx + b) after backward (NNDL §4.5.3)"
    render(graph, image, params=[w, b], title=title, width=COLUMN)  # read in the README too
    print(
        f"\nthe graph with its values and gradients: {shown(str(image))} "
        f"({image.stat().st_size} bytes)",
        file=out,
    )
    if page is not None:  # the stepper replays both passes itself, whatever .grad holds
        page = Path(page)
        page.parent.mkdir(parents=True, exist_ok=True)
        to_html(Stepper(graph), page, params=[w, b], title=BOOK_TITLE)
        size = page.stat().st_size
        print(f"step through both passes in a browser: {shown(str(page))} ({size} bytes)", file=out)
    return image
