"""How the views write numbers: short, exact enough to follow the arithmetic by hand.

Every view (drawing, text, step-through, chain rule, command line) writes numbers through
`format_number` with the same default `DIGITS`, so a picture and its caption agree.
"""

from __future__ import annotations

import math

DIGITS = 4  # significant digits every view shows unless told otherwise: 0.25, 0.7311


def check_digits(digits: object) -> int:
    """`digits` as given, if it is a usable number of significant digits (1 to 17)."""
    if isinstance(digits, bool) or not isinstance(digits, int) or not 1 <= digits <= 17:
        raise ValueError(f"digits must be an integer from 1 to 17, got {digits!r}")
    return digits


def check_limit(option: str, limit: int | None, least: int) -> int | None:
    """`limit` as given, if it is None (no limit) or an integer of at least `least`: the
    caps of the text views (max_rows, max_width, max_inputs) are checked alike."""
    if limit is None:
        return None
    if isinstance(limit, bool) or not isinstance(limit, int):
        raise TypeError(f"{option} must be an integer or None, got {limit!r}")
    if limit < least:
        raise ValueError(f"{option} must be at least {least} (or None: no limit), got {limit}")
    return limit


def format_number(x: float | None, digits: int = DIGITS) -> str:
    """`x` with `digits` significant digits ("0.25", "-1", "1.5e+10"); "—" for not computed.

    Negative zero is written 0, as the book writes h3 = h2 × (−1) = 0 (NNDL §4.5.3), though
    IEEE arithmetic makes it −0.0.
    """
    if x is None:
        return "—"
    if math.isnan(x):
        return "nan"
    return f"{x + 0.0:.{digits}g}"  # -0.0 + 0.0 is +0.0


def format_factor(x: float, digits: int = DIGITS) -> str:
    """A factor as the book writes a product: negatives in parentheses, "(-0.25) × 1"."""
    text = format_number(x, digits)
    return f"({text})" if text.startswith("-") else text
