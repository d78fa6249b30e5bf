"""How wide a line of text will be drawn, estimated generously, so a frame can keep room for it.

Graphviz sizes each label to its text; the frames of a step-through must not change size as
numbers fill in, so their labels are given a width that holds the widest text they will show.
The estimate uses Helvetica's widths for ASCII, a full em for the full-width glyphs of Chinese,
Japanese and Korean (East Asian width W or F: 净, 输, the full-width comma), and, for other
characters, the larger of 0.6 em and graphviz-pure's rule (a space's width per UTF-8 byte), so
it is an upper bound under both a system Graphviz and the port. graphviz-pure measures a
full-width glyph as a space, a quarter of its width: a label holding one gets its width from
here (`has_wide`), or its box is drawn too narrow for its text.
"""

from __future__ import annotations

import unicodedata

# Helvetica advance widths in thousandths of an em (Adobe's AFM), printable ASCII from " ".
_HELVETICA = (
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278,
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556,
    1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778,
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556,
    333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556,
    556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584,
)  # fmt: skip
WIDE = ("W", "F")  # East Asian widths drawn a full em wide
BOLD = 1.1  # bold Helvetica is at most about a tenth wider


def text_width(text: str, fontsize: float, bold: bool = False) -> float:
    """The width in points of `text` in Helvetica at `fontsize`, rounded up generously."""
    thousandths = 0
    for char in text:
        code = ord(char)
        if 32 <= code < 127:
            thousandths += _HELVETICA[code - 32]
        elif unicodedata.east_asian_width(char) in WIDE:
            thousandths += 1000
        else:
            thousandths += max(600, 278 * len(char.encode("utf-8")))
    return thousandths * fontsize / 1000 * (BOLD if bold else 1.0)


def has_wide(text: str) -> bool:
    """Whether `text` holds a full-width glyph (净输入, 梯度), which Graphviz may mis-measure."""
    return any(ord(c) > 0x1000 and unicodedata.east_asian_width(c) in WIDE for c in text)
