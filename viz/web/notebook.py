"""A `Stepper` in Jupyter: the step-through page in an iframe of its own, and a picture of the
current state with the steps as text for a viewer that shows no iframe.

The page builds on the stepper, so the stepper cannot import it; this module hands the stepper
its notebook view instead (`show_in_notebooks`), and `viz` loads it with `viz.Stepper`.

An untrusted notebook (one received, or reopened after a change) and GitHub's or nbviewer's
view of a notebook file strip the iframe and its script; what remains is the fallback: one line
saying how to get the interactive view, and, folded, the picture of the state the stepper has
reached (a PNG: no script, no SVG) and every step of both passes as text.
"""

from __future__ import annotations

import base64
import html
import re

from micrograd_nndl import NonFiniteGradientError

from ..step.stepper import Stepper, show_in_notebooks
from .stepper_page import PAGE_TITLE, stepper_html

IFRAME_MAX_HEIGHT = 900  # px: a taller notebook output scrolls inside its frame
PANEL_HEIGHT = 420  # px: the controls, the step's text and the explainer around the graph
INTERACTIVE = (
    "No interactive page above? This notebook is not trusted (JupyterLab: File › Trust "
    "Notebook), or its viewer runs no scripts: viz.to_html(stepper, 'steps.html') writes the "
    "page for a browser."
)


def notebook_html(stepper: Stepper) -> str:
    """The page in an `<iframe srcdoc>` for a notebook output (its script and style cannot
    touch the notebook's, nor the notebook's styles the page's), then the fallback."""
    page = stepper_html(stepper)
    height = min(IFRAME_MAX_HEIGHT, PANEL_HEIGHT + _svg_height(page))
    return (
        f'<iframe srcdoc="{html.escape(page, quote=True)}" sandbox="allow-scripts" '
        f'title="{html.escape(PAGE_TITLE)}" '
        f'style="width: 100%; height: {height}px; border: 1px solid #d1d5db"></iframe>'
        + static_html(stepper)
    )


def static_html(stepper: Stepper) -> str:
    """What a viewer without scripts shows: the line on the interactive view, and folded under
    it the picture of the current state and every step of both passes as text."""
    png = stepper.draw()._repr_png_()
    width = int.from_bytes(png[16:20], "big")  # in the PNG's header
    picture = base64.b64encode(png).decode("ascii")
    return (
        f'<p style="color: #6b7280">{html.escape(INTERACTIVE)}</p>'
        f"<details><summary>{html.escape(str(stepper))}</summary>"
        f'<img src="data:image/png;base64,{picture}" width="{width}" '
        f'style="max-width: none" alt="{html.escape(_caption(stepper))}">'
        f"<pre>{html.escape(steps_text(stepper))}</pre></details>"
    )


def steps_text(stepper: Stepper) -> str:
    """Every step of both passes, as the stepper writes them, the current one marked ▶."""
    replay = stepper.replay()
    lines = []
    done = len(stepper.history)
    try:
        while (step := replay.forward() or replay.backward()) is not None:
            mark = "▶ " if len(replay.history) == done else "  "
            lines.append(mark + step.text)
    except NonFiniteGradientError as e:  # the steps stop where the gradient does
        lines.append(f"  {e}")
    return "\n".join(lines)


def _caption(stepper: Stepper) -> str:
    last = stepper.history[-1].text if stepper.history else "before the first step"
    return f"{PAGE_TITLE}: {last}"


def _svg_height(page: str) -> int:
    match = re.search(r'<svg[^>]*\sheight="([\d.]+)pt"', page)
    return int(float(match[1]) * 4 / 3) if match else 400


show_in_notebooks(notebook_html)
