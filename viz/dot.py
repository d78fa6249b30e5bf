"""Draw a computation graph with Graphviz, as in NNDL §4.5.3 (Figure 4.8).

Each value is a box (name | data | grad); each op is a circle with its symbol and constant
("× -1"); each edge from an input carries its local derivative ∂out/∂input from the op table,
so the chain rule can be read off the picture: ∂f/∂w is the sum over paths of the products of
the edge labels times ∂f/∂f = 1.
"""

from __future__ import annotations

import html
import os
from collections.abc import Callable
from pathlib import Path

import graphviz

from micrograd_nndl import Value

from .errors import VizError
from .fmt import check_digits, format_number
from .graph import Graph, local_derivatives, require_value, stored_grad
from .render import FORMATS, render

GradOf = Callable[[Value], "float | None"]

COMPUTED = "#dbeafe"  # a grad cell that backward has reached
HIGHLIGHT = "#dc2626"  # the edge and nodes of the current step of a step-through


class Drawing:
    """A drawn graph: `.source` is DOT text, `.svg()` the picture; notebooks show it inline."""

    def __init__(self, digraph: graphviz.Digraph, title: str = "a graph") -> None:
        self.digraph = digraph
        self.title = title

    @property
    def source(self) -> str:
        """The DOT text."""
        return self.digraph.source

    def pipe(self, format: str = "svg") -> bytes:
        """The drawing as a file's bytes in `format` (svg, png, jpeg, dot, ...)."""
        return render(self.source, format)

    def svg(self) -> str:
        """The drawing as SVG text."""
        return self.pipe("svg").decode("utf-8")

    def save(self, path: str | os.PathLike[str], format: str | None = None) -> Path:
        """Write the drawing to `path`; the format is `format` or the file's suffix."""
        path = Path(path)
        suffix = path.suffix.lstrip(".").lower()
        fmt = format or {"gv": "dot", "jpg": "jpeg"}.get(suffix, suffix)
        if fmt not in FORMATS:
            raise ValueError(
                f"cannot tell the format of {str(path)!r}: give a suffix or format= "
                f"among {', '.join(FORMATS)}"
            )
        path.write_bytes(self.pipe(fmt))
        return path

    def _repr_svg_(self) -> str:
        return self.svg()

    def __str__(self) -> str:
        return self.source

    def __repr__(self) -> str:
        return f"<Drawing of {self.title}: .save('f.svg') writes it, a notebook shows it>"


def draw(
    root: Value,
    *,
    grad_of: GradOf | None = None,
    highlight: tuple[Value, int] | None = None,
    edge_labels: bool = True,
    digits: int = 4,
    rankdir: str = "LR",
    max_nodes: int = 500,
) -> Drawing:
    """Draw the graph that computes `root`: values, ops, and local derivatives on the edges.

    `grad_of(node)` gives the gradient to show (default: the node's own, "—" before
    backward); `highlight=(node, i)` marks the edge from node.parents[i] into node, as a
    step-through does. Graphs of more than `max_nodes` nodes are refused: use the text view.
    """
    graph = Graph(root)
    digits = check_digits(digits)
    if rankdir not in ("LR", "TB", "RL", "BT"):
        raise ValueError(f"rankdir must be LR, TB, RL or BT, got {rankdir!r}")
    if isinstance(max_nodes, bool) or not isinstance(max_nodes, int) or max_nodes < 1:
        raise ValueError(f"max_nodes must be a positive integer, got {max_nodes!r}")
    if len(graph) > max_nodes:
        raise VizError(
            f"the graph of {graph.name(root)} has {len(graph)} nodes, more than "
            f"max_nodes={max_nodes}: too many to read in a drawing. Use viz.format_graph() "
            f"for a text view, or pass a larger max_nodes"
        )
    grad_of = grad_of or stored_grad
    marked_node, marked_parent, marked_arg = _check_highlight(graph, highlight)

    dot = graphviz.Digraph(
        graph_attr={"rankdir": rankdir},
        node_attr={"fontname": "Helvetica", "fontsize": "11"},
        edge_attr={"fontname": "Helvetica", "fontsize": "9"},
    )
    for i, node in enumerate(graph.nodes):
        marked = node is marked_node or node is marked_parent
        label = _value_label(graph.name(node), node, grad_of(node), digits, marked)
        dot.node(f"n{i}", label, shape="plaintext")
        if node.is_leaf:
            continue
        op = node.op_info
        symbol = op.describe(node.constant)
        dot.node(
            f"o{i}",
            graphviz.escape(symbol),
            shape="circle" if len(symbol) <= 2 else "ellipse",
            tooltip=graphviz.escape(f"{op.formula}; {op.derivative}"),
        )
        dot.edge(f"o{i}", f"n{i}")
        locals_ = local_derivatives(node)
        for arg, parent in enumerate(node.parents):
            attrs = {}
            if edge_labels:
                local = "undefined" if locals_ is None else format_number(locals_[arg], digits)
                attrs["label"] = graphviz.escape(f"{graph.edge(node, arg)} = {local}")
            if node is marked_node and arg == marked_arg:
                attrs.update(color=HIGHLIGHT, fontcolor=HIGHLIGHT, penwidth="2.5")
            dot.edge(f"n{graph.index(parent)}", f"o{i}", **attrs)
    ops = sum(not node.is_leaf for node in graph.nodes)
    return Drawing(dot, f"{graph.name(root)} ({len(graph) - ops} leaves, {ops} ops)")


def _check_highlight(
    graph: Graph, highlight: tuple[Value, int] | None
) -> tuple[Value | None, Value | None, int]:
    if highlight is None:
        return None, None, -1
    node, arg = highlight
    name = graph.name(require_value(node, "highlight[0]"))  # raises if not in the graph
    if node.is_leaf:
        raise ValueError(f"highlight=(node, i): {name} is a leaf, it has no input edges")
    if isinstance(arg, bool) or not isinstance(arg, int) or not 0 <= arg < len(node.parents):
        raise ValueError(
            f"highlight=(node, i): {name} has {len(node.parents)} inputs, "
            f"so i must be in 0..{len(node.parents) - 1}, got {arg!r}"
        )
    return node, node.parents[arg], arg


def _value_label(name: str, node: Value, grad: float | None, digits: int, marked: bool) -> str:
    """An HTML-like table | name | data | grad |, the grad cell shaded once computed."""
    border = f' color="{HIGHLIGHT}"' if marked else ""
    shade = f' bgcolor="{COMPUTED}"' if grad is not None else ""
    return (
        f'<<table border="{2 if marked else 0}" cellborder="1" cellspacing="0"'
        f' cellpadding="4"{border}><tr>'
        f"<td><b>{html.escape(name)}</b></td>"
        f"<td>data {format_number(node.data, digits)}</td>"
        f"<td{shade}>grad {format_number(grad, digits)}</td>"
        f"</tr></table>>"
    )
