"""Gradient checking: the table of backward() against central differences (NNDL §4.5.1), the
checks that raise on a mismatch, and the check of a model's own parameters.

The numbers compared come from `micrograd_nndl.gradcheck.differences`.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, cast

from ..columns import format_columns
from ..engine import Value
from ..functional import hessian
from ..naming import book_name, parameter_text
from ..notation import derivative_text
from .differences import (
    analytic_grads,
    as_float,
    input_names,
    numeric_grads,
    numeric_hessian,
    one_graph_grads,
    result_of,
    stepped,
)


class GradcheckError(AssertionError):
    """backward() and the central differences disagree; the message holds the table and
    `report` the CheckReport it was made from."""

    def __init__(self, message: str, report: CheckReport | None = None) -> None:
        super().__init__(message)
        self.report = report


#: The columns of every derivative check (gradcheck, assert_grads_match, check_op, the CLI).
COLUMNS = ("derivative", "at", "backward", "central difference", "difference")
#: The column a parameters' check adds where the book's name is not the code's: the path.
IN_CODE = "in code"
MISMATCH = "<-- mismatch"


@dataclass(frozen=True)
class CheckRow:
    """One derivative two (or three) ways: backward()'s, a central difference's, a formula's."""

    derivative: str  # ∂f/∂x1, ∂²f/∂x1∂x2, ∂loss/∂w⁽¹⁾₂₁
    at: str  # the value(s) of the input(s) it is taken at
    backward: float
    central: float
    expected: float | None = None
    passed: bool = True
    in_code: str | None = None  # the parameter's dotted path where the book names it apart

    @property
    def difference(self) -> float:
        """The largest |backward − other| over the other columns (nan if one is not finite)."""
        others = [self.central] if self.expected is None else [self.central, self.expected]
        return max(abs(self.backward - o) for o in others)


@dataclass(frozen=True)
class CheckReport:
    """The rows of one derivative check and how it judged them: the one table format."""

    title: str  # "order-1 derivatives of f", "derivatives of the loss by its parameters"
    rows: tuple[CheckRow, ...]
    eps: float
    atol: float
    rtol: float

    @property
    def passed(self) -> bool:
        return all(row.passed for row in self.rows)

    @property
    def failures(self) -> list[CheckRow]:
        """The rows that fail, the largest difference first (one that is not finite first)."""
        return sorted((r for r in self.rows if not r.passed), key=_badness, reverse=True)

    def table(self, rows: Sequence[CheckRow] | None = None) -> str:
        """The rows (all by default) under COLUMNS, each failing row marked "<-- mismatch";
        a parameter the book names apart (w⁽¹⁾₂₁) has its dotted path in a last column."""
        rows = self.rows if rows is None else rows
        with_expected = any(r.expected is not None for r in rows)
        header = list(COLUMNS)
        if with_expected:
            header.insert(4, "expected")
        with_path = any(r.in_code is not None for r in rows)
        if with_path:
            header.append(IN_CODE)
        lines = [header]
        for r in rows:
            cells = [r.derivative, r.at, f"{r.backward:.10g}", f"{r.central:.10g}"]
            if with_expected:
                cells.append("" if r.expected is None else f"{r.expected:.10g}")
            cells.append(f"{r.difference:.3g}")
            if with_path:
                cells.append(r.in_code or "")
            lines.append(cells + ([] if r.passed else [MISMATCH]))
        return format_columns(lines, rule=False)

    def message(self, show: int = 10) -> str:
        """What failed, how it was judged, and the table: every row, or the `show` worst."""
        bad = self.failures
        head = (
            f"{self.title}: {len(bad)} of {len(self.rows)} disagree with central differences "
            f"(eps={self.eps:g}, atol={self.atol:g}, rtol={self.rtol:g})"
        )
        if len(self.rows) <= show:
            return f"{head}:\n{self.table()}"
        return f"{head}; the {min(show, len(bad))} worst:\n{self.table(bad[:show])}"

    def raise_for_failures(self, show: int = 10) -> None:
        """Raise GradcheckError (its `report` is this report) if any row failed."""
        __tracebackhide__ = True  # pytest shows the user's test line, not this one
        if not self.passed:
            raise GradcheckError(self.message(show), self)

    def __str__(self) -> str:
        return self.table()


