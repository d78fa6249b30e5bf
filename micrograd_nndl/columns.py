"""Aligned plain-text columns: the one table format of tables, checks, the CLI and benchmarks."""

from __future__ import annotations

from collections.abc import Sequence


def format_columns(rows: Sequence[Sequence[str]], rule: bool = True) -> str:
    """Rows of text cells as left-aligned columns two spaces apart, trailing spaces trimmed.

    With `rule`, a line of dashes goes under the first row (the header). A row may have more
    cells than the header (e.g. a "<-- mismatch" marker); they are aligned like the rest.
    """
    count = max(len(row) for row in rows)
    widths = [max((len(row[i]) for row in rows if i < len(row)), default=0) for i in range(count)]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in rows]
    if rule:
        lines.insert(1, "  ".join("-" * w for w in widths[: len(rows[0])]))
    return "\n".join(lines)
