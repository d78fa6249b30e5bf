"""Custom operations: your forward and your local derivatives make an op like the table's."""

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from micrograd_nndl import (
    OPS,
    DomainError,
    Expression,
    GradcheckError,
    Op,
    Value,
    apply,
    custom_op,
    fn,
    grad,
    gradcheck,
    numeric_grads,
    register_op,
    unregister_op,
)
from micrograd_nndl.ops import BINARY, UNARY, UNARY_PARAM
from micrograd_nndl.testing import (
    KINK_MARGIN,
    assert_grads_match,
    check_op,
    kink_in_graph,
    op_inputs,
)
from viz import Stepper, draw_dot, explain, format_graph


def hard_logistic(x):
    """The book's hard-logistic (NNDL §4.1.2): max(min(0.25x + 0.5, 1), 0)."""
    return max(min(0.25 * x + 0.5, 1.0), 0.0)


HARD_LOGISTIC = custom_op(
    hard_logistic,
    derivatives=lambda x: 0.25 if -2.0 < x < 2.0 else 0.0,
    sample=(-4.0, 4.0),
    kinks=(-2.0, 2.0),
)


def mish_derivative(x):
    """tanh(sp) + x·(1 − tanh²(sp))·σ(x), sp = softplus(x): written with the table's fn."""
    t = fn.tanh(fn.softplus(x))
    return t + x * (1.0 - t * t) * fn.sigmoid(x)


@custom_op(derivatives=mish_derivative)
def mish_by_hand(x):
    """x·tanh(softplus(x)), Misra 2019."""
    return x * math.tanh(math.log1p(math.exp(x)))


def test_a_custom_op_is_an_op_of_the_chosen_kind():
    assert isinstance(HARD_LOGISTIC, Op) and HARD_LOGISTIC.kind == UNARY
    assert HARD_LOGISTIC.name == "hard_logistic" and HARD_LOGISTIC.symbol == "hard_logistic"
    assert HARD_LOGISTIC.sample == ((-4.0, 4.0),) and HARD_LOGISTIC.kinks == ((-2.0, 2.0),)
    assert HARD_LOGISTIC(1.0) == 0.75  # on a number: its forward
    y = HARD_LOGISTIC(Value(1.0))  # on a Value: a node of the graph
    assert (y.data, y.op, y.op_info) == (0.75, "hard_logistic", HARD_LOGISTIC)


def test_a_custom_op_in_a_graph_draws_steps_and_explains_with_its_name():
    x, w = Value(1.0, "x"), Value(0.5, "w")
    f = HARD_LOGISTIC(w * x) * w
    f.label = "f"
    source = draw_dot(f).source
    assert "hard_logistic" in source  # its name in the op node, as it gives no symbol
    assert "hard_logistic" in format_graph(f)
    stepper = Stepper(f)
    while stepper.forward():
        pass
    steps = []
    while step := stepper.backward():
        steps.append(step.text)
    assert "backward 3/4: h1.grad += ∂h2/∂h1 × h2.grad = 0.25 × 0.5 = 0.125" in steps
    f.backward()
    # ∂f/∂w = σ_h(wx) + w·0.25·x = 0.625 + 0.125; the stepper reproduces backward bit for bit
    assert w.grad == 0.625 + 0.125 and stepper.grads[w] == w.grad
    chain = explain(f, w)
    assert chain.total == pytest.approx(w.grad) and "0.25" in chain.text
    g = numeric_grads(lambda a, b: HARD_LOGISTIC(a * b) * a, [0.5, 1.0])
    assert [w.grad, x.grad] == pytest.approx(g)


def test_a_wrong_rule_is_caught_by_check_op_naming_the_input_and_the_point():
    cube = custom_op(lambda x: x**3, derivatives=lambda x: 2 * x * x, name="cube")  # 3x² is right
    with pytest.raises(GradcheckError) as info:
        check_op(cube)
    text = str(info.value)
    assert text.startswith("check_op cube: first derivatives: 1 of 1 disagree")
    (row,) = info.value.report.failures
    x = float(row.at)
    assert row.derivative == "∂cube/∂x" and row.backward == 2 * x * x
    assert row.central == pytest.approx(3 * x * x, rel=1e-6)
    notes = "\n".join(getattr(info.value, "__notes__", []))
    assert "check_op_cube(" in notes and f"{x!r}" in notes  # hypothesis names the point too
    fixed = custom_op(lambda x: x**3, derivatives=lambda x: 3 * x * x, name="cube")
    result = check_op(fixed)
    assert result.examples == 50 and result.second_order  # 3·x·x works on Values: 6x checked


