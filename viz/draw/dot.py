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

import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeGuard

import graphviz

from micrograd_nndl import Value, derivative_text

from ..errors import VizError
from ..graph import (
    Graph,
    drawable,
    graph_of,
    local_derivatives,
    require_value,
    shown_grad,
    shown_value,
)
from ..number_format import DIGITS, check_digits, format_number
from ..words import Words, translator
from . import compact, fit
from . import style as styling
from .drawing import Drawing
from .graphviz_runner import SYSTEM_FORMATS
from .layout import Boxes, keep_order, nearest_within_budget
from .neurons import neuron_groups
from .palette import light
from .sample_groups import SampleGroup, numbers, sample_groups

MAX_NODES = 120  # value boxes in one picture: the lecture's MLP(3, [4, 4, 1]) on one sample
# has 61 (116 with fused=False), the book's graph 9
RANKDIRS = ("LR", "TB", "RL", "BT")
SUMMARY = "n_rest"  # the id of the box of nodes not drawn: a browser shows it as its hover
# title, so no word of one language (every value's box is n<index>, so no clash)

Highlight = Value | tuple[Value, int]  # a node, or the edge into node from its input number i


def draw_dot(
    root: Value | Graph,
    format: str = "svg",
    rankdir: str | None = None,
    *,
    params: Iterable[Value] = (),
    edge_labels: bool = True,
    show_grad: bool = True,
    highlight: Iterable[Highlight] = (),
    flow: str = "forward",
    values: Mapping[Value, float] | None = None,
    grads: Mapping[Value, float] | None = None,
    tangents: Mapping[Value, float] | None = None,
    tangent_name: str | None = None,
    title: str = "",
    legend: bool = True,
    max_nodes: int = MAX_NODES,
    digits: int = DIGITS,
    frames: styling.Frames | None = None,
    group_neurons: bool = True,
    sample: int | None = None,
    style: str = "compact",
    width: float | None = None,
    lang: str | None = None,
) -> Drawing:
    """Draw the graph that computes `root` (a Value, or its `Graph` view built once by a caller
    that shows it several ways): a `graphviz.Digraph` a notebook shows inline.

        format: what a notebook shows and `render()` writes ("svg", "png", "jpeg", "pdf"), and
        rankdir: "LR" (left to right, as the book) or "TB" (top down), also "RL", "BT" — in the
        order of micrograd's trace_graph `draw_dot(root, format='svg', rankdir='LR')`; None
        (the default) chooses the one that fits `width`.
        style: "compact" (one node per op, its symbol beside its name, value and grad, each edge
        its local derivative's number, as the book's figure) or "boxes" (each value a box and
        each op a node of its own, each edge its full ∂out/∂input = value).
        width: the px the drawing is read at, where it must fit with text at its own size
        (see viz.draw.fit): a notebook's 960 by default, a 16:9 slide for `frames`; a graph
        that cannot fit is drawn at that size anyway, for the reader to pan.
        params: the learnable parameters, drawn apart from the inputs (e.g. model.parameters()).
        edge_labels: write ∂out/∂input = value on each edge. show_grad: a grad line in each box.
        highlight: nodes to mark in red, and every edge between two of them: give a path's nodes
        (e.g. `explain(f, w).paths[0].nodes`) to see the path; a pair (node, i) marks the one edge
        from node's input i and the boxes at its ends (x * x has two: (y, 0) and (y, 1)).
        flow: "backward" draws the marked edges pointing back, from each node to its input, in
        blue: a gradient sent back by the chain rule.
        values, grads: what to show instead of each node's data and grad (a step-through's state);
        a node missing from them shows "—", not computed. Without `grads`, a node's grad shows once
        a backward pass has reached it (`has_grad`), never as a made-up 0.
        tangents: forward-mode tangents to show as a row of their own, e.g.
        `forward_tangents(f, {w: 1.0})` with tangent_name="∂/∂w" (NNDL §4.5.3, forward mode).
        title: a caption. max_nodes: the most value boxes drawn (see the module's note).
        frames: what a whole step sequence shows (see `Frames` in viz.draw.style): room is kept
        for all of it.
        group_neurons: box each pass through a model's neuron (its parameters are labelled by nn)
        as "layer l, neuron i"; a capped drawing keeps or summarises whole neurons.
        In a loss over several samples each box says whose pass it is ("sample 2: layer 1,
        neuron 3"). sample: draw sample k (from 1) alone: the nodes computed from its inputs up to
        its term of the loss, with the parameters they read, and a caption naming its x (see
        viz.draw.sample_groups); values and gradients are the whole graph's, so a parameter's
        grad is ∂loss/∂w over every sample.
        lang: the language of the drawing's words ("en", "zh": legend, box fields, captions;
        see viz.words); the user's names are drawn as written.
    """
    graph = graph_of(root)
    words = translator(lang)
    if tangent_name is None:
        tangent_name = words("field.tangent")
    digits = check_digits(digits)
    if format not in SYSTEM_FORMATS:
        hint = " (rankdir comes after format, as in micrograd)" if format in RANKDIRS else ""
        raise ValueError(f"format must be one of {', '.join(SYSTEM_FORMATS)}, got {format!r}{hint}")
    if style not in compact.STYLES:
        raise ValueError(f"style must be one of {', '.join(compact.STYLES)}, got {style!r}")
    if width is not None and (isinstance(width, bool) or not width > 0):
        raise ValueError(f"width must be a positive number of px, got {width!r}")
    if rankdir is not None and rankdir not in RANKDIRS:
        raise ValueError(f"rankdir must be one of {', '.join(RANKDIRS)}, got {rankdir!r}")
    if flow not in styling.FLOWS:
        raise ValueError(f"flow must be one of {', '.join(styling.FLOWS)}, got {flow!r}")
    if isinstance(max_nodes, bool) or not isinstance(max_nodes, int) or max_nodes < 1:
        raise ValueError(f"max_nodes must be a positive integer, got {max_nodes!r}")
    param_ids = _ids_in(graph, params, "params")
    marked, marked_edges = _highlighted(graph, highlight)
    neurons = neuron_groups(graph)  # boxed or not, they are drawn in order
    samples = sample_groups(graph, neurons)
    output = graph.root
    if sample is not None:
        chosen = _sample(graph, samples, sample)
        output = graph.node(chosen.members[-1])
        about = _sample_caption(graph, chosen, len(samples), output, digits, words)
        title = f"{title}\n{about}" if title else about
    # the nearest max_nodes (all, for a small graph), or fewer where Graphviz would take minutes
    shown, crowded = nearest_within_budget(graph, max_nodes, output)
    groups = neurons if group_neurons else []
    if len(shown) < len(graph):
        shown = _whole_groups(graph, shown, [g.members for g in groups])
    shown_ids = {id(node) for node in shown}
    colour = styling.FLOWS[flow][1]
    # backward: the node sending its gradient red, as the page and the steps' text say, its
    # edges and the inputs receiving blue (a lone node marked is the one sending)
    senders = set()
    if flow == "backward":
        senders = {node for node, _ in marked_edges} if marked_edges else set(marked)

    short = style == "compact"
    make_rows = _rows(show_grad, tangents, tangent_name, digits, words)
    room = None
    if frames is not None:
        room = styling.Room(graph, shown, make_rows, frames, title, digits, words, short)

    def build(layout: fit.Layout) -> Drawing:
        lift = layout.rankdir in ("LR", "RL")
        look = _Look(short, flow, digits, edge_labels, room, words, lift)
        dot = Drawing(
            format=format,
            graph_attr={
                "rankdir": layout.rankdir, **layout.spacing,
                "fontname": "Helvetica", "fontsize": "12", "dpi": "96",
            },
            node_attr={"fontname": "Helvetica", "fontsize": "11"},
            edge_attr={"fontname": "Helvetica", "fontsize": "10"},
        )  # fmt: skip
        dot.lang = words.lang
        boxes = Boxes(dot, groups, samples, shown_ids, words)
        roles_used: set[str] = set()
        cut_inputs: dict[int, int] = {}  # op node index → how many of its inputs are not drawn
        any_not_computed = False
        for node in shown:
            i = graph.index(node)
            role = _role(node, output, param_ids)
            roles_used.add(role)
            value = shown_value(node, values)
            lines = make_rows(node, value, shown_grad(node, grads))
            any_not_computed = any_not_computed or any(
                r.endswith(styling.NOT_COMPUTED) for r in lines
            )
            mark = None
            if id(node) in marked:
                mark = styling.HIGHLIGHT if id(node) in senders else colour
            width = room.box if room else None
            where = boxes.where(node)
            name = graph.name(node)
            if short and not node.is_leaf:
                label = compact.op_box(compact.op_text(node), name, lines, role, mark, width)
            else:
                label = styling.box(name, lines, role, mark, width)
            # margin 0: the arrows meet the box's border, with no blank room around it
            where.node(f"n{i}", label, shape="plaintext", margin="0")
            if not node.is_leaf:
                into = {arg for arg, p in enumerate(node.parents) if boxes.enters(p, node)}
                cut = _draw_op(dot, where, graph, node, shown_ids, marked_edges, value, look, into)
                if cut:
                    cut_inputs[i] = cut
        keep_order(dot, graph, neurons, samples, shown_ids, boxes)
        boxes.close()
        caption = [drawable(line) for line in title.splitlines()] if title else []
        if cut_inputs:
            caption.append(_summarise(dot, graph, output, len(shown), cut_inputs, look, crowded))
        tall = layout.rankdir in ("TB", "BT")
        per_row = 2 if tall else 4
        # a tall drawing: the legend under the title; a frame's beside it, where it sets the
        # height of the caption whatever the number of the step's lines
        stacked = tall and room is None
        key = None
        if legend:
            roles = [r for r in styling.ROLES if r in roles_used]
            if room:  # every entry in every frame: the legend holds still too
                key = styling.legend(roles, True, list(styling.FLOWS), words, per_row)
            else:
                flows = [flow] if marked or marked_edges else []
                key = styling.legend(roles, any_not_computed, flows, words, per_row)
        if caption or key:
            label = styling.caption(caption, room, key, stacked)
            dot.attr(label=label, labelloc="t", labeljust="l")
        return dot

    if frames is not None and width is None:
        return fit.best_frame(build, fit.candidates(rankdir))
    target: float = fit.NOTEBOOK if width is None else width
    return fit.best_fit(build, fit.candidates(rankdir), target)