def _badness(row: CheckRow) -> float:
    d = row.difference
    return d if d == d else math.inf


def _judge(
    names: Sequence[str],
    at: Sequence[str],
    backward: Sequence[float],
    central: Sequence[float],
    expected: Sequence[float] | None,
    atol: float,
    rtol: float,
) -> tuple[CheckRow, ...]:
    """Rows that pass when backward is within atol + rtol·|reference| of every other column
    (the reference is the formula if given, else the central difference)."""
    rows = []
    for i, name in enumerate(names):
        e = None if expected is None else expected[i]
        reference = central[i] if e is None else e
        others = [central[i]] if e is None else [central[i], e]
        ok = all(_close(backward[i], o, atol, rtol, reference) for o in others)
        rows.append(CheckRow(name, at[i], backward[i], central[i], e, ok))
    return tuple(rows)


def gradcheck_report(
    f: Callable[..., Value],
    inputs: Sequence[float | Value] | float | Value,
    eps: float | None = None,
    atol: float = 1e-5,
    rtol: float = 1e-4,
    order: int = 1,
    names: Sequence[str] | None = None,
    output: str = "f",
    expected: Callable[..., Sequence[float]] | None = None,
    same_graph: bool = False,
) -> CheckReport:
    """The table `gradcheck` judges by, without raising: see `gradcheck`.

    `names` name the inputs (by default f's own parameter names, else x1, x2, …) and
    `output` the result in the rows (∂f/∂w); `expected(*inputs)` adds a column of
    hand-derived first derivatives.
    `same_graph=True` says f builds the same graph at every point (a parsed formula; no
    Python branch on a value): f is then evaluated once and, for the order-1 central
    differences, its graph replayed from each moved input on (only the nodes that input
    reaches): the same numbers as evaluating f 2n times, in a fraction of the time.
    """
    one = isinstance(inputs, (numbers.Real, Value))  # gradcheck(f, 0.0): one input
    points = cast("Sequence[float | Value]", [inputs] if one else inputs)
    xs = [as_float(x) for x in points]
    names = input_names(f, len(xs)) if names is None else list(names)
    if output in names:  # lambda f, g: ... would read ∂f/∂f
        output = next(o for o in ("out", "F", "y", "result") if o not in names)
    if len(names) != len(xs):
        raise ValueError(f"gradcheck: {len(names)} names for {len(xs)} inputs")
    values = [f"{x:.6g}" for x in xs]
    if order == 1:
        eps = 1e-6 if eps is None else eps
        rows = [derivative_text(output, n) for n in names]
        at = values
        if same_graph:
            backward, central = one_graph_grads(f, xs, eps, names)
        else:
            backward = analytic_grads(f, xs)
            central = numeric_grads(f, xs, eps, names)
        formula = None if expected is None else [float(g) for g in expected(*xs)]
    elif order == 2:
        if expected is not None:
            raise ValueError("gradcheck: an expected formula is for first derivatives only")
        eps = 1e-4 if eps is None else eps
        pairs = [(i, j) for i in range(len(xs)) for j in range(len(xs))]
        rows = [derivative_text(output, names[i], names[j]) for i, j in pairs]
        at = [values[i] if i == j else f"{values[i]}, {values[j]}" for i, j in pairs]
        backward = [h for row in hessian(f)(*xs) for h in row]
        central = [h for row in numeric_hessian(f, xs, eps) for h in row]
        formula = None
    else:
        raise ValueError(f"gradcheck: order must be 1 or 2, not {order!r}")
    title = f"gradcheck: order-{order} derivatives of {output}"
    if 1 < len(xs) <= 8:  # a row's `at` is its own input's value; the title gives the point
        title += " at " + ", ".join(f"{n} = {v}" for n, v in zip(names, values))
    judged = _judge(rows, at, backward, central, formula, atol, rtol)
    return CheckReport(title, judged, eps, atol, rtol)


