"""viz.step.chain_rule: ∂root/∂x as the sum over paths of products of local derivatives."""

import math

import pytest
from hypothesis import given

from micrograd_nndl import (
    NonFiniteGradientError,
    Value,
    maxout,
    numeric_grads,
    topological_order,
)
from micrograd_nndl.book import sigmoid_graph
from micrograd_nndl.testing import expressions
from viz import VizError, explain, explain_each
from viz.number_format import DIGITS, format_number
from viz.step.chain_rule import MAX_COUNTED


def test_the_books_product_for_df_dw():
    """NNDL §4.5.3: ∂f/∂w = 1 × (−0.25) × 1 × 1 × (−1) × 1 × 1 = 0.25."""
    nodes = sigmoid_graph(x=1.0, w=0.0, b=0.0)
    rule = explain(nodes["h6"], nodes["w"])
    assert rule.path_count == 1
    (path,) = rule.paths
    assert [n.label for n in path.nodes] == ["h6", "h5", "h4", "h3", "h2", "h1", "w"]
    assert path.factors == (-0.25, 1.0, 1.0, -1.0, 1.0, 1.0)
    assert path.product == rule.total == 0.25
    assert str(rule).splitlines() == [
        "∂h6/∂w: 1 path, each a product of local derivatives",
        "  path 1: ∂h6/∂h5 · ∂h5/∂h4 · ∂h4/∂h3 · ∂h3/∂h2 · ∂h2/∂h1 · ∂h1/∂w",
        "        = (-0.25) × 1 × 1 × (-1) × 1 × 1 = 0.25",
        "∂h6/∂w = 0.25",
    ]


def test_df_db_and_df_dx():
    nodes = sigmoid_graph(x=1.0, w=0.0, b=0.0)
    assert explain(nodes["h6"], nodes["b"]).total == 0.25
    rule = explain(nodes["h6"], nodes["x"])
    assert rule.paths[0].factors[-1] == 0.0  # ∂h1/∂x = w = 0
    assert rule.total == 0.0


def test_several_paths_add_up():
    # y = x·x + x: three edges reach x, dy/dx = x + x + 1 = 2x + 1
    x = Value(3.0, "x")
    y = x * x + x
    y.label = "y"
    rule = explain(y, x)
    assert rule.path_count == 3
    assert [p.product for p in rule.paths] == [3.0, 3.0, 1.0]
    assert rule.total == 7.0 == 2 * 3.0 + 1
    assert str(rule).splitlines()[-1] == "∂y/∂x = 3 + 3 + 1 = 7"
    assert "∂h1/∂x (input 2)" in str(rule)


def test_an_inner_node_and_the_output_itself():
    nodes = sigmoid_graph()
    h3 = explain(nodes["h6"], nodes["h3"])
    assert h3.total == -0.25 and [n.label for n in h3.paths[0].nodes] == ["h6", "h5", "h4", "h3"]
    itself = explain(nodes["h6"], nodes["h6"])
    assert itself.total == 1.0 and itself.paths[0].factors == ()
    assert "the output itself" in str(itself)


def test_too_many_paths_are_counted_and_summed_by_the_reverse_walk():
    # z_{k+1} = 0.5·z_k + 0.5·z_k: 2^40 paths to x, each of product 0.5^40; dz/dx = 1
    x = Value(1.0, "x")
    z = x
    for _ in range(40):
        z = z * 0.5 + z * 0.5
    rule = explain(z, x, max_paths=3)
    assert rule.path_count == 2**40
    assert len(rule.paths) == 3
    assert all(p.product == 0.5**40 for p in rule.paths)
    assert rule.total == 1.0
    assert f"… and {2**40 - 3} more paths" in str(rule)


@given(expressions(n_inputs=2, max_steps=6))
def test_the_sum_over_paths_is_the_gradient(expr):
    leaves = [Value(v, f"x{i + 1}") for i, v in enumerate(expr.inputs)]
    root = expr(*leaves)
    root.backward()
    numeric = numeric_grads(expr, expr.inputs)
    in_graph = {id(n) for n in topological_order(root)}
    for leaf, central_difference in zip(leaves, numeric):
        if id(leaf) not in in_graph:
            continue
        rule = explain(root, leaf, max_paths=5)
        assert rule.total == pytest.approx(leaf.grad, rel=1e-9, abs=1e-12)
        assert rule.total == pytest.approx(central_difference, rel=1e-4, abs=1e-5)
        if rule.path_count <= 5:
            assert math.fsum(p.product for p in rule.paths) == pytest.approx(rule.total)


def test_a_node_outside_the_graph_is_named():
    nodes = sigmoid_graph()
    with pytest.raises(VizError, match="'z' is not in the graph of h6"):
        explain(nodes["h6"], Value(1.0, "z"))
    with pytest.raises(TypeError, match="wrt must be a micrograd_nndl.Value, not str"):
        explain(nodes["h6"], "w")


