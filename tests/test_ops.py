"""Every op of the table against central differences and its analytic derivative (NNDL §4.1)."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from micrograd_nndl import OPS, Value, apply, gradcheck
from micrograd_nndl.ops import BINARY, NARY, UNARY, UNARY_PARAM, logistic
from micrograd_nndl.testing import assert_grads_match, op_inputs

# Binary ops are also checked with a constant on either side (x * 1.0001, 1 / x, ...).
CASES = [(op, None) for op in OPS.values()] + [
    (op, side) for op in OPS.values() if op.kind == BINARY for side in ("right", "left")
]


def _ids(case):
    op, side = case
    return f"{op.name}-const-{side}" if side else op.name


def _function(op, side, args):
    """f(*graph inputs) for op, with the drawn params/constants baked in, and the graph inputs."""
    if side == "right":
        return (lambda x: apply(op.with_constant("right"), x, args[1])), [args[0]]
    if side == "left":
        return (lambda x: apply(op.with_constant("left"), x, args[0])), [args[1]]
    if op.kind == UNARY_PARAM:
        return (lambda x: apply(op, x, args[1])), [args[0]]
    return (lambda *v: apply(op, *v)), list(args)


def _args_for(op, side):
    if op.name == "neuron":  # w1, w2, x1, x2, b
        return st.tuples(*[st.floats(-3, 3)] * 5)
    return op_inputs(op)


@pytest.mark.parametrize("case", CASES, ids=_ids)
@given(data=st.data())
def test_backward_matches_central_differences(case, data):
    op, side = case
    args = data.draw(_args_for(op, side))
    f, inputs = _function(op, side, args)
    assert_grads_match(f, inputs, atol=1e-6, rtol=1e-5)


@pytest.mark.parametrize("case", CASES, ids=_ids)
@given(data=st.data())
def test_forward_matches_the_table(case, data):
    op, side = case
    args = data.draw(_args_for(op, side))
    f, inputs = _function(op, side, args)
    out = f(*[Value(x) for x in inputs])
    if op.kind == NARY:
        expected = op.forward(tuple(args), None)
    else:
        expected = op.forward(*args)
    assert out.data == pytest.approx(expected, rel=1e-15, abs=1e-300)


# Analytic derivatives written independently of the table (NNDL §4.1's derivative column).
ANALYTIC = {
    "sigmoid": lambda x: logistic(x) * (1 - logistic(x)),
    "tanh": lambda x: 1 - math.tanh(x) ** 2,
    "exp": math.exp,
    "log": lambda x: 1 / x,
    "sqrt": lambda x: 1 / (2 * math.sqrt(x)),
    "sin": math.cos,
    "cos": lambda x: -math.sin(x),
    "softplus": logistic,
    "relu": lambda x: float(x > 0),
    "hard_tanh": lambda x: float(-1 < x < 1),
    "hard_sigmoid": lambda x: 0.25 * (-2 < x < 2),
    "abs": lambda x: math.copysign(1.0, x),
    "neg": lambda x: -1.0,
    "gelu": lambda x: (
        0.5 * (1 + math.erf(x / math.sqrt(2))) + x * math.exp(-x * x / 2) / math.sqrt(2 * math.pi)
    ),
    "gelu_sigmoid": lambda x: (
        logistic(1.702 * x) + 1.702 * x * logistic(1.702 * x) * (1 - logistic(1.702 * x))
    ),
}


@pytest.mark.parametrize("name", sorted(ANALYTIC))
@given(data=st.data())
def test_backward_matches_analytic_derivative(name, data):
    op = OPS[name]
    (x,) = data.draw(op_inputs(op))
    assert_grads_match(lambda v: apply(op, v), [x], expected=lambda x: [ANALYTIC[name](x)])


def test_every_op_has_a_test_range_and_rules_per_input():
    for op in OPS.values():
        assert op.sample, op.name
        assert op.kind in (UNARY, UNARY_PARAM, BINARY, NARY)
        assert len(op.rules) == (2 if op.kind == BINARY else 1), op.name
        assert op.symbol and op.formula and op.derivative, op.name


@pytest.mark.parametrize(
    ("method", "x", "grad"),
    [
        ("relu", 0.0, 0.0),  # relu'(0) = 0, as PyTorch
        ("abs", 0.0, 0.0),
        ("hard_tanh", 1.0, 0.0),
        ("hard_tanh", -1.0, 0.0),
        ("hard_sigmoid", 2.0, 0.0),
        ("hard_sigmoid", -2.0, 0.0),
        ("hard_sigmoid", 0.0, 0.25),
        ("leaky_relu", 0.0, 0.01),
        ("elu", 0.0, 1.0),
        ("sigmoid", 0.0, 0.25),  # σ'(0) = 0.25, the logistic's largest slope
        ("tanh", 0.0, 1.0),
    ],
)
def test_derivatives_at_the_kinks_are_the_documented_ones(method, x, grad):
    v = Value(x)
    out = abs(v) if method == "abs" else getattr(v, method)()
    out.backward()
    assert v.grad == grad


def test_fused_sigmoid_equals_the_books_six_primitives():
    """NNDL §4.5.3: σ(wx+b) as one node and as h1..h6 give the same values and gradients."""
    for x, w, b in [(1.0, 0.0, 0.0), (0.5, -1.3, 0.7), (2.0, 3.0, -0.25), (-1.5, 2.5, 0.1)]:
        leaves_fused = [Value(x), Value(w), Value(b)]
        fused = (leaves_fused[1] * leaves_fused[0] + leaves_fused[2]).sigmoid()
        leaves_book = [Value(x), Value(w), Value(b)]
        h2 = leaves_book[0] * leaves_book[1] + leaves_book[2]
        book = 1 / ((h2 * -1).exp() + 1)
        fused.backward()
        book.backward()
        assert fused.data == book.data  # bit for bit: the fused op computes 1/(exp(−z)+1)
        for a, c in zip(leaves_fused, leaves_book):
            assert a.grad == pytest.approx(c.grad, rel=1e-12, abs=1e-15)


def test_sigmoid_is_stable_where_the_six_primitive_form_overflows():
    z = Value(-800.0)
    assert z.sigmoid().data == pytest.approx(math.exp(-800.0), rel=1e-12) or z.sigmoid().data == 0.0
    assert Value(800.0).sigmoid().data == 1.0
    assert Value(-30.0).softplus().data == pytest.approx(math.log1p(math.exp(-30.0)))
    assert Value(800.0).softplus().data == 800.0


def test_swish_limits_from_the_book():
    """NNDL §4.1: swish with β = 0 is x/2; with β large it approaches ReLU."""
    for x in (-2.0, -0.5, 0.7, 3.0):
        assert Value(x).swish(0.0).data == pytest.approx(x / 2)
        assert Value(x).swish(100.0).data == pytest.approx(max(x, 0.0), abs=1e-12)


def test_gelu_approximations_are_close_to_exact():
    for x in (-3.0, -1.0, -0.1, 0.0, 0.5, 2.0):
        exact = Value(x).gelu().data
        assert Value(x).gelu("tanh").data == pytest.approx(exact, abs=1e-3)
        assert Value(x).gelu("sigmoid").data == pytest.approx(exact, abs=0.03)


def test_learnable_parameters_get_gradients():
    """PReLU's γ: ∂/∂γ = min(0, x); swish's β: ∂/∂β = x²σ(βx)(1 − σ(βx))."""
    gamma, x = Value(0.2, "γ"), Value(-3.0, "x")
    x.prelu(gamma).backward()
    assert gamma.grad == -3.0 and x.grad == 0.2
    gradcheck(lambda x, g: x.prelu(g), [-1.5, 0.3])
    gradcheck(lambda x, b: x.swish(b), [0.8, 1.7])
    beta, y = Value(1.0), Value(2.0)
    y.swish(beta).backward()
    s = logistic(2.0)
    assert beta.grad == pytest.approx(4.0 * s * (1 - s))


def test_maxout_sends_the_gradient_to_the_first_arg_max():
    a, b, c = Value(1.0), Value(3.0), Value(3.0)
    m = apply(OPS["maxout"], a, b, c)
    m.backward()
    assert m.data == 3.0
    assert (a.grad, b.grad, c.grad) == (0.0, 1.0, 0.0)
