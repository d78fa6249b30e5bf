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
from ..words import Words
from .measure import has_wide, text_width
from .palette import light

OP_FILL = light("op")  # the grey of an op's node (boxes) or its symbol's cell (compact)
MUTED = light("muted")  # grey: what is summarised, not computed yet, or only a guide
#: role: (legend's message key, fill colour, border width, corners) — shape and colour both
#: tell roles apart
ROLES = {
    "input": ("role.input", light("input"), 1, "rounded"),
    "parameter": ("role.parameter", light("parameter"), 2, ""),
    "intermediate": ("role.intermediate", light("intermediate"), 1, ""),
    "output": ("role.output", light("output"), 3, ""),
}
HIGHLIGHT = light("highlight")  # forward: what a step computes, or a path to see
GRADIENT = light("gradient")  # backward: a gradient flowing from a node back to its inputs
FLOWS = {
    "forward": ("legend.forward", HIGHLIGHT),
    "backward": ("legend.backward", GRADIENT),
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
        self,
        graph,
        shown,
        rows,
        frames: Frames,
        title: str,
        digits: int,
        words: Words,
        short: bool = False,
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
                number = (
                    words("field.undefined")
                    if locals_ is None
                    else format_number(locals_[arg], digits)
                )
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


def edge_label(text: str, room: Room | None, lift: bool = False) -> str:
    """An edge's text; in a frame, in a cell as wide as the widest edge text of any frame;
    with full-width glyphs (净输入), in a cell as wide as they are (see `measure`). `lift`: over
    an empty line of its height, for a left-to-right drawing, where Graphviz centres a label
    on its edge's line: so the line runs under the text, not through it."""
    size = FONT_SIZES["edge"]
    if room is None and not lift:
        return text_label(text, size)
    width = room.edge if room is not None else wide_room(text, size)
    td = "<td>" if width is None else f'<td width="{width:.0f}">'
    lines = "<br/>".join(html.escape(line) for line in text.splitlines())
    under = f'<tr><td height="{size * 1.3 * len(text.splitlines() or [""]):.0f}"></td></tr>'
    return (
        '<<table border="0" cellborder="0" cellspacing="0" cellpadding="0">'
        f"<tr>{td}{lines}</td></tr>{under if lift else ''}</table>>"
    )


def text_label(text: str, fontsize: float) -> str:
    """A plain label (an edge's, a neuron box's); one with full-width glyphs in a cell as
    wide as they are drawn, lines kept."""
    width = wide_room(text, fontsize)
    if width is None:
        return graphviz.escape(text)
    lines = "<br/>".join(html.escape(line) for line in text.splitlines())
    return (
        '<<table border="0" cellborder="0" cellspacing="0" cellpadding="0">'
        f'<tr><td width="{width:.0f}">{lines}</td></tr></table>>'
    )


def wide_room(text: str, fontsize: float, bold: bool = False) -> float | None:
    """The width (points) a cell needs for `text` if it holds full-width glyphs, which
    graphviz-pure measures as narrow as a space; None where Graphviz measures it itself."""
    lines = text.splitlines() or [""]
    if not any(has_wide(line) for line in lines):
        return None
    return max(text_width(line, fontsize, bold) for line in lines) * SLACK + 4


def caption(lines: list[str], room: Room | None, key: str | None, stacked: bool = False) -> str:
    """The title over the drawing, left-aligned, and the legend beside it (under it when
    `stacked`, over a tall narrow drawing): outside the layout, so the legend moves no node and
    takes no column of its own. In a frame the title is a fixed-size block."""
    wide = wide_room("\n".join(lines), FONT_SIZES["graph"]) if lines else None
    if room is None and key is None and wide is None:
        return "".join(graphviz.escape(line) + "\\l" for line in lines)
    cells = []
    if lines:
        size = "" if wide is None else f' width="{wide:.0f}"'
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
    marked box is drawn in the mark's colour (its border keeps its width: nothing moves).
    Full-width glyphs get a box as wide as they are drawn."""
    _, fill, border, corners = ROLES[role]
    attrs = f'border="{border}" cellborder="0" cellspacing="0"'
    attrs += f' cellpadding="3" bgcolor="{fill}"'
    if corners:
        attrs += f' style="{corners}"'
    if mark:
        attrs += f' color="{mark}"'
    if width is None and any(has_wide(t) for t in (name, *rows)):
        size = FONT_SIZES["node"]
        width = max(text_width(t, size, bold=t is name) for t in (name, *rows)) * SLACK + 10
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


def legend(
    roles: list[str], any_missing: bool, flows: list[str], words: Words, per_row: int = 4
) -> str:
    """A small boxed key, as one HTML table: the sample boxes of the roles drawn, `per_row` to
    a row (two over a narrow drawing or beside a frame's caption), then what "—" means and what
    the marks' colours mean (a legend of short rows, not one row as wide as the drawing)."""
    samples = [
        f"<td>{box(words(ROLES[role][0]), [], role, None, None)[1:-1]}</td>" for role in roles
    ]
    boxes = "".join(
        f"<tr>{''.join(samples[k : k + per_row])}</tr>" for k in range(0, len(samples), per_row)
    )
    notes: list[tuple[str, str | None]] = []
    if any_missing:
        notes.append((f"{NOT_COMPUTED} {words('legend.not_computed')}", None))
    notes.extend((words(FLOWS[f][0]), FLOWS[f][1]) for f in flows)
    title = words("legend.title")
    rows = [
        f'<tr><td align="left"{_width(title, 10)}><font color="{MUTED}" point-size="10">'
        f"{html.escape(title)}</font></td></tr>",
        '<tr><td align="left"><table border="0" color="black" cellspacing="6" cellpadding="0">'
        f"{boxes}</table></td></tr>",  # black: the boxes' own borders, not the key's
    ]
    if notes:
        cells = [
            f'<td align="left" cellpadding="4"{_width(note, FONT_SIZES["node"], 8)}>'
            + (html.escape(note) if colour is None else f'<font color="{colour}">'
               f"{html.escape(note)}</font>")
            + "</td>"
            for note, colour in notes
        ]  # fmt: skip
        # beside each other under a wide legend; one a line under a narrow one (per_row 2)
        lines = [cells] if per_row > 2 else [[c] for c in cells]
        body = "".join(f"<tr>{''.join(line)}</tr>" for line in lines)
        rows.append(
            '<tr><td align="left"><table border="0" cellspacing="6" cellpadding="0">'
            f"{body}</table></td></tr>"
        )
    return (
        f'<table border="1" color="{MUTED}" cellborder="0" cellspacing="2" cellpadding="2">'
        + "".join(rows)
        + "</table>"
    )


def _width(text: str, fontsize: float, padding: float = 0) -> str:
    """A cell's width attribute where its text has full-width glyphs, else nothing."""
    room = wide_room(text, fontsize)
    return "" if room is None else f' width="{room + padding:.0f}"'
