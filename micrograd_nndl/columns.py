"""Aligned plain-text columns: the one table format of tables, checks, the CLI and benchmarks."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence


def format_columns(rows: Sequence[Sequence[str]], rule: bool = True) -> str:
    """Rows of text cells as left-aligned columns two spaces apart, trailing spaces trimmed.

    With `rule`, a line of dashes goes under the first row (the header). A row may have more
    cells than the header (e.g. a "<-- mismatch" marker); they are aligned like the rest.
    Widths are a terminal's: a full-width glyph (净, 梯度) takes two columns.
    """
    count = max(len(row) for row in rows)
    widths = [
        max((display_width(row[i]) for row in rows if i < len(row)), default=0)
        for i in range(count)
    ]
    lines = [
        "  ".join(cell + " " * (w - display_width(cell)) for cell, w in zip(row, widths)).rstrip()
        for row in rows
    ]
    if rule:
        lines.insert(1, "  ".join("-" * w for w in widths[: len(rows[0])]))
    return "\n".join(lines)


def display_width(text: str) -> int:
    """How many terminal columns `text` takes: two for each full-width (East Asian W or F)
    character, one for any other."""
    return sum(2 if unicodedata.east_asian_width(c) in ("W", "F") else 1 for c in text)
