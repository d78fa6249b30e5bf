"""Gradient checking: backward() against central differences (NNDL §4.5.1).

f′(x) ≈ (f(x + Δ) − f(x − Δ)) / 2Δ has truncation error O(Δ²), against O(Δ) for the one-sided
form, so it is the standard check of a hand-written or automatic derivative.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from .engine import Value, no_grad


class GradcheckError(AssertionError):
    """backward() and the central differences disagree; the message holds the table."""


def _as_float(x: float | Value) -> float:
    return x.data if isinstance(x, Value) else float(x)


def _call(f: Callable[..., Value], xs: Sequence[float], labels: Sequence[str]) -> Value:
    out = f(*[Value(x, label) for x, label in zip(xs, labels)])
    if not isinstance(out, Value):
        raise TypeError(f"f must return a Value, got {type(out).__name__}")
    return out


def numeric_grads(
    f: Callable[..., Value], inputs: Sequence[float | Value], eps: float = 1e-6
) -> list[float]:
    """Central differences (f(x + eps·eᵢ) − f(x − eps·eᵢ)) / 2eps for each input i."""
    xs = [_as_float(x) for x in inputs]
    labels = [f"x{i + 1}" for i in range(len(xs))]
    grads = []
    with no_grad():
        for i in range(len(xs)):
            up, down = list(xs), list(xs)
            up[i] += eps
            down[i] -= eps
            grads.append((_call(f, up, labels).data - _call(f, down, labels).data) / (2 * eps))
    return grads


def analytic_grads(f: Callable[..., Value], inputs: Sequence[float | Value]) -> list[float]:
    """∂f/∂xᵢ by one backward pass on fresh leaves (the inputs' own grads are not touched)."""
    leaves = [Value(_as_float(x), f"x{i + 1}") for i, x in enumerate(inputs)]
    out = f(*leaves)
    if not isinstance(out, Value):
        raise TypeError(f"f must return a Value, got {type(out).__name__}")
    out.backward()
    return [leaf.grad for leaf in leaves]


def grad_table(
    xs: Sequence[float], columns: dict[str, Sequence[float]], bad: Sequence[bool]
) -> str:
    """A plain-text table: one row per input, one column per way of computing ∂f/∂xᵢ."""
    header = ["input", "value", *columns, "difference"]
    first, second = list(columns.values())[:2]
    rows = [header]
    for i, x in enumerate(xs):
        diff = abs(first[i] - second[i])
        row = [f"x{i + 1}", f"{x:.6g}", *(f"{c[i]:.10g}" for c in columns.values()), f"{diff:.3g}"]
        rows.append(row + (["<-- mismatch"] if bad[i] else []))
    widths = [max(len(r[j]) for r in rows if j < len(r)) for j in range(len(header))]
    return "\n".join(
        "  ".join(cell.ljust(widths[j]) if j < len(widths) else cell for j, cell in enumerate(r))
        for r in rows
    )


def gradcheck(
    f: Callable[..., Value],
    inputs: Sequence[float | Value],
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-4,
) -> bool:
    """Check ∂f/∂xᵢ from backward() against central differences at `inputs`.

    f takes one Value per input and returns a Value. Returns True when every input passes
    |analytic − numeric| <= atol + rtol·|numeric|; otherwise raises GradcheckError with a table
    (input, analytic, numeric, difference) marking the inputs that fail.
    """
    xs = [_as_float(x) for x in inputs]
    analytic = analytic_grads(f, xs)
    numeric = numeric_grads(f, xs, eps)
    bad = [not _close(a, n, atol, rtol) for a, n in zip(analytic, numeric)]
    if any(bad):
        table = grad_table(xs, {"analytic": analytic, "numeric": numeric}, bad)
        raise GradcheckError(
            f"gradcheck: backward() disagrees with central differences "
            f"(eps={eps:g}, atol={atol:g}, rtol={rtol:g}):\n{table}"
        )
    return True


def _close(a: float, b: float, atol: float, rtol: float) -> bool:
    return math.isfinite(a) and math.isfinite(b) and abs(a - b) <= atol + rtol * abs(b)
