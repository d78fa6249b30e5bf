"""viz.draw.layout: a model's drawing reads x₁, x₂, … and neurons 1..n in order, as laid out by
every Graphviz program there is (graphviz-pure always, a system `dot` where installed)."""

import re
import subprocess

import pytest

from micrograd_nndl import MLP, topological_order
from viz import draw_dot
from viz.graph import SUBSCRIPTS, SUPERSCRIPTS, Graph

FIRST_WEIGHT = re.compile(r"layers\.(\d+)\.neurons\.(\d+)\.w\.0")


def positions(source, program):
    """{DOT node name: (x, y)} as `program` lays the drawing out (-Tplain: y grows upward)."""
    done = subprocess.run(
        [program, "-Tplain"], input=source.encode(), capture_output=True, check=True
    )
    found = {}
    for line in done.stdout.decode().splitlines():
        if line.startswith("node "):
            name, x, y = line.split()[1:4]
            found[name.strip('"')] = (float(x), float(y))
    return found


def reading(position, rankdir):
    """(where in the reading order, which rank): top to bottom in LR, left to right in TB."""
    x, y = position
    return (-y, x) if rankdir == "LR" else (x, -y)


def mlp_loss(model, batch):
    """The loss Σ (model(x) - t)² and each sample's output, to tell the passes apart."""
    outputs = [model(x) for x, _ in batch]
    return sum((o - t) ** 2 for o, (_, t) in zip(outputs, batch)), outputs


def passes(graph, outputs):
    """{(sample, layer, neuron): DOT name of the box of the pass's first op}, all from 1: the
    node that reads the neuron's first weight (the fused Σw·x+b, or the product w₁x₁)."""
    found = {}
    for s, output in enumerate(outputs, 1):
        for node in topological_order(output):
            for parent in node.parents:
                match = FIRST_WEIGHT.fullmatch(parent.label)
                if match:
                    layer, neuron = (int(k) + 1 for k in match.groups())
                    found[(s, layer, neuron)] = f"n{graph.index(node)}"
    return found


CASES = {
    "MLP(2, [3, 1]) over two samples": ((2, [3, 1]), [([1.0, -2.0], 1.0), ([0.5, 3.0], -1.0)]),
    "MLP(3, [4, 4, 1]) on one sample": ((3, [4, 4, 1]), [([2.0, 3.0, -1.0], 1.0)]),
}


@pytest.mark.parametrize("rankdir", ["LR", "TB"])
@pytest.mark.parametrize("fused", [True, False], ids=["fused", "products and sums"])
@pytest.mark.parametrize("case", list(CASES))
def test_inputs_and_neurons_are_drawn_in_order(case, fused, rankdir, graphviz_program):
    (nin, nouts), batch = CASES[case]
    model = MLP(nin, nouts, seed=0, fused=fused)
    loss, outputs = mlp_loss(model, batch)
    graph = Graph(loss)
    drawing = draw_dot(loss, rankdir=rankdir, params=model.parameters())
    at = positions(drawing.source, graphviz_program)

    inputs = [n for n in graph.nodes if n.is_leaf and not n.label]  # x1, x2, … of each sample
    sample = [f"({n})".translate(SUPERSCRIPTS) if len(batch) > 1 else "" for n in range(1, 9)]
    assert [graph.name(x) for x in inputs] == [  # sample n's feature i: x⁽ⁿ⁾ᵢ, as the book
        f"x{sample[n]}{str(i).translate(SUBSCRIPTS)}"
        for n in range(len(batch))
        for i in range(1, nin + 1)
    ]
    read = [reading(at[f"n{graph.index(x)}"], rankdir) for x in inputs]
    assert len({round(rank, 3) for _, rank in read}) == 1  # one column (one row in TB)
    assert [order for order, _ in read] == sorted(order for order, _ in read)  # x1 first

    first = passes(graph, outputs)
    assert len(first) == len(batch) * sum(nouts)
    for s in range(1, len(batch) + 1):
        for layer, n in enumerate(nouts, 1):
            order = [reading(at[first[(s, layer, j)]], rankdir)[0] for j in range(1, n + 1)]
            assert order == sorted(order), (s, layer, order)  # neuron 1 first, n last


def lecture_sample(hidden: list[int], rankdir: str, program: str):
    """The lecture's one sample through MLP(3, hidden), drawn: the model, its graph, each
    node's position and `passes`' first node of each neuron."""
    model = MLP(3, hidden, seed=0)
    loss, outputs = mlp_loss(model, [([2.0, 3.0, -1.0], 1.0)])
    graph = Graph(loss)
    at = positions(draw_dot(loss, rankdir=rankdir, params=model.parameters()).source, program)
    return model, graph, at, passes(graph, outputs)


