"""Where the chain rule is: reverse mode (NNDL §4.5.3) in a few lines. Read this first.

`Value.backward()` runs `fast_backward.py`, the same walk with its float rules inlined for
speed; a property test (tests/test_engine_backward.py) holds the two equal, bit for bit, on
random graphs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .walks import backward_terms

if TYPE_CHECKING:  # for the annotations only: fast_backward imports this module
    from .value import Value

__all__ = ["reference_backward"]


def reference_backward(root: Value) -> dict[Value, float]:
    """∂root/∂node for every node below `root`, by the chain rule (NNDL §4.5.3, reverse mode).

    `backward_terms` walks from the root down, a node only after every node made from it, so
    its gradient is complete when its edges are read. Along each edge (node, input, local
    derivative ∂node/∂input) the input gains local × ∂root/∂node; several paths into one input
    add up. Where an op is flat (relu below 0) the term is 0 even if ∂root/∂node is inf or
    nan: the root does not depend on that input there (`backward_terms` says why).
    `backward()` stores the same numbers in each node's `grad`, a leaf adding them to the
    gradient it held, and refuses a leaf's that is not finite.
    """
    grads = {root: 1.0}  # ∂root/∂root
    for _node, parent, _local, term, _failure in backward_terms(root, grads):
        grads[parent] = grads.get(parent, 0.0) + term
    return grads
