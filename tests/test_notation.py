"""A name that is itself a formula reads as one name in every ∂a/∂b the project writes."""

import pytest

from micrograd_nndl import (
    NonFiniteGradientError,
    Value,
    derivative_text,
    gradcheck_report,
    name_in_formula,
)
from viz import Stepper, draw_dot, explain, format_graph, stepper_html
from viz.graph import Graph

SUM, PRODUCT = "x1*w1 + x2*w2", "x1*w1"


def lecture():
    """Karpathy's lecture neuron, labelled as the lecture labels it: o = tanh(x1·w1 + x2·w2 + b)."""
    x1, x2 = Value(2.0, "x1"), Value(0.0, "x2")
    w1, w2, b = Value(-3.0, "w1"), Value(1.0, "w2"), Value(6.8813735870195432, "b")
    x1w1, x2w2 = x1 * w1, x2 * w2
    x1w1.label, x2w2.label = PRODUCT, "x2*w2"
    s = x1w1 + x2w2
    s.label = SUM
    n = s + b
    n.label = "n"
    o = n.tanh()
    o.label = "o"
    return o, x1w1, s


@pytest.mark.parametrize(
    "of, wrt, text",
    [
        ("f", ("w",), "∂f/∂w"),
        (SUM, (PRODUCT,), "∂(x1*w1 + x2*w2)/∂(x1*w1)"),
        ("n", (SUM,), "∂n/∂(x1*w1 + x2*w2)"),
        ("w⁽¹⁾₂₃", ("label#2",), "∂w⁽¹⁾₂₃/∂label#2"),  # the project's own names stay bare
        ("loss", ("layers.0.neurons.1.w.0",), "∂loss/∂layers.0.neurons.1.w.0"),
        ("s", ("q[0]",), "∂s/∂q[0]"),  # tiny_gpt's leaves: an index is part of the name
        ("s", ("q[i + 1]",), "∂s/∂(q[i + 1])"),
        ("f", ("x", "y"), "∂²f/∂x∂y"),
        ("f", ("a b", "a b"), "∂²f/∂(a b)²"),
        ("-1", ("x",), "∂(-1)/∂x"),
    ],
)
def test_a_name_that_is_not_plain_goes_in_parentheses(of, wrt, text):
    assert derivative_text(of, *wrt) == text


def test_a_derivative_is_of_first_or_second_order():
    with pytest.raises(ValueError, match="first or second derivative, not 3 names"):
        derivative_text("f", "x", "y", "z")
    assert name_in_formula("h1") == "h1" and name_in_formula("a+b") == "(a+b)"


def test_every_view_writes_the_lectures_edges_in_parentheses():
    o, x1w1, s = lecture()
    edge = "∂(x1*w1 + x2*w2)/∂(x1*w1)"
    source = draw_dot(o, style="boxes").source  # the drawing's edge labels, written out
    assert f'label="{edge} = 1"' in source and 'label="∂n/∂(x1*w1 + x2*w2) = 1"' in source
    assert 'label="∂(x1*w1)/∂w1 = 2"' in source and "∂x1*w1" not in source
    table = format_graph(o)  # the text view's local derivatives
    assert f"{edge} = 1, ∂(x1*w1 + x2*w2)/∂(x2*w2) = 1" in table
    chain = explain(o, x1w1).text  # the chain rule: ∂o/∂(x1*w1) = 0.5 · 1 · 1
    assert chain.splitlines()[1] == f"  path 1: ∂o/∂n · ∂n/∂(x1*w1 + x2*w2) · {edge}"
    assert chain.splitlines()[-1] == "∂o/∂(x1*w1) = 0.5"
    assert Graph(o).edge(s, 0) == edge


def test_the_steps_write_a_formula_label_as_one_name():
    o, _, _ = lecture()
    stepper = Stepper(o)
    steps = [str(s) for s in iter(lambda: stepper.forward() or stepper.backward(), None)]
    assert steps[2] == "forward 3/5: x1*w1 + x2*w2 = (x1*w1) + (x2*w2) = (-6) + 0 = -6"
    assert steps[3] == "forward 4/5: n = (x1*w1 + x2*w2) + b = (-6) + 6.881 = 0.8814"
    assert steps[8].splitlines()[1] == (  # ∂n/∂s = 1, o.grad·tanh' = 1 - 0.5 = 0.5
        "  (x1*w1).grad += ∂(x1*w1 + x2*w2)/∂(x1*w1) × (x1*w1 + x2*w2).grad = 1 × 0.5 = 0.5"
    )
    last = "  x1.grad += ∂(x1*w1)/∂x1 × (x1*w1).grad = (-3) × 0.5 = -1.5"
    assert steps[-1].splitlines()[1] == last
    page = stepper_html(o)  # the page's sentence, formulas and explainer
    assert "∂(x1*w1 + x2*w2)/∂input × (x1*w1 + x2*w2).grad" in page
    path = "∂o/∂n · ∂n/∂(x1*w1 + x2*w2) · ∂(x1*w1 + x2*w2)/∂(x1*w1) · ∂(x1*w1)/∂w1"
    assert path in page and "∂x1*w1" not in page


def test_checks_and_engine_errors_write_names_alike():
    report = gradcheck_report(lambda a, b: a * b, [2.0, 3.0], names=["a b", "c"], output="a·b")
    assert [row.derivative for row in report.rows] == ["∂(a·b)/∂(a b)", "∂(a·b)/∂c"]
    second = gradcheck_report(lambda a, b: a * b, [2.0, 3.0], order=2, names=["x", "y+1"])
    assert [row.derivative for row in second.rows][:2] == ["∂²f/∂x²", "∂²f/∂x∂(y+1)"]


def test_a_backward_error_names_the_edge_as_the_views_do():
    """√x at x = 1e-300 has ∂/∂x = 0.5/√x = 5e149; times an upstream 1e200 it overflows."""
    x = Value(1e-300, "x")
    y = x.sqrt()
    y.label = "sqrt(x)"
    z = y * 1e200
    with pytest.raises(NonFiniteGradientError) as caught:
        z.backward()
    assert "∂(sqrt(x))/∂x = 5e+149 times (sqrt(x)).grad = 1e+200" in str(caught.value)
