"""Your own operation with its own derivative: a forward function and one local-derivative
rule per input, ∂out/∂inputᵢ, the two things that make a primitive in NNDL §4.5.3.

    >>> from micrograd_nndl import Value, custom_op, fn
    >>> @custom_op(derivatives=lambda x, out: 3 * x * x)   # ∂out/∂x of x³
    ... def cube(x):
    ...     return x**3
    >>> y = cube(Value(2.0))
    >>> y.backward()
    >>> y.data, y.parents[0].grad
    (8.0, 12.0)

PyTorch's `autograd.Function` and JAX's `custom_vjp` ask for a vector-Jacobian product
(backward(grad_out) -> grad_in). Here the rule is the book's local derivative alone; the engine
multiplies it by the gradient arriving from above, as it does for every op of the table. The
result is an `Op` like the table's: callable on numbers and Values, drawn with its name,
stepped and explained by `viz`, checked by `testing.check_op`, and, once `register_op`ed, a
function of the expression language. Rules that call the table's functions (`fn.tanh`, `fn.exp`)
on their arguments are differentiable again (`grad(grad(op))`, Hessians); rules written with
`math` work on floats only, so only first derivatives are available.
"""

from __future__ import annotations

import inspect
import keyword
import unicodedata
from collections.abc import Callable, Sequence
from typing import Any

from .errors import DomainError, MathError
from .ops import BINARY, OPS, UNARY, UNARY_PARAM, Op, fn

__all__ = ["custom_op", "register_op", "unregister_op"]

Rule = Callable[..., Any]
#: where a custom op's inputs are tested when it does not say (`sample`)
DEFAULT_SAMPLE = (-5.0, 5.0)

_registered: set[str] = set()  # names register_op added to the table (the only ones it removes)


def custom_op(
    forward: Callable[..., float] | None = None,
    *,
    derivatives: Rule | Sequence[Rule],
    name: str | None = None,
    symbol: str = "",
    formula: str = "",
    derivative: str = "",
    domain: Callable[..., bool | str | None] | None = None,
    sample: Sequence[float] | Sequence[Sequence[float]] | None = None,
    kinks: Sequence[float] | Sequence[Sequence[float]] = (),
    param: str = "",
    default: float | None = None,
    activation: bool = False,
    register: bool = False,
) -> Op | Callable[[Callable[..., float]], Op]:
    """An `Op` from `forward` and its local derivatives; a decorator when `forward` is left out.

    forward(x) or forward(a, b) computes the value on floats; with `param` (a constant such as
    leaky_relu's γ, not a graph input) it is forward(x, k). `derivatives` gives one rule per
    graph input, ∂out/∂inputᵢ, called with the forward's arguments and, if it takes one more,
    the output: `lambda x, out: 1 - out * out` is tanh's. Optional:
    `domain(*args)` True (or None) inside the domain, False or a reason outside, checked
    before computing (a DomainError naming the op and the inputs);
    `sample`, per input, the range (lo, hi) property tests draw from ((-5, 5) if not given),
    and `kinks`, per input, the points where the op is not smooth (tests keep away from them);
    for a one-input op a bare (lo, hi) and a bare list of points are accepted;
    `name` (the function's name), `symbol` (the name) for drawings, `formula` and
    `derivative` as text for the explainer; `default` for the parameter, `activation` to say
    it is one (NNDL §4.1); `register=True` to `register_op` it at once.
    """

    def make(forward: Callable[..., float]) -> Op:
        op_name = name or str(getattr(forward, "__name__", ""))
        if not op_name.isidentifier() or keyword.iskeyword(op_name):
            raise ValueError(f"custom_op: the name {op_name!r} must be a Python identifier")
        where = f"custom_op {op_name}"
        for what, text in (("symbol", symbol), ("formula", formula), ("derivative", derivative)):
            if any(unicodedata.category(c) in ("Cc", "Cf") for c in text):
                raise ValueError(
                    f"{where}: the {what} {text!r} holds a control character; it is drawn "
                    "and printed as written, so only visible characters (and spaces) are kept"
                )
        kind, n_args = _kind(forward, param, where)
        rules = [derivatives] if callable(derivatives) else list(derivatives)
        n_inputs = 2 if kind == BINARY else 1
        if len(rules) != n_inputs:
            raise TypeError(
                f"{where}: {n_inputs} graph input{'s' if n_inputs > 1 else ''} need "
                f"{n_inputs} derivative rule{'s' if n_inputs > 1 else ''}, one per input; "
                f"got {len(rules)}"
            )
        op = Op(
            op_name,
            kind,
            forward,
            tuple(_with_output(r, n_args, f"{where}: rule {i + 1}") for i, r in enumerate(rules)),
            symbol=symbol or op_name,
            formula=formula,
            derivative=derivative,
            check=None if domain is None else _domain_check(domain, op_name),
            sample=_ranges(sample, n_args, where)
            if sample is not None
            else (DEFAULT_SAMPLE,) * n_args,
            kinks=_per_input(kinks, n_args, "kinks", where) if kinks else (),
            param=param,
            param_name=param,
            default=default,
            activation=activation,
        )
        return register_op(op) if register else op

    return make if forward is None else make(forward)


