"""Fit a drawing to the width it will be read at, without shrinking its text.

A drawing's text is 10–12 pt, 13–16 px at the SVG's own size; shrunk to a column it soon reads
at 4 px. So a drawing is laid out for its reader's width instead: a notebook's output area
(about 960 px), the notes column (688 px, mkdocs-material at a 1280 px window), a 16:9 slide
for a step frame. Each way of laying it out (`Layout`: left to right or top down, normal or
tight spacing) is drawn in turn, and the first whose natural size fits is kept; when none
does, the narrowest, which a page pans at reading size.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from .drawing import Drawing
from .graphviz_runner import run_graphviz

NOTEBOOK = 960  # px: a JupyterLab output area at a 1280 px window, about 968 px
COLUMN = 688  # px: mkdocs-material's content column at a 1280 px window
SLIDE = (1280, 720)  # px: a 16:9 slide, for the frames of a step-through
SMALLEST_TEXT_PT = 10  # an edge's number and the legend's title: the drawings' smallest text
READABLE_PX = 10  # the least a text may be shown at
PX_PER_PT = 4 / 3  # an SVG's pt at the browser's 96 px per inch
_SIZE = re.compile(r'<svg width="([\d.]+)pt" height="([\d.]+)pt"')


@dataclass(frozen=True)
class Layout:
    """One way to lay a graph out: its direction, and its spacing (tight: less room between
    nodes and ranks, for a graph a little too wide)."""

    rankdir: str
    tight: bool = False

    @property
    def spacing(self) -> dict[str, str]:
        """Graphviz's nodesep and ranksep, in inches."""
        return {"nodesep": "0.12", "ranksep": "0.25"} if self.tight else {}


def size_px(drawing: Drawing) -> tuple[float, float]:
    """The width and height in px at which a browser shows the drawing's SVG at its own size."""
    svg = run_graphviz(drawing.source, "svg").decode("utf-8")
    match = _SIZE.search(svg)
    if match is None:  # every Graphviz SVG has its size; a stranger is taken as fitting
        return 0.0, 0.0
    return float(match[1]) * PX_PER_PT, float(match[2]) * PX_PER_PT


def candidates(rankdir: str | None) -> list[Layout]:
    """The layouts to try, in order of preference: the book's left to right, then top down
    (a chain of ops stacked instead of strung out), each tight after normal; a given rankdir
    is kept and only its spacing chosen."""
    directions = ["LR", "TB"] if rankdir is None else [rankdir]
    return [Layout(d, tight) for d in directions for tight in (False, True)]


def best_fit(
    build: Callable[[Layout], Drawing],
    layouts: list[Layout],
    width: float,
    height: float | None = None,
) -> Drawing:
    """The first drawing of `layouts` whose natural size fits `width` (and `height`, if given);
    if none does, the narrowest (its height breaking ties): shown at reading size, it pans."""
    best: tuple[tuple[float, float], Drawing] | None = None
    for layout in layouts:
        drawing = build(layout)
        if len(layouts) == 1:
            return drawing
        w, h = size_px(drawing)
        if w <= width and (height is None or h <= height):
            return drawing
        if best is None or (w, h) < best[0]:
            best = ((w, h), drawing)
    assert best is not None, "at least one layout is tried"
    return best[1]


def slide_scale(size: tuple[float, float], slide: tuple[float, float] = SLIDE) -> float:
    """How much a picture of `size` px is scaled to fill `slide` (at most 1: never enlarged)."""
    w, h = size
    return min(1.0, slide[0] / max(w, 1.0), slide[1] / max(h, 1.0))


def min_scale() -> float:
    """The least a drawing may be scaled by with its smallest text still READABLE_PX: 0.75."""
    return READABLE_PX / (SMALLEST_TEXT_PT * PX_PER_PT)


def best_frame(
    build: Callable[[Layout], Drawing], layouts: list[Layout], slide: tuple[float, float] = SLIDE
) -> Drawing:
    """The layout a slide shows largest (the first that fits whole, else the one least scaled
    down), padded to the slide's shape: a 16:9 frame fills a 16:9 slide edge to edge, its
    text READABLE_PX or more wherever `min_scale` allows it."""
    best: tuple[float, tuple[float, float], Drawing] | None = None
    for layout in layouts:
        drawing = build(layout)
        size = size_px(drawing)
        scale = slide_scale(size, slide)
        if best is None or scale > best[0]:
            best = (scale, size, drawing)
        if scale >= 1.0:
            break
    assert best is not None, "at least one layout is tried"
    _, (w, h), drawing = best
    aspect = slide[0] / slide[1]
    width, height = max(w, h * aspect), max(h, w / aspect)
    # Graphviz's pad (inches each side; 4 pt its own), an inch of the layout being dpi (96)
    # of the SVG's pt, each PX_PER_PT px
    per_inch = 96 * PX_PER_PT
    pad_x = (width - w) / 2 / per_inch + 4 / 72
    pad_y = (height - h) / 2 / per_inch + 4 / 72
    drawing.graph_attr["pad"] = f"{pad_x:.3f},{pad_y:.3f}"
    return drawing
