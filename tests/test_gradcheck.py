"""gradcheck and the testing helpers: they pass correct derivatives and catch wrong ones."""

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from micrograd_nndl import (
    MLP,
    DomainError,
    GradcheckError,
    MathError,
    Op,
    Replay,
    Value,
    apply,
    book_name,
    gradcheck,
    gradcheck_params,
    gradcheck_params_report,
    gradcheck_report,
    mse,
    numeric_grads,
)
from micrograd_nndl.gradcheck import COLUMNS
from micrograd_nndl.ops import OPS, UNARY
from micrograd_nndl.testing import KINK_MARGIN, assert_grads_match, expressions, op_inputs, scalars

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
    assert HEADER in text.splitlines()
    rows = [line.split() for line in text.splitlines() if "<-- mismatch" in line]
    # cos(0.7)·2 from the wrong rule against (1 − tanh²(0.7))·2 from the differences
    assert len(rows) == 1 and rows[0][:2] == ["∂f/∂x", "0.7"]  # y's derivative is right
    assert float(rows[0][2]) == pytest.approx(2 * math.cos(0.7), rel=1e-9)
    assert float(rows[0][3]) == pytest.approx(2 * (1 - math.tanh(0.7) ** 2), rel=1e-6)
    assert isinstance(info.value, AssertionError)  # pytest shows it as a failed assertion
    assert not info.value.report.passed and info.value.report.failures[0].derivative == "∂f/∂x"


HEADER = "derivative  at   backward      central difference  difference"


def test_every_check_prints_the_same_columns():
    """gradcheck's error, assert_grads_match's, order 2 and a passing report: one header."""
    messages = []
    for check in (
        lambda: gradcheck(lambda x, y: apply(WRONG, x) * y, [0.7, 2.0]),
        lambda: assert_grads_match(lambda x, y: apply(WRONG, x) * y, [0.7, 2.0]),
        lambda: gradcheck(lambda x: x.relu() * x.relu(), [-0.0001], order=2, eps=1e-3),
    ):
        with pytest.raises(GradcheckError) as info:
            check()
        messages.append(str(info.value).splitlines()[1].split("  "))
    passing = gradcheck_report(lambda w, b: (w * 1.0 + b).sigmoid(), [0.0, 0.0]).table()
    messages.append(passing.splitlines()[0].split("  "))
    headers = [[cell.strip() for cell in m if cell.strip()] for m in messages]
    assert all(h == list(COLUMNS) for h in headers), headers


def test_the_book_sigmoid_report_holds_the_books_numbers():
    """∂f/∂w = ∂f/∂b = 0.25 at x = 1, w = b = 0 (NNDL §4.5.3), named as the user names them."""
    report = gradcheck_report(
        lambda w, b: (w * 1.0 + b).sigmoid(), [0.0, 0.0], names=["w", "b"], output="σ"
    )
    assert report.passed
    assert [(r.derivative, r.at) for r in report.rows] == [("∂σ/∂w", "0"), ("∂σ/∂b", "0")]
    assert all(r.backward == 0.25 and r.central == pytest.approx(0.25) for r in report.rows)


def test_second_order_rows_name_both_inputs():
    report = gradcheck_report(lambda x, y: x * x * y, [3.0, 2.0], order=2, names=["x", "y"])
    rows = {r.derivative: (r.at, r.backward) for r in report.rows}
    assert rows["∂²f/∂x²"] == ("3", 4.0) and rows["∂²f/∂x∂y"] == ("3, 2", 6.0)
    assert rows["∂²f/∂y²"] == ("2", 0.0)


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


# ---- strategies ---------------------------------------------------------------------------


@given(scalars(-1.0, 1.0, avoid=[0.0, 0.5, -1.0], distance=0.1))
def test_scalars_keep_the_stated_distance_from_avoided_points(x):
    assert -1.0 <= x <= 1.0
    assert all(abs(x - p) > 0.1 for p in (0.0, 0.5, -1.0))


