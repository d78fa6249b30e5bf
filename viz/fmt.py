"""How the views write numbers: short, exact enough to follow the arithmetic by hand."""

from __future__ import annotations

import math


def check_digits(digits: object) -> int:
    """`digits` as given, if it is a usable number of significant digits (1 to 17)."""
    if isinstance(digits, bool) or not isinstance(digits, int) or not 1 <= digits <= 17:
        raise ValueError(f"digits must be an integer from 1 to 17, got {digits!r}")
    return digits


def format_number(x: float | None, digits: int = 6) -> str:
    """`x` with `digits` significant digits ("0.25", "-1", "1.5e+10"); "—" for not computed.

    −0.0 stays "-0": the book's h3 = h2 × (−1) is −0.0 in IEEE arithmetic (NNDL §4.5.3).
    """
    if x is None:
        return "—"
    if math.isnan(x):
        return "nan"
    return f"{x:.{digits}g}"


def format_factor(x: float, digits: int = 6) -> str:
    """A factor as the book writes a product: negatives in parentheses, "(-0.25) × 1"."""
    text = format_number(x, digits)
    return f"({text})" if text.startswith("-") else text
