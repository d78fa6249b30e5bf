"""Gradient checking: backward() against central differences (NNDL §4.5.1), first and second order.

f′(x) ≈ (f(x + Δ) − f(x − Δ)) / 2Δ has truncation error O(Δ²), against O(Δ) for the one-sided
form, so it is the standard check of a hand-written or automatic derivative.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from .columns import format_columns
from .engine import Value, no_grad
from .errors import MathError
from .functional import evaluate, hessian


class GradcheckError(AssertionError):
    """backward() and the central differences disagree; the message holds the table."""


def _as_float(x: float | Value) -> float:
    return x.data if isinstance(x, Value) else float(x)


def _leaves(xs: Sequence[float]) -> list[Value]:
    return [Value(x, f"x{i + 1}") for i, x in enumerate(xs)]


def _value_at(f: Callable[..., Value], xs: list[float], i: int, step: float) -> float:
    """f at x + step·eᵢ, with no graph; a domain error says it came from the difference step."""
    shifted = list(xs)
    shifted[i] += step
    try:
        with no_grad():
            return _output_data(f, _leaves(shifted))
    except MathError as e:
        raise type(e)(
            f"{e} — while evaluating f at x{i + 1} {'+' if step > 0 else '−'} {abs(step):g} "
            f"(a central-difference step: move the point away from the domain's edge, or "
            f"pass a smaller eps)"
        ) from None


def _output_data(f: Callable[..., Value], leaves: Sequence[Value]) -> float:
    out = f(*leaves)
    if not isinstance(out, Value):
        raise TypeError(f"f must return a Value, got {type(out).__name__}")
    return out.data


def numeric_grads(
    f: Callable[..., Value], inputs: Sequence[float | Value], eps: float = 1e-6
) -> list[float]:
    """Central differences (f(x + eps·eᵢ) − f(x − eps·eᵢ)) / 2eps for each input i."""
    xs = [_as_float(x) for x in inputs]
    return [
        (_value_at(f, xs, i, eps) - _value_at(f, xs, i, -eps)) / (2 * eps) for i in range(len(xs))
    ]


def analytic_grads(f: Callable[..., Value], inputs: Sequence[float | Value]) -> list[float]:
    """∂f/∂xᵢ by one backward pass on fresh leaves (the inputs' own grads are not touched)."""
    leaves = _leaves([_as_float(x) for x in inputs])
    evaluate(f, leaves).backward()
    return [leaf.grad for leaf in leaves]


def grad_table(
    rows: Sequence[str], columns: dict[str, Sequence[float]], bad: Sequence[bool]
) -> str:
    """A plain-text table: one row per derivative, one column per way of computing it, and the
    difference of the first two columns."""
    header = ["derivative", *columns, "difference"]
    first, second = list(columns.values())[:2]
    lines = [header]
    for i, name in enumerate(rows):
        diff = abs(first[i] - second[i])
        line = [name, *(f"{c[i]:.10g}" for c in columns.values()), f"{diff:.3g}"]
        lines.append(line + (["<-- mismatch"] if bad[i] else []))
    return format_columns(lines, rule=False)


def first_order_rows(xs: Sequence[float]) -> list[str]:
    """Row names ∂f/∂x1 at x1 = 0.5, … for a table of first derivatives."""
    return [f"∂f/∂x{i + 1} at x{i + 1} = {x:.6g}" for i, x in enumerate(xs)]


def gradcheck(
    f: Callable[..., Value],
    inputs: Sequence[float | Value],
    eps: float | None = None,
    atol: float = 1e-5,
    rtol: float = 1e-4,
    order: int = 1,
) -> bool:
    """Check derivatives of f at `inputs` against central differences.

    order=1: ∂f/∂xᵢ from backward() against (f(x + εeᵢ) − f(x − εeᵢ)) / 2ε (ε = 1e-6).
    order=2: ∂²f/∂xᵢ∂xⱼ from `hessian` (the rules called on Values) against central
    differences of backward()'s first derivatives (ε = 1e-4).
    f takes one Value per input and returns a Value. Returns True when every entry passes
    |analytic − numeric| <= atol + rtol·|numeric|; otherwise raises GradcheckError with a table
    marking the entries that fail.
    """
    xs = [_as_float(x) for x in inputs]
    if order == 1:
        eps = 1e-6 if eps is None else eps
        rows = first_order_rows(xs)
        analytic = analytic_grads(f, xs)
        numeric = numeric_grads(f, xs, eps)
    elif order == 2:
        eps = 1e-4 if eps is None else eps
        n = len(xs)
        rows = [f"∂²f/∂x{i + 1}∂x{j + 1}" for i in range(n) for j in range(n)]
        analytic = [h for row in hessian(f)(*xs) for h in row]
        numeric = [h for row in _numeric_hessian(f, xs, eps) for h in row]
    else:
        raise ValueError(f"gradcheck: order must be 1 or 2, not {order!r}")
    bad = [not _close(a, b, atol, rtol) for a, b in zip(analytic, numeric)]
    if any(bad):
        table = grad_table(rows, {"analytic": analytic, "numeric": numeric}, bad)
        raise GradcheckError(
            f"gradcheck: order-{order} derivatives disagree with central differences "
            f"(eps={eps:g}, atol={atol:g}, rtol={rtol:g}):\n{table}"
        )
    return True


def _numeric_hessian(f: Callable[..., Value], xs: list[float], eps: float) -> list[list[float]]:
    """Hᵢⱼ ≈ (∂f/∂xᵢ(x + εeⱼ) − ∂f/∂xᵢ(x − εeⱼ)) / 2ε, with ∂f/∂xᵢ from backward()."""
    columns = []
    for j in range(len(xs)):
        up, down = list(xs), list(xs)
        up[j] += eps
        down[j] -= eps
        g_up, g_down = analytic_grads(f, up), analytic_grads(f, down)
        columns.append([(u - d) / (2 * eps) for u, d in zip(g_up, g_down)])
    return [[columns[j][i] for j in range(len(xs))] for i in range(len(xs))]


def _close(a: float, b: float, atol: float, rtol: float) -> bool:
    return math.isfinite(a) and math.isfinite(b) and abs(a - b) <= atol + rtol * abs(b)