def test_check_op_keeps_off_the_kinks_and_checks_second_derivatives():
    result = check_op(HARD_LOGISTIC)
    assert result.second_order and result.examples == 50
    result = check_op(mish_by_hand)
    assert result.second_order and "second derivatives too" in str(result)


def test_rules_on_floats_only_get_first_derivatives_checked():
    floats_only = custom_op(math.sin, derivatives=lambda x: math.cos(x), name="sine")
    result = check_op(floats_only, max_examples=10)
    assert result.examples == 10 and not result.second_order
    assert "second derivatives not checked" in str(result)
    with pytest.raises(TypeError, match="rules take floats only"):
        check_op(floats_only, second_order=True)


def test_rules_written_with_fn_are_differentiable_again():
    """mish'' from grad(grad(·)) equals a central difference of mish' (the book's backward)."""
    d2 = grad(grad(mish_by_hand))
    for x in (-1.3, 0.2, 2.1):
        (numeric,) = numeric_grads(lambda v: grad(mish_by_hand)(v), [x], eps=1e-5)
        assert d2(x).data == pytest.approx(numeric, rel=1e-6, abs=1e-8)
    assert mish_by_hand(0.7) == pytest.approx(OPS["mish"].forward(0.7), rel=1e-15)
    assert grad(mish_by_hand)(0.7).data == pytest.approx(grad(fn.mish)(0.7).data, rel=1e-12)


def test_two_inputs_a_domain_and_a_parameter():
    @custom_op(
        derivatives=(lambda a, b: 1.0 / a, lambda a, b: -1.0 / b),
        domain=lambda a, b: b != 0.0 or "needs b ≠ 0",
        sample=((0.5, 3.0), (-2.0, 2.0)),
        kinks=((), (0.0,)),
    )
    def log_ratio(a, b):
        return math.log(a) - math.log(abs(b))

    assert log_ratio.kind == BINARY
    with pytest.raises(DomainError, match=r"log_ratio: needs b ≠ 0 \(at 2.0, 0.0\)"):
        log_ratio(Value(2.0), Value(0.0))
    assert gradcheck(lambda a, b: log_ratio(a, b), [1.5, -0.7])
    assert check_op(log_ratio, max_examples=20).second_order

    @custom_op(derivatives=lambda x, k, out: k * out, param="k", default=2.0)
    def exp_scaled(x, k):
        return math.exp(k * x)

    assert exp_scaled.kind == UNARY_PARAM and exp_scaled.default == 2.0
    assert apply(exp_scaled, Value(0.5), 3.0).data == math.exp(1.5)
    assert check_op(exp_scaled, max_examples=10).examples == 10
    register_op(exp_scaled)
    try:  # in a formula the parameter may be left out: it takes the op's default
        x = Value(0.5, "x")
        assert Expression("exp_scaled(x)").evaluate({"x": x}).data == math.exp(1.0)
        assert Expression("exp_scaled(x, 3)").evaluate({"x": x}).data == math.exp(1.5)
    finally:
        unregister_op(exp_scaled)


def test_op_inputs_follow_a_custom_ops_declaration():
    from hypothesis import given

    @given(op_inputs(HARD_LOGISTIC))
    def in_range_off_kinks(args):
        (x,) = args
        assert -4.0 <= x <= 4.0 and min(abs(x - 2.0), abs(x + 2.0)) > KINK_MARGIN

    in_range_off_kinks()


def test_a_registered_op_is_a_function_of_the_expression_language():
    register_op(HARD_LOGISTIC)
    try:
        expression = Expression("hard_logistic(w * x) * w")
        w = Value(0.5, "w")
        f = expression.evaluate({"w": w, "x": Value(1.0)})
        expression.backward(f)
        assert f.data == 0.625 * 0.5 and w.grad == 0.75
        assert fn.hard_logistic(1.0) == 0.75
    finally:
        unregister_op(HARD_LOGISTIC)
    assert "hard_logistic" not in OPS and not hasattr(fn, "hard_logistic")
    with pytest.raises(ValueError, match="built-in op"):
        register_op(custom_op(math.tanh, derivatives=lambda x, out: 1 - out * out, name="tanh"))
    with pytest.raises(ValueError, match="not a registered custom op"):
        unregister_op("relu")


