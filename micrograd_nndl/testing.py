"""Property-testing your own functions' gradients (needs `hypothesis`: the `testing` extra).

    from hypothesis import given
    from micrograd_nndl.testing import scalars, expressions, assert_grads_match

    @given(scalars(-3, 3))
    def test_my_function(x):
        assert_grads_match(lambda v: (v * v).tanh(), [x])

    @given(expressions(n_inputs=2))
    def test_random_graphs(expr):
        assert_grads_match(expr, expr.inputs)

`expressions` draws random graphs from the op table (NNDL §4.5.3's primitives and §4.1's
activations), keeping every op inside the range where it is smooth, so central differences
are a fair judge.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

try:
    from hypothesis import (
        HealthCheck,
        Phase,
        currently_in_test_context,
        given,
        reject,
        settings,
    )
    from hypothesis import strategies as st
except ModuleNotFoundError as missing:  # a wheel user without the extra: say how to get it
    raise ModuleNotFoundError(
        "micrograd_nndl.testing needs hypothesis: pip install -e '.[testing]' in the clone, "
        "or pip install hypothesis",
        name=missing.name,
    ) from missing

from .engine import Value, apply, topological_order
from .gradcheck import GradcheckError, gradcheck_report
from .gradcheck.differences import input_names
from .ops import BINARY, NARY, OPS, UNARY_PARAM, Op

#: How far a drawn input keeps from a kink (relu at 0, hard_tanh at ±1, ...).
KINK_MARGIN = 1e-3
#: Largest |value| an intermediate node of a random expression may take.
MAX_MAGNITUDE = 50.0

__all__ = [
    "RandomExpression",
    "KINK_MARGIN",
    "OpCheck",
    "assert_grads_match",
    "check_op",
    "expressions",
    "kink_in_graph",
    "op_inputs",
    "scalars",
]


def scalars(
    lo: float = -5.0,
    hi: float = 5.0,
    avoid: Sequence[float] = (),
    distance: float = KINK_MARGIN,
) -> st.SearchStrategy[float]:
    """Finite floats in [lo, hi], farther than `distance` from every point of `avoid`.

    scalars(-3, 3, avoid=[0.0]) keeps a ReLU test off its kink, where backward's relu'(0) = 0
    and a central difference's 0.5 disagree. The draws come from the gaps between the avoided
    points, so none is rejected.
    """
    if not lo <= hi:
        raise ValueError(f"scalars: needs lo <= hi, got [{lo!r}, {hi!r}]")
    if not 0.0 <= distance < math.inf:
        raise ValueError(f"scalars: distance must be finite and >= 0, got {distance!r}")
    points = sorted(float(p) for p in avoid)
    if not all(math.isfinite(p) for p in points):
        raise ValueError(f"scalars: the points to avoid must be finite, got {points}")
    gaps = []  # closed [start, stop]: every float in one is farther than distance from all
    start = lo
    for p in points:
        stop = _step_away(min(p - distance, hi), p, distance, -1.0)
        if start <= stop:
            gaps.append((start, stop))
        if p + distance >= start:
            start = _step_away(p + distance, p, distance, 1.0)
    if start <= hi:
        gaps.append((start, hi))
    if not gaps:
        raise ValueError(f"scalars: no point of [{lo!r}, {hi!r}] is {distance:g} from {points}")
    # Float subtraction is monotone, so ends that keep their distance make every point between
    # keep it from every avoided point: nothing is filtered out.
    return st.one_of([st.floats(a, b, allow_nan=False, allow_infinity=False) for a, b in gaps])


def _step_away(x: float, p: float, distance: float, direction: float) -> float:
    """x moved in `direction` by steps that double from the rounding error's size until
    |x − p| > distance holds in floating point (a few steps: the error is an ulp or so)."""
    step = math.ulp(max(abs(p), abs(x), distance))
    while not abs(x - p) > distance:
        x += direction * step
        step *= 2.0
    return x


def _apart(xs: Sequence[float]) -> bool:
    """No two inputs of an n-ary op (maxout) closer than the margin: a tie is a kink."""
    ordered = sorted(xs)
    return all(b - a > KINK_MARGIN for a, b in zip(ordered, ordered[1:]))


def _smooth_at(x: float, lo: float, hi: float, kinks: Sequence[float]) -> bool:
    return lo <= x <= hi and all(abs(x - k) > KINK_MARGIN for k in kinks)


def op_inputs(op: Op) -> st.SearchStrategy[tuple[float, ...]]:
    """Forward arguments for `op` from its declaration: inside its `sample` ranges, off its
    `kinks` by KINK_MARGIN, and passing its domain `check`."""
    check = op.check
    if op.kind == NARY:
        lo, hi = op.sample[0]
        least, most = op.inputs.least, op.inputs.least + 3 * max(op.inputs.step, 1)
        lists = st.lists(scalars(lo, hi), min_size=least, max_size=most)
        fitting = lists.filter(lambda xs: op.inputs.accepts(len(xs)) and _apart(xs))
        many = fitting.map(lambda xs: tuple(xs))
        return many if check is None else many.filter(lambda xs: check(xs, None) is None)
    parts = [
        scalars(lo, hi, avoid=op.kinks[i] if i < len(op.kinks) else ())
        for i, (lo, hi) in enumerate(op.sample)
    ]
    drawn = st.tuples(*parts)
    return drawn if check is None else drawn.filter(lambda args: check(*args) is None)


class _ReadableInFailures:
    """Hypothesis prints drawn dataclasses field by field (an Op's lambdas and caches); this
    makes it print the object's own repr instead."""

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(repr(self))


@dataclass(frozen=True)
class RandomStep(_ReadableInFailures):
    """One op applied to earlier nodes of an expression (by index) and its constant params."""

    op: Op
    args: tuple[int, ...]
    params: tuple[float, ...]

    def __repr__(self) -> str:
        args = [f"node{i}" for i in self.args] + [f"{p:g}" for p in self.params]
        return f"<RandomStep {self.op.name}({', '.join(args)})>"


@dataclass(frozen=True)
class RandomExpression(_ReadableInFailures):
    """A random expression over n inputs: call it with Values to build its graph again."""

    inputs: tuple[float, ...]
    steps: tuple[RandomStep, ...]

    def __call__(self, *leaves: Value) -> Value:
        nodes = list(leaves)
        for step in self.steps:
            nodes.append(apply(step.op, *(nodes[i] for i in step.args), *step.params))
        return nodes[-1]

    def __repr__(self) -> str:
        names = [f"x{i + 1}" for i in range(len(self.inputs))]
        for step in self.steps:
            args = [names[i] for i in step.args] + [f"{p:g}" for p in step.params]
            names.append(f"{step.op.name}({', '.join(args)})")
        values = ", ".join(f"x{i + 1}={x!r}" for i, x in enumerate(self.inputs))
        return f"<RandomExpression {names[-1]} at {values}>"


#: How many inputs a random expression gives an op that takes any number (maxout, neuron).
NARY_INPUTS = 3


def _fits(op: Op, values: Sequence[float]) -> bool:
    if op.kind == NARY:
        lo, hi = op.sample[0]
        return _apart(values) and all(lo <= v <= hi for v in values)
    return all(
        _smooth_at(v, *op.sample[i], op.kinks[i] if i < len(op.kinks) else ())
        for i, v in enumerate(values)
    )


@st.composite
def expressions(
    draw: st.DrawFn,
    n_inputs: int = 2,
    max_steps: int = 6,
    ops: Sequence[Op] | None = None,
    inputs: st.SearchStrategy[float] | None = None,
) -> RandomExpression:
    """Random expression graphs over `n_inputs` leaves, drawn from the op table.

    Each step applies an op to earlier nodes only where their values lie in the op's smooth
    domain (and keeps |value| <= MAX_MAGNITUDE). Every one- and two-input op takes the newest
    node as its first input, so the steps form a chain that ends in the result; its other
    inputs (and a maxout's) are drawn from all earlier nodes, so paths branch and join.
    """
    table = list(ops) if ops is not None else list(OPS.values())
    drawn = scalars(-2.0, 2.0) if inputs is None else inputs
    xs = draw(st.lists(drawn, min_size=n_inputs, max_size=n_inputs))
    values = list(xs)
    steps: list[RandomStep] = []
    for _ in range(draw(st.integers(1, max_steps))):
        op = draw(st.sampled_from(table))
        n_args = op.arity if op.arity > 0 else NARY_INPUTS
        args = tuple(draw(st.integers(0, len(values) - 1)) for _ in range(n_args))
        if op.kind != NARY:
            args = (len(values) - 1, *args[1:])  # chain: each step uses the newest node
        params: tuple[float, ...] = ()
        if op.kind == UNARY_PARAM:
            params = (draw(op_inputs(op))[1],)
        arg_values = [values[i] for i in args]
        if not _fits(op, arg_values):
            continue
        out = (
            op.forward(tuple(arg_values), None)
            if op.kind == NARY
            else op.forward(*arg_values, *params)
        )
        if not abs(out) <= MAX_MAGNITUDE:
            continue
        steps.append(RandomStep(op, args, params))
        values.append(out)
    if not steps:  # every draw left the domain: fall back to a sum, which is smooth everywhere
        steps.append(RandomStep(OPS["add"], (0, n_inputs - 1), ()))
    return RandomExpression(tuple(xs), tuple(steps))


def assert_grads_match(
    f: Callable[..., Value],
    inputs: Sequence[float],
    expected: Callable[..., Sequence[float]] | None = None,
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-4,
) -> None:
    """Assert backward() agrees with central differences, and with `expected(*inputs)` if given.

    `expected` returns the analytic partial derivatives (a hand-derived formula); the check
    then compares all three columns. Raises GradcheckError (an AssertionError) with a table.
    A disagreement at a point where an op of f's graph sits on one of its kinks (`kink_in_graph`)
    is no verdict on backward(): inside a hypothesis test the point is rejected and another
    drawn; outside, the error says which op is on its kink.
    """
    __tracebackhide__ = True  # pytest shows the user's test, not these lines
    xs = [float(x) for x in inputs]
    report = gradcheck_report(f, xs, eps, atol, rtol, expected=expected)
    if report.passed:
        return
    kink = kink_in_graph(f, xs, eps)
    if kink is None:
        report.raise_for_failures()
    if currently_in_test_context():  # a point no central difference can judge: draw another
        reject()
    raise GradcheckError(
        f"{report.message()}\nat this point {kink}: its slopes either side differ and a central "
        "difference measures their mean, so it cannot judge backward() here; check away from "
        "it (scalars(..., avoid=[...]) keeps an input off a kink)",
        report,
    )


def kink_in_graph(f: Callable[..., Value], xs: Sequence[float], eps: float = 1e-6) -> str | None:
    """Where a central difference of f at `xs` straddles a kink: an op of f's graph (relu at
    0, a custom_op's `kinks`, a tie of maxout) whose input is on a kink, or on either side of
    it at the two points x ± eps·eᵢ the difference of some input i takes; said as the op, its
    inputs' values and the input moved. None when every difference stays on one side. A random
    input w·x + 0.5 can land on a kink that `scalars(avoid=...)` on x alone cannot keep it
    from; a kink a step does not reach is no excuse for a disagreement."""
    names = input_names(f, len(xs))
    here = _kinked_ops(f, xs, names)
    for i, name in enumerate(names):
        up, down = list(xs), list(xs)
        up[i] += eps
        down[i] -= eps
        above, below = _kinked_ops(f, up, names), _kinked_ops(f, down, names)
        if not (len(here) == len(above) == len(below)):  # f branches in Python: no judge here
            continue
        for (op, at), (_, hi), (_, lo) in zip(here, above, below):
            if _straddles(op, hi, lo):
                values = ", ".join(f"{a:.6g}" for a in at)
                return (
                    f"{op.name}'s input is at a kink within the difference step ({op.name}"
                    f"({values}); {name} ± {eps:g} puts it on either side)"
                )
    return None


def _kinked_ops(
    f: Callable[..., Value], xs: Sequence[float], names: Sequence[str]
) -> list[tuple[Op, tuple[float, ...]]]:
    """The ops of f's graph at `xs` that declare kinks, with their inputs' values, in order."""
    try:
        out = f(*(Value(x, name) for x, name in zip(xs, names)))
    except (ArithmeticError, ValueError):  # a step out of f's domain: nothing to compare
        return []
    return [
        (node.op_info, tuple(p.data for p in node.parents))
        for node in topological_order(out)
        if node.op_info is not None
        and (node.op_info.kinks or (node.op_info.kind == NARY and node.op_info.flat))
    ]


def _straddles(op: Op, hi: tuple[float, ...], lo: tuple[float, ...]) -> bool:
    """Whether the op's inputs at the two points lie on different sides of a kink (or on it):
    a change of maxout's arg-max, or an input crossing one of its op's kinks."""
    if op.kind == NARY:
        return max(range(len(hi)), key=hi.__getitem__) != max(range(len(lo)), key=lo.__getitem__)
    return any((a - k) * (b - k) <= 0 for a, b, ks in zip(hi, lo, op.kinks) for k in ks)


@dataclass(frozen=True)
class OpCheck:
    """What `check_op` checked: at how many points, and whether second derivatives too."""

    op: str
    examples: int
    second_order: bool

    def __str__(self) -> str:
        second = (
            "second derivatives too"
            if self.second_order
            else "second derivatives not checked (its rules take floats only: write them with "
            "`fn`'s functions to differentiate them again)"
        )
        return (
            f"{self.op}: values and first derivatives agree with central differences at "
            f"{self.examples} points; {second}"
        )


def check_op(
    op: Op,
    max_examples: int = 50,
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-4,
    second_order: bool | None = None,
) -> OpCheck:
    """Property-test an op (yours from `custom_op`, or the table's) in one call.

    At up to `max_examples` points drawn by `op_inputs` (its sample ranges, off its kinks, in
    its domain): the op on Values has its forward's value on floats; every rule agrees with a
    central difference (`gradcheck` with eps, atol, rtol); and, where the rules work on Values
    (second_order=None finds out; True requires it), the second derivatives agree with central
    differences of backward's first ones. A failure raises GradcheckError with the table
    (hypothesis adds the falsifying point). The draws are derandomized: a check is repeatable.
    """
    __tracebackhide__ = True  # pytest shows the user's test, not these lines
    names = input_names(op.forward, 2 if op.kind == BINARY else 1)  # x, or a and b
    state: dict[str, Any] = {"examples": 0, "second": None}

    def property_of(args: tuple[float, ...]) -> None:
        __tracebackhide__ = True  # pytest shows the user's test, not these lines
        inputs, f = _as_function(op, args)
        _check_value(op, args, f(*[Value(x) for x in inputs]))
        where = names if op.kind != NARY else [f"x{i + 1}" for i in range(len(inputs))]
        first = gradcheck_report(f, inputs, eps, atol, rtol, names=where, output=op.name)
        replace(first, title=f"check_op {op.name}: first derivatives").raise_for_failures()
        if state["second"] is None:
            takes = second_order is not False and _rules_take_values(op, f, inputs)
            if second_order and not takes:
                raise TypeError(
                    f"check_op {op.name}: second_order=True, but its rules take floats only "
                    "(write them with `fn`'s functions to differentiate them again)"
                )
            state["second"] = takes
        if state["second"]:
            # the difference step of backward's derivatives shrinks near a kink or a pole
            step = min(1e-4, _distance_to_kinks(op, args) / 100)
            second = gradcheck_report(
                f, inputs, step, 100 * atol, 10 * rtol, order=2, names=where, output=op.name
            )
            replace(second, title=f"check_op {op.name}: second derivatives").raise_for_failures()
        state["examples"] += 1

    property_of.__name__ = property_of.__qualname__ = f"check_op_{op.name}"  # in its reports
    property_of = settings(
        max_examples=max_examples,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        phases=[Phase.explicit, Phase.generate, Phase.shrink],
        print_blob=False,  # derandomized: the same call finds the same point again
    )(given(op_inputs(op))(property_of))
    property_of()
    return OpCheck(op.name, state["examples"], bool(state["second"]))


def _distance_to_kinks(op: Op, args: tuple[float, ...]) -> float:
    if op.kind == NARY:  # maxout's kinks are ties
        ordered = sorted(args)
        return min((b - a for a, b in zip(ordered, ordered[1:])), default=math.inf)
    kinks = [(x, k) for x, ks in zip(args, op.kinks) for k in ks]
    return min((abs(x - k) for x, k in kinks), default=math.inf)


def _as_function(op: Op, args: tuple[float, ...]) -> tuple[list[float], Callable[..., Value]]:
    """The graph inputs among `args` and a function of them (a parameter k stays constant)."""
    if op.takes_number:
        x, k = args
        return [x], lambda v: apply(op, v, k)
    return list(args), lambda *vs: apply(op, *vs)


def _check_value(op: Op, args: tuple[float, ...], node: Value) -> None:
    expected = op.forward(tuple(args), None) if op.kind == NARY else op.forward(*args)
    if not node.data == float(expected):
        raise AssertionError(
            f"check_op {op.name}: on Values the value is {node.data!r}, the forward on floats "
            f"gives {expected!r} (at {args})"
        )


def _rules_take_values(op: Op, f: Callable[..., Value], inputs: Sequence[float]) -> bool:
    """Whether the rules run on Values (so `grad` can differentiate them again)."""
    leaves = [Value(x) for x in inputs]
    out = f(*leaves)
    try:
        op.local_derivatives(out.parents, out.constant, out)
    except TypeError:
        return False
    return True
