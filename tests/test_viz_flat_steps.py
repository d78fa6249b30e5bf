"""Where a flat op (relu below 0) stops an inf or nan gradient, the step-through and the
chain-rule explainer give the gradient backward() gives, and say why in words."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from micrograd_nndl import NonFiniteGradientError, Value, topological_order
from viz import Stepper, explain


def _walk(stepper):
    while stepper.forward() or stepper.backward():
        pass
    return stepper


def _bits(g):
    """A gradient's exact bits, every nan alike (nan != nan), None: not computed."""
    return None if g is None else "nan" if math.isnan(g) else g.hex()


def test_sqrt_of_relu_below_zero_steps_to_backwards_gradient():
    x = Value(-1.0, "x")
    h1 = x.relu()
    y = h1.sqrt()  # sqrt′(0) = 0.5/0 is undefined; relu is flat at −1: ∂y/∂x = 0
    stepper = _walk(Stepper(y))
    y.backward()
    assert stepper.grads[x] == x.grad == 0.0
    assert math.isnan(stepper.grads[h1]) and math.isnan(h1.grad)  # as backward() leaves it
    into_h1, into_x = (str(step) for step in stepper.history[-2:])
    assert into_h1.startswith("backward 2/3: h1.grad += ∂h2/∂h1 × h2.grad = nan × 1 = nan")
    assert "∂h2/∂h1 is undefined here: sqrt′(0);" in into_h1  # not Python's words
    stepper.apply()  # writes backward()'s numbers, h1's nan included (an inner node's)
    assert x.grad == 0.0 and math.isnan(h1.grad)
    assert into_x == (
        "backward 3/3: x.grad += ∂h1/∂x × h1.grad = 0 × nan = 0; relu is flat around x "
        "(h1 stays the same when x moves a little), so x gains 0 whatever h1.grad is, "
        "as in backward()"
    )
    zh = _walk(Stepper(y, lang="zh")).history[-1]
    assert "relu 在 x 附近是平坦的" in str(zh) and str(zh).endswith("与 backward() 相同")


def test_the_explainer_stops_the_path_where_relu_is_flat():
    x = Value(-1.0, "x")
    y = x.relu().sqrt() + 3 * x  # two paths: one stopped by relu, one of 3
    y.backward()
    rule = explain(y, x)
    assert rule.total == x.grad == 3.0
    assert [p.product for p in rule.paths] == [0.0, 3.0]
    lines = rule.text.splitlines()
    assert lines[2].split() == ["=", "1", "×", "nan", "×", "0", "=", "0"]
    assert lines[3].strip() == (
        "∂h1/∂x = 0 where relu is flat (h1 stays the same when x moves a little): "
        "this path gives 0 whatever the factors before it are, as in backward()"
    )
    assert lines[-1] == "∂h4/∂x = 0 + 3 = 3"


def test_an_undefined_derivative_that_reaches_a_leaf_is_still_refused():
    x = Value(0.0, "x")
    y = x.sqrt() * 2  # no flat op between: backward() refuses x's nan, and so do both
    with pytest.raises(NonFiniteGradientError):
        y.backward()
    with pytest.raises(NonFiniteGradientError, match="undefined at x = 0.0"):
        _walk(Stepper(y))
    with pytest.raises(NonFiniteGradientError, match="undefined at x = 0.0"):
        explain(y, x)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_an_undefined_derivative_is_said_at_the_nodes_own_value(lang):
    """sqrt(relu(x*y)) at x = 1, y = -2: sqrt′ is undefined at its input's value 0, written
    sqrt′(0) in every language; the table's formula 1/(2√x) has an x that is not the user's x
    (here 1), so it is not written. The refusal (sqrt(x*y) at x = 0) says the same."""
    x, y = Value(1.0, "x"), Value(-2.0, "y")
    steps = [str(step) for step in _walk(Stepper((x * y).relu().sqrt(), lang=lang)).history]
    undefined = [step for step in steps if "sqrt′" in step]
    assert len(undefined) == 1 and "sqrt′(0)" in undefined[0]
    assert "√x" not in undefined[0] and "h2 = 0" not in undefined[0]
    x = Value(0.0, "x")
    with pytest.raises(
        NonFiniteGradientError, match=r"h1 are undefined at x = 0\.0 \(sqrt′\(0\)\)$"
    ):
        _walk(Stepper(x.sqrt() * y, lang=lang))


@pytest.mark.parametrize("max_paths", [1, 20, 30])
def test_more_paths_than_listed_give_backwards_sum_where_relu_is_flat(max_paths):
    """x + x + … (22 terms) + sqrt(relu(x)) at x = −1: backward() gives 22 (relu stops the
    sqrt path's nan); listed or not, the explainer gives the same, as does a path's product."""
    x = Value(-1.0, "x")
    root = x
    for _ in range(21):
        root = root + x
    root = root + x.relu().sqrt()
    root.backward()
    rule = explain(root, x, max_paths=max_paths)
    assert rule.path_count == 23 and len(rule.paths) == min(max_paths, 23)
    assert rule.total == x.grad == 22.0


def test_more_paths_than_listed_are_refused_where_backward_refuses():
    """x + … + sqrt(x) at x = 0: backward() refuses x's nan, placed at sqrt′(0); so does the
    explainer, listed paths or not, with backward()'s node and op."""
    x = Value(0.0, "x")
    root = x
    for _ in range(21):
        root = root + x
    root = root + x.sqrt()
    with pytest.raises(NonFiniteGradientError) as engine:
        root.backward()
    for max_paths in (1, 30):
        with pytest.raises(
            NonFiniteGradientError, match=r"undefined at x = 0\.0 \(sqrt′\(0\)\)$"
        ) as raised:
            explain(root, x, max_paths=max_paths)
        assert (raised.value.node, raised.value.op) == (engine.value.node, engine.value.op)


UNARY = ("relu", "sqrt", "log", "exp", "tanh", "neg")


@st.composite
def small_graphs(draw):
    """x and a short chain of ops over it, with relu often below 0 under sqrt or log: the
    places where a gradient is inf or nan above a flat op."""
    x = Value(draw(st.sampled_from([-2.0, -1.0, -0.5, 0.0, 0.5, 1.0, 2.0])), "x")
    node = x
    for _ in range(draw(st.integers(1, 5))):
        op = draw(st.sampled_from((*UNARY, "add_x", "mul_x")))
        try:
            if op == "add_x":
                node = node + x
            elif op == "mul_x":
                node = node * x
            elif op == "neg":
                node = -node
            else:
                node = getattr(node, op)()
        except ArithmeticError:  # log of 0, sqrt of −1: the forward refuses; keep what we have
            break
    return x, node


@given(small_graphs())
def test_the_stepper_and_the_explainer_agree_with_backward(graph):
    x, root = graph
    nodes = topological_order(root)
    try:
        root.backward()
    except NonFiniteGradientError:
        with pytest.raises(NonFiniteGradientError):  # refused by backward(): by the steps too
            _walk(Stepper(root))
        return
    stepper = _walk(Stepper(root))
    expected = [n.grad if n.has_grad else None for n in nodes]
    assert [_bits(stepper.grads.get(n)) for n in nodes] == [_bits(g) for g in expected]
    if x is not root:
        assert explain(root, x).total == pytest.approx(x.grad, rel=1e-12, abs=1e-300)
