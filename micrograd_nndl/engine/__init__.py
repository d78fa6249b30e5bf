"""The engine: `Value` and its graph, grad mode, the walks and reverse mode (NNDL §4.5.3).

One job per module, each importing only those above it in this list:
`grad_mode` (per thread), `checks` (finite numbers, checked forward values, error words),
`walks` (topological order, the backward pass as edges, error placement), `fast_backward`
(what `backward()` runs, and `store_grads`, which writes its numbers back), `micrograd_compat`
(micrograd's names), `value` (`Value` and the one way a node is built), `units` (fused neuron,
maxout), `reference` (the chain rule in a dozen lines: start there).
"""

from .fast_backward import store_grads
from .grad_mode import enable_grad, is_grad_enabled, no_grad
from .reference import reference_backward
from .units import maxout, neuron, neurons
from .value import Value, apply
from .walks import (
    Edge,
    backward_edges,
    backward_order,
    edges_of,
    nonfinite_error,
    terms_of,
    topological_order,
)

__all__ = [
    "Edge",
    "Value",
    "apply",
    "backward_edges",
    "edges_of",
    "backward_order",
    "enable_grad",
    "maxout",
    "neuron",
    "neurons",
    "no_grad",
    "nonfinite_error",
    "is_grad_enabled",
    "reference_backward",
    "store_grads",
    "terms_of",
    "topological_order",
]