@pytest.mark.parametrize("rankdir", ["LR", "TB"])
def test_each_layer_stands_in_ranks_of_its_own_after_the_inputs(rankdir, graphviz_program):
    """The edges into a neuron's box are two ranks long, its parameters in the rank between:
    the inputs come first, then layer 1's boxes, then layer 2's beside them (not stacked over
    them with the weights' edges crossing other neurons' boxes)."""
    model, graph, at, first = lecture_sample([4, 4, 1], rankdir, graphviz_program)
    ranks: dict[int, list[float]] = {0: []}
    for node in graph.nodes:
        name = f"n{graph.index(node)}"
        if node.is_leaf and not node.label:
            ranks[0].append(reading(at[name], rankdir)[1])
        elif node.is_leaf and node.label.startswith("layers."):
            layer = int(node.label.split(".")[1]) + 1
            ranks.setdefault(layer, []).append(reading(at[name], rankdir)[1])
    for (_, layer, _), name in first.items():
        ranks[layer].append(reading(at[name], rankdir)[1])
    for layer in range(len(model.layers)):
        assert max(ranks[layer]) < min(ranks[layer + 1]), layer


def test_one_samples_drawing_keeps_its_order_too(graphviz_program):
    model = MLP(2, [3, 1], seed=0, fused=False)
    loss, outputs = mlp_loss(model, CASES["MLP(2, [3, 1]) over two samples"][1])
    graph = Graph(loss)
    at = positions(draw_dot(loss, sample=2, rankdir="LR").source, graphviz_program)
    x3, x4 = (f"n{graph.index(x)}" for x in graph.nodes if graph.name(x) in ("x⁽²⁾₁", "x⁽²⁾₂"))
    assert at[x3][0] == at[x4][0] and at[x3][1] > at[x4][1]  # one column, x⁽²⁾₁ above x⁽²⁾₂
    first = passes(graph, outputs)
    assert not any(first[(1, 1, j)] in at for j in (1, 2, 3))  # sample 1 is not drawn
    heights = [at[first[(2, 1, j)]][1] for j in (1, 2, 3)]
    assert heights == sorted(heights, reverse=True)


def test_a_graph_of_no_model_is_laid_out_as_graphviz_likes():
    """The order constraints and the small mclimit are for a model's regular graph only."""
    from micrograd_nndl.book import sigmoid_graph

    source = draw_dot(sigmoid_graph(x=1.0, w=0.0, b=0.0)["h6"]).source
    assert "mclimit" not in source and "rank=same" not in source


@pytest.mark.parametrize("rankdir", ["LR", "TB"])
@pytest.mark.parametrize("fused", [True, False], ids=["fused", "products and sums"])
def test_the_inputs_stand_level_with_the_layer_they_feed(fused, rankdir, graphviz_program):
    """The lecture's MLP(3, [4, 4, 1]) on one sample: the inputs' centre, across the reading
    order, lies within the span of layer 1's neurons (it lay below neuron 4, the edges from
    the inputs running round every box), as the book draws a network (NNDL §4.3)."""
    (nin, nouts), batch = CASES["MLP(3, [4, 4, 1]) on one sample"]
    model = MLP(nin, nouts, seed=0, fused=fused)
    loss, outputs = mlp_loss(model, batch)
    graph = Graph(loss)
    at = positions(
        draw_dot(loss, rankdir=rankdir, params=model.parameters()).source, graphviz_program
    )
    inputs = [
        reading(at[f"n{graph.index(x)}"], rankdir)[0]
        for x in graph.nodes
        if x.is_leaf and not x.label
    ]
    first = passes(graph, outputs)
    layer = [reading(at[first[(1, 1, j)]], rankdir)[0] for j in range(1, nouts[0] + 1)]
    centre = (min(inputs) + max(inputs)) / 2
    assert min(layer) <= centre <= max(layer), (inputs, layer)


@pytest.mark.parametrize("rankdir", ["LR", "TB"])
def test_a_neurons_parameters_read_w1_w2_then_b(rankdir, graphviz_program):
    """The lecture's MLP(3, [4, 4, 1]) on one sample: in each neuron's box the parameters stand
    w₁, w₂, …, b top to bottom (left to right in TB), as the book's figure of a neuron (NNDL
    §4.1); they stood bottom-up, b on top."""
    model, graph, at, _ = lecture_sample([4, 4, 1], rankdir, graphviz_program)
    neurons = [n for layer in model.layers for n in layer.neurons]
    assert len(neurons) == 9
    for neuron in neurons:
        params = [*neuron.w, neuron.b]  # the book's order
        read = [reading(at[f"n{graph.index(p)}"], rankdir) for p in params]
        assert len({round(rank, 3) for _, rank in read}) == 1  # one column (one row in TB)
        order = [place for place, _ in read]
        assert order == sorted(order) and len(set(order)) == len(order), (neuron, order)


