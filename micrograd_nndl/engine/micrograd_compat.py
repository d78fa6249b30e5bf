"""micrograd's names on `Value`, for the code of its notebooks and lecture: `_prev`, `_op`,
`_backward`, and its constructor form Value(data, (a, b), '+').

`backward()` uses none of them; the chain rule is in `reference.py`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from ..ops import BINARY, OPS, UNARY, Op
from .checks import finite_float
from .fast_backward import store_grads
from .walks import terms_of

if TYPE_CHECKING:  # for the annotations only: value.py imports this module
    from .value import Value

__all__ = [
    "MICROGRAD_SYMBOLS",
    "from_micrograd",
    "micrograd_backward",
    "micrograd_op",
    "micrograd_prev",
]

#: micrograd's op strings for the ops it has (ASCII '-' and '/' for the two it builds from
#: others); `Value._op` shows them and micrograd's constructor form reads them.
MICROGRAD_SYMBOLS = {"add": "+", "mul": "*", "sub": "-", "div": "/", "neg": "-"}


def micrograd_prev(node: Value) -> set[Value]:
    """micrograd's set of this node's inputs (`parents` keeps their order)."""
    return set(node.parents)


def micrograd_op(node: Value) -> str:
    """micrograd's op string: '+', '*', '**2', 'ReLU', 'tanh', 'exp', else the table's
    symbol ('σ', '÷', ...); '' for a leaf."""
    op = node.op_info
    if op is None:
        return ""
    if op.name == "pow" and op.constant_side == "right":
        k: Any = node.constant
        return f"**{int(k) if k.is_integer() else k!r}"
    return MICROGRAD_SYMBOLS.get(op.name, op.symbol)


def micrograd_backward(node: Value) -> None:
    """One step of the chain rule, as micrograd's lecture does by hand: add
    ∂node/∂input × node.grad into each input's grad (nothing for a leaf), with backward()'s
    own terms (`terms_of`): where a flat op stops an undefined derivative (sqrt(relu(x)) at
    x < 0) the steps by hand end where backward() does, h1.grad = nan and x.grad = 0."""
    sums: dict[Value, float] = {}
    for (_, _, parent, _), term, _ in terms_of(node, node.grad):
        sums[parent] = sums.get(parent, parent.grad) + term
    store_grads(sums)


def _op_of_symbol(symbol: str, n: int) -> tuple[Op, float | None]:
    """The table op a micrograd op string names for n inputs, and its constant (x**k)."""
    if symbol.startswith("**") and n == 1:
        return OPS["pow"].with_constant("right"), finite_float(
            _number(symbol[2:]), f"the exponent in {symbol!r}"
        )
    kind = BINARY if n == 2 else UNARY
    names = {v: k for k, v in MICROGRAD_SYMBOLS.items() if OPS[k].kind == kind}
    for op in OPS.values():
        if op.kind == kind:
            names.setdefault(op.symbol, op.name)
    found = OPS.get(names.get(symbol, symbol))
    if found is None or found.kind != kind:
        raise ValueError(
            f"Value(data, children, {symbol!r}): no op {symbol!r} of {n} input(s); micrograd's "
            f"form takes '+', '*', '-', '/' with two inputs, or '**k', 'ReLU', 'tanh', 'exp' "
            f"and the other one-input ops with one"
        )
    return found, None


def _number(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise ValueError(f"Value(data, children, '**{text}'): {text!r} is not a number") from None


def from_micrograd(
    node: Value, children: Sequence[Value], symbol: str, apply: Callable[..., Value]
) -> Value:
    """The node `symbol` makes of `children`, built by `apply`, that the new `node` becomes
    (micrograd's Value(data, (a, b), '+'): `Value.__init__` takes its op and inputs).

    Its derivatives come from the op table, so backward is right; the data must be what the
    op computes from the children (to 1e-12), since a node whose value disagrees with its
    inputs would give wrong gradients silently."""
    if type(symbol) is not str:  # microgpt's Value(data, children, local_grads)
        raise TypeError(
            f"Value(data, children, op): op must be micrograd's op string ('+', '*', "
            f"'**2', 'tanh', ...), not {type(symbol).__name__}; local gradients are not given "
            "by hand here (the op table has each op's rule): build the node with the op, "
            "as a * b or x.exp()"
        )
    value_type = type(node)
    if not isinstance(children, (tuple, list)) or not all(type(c) is value_type for c in children):
        raise TypeError(
            f"Value(data, children, {symbol!r}): children must be a tuple of Values in "
            f"argument order, not {type(children).__name__}"
        )
    if not symbol or not children:
        raise ValueError(
            f"Value({node.data!r}, children, {symbol!r}): give both the inputs and the op "
            f"that made the node from them (e.g. Value(a.data + b.data, (a, b), '+'))"
        )
    op, k = _op_of_symbol(symbol, len(children))
    made = apply(op, *children, *(() if k is None else (k,)))
    if abs(made.data - node.data) > 1e-12 * max(1.0, abs(made.data)):
        raise ValueError(
            f"Value({node.data!r}, children, {symbol!r}): {symbol!r} of the children is "
            f"{made.data!r}, not {node.data!r}; the gradients would not match the value"
        )
    return made