@dataclass(frozen=True)
class _Look:
    """What every edge of one drawing is drawn with."""

    short: bool  # the compact style: no op nodes, an edge's number alone
    flow: str
    digits: int
    edge_labels: bool
    room: styling.Room | None
    words: Words
    lift: bool = False  # edge labels over their line (a left-to-right drawing)


def _rows(
    show_grad: bool,
    tangents: Mapping[Value, float] | None,
    tangent_name: str,
    digits: int,
    words: Words,
) -> Callable[[Value, float | None, float | None], list[str]]:
    """The lines of a node's box under its name: data, grad, a forward-mode tangent."""

    def rows(node: Value, value: float | None, grad: float | None) -> list[str]:
        lines = [f"{words('field.data')} {format_number(value, digits)}"]
        if show_grad:
            lines.append(f"{words('field.grad')} {format_number(grad, digits)}")
        if tangents is not None:
            lines.append(f"{tangent_name} {format_number(tangents.get(node), digits)}")
        return lines

    return rows


def render(root: Value | Graph, path: str | os.PathLike[str], **options: Any) -> Path:
    """Draw `root` (options as `draw_dot`) and write it to `path`: .svg, .png, .jpg, .pdf
    (PDF needs a system Graphviz) or .dot (the DOT text). Returns the path written."""
    return draw_dot(root, **options).write_image(path)


