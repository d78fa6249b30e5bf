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
from ..words import translator
from .console import shown

DEFAULT_IMAGE = Path("out") / "sigmoid_graph.png"
PAGE_NAME = "sigmoid_steps.html"  # written beside the image


def demo(
    image: str | os.PathLike[str] = DEFAULT_IMAGE,
    out: TextIO | None = None,
    page: str | os.PathLike[str] | None = None,
    lang: str | None = None,
) -> Path:
    """Build the six-primitive graph h1..h6, run backward, print the derivative table and the
    chain rule for ∂f/∂w, ∂f/∂b, ∂f/∂x, draw the graph to `image` and write the page that
    steps through both passes to `page` (None: no page); return the image's path.

    `micrograd-nndl demo` writes the page beside the image, out/sigmoid_steps.html. Every
    word printed, drawn and on the page is in `lang` ("en", "zh"; see viz.words)."""
    out = out or sys.stdout
    words = translator(lang)
    nodes = sigmoid_graph(x=1.0, w=0.0, b=0.0)
    f, w, b = nodes["h6"], nodes["w"], nodes["b"]
    f.backward()
    graph = Graph(f)  # one view of f for the table, the chain rules, the image and the page
    print(words("demo.intro"), file=out)
    print(format_graph(graph, lang=words.lang), file=out)
    for rule in explain_each(graph, [nodes[name] for name in ("w", "b", "x")], lang=words.lang):
        print(file=out)
        print(rule.text, file=out)
    image = Path(image)
    image.parent.mkdir(parents=True, exist_ok=True)
    render(  # read in the README too: drawn for its column
        graph, image, params=[w, b], title=words("demo.image_title"), lang=words.lang, width=COLUMN
    )
    size = image.stat().st_size
    print("\n" + words("demo.image", path=shown(str(image)), size=size), file=out)
    if page is not None:  # the stepper replays both passes itself, whatever .grad holds
        page = Path(page)
        page.parent.mkdir(parents=True, exist_ok=True)
        stepper = Stepper(graph, lang=words.lang)
        to_html(stepper, page, params=[w, b], title=words("demo.page_title"))
        size = page.stat().st_size
        print(words("demo.page", path=shown(str(page)), size=size), file=out)
    return image