@given(scalars(-0.5, -0.5, avoid=[0.0], distance=0.0))
def test_scalars_of_a_one_point_range_clear_of_the_avoided_points(x):
    assert x == -0.5  # [lo, lo] is a gap of its own when no avoided point is near it


@pytest.mark.parametrize(
    "lo, hi, avoid, distance",
    [(-1.0, -1.0, [0.0], 0.0), (-1.0, 4.5, [-1.0], 1.0), (-7.0, 0.0, [-6.744634922136701], 0.0)],
)
def test_scalars_at_the_edges_of_float_rounding(lo, hi, avoid, distance):
    """A one-point range, an end that rounds onto the avoided distance (−1 + 1 = 0, and the
    next floats up still read as 1 away) and an avoided point a float apart from the next."""

    @given(scalars(lo, hi, avoid=avoid, distance=distance))
    def keeps_away(x):
        assert lo <= x <= hi and all(abs(x - p) > distance for p in avoid)

    keeps_away()


@given(st.data())
def test_scalars_avoid_any_points_at_any_distance(data):
    lo = data.draw(st.floats(-10, 10))
    hi = data.draw(st.floats(lo, 10))
    avoid = data.draw(st.lists(st.floats(-12, 12), max_size=4))
    distance = data.draw(st.floats(0, 1))
    try:
        strategy = scalars(lo, hi, avoid=avoid, distance=distance)
    except ValueError:  # then no point of [lo, hi] is far enough from every avoided one
        assert all(any(abs(x - p) <= distance for p in avoid) for x in (lo, hi, (lo + hi) / 2))
        return
    x = data.draw(strategy)
    assert lo <= x <= hi and all(abs(x - p) > distance for p in avoid)


@given(scalars(-3, 3, avoid=[0.0]))
def test_a_relu_property_test_off_its_kink_passes(x):
    assert abs(x) > KINK_MARGIN
    assert_grads_match(lambda v: v.relu() * v, [x])


@given(op_inputs(OPS["log"]), op_inputs(OPS["div"]), op_inputs(OPS["hard_tanh"]))
def test_op_inputs_come_from_the_ops_declaration(log_args, div_args, hard_tanh_args):
    (x,) = log_args
    assert 0.05 <= x <= 5.0  # log's sample range, inside its domain x > 0
    assert abs(div_args[1]) > KINK_MARGIN  # off div's pole at b = 0
    assert all(abs(hard_tanh_args[0] - k) > KINK_MARGIN for k in (-1.0, 1.0))


def test_hypothesis_failures_print_expressions_and_ops_by_name():
    """A failing property test shows `neg(x2) at x1=…` and `<Op relu>`, not dataclass fields."""

    @settings(max_examples=5, database=None)
    @given(expressions(n_inputs=2, max_steps=3), st.sampled_from(list(OPS.values())))
    def always_fails(expr, op):
        raise AssertionError("a property that never holds")

    with pytest.raises(AssertionError) as info:
        always_fails()
    shown = "\n".join(getattr(info.value, "__notes__", []))
    assert "expr=<RandomExpression " in shown and "op=<Op " in shown
    for dump in ("RandomStep(", "Op(name=", "_variants", "<lambda>", "forward="):
        assert dump not in shown, shown


# ---- checks over a model's parameters ----------------------------------------------------------

XS, YS = [[0.5, -1.0], [1.5, 0.3], [-0.7, 0.8]], [1.0, -0.5, 0.2]


def _mlp_loss(model, extra=None):
    def loss():
        total = mse([model(x) for x in XS], YS)
        return total if extra is None else total + extra()

    return loss