def _sample(graph: Graph, samples: list[SampleGroup], number: object) -> SampleGroup:
    """Sample `number` (from 1) of a model's loss, or an error saying what there is."""
    if isinstance(number, bool) or not isinstance(number, int):
        raise TypeError(f"sample must be a sample's number (1, 2, …), not {number!r}")
    if not samples:
        raise VizError(
            f"sample={number}: the graph of {graph.name(graph.root)} has no model's pass in it; "
            "a sample is found as the inputs a Layer's or an MLP's first layer reads (nn labels "
            "their parameters), e.g. in sum((model(x) - y) ** 2 for x, y in batch)"
        )
    if not 1 <= number <= len(samples):
        raise ValueError(
            f"sample={number}: the graph of {graph.name(graph.root)} has samples 1 to "
            f"{len(samples)}"
        )
    return samples[number - 1]


def _sample_caption(
    graph: Graph, sample: SampleGroup, n: int, output: Value, digits: int, words: Words
) -> str:
    """ "sample 2 of 3, x = (0.5, 3): …": which sample, and what the picture leaves out."""
    x = numbers([v.data for v in sample.inputs], digits)
    loss = graph.name(graph.root)
    return words(
        "draw.sample_caption",
        number=sample.number,
        count=n,
        x=x,
        term=graph.name(output),
        loss=loss,
        derivative=derivative_text(loss, "w"),
    )


