"""Array forms: each op's own forward and rules, run on numpy arrays of samples.

The op table's forwards and local-derivative rules are written to work on floats, Values and
arrays alike; `check_array_form` finds the ops for which that is not so before a program runs.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..ops import BINARY, NARY, UNARY, Op

__all__ = ["NoArrayFormError", "check_array_form", "run_op"]


class NoArrayFormError(TypeError):
    """An op's forward or local-derivative rule does not run on numpy arrays."""


def run_op(op: Op, args: list[Any], k: Any) -> Any:
    """op's forward on its graph inputs `args` (and k, its number if it takes one)."""
    kind = op.kind
    if kind == UNARY:
        return op.forward(args[0])
    if op.takes_number:
        return op.forward(args[0], k)
    if kind == BINARY:
        return op.forward(args[0], args[1])
    return op.forward(args, k)


# ---- array forms: each op's own forward and rules, checked once on arrays ----------------------

_checked: dict[int, Op] = {}


def check_array_form(op: Op) -> None:
    """Raise NoArrayFormError unless op's forward and rules run on arrays and agree there with
    their float forms (checked once per op, at two points of its sample range)."""
    if id(op) in _checked:
        return
    ranges = list(op.sample) or [(0.5, 1.5)]
    n = 3 if op.kind == NARY else (2 if op.kind == BINARY else 1)
    columns = [np.array([lo + 0.3 * (hi - lo), lo + 0.7 * (hi - lo)]) for lo, hi in ranges]
    xs = [columns[min(i, len(columns) - 1)] + 0.01 * i for i in range(n)]
    k = None
    if op.takes_number:
        lo, hi = ranges[1] if len(ranges) > 1 else (0.5, 1.5)
        k = lo + 0.4 * (hi - lo)
    what = "forward"
    try:
        out = run_op(op, xs, k)
        what = "local-derivative rule"
        grads = op.local_derivatives(xs, k, out)
        for e in range(2):
            fx = [float(x[e]) for x in xs]
            f_out = run_op(op, fx, k)
            f_grads = op.local_derivatives(fx, k, f_out)
            got = [np.broadcast_to(out, (2,))[e], *(np.broadcast_to(g, (2,))[e] for g in grads)]
            for a, b in zip(got, [f_out, *f_grads]):
                if not abs(a - b) <= 1e-12 * max(1.0, abs(b)):
                    raise ValueError(f"on arrays it gives {a!r} where floats give {b!r}")
    except (TypeError, ValueError, AttributeError) as e:
        raise NoArrayFormError(
            f"compile: op {op.name!r} has no array form: its {what} does not run on numpy "
            f"arrays ({e}). Write it with the functions of micrograd_nndl.ops that work on "
            "floats, Values and arrays (where, clip, d_exp, d_log, ...)"
        ) from None
    _checked[id(op)] = op
