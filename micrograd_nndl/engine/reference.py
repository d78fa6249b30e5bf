"""Where the chain rule is: reverse mode (NNDL §4.5.3) in a few lines. Read this first.

`Value.backward()` runs `fast_backward.py`, the same walk with its float rules inlined for
speed; a property test (tests/test_engine_backward.py) holds the two equal, bit for bit, on
random graphs.
"""

from __future__ import annotations

from .value import Value
from .walks import backward_edges

__all__ = ["reference_backward"]


def reference_backward(root: Value) -> dict[Value, float]:
    """∂root/∂node for every node below `root`, by the chain rule (NNDL §4.5.3, reverse mode).

    `backward_edges` walks from the root down, a node only after every node made from it, so
    its gradient is complete when its edges are read. Along each edge (node, input, local
    derivative ∂node/∂input) the input gains local × ∂root/∂node; several paths into one input
    add up. `backward()` stores the same numbers in each node's `grad`, a leaf adding them to
    the gradient it held.
    """
    grads = {root: 1.0}  # ∂root/∂root
    for node, _position, parent, local in backward_edges(root):
        grads[parent] = grads.get(parent, 0.0) + local * grads[node]
    return grads
