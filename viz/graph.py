"""A graph as the views read it: its nodes in order, a unique name for each, local derivatives.

Every view (drawing, text, step-through, chain rule) names a node the same way: its label when
that is unique in the graph, else the label or op with a number ("add#2"), so a name seen in a
drawing can be found in the text and in the steps.
"""

from __future__ import annotations

from collections import Counter

from micrograd_nndl import Value, topological_order

from .errors import VizError


def require_value(obj: object, what: str) -> Value:
    """`obj` if it is a `Value`; else a TypeError that says which argument of which call."""
    if not isinstance(obj, Value):
        raise TypeError(f"{what} must be a micrograd_nndl.Value, not {type(obj).__name__}")
    return obj


class Graph:
    """The nodes `root` depends on, inputs first (NNDL §4.5.3's h1..h6 order), with names."""

    def __init__(self, root: Value) -> None:
        self.root = require_value(root, "root")
        self.nodes: list[Value] = topological_order(root)
        self._index = {id(node): i for i, node in enumerate(self.nodes)}
        self._names = _unique_names(self.nodes)

    def __len__(self) -> int:
        return len(self.nodes)

    def __contains__(self, node: object) -> bool:
        return id(node) in self._index  # ids are unique among live objects: the graph's nodes

    def index(self, node: Value) -> int:
        """The position of `node` in `nodes` (a stable id for drawings: "n0", "n1", ...)."""
        if node not in self:
            raise VizError(f"{describe(node)} is not in the graph of {self.name(self.root)}")
        return self._index[id(node)]

    def name(self, node: Value) -> str:
        """The node's unique name in this graph."""
        return self._names[self.index(node)]

    def edge(self, node: Value, argument: int) -> str:
        """ "∂h1/∂w" for input `argument` of `node`; "∂y/∂x (input 2)" when x is an input twice
        (x * x: two edges, two terms of the chain rule)."""
        parents = node.parents
        symbol = f"∂{self.name(node)}/∂{self.name(parents[argument])}"
        if sum(p is parents[argument] for p in parents) > 1:
            symbol += f" (input {argument + 1})"
        return symbol

    def undefined(self, node: Value, argument: int | None, reason: str) -> str:
        """Why a local derivative is not a finite number, naming the edge (or the node, when
        its rules failed as a whole) and the inputs' values:
        "∂y/∂x is undefined at x = 0.0 (sqrt: float division by zero)"."""
        if argument is None:
            what = f"the local derivatives of {self.name(node)} are"
        else:
            what = f"{self.edge(node, argument)} is"
        inputs = ", ".join(f"{self.name(p)} = {p.data!r}" for p in node.parents)
        return f"{what} undefined at {inputs} ({node.op}: {reason})"


def describe(node: Value) -> str:
    """A node as an error message names it: its label, or its op and value."""
    if node.label:
        return f"'{node.label}'"
    return f"<{node.op or 'leaf'} node, value {node.data!r}>"


def stored_grad(node: Value) -> float | None:
    """The node's gradient if a backward pass has reached it, else None (shown as "—")."""
    return node.grad if node.has_grad else None


def local_derivatives(node: Value) -> tuple[float, ...] | None:
    """∂node/∂parent_i from the op table, or None where a rule fails (sqrt'(0) divides by 0)."""
    try:
        return node.local_grads()
    except (ArithmeticError, ValueError):
        return None


def _unique_names(nodes: list[Value]) -> list[str]:
    """Label if unique, else label#k / op#k (k counts from 1 in topological order)."""
    stems = [node.label or node.op or "leaf" for node in nodes]
    counts = Counter(stems)
    labels = {node.label for node in nodes if node.label}
    used: set[str] = set()
    seen: Counter[str] = Counter()
    names = []
    for node, stem in zip(nodes, stems):
        if node.label and counts[stem] == 1:
            name = stem
        else:
            seen[stem] += 1
            name = f"{stem}#{seen[stem]}"
            while name in used or name in labels:
                seen[stem] += 1
                name = f"{stem}#{seen[stem]}"
        used.add(name)
        names.append(name)
    return names
