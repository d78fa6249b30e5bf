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
from .stepper_page import PAGE_TITLE, stepper_html

IFRAME_MAX_HEIGHT = 900  # px: a taller notebook output scrolls inside its frame
PANEL_HEIGHT = 420  # px: the controls, the step's text and the explainer around the graph


def notebook_html(stepper: Stepper, *, params: Iterable[Value] = ()) -> str:
    """The page in an `<iframe srcdoc>` for a notebook output: its script and style cannot
    touch the notebook's, nor the notebook's styles the page's. `params` as `stepper_html`'s."""
    page = stepper_html(stepper, params=params)
    height = min(IFRAME_MAX_HEIGHT, PANEL_HEIGHT + _svg_height(page))
    return (
        f'<iframe srcdoc="{html.escape(page, quote=True)}" sandbox="allow-scripts" '
        f'title="{html.escape(PAGE_TITLE)}" '
        f'style="width: 100%; height: {height}px; border: 1px solid #d1d5db"></iframe>'
    )


def _svg_height(page: str) -> int:
    match = re.search(r'<svg[^>]*\sheight="([\d.]+)pt"', page)
    return int(float(match[1]) * 4 / 3) if match else 400


show_in_notebooks(notebook_html)
