"""A reference engine in microgpt's style, for the GPT step: each node stores its children and
their local gradients as numbers, and backward sorts the graph by recursion, then adds
local × grad into each child.

Written here (not copied) so that each op's forward computes the same float as this
project's op of the same name: a − b and a / b are their own ops, not a + (−b) and a·b⁻¹,
so the two engines' losses from the same weights can be compared bit for bit.
"""

from __future__ import annotations

import math
import sys


class RefValue:
    """A scalar with `data`, `grad`, its children and ∂self/∂child for each."""

    __slots__ = ("data", "grad", "_children", "_local_grads")

    def __init__(self, data: float, children: tuple = (), local_grads: tuple = ()) -> None:
        self.data = data
        self.grad = 0.0
        self._children = children
        self._local_grads = local_grads

    def __add__(self, other: RefValue | float) -> RefValue:
        other = other if isinstance(other, RefValue) else RefValue(other)
        return RefValue(self.data + other.data, (self, other), (1.0, 1.0))

    def __mul__(self, other: RefValue | float) -> RefValue:
        other = other if isinstance(other, RefValue) else RefValue(other)
        return RefValue(self.data * other.data, (self, other), (other.data, self.data))

    def __sub__(self, other: RefValue | float) -> RefValue:
        other = other if isinstance(other, RefValue) else RefValue(other)
        return RefValue(self.data - other.data, (self, other), (1.0, -1.0))

    def __rsub__(self, other: float) -> RefValue:
        return RefValue(other) - self

    def __truediv__(self, other: RefValue | float) -> RefValue:
        other = other if isinstance(other, RefValue) else RefValue(other)
        out = self.data / other.data
        return RefValue(out, (self, other), (1.0 / other.data, -out / other.data))

    def __rtruediv__(self, other: float) -> RefValue:
        return RefValue(other) / self

    def __pow__(self, k: float) -> RefValue:
        return RefValue(self.data**k, (self,), (k * self.data ** (k - 1.0),))

    def __neg__(self) -> RefValue:
        return RefValue(-self.data, (self,), (-1.0,))

    __radd__ = __add__
    __rmul__ = __mul__

    def exp(self) -> RefValue:
        e = math.exp(self.data)
        return RefValue(e, (self,), (e,))

    def log(self) -> RefValue:
        return RefValue(math.log(self.data), (self,), (1.0 / self.data,))

    def relu(self) -> RefValue:
        positive = self.data > 0.0
        return RefValue(self.data if positive else 0.0, (self,), (1.0 if positive else 0.0,))

    def backward(self) -> None:
        topo: list[RefValue] = []
        visited: set[int] = set()

        def build_topo(v: RefValue) -> None:
            if id(v) not in visited:
                visited.add(id(v))
                for child in v._children:
                    build_topo(child)
                topo.append(v)

        limit = sys.getrecursionlimit()
        sys.setrecursionlimit(max(limit, 100_000))  # a GPT's graph is deep; recursion is the point
        try:
            build_topo(self)
        finally:
            sys.setrecursionlimit(limit)
        self.grad = 1.0
        for v in reversed(topo):
            for child, local in zip(v._children, v._local_grads):
                child.grad += local * v.grad


class RefAdam:
    """Adam written out as microgpt does, with this project's `Adam` arithmetic (same floats)."""

    def __init__(self, params: list[RefValue], lr: float, betas: tuple[float, float], steps: int):
        self.params, self.lr, self.betas, self.total = params, lr, betas, steps
        self.m = [0.0] * len(params)
        self.v = [0.0] * len(params)
        self.t = 0

    def zero_grad(self) -> None:
        for p in self.params:
            p.grad = 0.0

    def step(self) -> None:
        (b1, b2), eps, t = self.betas, 1e-8, self.t + 1
        lr = self.lr + (0.0 - self.lr) * min(self.t, self.total) / self.total  # linear_decay
        c1, c2 = 1.0 - b1**t, 1.0 - b2**t
        for i, p in enumerate(self.params):
            g = p.grad
            self.m[i] = b1 * self.m[i] + (1.0 - b1) * g
            self.v[i] = b2 * self.v[i] + (1.0 - b2) * g * g
            p.data = p.data - lr * (self.m[i] / c1) / (math.sqrt(self.v[i] / c2) + eps)
        self.t = t