def gradcheck(
    f: Callable[..., Value],
    inputs: Sequence[float | Value] | float | Value,
    eps: float | None = None,
    atol: float = 1e-5,
    rtol: float = 1e-4,
    order: int = 1,
) -> bool:
    """Check derivatives of f at `inputs` against central differences.

    order=1: ∂f/∂xᵢ from backward() against (f(x + εeᵢ) − f(x − εeᵢ)) / 2ε (ε = 1e-6).
    order=2: ∂²f/∂xᵢ∂xⱼ from `hessian` (the rules called on Values) against central
    differences of backward()'s first derivatives (ε = 1e-4).
    f takes one Value per input (`inputs` a list, or one number) and returns a Value.
    Returns True when every entry passes |backward − central| <= atol + rtol·|central|;
    otherwise raises GradcheckError with a table (`COLUMNS`) marking the entries that fail.
    """
    gradcheck_report(f, inputs, eps, atol, rtol, order).raise_for_failures()
    return True


Parameters = Any  # a Module (named_parameters), a {name: Value} mapping or a list of Values


def named_parameters(params: Parameters) -> list[tuple[str, Value]]:
    """(name, Value) pairs: a Module's dotted names, a mapping's keys, or a list's labels."""
    if hasattr(params, "named_parameters"):
        pairs = list(params.named_parameters())
    elif isinstance(params, Mapping):
        pairs = list(params.items())
    else:
        pairs = [(getattr(p, "label", "") or f"p{i + 1}", p) for i, p in enumerate(params)]
    for name, p in pairs:
        if not isinstance(p, Value):
            what = type(p).__name__
            raise TypeError(f"parameter {parameter_text(name)} is a {what}, not a Value")
    if not pairs:
        raise ValueError("gradcheck_params: there are no parameters to check")
    return pairs


def gradcheck_params_report(
    loss_fn: Callable[[], Value],
    params: Parameters,
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-4,
    output: str = "loss",
) -> CheckReport:
    """The table `gradcheck_params` judges by, without raising: see `gradcheck_params`."""
    pairs = named_parameters(params)
    loss = result_of(loss_fn(), "loss_fn")
    before = [(p, p.grad) for _, p in pairs if p.has_grad]
    loss.zero_grad()  # every node of this graph, the parameters too, back to "no gradient"
    try:
        loss.backward()
        backward = [p.grad for _, p in pairs]
    finally:
        loss.zero_grad()
        for p, g in before:  # the parameters' gradients as they were
            p.grad = g
    central = []
    for name, p in pairs:
        x = p.data
        try:
            p.data = x + eps
            up = stepped(lambda: _loss_data(loss_fn), parameter_text(name), eps)
            p.data = x - eps
            down = stepped(lambda: _loss_data(loss_fn), parameter_text(name), -eps)
        finally:
            p.data = x
        central.append((up - down) / (2 * eps))
    names = [derivative_text(output, book_name(name)) for name, _ in pairs]
    at = [f"{p.data:.6g}" for _, p in pairs]
    title = f"gradcheck_params: derivatives of the {output} by its parameters"
    rows = _judge(names, at, backward, central, None, atol, rtol)
    paths = [None if book_name(name) == name else name for name, _ in pairs]
    rows = tuple(replace(row, in_code=path) for row, path in zip(rows, paths))
    return CheckReport(title, rows, eps, atol, rtol)


def _loss_data(loss_fn: Callable[[], Value]) -> float:
    return result_of(loss_fn(), "loss_fn").data


def gradcheck_params(
    loss_fn: Callable[[], Value],
    params: Parameters,
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-4,
    show: int = 10,
) -> bool:
    """Check ∂loss/∂p for a model's own parameters p against central differences.

    loss_fn() builds the loss from the parameters as they are now (a model and a loss over
    data: `lambda: mse(model(x), y)`); each parameter is moved by ±eps in place, the loss
    evaluated with no graph, and put back. `params` is a Module (its named_parameters), a
    {name: Value} mapping or a list of Values. Returns True, or raises GradcheckError naming
    the `show` worst parameters. The parameters' values and gradients are left as they were.
    """
    gradcheck_params_report(loss_fn, params, eps, atol, rtol).raise_for_failures(show)
    return True


def _close(a: float, b: float, atol: float, rtol: float, reference: float) -> bool:
    return math.isfinite(a) and math.isfinite(b) and abs(a - b) <= atol + rtol * abs(reference)
