"""A `Stepper` in Jupyter: the step-through page in an iframe of its own.

The page builds on the stepper, so the stepper cannot import it; this module hands the stepper
its notebook view instead (`show_in_notebooks`), and `viz` loads it with `viz.Stepper`.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable

from micrograd_nndl import Value

from ..step.stepper import Stepper, show_in_notebooks
from .stepper_page import stepper_html

IFRAME_MAX_HEIGHT = 900  # px: a taller notebook output scrolls inside its frame
PANEL_HEIGHT = 420  # px: the controls, the step's text and the explainer around the graph
#: Tells the framed page the colour scheme of a mkdocs-material page around it (a sandboxed
#: frame cannot read it), now and whenever the reader switches it.
SCHEME_SCRIPT = """<script>(function () {
  const frame = document.currentScript.previousElementSibling;
  const tell = () => {
    const scheme = document.body.getAttribute("data-md-color-scheme");
    if (scheme && frame.contentWindow) {
      frame.contentWindow.postMessage({ microgradScheme: scheme }, "*");
    }
  };
  frame.addEventListener("load", tell);
  new MutationObserver(tell).observe(document.body, { attributes: true,
    attributeFilter: ["data-md-color-scheme"] });
})();</script>"""


def notebook_html(stepper: Stepper, *, params: Iterable[Value] = ()) -> str:
    """The page in an `<iframe srcdoc>` for a notebook output: its script and style cannot
    touch the notebook's, nor the notebook's styles the page's. Its colours follow the
    browser's scheme, or a mkdocs-material page's (`SCHEME_SCRIPT`). `params` as
    `stepper_html`'s."""
    page = stepper_html(stepper, params=params)
    height = min(IFRAME_MAX_HEIGHT, PANEL_HEIGHT + _svg_height(page))
    return (
        f'<iframe srcdoc="{html.escape(page, quote=True)}" sandbox="allow-scripts" '
        f'title="{html.escape(stepper.words("page.title"))}" '
        f'style="width: 100%; height: {height}px; border: 1px solid #d1d5db; '
        'color-scheme: normal"></iframe>' + SCHEME_SCRIPT
    )


def _svg_height(page: str) -> int:
    match = re.search(r'<svg[^>]*\sheight="([\d.]+)pt"', page)
    return int(float(match[1]) * 4 / 3) if match else 400


show_in_notebooks(notebook_html)