@pytest.mark.parametrize(
    "make, words",
    [
        (lambda: custom_op(lambda x: x, derivatives=()), "the name '<lambda>'"),
        (lambda: custom_op(lambda x: x, derivatives=(), name="f"), "1 derivative rule"),
        (lambda: custom_op(lambda a, b, c: a, derivatives=(), name="f"), "1 or 2 inputs"),
        (lambda: custom_op(lambda x: x, derivatives=lambda: 1.0, name="f"), "rule 1 takes"),
        (lambda: custom_op(lambda x: x, derivatives=lambda x: 1, sample=(1, 0), name="f"), "lo <"),
    ],
)
def test_a_malformed_op_is_refused_saying_what(make, words):
    with pytest.raises((TypeError, ValueError), match=words):
        make()


def test_an_op_without_a_symbol_is_drawn_by_its_name():
    plain = Op("twice", UNARY, lambda x: 2 * x, (lambda x, out: 2.0,))
    assert plain.symbol == "twice" and plain.describe() == "twice"
    assert "twice" in draw_dot(apply(plain, Value(1.0))).source


@pytest.mark.parametrize("field", ["symbol", "formula", "derivative"])
@pytest.mark.parametrize("bad", ["s\x00q", "a\nb", "\x1b[2J", "x\u200by"])
def test_a_control_character_in_a_custom_ops_text_is_refused_at_creation(field, bad):
    """A NUL in the symbol reached Graphviz as "syntax error in line 8" (#26 item 8)."""
    with pytest.raises(ValueError, match=f"custom_op square2: the {field} .* control character"):
        custom_op(lambda x: x * x, derivatives=lambda x: 2 * x, name="square2", **{field: bad})


def in_a_neuron(x, w):
    """The README's Tour 3: hard-logistic inside a neuron, w·x + 0.5 reaching its kinks at
    w·x = 1.5 and -2.5, which scalars(avoid=...) on x alone cannot keep it from."""
    return apply(HARD_LOGISTIC, w * x + 0.5) * w


def test_a_point_on_a_kink_inside_the_graph_is_told_not_blamed():
    # at x = -3, w = -0.5: w·x + 0.5 = 2, the kink; a central difference gives the mean slope
    with pytest.raises(GradcheckError) as info:
        assert_grads_match(in_a_neuron, [-3.0, -0.5])
    assert "hard_logistic's input is at a kink within the difference step (hard_logistic(2)" in str(
        info.value
    )
    assert kink_in_graph(in_a_neuron, [-3.0, -0.5]) is not None
    assert kink_in_graph(in_a_neuron, [-3.0, -0.4]) is None  # w·x + 0.5 = 1.7: smooth


def test_a_kink_the_difference_step_does_not_reach_excuses_nothing():
    """Near a kink but off it, a wrong rule is a wrong rule: x³ with the slope 3x² + 1, times
    relu, at x = 5e-4 (relu's input 1e-6 steps away from 0 stays positive). And a steep input,
    relu(10⁴·x) at 2e-7, does cross the kink within ±1e-6: there the point is the excuse."""
    wrong_cube = custom_op(lambda x: x**3, derivatives=lambda x: 3 * x * x + 1, name="cube_plus")
    with pytest.raises(GradcheckError) as info:
        assert_grads_match(lambda x: apply(wrong_cube, x) + x.relu(), [5e-4])
    assert "kink" not in str(info.value) and "<-- mismatch" in str(info.value)
    assert kink_in_graph(lambda x: apply(wrong_cube, x) + x.relu(), [5e-4]) is None
    with pytest.raises(GradcheckError, match="relu's input is at a kink within the difference"):
        assert_grads_match(lambda x: (x * 1e4).relu(), [2e-7])


def test_hypothesis_draws_another_point_at_a_kink_but_still_fails_a_wrong_rule():
    points = st.sampled_from([(-3.0, -0.5), (1.0, 0.25), (3.0, 1.0)])  # the first on a kink

    @settings(max_examples=30, database=None)
    @given(points)
    def right(point):
        assert_grads_match(in_a_neuron, list(point))

    right()  # the kink point is rejected: without that, it fails (0 against 0.03125)
    wrong_rule = custom_op(
        hard_logistic, derivatives=lambda x: 0.5 if -2 < x < 2 else 0.0, name="hl_wrong"
    )

    @settings(max_examples=30, database=None)
    @given(points)
    def wrong(point):
        assert_grads_match(lambda x, w: apply(wrong_rule, w * x + 0.5) * w, list(point))

    with pytest.raises(GradcheckError, match="∂f/∂x"):
        wrong()  # at (1, 0.25) and (3, 1), off the kinks, the wrong slope is caught
