"""How a drawing looks: the value boxes, edge labels, caption and legend as Graphviz's
HTML-like labels, with the colours that tell roles and passes apart, and the room a sequence of
frames keeps for its widest texts so that nothing moves between frames (`dot` assembles them)."""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import graphviz

from micrograd_nndl import Value

from ..graph import local_derivatives
from ..number_format import format_number
from .measure import text_width

OP_FILL = "#f3f4f6"  # the light grey of an op's node (boxes) or its symbol's cell (compact)
MUTED = "#6b7280"  # grey: what is summarised, not computed yet, or only a guide
#: role: (legend text, fill colour, border width, corners) — shape and colour both tell roles apart
ROLES = {
    "input": ("input (leaf)", "#dcfce7", 1, "rounded"),
    "parameter": ("parameter (learnable)", "#fef3c7", 2, ""),
    "intermediate": ("computed value", "#ffffff", 1, ""),
    "output": ("output", "#dbeafe", 3, ""),
}
HIGHLIGHT = "#dc2626"  # forward: what a step computes, or a path to see
GRADIENT = "#2563eb"  # backward: a gradient flowing from a node back to its inputs
FLOWS = {
    "forward": ("red: highlighted", HIGHLIGHT),
    "backward": ("blue ←: gradient sent back", GRADIENT),
}
NOT_COMPUTED = "—"
FONT_SIZES = {"graph": 12, "node": 11, "edge": 10}
#: Room kept for a text in a frame, over its estimated width: a system Graphviz measures the
#: real font, up to 5% wider than the estimate (measured: "grad -0.25"); a cell only grows
SLACK = 1.15


@dataclass(frozen=True)
class Frames:
    """What every frame of a sequence of one graph will show: the gradients at the end and
    each frame's caption. `draw_dot(frames=...)` keeps room for the widest of each text, so
    all frames have the same size, node positions and legend; only texts and colours change."""

    grads: Mapping[Value, float] = field(default_factory=dict)
    captions: Sequence[str] = ()


class Room:
    """The widths (points) that hold the widest text each kind of label shows in any frame."""

    def __init__(
        self, graph, shown, rows, frames: Frames, title: str, digits: int, short: bool = False
    ) -> None:
        node_size, edge_size = FONT_SIZES["node"], FONT_SIZES["edge"]
        widest = 0.0
        edge = 0.0
        for node in shown:
            widest = max(widest, text_width(graph.name(node), node_size, bold=True))
            final = rows(node, node.data, frames.grads.get(node))
            for line in [*final, *rows(node, None, None)]:
                widest = max(widest, text_width(line, node_size))
            locals_ = None if node.is_leaf else local_derivatives(node)
            for arg in range(len(node.parents)):
                number = "undefined" if locals_ is None else format_number(locals_[arg], digits)
                text = number if short else f"{graph.edge(node, arg)} = {number}"
                edge = max(edge, text_width(text, edge_size))
        self.box = widest * SLACK + 10  # 2 × cellpadding 3, and a margin
        self.edge = edge * SLACK + 4
        captions = [*frames.captions, title]
        lines = [line for caption in captions for line in caption.splitlines()]
        widest_line = max((text_width(t, FONT_SIZES["graph"]) for t in lines), default=0)
        self.caption_width = widest_line * SLACK + 8
        self.caption_lines = max((len(c.splitlines()) for c in captions), default=1)


def marked(colour: str, flow: str) -> dict[str, str]:
    attrs = {"color": colour, "fontcolor": colour, "penwidth": "2.5"}
    if flow == "backward":
        # an arrowhead turned round, tip toward the input: the gradient goes back. Not
        # dir=back: an arrow at the tail end moves the layout, and frames must hold still
        attrs["arrowhead"] = "inv"
    return attrs


def edge_label(text: str, room: Room | None) -> str:
    """An edge's text; in a frame, in a cell as wide as the widest edge text of any frame."""
    if room is None:
        return graphviz.escape(text)
    return (
        '<<table border="0" cellborder="0" cellspacing="0" cellpadding="0">'
        f'<tr><td width="{room.edge:.0f}">{html.escape(text)}</td></tr></table>>'
    )