@pytest.mark.parametrize("rankdir", ["LR", "TB"])
@pytest.mark.parametrize("hidden", [[4, 4, 1], [3, 3, 3, 1]], ids=["[4, 4, 1]", "[3, 3, 3, 1]"])
def test_the_layers_stand_side_by_side_as_a_network_is_drawn(hidden, rankdir, graphviz_program):
    """One sample through MLP(3, hidden): neuron j of a layer stands level with neuron j of the
    layer before it, and a layer of one neuron level with the middle of the layer before, as
    the book draws a network (NNDL §4.3). Layer 2's boxes stood below layer 1's, staggered
    (its centre more than a whole layer's span away), the edges into them looping round."""
    _, graph, at, first = lecture_sample(hidden, rankdir, graphviz_program)
    layers = [
        [reading(at[first[(1, layer, j)]], rankdir)[0] for j in range(1, n + 1)]
        for layer, n in enumerate(hidden, 1)
    ]
    span = max(layers[0]) - min(layers[0])
    assert span > 0
    for before, after in zip(layers, layers[1:]):
        if len(after) == len(before):
            assert all(abs(a - b) < span / 4 for a, b in zip(after, before)), (before, after)
        else:
            middle = (min(before) + max(before)) / 2
            assert abs(after[0] - middle) < span / 4, (before, after)


@pytest.mark.parametrize("rankdir", ["LR", "TB"])
@pytest.mark.parametrize("hidden", [[4, 4, 1], [3, 3, 3, 1]], ids=["[4, 4, 1]", "[3, 3, 3, 1]"])
def test_the_inputs_spread_along_the_layer_they_feed(hidden, rankdir, graphviz_program):
    """One sample through MLP(3, hidden): x₁ level with layer 1's first neuron, x₃ with its
    last, x₂ halfway, each within a quarter of the layer's span, as the book's figure of a
    network spreads each layer (NNDL §4.3). x₂ and x₃ stood below the whole layer."""
    _, graph, at, first = lecture_sample(hidden, rankdir, graphviz_program)
    layer = [reading(at[first[(1, 1, j)]], rankdir)[0] for j in range(1, hidden[0] + 1)]
    inputs = [
        reading(at[f"n{graph.index(x)}"], rankdir)[0]
        for x in graph.nodes
        if x.is_leaf and not x.label
    ]
    top, span = min(layer), max(layer) - min(layer)
    assert len(inputs) == 3 and span > 0
    for i, place in enumerate(inputs):
        assert abs(place - (top + i * span / 2)) < span / 4, (inputs, layer)


def _box(shape):
    """(left, top, right, bottom) of an SVG shape's coordinates (a polygon's points, a path)."""
    numbers = [float(v) for v in re.findall(r"-?\d+(?:\.\d+)?", shape)]
    return min(numbers[0::2]), min(numbers[1::2]), max(numbers[0::2]), max(numbers[1::2])


def test_a_neuron_boxs_title_stays_inside_its_border_and_off_every_node(graphviz_program):
    """Sample 2 of MLP(2, [3, 1]) (the gallery's picture): each box's title, taken 15 % wider
    than Helvetica draws it (a rasteriser's font runs wider), lies inside its dashed border and
    meets no node's box (it overran the border of layer 2's box and sat on h17)."""
    import html

    from viz.draw.measure import text_width
    from viz.draw.style import SLACK

    model = MLP(2, [3, 1], seed=0)
    loss, _ = mlp_loss(model, CASES["MLP(2, [3, 1]) over two samples"][1])
    loss.backward()
    svg = draw_dot(loss, sample=2, params=model.parameters()).pipe("svg").decode()
    nodes = [
        _box(re.search(r'(?:points|d)="([^"]+)"', g).group(1))
        for g in re.findall(r'class="node">(.*?)</g>', svg, re.S)
    ]
    clusters = re.findall(
        r'class="cluster">.*?d="M([^"]+)".*?text-anchor="(\w+)" x="([\d.-]+)" y="([\d.-]+)"'
        r'.*?font-size="([\d.]+)"[^>]*>([^<]+)</text>',
        svg,
        re.S,
    )
    assert len(clusters) == 4 and len(nodes) > 10
    for path, anchor, x, y, size, text in clusters:
        left, top, right, _ = _box(path)
        wide = text_width(html.unescape(text), float(size)) * SLACK
        start = float(x) - (wide / 2 if anchor == "middle" else 0)
        title = (start, float(y) - float(size), start + wide, float(y) + 3)
        assert left < title[0] and title[2] < right and top < title[1], text
        for node in nodes:
            apart = (
                title[2] < node[0] or node[2] < title[0] or title[3] < node[1] or node[3] < title[1]
            )
            assert apart, (text, node)
