"""Draw a computation graph with Graphviz, as NNDL §4.5.3 draws σ(wx + b).

Each value is a box (name, data, grad); each op is its own small node with its symbol and
constant ("× -1"); each edge from an input carries its local derivative ∂out/∂input from the op
table, so the chain rule can be read off the picture. Inputs (leaves), learnable parameters and
the output differ in shape and colour, and a legend says which is which.

Parameters are what `params=` names (`model.parameters()`, or [w, b] for the book's f(x; w, b)):
to the engine a weight and an input are both leaves, so only the caller can tell them apart.

A picture of more than a few dozen boxes is an unreadable wall (an MLP's loss has thousands),
so at most `max_nodes` boxes are drawn: the nodes nearest the output, where the result is made.
The rest are summarised in one "… N more nodes" box, and the title says how to see them all.
"""

from __future__ import annotations

import html
import os
from collections.abc import Iterable, Mapping
from pathlib import Path

import graphviz

from micrograd_nndl import Value

from .drawing import Drawing
from .fmt import check_digits, format_number
from .graph import Graph, local_derivatives, require_value, shown_grad, shown_value

MAX_NODES = 60  # value boxes in one picture; the book's graph has 9, a 2-4-1 MLP 28
RANKDIRS = ("LR", "TB", "RL", "BT")

#: role: (legend text, fill colour, border width, corners) — shape and colour both tell roles apart
ROLES = {
    "input": ("input (leaf)", "#dcfce7", 1, "rounded"),
    "parameter": ("parameter (learnable)", "#fef3c7", 2, ""),
    "intermediate": ("computed value", "#ffffff", 1, ""),
    "output": ("output", "#dbeafe", 3, ""),
}
HIGHLIGHT = "#dc2626"
MUTED = "#6b7280"
NOT_COMPUTED = "—"


def draw_dot(
    root: Value,
    rankdir: str = "LR",
    *,
    params: Iterable[Value] = (),
    edge_labels: bool = True,
    show_grad: bool = True,
    highlight: Iterable[Value] = (),
    values: Mapping[Value, float] | None = None,
    grads: Mapping[Value, float] | None = None,
    tangents: Mapping[Value, float] | None = None,
    tangent_name: str = "tangent",
    title: str = "",
    legend: bool = True,
    max_nodes: int = MAX_NODES,
    digits: int = 4,
) -> Drawing:
    """Draw the graph that computes `root`: a `graphviz.Digraph` a notebook shows inline.

    rankdir: "LR" (left to right, as the book) or "TB" (top down), also "RL", "BT".
    params: the learnable parameters, drawn apart from the inputs (e.g. model.parameters()).
    edge_labels: write ∂out/∂input = value on each edge. show_grad: a grad line in each box.
    highlight: nodes to mark in red, and every edge between two of them: give a path's nodes
    (e.g. `explain(f, w).paths[0].nodes`) to see the path.
    values, grads: what to show instead of each node's data and grad (a step-through's state);
    a node missing from them shows "—", not computed. Without `grads`, a node's grad shows once
    a backward pass has reached it (`has_grad`), never as a made-up 0.
    tangents: forward-mode tangents to show as a row of their own, e.g.
    `forward_tangents(f, {w: 1.0})` with tangent_name="∂/∂w" (NNDL §4.5.3, forward mode).
    title: a caption. max_nodes: the most value boxes drawn (see the module's note).
    """
    graph = Graph(root)
    digits = check_digits(digits)
    if rankdir not in RANKDIRS:
        raise ValueError(f"rankdir must be one of {', '.join(RANKDIRS)}, got {rankdir!r}")
    if isinstance(max_nodes, bool) or not isinstance(max_nodes, int) or max_nodes < 1:
        raise ValueError(f"max_nodes must be a positive integer, got {max_nodes!r}")
    param_ids = _ids_in(graph, params, "params")
    marked = _ids_in(graph, highlight, "highlight")
    shown = graph.nodes if len(graph) <= max_nodes else graph.nearest_to_root(max_nodes)
    shown_ids = {id(node) for node in shown}

    dot = Drawing(
        format="svg",
        graph_attr={"rankdir": rankdir, "fontname": "Helvetica", "fontsize": "12", "dpi": "96"},
        node_attr={"fontname": "Helvetica", "fontsize": "11"},
        edge_attr={"fontname": "Helvetica", "fontsize": "10"},
    )
    roles_used: set[str] = set()
    cut_inputs: dict[int, int] = {}  # op node index → how many of its inputs are not drawn
    any_not_computed = False
    for node in shown:
        i = graph.index(node)
        role = _role(graph, node, param_ids)
        roles_used.add(role)
        value = shown_value(node, values)
        rows = [f"data {format_number(value, digits)}"]
        any_not_computed = any_not_computed or value is None
        if show_grad:
            grad = shown_grad(node, grads)
            rows.append(f"grad {format_number(grad, digits)}")
            any_not_computed = any_not_computed or grad is None
        if tangents is not None:
            tangent = tangents.get(node)
            rows.append(f"{tangent_name} {format_number(tangent, digits)}")
            any_not_computed = any_not_computed or tangent is None
        dot.node(f"n{i}", _box(graph.name(node), rows, role, id(node) in marked), shape="plaintext")
        if not node.is_leaf:
            computed = value is not None
            cut = _draw_op(dot, graph, node, shown_ids, marked, edge_labels, computed, digits)
            if cut:
                cut_inputs[i] = cut
    caption = title.splitlines() if title else []
    if cut_inputs:
        caption.append(_summarise(dot, graph, len(shown), cut_inputs, edge_labels))
    if caption:
        text = "".join(graphviz.escape(line) + "\\l" for line in caption)
        dot.attr(label=text, labelloc="t", labeljust="l")
    if legend:
        _legend(dot, [r for r in ROLES if r in roles_used], any_not_computed, bool(marked))
    return dot


