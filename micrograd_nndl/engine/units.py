"""The units of NNDL §4.1-4.2 as single nodes: the fused neuron z = Σᵢ wᵢxᵢ + b (and a layer of
them), and the maxout unit."""

from __future__ import annotations

import operator
from collections.abc import Sequence
from typing import Any

from ..ops import OPS
from .checks import raise_overflow
from .value import Value, apply, as_value, new_node

__all__ = ["maxout", "neuron", "neurons"]

_NEURON = OPS["neuron"]
_mul = operator.mul
_ONLY_VALUES = frozenset((Value,))


def neuron(weights: Sequence[Value], inputs: Sequence[Value | float], bias: Value) -> Value:
    """z = Σᵢ wᵢxᵢ + b as ONE node whose parents are (w₁..wₙ, x₁..xₙ, b) (NNDL §4.2).

    The same value and gradients as the 2n mul/add nodes it replaces (∂z/∂wᵢ = xᵢ,
    ∂z/∂xᵢ = wᵢ, ∂z/∂b = 1), at a fraction of the nodes: the hot path of every network.
    Numbers among the inputs become constant leaves.
    """
    return neurons([weights], inputs, [bias])[0]


def neurons(
    weight_rows: Sequence[Sequence[Value]], inputs: Sequence[Value | float], biases: Sequence[Value]
) -> list[Value]:
    """A layer's net inputs zⱼ = Σᵢ wⱼᵢxᵢ + bⱼ, one fused `neuron` node each.

    The inputs are checked and read once for the whole layer, not once per neuron.
    """
    if len(weight_rows) != len(biases):
        raise ValueError(f"neurons: {len(weight_rows)} weight rows but {len(biases)} biases")
    xs: tuple[Any, ...] = tuple(inputs)  # Values once checked below
    if not _ONLY_VALUES.issuperset(map(type, xs)):
        xs = tuple(x if type(x) is Value else as_value(x, "x") for x in xs)
    n = len(xs)
    xd = [x._data for x in xs]
    out = []
    for weights, bias in zip(weight_rows, biases):
        if len(weights) != n:
            raise ValueError(f"neuron: {len(weights)} weights but {n} inputs")
        if type(bias) is not Value or not _ONLY_VALUES.issuperset(map(type, weights)):
            raise TypeError("neuron: weights and bias must be Values")
        r = sum(map(_mul, [w._data for w in weights], xd), bias._data)
        if r - r != 0.0:
            raise_overflow(_NEURON, (*weights, *xs, bias), r)
        out.append(new_node(r, _NEURON, (*weights, *xs, bias)))
    return out


def maxout(*values: Value | float) -> Value:
    """max of k inputs (NNDL §4.1, maxout unit); the gradient goes to the first arg-max only."""
    return apply(OPS["maxout"], *values)