def test_gradcheck_params_passes_on_an_mlp_and_leaves_it_as_it_was():
    model = MLP(2, [4, 3, 1], activation="tanh", init="xavier_normal", seed=5)
    before = [p.data for p in model.parameters()]
    model.parameters()[3].grad = 0.125  # a gradient from an earlier step stays
    assert gradcheck_params(_mlp_loss(model), model, atol=1e-6, rtol=1e-5) is True
    assert [p.data for p in model.parameters()] == before
    assert model.parameters()[3].grad == 0.125 and not model.parameters()[0].has_grad
    report = gradcheck_params_report(_mlp_loss(model), model)
    assert len(report.rows) == len(model.parameters()) == 4 * 3 + 3 * 5 + 4
    # the book's name for a reader (NNDL §4.3), the dotted path to find it in code
    assert report.rows[0].derivative == "∂loss/∂w⁽¹⁾₁₁"
    assert report.rows[0].in_code == "layers.0.neurons.0.w.0"
    header, first = report.table().splitlines()[:2]
    assert header.split()[-2:] == ["in", "code"] and first.split()[-1] == "layers.0.neurons.0.w.0"


# x³ with the derivative 2x², the cube's deliberate mistake (3x² is right)
CUBE_WRONG = Op("cube", UNARY, lambda x: x**3, (lambda x, out: 2 * x * x,), sample=((-2, 2),))


def test_gradcheck_params_names_the_parameter_a_wrong_rule_reaches():
    model = MLP(2, [4, 1], activation="tanh", seed=2)
    named = dict(model.named_parameters())
    w = named["layers.0.neurons.2.w.1"]
    wrong = _mlp_loss(model, extra=lambda: apply(CUBE_WRONG, w))  # a penalty on one weight
    with pytest.raises(GradcheckError) as info:
        gradcheck_params(wrong, model)
    marked = [line.split() for line in str(info.value).splitlines() if "mismatch" in line]
    assert [m[:2] + m[-3:-2] for m in marked] == [
        ["∂loss/∂w⁽¹⁾₃₂", f"{w.data:.6g}", "layers.0.neurons.2.w.1"]
    ]
    (row,) = info.value.report.failures
    assert row.backward - row.central == pytest.approx(2 * w.data**2 - 3 * w.data**2, rel=1e-4)


def test_a_long_parameter_report_shows_the_worst_first():
    model = MLP(2, [4, 1], activation="tanh", seed=2)
    named = dict(model.named_parameters())
    chosen = ["layers.0.neurons.0.w.0", "layers.0.neurons.1.w.1", "layers.1.neurons.0.w.3"]
    weights = [named[n] for n in chosen]

    def penalty():  # k·w³ for the k-th chosen weight: backward is off by k·w²
        return sum((apply(CUBE_WRONG, w) * k for k, w in enumerate(weights, 1)), Value(0.0))

    with pytest.raises(GradcheckError, match="3 of 17 disagree") as info:
        gradcheck_params(_mlp_loss(model, extra=penalty), model, show=2)
    marked = [line.split()[0] for line in str(info.value).splitlines() if "mismatch" in line]
    errors = {n: k * named[n].data ** 2 for k, n in enumerate(chosen, 1)}
    worst = sorted(chosen, key=errors.get, reverse=True)[:2]
    assert marked == [f"∂loss/∂{book_name(n)}" for n in worst]


def test_gradcheck_params_takes_a_mapping_or_a_list():
    a, b = Value(0.3, "a"), Value(-1.2, "b")
    assert gradcheck_params(lambda: (a * b).tanh(), {"first": a, "second": b})
    rows = gradcheck_params_report(lambda: (a * b).tanh(), [a, b]).rows
    assert [r.derivative for r in rows] == ["∂loss/∂a", "∂loss/∂b"]
    with pytest.raises(TypeError, match="'c' is a float"):
        gradcheck_params(lambda: a * b, {"c": 1.0})


# ---- Replay: one evaluation of f, replayed per moved input ---------------------------------------


def _eager(f, xs, i, step):
    moved = list(xs)
    moved[i] += step
    return f(*[Value(x) for x in moved]).data


