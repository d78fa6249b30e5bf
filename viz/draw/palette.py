"""The drawings' colours, each with a light and a dark form, and the CSS that switches them.

Graphviz writes each colour as an attribute (fill="#dcfce7", stroke="black"); a drawing inlined
in a page, or opened as an .svg, gets a class and a small stylesheet (`themed`) that repaints
those attributes from CSS variables, so the same SVG reads on a white page and on a dark one:

- in a mkdocs-material site, the page's scheme decides (`[data-md-color-scheme="slate"]`;
  a site without a `palette` has none and is always light, so its drawings are too);
- elsewhere (a lone .svg, a step-through page, a notebook), the browser's
  `prefers-color-scheme`, or JupyterLab's dark theme (`data-jp-theme-light="false"`).

The dark background is the page's own (mkdocs-material's `--md-default-bg-color`, or none):
no white panel in a dark page. PNG and PDF are drawn light.
"""

from __future__ import annotations

import re

#: name: (light, dark). The light form is what Graphviz is given; the dark one replaces it.
PALETTE = {
    "ink": ("black", "#e5e7eb"),  # text, borders and arrows Graphviz draws in its default
    "paper": ("white", "transparent"),  # the drawing's background: the page's own when dark
    "muted": ("#6b7280", "#9ca3af"),  # what is summarised, not computed yet, or only a guide
    "input": ("#dcfce7", "#14532d"),
    "parameter": ("#fef3c7", "#713f12"),
    "intermediate": ("#ffffff", "#1f2937"),
    "output": ("#dbeafe", "#1e3a8a"),
    "op": ("#f3f4f6", "#374151"),
    "highlight": ("#dc2626", "#f87171"),  # forward: what a step computes, a path, w < 0
    "gradient": ("#2563eb", "#60a5fa"),  # backward: a gradient sent back, w > 0
    "cover": ("#fffffe", "var(--md-default-bg-color, #1f2937)"),  # text over edges: page's bg
}
CLASS = "micrograd-drawing"


def light(name: str) -> str:
    """The colour Graphviz draws `name` in (its light form)."""
    return PALETTE[name][0]


def stylesheet() -> str:
    """The CSS that gives a drawing of class CLASS its dark colours where the page is dark."""
    own = f"svg.{CLASS}"
    light_vars = ";".join(f"--mg-{name}:{pair[0]}" for name, pair in PALETTE.items())
    dark_vars = ";".join(f"--mg-{name}:{pair[1]}" for name, pair in PALETTE.items())
    rules = [
        f"{own}{{{light_vars}}}",
        f'[data-md-color-scheme="slate"] {own},[data-jp-theme-light="false"] {own}{{{dark_vars}}}',
        # a mkdocs-material page without a palette stays light whatever the system's scheme
        "@media (prefers-color-scheme: dark){"
        f"{own}:not([data-md-color-scheme] {own}):not(.md-container {own}){{{dark_vars}}}}}",
        f"{own} text:not([fill]){{fill:var(--mg-ink)}}",
        f"{own} g.graph>polygon:first-of-type{{fill:var(--mg-paper)}}",
    ]
    for name, (colour, _) in PALETTE.items():
        if name == "paper":
            continue
        for attribute in ("fill", "stroke"):
            rules.append(f'{own} [{attribute}="{colour}"]{{{attribute}:var(--mg-{name})}}')
    return "".join(rules)


_SVG_OPEN = re.compile(r"<svg\b")


def themed(svg: str) -> str:
    """Graphviz's SVG with the class and stylesheet that follow the page's light or dark
    scheme (see the module's note); the picture is unchanged on a light page."""
    match = _SVG_OPEN.search(svg)
    if match is None or f'class="{CLASS}"' in svg:
        return svg
    end = svg.index(">", match.end())
    head = svg[match.start() : end]
    opened = f'{head} class="{CLASS}">'
    return svg[: match.start()] + opened + f"<style>{stylesheet()}</style>" + svg[end + 1 :]