def test_an_undefined_local_derivative_is_an_error_naming_the_node():
    x = Value(0.0, "x")
    y = x.sqrt()  # d√x/dx = 1/(2√x): division by zero at 0
    y.label = "y"
    with pytest.raises(NonFiniteGradientError, match=r"of y are undefined at x = 0\.0 \(sqrt"):
        explain(y, x)


def test_only_the_edges_on_a_path_must_be_finite():
    # z = x^p at x = −2, p = 2: ∂z/∂x = p·x^(p−1) = −4, but ∂z/∂p = x^p·ln x is undefined
    x, p = Value(-2.0, "x"), Value(2.0, "p")
    z = x**p
    z.label = "z"
    assert explain(z, x).total == -4.0
    with pytest.raises(NonFiniteGradientError, match=r"∂z/∂p is undefined at x = -2\.0, p = 2"):
        explain(z, p)


@pytest.mark.parametrize("max_paths", [0, -1, 2.0, True])
def test_max_paths_must_be_a_positive_integer(max_paths):
    nodes = sigmoid_graph()
    with pytest.raises(ValueError, match="max_paths must be a positive integer"):
        explain(nodes["h6"], nodes["w"], max_paths=max_paths)


# ---- hostile sizes: more paths than a number can say, paths longer than a line -----------------


def test_more_than_10_to_the_4300_paths_are_counted_without_overflow():
    """explain() used to raise ValueError: Exceeds the limit (4300 digits) for integer string
    conversion. maxout(h, h, …, h) of 100 copies multiplies the paths by 100 and passes h on:
    2200 of them make 10^4400 paths and ∂f/∂x = 1."""
    x = Value(0.5, "x")
    h = x
    for _ in range(2200):
        h = maxout(*[h] * 100)
    rule = explain(h, x, max_paths=3)
    lines = rule.text.splitlines()
    assert lines[0].endswith(": more than 10^18 paths, each a product of local derivatives")
    assert "  … and more than 10^18 others (not listed)" in lines
    assert lines[-1] == (
        f"∂{lines[0][1:].split('/')[0]}/∂x = 1 (all paths, summed node by node from the output "
        "back, as backward() sums them: reverse mode)"
    )
    assert rule.path_count == MAX_COUNTED + 1 and rule.total == 1.0 and len(rule.paths) == 3
    assert all(len(path.factors) == 2200 and path.product in (0.0, 1.0) for path in rule.paths)


def test_an_exact_count_up_to_the_limit_is_stated_exactly():
    x = Value(0.5, "x")
    h = x
    for _ in range(59):  # 2^59 < 10^18 paths: stated as they are
        h = h + h
    assert (
        explain(h, x, max_paths=1)
        .text.splitlines()[0]
        .endswith(f": {2**59} paths, each a product of local derivatives")
    )


def test_a_long_path_shows_its_first_and_last_factors_and_says_how_to_see_all():
    """A chain of 10^4 nodes wrote 10^4 factors on one line; the product is still every one."""
    x = Value(1.0, "x")
    h = x
    for _ in range(10_000):
        h = h * 1.0001
    rule = explain(h, x)
    path_line, values_line, note, result = rule.text.splitlines()[1:]
    assert path_line.count("∂") == 2 * 16 and "… (9984 more) …" in path_line
    assert values_line.count(" × ") == 16 and "… (9984 more) …" in values_line
    assert "max_factors=None, or --max-factors 0 on the command line, shows every one" in note
    assert math.isclose(rule.total, 1.0001**10_000, rel_tol=1e-9)
    assert result == f"∂h10000/∂x = {format_number(rule.total, DIGITS)}"
    everything = explain(h, x, max_factors=None).text
    assert everything.splitlines()[1].count("∂") == 2 * 10_000 and "more) …" not in everything
    with pytest.raises(ValueError, match="max_factors must be a positive integer, got 0"):
        explain(h, x, max_factors=0)


def test_explain_each_is_explain_for_every_variable_with_one_walk():
    nodes = sigmoid_graph(x=1.0, w=0.0, b=0.0)
    f = nodes["h6"]
    wrts = [nodes["w"], nodes["b"], nodes["x"], f]
    rules = explain_each(f, wrts, max_paths=1)
    assert [r.text for r in rules] == [explain(f, v, max_paths=1).text for v in wrts]
    assert [r.total for r in rules] == [0.25, 0.25, 0.0, 1.0]
    with pytest.raises(VizError, match="is not in the graph"):
        explain_each(f, [nodes["w"], Value(1.0, "stranger")])


def test_a_chain_of_200000_nodes_is_explained_exactly_in_a_bounded_text():
    """explain on a 2×10⁵-node chain took 19 s and 595 MB (every factor of the one path kept
    and written out); the walk is linear now and the text a few lines, the product exact."""
    x = Value(1.0, "x")
    h = x
    for _ in range(200_000):
        h = h * 1.000001
    rule = explain(h, x)
    assert rule.path_count == 1 and len(rule.text) < 1000
    assert math.isclose(rule.total, 1.000001**200_000, rel_tol=1e-9)
    assert "… (199984 more) …" in rule.text.splitlines()[1]
