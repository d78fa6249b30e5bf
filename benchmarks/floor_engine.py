"""The pure-Python floor: the least a scalar reverse-mode engine can do, as a lower bound.

Slots, every node appended to one tape as it is made, and backward as one reversed loop over
the tape with each op's rule written inline; no checks, no graph walk, no labels, no grad
mode. It is not an engine to use (the tape is global, errors pass silently, a graph that is
not back-propagated is never freed): it says how far from the least work this project's
engine is. Each op computes the same float as this project's op of the same name (a − b and
a / b are ops of their own), so losses from the same weights agree bit for bit.
"""

from __future__ import annotations

import math

ADD, ADD_C, MUL, MUL_C, SUB, SUB_C, RSUB_C, DIV, DIV_C, RDIV_C, POW_C, NEG, EXP, LOG, RELU = range(
    15
)

#: every node made since the last backward(), in the order it was made
TAPE: list[FloorValue] = []


class FloorValue:
    """A scalar on the tape: data, grad, which op made it, its input(s) or constant."""

    __slots__ = ("data", "grad", "_kind", "_a", "_b")

    def __init__(self, data: float) -> None:
        self.data = data
        self.grad = 0.0
        self._kind = -1  # a leaf

    @staticmethod
    def _made(data: float, kind: int, a: object, b: object) -> FloorValue:
        v = FloorValue(data)
        v._kind, v._a, v._b = kind, a, b
        TAPE.append(v)
        return v

    def __add__(self, other: FloorValue | float) -> FloorValue:
        if type(other) is FloorValue:
            return FloorValue._made(self.data + other.data, ADD, self, other)
        return FloorValue._made(self.data + other, ADD_C, self, other)

    __radd__ = __add__

    def __mul__(self, other: FloorValue | float) -> FloorValue:
        if type(other) is FloorValue:
            return FloorValue._made(self.data * other.data, MUL, self, other)
        return FloorValue._made(self.data * other, MUL_C, self, other)

    __rmul__ = __mul__

    def __sub__(self, other: FloorValue | float) -> FloorValue:
        if type(other) is FloorValue:
            return FloorValue._made(self.data - other.data, SUB, self, other)
        return FloorValue._made(self.data - other, SUB_C, self, other)

    def __rsub__(self, other: float) -> FloorValue:
        return FloorValue._made(other - self.data, RSUB_C, self, other)

    def __truediv__(self, other: FloorValue | float) -> FloorValue:
        if type(other) is FloorValue:
            return FloorValue._made(self.data / other.data, DIV, self, other)
        return FloorValue._made(self.data / other, DIV_C, self, other)

    def __rtruediv__(self, other: float) -> FloorValue:
        return FloorValue._made(other / self.data, RDIV_C, self, other)

    def __pow__(self, k: float) -> FloorValue:
        return FloorValue._made(self.data**k, POW_C, self, float(k))

    def __neg__(self) -> FloorValue:
        return FloorValue._made(-self.data, NEG, self, None)

    def exp(self) -> FloorValue:
        return FloorValue._made(math.exp(self.data), EXP, self, None)

    def log(self) -> FloorValue:
        return FloorValue._made(math.log(self.data), LOG, self, None)

    def relu(self) -> FloorValue:
        x = self.data
        return FloorValue._made(x if x > 0.0 else 0.0, RELU, self, None)

    def backward(self) -> None:
        """One reversed loop over the tape; the tape is empty afterwards."""
        self.grad = 1.0
        for v in reversed(TAPE):
            kind, g, a = v._kind, v.grad, v._a
            if kind == MUL:
                b = v._b
                a.grad += b.data * g
                b.grad += a.data * g
            elif kind == ADD:
                a.grad += g
                v._b.grad += g
            elif kind == MUL_C:
                a.grad += v._b * g
            elif kind == ADD_C or kind == SUB_C:
                a.grad += g
            elif kind == RELU:
                a.grad += (1.0 if a.data > 0.0 else 0.0) * g
            elif kind == SUB:
                a.grad += g
                v._b.grad += -1.0 * g
            elif kind == DIV:
                b = v._b
                a.grad += (1.0 / b.data) * g
                b.grad += (-v.data / b.data) * g
            elif kind == DIV_C:
                a.grad += (1.0 / v._b) * g
            elif kind == EXP:
                a.grad += v.data * g
            elif kind == LOG:
                a.grad += (1.0 / a.data) * g
            elif kind == POW_C:
                k = v._b
                a.grad += (k * a.data ** (k - 1.0) if k != 0.0 else 0.0) * g
            elif kind == NEG or kind == RSUB_C:
                a.grad += -1.0 * g
            elif kind == RDIV_C:
                a.grad += (-v.data / a.data) * g
        TAPE.clear()