def _kind(forward: Callable[..., float], param: str, where: str) -> tuple[int, int]:
    """The op's kind and its forward's argument count, read from the forward's signature."""
    n_args = _count_arguments(forward, f"{where}: forward")
    if param:
        if n_args != 2:
            raise TypeError(f"{where}: forward(x, {param}) takes 2 arguments, not {n_args}")
        return UNARY_PARAM, 2
    if n_args not in (1, 2):
        raise TypeError(f"{where}: forward takes 1 or 2 inputs (or x and a param=), not {n_args}")
    return (UNARY if n_args == 1 else BINARY), n_args


def _count_arguments(f: Callable[..., Any], what: str) -> int:
    try:
        parameters = inspect.signature(f).parameters.values()
    except (TypeError, ValueError):
        raise TypeError(f"{what} must be a function whose arguments can be read") from None
    if any(p.kind is p.VAR_POSITIONAL for p in parameters):
        raise TypeError(f"{what} must name its arguments (no *args)")
    return sum(p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) for p in parameters)


def _with_output(rule: Rule, n_args: int, what: str) -> Rule:
    """The rule as the engine calls it, rule(*args, out): a rule without `out` is wrapped."""
    if not callable(rule):
        raise TypeError(f"{what} must be a function, not {type(rule).__name__}")
    n = _count_arguments(rule, what)
    if n == n_args + 1:
        return rule
    if n == n_args:
        return lambda *args: rule(*args[:-1])
    raise TypeError(f"{what} takes the forward's {n_args} argument(s) and optionally out; not {n}")


def _domain_check(domain: Callable[..., bool | str | None], name: str) -> Callable[..., Any]:
    def check(*args: float) -> tuple[type[MathError], str] | None:
        verdict = domain(*args)
        if verdict is None or verdict is True:
            return None
        shown = ", ".join(f"{a!r}" for a in args)
        reason = verdict if isinstance(verdict, str) else f"outside the domain of {name}"
        return (DomainError, f"{reason} (at {shown})")

    return check


def _per_input(
    given: Sequence[Any], n_args: int, what: str, where: str
) -> tuple[tuple[float, ...], ...]:
    """One tuple per forward argument; a bare tuple of numbers is the one input's."""
    if all(isinstance(v, (int, float)) for v in given):
        given = [given]
    per_input = tuple(tuple(float(v) for v in part) for part in given)
    if len(per_input) != n_args:
        raise ValueError(f"{where}: {what} needs one entry per argument ({n_args})")
    return per_input


def _ranges(given: Sequence[Any], n_args: int, where: str) -> tuple[tuple[float, float], ...]:
    """`sample`: one range (lo, hi) with lo < hi per forward argument."""
    ranges = _per_input(given, n_args, "sample", where)
    if not all(len(r) == 2 and r[0] < r[1] for r in ranges):
        raise ValueError(f"{where}: each sample range is (lo, hi) with lo < hi")
    return tuple((r[0], r[1]) for r in ranges)


def register_op(op: Op) -> Op:
    """Add `op` to the table by its name: the expression language parses it (`parse("cube(x)")`)
    and `fn` holds it. A built-in op's name cannot be taken."""
    if not isinstance(op, Op):
        raise TypeError(f"register_op takes an Op, not {type(op).__name__}")
    present = OPS.get(op.name)
    if present is not None and op.name not in _registered:
        raise ValueError(f"register_op: {op.name!r} is a built-in op of the table")
    OPS[op.name] = op
    setattr(fn, op.name, op)
    _registered.add(op.name)
    return op


def unregister_op(op: Op | str) -> None:
    """Take a registered custom op out of the table again (built-in ops stay)."""
    name = op if isinstance(op, str) else op.name
    if name not in _registered:
        raise ValueError(f"unregister_op: {name!r} is not a registered custom op")
    _registered.discard(name)
    del OPS[name]
    delattr(fn, name)
