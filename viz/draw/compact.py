"""The compact, book-style look of a drawing (NNDL §4.5.3's figure of σ(wx + b)): one node per
operation, its symbol in a cell at the node's left and its name, value and gradient beside it;
each edge labelled with the number of its local derivative alone (its full ∂h2/∂h1 = 1 is
the edge's tooltip). Half the nodes and a quarter of the label text of the "boxes" style, so
the book's graph fits a notes column at its natural text size.
"""

from __future__ import annotations

import html
import re

from micrograd_nndl import Value

from . import style
from .measure import has_wide, text_width

STYLES = ("compact", "boxes")
SYMBOL_SIZE = 15  # points: the op's symbol reads first, as the book's circled ×, +, exp
_NEGATIVE_CONSTANT = re.compile(r"^(\S+) (-[\d.e+-]+|-inf)$")


def op_text(node: Value) -> str:
    """The op's symbol with its constant, a negative constant in parentheses as the book writes
    h2 × (−1): "× (-1)", "− (-1)", never "− -1"; a custom op without a symbol: its name."""
    op = node.op_info
    assert op is not None, "only an op node has an op text"
    text = op.describe(node.constant) or op.name
    return _NEGATIVE_CONSTANT.sub(r"\1 (\2)", text)


def op_box(
    symbol: str, name: str, rows: list[str], role: str, mark: str | None, width: float | None
) -> str:
    """An op node as one HTML-like label: the symbol in a grey cell spanning the node's height,
    then the name in bold over the data and grad lines, styled by role as `style.box` (a cell
    as wide as full-width glyphs are drawn, which graphviz-pure measures as narrow)."""
    _, fill, border, _ = style.ROLES[role]
    attrs = f'border="{border}" cellborder="0" cellspacing="0" cellpadding="2" bgcolor="{fill}"'
    if mark:
        attrs += f' color="{mark}"'
    title = f"<b>{html.escape(name)}</b>"
    sign = f'<font point-size="{SYMBOL_SIZE}">{html.escape(symbol)}</font>'
    if mark:
        title = f'<font color="{mark}">{title}</font>'
        sign = f'<font color="{mark}">{sign}</font>'
    if width is None and any(has_wide(t) for t in (name, *rows)):
        size = style.FONT_SIZES["node"]
        width = max(text_width(t, size, bold=t is name) for t in (name, *rows)) * style.SLACK + 6
    td = '<td align="left">' if width is None else f'<td align="left" width="{width:.0f}">'
    span = 1 + len(rows)
    cells = [f"<tr>{td}{style.cell(row)}</td></tr>" for row in rows]
    return (
        f"<<table {attrs}><tr>"
        f'<td rowspan="{span}" bgcolor="{style.OP_FILL}" cellpadding="4">{sign}</td>'
        f"{td}{title}</td></tr>{''.join(cells)}</table>>"
    )
