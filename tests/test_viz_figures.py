"""viz.draw_neuron and viz.draw_network: the book's figures 4.1 and 4.5 with a model's numbers."""

import math
import re

import pytest

from micrograd_nndl import MLP, Neuron, Value
from viz import draw_network, draw_neuron


def tanh_neuron():
    neuron = Neuron(3, activation="tanh", seed=1)
    x = [Value(1.0, "x1"), Value(-2.0, "x2"), Value(0.5, "x3")]
    return neuron, x


def test_a_neuron_shows_its_weights_sum_activation_and_output():
    neuron, x = tanh_neuron()
    source = draw_neuron(neuron, x).source
    z = sum(w.data * xi.data for w, xi in zip(neuron.w, x)) + neuron.b.data
    assert f"z = {z:.4g}" in source and f"a = {math.tanh(z):.4g}" in source
    for i, w in enumerate(neuron.w):
        assert f"w{'₁₂₃'[i]} = {w.data:.4g}" in source
    assert "f = tanh" in source and "grad" not in source  # no backward pass yet


def test_after_backward_a_neuron_shows_the_gradients():
    """∂a/∂wᵢ = xᵢ (1 − a²), ∂a/∂b = 1 − a², ∂a/∂xᵢ = wᵢ (1 − a²) (NNDL §4.1)."""
    neuron, x = tanh_neuron()
    a = neuron(x)
    a.backward()
    source = draw_neuron(neuron, x).source
    slope = 1 - a.data**2
    for i, (w, xi) in enumerate(zip(neuron.w, x)):
        assert f"w{'₁₂₃'[i]} = {w.data:.4g}<br/>grad {xi.data * slope:.4g}" in source
        assert f"grad {w.data * slope:.4g}" in source
    assert f"b<br/>0<br/>grad {slope:.4g}" in source
    assert draw_neuron(neuron, x).pipe("svg").startswith(b"<?xml")


def test_a_network_draws_every_neuron_with_its_activation_and_every_weight():
    model = MLP(3, [4, 4, 1], seed=0)
    x = [1.0, -2.0, 0.5]
    source = draw_network(model, x, title="MLP(3, [4, 4, 1])").source
    hidden = model.layers[0]([Value(v) for v in x])
    assert f"a⁽¹⁾₁<br/>{hidden[0].data:.4g}" in source
    assert f"<br/>{model(x).data:.4g}>" in source  # the output neuron's activation
    for label in (
        "input layer<br/>(l = 0)",
        "hidden layer<br/>(l = 2)",
        "output layer<br/>(l = 3)",
    ):
        assert label in source
    edges = re.findall(r"l(\d)n(\d+) -> l(\d)n(\d+) \[.*penwidth=([\d.]+)", source)
    assert len(edges) == 3 * 4 + 4 * 4 + 4 * 1  # one edge per weight
    weights = [w for layer in model.layers for n in layer.neurons for w in n.w]
    widths = [float(e[-1]) for e in edges]
    largest = max(range(len(weights)), key=lambda k: abs(weights[k].data))
    assert max(widths) == widths[largest] == 5.0  # the widest edge is the largest weight
    w = model.layers[1].neurons[2].w[0]  # w⁽²⁾₃₁: neuron 3 of layer 2 reads neuron 1 of layer 1
    assert f'tooltip="w⁽²⁾₃₁ = {w.data:.4g}"' in source
    colours = re.findall(r'color="(#\w+)"[^\]]*tooltip="w[^=]+= (-?)', source)
    assert all((sign == "-") == (colour == "#dc2626") for colour, sign in colours)


def test_a_network_can_be_drawn_by_its_gradients():
    model = MLP(2, [3, 1], seed=0)
    ((model([1.0, 2.0]) - 1.0) ** 2).backward()
    source = draw_network(model, [1.0, 2.0], by="grad").source
    assert "edge width: |∂L/∂w|" in source and ", grad " in source


def positions(source: str) -> dict[str, tuple[float, float]]:
    """Each node's pinned position (x, y) in the drawing's DOT source."""
    return {
        name: (float(x), float(y))
        for name, x, y in re.findall(
            r'\b(l\d+(?:n\d+|m))\b[^\n]*pos="([-\d.]+),([-\d.]+)!"', source
        )
    }


def test_every_layer_reads_neuron_1_on_top_in_its_own_column():
    """Left to Graphviz, the circles of a layer came out in any order (a⁽¹⁾₇ above a⁽¹⁾₁)."""
    model = MLP(3, [4, 4, 1], seed=0)
    at = positions(draw_network(model, [1.0, -2.0, 0.5]).source)
    for depth, count in enumerate([3, 4, 4, 1]):
        column = [at[f"l{depth}n{i}"] for i in range(1, count + 1)]
        assert len({x for x, _ in column}) == 1  # one column per layer
        assert [y for _, y in column] == sorted((y for _, y in column), reverse=True)
    assert at["l0n1"][0] < at["l1n1"][0] < at["l2n1"][0] < at["l3n1"][0]


def test_a_wide_layer_shows_its_first_neurons_and_its_last():
    """MLP(2, [64, 64, 1]) drew 4,224 edges into a 1069 × 6544 px picture."""
    model = MLP(2, [64, 64, 1], seed=0)
    source = draw_network(model, [0.5, -1.0], max_per_layer=6).source
    at = positions(source)
    drawn = [i for i in range(1, 65) if f"l1n{i}" in at]
    assert drawn == [1, 2, 3, 4, 64] and "…<br/>59 more" in source
    assert at["l1n4"][1] > at["l1m"][1] > at["l1n64"][1]  # "…" between the 4th and the last
    edges = re.findall(r"l(\d)n(\d+) -> l(\d)n(\d+)", source)
    assert len(edges) == 2 * 5 + 5 * 5 + 5 * 1  # the weights between circles drawn only
    w = model.layers[1].neurons[63].w[3]  # w⁽²⁾₆₄,₄ is drawn, with its own value
    assert f"{w.data:.4g}" in re.search(r"l1n4 -> l2n64 \[[^\]]*\]", source).group(0)
    with pytest.raises(ValueError, match="max_per_layer must be an integer >= 2"):
        draw_network(model, [0.5, -1.0], max_per_layer=1)


def test_by_grad_needs_a_backward_pass_and_dashes_the_weights_it_did_not_reach():
    """by="grad" before any backward drew every edge blue and equally wide, as if computed."""
    model = MLP(2, [3, 2], seed=0)
    with pytest.raises(ValueError, match="no backward pass has computed yet"):
        draw_network(model, [1.0, 2.0], by="grad")
    model([1.0, 2.0])[0].backward()  # the loss reads output 1 only: output 2's weights unreached
    source = draw_network(model, [1.0, 2.0], by="grad").source
    unreached = re.search(r"l1n3 -> l2n2 \[[^\]]*\]", source).group(0)
    assert "dashed" in unreached and "dashed: not reached by the backward pass" in source
    assert "dashed" not in re.search(r"l1n3 -> l2n1 \[[^\]]*\]", source).group(0)


def test_bad_arguments_are_named():
    with pytest.raises(TypeError, match="draw_neuron needs a Neuron, not MLP"):
        draw_neuron(MLP(2, [1]), [1.0, 2.0])
    with pytest.raises(ValueError, match="the model takes 2 inputs, got 3"):
        draw_network(MLP(2, [1]), [1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match='by must be "weight" or "grad"'):
        draw_network(MLP(2, [1]), [1.0, 2.0], by="size")
