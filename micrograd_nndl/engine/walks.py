"""The walks of a graph, iterative (graphs a million nodes deep work at the default recursion
limit): topological order, and the backward pass as one sequence of edges (node, input, local
derivative) that every reader of the chain rule reads — the reference backward, `grad`, the
step-through, and the error placement at the end of this module."""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, NamedTuple

from ..errors import NonFiniteGradientError
from ..naming import book_name
from ..notation import derivative_text, name_in_formula
from .checks import describe_inputs, node_name

if TYPE_CHECKING:  # for the annotations only: value.py imports this module
    from .value import Value

__all__ = [
    "Edge",
    "Term",
    "backward_edges",
    "backward_order",
    "backward_terms",
    "edges_of",
    "local_floats",
    "nonfinite_error",
    "terms_of",
    "topological_order",
]


def topological_order(root: Value) -> list[Value]:
    """Every node `root` depends on, inputs before the nodes made from them (iterative)."""
    order: list[Value] = []
    seen = {id(root)}
    stack: list[tuple[Value, Iterator[Value]]] = [(root, iter(root.parents))]
    while stack:
        node, inputs = stack[-1]
        for parent in inputs:
            if id(parent) not in seen:
                seen.add(id(parent))
                stack.append((parent, iter(parent.parents)))
                break
        else:
            stack.pop()
            order.append(node)
    return order


def backward_order(root: Value) -> list[Value]:
    """The nodes made by ops, in the exact order `backward()` visits them (root first).

    Each visited node adds local × node.grad into its parents in argument order, as
    `parent.grad = parent.grad + local * node.grad`, where every gradient starts at 0.0 (a
    leaf's sum is then added to its gradient from before the call, if it had one): a
    step-through that follows this order and formula reproduces backward's floats bit for bit.
    """
    if root.is_leaf:
        return []
    pending: dict[int, int] = {}
    stack = [root]
    while stack:
        for p in stack.pop().parents:
            n = pending.get(id(p), 0) + 1
            pending[id(p)] = n
            if n == 1 and not p.is_leaf:
                stack.append(p)
    order: list[Value] = []
    stack = [root]
    while stack:
        node = stack.pop()
        order.append(node)
        for p in node.parents:
            if not p.is_leaf:
                pending[id(p)] -= 1
                if pending[id(p)] == 0:
                    stack.append(p)
    return order


class Edge(NamedTuple):
    """One term of the chain rule: `node` sends `local` × node.grad to its input `parent`,
    the input at `position` (x * x has two edges to x)."""

    node: Value
    position: int
    parent: Value
    local: Any  # ∂node/∂parent: a float, or a Value with a graph of its own (as_values=True)


def backward_edges(root: Value, *, as_values: bool = False) -> Iterator[Edge]:
    """The backward pass as edges, in the exact order `backward()` adds along them: the nodes
    of `backward_order`, each node's inputs in argument order, all edges of a node together.

    Every reader of the chain rule reads this walk rather than a copy of it: the reference
    backward, the stepper, `grad`, the error placement; `backward()` runs the same order with
    its float rules inlined (`fast_backward`). With as_values=True the rules are called on the
    nodes, so each local derivative is a Value that can be differentiated again.
    A rule that cannot compute raises its own error (ArithmeticError or ValueError: sqrt'(0)
    divides by zero), which each reader reports in its own words.
    """
    for node in backward_order(root):
        yield from edges_of(node, as_values=as_values)


def edges_of(node: Value, *, as_values: bool = False) -> list[Edge]:
    """The edges one step of `backward_edges` adds along: node's inputs in argument order
    (a step-through computes one node's at a time, before it changes anything)."""
    op = node._made_by
    if op is None:
        return []
    if as_values:
        locals_ = op.local_derivatives(node.parents, node.constant, node)
    else:
        locals_ = local_floats(node)
    return [Edge(node, i, p, d) for i, (p, d) in enumerate(zip(node.parents, locals_))]


def local_floats(node: Value) -> tuple[float, ...]:
    """∂node/∂input for each input of `node`, from the op table's rules (none for a leaf)."""
    op = node._made_by
    if op is None:
        return ()
    inputs = [p._data for p in node.parents]
    return tuple(op.local_derivatives(inputs, node._k, node._data))