@settings(max_examples=60)
@given(expressions(n_inputs=3, max_steps=8), st.sampled_from([1e-6, -1e-6, 1e-3, 0.0]))
def test_a_replay_gives_fs_own_numbers_bit_for_bit(expression, step):
    """Every op of the table (constants, parameters, maxout, neuron) applied again from the
    moved input on gives exactly what evaluating f at the moved point gives."""
    replay = Replay(expression, expression.inputs)
    assert replay.faithful and replay.root.data == expression(*map(Value, expression.inputs)).data
    for i in range(3):
        try:
            want = _eager(expression, expression.inputs, i, step)
        except MathError:
            continue  # the step leaves an op's domain; the error case is tested below
        assert replay.values(i, [step]) == [want]


def test_same_graph_gives_the_same_report_as_evaluating_f_each_time():
    def f(x, y, z):
        return (x * y).tanh() + (z / y).exp() - x.sigmoid() * 2.0

    inputs = [0.3, -1.2, 0.7]
    assert gradcheck_report(f, inputs, same_graph=True) == gradcheck_report(f, inputs)


def test_a_replayed_step_out_of_the_domain_raises_fs_own_error_naming_the_input():
    def f(x):
        return x.sqrt()

    with pytest.raises(DomainError) as eager:
        gradcheck_report(f, [1e-7], names=["x"])
    with pytest.raises(DomainError) as replayed:
        gradcheck_report(f, [1e-7], names=["x"], same_graph=True)
    assert str(replayed.value) == str(eager.value)
    assert "while evaluating f at x − 1e-06" in str(replayed.value)


def test_a_graph_that_does_not_replay_to_its_own_values_falls_back_to_f():
    """An op whose forward is not a function of its inputs (it counts its calls) cannot be
    replayed: the replay sees that at the point itself and evaluates f instead."""
    calls = []

    def counting(x):
        calls.append(x)
        return x + len(calls)

    op = Op("counting", UNARY, counting, (lambda x, out: 1.0,), "c", "x + n", "1")
    replay = Replay(lambda x: apply(op, x * 2.0), [1.0])
    assert not replay.faithful
    assert replay.values(0, [0.5]) == [3.0 + len(calls)]  # f evaluated again: one call more


def test_one_number_is_one_input():
    """gradcheck(f, 0.0) raised "'float' object is not iterable"; σ'(0) = 0.25 (NNDL §4.1.1)."""
    assert gradcheck(lambda a: a.sigmoid(), 0.0)
    report = gradcheck_report(lambda a: a.sigmoid(), 0.0)
    assert [row.backward for row in report.rows] == [0.25]


def test_a_table_names_the_inputs_as_the_function_does():
    """`lambda x, w: ...` is read as ∂f/∂x and ∂f/∂w, as the user wrote it (a new user saw
    ∂f/∂x1, ∂f/∂x2 for the README's hard-logistic test); *args keeps x1, x2."""
    with pytest.raises(GradcheckError) as info:
        gradcheck(lambda x, w: apply(WRONG, x) * w, [0.7, 2.0])
    assert [row.derivative for row in info.value.report.rows] == ["∂f/∂x", "∂f/∂w"]
    # the wrong rule gives ∂f/∂x = cos(0.7)·w; w's own derivative tanh(0.7) is right
    assert [row.passed for row in info.value.report.rows] == [False, True]
    with pytest.raises(GradcheckError) as info:
        gradcheck(lambda *v: apply(WRONG, v[0]) * v[1], [0.7, 2.0])
    assert [row.derivative for row in info.value.report.rows] == ["∂f/∂x1", "∂f/∂x2"]


def test_an_input_named_like_the_output_does_not_read_as_df_df():
    """lambda f, g: the rows read ∂out/∂f and ∂out/∂g, not ∂f/∂f."""
    report = gradcheck_report(lambda f, g: f * g, [2.0, 3.0])
    assert [row.derivative for row in report.rows] == ["∂out/∂f", "∂out/∂g"]
    assert [row.backward for row in report.rows] == [3.0, 2.0]
