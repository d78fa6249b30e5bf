"""The project's exceptions: one type per kind of trouble, each naming op, value and node."""

from __future__ import annotations

import re
from typing import Any


class ArityError(ValueError):
    """An op applied to a number of inputs it does not take, e.g. `neuron` with an even count."""


class MathError(ArithmeticError):
    """Base of every numerical error the engine raises (catch this to catch them all).

    Where the engine raises it, it says the place as attributes, so no one needs to replay
    the graph to find it: `node`, the Value at fault (a forward error: the input the check
    is about; a gradient: the node whose gradient is not finite), `op`, the `Op` whose
    forward or rule failed, and for a gradient `edge`, the child it came from (None where
    not known, e.g. the local derivatives of `node` itself failed). `reason` is what the op's
    domain check said ("needs x > 0, got x = 0.0"), for a caller to say it in its own words;
    `position`, where a formula placed it (the 0-based offset of the op at fault), else None.
    """

    def __init__(
        self,
        message: str = "",
        *,
        node: Any = None,
        op: Any = None,
        edge: Any = None,
        reason: str = "",
        position: int | None = None,
    ) -> None:
        super().__init__(message)
        self.node = node
        self.op = op
        self.edge = edge
        self.reason = reason or message
        self.position = position

    def placed(self, where: str) -> MathError:
        """The same error with `where` added to its message, its attributes kept."""
        return type(self)(
            f"{self}{where}",
            node=self.node,
            op=self.op,
            edge=self.edge,
            reason=self.reason,
            position=self.position,
        )


def in_words(op: str, index: int, shown: str, value: float | None, reason: str) -> str:
    """An op's domain error said of the user's own argument, not of the op's parameter name:
    log's "needs x > 0, got x = 0.0" at the argument `x*w` = 0 becomes
    "log: the argument x*w = 0, and log needs it > 0". `shown` is the argument as the user
    wrote it (a label, a part of a formula); `value` None when `shown` is a number already."""
    role = {("div", 1): "divisor", ("pow", 0): "base", ("pow", 1): "exponent"}.get(
        (op, index), "argument"
    )
    said = f"the {role} {shown}" + ("" if value is None else f" = {value:g}")
    needs = re.fullmatch(r"needs \w+ (\S+ \S+), got .*", reason)
    if needs:
        return f"{op}: {said}, and {op} needs it {needs[1]}"
    return f"{op}: {reason}, at {said}"


class DomainError(MathError, ValueError):
    """An operation was applied outside its domain, e.g. log(x) with x <= 0."""


class DivisionByZeroError(MathError, ZeroDivisionError):
    """A division by zero, e.g. x / 0 or 0 ** -1."""


class NumericOverflowError(MathError, OverflowError):
    """A forward value left the floating-point range, e.g. exp(1000)."""


class NonFiniteGradientError(MathError):
    """A gradient became inf or nan during backward; the message names the node and edge."""
