"""viz.step.text: the graph as a table, checked against the book's table (NNDL §4.5.3)."""

import pytest

from micrograd_nndl import MLP, Value, maxout
from micrograd_nndl.book import sigmoid_graph
from viz import format_graph, graph_rows, print_graph


def rows_by_name(root, **options):
    return {row[0]: row for row in graph_rows(root, **options)}


def test_the_books_table_after_backward():
    nodes = sigmoid_graph(x=1.0, w=0.0, b=0.0)
    nodes["h6"].backward()
    rows = rows_by_name(nodes["h6"])
    # (node, op, inputs, value, grad, local derivatives), as in the book's table
    assert rows["h1"] == ("h1", "×", "x, w", "0", "0.25", "∂h1/∂x = 0, ∂h1/∂w = 1")
    assert rows["h2"] == ("h2", "+", "h1, b", "0", "0.25", "∂h2/∂h1 = 1, ∂h2/∂b = 1")
    assert rows["h3"] == ("h3", "× -1", "h2", "0", "-0.25", "∂h3/∂h2 = -1")
    assert rows["h4"] == ("h4", "exp", "h3", "1", "-0.25", "∂h4/∂h3 = 1")
    assert rows["h5"] == ("h5", "+ 1", "h4", "2", "-0.25", "∂h5/∂h4 = 1")
    assert rows["h6"] == ("h6", "1 ÷", "h5", "0.5", "1", "∂h6/∂h5 = -0.25")
    assert rows["w"] == ("w", "leaf", "", "0", "0.25", "")
    assert rows["b"][4] == "0.25" and rows["x"][4] == "0"  # ∂f/∂x = w · 0.25 = 0


def test_before_backward_every_gradient_reads_not_computed():
    nodes = sigmoid_graph()
    assert {row[4] for row in graph_rows(nodes["h6"])} == {"—"}


def test_local_derivatives_follow_the_inputs_values():
    # at w = 2, x = 3: ∂h1/∂x = w = 2 and ∂h1/∂w = x = 3; h6 = σ(6 + b)
    nodes = sigmoid_graph(x=3.0, w=2.0, b=-1.0)
    rows = rows_by_name(nodes["h6"], digits=4)
    assert rows["h1"][5] == "∂h1/∂x = 2, ∂h1/∂w = 3"
    h5 = nodes["h5"].data
    assert rows["h6"][5] == f"∂h6/∂h5 = {-1 / h5**2:.4g}"


def test_values_and_grads_replace_the_nodes_own_and_missing_ones_read_not_computed():
    nodes = sigmoid_graph()
    w, h1 = nodes["w"], nodes["h1"]
    rows = rows_by_name(nodes["h6"], values={w: 0.0, h1: 0.0}, grads={w: 7.0})
    assert rows["w"][3:5] == ("0", "7") and rows["b"][3:5] == ("—", "—")
    assert rows["h1"][5] == "∂h1/∂x = 0, ∂h1/∂w = 1"
    assert rows["h2"][5] == ""  # not computed yet: no local derivatives either


def test_unlabelled_nodes_are_named_h1_h2_as_in_the_book():
    x, w = Value(2.0, "x"), Value(3.0, "w")
    y = (x * w).tanh()
    rows = graph_rows(y)
    assert [row[:3] for row in rows] == [
        ("x", "leaf", ""), ("w", "leaf", ""), ("h1", "×", "x, w"), ("h2", "tanh", "h1")
    ]  # fmt: skip


def test_an_undefined_local_derivative_is_written_undefined():
    x = Value(0.0, "x")
    y = x.sqrt()
    y.label = "y"
    assert rows_by_name(y)["y"][5] == "∂y/∂x = undefined"


def test_format_graph_is_aligned_with_a_header(capsys):
    nodes = sigmoid_graph()
    nodes["h6"].backward()
    text = format_graph(nodes["h6"])
    lines = text.splitlines()
    assert lines[0].split() == ["node", "op", "inputs", "value", "grad", "local", "derivatives"]
    assert set(lines[1]) <= {"-", " "}
    assert len(lines) == 2 + 9
    assert lines[-1].index("0.5") == lines[0].index("value")  # columns line up
    print_graph(nodes["h6"])
    assert capsys.readouterr().out == text + "\n"


def test_a_deep_graph_is_listed_without_recursion():
    x = Value(0.5, "x")
    y = x
    for _ in range(20_000):
        y = y * 1.0
    assert len(graph_rows(y)) == 20_001


def test_bad_arguments_name_themselves():
    with pytest.raises(TypeError, match="root must be a micrograd_nndl.Value"):
        format_graph([1, 2])
    with pytest.raises(ValueError, match="digits"):
        format_graph(Value(1.0), digits=0)


# ---- hostile sizes: wide nodes, many nodes ------------------------------------------------------


def test_a_maxout_of_8000_inputs_gives_a_bounded_table_that_says_what_it_left_out():
    """It took 7.5 s (every edge's name counted the node's inputs again) and padded 8001 rows
    to a 180,000-character cell."""
    xs = [Value(float(i), f"x{i}") for i in range(8000)]
    m = maxout(*xs)
    m.backward()
    lines = format_graph(m).splitlines()
    assert len(lines) == 2 + 200 + 1 + 1  # header, rule, rows, "… more rows", the note
    assert lines[102] == "… 7801 more rows"
    assert lines[-1] == (
        "(200 of 8001 nodes shown and cells cut at 80 characters: "
        "max_rows=None, max_width=None, or --max-rows 0 on the command line, show everything)"
    )
    assert max(len(line) for line in lines[:-1]) < 6 * 82
    last = lines[-2].split()
    assert last[:4] == ["h1", "max", "x0,", "x1,"] and "…" in lines[-2]
    assert lines[2].split() == ["x0", "leaf", "0", "0"]
    assert lines[-3].split() == ["x7999", "leaf", "7999", "1"]  # the arg-max gets it all
    everything = format_graph(m, max_rows=None, max_width=None).splitlines()
    assert len(everything) == 2 + 8001 and ", ".join(f"x{i}" for i in range(8000)) in everything[-1]


def test_a_784_input_mlp_loss_prints_a_bounded_table():
    """print_graph of a 784-16-1 MLP's loss wrote 345 MB, every row padded to 25,727 characters."""
    model = MLP(784, [16, 1], seed=0)
    loss = (model([0.5] * 784) - 1.0) ** 2
    loss.backward()
    text = format_graph(loss)
    assert len(text) < 200 * 6 * 82 and "nodes shown and cells cut at 80 characters" in text


@pytest.mark.parametrize(
    "option, value, error",
    [("max_rows", 1, ValueError), ("max_width", 7, ValueError), ("max_rows", 2.5, TypeError)],
)
def test_the_limits_are_checked(option, value, error):
    with pytest.raises(error, match=option):
        format_graph(Value(1.0, "x"), **{option: value})
