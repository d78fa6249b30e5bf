"""Plots drawn as SVG by hand, for the figures of a notes page: curves on axes (an activation
and its derivative) and a heatmap of a function of two variables (a loss surface).

Nothing here computes a number: the callers hand over the engine's values. Text and axes are
drawn in `currentColor`, so a plot takes the page's ink, dark on a light page and light on
mkdocs-material's slate; the curves' colours read on both. Sizes are in CSS pixels at the width
`WIDTH`, the notes column's; a narrower column scrolls rather than shrinks text below `FONT`
× MIN_WIDTH / WIDTH (10 px).
"""

from __future__ import annotations

import html
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

WIDTH = 640  # px: a plot's width, inside a 688 px notes column
MIN_WIDTH = 500  # px: narrower than this it scrolls (13 px text stays above 10 px)
FONT = 13  # px
#: Curves' colours: strong enough on white and on slate's grey (#1e2129)
COLOURS = ("#3b82f6", "#ef4444", "#10b981", "#f59e0b", "#a855f7", "#ec4899")
#: A perceptually even ramp, dark violet (low) to yellow (high): viridis's anchor points
RAMP = ((68, 1, 84), (59, 82, 139), (33, 145, 140), (94, 201, 98), (253, 231, 37))
_MARGIN = (48, 12, 36, 12)  # left, right, bottom, top of each panel's plotting area


Scale = Callable[[float], float]  # a number to its place on the page


@dataclass(frozen=True)
class Curve:
    """One named curve: y[i] at x[i] (a NaN leaves a gap)."""

    name: str
    xs: Sequence[float]
    ys: Sequence[float]


@dataclass(frozen=True)
class Panel:
    """A pair of axes with a title and its curves."""

    title: str
    curves: Sequence[Curve]


def svg_open(width: float, height: float, label: str, ink: str) -> str:
    """The opening tag every plot shares: its size, scaled down to MIN_WIDTH at most."""
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.0f} {height:.0f}" '
        f'width="{width:.0f}" height="{height:.0f}" role="img" aria-label="{html.escape(label)}" '
        f'style="width: 100%; height: auto; max-width: {width:.0f}px; min-width: {MIN_WIDTH}px; '
        f'color: {ink}; font-size: {FONT}px; font-family: inherit">'
    )


