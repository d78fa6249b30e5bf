"""A node's forward computation written out, in names and in numbers: "x × w" and "1 × 0".

The forward steps of the step-through say what each node computes (NNDL §4.5.3's table:
h1 = x × w, h3 = h2 × (−1), h4 = exp(h3), h6 = 1 / h5), read from the op table's symbols.
"""

from __future__ import annotations

from collections.abc import Callable

from micrograd_nndl import Value, name_in_formula

NEURON_TERMS_SHOWN = 3  # a neuron of more inputs is written w₁·x₁ + w₂·x₂ + … + wₙ·xₙ + b


def forward_formula(
    node: Value,
    write: Callable[[Value], str],
    number: Callable[[float], str],
    max_args: int | None = None,
) -> str:
    """The op of `node` applied to its inputs, each input written by `write` (its name or its
    value) and a constant by `number`; negative operands of + × … in parentheses, as the book
    writes h2 × (−1), and names that are formulas: (x1*w1) + (x2*w2). An op of any number
    of inputs writes at most `max_args` of them (the first ones, "…" and the last)."""
    op = node.op_info
    assert op is not None, "a leaf computes nothing"
    symbol, args = op.symbol, [write(p) for p in node.parents]
    if op.name == "neuron":  # Σᵢ wᵢxᵢ + b over inputs (w₁..wₙ, x₁..xₙ, b), NNDL §4.2
        n = len(args) // 2
        terms = [f"{_operand(w)}·{_operand(x)}" for w, x in zip(args[:n], args[n : 2 * n])]
        if n > NEURON_TERMS_SHOWN:
            terms = [*terms[:2], "…", terms[-1]]
        return " + ".join([*terms, _operand(args[-1])])
    if op.arity == -1 or (op.arity == 2 and len(symbol) > 1):
        if max_args is not None and len(args) > max_args:  # max(x1, x2, …, x8000)
            args = [*args[: max(max_args - 1, 1)], "…", args[-1]]
        return f"{symbol}({', '.join(args)})"  # max(a, b, c), PReLU(x, γ)
    if op.arity == 2:
        return f"{_operand(args[0])} {symbol} {_operand(args[1])}"
    k = node.constant
    if k is None:
        return f"−{_operand(args[0])}" if symbol == "−" else f"{symbol}({args[0]})"
    if op.constant_side == "right":
        return f"{_operand(args[0])} {symbol} {_operand(number(k))}"
    if op.constant_side == "left":
        return f"{_operand(number(k))} {symbol} {_operand(args[0])}"
    return f"{symbol}({args[0]}, {op.param}={number(k)})"  # leaky_relu(x, γ=0.01)


def _operand(text: str) -> str:
    """A negative number or a name that is itself a formula, in parentheses: (-1), (x1*w1)."""
    return f"({text})" if text.startswith("-") else name_in_formula(text)
