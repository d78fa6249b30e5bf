"""The steps of a compiled program: what the interpreter runs and `as_text` prints.

A program is a list of steps on numbered slots, each slot holding an array of samples (B,) or a
block of rows (one row per neuron of a layer, shape (n, B)). Lowering makes them; running reads
them; the text view names them in the book's symbols.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ..ops import Op

__all__ = ["LayerStep", "MapStep", "Step"]


@dataclass(eq=False)
class Step:
    """One op on whole arrays: out = op(ins) elementwise over the samples."""

    op: Op
    ins: tuple[int, ...]
    k: Any
    out: int


@dataclass(eq=False)
class LayerStep:
    """Neurons reading the same inputs as one matrix product: Z = W·X + b, one row per neuron.

    W[j, i] and b[j] are indices into the program's leaves; `rows` are the slots of the
    neurons' outputs; X stacks the input slots `xs`, or is rows `x_rows` of the block in slot
    `x_block` when the inputs are consecutive rows of one (the previous layer's activations,
    or the program's inputs).
    """

    weights: np.ndarray
    bias: np.ndarray
    xs: tuple[int, ...]
    x_block: int | None
    x_rows: slice
    block: int
    rows: tuple[int, ...]
    saved: int  # the slot keeping (W, X) for the reverse pass
    unique: bool = True
    #: where W (row by row) and then b lie in the leaf values, when they lie together there
    start: int | None = None
    needs_dx: bool = True  # False when X is the data: no gradient flows back into it
    views: tuple[tuple[int, int], ...] = ()  # (row, slot) of the rows read one by one


@dataclass(eq=False)
class MapStep:
    """One one-input op (an activation) on every row of a block at once: A = f(Z)."""

    op: Op
    k: Any
    in_block: int
    block: int
    rows: tuple[int, ...]
    views: tuple[tuple[int, int], ...] = ()  # (row, slot) of the rows read one by one