def caption(lines: list[str], room: Room | None, key: str | None, stacked: bool = False) -> str:
    """The title over the drawing, left-aligned, and the legend beside it (under it when
    `stacked`, over a tall narrow drawing): outside the layout, so the legend moves no node and
    takes no column of its own. In a frame the title is a fixed-size block."""
    if room is None and key is None:
        return "".join(graphviz.escape(line) + "\\l" for line in lines)
    cells = []
    if lines:
        size = ""
        if room is not None:
            height = room.caption_lines * FONT_SIZES["graph"] * 1.3
            size = f' width="{room.caption_width:.0f}" height="{height:.0f}"'
        text = "<br/>".join(html.escape(line) for line in lines)
        cells.append(f'<td align="left" balign="left" valign="top"{size}>{text}</td>')
    if key is not None:
        cells.append(f'<td align="left" valign="top">{key}</td>')
    rows = [f"<tr>{c}</tr>" for c in cells] if stacked else [f"<tr>{''.join(cells)}</tr>"]
    return (
        '<<table border="0" cellborder="0" cellspacing="12" cellpadding="0">'
        + "".join(rows)
        + "</table>>"
    )


def box(name: str, rows: list[str], role: str, mark: str | None, width: float | None) -> str:
    """An HTML-like label: the name in bold over the data and grad lines, styled by role; a
    marked box is drawn in the mark's colour (its border keeps its width: nothing moves)."""
    _, fill, border, corners = ROLES[role]
    attrs = f'border="{border}" cellborder="0" cellspacing="0"'
    attrs += f' cellpadding="3" bgcolor="{fill}"'
    if corners:
        attrs += f' style="{corners}"'
    if mark:
        attrs += f' color="{mark}"'
    td = "<td>" if width is None else f'<td width="{width:.0f}">'
    title = f"<b>{html.escape(name)}</b>"
    if mark:
        title = f'<font color="{mark}">{title}</font>'
    cells = "".join(f"<tr>{td}{cell(row)}</td></tr>" for row in rows)
    rule = "<hr/>" if rows else ""
    return f"<<table {attrs}><tr>{td}{title}</td></tr>{rule}{cells}</table>>"


def cell(text: str) -> str:
    """A data or grad line; "not computed" in grey, padded (a port estimates "—" as narrow)."""
    if text.endswith(NOT_COMPUTED):
        return f'<font color="{MUTED}">{html.escape(text)}&#160;&#160;</font>'
    return html.escape(text)


def legend(roles: list[str], any_missing: bool, flows: list[str], per_row: int = 4) -> str:
    """A small boxed key, as one HTML table: the sample boxes of the roles drawn, `per_row` to
    a row (two over a narrow drawing), then what "—" means and what the marks' colours mean
    (a legend of short rows, not one row as wide as the drawing)."""
    samples = [f"<td>{box(ROLES[role][0], [], role, None, None)[1:-1]}</td>" for role in roles]
    boxes = "".join(
        f"<tr>{''.join(samples[k : k + per_row])}</tr>" for k in range(0, len(samples), per_row)
    )
    notes = []
    if any_missing:
        notes.append(f"{NOT_COMPUTED} not computed yet")
    notes.extend(f'<font color="{FLOWS[f][1]}">{html.escape(FLOWS[f][0])}</font>' for f in flows)
    rows = [
        f'<tr><td align="left"><font color="{MUTED}" point-size="10">legend</font></td></tr>',
        '<tr><td align="left"><table border="0" color="black" cellspacing="6" cellpadding="0">'
        f"{boxes}</table></td></tr>",  # black: the boxes' own borders, not the key's
    ]
    if notes:
        cells = "".join(f'<td align="left" cellpadding="4">{note}</td>' for note in notes)
        rows.append(
            '<tr><td align="left"><table border="0" cellspacing="6" cellpadding="0">'
            f"<tr>{cells}</tr></table></td></tr>"
        )
    return (
        f'<table border="1" color="{MUTED}" cellborder="0" cellspacing="2" cellpadding="2">'
        + "".join(rows)
        + "</table>"
    )
