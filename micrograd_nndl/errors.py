"""The project's exceptions: one type per kind of trouble, each naming op, value and node."""

from __future__ import annotations

from typing import Any


class ArityError(ValueError):
    """An op applied to a number of inputs it does not take, e.g. `neuron` with an even count."""


class MathError(ArithmeticError):
    """Base of every numerical error the engine raises (catch this to catch them all).

    Where the engine raises it, it says the place as attributes, so no one needs to replay
    the graph to find it: `node`, the Value at fault (a forward error: the input the check
    is about; a gradient: the node whose gradient is not finite), `op`, the `Op` whose
    forward or rule failed, and for a gradient `edge`, the child it came from (None where
    not known, e.g. the local derivatives of `node` itself failed).
    """

    def __init__(
        self, message: str = "", *, node: Any = None, op: Any = None, edge: Any = None
    ) -> None:
        super().__init__(message)
        self.node = node
        self.op = op
        self.edge = edge

    def placed(self, where: str) -> MathError:
        """The same error with `where` added to its message, its attributes kept."""
        return type(self)(f"{self}{where}", node=self.node, op=self.op, edge=self.edge)


class DomainError(MathError, ValueError):
    """An operation was applied outside its domain, e.g. log(x) with x <= 0."""


class DivisionByZeroError(MathError, ZeroDivisionError):
    """A division by zero, e.g. x / 0 or 0 ** -1."""


class NumericOverflowError(MathError, OverflowError):
    """A forward value left the floating-point range, e.g. exp(1000)."""


class NonFiniteGradientError(MathError):
    """A gradient became inf or nan during backward; the message names the node and edge."""
