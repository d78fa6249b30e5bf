"""Numeric options checked where they are given: a nan learning rate or a negative l2 fails
at once with the option's name, not epochs later as "overflow" or as a silent nan."""

from __future__ import annotations

import math
import numbers


def finite_number(
    where: str,
    option: str,
    value: object,
    *,
    at_least: float | None = None,
    above: float | None = None,
    below: float | None = None,
) -> float:
    """`value` as a float if it is a finite real number within the bounds given; else a
    TypeError (not a number: "abc", True) or ValueError (nan, inf, out of range) that says
    `where` the option `option` was given, what it must be and what it was."""
    bounds = [
        f">= {at_least:g}" if at_least is not None else "",
        f"> {above:g}" if above is not None else "",
        f"< {below:g}" if below is not None else "",
    ]
    wanted = " and ".join(b for b in bounds if b)
    must = f"{where}: {option} must be a finite number{' ' + wanted if wanted else ''}"
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{must}, got {value!r} ({type(value).__name__})")
    number = float(value)
    if (
        not math.isfinite(number)
        or (at_least is not None and number < at_least)
        or (above is not None and number <= above)
        or (below is not None and number >= below)
    ):
        raise ValueError(f"{must}, got {value!r}")
    return number


def whole_number(where: str, option: str, value: object, *, at_least: int) -> int:
    """`value` as an int if it is an integer >= `at_least` (a numpy integer too, not a bool);
    else a TypeError (not a number: "3", None) or ValueError (2.5, nan, too small) that says
    `where` the option `option` was given, what it must be and what it was."""
    must = f"{where}: {option} must be an integer >= {at_least}"
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{must}, got {value!r} ({type(value).__name__})")
    if not isinstance(value, numbers.Integral) or value < at_least:
        raise ValueError(f"{must}, got {value!r}")
    return int(value)
