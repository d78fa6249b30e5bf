"""Trace once, run on a whole batch: a scalar function replayed on numpy arrays (NNDL §4.4).

    >>> import numpy as np
    >>> from micrograd_nndl import Value, compile
    >>> w = Value(2.0, "w")
    >>> f = compile(lambda x: (w * x).tanh())
    >>> f(np.array([0.0, 0.5])).round(6).tolist()           # tanh(2x) for two samples at once
    [0.0, 0.761594]
    >>> f.grad(np.array([0.0, 0.5]), wrt=[w], reduce="sum").round(6).tolist()
    [0.209987]

The first call runs `f` once, on placeholder Values holding the first sample, and records the
graph it builds as a flat program: the nodes in evaluation order, each an entry of the op table
with input slots. Every later call replays that program on arrays of shape (B,), one element
per sample, with the op table's own forwards and local-derivative rules (they are written to
work on floats, Values and arrays alike). The scalar graph of one sample replayed on a batch is
the matrix form of back-propagation (§4.4): the neurons of a layer that read the same inputs run
as one matrix product z⁽ˡ⁾ = W⁽ˡ⁾a⁽ˡ⁻¹⁾ + b⁽ˡ⁾, their activations as one call on the layer, and
the reverse pass as δ⁽ˡ⁾ = f′(z⁽ˡ⁾) ⊙ (W⁽ˡ⁺¹⁾)ᵀδ⁽ˡ⁺¹⁾ (see `Program.show`).

Leaves that are not inputs (a model's parameters, constants) are read at every call, so training
updates are seen. What a trace cannot see, as with `jax.jit`:

- Python control flow on an input's value. Comparing a traced input (`x > 0`), or using its
  number (`x.data` in an `if`, `float(x.data)`, arithmetic on `x.data`) raises `TracingError`
  naming the line. A branch on a value *computed* from the inputs (`if (x * w).data > 0`) is not
  seen: the program keeps the branch the first sample took, for every sample.
- Numbers read out of the graph become constants: `m = max(z.data for z in zs)` is the first
  sample's m for every sample (harmless in softmax's shift, wrong in general).
- Side effects of `f` (printing, appending to a list) happen once, at the trace.

`bool(value)` does not read the value (a Value is always true, as in eager code), so it is not
refused. An op whose forward or rules do not accept arrays raises `NoArrayFormError` naming it.

The package, one job per module: `tracing` (run f once on guarded placeholders), `lowering`
(the graph as a program of `steps`, neurons grouped into layers), `running` (the program's
forward and reverse passes on arrays, with the ops' `arrays` forms), `compiled` (the handle
`compile` returns, batching inputs and outputs) and `as_text` (the program in the book's
matrix equations). Imports go one way: compiled → tracing → lowering → running → steps.
"""

from __future__ import annotations

from .arrays import NoArrayFormError, check_array_form
from .compiled import Compiled, compile
from .running import Program
from .steps import LayerStep, MapStep, Step
from .tracing import TracingError, trace

__all__ = [
    "Compiled",
    "LayerStep",
    "MapStep",
    "NoArrayFormError",
    "Program",
    "Step",
    "TracingError",
    "check_array_form",
    "compile",
    "trace",
]
