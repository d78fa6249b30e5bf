"""Value, its operators, backward semantics and the errors a learner meets (NNDL §4.5.3)."""

import math
import sys

import numpy as np
import pytest
from hypothesis import given

from micrograd_nndl import (
    DivisionByZeroError,
    DomainError,
    MathError,
    NonFiniteGradientError,
    NumericOverflowError,
    Value,
    apply,
    backward_order,
    is_grad_enabled,
    maxout,
    no_grad,
    topological_order,
)
from micrograd_nndl.testing import assert_grads_match, expressions


def test_value_holds_data_grad_label_and_read_only_structure():
    a = Value(2, "a")
    assert a.data == 2.0 and type(a.data) is float
    assert a.grad == 0.0 and not a.has_grad
    assert a.label == "a" and a.op == "" and a.parents == () and a.is_leaf
    b = a * 3 + a
    assert b.op == "add" and b.parents[1] is a and b.parents[0].parents == (a,)
    assert b.parents[0].constant == 3.0
    with pytest.raises(AttributeError):
        b.op = "mul"
    with pytest.raises(AttributeError):
        b.parents = ()


def test_repr_is_readable():
    a = Value(1.5, "w")
    assert repr(a) == "Value(data=1.5, label='w')"
    c = a * 2
    c.backward()
    assert repr(c) == "Value(data=3.0, grad=1.0, op='mul')"


@pytest.mark.parametrize("x", [np.float32(1.5), np.float64(-2.0), np.int64(3), True, 7])
def test_numpy_and_python_numbers_are_accepted(x):
    assert Value(x).data == float(x)


@pytest.mark.parametrize("bad", ["1.0", None, 1 + 2j, [1.0], (1,), object(), np.array([1.0])])
def test_non_numbers_are_refused_with_the_type_named(bad):
    with pytest.raises(TypeError, match=type(bad).__name__):
        Value(bad)


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
def test_non_finite_data_is_refused(bad):
    with pytest.raises(ValueError, match="finite"):
        Value(bad, "x")


def test_operators_with_numbers_on_either_side():
    x = Value(3.0, "x")
    assert (x + 1).data == 4.0 and (1 + x).data == 4.0
    assert (x - 1).data == 2.0 and (1 - x).data == -2.0
    assert (x * 2).data == 6.0 and (2 * x).data == 6.0
    assert (x / 2).data == 1.5 and (6 / x).data == 2.0
    assert (x**2).data == 9.0 and (2**x).data == 8.0
    assert (-x).data == -3.0 and abs(-x).data == 3.0
    with pytest.raises(TypeError):
        x + "1"
    with pytest.raises(TypeError):
        x * [1]


def test_in_place_operators_make_new_nodes():
    x = Value(1.0)
    c = x
    c += 1
    c *= 3
    assert c is not x and x.data == 1.0 and c.data == 6.0
    c.backward()
    assert x.grad == 3.0


def test_power_with_a_value_exponent_differentiates_both():
    """∂(a^b)/∂a = b·a^(b−1), ∂(a^b)/∂b = a^b·ln a."""
    a, b = Value(2.0), Value(3.0)
    (a**b).backward()
    assert a.grad == pytest.approx(12.0) and b.grad == pytest.approx(8 * math.log(2))
    assert_grads_match(lambda a, b: a**b, [1.7, -0.6])
    assert_grads_match(lambda x: 2.5**x, [0.8])
    assert_grads_match(lambda x: x**-1.5, [0.8])


def test_several_paths_add_up():
    """NNDL §4.5.3: where several paths lead from x to f, their products are added."""
    x = Value(3.0)
    f = x * x + x.exp() * x  # df/dx = 2x + eˣ + x·eˣ
    f.backward()
    assert x.grad == pytest.approx(6 + math.exp(3) * 4)


def test_leaf_gradients_accumulate_across_backward_calls_and_zero_grad_resets():
    w = Value(0.5, "w")
    f = (w * 2).tanh()
    f.backward()
    first = w.grad
    f.backward()
    assert w.grad == 2 * first  # as PyTorch: call zero_grad() between steps
    assert f.parents[0].grad == pytest.approx(1 - math.tanh(1.0) ** 2)  # interior: latest pass
    f.zero_grad()
    assert w.grad == 0.0 and not w.has_grad and not f.has_grad
    f.backward()
    assert w.grad == first


def test_no_grad_records_no_graph_as_context_and_decorator():
    x = Value(2.0)
    with no_grad():
        assert not is_grad_enabled()
        y = x * 3 + 1
    assert is_grad_enabled() and y.is_leaf and y.parents == () and y.data == 7.0

    @no_grad()
    def update(v):
        return v.exp()

    assert update(x).is_leaf and is_grad_enabled()
    with no_grad(), no_grad():
        pass
    assert is_grad_enabled()


def test_a_graph_a_million_nodes_deep_works_at_the_default_recursion_limit():
    assert sys.getrecursionlimit() <= 10_000
    x = Value(1.0)
    y = x
    for _ in range(1_000_000):
        y = y * 1.0
    y.backward()
    assert x.grad == 1.0
    assert len(topological_order(y)) == 1_000_001
    y.zero_grad()
    assert not x.has_grad


def test_the_micrograd_chain_benchmark_gradient():
    x = Value(1.0)
    y = x
    for _ in range(1000):
        y = (y * 1.0001 + 0.0001).relu()
    y.backward()
    assert x.grad == pytest.approx(1.0001**1000)


