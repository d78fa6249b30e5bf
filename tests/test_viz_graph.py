"""viz.graph and viz.fmt: the names and numbers every view shares."""

import pytest

from micrograd_nndl import Value, topological_order
from micrograd_nndl.book import sigmoid_graph
from viz import VizError
from viz.fmt import check_digits, format_number
from viz.graph import Graph, local_derivatives


def test_book_graph_keeps_the_books_names_in_evaluation_order():
    nodes = sigmoid_graph()
    graph = Graph(nodes["h6"])
    assert [graph.name(n) for n in graph.nodes] == [
        "x",
        "w",
        "h1",
        "b",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
    ]
    assert graph.nodes == topological_order(nodes["h6"])


def test_unlabeled_and_repeated_labels_get_numbered_unique_names():
    x = Value(2.0, "x")
    a, b = Value(1.0, "p"), Value(3.0, "p")  # two nodes with one label
    y = x * a + x * b + 1.0
    graph = Graph(y)
    names = [graph.name(n) for n in graph.nodes]
    assert len(set(names)) == len(names)
    assert names == ["x", "p#1", "mul#1", "p#2", "mul#2", "add#1", "add#2"]


def test_generated_names_never_take_a_users_label():
    x = Value(1.0, "add#1")
    y = (x + 2.0) + 3.0
    names = [Graph(y).name(n) for n in Graph(y).nodes]
    assert names == ["add#1", "add#2", "add#3"]


def test_an_input_used_twice_has_two_edges_named_apart():
    x = Value(3.0, "x")
    y = x * x
    y.label = "y"
    graph = Graph(y)
    assert graph.edge(y, 0) == "∂y/∂x (input 1)"
    assert graph.edge(y, 1) == "∂y/∂x (input 2)"
    assert local_derivatives(y) == (3.0, 3.0)  # ∂(x·x)/∂x = x + x: one term per edge


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


def test_numbers_are_short_and_keep_the_sign_of_zero():
    assert format_number(0.25) == "0.25"
    assert format_number(-0.0) == "-0"  # the book's h3 = h2 × (−1) at h2 = 0 (NNDL §4.5.3)
    assert format_number(1 / 3, 4) == "0.3333"
    assert format_number(None) == "—"
    assert format_number(float("nan")) == "nan"


@pytest.mark.parametrize("digits", [0, 18, 2.5, True, "6"])
def test_bad_digits_are_refused(digits):
    with pytest.raises(ValueError, match="digits must be an integer from 1 to 17"):
        check_digits(digits)