class Term(NamedTuple):
    """What one edge of the backward pass adds to its input: `term` (local × node.grad, or 0
    where a flat op's local derivative is 0), and `failure`, the error of a rule that could
    not compute (then `edge.local` is nan)."""

    edge: Edge
    term: float
    failure: Exception | None


def terms_of(node: Value, g: float) -> list[Term]:
    """The terms node sends its inputs when its gradient is `g`, as `backward_terms` says:
    one step of the backward pass, for a reader that takes one node at a time (the stepper)."""
    failure: Exception | None = None
    try:
        locals_: tuple[float, ...] = local_floats(node)
    except (ArithmeticError, ValueError) as e:
        failure, locals_ = e, (math.nan,) * len(node.parents)
    flat = node._made_by is not None and node._made_by.flat
    return [
        Term(Edge(node, i, p, local), 0.0 if flat and local == 0.0 else local * g, failure)
        for i, (p, local) in enumerate(zip(node.parents, locals_))
    ]


def backward_terms(
    root: Value, grads: dict[Value, float]
) -> Iterator[tuple[Value, Value, float, float, Exception | None]]:
    """The chain rule's terms along `backward_edges`: (node, input, local, term, failure), the
    term local × grads[node] that the input gains; `grads` is the caller's, filled as it goes.

    Two cases no plain product covers. A rule that cannot compute (sqrt'(0) = 0.5 / 0) gives
    nan for each input of its node, and `failure` is its error. And where a `flat` op's local
    derivative is exactly 0 the term is 0, whatever grads[node] is: there the op's output does
    not depend on that input (relu(x) at x < 0 is 0 for every x nearby), so neither does the
    root, even where ∂root/∂node is inf or nan (sqrt(relu(x)) at x = −1: ∂/∂x is 0, as PyTorch
    says). A finite gradient times 0 is 0 anyway, so this changes no finite backward.
    """
    for node in backward_order(root):
        for (_, _, parent, local), term, failure in terms_of(node, grads[node]):
            yield node, parent, local, term, failure


def nonfinite_error(root: Value, grads: dict[Value, float], bad: Value) -> NonFiniteGradientError:
    """The error for a node whose gradient grads[bad] is inf or nan (`grads`: the reference
    backward's), naming where that started: a rule that could not compute, an edge whose term
    local × node.grad overflowed, or a sum of finite terms that did. One walk follows each
    non-finite gradient from its start to the nodes it reaches; only on failure."""
    sums: dict[Value, float] = {root: 1.0}
    start: dict[Value, tuple] = {}  # node -> where its gradient stopped being finite
    for node, parent, local, term, failure in backward_terms(root, sums):
        total = sums[parent] = sums.get(parent, 0.0) + term
        if parent in start or total - total == 0.0:
            continue
        if term - term == 0.0:
            start[parent] = ("sum", parent)
        elif node in start:  # it came with node's gradient
            start[parent] = start[node]
        elif failure is not None:
            start[parent] = ("rule", node, failure)
        else:
            start[parent] = ("edge", parent, node, local)
    how = start[bad]
    if how[0] == "rule":
        node, e = how[1], how[2]
        return NonFiniteGradientError(
            f"backward: a local derivative of {node_name(node)} ({node.op}, value {node.data!r}) "
            f"is not finite ({e}); inputs: {describe_inputs(node._made_by, node.parents)}",
            node=node,
            op=node._made_by,
        )
    at = how[1]
    if how[0] == "edge":
        node, local = how[2], how[3]
        name = book_name(node.label) if node.label else node.op
        below = book_name(at.label) if at.label else "input"
        return NonFiniteGradientError(
            f"backward: the gradient of {node_name(at)} (value {at.data!r}) became "
            f"{grads[at]!r} at the edge from {node_name(node)} ({node.op}): "
            f"{derivative_text(name, below)} = {local!r} times "
            f"{name_in_formula(name)}.grad = {grads[node]!r}",
            node=at,
            op=node._made_by,
            edge=node,
        )
    return NonFiniteGradientError(
        f"backward: the gradient of {node_name(at)} (value {at.data!r}) became {grads[at]!r}",
        node=at,
        op=at._made_by,
    )