def _whole_groups(graph: Graph, shown: list[Value], groups: list[list[int]]) -> list[Value]:
    """`shown` without the neurons or samples (lists of node ids) it cuts in two (they join
    the summary), and without the inputs left with nothing drawn to feed."""
    ids = {id(node) for node in shown}
    cut = set()
    for members in groups:
        inside = [m in ids for m in members]
        if any(inside) and not all(inside):
            cut.update(members)
    kept = [n for n in shown if id(n) not in cut or n is graph.root]
    fed = {id(p) for n in kept if not n.is_leaf for p in n.parents}
    return [n for n in kept if not n.is_leaf or id(n) in fed or n is graph.root]


def _highlighted(
    graph: Graph, items: Highlight | Iterable[Highlight]
) -> tuple[set[int], set[tuple[int, int]]]:
    """The ids of the nodes to mark, and the edges (id of node, argument) to mark: each one
    given as a pair (with the nodes at its ends), and every edge between two nodes given."""
    if isinstance(items, Value) or _is_edge(items):  # one node or one edge, not in a list
        items = [items]
    nodes: list[Value] = []
    edges: set[tuple[int, int]] = set()
    ends: set[int] = set()
    for item in items:
        if isinstance(item, tuple):
            if not _is_edge(item):
                raise TypeError(
                    f"an edge to highlight is a pair (node, input number), got {item!r}"
                )
            node, arg = require_value(item[0], "the node of a highlighted edge"), item[1]
            graph.index(node)
            if not 0 <= arg < len(node.parents):
                raise ValueError(
                    f"{graph.name(node)} has {len(node.parents)} inputs; no input number {arg}"
                )
            edges.add((id(node), arg))
            ends.update((id(node), id(node.parents[arg])))
        else:
            node = require_value(item, "each of highlight")
            graph.index(node)
            nodes.append(node)
    ids = {id(node) for node in nodes}
    for node in nodes:
        edges.update((id(node), a) for a, p in enumerate(node.parents) if id(p) in ids)
    return ids | ends, edges


def _is_edge(item: object) -> TypeGuard[tuple[Value, int]]:
    return (
        isinstance(item, tuple)
        and len(item) == 2
        and isinstance(item[0], Value)
        and isinstance(item[1], int)
        and not isinstance(item[1], bool)
    )


def _ids_in(graph: Graph, nodes: Iterable[Value], what: str) -> set[int]:
    """The ids of `nodes`, each checked to be a node of the graph (a clear error if not)."""
    if isinstance(nodes, Value):
        nodes = (nodes,)
    ids = set()
    for node in nodes:
        graph.index(require_value(node, f"each of {what}"))  # a VizError naming a stranger
        ids.add(id(node))
    return ids


def _role(node: Value, output: Value, param_ids: set[int]) -> str:
    if node is output:
        return "output"
    if id(node) in param_ids:
        return "parameter"
    return "input" if node.is_leaf else "intermediate"


