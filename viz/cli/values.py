"""What an option's value says, read as argparse's `type=`: the values of --at (NAME=VALUE,...,
each value a constant formula), a positive integer, a step size, a count of digits. A bad
value is an `argparse.ArgumentTypeError`, which argparse shows under the subcommand's usage.
"""

from __future__ import annotations

import argparse
import math

from micrograd_nndl import Expression, ExpressionError, MathError
from micrograd_nndl.expr import CONSTANTS, ascii_punctuation

from ..number_format import check_digits


def positive(text: str) -> int:
    """A count such as --width or --max-nodes: 1 or more."""
    try:
        number = int(text)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}")
    return number


def step_size(text: str) -> float:
    """--eps: a finite step above 0 (a central difference divides by it)."""
    try:
        eps = float(text)
    except ValueError:
        eps = math.nan
    if not (math.isfinite(eps) and eps > 0):
        raise argparse.ArgumentTypeError(f"expected a positive number such as 1e-8, got {text!r}")
    return eps


def digits(text: str) -> int:
    """--digits: 1 to 17, the significant digits a float has to give."""
    try:
        return check_digits(int(text))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected an integer from 1 to 17, got {text!r}"
        ) from None


def _is_name(text: str) -> bool:
    """Whether the formula reads `text` as one name: θ, 净输入 and w₁ as well as x (a constant
    too, which the formula then refuses a value, saying why)."""
    try:
        return text in CONSTANTS or Expression(text).variables == (text,)
    except ExpressionError:
        return False


def parse_assignments(text: str) -> dict[str, float]:
    """ "x=1,w=0,b=-pi/4" -> {"x": 1.0, "w": 0.0, "b": -0.785...}; values are constant formulas."""
    values: dict[str, float] = {}
    for part in ascii_punctuation(text).split(","):  # w=1，x=2 from a Chinese keyboard too
        name, equals, value = (s.strip() for s in part.partition("="))
        if not equals or not _is_name(name):
            raise argparse.ArgumentTypeError(f"expected NAME=VALUE, got {part.strip()!r}")
        if name in values:
            raise argparse.ArgumentTypeError(f"{name} is given twice")
        try:
            constant = Expression(value)
            if constant.variables:
                raise argparse.ArgumentTypeError(
                    f"the value of {name} must be a number, not {value!r}"
                )
            values[name] = constant.evaluate().data
        except (ExpressionError, MathError) as e:
            reason = getattr(e, "reason", str(e))
            raise argparse.ArgumentTypeError(f"the value of {name}: {reason}") from None
    return values
