"""The book's σ(wx+b) computation graph at x=1, w=0, b=0 (NNDL §4.5.3), number by number."""

import subprocess
import sys

import pytest

from micrograd_nndl.book import derivative_table, format_table, sigmoid_graph


@pytest.fixture
def graph():
    nodes = sigmoid_graph(x=1.0, w=0.0, b=0.0)
    nodes["h6"].backward()
    return nodes


def test_forward_values(graph):
    values = {name: graph[name].data for name in ("h1", "h2", "h3", "h4", "h5", "h6")}
    assert values == {"h1": 0.0, "h2": 0.0, "h3": 0.0, "h4": 1.0, "h5": 2.0, "h6": 0.5}


def test_local_derivatives(graph):
    assert graph["h1"].local_grads() == (0.0, 1.0)  # ∂h1/∂x = w = 0, ∂h1/∂w = x = 1
    assert graph["h2"].local_grads() == (1.0, 1.0)
    assert graph["h3"].local_grads() == (-1.0,)
    assert graph["h4"].local_grads() == (1.0,)  # exp(h3) = 1
    assert graph["h5"].local_grads() == (1.0,)
    assert graph["h6"].local_grads() == (-0.25,)  # −1/h5² = −0.25


def test_reverse_mode_accumulation_and_the_gradients(graph):
    """∂f/∂h6 = 1, ∂f/∂h5 = −0.25, …, ∂f/∂h1 = 0.25; ∂f/∂w = ∂f/∂b = 0.25, ∂f/∂x = 0."""
    grads = [graph[n].grad for n in ("h6", "h5", "h4", "h3", "h2", "h1")]
    assert grads == [1.0, -0.25, -0.25, -0.25, 0.25, 0.25]
    assert (graph["w"].grad, graph["b"].grad, graph["x"].grad) == (0.25, 0.25, 0.0)


def test_chain_rule_product_along_the_path(graph):
    """∂f/∂w = ∂f/∂h6 · ∂h6/∂h5 · ∂h5/∂h4 · ∂h4/∂h3 · ∂h3/∂h2 · ∂h2/∂h1 · ∂h1/∂w."""
    product = 1.0
    for name in ("h6", "h5", "h4", "h3", "h2"):
        product *= graph[name].local_grads()[0]
    product *= graph["h1"].local_grads()[1]
    assert product == 0.25 == graph["w"].grad


def test_table_rows_and_the_demo_output(graph):
    rows = derivative_table(graph)
    assert rows[5] == ("h6", "1 ÷", "∂h6/∂h5 = -0.25", "0.5")
    assert rows[4][3] == "2"
    text = format_table(graph)
    assert "∂f/∂w = 0.25   ∂f/∂b = 0.25" in text
    out = subprocess.run(
        [sys.executable, "-m", "micrograd_nndl"], capture_output=True, text=True, check=True
    ).stdout
    assert "∂h6/∂h5 = -0.25" in out and "∂f/∂w = 0.25" in out
    assert "-0 " not in out and not out.rstrip().endswith("-0")  # h3 = 0 × (−1) reads 0
    h3_row = next(line for line in out.splitlines() if line.startswith("h3"))
    assert h3_row.split()[-1] == "0"
