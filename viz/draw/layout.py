"""Where a model's graph is drawn: each neuron's pass in a labelled box, in the order a reader
expects, with both Graphviz programs.

Graphviz orders the nodes of each rank to cross few edges. A layer's neurons all read the
same inputs and cross as many edges in any order, so the crossing minimiser trades one order
for another freely: left alone, `dot` (and `graphviz-pure`, its port) drew neuron 3 above
neuron 1 and x₂ a column to the right of x₁. `ordering=in`, and invisible edges between the
boxes (clusters), did not hold. What holds, measured with both programs in both directions
(LR, TB) on MLP(2, [3, 1]), MLP(3, [4, 4, 1]) and MLP(3, [3, 3, 3, 1]), fused and not, over one
to three samples:

- the inputs in one rank (`rank=same`), chained by invisible edges: x₁, x₂, … of sample 1,
  then sample 2's, in one column;
- in a graph of one sample, neuron j's last op (its activation) tied by an invisible edge to
  the first parameter of neuron j of the next layer, wherever the two layers have as many
  neurons. The edges between two layers pass the ranks of the next layer's parameters
  outside its boxes, and the first sweep put all of them on one side of every box: layer 2
  stood below layer 1, staggered, its edges looping round. Tied, the boxes of the next layer
  come in the sweep among the edges, and each layer stands beside the one before it, neuron j
  level with neuron j, as the book draws a network (NNDL §4.3), and a layer of one neuron
  about level with the middle of the layer before. With these ties, each input is tied too,
  to the middle parameter of the neuron of layer 1 as far along the layer as it is along the
  inputs (x₁ to neuron 1, x₃ of 3 to neuron 4 of 4): left alone, x₁ stood above neuron 1 and
  x₂, x₃ below neuron 4; tying only the middle input to the middle neuron broke the layers'
  order. That one tie is kept where no layers are tied (MLP(2, [3, 1])), where it holds the
  inputs level with layer 1 (untied, they sat below the whole layer);
- `mclimit` small: the minimiser keeps the order its first sweep builds from the order the
  nodes are written in, forward order, where neuron 1's pass comes before neuron 2's. It is
  set for a model's graph only, whose regular shape leaves nothing for more sweeps to gain;
- in each box, the parameters one op reads (a fused Σw·x+b's) in one rank, chained by
  invisible edges as w₁, w₂, …, b: left alone they stood bottom-up, b on top. In a left-to-right
  drawing the chain is written b, …, w₁: Graphviz builds a cluster's ranks backwards there,
  and a full crossing minimisation (larger `mclimit`) turns it round again.

Within each sample the neurons of a layer read 1..n; where one neuron's passes over two
samples go is left to Graphviz, which puts them by the weights they share or by sample.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

import graphviz

from micrograd_nndl import Value

from ..graph import Graph
from ..words import Words
from .measure import text_width
from .neurons import NeuronGroup
from .sample_groups import SampleGroup
from .style import FONT_SIZES, MUTED, SLACK

MCLIMIT = "0.01"  # see the module's note: the order built is the order drawn
TIE_WEIGHT = "10"  # how hard neuron j is held level with neuron j of the layer before


class Boxes:
    """The neuron boxes of a drawing and the one each node is drawn in (`where`); in a graph
    of several samples each box says whose pass it is ("sample 2: layer 1, neuron 3")."""

    def __init__(
        self,
        dot: graphviz.Digraph,
        neurons: Sequence[NeuronGroup],
        samples: Sequence[SampleGroup],
        shown: set[int],
        words: Words,
    ) -> None:
        self.dot = dot
        self.boxes: list[graphviz.Digraph] = []
        self._home: dict[int, graphviz.Digraph] = {}
        sample_of = owners(samples) if len(samples) > 1 else {}
        for k, group in enumerate(neurons):
            members = [m for m in group.members if m in shown]
            if members:
                box = graphviz.Digraph(name=f"cluster_neuron{k}")
                number = sample_of.get(group.members[-1])
                label = neuron_label(group, words)
                if number is not None:
                    label = words("draw.sample_box", number=number, label=label)
                label = box_label(label)
                box.attr(label=label, style="rounded,dashed", color=MUTED, fontcolor=MUTED)
                self.boxes.append(box)
                self._home.update(dict.fromkeys(members, box))

    def where(self, node: Value) -> graphviz.Digraph:
        """The box `node` is drawn in, or the drawing itself."""
        return self._home.get(id(node), self.dot)

    def enters(self, parent: Value, node: Value) -> bool:
        """Whether the edge from `parent` into `node` enters node's box from outside it."""
        home = self._home.get(id(node))
        return home is not None and self._home.get(id(parent)) is not home

    def close(self) -> None:
        """Put every box into the drawing (a box is copied when added: it must be complete)."""
        for box in self.boxes:
            self.dot.subgraph(box)


