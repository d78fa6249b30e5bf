"""The graph as a plain-text table, one row per node, inputs first (NNDL §4.5.3's table).

For a terminal or a graph too big to draw: every node with its op, inputs, value, gradient and
local derivatives ∂node/∂input read from the op table.
"""

from __future__ import annotations

from micrograd_nndl import Value

from .dot import GradOf
from .fmt import check_digits, format_number
from .graph import Graph, local_derivatives, stored_grad

HEADER = ("node", "op", "inputs", "value", "grad", "local derivatives")


def graph_rows(
    root: Value, *, grad_of: GradOf | None = None, digits: int = 6
) -> list[tuple[str, str, str, str, str, str]]:
    """One row (node, op, inputs, value, grad, local derivatives) per node, inputs first."""
    graph = Graph(root)
    digits = check_digits(digits)
    grad_of = grad_of or stored_grad
    rows = []
    for node in graph.nodes:
        name = graph.name(node)
        parents = [graph.name(p) for p in node.parents]
        if node.is_leaf:
            op, locals_text = "leaf", ""
        else:
            op = node.op_info.describe(node.constant)
            locals_ = local_derivatives(node)
            values = (
                ["undefined"] * len(parents)
                if locals_ is None
                else [format_number(d, digits) for d in locals_]
            )
            locals_text = ", ".join(
                f"{graph.edge(node, arg)} = {v}" for arg, v in enumerate(values)
            )
        rows.append(
            (
                name,
                op,
                ", ".join(parents),
                format_number(node.data, digits),
                format_number(grad_of(node), digits),
                locals_text,
            )
        )
    return rows


def format_graph(root: Value, *, grad_of: GradOf | None = None, digits: int = 6) -> str:
    """The table of `graph_rows` as aligned text ("—": no gradient computed yet)."""
    rows = [HEADER, *graph_rows(root, grad_of=grad_of, digits=digits)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(HEADER))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def print_graph(root: Value, *, grad_of: GradOf | None = None, digits: int = 6) -> None:
    """Print `format_graph(root)`."""
    print(format_graph(root, grad_of=grad_of, digits=digits))