def _draw_op(
    dot: Drawing,
    where: graphviz.Digraph,
    graph: Graph,
    node: Value,
    shown_ids: set[int],
    marked_edges: set[tuple[int, int]],
    value: float | None,
    look: _Look,
    entering: frozenset[int] | set[int] = frozenset(),
) -> int:
    """The edges into `node` from its inputs, in argument order, each labelled with its local
    derivative (once the node is computed: "∂h2/∂h1 = 1", or "1" alone in the compact style,
    its full text the edge's tooltip). In the boxes style the op is its own small node between
    them, drawn in `where` (its neuron's box, or the drawing). The inputs `entering` come from
    outside its neuron's box: two ranks long, the box's parameters take the rank between, so
    the boxes of one layer stand in ranks of their own, beside the next layer's, not stacked
    over them with edges crossing them. Returns how many inputs are not drawn (a capped graph)."""
    i, op = graph.index(node), node.op_info
    assert op is not None, "only an op node is drawn as an op"
    colour = styling.FLOWS[look.flow][1]
    target = f"n{i}"
    if not look.short:
        symbol = compact.op_text(node)
        where.node(
            f"o{i}",
            graphviz.escape(symbol),
            shape="circle" if len(symbol) <= 2 else "ellipse",
            style="filled",
            fillcolor=light("op"),
            tooltip=graphviz.escape(f"{op.formula}; {op.derivative}"),
        )
        on_path = any((id(node), a) in marked_edges for a in range(len(node.parents)))
        dot.edge(f"o{i}", target, **(styling.marked(colour, look.flow) if on_path else {}))
        target = f"o{i}"
    computed = value is not None
    locals_ = local_derivatives(node) if computed else None
    cut = 0
    for arg, parent in enumerate(node.parents):
        if id(parent) not in shown_ids:
            cut += 1
            continue
        attrs = styling.marked(colour, look.flow) if (id(node), arg) in marked_edges else {}
        if arg in entering:
            attrs["minlen"] = "2"
        symbol = graph.edge(node, arg)
        number = None
        if computed:
            number = (
                look.words("field.undefined")
                if locals_ is None
                else format_number(locals_[arg], look.digits)
            )
        if look.short:
            full = symbol if number is None else f"{symbol} = {number}"
            attrs["tooltip"] = graphviz.escape(full)
        if look.edge_labels:
            if look.short:
                # the number alone (its ∂ is the tooltip); a frame keeps its room before it
                label = f"\u00a0{number or ''}" if number or look.room else ""
            else:
                label = symbol if number is None else f"{symbol} = {number}"
            attrs["label"] = styling.edge_label(label, look.room, look.lift)
        dot.edge(f"n{graph.index(parent)}", target, **attrs)
    return cut


def _summarise(
    dot: Drawing,
    graph: Graph,
    output: Value,
    shown: int,
    cut_inputs: dict[int, int],
    look: _Look,
    crowded: bool,
) -> str:
    """One box for the nodes not drawn, with an edge into each op that lost inputs; the
    caption says why (max_nodes, or `crowded`: fewer, as layout.LAYOUT_BUDGET allows)."""
    hidden = len(graph) - shown
    dot.node(
        SUMMARY,
        styling.text_label(
            look.words("draw.more_nodes", count=f"{hidden:,}"), styling.FONT_SIZES["node"]
        ),
        shape="note",
        style="dashed",
        color=styling.MUTED,
        fontcolor=styling.MUTED,
    )
    for i, count in cut_inputs.items():
        label = None
        if look.edge_labels:
            inputs = look.words.plural("draw.inputs", count, count=count)
            label = styling.text_label(inputs, styling.FONT_SIZES["edge"])
        dot.edge(
            SUMMARY,
            f"{'n' if look.short else 'o'}{i}",
            style="dashed",
            color=styling.MUTED,
            fontcolor=styling.MUTED,
            label=label,
        )
    key = "draw.nearest_crowded" if crowded else "draw.nearest"
    return look.words(key, shown=shown, output=graph.name(output), total=f"{len(graph):,}")