def box_label(text: str) -> str:
    """A neuron box's title in a cell as wide as it is drawn with room to spare (a rasteriser's
    font runs wider than Graphviz's measure: the title overran its box) and a gap under it,
    so it neither crosses the box's border nor sits on the node under it."""
    size = FONT_SIZES["graph"]
    lines = text.splitlines() or [""]
    width = max(text_width(line, size) for line in lines) * SLACK + 8
    height = size * (len(lines) + 0.8)
    return (
        '<<table border="0" cellborder="0" cellspacing="0" cellpadding="0">'
        f'<tr><td width="{width:.0f}" height="{height:.0f}" valign="top">'
        f"{'<br/>'.join(html.escape(line) for line in lines)}</td></tr></table>>"
    )


def neuron_label(group: NeuronGroup, words: Words) -> str:
    """ "layer 1, neuron 3" ("neuron 3" in a lone Layer), in the reader's language."""
    if group.layer is None:
        return words("draw.neuron", neuron=group.neuron)
    return words("draw.layer_neuron", layer=group.layer, neuron=group.neuron)


def keep_order(
    dot: graphviz.Digraph,
    graph: Graph,
    neurons: Sequence[NeuronGroup],
    samples: Sequence[SampleGroup],
    shown: set[int],
    boxes: Boxes | None = None,
) -> None:
    """Hold x₁, x₂, … top to bottom (left to right in a top-down drawing), sample by sample,
    each layer's neurons 1..n in order, each box's parameters w₁, w₂, …, b, and in a graph of
    one sample each layer level with the one before it (see the module's note)."""
    if not neurons:
        return
    dot.attr(mclimit=MCLIMIT)
    inputs = [x for sample in samples for x in sample.inputs if id(x) in shown]
    ties: list[tuple[str, str]] = []
    if len(samples) == 1:
        layers = _layers(graph, neurons, shown)
        ties = _facing(graph, layers, shown)
        if ties:
            ties = _spread(graph, inputs, layers[0]) + ties
        elif inputs and layers[0][(len(layers[0]) - 1) // 2][1]:
            # the middle input level with the first parameter of layer 1's middle neuron
            middle = layers[0][(len(layers[0]) - 1) // 2][1][0]
            anchor = inputs[len(inputs) // 2]
            dot.edge(
                f"n{graph.index(anchor)}", f"n{graph.index(middle)}", style="invis", weight="10"
            )
    _chain(dot, [f"n{graph.index(x)}" for x in inputs])
    if boxes is not None:
        _hold_parameters(graph, neurons, shown, boxes)
    for before, after in ties:
        dot.edge(before, after, style="invis", weight=TIE_WEIGHT)


Pass = tuple[NeuronGroup, list[Value]]  # a neuron's pass, its drawn parameters in order


def _layers(graph: Graph, neurons: Sequence[NeuronGroup], shown: set[int]) -> list[list[Pass]]:
    """The neurons of each layer in order 1..n, each with its drawn parameters in forward
    order (w₁, w₂, …, b): one walk over the graph."""
    drawn: dict[int, list[Value]] = {id(g): [] for g in neurons}
    owner = {p: g for g in neurons for p in g.params}
    for node in graph.nodes:
        group = owner.get(id(node))
        if group is not None and id(node) in shown:
            drawn[id(group)].append(node)
    layers: dict[int, list[Pass]] = {}
    for group in sorted(neurons, key=lambda g: g.neuron):
        layers.setdefault(group.layer or 0, []).append((group, drawn[id(group)]))
    return [layers[k] for k in sorted(layers)]


def _facing(graph: Graph, layers: list[list[Pass]], shown: set[int]) -> list[tuple[str, str]]:
    """(DOT names of) the last op of neuron j and the first parameter of neuron j of the next
    layer, for each two layers of as many neurons: the pairs held level (see the note)."""
    by_id = {id(n): n for n in graph.nodes}
    ties = []
    for previous, layer in zip(layers, layers[1:]):
        if len(previous) != len(layer):
            continue
        for (before, _), (_, params) in zip(previous, layer):
            ops = [m for m in before.members if m in shown and not by_id[m].is_leaf]
            if ops and params:
                ties.append((f"n{graph.index(by_id[ops[-1]])}", f"n{graph.index(params[0])}"))
    return ties


def _spread(graph: Graph, inputs: Sequence[Value], layer: list[Pass]) -> list[tuple[str, str]]:
    """(DOT names of) input i of n and the middle parameter of neuron round(i(m − 1)/(n − 1))
    of the first layer's m: the inputs spread along the layer they feed (see the note)."""
    n, m = len(inputs), len(layer)
    ties = []
    for i, x in enumerate(inputs):
        params = layer[round(i * (m - 1) / (n - 1)) if n > 1 else (m - 1) // 2][1]
        if params:
            ties.append((f"n{graph.index(x)}", f"n{graph.index(params[len(params) // 2])}"))
    return ties


def _hold_parameters(
    graph: Graph, neurons: Sequence[NeuronGroup], shown: set[int], boxes: Boxes
) -> None:
    """The parameters one op of a box reads (a fused Σw·x+b's w₁, w₂, …, b) in that order,
    top to bottom (left to right in a top-down drawing): left alone they stood bottom-up."""
    flipped = boxes.dot.graph_attr.get("rankdir", "TB") in ("LR", "RL")
    group_of = {m: group for group in neurons for m in group.members}
    for node in graph.nodes:
        group = group_of.get(id(node))
        if group is None or node.is_leaf:
            continue
        params = [p for p in node.parents if id(p) in group.params and id(p) in shown]
        if len(params) > 1 and boxes.where(params[0]) is not boxes.dot:
            # a cluster's ranks are built backwards in a flipped (left-to-right) drawing
            names = list(dict.fromkeys(f"n{graph.index(p)}" for p in params))
            _chain(boxes.where(params[0]), names[::-1] if flipped else names)


#: The most hidden points the drawn edges may need (`layout_cost`). Graphviz lays an edge
#: across k ranks through k − 1 hidden points and orders them all, in a time that grows about
#: as the square of their count: x*x*…*x (x feeding every step) drew 30 boxes (cost 812) in
#: 0.3 s, 40 (1,482) in 1.1 s, 50 (2,352) in 4.5 s and 120 (14,042) in more than a minute. The
#: lecture's MLP(3, [4, 4, 1]) costs 0 (84 built with fused=False), a loss over three samples 94.
LAYOUT_BUDGET = 1000


def layout_cost(nodes: Sequence[Value]) -> int:
    """How many hidden points Graphviz lays the drawn edges of `nodes` (in forward order)
    through: each edge's ranks beyond the next, each node ranked as early as its inputs
    allow, or as late as its users allow, whichever costs less (Graphviz's own ranking costs
    no more). A value and its op take two ranks, so an edge into the next op costs 0."""
    drawn = {id(n) for n in nodes}
    inputs = {id(n): [p for p in dict.fromkeys(n.parents) if id(p) in drawn] for n in nodes}
    early: dict[int, int] = {}
    users: dict[int, list[int]] = {}
    for n in nodes:
        ps = inputs[id(n)]
        early[id(n)] = 2 + max(early[id(p)] for p in ps) if ps else 0
        for p in ps:
            users.setdefault(id(p), []).append(id(n))
    late: dict[int, int] = {}
    for n in reversed(nodes):
        after = users.get(id(n))
        late[id(n)] = min(late[u] for u in after) - 2 if after else early[id(n)]

    def span(rank: dict[int, int]) -> int:
        return sum(rank[id(n)] - 2 - rank[id(p)] for n in nodes for p in inputs[id(n)])

    return min(span(early), span(late))


def nearest_within_budget(graph: Graph, count: int, output: Value) -> tuple[list[Value], bool]:
    """The most nodes nearest `output`, at most `count`, whose layout cost fits LAYOUT_BUDGET
    (a binary search over the count: a picture that draws in seconds, not in minutes), and
    whether the budget, not `count`, set how many."""
    shown = graph.nearest_to_root(count, output)
    if layout_cost(shown) <= LAYOUT_BUDGET:
        return shown, False
    low, high = 1, len(shown)  # the cost of `low` nodes fits, of `high` does not
    while high - low > 1:
        middle = (low + high) // 2
        if layout_cost(graph.nearest_to_root(middle, output)) <= LAYOUT_BUDGET:
            low = middle
        else:
            high = middle
    return graph.nearest_to_root(low, output), True


def owners(samples: Sequence[SampleGroup]) -> dict[int, int]:
    """node id → the number of the sample it belongs to (a node of no sample is not in it)."""
    return {m: s.number for s in samples for m in s.members}


def _chain(into: graphviz.Digraph, names: list[str]) -> None:
    """`names` in one rank, in order: a rank=same subgraph chained by invisible edges."""
    if len(names) < 2:
        return
    with into.subgraph() as rank:
        rank.attr(rank="same")
        for name in names:
            rank.node(name)
        for a, b in zip(names, names[1:]):
            rank.edge(a, b, style="invis")
