"""A drawing's DOT made into the image asked for, with Chinese (any full-width script) drawn
as glyphs, never as empty boxes, and SVG that follows a page's light or dark scheme.

graphviz-pure carries three Latin fonts (Tinos, Arimo, Cousine) and no other: its PNG draws
净输入 as □□□. So where a drawing holds full-width glyphs and only graphviz-pure is found, its
SVG is rasterised by resvg (the `resvg-py` package, the `cjk` extra), which reads the system's
fonts; a system Graphviz draws them itself through fontconfig. Either way a CJK font must be
installed (Debian's `fonts-wqy-microhei`, 1.6 MB, or `fonts-noto-cjk`): where none is found, or no
renderer that can use one, `RenderError` says what to install.
"""

from __future__ import annotations

import re
import subprocess
from functools import lru_cache
from typing import Any

from ..errors import RenderError
from .graphviz_runner import find_program, is_graphviz_pure, run_graphviz
from .measure import has_wide
from .palette import themed

FONT_HINT = (
    "install a CJK font: apt install fonts-wqy-microhei (or fonts-noto-cjk), "
    "brew install --cask font-wenquanyi-micro-hei, or any font with Chinese glyphs"
)
#: Faces like Helvetica (the drawings' font), most alike first.
SANS_FAMILIES = ("Helvetica", "Arimo", "Liberation Sans", "Arial", "Nimbus Sans", "DejaVu Sans")
_SVG_SIZE = re.compile(r'<svg width="([0-9.]+)pt" height="([0-9.]+)pt"')
_PROBE = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="48" height="48">'
    '<text x="4" y="40" font-size="40" font-family="sans-serif">{}</text></svg>'
)


def image_bytes(source: str, format: str) -> bytes:
    """The image of DOT `source` in `format` ("svg", "png", "jpeg", "pdf"); see the module's
    note for full-width glyphs. SVG carries the light and dark colours (`palette.themed`)."""
    if format == "svg":
        return themed(run_graphviz(source, "svg").decode("utf-8")).encode("utf-8")
    if not has_wide(source):
        return run_graphviz(source, format)
    program = find_program()
    if not is_graphviz_pure(program):
        _require_cjk_font(format)
        return run_graphviz(source, format)
    if format != "png":
        raise RenderError(
            f"a {format.upper()} with Chinese text needs a system Graphviz (apt install graphviz, "
            "brew install graphviz) and a CJK font; only graphviz-pure was found, which draws "
            "no Chinese glyphs: write .png or .svg instead"
        )
    _require_cjk_font(format)
    return rasterise(run_graphviz(source, "svg").decode("utf-8"))


def rasterise(svg: str) -> bytes:
    """Graphviz's SVG as PNG, by resvg with the system's fonts, as large as Graphviz's own
    PNG and as a browser shows the SVG: its size in pt, 4/3 px each (resvg reads px only;
    the viewBox scales the drawing to it)."""
    resvg = _resvg()
    svg = _SVG_SIZE.sub(
        lambda m: f'<svg width="{float(m[1]) * 4 / 3:.2f}" height="{float(m[2]) * 4 / 3:.2f}"',
        svg,
        count=1,
    )
    # Graphviz writes "Helvetica,sans-Serif": resvg knows the generic only in lower case
    svg = svg.replace(",sans-Serif", ",sans-serif")
    return bytes(resvg.svg_to_bytes(svg_string=svg, sans_serif_family=sans_family()))


@lru_cache(maxsize=1)
def sans_family() -> str:
    """A sans-serif family the system has, for the drawings' Helvetica: resvg's own default
    (Arial) is missing on most Linux systems, where it fell back to a serif face."""
    try:
        listed = subprocess.run(
            ["fc-list", ":", "family"], capture_output=True, text=True, timeout=10, check=False
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return "Arial"
    families = {name.strip() for line in listed.splitlines() for name in line.split(",")}
    return next((f for f in SANS_FAMILIES if f in families), "Arial")


def _resvg() -> Any:
    try:
        import resvg_py
    except ImportError:
        raise RenderError(
            "a PNG with Chinese text needs resvg (the cjk extra: pip install -e '.[cjk]' in the "
            "clone, or pip install resvg-py) or a system Graphviz (apt install graphviz), and a "
            "CJK font; graphviz-pure alone draws no Chinese glyphs (an .svg needs neither)"
        ) from None
    return resvg_py


@lru_cache(maxsize=1)
def cjk_font_found() -> bool:
    """Whether the system has a font with Chinese glyphs: 净 drawn by resvg with the system's
    fonts differs from nothing drawn at all (a missing glyph is left out, not boxed)."""
    resvg = _resvg()
    glyph = bytes(resvg.svg_to_bytes(svg_string=_PROBE.format("净")))
    blank = bytes(resvg.svg_to_bytes(svg_string=_PROBE.format("")))
    return glyph != blank


def _require_cjk_font(format: str) -> None:
    if not cjk_font_found():
        raise RenderError(
            f"the drawing has Chinese text, and no font with Chinese glyphs was found to draw "
            f"its {format.upper()} (it would show empty boxes): {FONT_HINT}; or write .svg, "
            "which the browser draws with its own fonts"
        )
