"""How the project writes names inside formulas: ∂f/∂w, and ∂(x1*w1 + x2*w2)/∂(x1*w1).

A node's label may itself be a formula (the lecture labels x1*w1 and x1*w1 + x2*w2); written
as it is, ∂x1*w1 + x2*w2/∂x1*w1 or x1*w1 + x2*w2.grad reads as a different expression. A name
that is not a plain name goes in parentheses. Every text that writes ∂a/∂b, a.grad or an operand
from names (drawings, text views, steps, the chain rule, checks, error messages) builds it here,
so they all write it alike.
"""

from __future__ import annotations

_NAME_MARKS = frozenset("_#.'′⁽⁾[]")  # label#2, layers.0.w, f′, w⁽¹⁾₂₃, q[0]: one name


def is_plain_name(name: str) -> bool:
    """True if `name` reads as one name (letters, digits, subscripts and _ # . ′ ⁽ ⁾ [ ])."""
    return bool(name) and all(c.isalnum() or c in _NAME_MARKS for c in name)


def name_in_formula(name: str) -> str:
    """`name` as it stands after ∂, before .grad or as an operand: "w", "(x1*w1)"."""
    return name if is_plain_name(name) else f"({name})"


def derivative_text(of: str, *wrt: str) -> str:
    """ "∂f/∂w"; with two names "∂²f/∂x∂y" (or "∂²f/∂x²" for the same one twice); each name
    that is not plain in parentheses: derivative_text("x1*w1 + x2*w2", "x1*w1") is
    "∂(x1*w1 + x2*w2)/∂(x1*w1)"."""
    if len(wrt) not in (1, 2):
        raise ValueError(f"derivative_text: a first or second derivative, not {len(wrt)} names")
    top, bottom = name_in_formula(of), [name_in_formula(w) for w in wrt]
    if len(bottom) == 1:
        return f"∂{top}/∂{bottom[0]}"
    first, second = bottom
    below = f"∂{first}²" if first == second else f"∂{first}∂{second}"
    return f"∂²{top}/{below}"