def render(root: Value, path: str | os.PathLike[str], **options: object) -> Path:
    """Draw `root` (options as `draw_dot`) and write it to `path`: .svg, .png, .jpg, .pdf
    (PDF needs a system Graphviz) or .dot (the DOT text). Returns the path written."""
    return draw_dot(root, **options).write_image(path)


def _ids_in(graph: Graph, nodes: Iterable[Value], what: str) -> set[int]:
    """The ids of `nodes`, each checked to be a node of the graph (a clear error if not)."""
    if isinstance(nodes, Value):
        nodes = (nodes,)
    ids = set()
    for node in nodes:
        graph.index(require_value(node, f"each of {what}"))  # a VizError naming a stranger
        ids.add(id(node))
    return ids


def _role(graph: Graph, node: Value, param_ids: set[int]) -> str:
    if node is graph.root:
        return "output"
    if id(node) in param_ids:
        return "parameter"
    return "input" if node.is_leaf else "intermediate"


def _marked() -> dict[str, str]:
    return {"color": HIGHLIGHT, "fontcolor": HIGHLIGHT, "penwidth": "2.5"}


def _draw_op(
    dot: Drawing,
    graph: Graph,
    node: Value,
    shown_ids: set[int],
    marked: set[int],
    edge_labels: bool,
    computed: bool,
    digits: int,
) -> int:
    """The op of `node` as its own small node, fed by its inputs in argument order, each edge
    labelled ∂node/∂input (= its value, once the node is computed). Returns how many inputs
    are not drawn (a capped large graph)."""
    i, op = graph.index(node), node.op_info
    symbol = op.describe(node.constant)
    dot.node(
        f"o{i}",
        graphviz.escape(symbol),
        shape="circle" if len(symbol) <= 2 else "ellipse",
        style="filled",
        fillcolor="#f3f4f6",
        tooltip=graphviz.escape(f"{op.formula}; {op.derivative}"),
    )
    on_path = id(node) in marked and any(id(p) in marked for p in node.parents)
    dot.edge(f"o{i}", f"n{i}", **(_marked() if on_path else {}))
    locals_ = local_derivatives(node) if computed else None
    cut = 0
    for arg, parent in enumerate(node.parents):
        if id(parent) not in shown_ids:
            cut += 1
            continue
        attrs = _marked() if on_path and id(parent) in marked else {}
        if edge_labels:
            label = graph.edge(node, arg)  # no value while the node is not computed
            if computed:
                label += " = " + (
                    "undefined" if locals_ is None else format_number(locals_[arg], digits)
                )
            attrs["label"] = graphviz.escape(label)
        dot.edge(f"n{graph.index(parent)}", f"o{i}", **attrs)
    return cut


def _box(name: str, rows: list[str], role: str, marked: bool) -> str:
    """An HTML-like label: the name in bold over the data and grad lines, styled by role."""
    _, fill, border, corners = ROLES[role]
    attrs = f'border="{border + 1 if marked else border}" cellborder="0" cellspacing="0"'
    attrs += f' cellpadding="3" bgcolor="{fill}"'
    if corners:
        attrs += f' style="{corners}"'
    if marked:
        attrs += f' color="{HIGHLIGHT}"'
    cells = "".join(f"<tr><td>{_cell(row)}</td></tr>" for row in rows)
    rule = "<hr/>" if rows else ""
    return f"<<table {attrs}><tr><td><b>{html.escape(name)}</b></td></tr>{rule}{cells}</table>>"


def _cell(text: str) -> str:
    """A data or grad line; "not computed" in grey, padded (a port estimates "—" as narrow)."""
    if text.endswith(NOT_COMPUTED):
        return f'<font color="{MUTED}">{html.escape(text)}&#160;&#160;</font>'
    return html.escape(text)


def _summarise(
    dot: Drawing, graph: Graph, shown: int, cut_inputs: dict[int, int], edge_labels: bool
) -> str:
    """One box for the nodes not drawn, with an edge into each op that lost inputs."""
    hidden = len(graph) - shown
    dot.node(
        "more",
        f"… {hidden:,} more nodes\nnot drawn",
        shape="note",
        style="dashed",
        color=MUTED,
        fontcolor=MUTED,
    )
    for i, count in cut_inputs.items():
        label = f"{count} input{'s' if count > 1 else ''}" if edge_labels else None
        dot.edge("more", f"o{i}", style="dashed", color=MUTED, fontcolor=MUTED, label=label)
    return (
        f"The {shown} nodes nearest the output {graph.name(graph.root)}, of {len(graph):,}. "
        f"viz.print_graph(root) lists them all; draw_dot(root, max_nodes=...) draws more."
    )


def _legend(dot: Drawing, roles: list[str], any_missing: bool, any_marked: bool) -> None:
    """A small boxed key: one sample box per role drawn, and what "—" and red mean."""
    with dot.subgraph(name="cluster_legend") as key:
        key.attr(label="legend", fontsize="10", style="dashed", color=MUTED, fontcolor=MUTED)
        names = []
        for role in roles:
            names.append(f"legend_{role}")
            key.node(names[-1], _box(ROLES[role][0], [], role, False), shape="plaintext")
        if any_missing:
            names.append("legend_missing")
            key.node(names[-1], f"{NOT_COMPUTED} not computed yet", shape="plaintext")
        if any_marked:
            names.append("legend_marked")
            key.node(names[-1], "red: highlighted", shape="plaintext", fontcolor=HIGHLIGHT)
        for a, b in zip(names, names[1:]):
            key.edge(a, b, style="invis")
