"""The graph as a plain-text table, one row per node, inputs first (NNDL §4.5.3's table).

For a terminal, a REPL without images, or a graph too big to draw: every node with its op,
inputs, value, gradient and local derivatives ∂node/∂input read from the op table.
"""

from __future__ import annotations

from collections.abc import Mapping

from micrograd_nndl import Value, format_columns

from .fmt import DIGITS, check_digits, format_number
from .graph import Graph, local_derivatives, shown_grad, shown_value

HEADER = ("node", "op", "inputs", "value", "grad", "local derivatives")


def graph_rows(
    root: Value,
    *,
    values: Mapping[Value, float] | None = None,
    grads: Mapping[Value, float] | None = None,
    digits: int = DIGITS,
) -> list[tuple[str, str, str, str, str, str]]:
    """One row (node, op, inputs, value, grad, local derivatives) per node, inputs first.

    `values` and `grads` replace the nodes' own data and grad (a step-through's state); a node
    missing from them, or a grad no backward pass has reached, reads "—": not computed.
    """
    graph = Graph(root)
    digits = check_digits(digits)
    rows = []
    for node in graph.nodes:
        value = shown_value(node, values)
        rows.append(
            (
                graph.name(node),
                "leaf" if (op := node.op_info) is None else op.describe(node.constant),
                ", ".join(graph.name(p) for p in node.parents),
                format_number(value, digits),
                format_number(shown_grad(node, grads), digits),
                "" if value is None else _local_text(graph, node, digits),
            )
        )
    return rows


def _local_text(graph: Graph, node: Value, digits: int) -> str:
    """ "∂h1/∂x = 0, ∂h1/∂w = 1" ("undefined" where a rule fails, e.g. √x at 0)."""
    locals_ = local_derivatives(node)
    return ", ".join(
        f"{graph.edge(node, arg)} = "
        + ("undefined" if locals_ is None else format_number(locals_[arg], digits))
        for arg in range(len(node.parents))
    )


def format_graph(
    root: Value,
    *,
    values: Mapping[Value, float] | None = None,
    grads: Mapping[Value, float] | None = None,
    digits: int = DIGITS,
) -> str:
    """The table of `graph_rows` as aligned text ("—": not computed yet)."""
    rows = [HEADER, *graph_rows(root, values=values, grads=grads, digits=digits)]
    return format_columns(rows)


def print_graph(
    root: Value,
    *,
    values: Mapping[Value, float] | None = None,
    grads: Mapping[Value, float] | None = None,
    digits: int = DIGITS,
) -> None:
    """Print `format_graph(root)`."""
    print(format_graph(root, values=values, grads=grads, digits=digits))
