"""viz.draw.sample_groups and draw_dot(sample=k): a loss over several samples drawn one
sample at a time, each box saying whose pass it is, with the engine's own values and gradients."""

import re

import pytest

from micrograd_nndl import MLP, Value, mse, topological_order
from micrograd_nndl.book import sigmoid_graph
from viz import VizError
from viz import draw_dot as draw_any
from viz.draw.neurons import neuron_groups
from viz.draw.sample_groups import sample_groups
from viz.graph import Graph
from viz.number_format import format_number

BATCH = [([1.0, -2.0], 1.0), ([0.5, 3.0], -1.0), ([2.0, 0.25], 1.0)]


def batch_loss(fused=True, batch=BATCH):
    """Σ (model(x) - t)² over the batch, after backward, and each sample's term."""
    model = MLP(2, [3, 1], seed=0, fused=fused)
    terms = [(model(x) - t) ** 2 for x, t in batch]
    loss = sum(terms[1:], terms[0])
    loss.backward()
    return model, loss, terms


def boxes(source):
    """{name: (data, grad)} of every value box drawn."""
    found = {}
    for table in re.findall(r"<table[^>]*>(.*?)</table>", source):
        cells = [c.strip() for c in re.sub(r"<[^>]+>", "|", table).split("|") if c.strip()]
        if len(cells) == 3:
            found[cells[0]] = (cells[1].removeprefix("data "), cells[2].removeprefix("grad "))
    return found


def box_labels(source):
    return re.findall(
        r"subgraph cluster_neuron\d+ \{\n[^\n]* label=<<table[^>]*><tr><td[^>]*>([^<]+)</td>",
        source,
    )


def draw_dot(root, **options):
    """The boxes style, whose boxes `boxes` reads (test_viz_compact reads the compact style)."""
    return draw_any(root, style="boxes", **options)


@pytest.mark.parametrize("fused", [True, False])
def test_the_samples_of_a_loss_are_found_in_the_batchs_order(fused):
    _, loss, terms = batch_loss(fused)
    graph = Graph(loss)
    samples = sample_groups(graph, neuron_groups(graph))
    assert [[x.data for x in s.inputs] for s in samples] == [x for x, _ in BATCH]
    for sample, term in zip(samples, terms):
        own = {id(n) for n in topological_order(term) if not n.label}  # no shared parameters
        assert set(sample.members) == own  # its inputs and everything computed from them
        assert sample.members[-1] == id(term)  # its term of the loss comes last
    combining = {id(n) for n in graph.nodes} - {m for s in samples for m in s.members}
    assert {graph.name(graph.node(k)) for k in combining if not graph.node(k).label} == {
        graph.name(loss),
        graph.name(loss.parents[0]),
    }  # the two + of the sum belong to no sample


def test_mse_over_a_models_outputs_has_one_sample_per_row():
    model = MLP(2, [2, 1], seed=1)
    loss = mse([model(x) for x, _ in BATCH], [t for _, t in BATCH])
    graph = Graph(loss)
    samples = sample_groups(graph, neuron_groups(graph))
    assert [[x.data for x in s.inputs] for s in samples] == [x for x, _ in BATCH]


@pytest.mark.parametrize("fused", [True, False])
def test_one_sample_is_drawn_alone_with_the_engines_values_and_gradients(fused):
    model, loss, terms = batch_loss(fused)
    source = draw_dot(loss, params=model.parameters(), sample=2).source
    graph = Graph(loss)
    drawn = boxes(source)
    expected = topological_order(terms[1])  # sample 2's pass, its parameters and its term
    assert set(drawn) == {graph.name(n) for n in expected}
    for node in expected:
        assert drawn[graph.name(node)] == (format_number(node.data), format_number(node.grad))
    # sample 2's inputs as the book writes them, x⁽²⁾₁ and x⁽²⁾₂ (never x₃, a feature's index);
    # sample 1's are not drawn
    assert {"x⁽²⁾₁", "x⁽²⁾₂"} <= set(drawn) and not {"x⁽¹⁾₁", "x₃", "x₄"} & set(drawn)
    assert "sample 2 of 3, x = (0.5, 3): what is computed from it alone" in source
    assert f"up to its term {graph.name(terms[1])} of {graph.name(loss)}" in source
    assert sorted(box_labels(source)) == [
        "sample 2: layer 1, neuron 1", "sample 2: layer 1, neuron 2",
        "sample 2: layer 1, neuron 3", "sample 2: layer 2, neuron 1",
    ]  # fmt: skip
    term = re.search(rf"n{graph.index(terms[1])} \[label=<<table ([^>]*)>", source).group(1)
    assert 'bgcolor="#dbeafe"' in term  # the sample's term is drawn as its output


def test_the_whole_batch_names_each_pass_by_its_sample():
    _, loss, _ = batch_loss()
    labels = box_labels(draw_dot(loss).source)
    assert sorted(labels) == sorted(
        f"sample {s}: layer {layer}, neuron {j}"
        for s in (1, 2, 3)
        for layer, n in ((1, 3), (2, 1))
        for j in range(1, n + 1)
    )
    one = MLP(2, [3, 1], seed=0)([1.0, 2.0])  # one sample: no sample to name
    assert sorted(box_labels(draw_dot(one).source))[0] == "layer 1, neuron 1"


def test_a_large_samples_drawing_is_capped_at_its_term():
    model = MLP(2, [8, 8, 1], seed=0, fused=False)
    terms = [(model(x) - t) ** 2 for x, t in BATCH]
    loss = sum(terms[1:], terms[0])
    source = draw_dot(loss, sample=3, max_nodes=60).source
    graph = Graph(loss)
    assert "more nodes" in source and f"nearest the output {graph.name(terms[2])}" in source
    own = {graph.name(n) for n in topological_order(terms[2])}
    assert set(boxes(source)) <= own and graph.name(terms[2]) in boxes(source)


def test_a_sample_that_is_not_there_is_named():
    _, loss, _ = batch_loss()
    with pytest.raises(ValueError, match=r"sample=4: the graph of h\d+ has samples 1 to 3"):
        draw_dot(loss, sample=4)
    with pytest.raises(ValueError, match="has samples 1 to 3"):
        draw_dot(loss, sample=0)
    with pytest.raises(TypeError, match="sample must be a sample's number"):
        draw_dot(loss, sample=True)
    f = sigmoid_graph(x=1.0, w=0.0, b=0.0)["h6"]
    with pytest.raises(VizError, match="sample=1: the graph of h6 has no model's pass in it"):
        draw_dot(f, sample=1)
    x = Value(1.0)
    with pytest.raises(VizError, match="no model's pass"):
        draw_dot(x * 2, sample=1)
