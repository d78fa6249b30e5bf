"""viz.graph and viz.number_format: the names and numbers every view shares."""

import pytest

from micrograd_nndl import MLP, Neuron, Value, topological_order
from micrograd_nndl.book import sigmoid_graph
from viz import VizError, draw_dot
from viz.graph import Graph, local_derivatives, node_names, shown_grad, shown_value
from viz.number_format import check_digits, format_factor, format_number


def names(root):
    graph = Graph(root)
    return [graph.name(n) for n in graph.nodes]


def test_book_graph_keeps_the_books_names_in_evaluation_order():
    nodes = sigmoid_graph()
    graph = Graph(nodes["h6"])
    assert names(nodes["h6"]) == ["x", "w", "h1", "b", "h2", "h3", "h4", "h5", "h6"]
    assert graph.nodes == topological_order(nodes["h6"])


def test_unlabelled_nodes_get_the_books_names_h1_h2_in_forward_order():
    """σ(wx + b) built without labels on the ops is named as the book numbers it (§4.5.3)."""
    x, w, b = Value(1.0, "x"), Value(0.0, "w"), Value(0.0, "b")
    f = 1 / ((-1 * (x * w + b)).exp() + 1)
    assert names(f) == ["x", "w", "h1", "b", "h2", "h3", "h4", "h5", "h6"]


def test_unlabelled_leaves_are_x1_x2_and_shared_labels_are_numbered():
    """An unlabelled leaf is x₁, x₂, … as the book's figures write a neuron's inputs, beside
    its w₁, w₂; the primitives are h1, h2, … as §4.5.3's table numbers them."""
    x = Value(2.0, "x")
    a, b = Value(1.0, "p"), Value(3.0, "p")  # two nodes with one label
    y = x * a + x * b + Value(1.0)
    assert names(y) == ["x", "p#1", "h1", "p#2", "h2", "h3", "x₁", "h4"]


def test_a_neurons_inputs_and_weights_are_written_alike():
    neuron = Neuron(2, fused=False)
    y = neuron([1.0, 2.0])
    drawn = {name for name in names(y) if name[0] in "xw"}
    assert drawn == {"x₁", "x₂", "w₁", "w₂"}
    assert "∂h1/∂x₁ = " in draw_dot(y).source and "∂h1/∂w₁ = " in draw_dot(y).source


def test_generated_names_never_take_a_users_label():
    x = Value(1.0, "h1")
    y = (x + 2.0) * Value(3.0, "x1") + Value(4.0)
    assert names(y) == ["h1", "h2", "x1", "h3", "x₂", "h4"]  # x₁ would read as the label x1
    assert len(set(node_names(topological_order(y)))) == 6


def test_an_input_used_twice_has_two_edges_named_apart():
    x = Value(3.0, "x")
    y = x * x
    y.label = "y"
    graph = Graph(y)
    assert graph.edge(y, 0) == "∂y/∂x (input 1)"
    assert graph.edge(y, 1) == "∂y/∂x (input 2)"
    assert local_derivatives(y) == (3.0, 3.0)  # ∂(x·x)/∂x = x + x: one term per edge


def test_nearest_to_root_takes_the_output_end_breadth_first():
    nodes = sigmoid_graph()
    graph = Graph(nodes["h6"])
    assert [graph.name(n) for n in graph.nearest_to_root(3)] == ["h4", "h5", "h6"]
    assert [graph.name(n) for n in graph.nearest_to_root(7)] == [
        "h1", "b", "h2", "h3", "h4", "h5", "h6"
    ]  # fmt: skip
    assert graph.nearest_to_root(100) == graph.nodes


def test_shown_values_and_grads_say_not_computed_with_none():
    nodes = sigmoid_graph()
    w, f = nodes["w"], nodes["h6"]
    assert shown_grad(w, None) is None  # no backward yet: not computed, not 0
    assert shown_value(w, None) == 0.0 and shown_value(w, {}) is None
    f.backward()
    assert shown_grad(w, None) == 0.25 and shown_grad(w, {w: 7.0}) == 7.0
    assert shown_grad(w, {}) is None


def test_a_node_of_another_graph_is_named_in_the_error():
    graph = Graph(sigmoid_graph()["h6"])
    with pytest.raises(VizError, match="'stranger' is not in the graph of h6"):
        graph.name(Value(1.0, "stranger"))


def test_a_non_value_root_is_a_type_error_naming_the_argument():
    with pytest.raises(TypeError, match="root must be a micrograd_nndl.Value, not float"):
        Graph(1.5)


def test_an_undefined_local_derivative_is_none_not_an_exception():
    root = Value(0.0, "x").sqrt()  # d√x/dx = 1/(2√x) divides by zero at 0
    assert local_derivatives(root) is None


def test_numbers_are_short_and_zero_has_no_sign():
    assert format_number(0.25) == "0.25"
    assert format_number(-0.0) == "0"  # the book writes h3 = h2 × (−1) = 0 (NNDL §4.5.3)
    assert format_number(1 / 3, 4) == "0.3333"
    assert format_number(None) == "—"
    assert format_number(float("nan")) == "nan"
    assert format_factor(-0.25) == "(-0.25)" and format_factor(1.0) == "1"


@pytest.mark.parametrize("digits", [0, 18, 2.5, True, "6"])
def test_bad_digits_are_refused(digits):
    with pytest.raises(ValueError, match="digits must be an integer from 1 to 17"):
        check_digits(digits)


def test_every_public_name_of_viz_loads_on_first_use():
    """viz imports its modules lazily (so the CLI can catch Ctrl-C before numpy loads): each
    name of __all__ is found where the table says, and nothing else is."""
    import viz

    assert sorted(viz.__all__) == sorted(viz._HOMES)
    for name in viz.__all__:
        assert getattr(viz, name).__module__.startswith(f"viz.{viz._HOMES[name]}")
    with pytest.raises(AttributeError, match="module 'viz' has no attribute 'nope'"):
        viz.nope  # noqa: B018


@pytest.mark.parametrize("fused", [True, False])
def test_a_models_inputs_are_named_by_feature_and_by_sample_as_the_book(fused):
    model = MLP(2, [3, 1], seed=0, fused=fused)
    one = Graph(model([1.0, -1.0]))
    assert [one.name(n) for n in one.nodes if n.is_leaf and not n.label] == ["x₁", "x₂"]
    batch = [([1.0, -1.0], 1.0), ([0.5, 3.0], -1.0), ([2.0, 0.0], 1.0)]
    graph = Graph(sum((model(x) - y) ** 2 for x, y in batch))
    inputs = {graph.name(n): n.data for n in graph.nodes if n.is_leaf and not n.label}
    assert inputs == {  # x⁽ⁿ⁾ᵢ: sample n's feature i (NNDL's x⁽ⁿ⁾), never sample 2's x as x₃
        "x⁽¹⁾₁": 1.0, "x⁽¹⁾₂": -1.0, "x⁽²⁾₁": 0.5, "x⁽²⁾₂": 3.0, "x⁽³⁾₁": 2.0, "x⁽³⁾₂": 0.0,
    }  # fmt: skip
