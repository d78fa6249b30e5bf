"""The book's running example (NNDL §4.5.3): f(x; w, b) = σ(wx + b) as six primitives.

h1 = x × w, h2 = h1 + b, h3 = h2 × (−1), h4 = exp(h3), h5 = h4 + 1, h6 = 1 / h5. Shared by
`make demo`, the tests, the examples and the visualizer, so they all show the same graph.
"""

from __future__ import annotations

from .columns import format_columns
from .engine import Value
from .notation import derivative_text


def sigmoid_graph(x: float = 1.0, w: float = 0.0, b: float = 0.0) -> dict[str, Value]:
    """Build the six-primitive graph of σ(wx + b); return its nodes by name (x, w, b, h1..h6)."""
    xs, ws, bs = Value(x, "x"), Value(w, "w"), Value(b, "b")
    h1 = xs * ws
    h2 = h1 + bs
    h3 = h2 * -1
    h4 = h3.exp()
    h5 = h4 + 1
    h6 = 1 / h5
    nodes = {"x": xs, "w": ws, "b": bs, "h1": h1, "h2": h2, "h3": h3, "h4": h4, "h5": h5, "h6": h6}
    for name in ("h1", "h2", "h3", "h4", "h5", "h6"):
        nodes[name].label = name
    return nodes


def derivative_table(nodes: dict[str, Value]) -> list[tuple[str, str, str, str]]:
    """Rows (node, primitive, local derivatives, value) of the book's table, from the op table."""
    rows = []
    for name in ("h1", "h2", "h3", "h4", "h5", "h6"):
        node = nodes[name]
        locals_ = ", ".join(
            f"{derivative_text(name, p.label)} = {_number(d)}"
            for p, d in zip(node.parents, node.local_grads())
        )
        op = node.op_info
        assert op is not None, "a primitive of the book's graph is never a leaf"
        rows.append((name, op.describe(node.constant), locals_, _number(node.data)))
    return rows


def _number(x: float) -> str:
    """x as the book writes it: 0, not -0 (h3 = 0 × (−1) is -0.0 in floating point)."""
    return f"{x + 0.0:g}"


def format_table(nodes: dict[str, Value]) -> str:
    """The derivative table and ∂f/∂w, ∂f/∂b as plain text (`python -m micrograd_nndl`)."""
    rows = [("node", "primitive", "local derivative", "value")] + derivative_table(nodes)
    lines = [format_columns(rows)]
    w, b, x = nodes["w"], nodes["b"], nodes["x"]
    lines.append("")
    lines.append(f"f = h6 = {_number(nodes['h6'].data)}")
    grads = f"∂f/∂w = {_number(w.grad)}   ∂f/∂b = {_number(b.grad)}   ∂f/∂x = {_number(x.grad)}"
    lines.append(grads)
    return "\n".join(lines)