def curves_svg(panels: Sequence[Panel], *, label: str, ink: str = "currentColor") -> str:
    """Panels side by side, each with its curves on its own axes; one legend of the curves'
    names (each curve's colour by its place in its panel) under them."""
    gap = 16
    panel_width = (WIDTH - gap * (len(panels) - 1)) / len(panels)
    names = [c.name for c in panels[0].curves]
    legend_rows = math.ceil(len(names) / 3)
    panel_height = 240
    height = panel_height + 28 + 20 * legend_rows
    parts = [svg_open(WIDTH, height, label, ink)]
    for k, panel in enumerate(panels):
        parts.append(_panel(panel, k * (panel_width + gap), 0, panel_width, panel_height))
    for i, name in enumerate(names):
        x = 12 + (i % 3) * (WIDTH / 3)
        y = panel_height + 24 + 20 * (i // 3)
        colour = COLOURS[i % len(COLOURS)]
        parts.append(
            f'<line x1="{x:.0f}" y1="{y - 4}" x2="{x + 22:.0f}" y2="{y - 4}" stroke="{colour}" '
            f'stroke-width="3"/><text x="{x + 28:.0f}" y="{y}" fill="currentColor">'
            f"{html.escape(name)}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def _panel(panel: Panel, left: float, top: float, width: float, height: float) -> str:
    ml, mr, mb, mt = _MARGIN
    title_height = 20
    x0, x1 = left + ml, left + width - mr
    y0, y1 = top + height - mb, top + title_height + mt
    xs = [x for c in panel.curves for x in c.xs]
    ys = [y for c in panel.curves for y in c.ys if math.isfinite(y)]
    xlo, xhi = min(xs), max(xs)
    ylo, yhi = _padded(min(ys), max(ys))

    def px(x: float) -> float:
        return x0 + (x - xlo) / (xhi - xlo) * (x1 - x0)

    def py(y: float) -> float:
        return y0 - (y - ylo) / (yhi - ylo) * (y0 - y1)

    parts = [
        f'<text x="{left + width / 2:.1f}" y="{top + 15}" text-anchor="middle" '
        f'fill="currentColor" font-weight="bold">{html.escape(panel.title)}</text>'
    ]
    parts += _axes(x0, x1, y0, y1, (xlo, xhi), (ylo, yhi), px, py)
    for i, curve in enumerate(panel.curves):
        colour = COLOURS[i % len(COLOURS)]
        parts.append(
            f'<path d="{_path(curve, px, py)}" fill="none" stroke="{colour}" stroke-width="2.2" '
            f'stroke-linejoin="round"><title>{html.escape(curve.name)}</title></path>'
        )
    return "".join(parts)


def _axes(
    x0: float,
    x1: float,
    y0: float,
    y1: float,
    xr: tuple[float, float],
    yr: tuple[float, float],
    px: Scale,
    py: Scale,
) -> list[str]:
    """The frame, the zero lines and a few round ticks, in the page's ink."""
    parts = [
        f'<rect x="{x0:.1f}" y="{y1:.1f}" width="{x1 - x0:.1f}" height="{y0 - y1:.1f}" '
        'fill="none" stroke="currentColor" stroke-opacity="0.5"/>'
    ]
    for tick in ticks(*xr):
        parts.append(
            f'<text x="{px(tick):.1f}" y="{y0 + 16:.1f}" text-anchor="middle" '
            f'fill="currentColor">{_number(tick)}</text>'
        )
        if tick == 0:
            parts.append(_rule(px(0), y1, px(0), y0))
    for tick in ticks(*yr):
        parts.append(
            f'<text x="{x0 - 6:.1f}" y="{py(tick) + 4:.1f}" text-anchor="end" '
            f'fill="currentColor">{_number(tick)}</text>'
        )
        if tick == 0:
            parts.append(_rule(x0, py(0), x1, py(0)))
    return parts


def _rule(xa: float, ya: float, xb: float, yb: float) -> str:
    return (
        f'<line x1="{xa:.1f}" y1="{ya:.1f}" x2="{xb:.1f}" y2="{yb:.1f}" stroke="currentColor" '
        'stroke-opacity="0.35" stroke-dasharray="3 3"/>'
    )


def _path(curve: Curve, px: Scale, py: Scale) -> str:
    """The curve as one path; a non-finite value breaks it (a move starts the next piece)."""
    d, pen = [], False
    for x, y in zip(curve.xs, curve.ys):
        if not math.isfinite(y):
            pen = False
            continue
        d.append(f"{'L' if pen else 'M'}{px(x):.1f},{py(y):.1f}")
        pen = True
    return "".join(d)


def _padded(low: float, high: float) -> tuple[float, float]:
    if high - low < 1e-9:
        return low - 1, high + 1
    pad = (high - low) * 0.06
    return low - pad, high + pad


def ticks(low: float, high: float, most: int = 6) -> list[float]:
    """Round numbers (1, 2 or 5 times a power of ten apart) between `low` and `high`."""
    raw = (high - low) / most
    power = 10 ** math.floor(math.log10(raw))
    step = next(s * power for s in (1, 2, 5, 10) if s * power >= raw)
    first = math.ceil(low / step)
    return [round(k * step, 12) for k in range(first, math.floor(high / step) + 1)]


def _number(x: float) -> str:
    return f"{x:g}".replace("-", "−")


def heatmap_svg(
    xs: Sequence[float],
    ys: Sequence[float],
    values: Sequence[Sequence[float]],
    *,
    names: tuple[str, str],
    point: tuple[float, float, float, float] | None,
    words: Mapping[str, str],
    label: str,
    ink: str = "currentColor",
) -> str:
    """values[i][j] at (xs[j], ys[i]) as coloured cells, a colour bar, and `point` (x, y and
    the gradient there) marked with the arrow of −∇ (its direction, a fixed length)."""
    size = 360
    ml, top = 56, 12
    bar_x = ml + size + 28
    height = top + size + 44
    cells = _cells(xs, ys, values, ml, top, size)
    finite = [v for row in values for v in row if math.isfinite(v)]
    low, high = min(finite), max(finite)
    dx, dy = size / len(xs), size / len(ys)
    parts = [svg_open(WIDTH, height, label, ink), cells]

    def px(x: float) -> float:
        return ml + (x - xs[0]) / (xs[-1] - xs[0]) * (size - dx) + dx / 2

    def py(y: float) -> float:
        return top + size - dy / 2 - (y - ys[0]) / (ys[-1] - ys[0]) * (size - dy)

    parts.append(
        f'<rect x="{ml}" y="{top}" width="{size}" height="{size}" fill="none" '
        'stroke="currentColor" stroke-opacity="0.5"/>'
    )
    for tick in ticks(xs[0], xs[-1], 8):
        parts.append(
            f'<text x="{px(tick):.1f}" y="{top + size + 16}" text-anchor="middle" '
            f'fill="currentColor">{_number(tick)}</text>'
        )
    for tick in ticks(ys[0], ys[-1], 8):
        parts.append(
            f'<text x="{ml - 6}" y="{py(tick) + 4:.1f}" text-anchor="end" '
            f'fill="currentColor">{_number(tick)}</text>'
        )
    parts.append(
        f'<text x="{ml + size / 2}" y="{top + size + 36}" text-anchor="middle" '
        f'fill="currentColor" font-style="italic">{html.escape(names[0])}</text>'
        f'<text x="14" y="{top + size / 2}" text-anchor="middle" fill="currentColor" '
        f'font-style="italic" transform="rotate(-90 14 {top + size / 2})">'
        f"{html.escape(names[1])}</text>"
    )
    parts.append(_colour_bar(bar_x, top, size, low, high, words))
    if point is not None:
        parts.append(_arrow(point, px, py, words))
    parts.append("</svg>")
    return "".join(parts)


def _cells(
    xs: Sequence[float],
    ys: Sequence[float],
    values: Sequence[Sequence[float]],
    left: float,
    top: float,
    size: float,
) -> str:
    finite = [v for row in values for v in row if math.isfinite(v)]
    low, high = min(finite), max(finite)
    w, h = size / len(xs), size / len(ys)
    rects = []
    for i, row in enumerate(values):
        y = top + size - (i + 1) * h
        for j, v in enumerate(row):
            fill = colour(v, low, high) if math.isfinite(v) else "#888888"
            rects.append(
                f'<rect x="{left + j * w:.1f}" y="{y:.1f}" width="{w + 0.4:.1f}" '
                f'height="{h + 0.4:.1f}" fill="{fill}"/>'
            )
    return "<g>" + "".join(rects) + "</g>"


def colour(v: float, low: float, high: float) -> str:
    """`v`'s colour on RAMP between `low` and `high`."""
    t = 0.0 if high <= low else min(max((v - low) / (high - low), 0.0), 1.0)
    k = min(int(t * (len(RAMP) - 1)), len(RAMP) - 2)
    f = t * (len(RAMP) - 1) - k
    rgb = (round(a + (b - a) * f) for a, b in zip(RAMP[k], RAMP[k + 1]))
    return "#" + "".join(f"{c:02x}" for c in rgb)


def _colour_bar(
    x: float, top: float, size: float, low: float, high: float, words: Mapping[str, str]
) -> str:
    steps = 24
    h = size / steps
    parts = [
        f'<rect x="{x}" y="{top + size - (k + 1) * h:.1f}" width="16" height="{h + 0.4:.1f}" '
        f'fill="{colour(low + (high - low) * (k + 0.5) / steps, low, high)}"/>'
        for k in range(steps)
    ]
    parts.append(
        f'<text x="{x + 22}" y="{top + 12}" fill="currentColor">{_number(round(high, 3))} '
        f"({html.escape(words['high'])})</text>"
        f'<text x="{x + 22}" y="{top + size}" fill="currentColor">{_number(round(low, 3))} '
        f"({html.escape(words['low'])})</text>"
        f'<text x="{x + 22}" y="{top + size / 2 + 4}" fill="currentColor">'
        f"{html.escape(words['loss'])}</text>"
    )
    return "".join(parts)


def _arrow(
    point: tuple[float, float, float, float], px: Scale, py: Scale, words: Mapping[str, str]
) -> str:
    x, y, gx, gy = point
    norm = math.hypot(gx, gy)
    ux, uy = (-gx / norm, -gy / norm) if norm > 0 else (0.0, 0.0)
    ax, ay = px(x), py(y)
    bx, by = ax + 40 * ux, ay - 40 * uy  # the page's y grows downwards
    head = math.atan2(by - ay, bx - ax)
    wings = [(bx - 9 * math.cos(head + s), by - 9 * math.sin(head + s)) for s in (0.45, -0.45)]
    return (
        f"<g><title>{html.escape(words['point'])}</title>"
        f'<line x1="{ax:.1f}" y1="{ay:.1f}" x2="{bx:.1f}" y2="{by:.1f}" stroke="white" '
        'stroke-width="2.5"/>'
        f'<polygon points="{bx:.1f},{by:.1f} {wings[0][0]:.1f},{wings[0][1]:.1f} '
        f'{wings[1][0]:.1f},{wings[1][1]:.1f}" fill="white"/>'
        f'<circle cx="{ax:.1f}" cy="{ay:.1f}" r="5" fill="#ef4444" stroke="white" '
        'stroke-width="1.5"/></g>'
    )
