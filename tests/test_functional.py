"""Forward mode and higher-order derivatives from the same op table (NNDL §4.5.3)."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from micrograd_nndl import (
    MLP,
    GradcheckError,
    Value,
    forward_tangents,
    grad,
    gradcheck,
    hessian,
    hvp,
    jvp,
)
from micrograd_nndl.book import sigmoid_graph
from micrograd_nndl.ops import logistic
from micrograd_nndl.testing import expressions


def test_the_books_forward_mode_column():
    """∂h1/∂w = 1, ∂h2/∂w = 1, ∂h3/∂w = −1, ∂h4/∂w = −1, ∂h5/∂w = −1, ∂h6/∂w = 0.25."""
    nodes = sigmoid_graph(x=1.0, w=0.0, b=0.0)
    tangents = forward_tangents(nodes["h6"], {nodes["w"]: 1.0})
    column = [tangents[nodes[f"h{i}"]] for i in range(1, 7)]
    assert column == [1.0, 1.0, -1.0, -1.0, -1.0, 0.25]
    assert tangents[nodes["x"]] == 0.0 and tangents[nodes["w"]] == 1.0


@given(expressions(n_inputs=3, max_steps=8), st.integers(0, 2))
def test_forward_mode_equals_reverse_mode_on_random_graphs(expr, i):
    leaves = [Value(x) for x in expr.inputs]
    out = expr(*leaves)
    out.backward()
    seeds = [1.0 if j == i else 0.0 for j in range(3)]
    value, directional = jvp(expr, expr.inputs, seeds)
    assert value == out.data
    assert directional == pytest.approx(leaves[i].grad, rel=1e-12, abs=1e-12)


def test_jvp_is_the_directional_derivative():
    value, d = jvp(lambda a, b: a * b + a.sin(), [2.0, 3.0], [0.5, -1.0])
    assert value == pytest.approx(6 + math.sin(2))
    assert d == pytest.approx(0.5 * (3 + math.cos(2)) - 1.0 * 2)
    with pytest.raises(ValueError, match="2 primals but 1 tangents"):
        jvp(lambda a, b: a * b, [1.0, 2.0], [1.0])


def test_second_derivative_of_x_cubed_is_6x():
    d2 = grad(grad(lambda x: x**3))
    for x in (-1.5, 0.0, 2.0):
        assert d2(x).data == pytest.approx(6 * x)
    assert grad(grad(grad(lambda x: x**3)))(0.7).data == pytest.approx(6.0)


@pytest.mark.parametrize(
    ("f", "second"),
    [
        (lambda v: v.sigmoid(), lambda x: logistic(x) * (1 - logistic(x)) * (1 - 2 * logistic(x))),
        (lambda v: v.tanh(), lambda x: -2 * math.tanh(x) * (1 - math.tanh(x) ** 2)),
        (lambda v: v.exp(), math.exp),
        (lambda v: v.log(), lambda x: -1 / x**2),
        (lambda v: v**2.5, lambda x: 2.5 * 1.5 * x**0.5),
        (lambda v: 3.0**v, lambda x: math.log(3.0) ** 2 * 3.0**x),
        (lambda v: v.sin(), lambda x: -math.sin(x)),
        (lambda v: v.softplus(), lambda x: logistic(x) * (1 - logistic(x))),
    ],
)
@pytest.mark.parametrize("x", [0.3, 1.1, 2.4])
def test_second_derivatives_match_analytic_forms(f, second, x):
    assert grad(grad(f))(x).data == pytest.approx(second(x), rel=1e-9, abs=1e-12)


@given(expressions(n_inputs=2, max_steps=5))
def test_hessians_of_random_graphs_match_finite_differences(expr):
    gradcheck(expr, expr.inputs, atol=1e-4, rtol=1e-3, order=2)


def test_mixed_partials_and_the_hessian_vector_product():
    f = lambda a, b: a * a * b + (a * b).sin()  # noqa: E731
    a, b = 0.4, 1.3
    h = hessian(f)(a, b)
    s, c = math.sin(a * b), math.cos(a * b)
    expected = [[2 * b - b * b * s, 2 * a + c - a * b * s], [2 * a + c - a * b * s, -a * a * s]]
    for row, want in zip(h, expected):
        assert row == pytest.approx(want, rel=1e-12)
    assert h[0][1] == h[1][0]
    v = [0.7, -2.0]
    assert hvp(f, [a, b], v) == pytest.approx([h[i][0] * v[0] + h[i][1] * v[1] for i in range(2)])


def test_a_small_mlp_loss_has_correct_second_derivatives_in_its_inputs():
    model = MLP(2, [3, 1], activation="tanh", seed=0)

    def loss(x1, x2):
        out = model([x1, x2])
        return (out - 0.5) ** 2

    gradcheck(loss, [0.3, -0.8], order=2, atol=1e-6, rtol=1e-4)


def test_grad_with_several_argnums_and_value_inputs_keeps_their_grads_untouched():
    w = Value(2.0, "w")
    dw, dx = grad(lambda w, x: w * x * x, argnums=(0, 1))(w, 3.0)
    assert (dw.data, dx.data) == (9.0, 12.0)
    assert not w.has_grad  # grad() builds a new graph; it does not write .grad
    with pytest.raises(IndexError, match="argnums 2"):
        grad(lambda a: a, argnums=2)(1.0)


def test_a_second_order_mismatch_is_reported_with_a_table():
    """relu(x)² has a jump in its second derivative at 0: a difference step that crosses it
    disagrees with the exact value, and the table names the entry."""
    with pytest.raises(GradcheckError, match="∂²f/∂v²") as info:
        gradcheck(lambda v: v.relu() * v.relu(), [-0.0001], order=2, eps=1e-3)
    assert "<-- mismatch" in str(info.value)


def test_grad_records_its_graph_even_inside_no_grad():
    from micrograd_nndl import no_grad

    with no_grad():
        assert grad(lambda x: x**3)(2.0).data == 12.0
        assert grad(grad(lambda x: x**3))(2.0).data == 12.0
        assert hessian(lambda a, b: a * b)(1.0, 2.0) == [[0.0, 1.0], [1.0, 0.0]]


def test_forward_mode_ignores_undefined_derivatives_off_the_seeded_path():
    y, w = Value(0.0, "y"), Value(2.0, "w")
    f = y.sqrt() + 3 * w  # ∂√y/∂y is infinite at 0, but the seed is on w
    assert forward_tangents(f, {w: 1.0})[f] == 3.0
