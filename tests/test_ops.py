"""Every op of the table against central differences and its analytic derivative (NNDL §4.1)."""

import inspect
import math
import re
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from micrograd_nndl import OPS, ExpressionError, Neuron, Value, apply, gradcheck, maxout, parse
from micrograd_nndl.errors import ArityError
from micrograd_nndl.nn import activation_names
from micrograd_nndl.ops import BINARY, NARY, UNARY, UNARY_PARAM, fn, logistic
from micrograd_nndl.testing import assert_grads_match, check_op, op_inputs

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


@pytest.mark.parametrize("case", CASES, ids=_ids)
@given(data=st.data())
def test_every_op_of_every_kind_has_correct_second_derivatives(case, data):
    """The rules called on Values (through the table's functions) are differentiable again:
    the Hessian of every op, mixed partials included, against central differences."""
    op, side = case
    args = data.draw(_args_for(op, side).filter(lambda a: _far_from_kinks(op, a, 0.1)))
    f, inputs = _function(op, side, args)
    gradcheck(f, inputs, atol=1e-5, rtol=1e-4, order=2)


def _far_from_kinks(op, args, margin):
    """Differences of first derivatives need room: every input `margin` from a kink (a tie of
    maxout's inputs is one)."""
    if op.kind == NARY:
        ordered = sorted(args)
        return op.name != "maxout" or all(b - a > margin for a, b in zip(ordered, ordered[1:]))
    return all(abs(x - k) > margin for x, kinks in zip(args, op.kinks) for k in kinks)


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
    "mish": lambda x: (
        math.tanh(math.log1p(math.exp(x)))
        + x * (1 - math.tanh(math.log1p(math.exp(x))) ** 2) * logistic(x)
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
        assert op.kind in (UNARY, UNARY_PARAM, BINARY, NARY)  # CONSTANT_OPERAND: derived forms
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


# ---- the table is the one source: every surface offers every activation ---------------------

BUILT_IN = list(OPS.values())  # at collection, before any test registers a custom op
ACTIVATIONS = [op for op in BUILT_IN if op.activation]
# the ops whose Value method is not named like the op, and how that method builds them
METHOD_FORMS = {
    "gelu_tanh": lambda z: z.gelu("tanh"),
    "gelu_sigmoid": lambda z: z.gelu("sigmoid"),
    "swish_learnable": lambda z, beta: z.swish(beta),
}


def _method(op):
    return METHOD_FORMS.get(op.name) or getattr(Value, op.method)


def test_the_methods_named_otherwise_are_the_rows_that_say_so():
    assert set(METHOD_FORMS) == {
        op.name for op in BUILT_IN if op.method and op.method not in (op.name, f"__{op.name}__")
    } - {"sub", "div"}  # a - b, a / b: Python's __sub__, __truediv__
    assert [op.method for op in BUILT_IN if op.name in ("sub", "div")] == ["__sub__", "__truediv__"]


@pytest.mark.parametrize("op", BUILT_IN, ids=lambda op: op.name)
def test_every_row_says_its_surfaces_and_its_value_method_builds_it(op):
    """`activation` is a bool the row gave (the table's `_row` has no default for it, nor for
    `method` and `torch`); a row naming a Value method has one, and it builds this op."""
    assert isinstance(op.activation, bool) and isinstance(op.method, str)
    if not op.method:  # maxout and neuron are functions of several inputs
        assert op.kind == NARY
        return
    assert hasattr(Value, op.method), f"{op.name}: Value has no method {op.method}"
    x, p = Value(0.7), Value(0.3)
    if op.kind == UNARY_PARAM:
        built = getattr(Value, op.method)(x, 0.3)
    else:
        built = _method(op)(x, *((p,) if op.kind == BINARY else ()))
    assert built.op == op.name and built.parents[: 2 if op.kind == BINARY else 1] == (
        (x, p) if op.kind == BINARY else (x,)
    )


def _array_args(op):
    """Per input, 7 points across its sample range (a parameter: one number); away from kinks."""
    count = {UNARY: 1, UNARY_PARAM: 2, BINARY: 2}.get(op.kind, 5 if op.name == "neuron" else 3)
    ranges = (op.sample * count)[:count]
    arrays = [np.linspace(lo, hi, 7) + 0.013 * (i + 1) for i, (lo, hi) in enumerate(ranges)]
    if op.kind == UNARY_PARAM:
        arrays[1] = float(arrays[1][3])
    return arrays


@pytest.mark.parametrize("op", BUILT_IN, ids=lambda op: op.name)
def test_every_row_has_an_array_form_equal_to_its_float_form(op):
    """The compiled replay runs forwards and rules on arrays of samples: each element equals
    the op on that sample's floats, value and every local derivative."""
    args = _array_args(op)
    k = args[1] if op.kind == UNARY_PARAM else None
    inputs = args[:1] if op.kind == UNARY_PARAM else args
    out = fn.__dict__[op.name](*args) if op.kind != NARY else op.forward(tuple(inputs), None)
    grads = op.local_derivatives(inputs, k, out)
    assert isinstance(out, np.ndarray) and out.shape == (7,)
    for j in range(7):
        floats = [float(a[j]) for a in inputs]
        one = (
            op.forward(tuple(floats), None)
            if op.kind == NARY
            else op.forward(*floats, *((k,) if k is not None else ()))
        )
        assert out[j] == pytest.approx(one, rel=1e-14, abs=1e-300)
        for g, g_one in zip(grads, op.local_derivatives(floats, k, one)):
            assert np.broadcast_to(g, (7,))[j] == pytest.approx(g_one, rel=1e-14, abs=1e-300)


ENGINE_PAGE = Path(__file__).resolve().parent.parent / "docs" / "engine.md"


def _readme_list(before: str) -> list[str]:
    """The names of the backticked list after `before` on the engine's page, parameters left out."""
    text = " ".join(ENGINE_PAGE.read_text(encoding="utf-8").split())
    listed = re.search(re.escape(before) + r" `([^`]*)`", text)
    assert listed, f"docs/engine.md lists no {before!r}"
    return [re.sub(r"\(.*", "", word) for word in re.findall(r"\w+(?:\([^)]*\))?", listed[1])]


def test_readme_lists_every_elementary_function_and_activation_of_the_table():
    elementary = [
        op.method for op in BUILT_IN if op.kind == UNARY and not op.activation and op.method
    ]
    assert _readme_list("**elementary functions**") == [
        m for m in elementary if not m.startswith("_")
    ]
    methods = list(dict.fromkeys(op.method for op in ACTIVATIONS if op.method))
    assert _readme_list("**every activation of NNDL §4.1** as a method:") == methods
    functions = [op.name for op in ACTIVATIONS if not op.method]
    assert _readme_list("and the function") == functions


@pytest.mark.parametrize("op", ACTIVATIONS, ids=lambda op: op.name)
def test_every_activation_is_a_value_method_a_neuron_and_a_function_of_the_language(op):
    x, p = -0.7, 0.3
    if op.kind == NARY:  # maxout: a function of several inputs, not a neuron's f
        assert maxout(Value(x), Value(p)).data == parse("maxout(x, p)", {"x": x, "p": p}).data
        assert op.name not in activation_names()
        return
    args = (Value(p, "p"),) if op.kind == BINARY else ()
    by_method = _method(op)(Value(x), *args)
    by_table = apply(op, Value(x), *args)
    assert by_method.op == by_table.op == op.name and by_method.data == by_table.data
    text = f"{op.name}(x, p)" if op.kind == BINARY else f"{op.name}(x)"
    assert parse(text, {"x": x, "p": p}).data == by_table.data
    neuron = Neuron(1, activation=op.name, seed=0)
    out = neuron([x])
    assert out.op == op.name
    z = out.parents[0]
    assert z.op == "neuron"
    if op.kind == BINARY:  # the learnable parameter starts at the twin's default
        assert neuron.extra[op.param_name].data == op.default
        assert out.data == apply(op, Value(z.data), Value(op.default)).data
    else:
        assert out.data == apply(op, Value(z.data)).data


@pytest.mark.parametrize(
    "op", [op for op in OPS.values() if op.kind == UNARY_PARAM], ids=lambda op: op.name
)
def test_a_parameter_has_one_name_and_default_in_the_table_and_the_method(op):
    name, parameter = list(inspect.signature(getattr(Value, op.name)).parameters.values())
    assert (parameter.name, parameter.default) == (op.param_name, op.default)
    assert apply(op, Value(-2.0)).data == apply(op, Value(-2.0), op.default).data


def test_a_learnable_twin_takes_the_parameter_as_a_value():
    for op in OPS.values():
        if op.twin:
            twin = OPS[op.twin]
            assert twin.kind == BINARY and twin.activation and twin.param == op.param
            learned = apply(op, Value(-2.0), Value(0.2))
            assert learned.op == twin.name and len(learned.parents) == 2


@pytest.mark.parametrize(
    ("op", "count"),
    [("neuron", 2), ("neuron", 4), ("neuron", 1), ("exp", 2), ("mul", 3), ("maxout", 0)],
)
def test_a_wrong_number_of_inputs_is_an_error_naming_the_op_and_the_count(op, count):
    with pytest.raises(ArityError, match=rf"{op} takes .*got {count}"):
        apply(OPS[op], *[Value(1.0) for _ in range(count)])


def test_neuron_takes_2n_plus_1_inputs_in_the_language_too():
    with pytest.raises(ExpressionError, match=r"neuron takes 2n \+ 1 inputs.*got 2"):
        parse("neuron(x, y)", {"x": 0.5, "y": 2.0})
    f = parse("neuron(w, x, b)", {"w": 3.0, "x": 0.5, "b": 1.0})
    f.backward()
    assert f.data == 2.5 and [p.grad for p in f.parents] == [0.5, 3.0, 1.0]


@pytest.mark.parametrize("name", sorted(OPS))
def test_the_table_functions_agree_on_floats_and_values(name):
    op = OPS[name]
    one, two, three = (0.4,), (0.4, 0.3), (0.4, 0.3, 0.2)
    args = {UNARY: one, UNARY_PARAM: two, BINARY: two, NARY: three}[op.kind]
    on_floats = getattr(fn, name)(*args)
    graph_args = args[:1] if op.kind == UNARY_PARAM else args
    on_values = getattr(fn, name)(*(Value(a) for a in graph_args), *args[len(graph_args) :])
    assert isinstance(on_values, Value) and on_values.op == name
    assert on_values.data == on_floats


@pytest.mark.parametrize("name", list(OPS))
def test_check_op_passes_every_op_of_the_table(name):
    """The one-call property test a user runs on a custom op passes every built-in op."""
    result = check_op(OPS[name], max_examples=10)
    assert result.examples == 10 and result.second_order  # every rule also runs on Values


def test_every_row_says_its_javascript_form_or_that_it_has_none():
    """The live page computes with each row's `js`: as many rules as the Python form, a check
    wherever Python checks the domain; erf (and GELU, which is built on it) have none, so their
    pages are read-only rather than wrong."""
    from micrograd_nndl.ops import JS

    assert {name for name, op in OPS.items() if op.js is None} == {"erf", "gelu"}
    for name, op in OPS.items():
        if op.js is not None:
            assert isinstance(op.js, JS) and len(op.js.rules) == len(op.rules), name
            assert bool(op.js.check) == (op.check is not None), name