@pytest.mark.parametrize(
    ("build", "error", "words"),
    [
        (lambda x: (x - 1).log(), DomainError, ["log", "x > 0", "0.0"]),
        (lambda x: (x - 2).sqrt(), DomainError, ["sqrt", "-1.0"]),
        (lambda x: x / (x - 1), DivisionByZeroError, ["div", "zero"]),
        (lambda x: 1 / (x - 1), DivisionByZeroError, ["div"]),
        (lambda x: (x - 3) ** 0.5, DomainError, ["pow", "-2.0", "non-integer"]),
        (lambda x: (x - 1) ** -1, DivisionByZeroError, ["pow"]),
        (lambda x: (x * 1000).exp(), NumericOverflowError, ["exp", "1000.0"]),
        (lambda x: (x * 1e200) * (x * 1e200), NumericOverflowError, ["mul", "inf"]),
        (lambda x: 10.0 ** (x * 400), NumericOverflowError, ["pow"]),
    ],
)
def test_domain_errors_name_the_op_the_value_and_the_node(build, error, words):
    x = Value(1.0, "x")
    with pytest.raises(error) as info:
        build(x)
    assert isinstance(info.value, MathError)
    for word in words:
        assert word in str(info.value)


def test_errors_name_the_label_of_the_offending_node():
    z = Value(-4.0, "z")
    with pytest.raises(DomainError, match="'z' = -4.0"):
        z.log()
    assert issubclass(DomainError, ValueError)
    assert issubclass(DivisionByZeroError, ZeroDivisionError)
    assert issubclass(NumericOverflowError, OverflowError)


def test_a_non_finite_gradient_is_reported_and_leaves_are_restored():
    x, w = Value(0.0, "x"), Value(2.0, "w")
    w.grad = 5.0
    f = x.sqrt() * w  # d sqrt(x)/dx is infinite at 0
    with pytest.raises(NonFiniteGradientError, match="sqrt") as info:
        f.backward()
    assert "0.0" in str(info.value)
    assert w.grad == 5.0 and not x.has_grad  # nothing half-done is left behind
    assert not f.has_grad
    tiny = Value(1e-300, "tiny")
    f = (tiny * 1e300) * 1e300  # forward 1e300 is finite; ∂f/∂tiny = 1e600 is not
    with pytest.raises(NonFiniteGradientError, match="'tiny'"):
        f.backward()


def test_a_negative_base_to_an_integer_value_power_has_no_exponent_gradient():
    a, b = Value(-2.0, "a"), Value(2.0, "b")
    out = a**b
    assert out.data == 4.0
    with pytest.raises(NonFiniteGradientError, match="'b'"):
        out.backward()


def test_maxout_accepts_numbers_and_refuses_nothing_to_max():
    a = Value(-1.0)
    m = maxout(a, 0.0)
    assert m.data == 0.0
    with pytest.raises(ValueError, match="at least one"):
        maxout()


def test_gelu_rejects_an_unknown_approximation():
    with pytest.raises(ValueError, match="tanh"):
        Value(1.0).gelu("cubic")


def test_backward_order_is_the_order_backward_uses():
    x = Value(0.3, "x")
    a = x * x
    b = a.exp() + a
    c = b * x
    order = backward_order(c)
    assert order[0] is c and set(map(id, order)) == {id(c), id(b), id(a), id(b.parents[0])}
    position = {id(n): i for i, n in enumerate(order)}
    for node in order:  # every node comes after all nodes made from it
        for p in node.parents:
            if not p.is_leaf:
                assert position[id(p)] > position[id(node)]


def test_local_grads_read_the_op_table():
    x, w = Value(1.0, "x"), Value(0.0, "w")
    h1 = x * w
    assert h1.local_grads() == (0.0, 1.0)  # ∂h1/∂x = w, ∂h1/∂w = x
    assert x.local_grads() == ()


@given(expressions(n_inputs=3, max_steps=6))
def test_random_expressions_from_the_op_table_match_central_differences(expr):
    assert_grads_match(expr, expr.inputs, atol=1e-5, rtol=1e-4)


def test_an_interrupted_backward_leaves_the_graph_ready_for_the_next_one():
    """Ctrl-C inside backward (here: raised by a rule) must not leave half-counted nodes."""
    from micrograd_nndl import Op
    from micrograd_nndl.ops import UNARY

    def interrupt(x, out):
        raise KeyboardInterrupt

    boom = Op("boom", UNARY, lambda x: x, (interrupt,), "boom", "x", "1")
    x = Value(0.5, "x")
    y = x * 3
    z = y.tanh() + y.sin()
    with pytest.raises(KeyboardInterrupt):
        (z + apply(boom, y)).backward()
    assert not x.has_grad
    z.backward()
    assert x.grad == pytest.approx(3 * (1 - math.tanh(1.5) ** 2) + 3 * math.cos(1.5))


def test_values_do_not_turn_into_floats_silently():
    """math.exp(v) would drop v from the graph: it is an error, not a float."""
    with pytest.raises(TypeError):
        math.exp(Value(1.0))


def test_a_non_finite_constant_is_named_as_such_not_as_an_overflow():
    x = Value(1.0, "x")
    for constant in (math.nan, np.float64("nan"), math.inf):
        with pytest.raises(ValueError, match="the constant in (add|\\+) must be finite"):
            x + constant
    with pytest.raises(ValueError, match="too large for a float"):
        Value(10**400)


def test_overflow_messages_are_short_and_plain():
    with pytest.raises(NumericOverflowError) as info:
        Value(10.0, "base") ** Value(400.0, "p")
    assert "Numerical result" not in str(info.value) and "'base' = 10.0" in str(info.value)
    many = [Value(1e300) for _ in range(20)]
    with pytest.raises(NumericOverflowError) as info:
        maxout(*many) * 1e300 * 1e300
    assert len(str(info.value)) < 300
    from micrograd_nndl import neuron

    with pytest.raises(NumericOverflowError, match="and 35 more"):
        neuron(many, [1e300] * 20, Value(0.0))
