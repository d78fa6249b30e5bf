"""The book's running example (NNDL §4.5.3): f(x; w, b) = σ(wx + b) as six primitives.

h1 = x × w, h2 = h1 + b, h3 = h2 × (−1), h4 = exp(h3), h5 = h4 + 1, h6 = 1 / h5. Shared by
`make demo`, the tests, the examples and the visualizer, so they all show the same graph.
"""

from __future__ import annotations

from .columns import format_columns
from .engine import Value


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
            f"∂{name}/∂{p.label} = {d:g}" for p, d in zip(node.parents, node.local_grads())
        )
        op = node.op_info
        assert op is not None, "a primitive of the book's graph is never a leaf"
        rows.append((name, op.describe(node.constant), locals_, f"{node.data:g}"))
    return rows


def format_table(nodes: dict[str, Value]) -> str:
    """The derivative table and ∂f/∂w, ∂f/∂b as plain text (what `make demo` prints)."""
    rows = [("node", "primitive", "local derivative", "value")] + derivative_table(nodes)
    lines = [format_columns(rows)]
    w, b, x = nodes["w"], nodes["b"], nodes["x"]
    lines.append("")
    lines.append(f"f = h6 = {nodes['h6'].data:g}")
    lines.append(f"∂f/∂w = {w.grad:g}   ∂f/∂b = {b.grad:g}   ∂f/∂x = {x.grad:g}")
    return "\n".join(lines)
