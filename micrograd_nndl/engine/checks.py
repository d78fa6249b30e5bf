"""The engine's checks and the words of its errors: a finite float or a TypeError or ValueError
that says what was wrong; an op's forward value, or the error naming the op and the input at
fault (a domain outside the op's, an overflow)."""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, NoReturn, SupportsFloat, TypeGuard

from ..errors import NumericOverflowError, in_words
from ..naming import book_name, parameter_text
from ..ops import CONSTANT_OPERAND, Op

if TYPE_CHECKING:  # for the annotations only: value.py imports this module
    from .value import Value

__all__ = [
    "checked_forward",
    "describe_inputs",
    "finite_float",
    "largest",
    "node_name",
    "raise_overflow",
    "raise_out_of_range",
]

_Real = numbers.Real


def node_name(node: Value) -> str:
    """'w' for a labelled node, a model's parameter by its book name and its path,
    w⁽¹⁾₁₂ (layers.0.neurons.0.w.1); <mul node> or <leaf node> for another."""
    return parameter_text(node.label) if node.label else f"<{node.op or 'leaf'} node>"


def _is_numpy_bool(x: object) -> TypeGuard[SupportsFloat]:
    """numpy.bool_ is no numbers.Real (Python's bool is, as an int): accepted as bool is,
    without importing numpy into the engine."""
    t = type(x)
    return t.__module__ == "numpy" and t.__name__ in ("bool", "bool_")


def finite_float(x: object, what: str) -> float:
    """Convert a Python or numpy real number to a finite float; anything else is a TypeError."""
    if type(x) is float:
        f = x
    elif type(x) is int or isinstance(x, _Real) or _is_numpy_bool(x):  # int first: sum()'s 0
        try:
            f = float(x)
        except OverflowError:
            raise ValueError(f"{what} must be finite, got a number too large for a float") from None
    else:
        raise TypeError(
            f"{what} must be a real number (int, float or numpy scalar), not {type(x).__name__}"
        )
    if f - f != 0.0:
        raise ValueError(f"{what} must be finite, got {f!r}")
    return f


def describe_inputs(op: Op, inputs: tuple, k: Any = None, most: int = 6) -> str:
    """'x' = 1.0, <mul node> = 2.0, c = 0.5 — at most `most` inputs, then how many more."""
    parts = [f"{node_name(x)} = {x._data!r}" for x in inputs[:most]]
    if len(inputs) > most:
        parts.append(f"… and {len(inputs) - most} more")
    if op.takes_number:
        parts.append(f"{op.param or 'constant'} = {k!r}")
    return ", ".join(parts)


def largest(inputs: Sequence[Value]) -> Value:
    """The input an overflow is laid to: the one of largest magnitude."""
    return max(inputs, key=lambda v: abs(v._data))


def raise_overflow(op: Op, inputs: tuple, result: float, k: Any = None) -> None:
    """A forward result is inf or nan: a non-finite constant operand (`+` and `*` take a float
    unchecked, to keep their common case short) is named as such, else it is an overflow."""
    if op.kind == CONSTANT_OPERAND:
        finite_float(k, f"the constant in {op.name}")
    raise NumericOverflowError(
        f"{op.name}: result {result!r} is not finite (inputs: {describe_inputs(op, inputs, k)})",
        node=largest(inputs),
        op=op,
    )


def raise_out_of_range(op: Op, x: Value) -> NoReturn:
    """The error for a one-input op whose forward function raised (exp of 10⁴): an overflow."""
    raise NumericOverflowError(
        f"{op.name}: the result is outside the floating-point range "
        f"(input: {node_name(x)} = {x._data!r})",
        node=x,
        op=op,
    ) from None


def checked_forward(op: Op, inputs: tuple, fargs: tuple, k: Any = None) -> float:
    """op's value: `fargs` are what its forward function takes, `inputs` the nodes (and k the
    number) an error names. The op's domain check comes first (log of 0 is a DomainError)."""
    if op.check is not None:
        problem = op.check(*fargs)
        if problem is not None:  # (error class, reason[, index of the argument at fault])
            error, reason = problem[0], problem[1]
            index = problem[2] if len(problem) > 2 and len(inputs) > 1 else 0
            at_fault = inputs[index]
            said = (  # a labelled input is named as the user named it: "the argument z = -1"
                in_words(op.name, index, book_name(at_fault.label), at_fault._data, reason)
                if at_fault.label
                else f"{op.name}: {reason}"
            )
            raise error(
                f"{said} (inputs: {describe_inputs(op, inputs, k)})",
                node=at_fault,
                op=op,
                reason=reason,
            )
    try:
        r = op.forward(*fargs)
    except (OverflowError, ZeroDivisionError, ValueError):
        raise NumericOverflowError(
            f"{op.name}: the result is outside the floating-point range "
            f"(inputs: {describe_inputs(op, inputs, k)})",
            node=largest(inputs),
            op=op,
        ) from None
    if type(r) is not float:
        r = float(r)  # e.g. int ** int, or abs() of an int-valued float stays float anyway
    if r - r != 0.0:
        raise_overflow(op, inputs, r, k)
    return r
