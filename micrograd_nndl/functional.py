"""Automatic differentiation beyond backward(): forward mode and higher order (NNDL §4.5.3).

Back-propagation is one reading of the op table's local derivatives: accumulated from the
output (reverse mode, one pass per output). Read in evaluation order they give forward mode
(one pass per input, the book's ∂h_i/∂w column), and called on `Value`s instead of floats they
give derivatives that are graphs themselves, so they can be differentiated again:

    >>> from micrograd_nndl import grad
    >>> grad(grad(lambda x: x ** 3))(2.0).data      # d²/dx² x³ = 6x
    12.0
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, overload

from .engine import Value, backward_edges, edges_of, enable_grad, topological_order

Number = float | Value

__all__ = ["evaluate", "forward_tangents", "grad", "grad_values", "hessian", "hvp", "jvp"]


def grad_values(root: Value, wrt: Sequence[Value]) -> list[Value]:
    """∂root/∂w for each w in `wrt`, as Values with graphs of their own (differentiable again).

    The same visit as backward() (its node order and its rules), but gradients are built
    with Value arithmetic and kept in a table: no node's `.grad` is touched.
    """
    grads: dict[int, Number] = {id(root): 1.0}
    with enable_grad():
        _accumulate(root, grads)
    result = []
    for w in wrt:
        g = grads.get(id(w), 0.0)
        result.append(g if isinstance(g, Value) else Value(g))
    return result


def _accumulate(root: Value, grads: dict[int, Number]) -> None:
    """backward()'s walk with the rules called on the nodes: each local derivative a Value."""
    for edge in backward_edges(root, as_values=True):
        contribution = edge.local * grads[id(edge.node)]
        previous = grads.get(id(edge.parent))
        grads[id(edge.parent)] = contribution if previous is None else previous + contribution


def _leaves(args: Sequence[float | Value]) -> list[Value]:
    return [a if isinstance(a, Value) else Value(a, f"x{i + 1}") for i, a in enumerate(args)]


def _fresh_leaves(args: Sequence[float | Value]) -> list[Value]:
    """New leaves holding the inputs' values (Values are read, not reused)."""
    return [Value(a.data if isinstance(a, Value) else a, f"x{i + 1}") for i, a in enumerate(args)]


def evaluate(f: Callable[..., Value], leaves: Sequence[Value]) -> Value:
    """f(*leaves), recorded as a graph even inside `no_grad()`, and checked to be a Value."""
    with enable_grad():
        out = f(*leaves)
    if not isinstance(out, Value):
        raise TypeError(f"f must return a Value, got {type(out).__name__}")
    return out


@overload
def grad(f: Callable[..., Value], argnums: int = 0) -> Callable[..., Value]: ...


@overload
def grad(f: Callable[..., Value], argnums: Sequence[int]) -> Callable[..., tuple[Value, ...]]: ...


def grad(f: Callable[..., Value], argnums: int | Sequence[int] = 0) -> Callable[..., Any]:
    """The derivative of f as a function, as in JAX: grad(f)(x) is ∂f/∂x as a Value.

    Its result has a graph, so grad(grad(f)) is the second derivative. With a sequence of
    argnums the function returns a tuple of Values. Inputs may be floats or Values.
    """
    many = not isinstance(argnums, int)
    indices = (argnums,) if isinstance(argnums, int) else tuple(argnums)

    def derivative(*args: float | Value) -> Value | tuple[Value, ...]:
        for i in indices:
            if not -len(args) <= i < len(args):
                raise IndexError(f"grad: argnums {i} but f was called with {len(args)} inputs")
        leaves = _leaves(args)
        grads = grad_values(evaluate(f, leaves), [leaves[i] for i in indices])
        return tuple(grads) if many else grads[0]

    return derivative


def forward_tangents(root: Value, seeds: Mapping[Value, float]) -> dict[Value, float]:
    """Forward mode, the one forward walk: the tangent ṫ(h) = Σᵢ ∂h/∂parentᵢ · ṫ(parentᵢ) of
    every node, in evaluation order (NNDL §4.5.3: ∂h1/∂w, ∂h2/∂w, …), the sum over the
    parents a seeded input reaches. Leaves not in `seeds` have tangent 0.

    With seeds {w: 1.0} the tangents are the ∂h/∂w column of the book's forward-mode table.
    Inputs no seeded path reaches are left out of the sum, not multiplied by 0, so an undefined
    local derivative off the paths (√y at y = 0, ∂(a^b)/∂b at a < 0) does not matter; nodes
    no seeded path reaches get 0 without evaluating their local derivatives.
    """
    tangents: dict[Value, float] = {}
    reached: set[Value] = set()
    for node in topological_order(root):
        if node.is_leaf:
            tangents[node] = float(seeds.get(node, 0.0))
            if node in seeds:
                reached.add(node)
            continue
        on_path = [parent in reached for parent in node.parents]
        if not any(on_path):
            tangents[node] = 0.0
            continue
        reached.add(node)
        total = 0.0
        for edge, on in zip(edges_of(node), on_path):
            if on:
                total += edge.local * tangents[edge.parent]
        tangents[node] = total
    return tangents


def jvp(
    f: Callable[..., Value], primals: Sequence[float], tangents: Sequence[float]
) -> tuple[float, float]:
    """(f(x), ∇f(x)·v): the value and the directional derivative along v, by one forward pass."""
    if len(primals) != len(tangents):
        raise ValueError(f"jvp: {len(primals)} primals but {len(tangents)} tangents")
    leaves = _fresh_leaves(primals)
    out = evaluate(f, leaves)
    seeds = {leaf: float(t) for leaf, t in zip(leaves, tangents)}
    return out.data, forward_tangents(out, seeds)[out]


def hvp(f: Callable[..., Value], primals: Sequence[float], v: Sequence[float]) -> list[float]:
    """The Hessian-vector product H(x)·v, as ∇(∇f(x)·v): reverse over reverse, no Hessian."""
    if len(primals) != len(v):
        raise ValueError(f"hvp: {len(primals)} primals but a vector of length {len(v)}")
    leaves = _fresh_leaves(primals)
    first = grad_values(evaluate(f, leaves), leaves)
    with enable_grad():
        directional = sum((g * float(vi) for g, vi in zip(first, v)), Value(0.0))
    return [g.data for g in grad_values(directional, leaves)]


def hessian(f: Callable[..., Value]) -> Callable[..., list[list[float]]]:
    """hessian(f)(x₁, …, xₙ): the n × n matrix ∂²f/∂xᵢ∂xⱼ, one reverse pass per row."""

    def matrix(*args: float) -> list[list[float]]:
        leaves = _fresh_leaves(args)
        first = grad_values(evaluate(f, leaves), leaves)
        return [[g.data for g in grad_values(gi, leaves)] for gi in first]

    return matrix
