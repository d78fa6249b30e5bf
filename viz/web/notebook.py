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
from collections.abc import Iterable

from micrograd_nndl import NonFiniteGradientError, Value

from ..draw.fit import NOTEBOOK
from ..step.stepper import Stepper, show_in_notebooks
from .stepper_page import stepper_html

IFRAME_MAX_HEIGHT = 900  # px: a taller notebook output scrolls inside its frame
PANEL_HEIGHT = 420  # px: the controls, the step's text and the explainer around the graph
#: Tells the framed page the colour scheme of a mkdocs-material page around it (a sandboxed
#: frame cannot read it), now and whenever the reader switches it.
SCHEME_SCRIPT = """<script>(function () {
  const frame = document.currentScript.previousElementSibling;
  const tell = () => {
    // a mkdocs-material page without a palette has no scheme and is always light
    const scheme = document.body.getAttribute("data-md-color-scheme") ||
      (document.querySelector(".md-container") ? "default" : null);
    if (scheme && frame.contentWindow) {
      frame.contentWindow.postMessage({ microgradScheme: scheme }, "*");
    }
  };
  frame.addEventListener("load", tell);
  new MutationObserver(tell).observe(document.body, { attributes: true,
    attributeFilter: ["data-md-color-scheme"] });
})();</script>"""


def notebook_html(
    stepper: Stepper,
    *,
    params: Iterable[Value] = (),
    fallback: bool = True,
    width: float = NOTEBOOK,
) -> str:
    """The page in an `<iframe srcdoc>` for a notebook output: its script and style cannot
    touch the notebook's, nor the notebook's styles the page's. Its colours follow the
    browser's scheme, or a mkdocs-material page's (`SCHEME_SCRIPT`). `params` and `width` as
    `stepper_html`'s. Then, with `fallback`, what a viewer without scripts shows
    (`static_html`); a site's page, whose scripts run, goes without."""
    page = stepper_html(stepper, params=params, width=width)
    height = min(IFRAME_MAX_HEIGHT, PANEL_HEIGHT + _svg_height(page))
    return (
        f'<iframe srcdoc="{html.escape(page, quote=True)}" sandbox="allow-scripts" '
        f'title="{html.escape(stepper.words("page.title"))}" '
        f'style="width: 100%; height: {height}px; border: 1px solid #d1d5db; '
        'color-scheme: normal"></iframe>'
        + SCHEME_SCRIPT
        + (static_html(stepper) if fallback else "")
    )


def static_html(stepper: Stepper) -> str:
    """What a viewer without scripts shows: the line on the interactive view, and folded under
    it the picture of the current state and every step of both passes as text."""
    png = stepper.draw()._repr_png_()
    width = int.from_bytes(png[16:20], "big")  # in the PNG's header
    picture = base64.b64encode(png).decode("ascii")
    return (
        f'<p style="color: #6b7280">{html.escape(stepper.words("notebook.interactive"))}</p>'
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
        while step := replay.forward() or replay.backward():
            mark = "▶ " if len(replay.history) == done else "  "
            lines.append(mark + step.text)
    except NonFiniteGradientError as e:  # the steps stop where the gradient does
        lines.append(f"  {e}")
    return "\n".join(lines)


def _caption(stepper: Stepper) -> str:
    words = stepper.words
    last = stepper.history[-1].text if stepper.history else words("stepper.before")
    return words("notebook.picture", title=words("page.title"), step=last)


def _svg_height(page: str) -> int:
    match = re.search(r'<svg[^>]*\sheight="([\d.]+)pt"', page)
    return int(float(match[1]) * 4 / 3) if match else 400


show_in_notebooks(notebook_html)
