"""gradcheck and the testing helpers: they pass correct derivatives and catch wrong ones."""

import math

import pytest
from hypothesis import given

from micrograd_nndl import DomainError, GradcheckError, Op, Value, apply, gradcheck, numeric_grads
from micrograd_nndl.ops import UNARY
from micrograd_nndl.testing import assert_grads_match, expressions, scalars

# tanh's value with the derivative of sin: a wrong rule, as a user might write one
WRONG = Op("wrong_tanh", UNARY, math.tanh, (lambda x, out: math.cos(x),), "t", "tanh x", "cos x")


def test_central_differences_of_a_known_function():
    """(f(x + ε) − f(x − ε)) / 2ε of x³ at 2 is 12 + ε² (NNDL §4.5.1)."""
    (g,) = numeric_grads(lambda x: x**3, [2.0], eps=1e-3)
    assert g == pytest.approx(12.0 + 1e-6, rel=1e-9)


def test_gradcheck_passes_a_correct_gradient():
    assert gradcheck(lambda w, b: (w * 1.0 + b).sigmoid(), [0.0, 0.0]) is True
    assert gradcheck(lambda a, b: (a / b).log() + a.elu(0.7), [2.0, 0.5]) is True


def test_gradcheck_catches_a_wrong_rule_with_a_table():
    with pytest.raises(GradcheckError) as info:
        gradcheck(lambda x, y: apply(WRONG, x) * y, [0.7, 2.0])
    text = str(info.value)
    assert "analytic" in text and "numeric" in text and "difference" in text
    rows = [line for line in text.splitlines() if "<-- mismatch" in line]
    assert len(rows) == 1 and rows[0].startswith("∂f/∂x1")  # x2's derivative is right
    assert isinstance(info.value, AssertionError)  # pytest shows it as a failed assertion


def test_assert_grads_match_compares_with_an_expected_formula_too():
    assert_grads_match(lambda x: x.tanh(), [0.4], expected=lambda x: [1 - math.tanh(x) ** 2])
    with pytest.raises(GradcheckError, match="expected"):
        assert_grads_match(lambda x: x.tanh(), [0.4], expected=lambda x: [math.cos(x)])


def test_a_difference_step_outside_the_domain_says_so():
    with pytest.raises(DomainError, match="central-difference step"):
        gradcheck(lambda x: x.log(), [1e-7])


def test_f_must_return_a_value():
    with pytest.raises(TypeError, match="must return a Value"):
        gradcheck(lambda x: 1.0, [0.5])


@given(scalars(-3, 3))
def test_the_readme_property_test(x):
    assert_grads_match(lambda v: v * v.sigmoid(), [x])


@given(expressions(n_inputs=2, max_steps=4))
def test_random_expressions_replay_the_same_graph(expr):
    first = expr(*[Value(x) for x in expr.inputs])
    again = expr(*[Value(x) for x in expr.inputs])
    assert first.data == again.data and first.op == again.op
    assert repr(expr).startswith("<RandomExpression")
