"""The compiled replay on numpy batches equals the eager engine, sample by sample (NNDL §4.4)."""

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from micrograd_nndl import MLP, OPS, DomainError, NonFiniteGradientError, Value, apply
from micrograd_nndl.compile import LayerStep, MapStep, NoArrayFormError, Step, TracingError, compile
from micrograd_nndl.nn import activation_names
from micrograd_nndl.ops import BINARY, NARY, UNARY, UNARY_PARAM, Op, fn
from micrograd_nndl.testing import KINK_MARGIN, expressions, op_inputs, scalars

# per sample and input, a shift small beside the op table's kink margin (1e-3)
SHIFTS = np.array([0.0, 1e-4, -2e-4, 3e-4])


def eager_sum(f, columns, params):
    """Σ over samples of f's value, and of backward()'s parameter gradients, one by one."""
    for p in params:
        p.grad = 0.0
    total = 0.0
    for row in zip(*columns):
        out = f(*(Value(float(x)) for x in row))
        out.backward()
        total += out.data
    return total, np.array([p.grad for p in params])


def assert_close(got, want, rtol=1e-12):
    scale = max(1.0, float(np.max(np.abs(want)))) if np.size(want) else 1.0
    np.testing.assert_allclose(got, want, rtol=rtol, atol=rtol * scale)


def test_the_books_sigmoid_on_a_batch():
    """σ(wx + b) at w = 0, b = 0 is 0.5 for every x, with ∂f/∂w = 0.25·x and ∂f/∂b = 0.25."""
    w, b = Value(0.0, "w"), Value(0.0, "b")
    f = compile(lambda x: (w * x + b).sigmoid())
    assert f(np.array([1.0, 2.0])).tolist() == [0.5, 0.5]
    assert f.grad(np.array([1.0]), wrt=[w, b], reduce="sum").tolist() == [0.25, 0.25]
    assert f.grad(np.array([1.0, 2.0]), wrt=[w, b], reduce="sum").tolist() == [0.75, 0.5]
    assert f.grad(np.array([1.0, 2.0]), wrt=[w, b], reduce="mean").tolist() == [0.375, 0.25]


def _cases():
    """(op, form) for every op of the table, so a new op is checked without a line here: each
    op on traced inputs; a binary op also with a constant operand on either side (x * 2, 1 / x);
    the fused neuron also as a layer (a matrix product), and a one-input activation also on a
    layer's rows (one call on the block)."""
    cases = []
    for op in OPS.values():
        cases.append((op, "inputs"))
        if op.kind == BINARY:
            cases += [(op, "constant right"), (op, "constant left")]
        if op.name == "neuron":
            cases.append((op, "layer"))
        if op.activation and op.kind in (UNARY, UNARY_PARAM):
            cases.append((op, "layer activation"))
    return cases


CASES = _cases()


def test_the_cases_check_every_op_of_the_table_in_every_form_it_compiles_to():
    names = {op.name for op, _ in CASES}
    assert names == set(OPS)
    assert len(CASES) == len(set((op.name, form) for op, form in CASES))
    for op in OPS.values():
        forms = {form for case, form in CASES if case is op}
        assert ("constant left" in forms) == (op.kind == BINARY) == ("constant right" in forms)
        assert ("layer activation" in forms) == (op.activation and op.kind in (UNARY, UNARY_PARAM))


def _apart(xs):
    """No two inputs closer than the kink margin: a tie is maxout's kink."""
    ordered = sorted(xs)
    return all(b - a > KINK_MARGIN for a, b in zip(ordered, ordered[1:]))


@st.composite
def arguments(draw, op, count):
    """`count` tuples of op's graph inputs from its table row (inside its sample ranges, off its
    kinks, in its domain) and its number k (a parameter or constant operand: one per program,
    so every sample shares the first one's); an n-ary op's tuples share one length."""
    if op.kind == NARY:
        lo, hi = op.sample[0]
        counts = [n for n in range(op.inputs.least, op.inputs.least + 7) if op.inputs.accepts(n)]
        n = draw(st.sampled_from(counts))
        one = st.lists(scalars(lo, hi), min_size=n, max_size=n).filter(_apart).map(tuple)
        return [draw(one) for _ in range(count)], None
    drawn = [draw(op_inputs(op)) for _ in range(count)]
    if not op.takes_number:
        return drawn, None
    k = drawn[0][-1]
    assume(op.check is None or all(op.check(*args[:-1], k) is None for args in drawn))
    return [args[:-1] for args in drawn], k


def _graph(op, form, rows, k):
    """The function of the traced inputs that the case compiles, its columns (one per input,
    one element per sample) and the parameters to differentiate. Each graph input is a traced
    input plus a parameter p = 0, so ∂/∂p is the op's local derivative for that input."""
    number = [k] if op.takes_number else []
    if form == "layer":  # w and b leaves, x traced: the neuron is lowered to a matrix product
        m = (len(rows[0]) - 1) // 2
        ws = [Value(w, f"w{j + 1}") for j, w in enumerate(rows[0][:m])]
        b = Value(rows[0][-1], "b")
        ps = [Value(0.0, f"p{j + 1}") for j in range(m)]

        def f(*xs):
            return apply(op, *ws, *(x + p for x, p in zip(xs, ps)), b)

        return f, [[row[m + j] for row in rows] for j in range(m)], [*ws, b, *ps]
    if form == "layer activation":  # z = I·x + 0 = x exactly: the op sees the drawn inputs
        pairs = [rows[i : i + 2] for i in range(0, len(rows), 2)]
        W = [
            [Value(1.0 if i == j else 0.0, f"w{j + 1}{i + 1}") for i in range(2)] for j in range(2)
        ]
        bs = [Value(0.0, f"b{j + 1}") for j in range(2)]
        ps = [Value(0.0, f"p{j + 1}") for j in range(2)]

        def f(*xs):
            ins = [x + p for x, p in zip(xs, ps)]
            zs = [apply(OPS["neuron"], *W[j], *ins, bs[j]) for j in range(2)]
            return apply(op, zs[0], *number) + apply(op, zs[1], *number)

        columns = [[pair[j][0] for pair in pairs] for j in range(2)]
        return f, columns, [*W[0], *W[1], *bs, *ps]
    ps = [Value(0.0, f"p{j + 1}") for j in range(len(rows[0]))]

    def f(*xs):
        return apply(op, *(x + p for x, p in zip(xs, ps)), *number)

    return f, [[row[j] for row in rows] for j in range(len(ps))], ps


def _lowered_to(steps, op, form):
    """Whether the program runs the op in the form the case means (so a case cannot pass
    without compiling its op)."""
    if form == "layer":
        return any(isinstance(s, LayerStep) for s in steps) and not any(
            isinstance(s, Step) and s.op is op for s in steps
        )
    if form == "layer activation":
        return any(isinstance(s, MapStep) and s.op is op for s in steps)
    return any(isinstance(s, Step) and s.op is op for s in steps)


@pytest.mark.parametrize("op, form", CASES, ids=[f"{op.name}-{form}" for op, form in CASES])
@settings(max_examples=10)
@given(data=st.data())
def test_every_op_compiled_equals_eager(op, form, data):
    """Each op's graph, built from its table row, on a batch of samples drawn where the op is
    smooth: the compiled values equal the eager ones sample by sample, and ∂/∂p of Σᵢ 2ⁱ·yᵢ
    equals backward()'s summed over the samples (the weights 2ⁱ tell the samples apart, so a
    derivative given to the wrong sample is seen)."""
    if form.startswith("constant"):
        op = op.with_constant(form.split()[1])
    batch = data.draw(st.integers(1, 4), label="batch")
    rows, k = data.draw(arguments(op, 2 * batch if form == "layer activation" else batch))
    f, columns, params = _graph(op, form, rows, k)
    columns = [np.array(c) for c in [*columns, 2.0 ** np.arange(batch)]]

    def weighted(*xs):
        return f(*xs[:-1]) * xs[-1]

    compiled = compile(weighted)
    values, grads = compiled.value_and_grad(*columns, wrt=params, reduce="sum")
    assert _lowered_to(compiled.program.steps, op, form)
    for i, row in enumerate(zip(*columns)):
        assert_close(values[i], weighted(*(Value(float(x)) for x in row)).data)
    total, want = eager_sum(weighted, columns, params)
    assert_close(values.sum(), total)
    assert_close(grads, want)


@settings(max_examples=40)
@given(expressions(n_inputs=3, max_steps=8))
def test_mixed_random_graphs_compiled_equals_eager(expr):
    _check_expression(expr)


def _check_expression(expr):
    p = Value(expr.inputs[2], "p")
    columns = [x + (i + 1) * SHIFTS for i, x in enumerate(expr.inputs[:2])]
    f = compile(lambda a, b: expr(a, b, p))
    values, grads = f.value_and_grad(*columns, wrt=[p], reduce="sum")
    total, want = eager_sum(lambda a, b: expr(a, b, p), columns, [p])
    for i, row in enumerate(zip(*columns)):
        assert_close(values[i], expr(*(Value(float(x)) for x in row), p).data)
    assert_close(values.sum(), total)
    assert_close(grads, want)


def _unfused(model, xs):
    """The same MLP written as users write it: Σ w·x + b from mul and add nodes."""
    for layer in model.layers:
        xs = [n.activate(sum((w * x for w, x in zip(n.w, xs)), n.b)) for n in layer.neurons]
    return xs


@pytest.mark.parametrize("activation", activation_names())
@pytest.mark.parametrize("fused", [True, False], ids=["fused", "unfused"])
def test_mlps_with_every_activation(activation, fused):
    model = MLP(3, [4, 3, 2], activation=activation, seed=3)
    params = model.parameters()
    rng = np.random.default_rng(7)
    columns = list(rng.uniform(-1.5, 1.5, size=(3, 5)))

    def f(a, b, c):
        outs = model([a, b, c]) if fused else _unfused(model, [a, b, c])
        return (outs[0] - 0.5) ** 2 + outs[1].tanh()

    compiled = compile(f)
    values, grads = compiled.value_and_grad(*columns, wrt=params, reduce="sum")
    total, want = eager_sum(f, columns, params)
    assert_close(values.sum(), total)
    assert_close(grads, want)
    mean = compiled.grad(*columns, wrt=params, reduce="mean")
    assert_close(mean, want / 5)
    layers = sum(isinstance(s, LayerStep) for s in compiled.program.steps)
    assert layers == (3 if fused else 0)  # one matrix product per layer when fused


def test_parameters_are_read_at_call_time():
    w = Value(1.0)
    f = compile(lambda x: w * x)
    assert f(np.array([2.0, 3.0])).tolist() == [2.0, 3.0]
    w.data = 10.0
    assert f(np.array([2.0, 3.0])).tolist() == [20.0, 30.0]
    assert f.grad(np.array([2.0, 3.0]), wrt=[w, Value(5.0)], reduce="sum").tolist() == [5.0, 0.0]


def test_several_outputs_ride_along_and_the_first_is_differentiated():
    w = Value(2.0)
    f = compile(lambda x: [w * x, x + 1.0])
    (y, z), g = f.value_and_grad(np.array([1.0, 4.0]), wrt=[w], reduce="sum")
    assert y.tolist() == [2.0, 8.0] and z.tolist() == [2.0, 5.0] and g.tolist() == [5.0]


@pytest.mark.parametrize(
    "f, use",
    [
        (lambda x: x.relu() if x > 0 else -x, "comparing"),
        (lambda x: x if x.data > 0 else -x, "comparing"),
        (lambda x: x if x.data else -x, "converting"),
        (lambda x: x * float(x.data), "converting"),
        (lambda x: x + x.data * 2, "computing with the number of"),
    ],
)
def test_control_flow_on_a_traced_input_is_refused_naming_the_line(f, use):
    with pytest.raises(TracingError) as info:
        compile(f)(np.array([1.0, -1.0]))
    message = str(info.value)
    assert __file__ in message and "lambda x:" in message  # the user's file and line
    assert f"{use} the traced input 'x'" in message


def test_the_engine_may_read_a_traced_input():
    """Comparisons inside the library (the loss reading its inputs) are not the user's."""
    from micrograd_nndl import accuracy

    f = compile(lambda x: x * accuracy([x], [1]))
    assert f(np.array([3.0, -3.0])).tolist() == [3.0, -3.0]  # the trace's accuracy (1.0) stays


def test_an_op_without_an_array_form_says_so():
    step = Op("step_up", UNARY, lambda x: x if x > 0.0 else 0.0, (lambda x, o: 1.0,), "step")
    with pytest.raises(NoArrayFormError, match="op 'step_up' has no array form: its forward"):
        compile(lambda x: apply(step, x))(np.array([1.0, 2.0]))


def test_a_domain_error_names_the_sample():
    f = compile(lambda x: x.log())
    assert np.allclose(f(np.array([1.0, np.e])), [0.0, 1.0])
    with pytest.raises(DomainError, match=r"sample 2: log: needs x > 0, got x = -1\.0"):
        f(np.array([1.0, 2.0, -1.0]))


def test_non_finite_inputs_and_wrong_counts_are_refused():
    f = compile(lambda x, y: x * y)
    with pytest.raises(ValueError, match="input 1, sample 1 is nan"):
        f(np.array([1.0, 2.0]), np.array([1.0, np.nan]))
    f(np.array([1.0]), np.array([2.0]))
    with pytest.raises(TypeError, match="traced with 2 inputs, called with 1"):
        f(np.array([1.0]))
    with pytest.raises(ValueError, match='reduce must be "mean" or "sum"'):
        f.grad(np.array([1.0]), np.array([1.0]), wrt=[], reduce="max")


def test_show_prints_an_mlp_as_the_books_matrix_equations(capsys):
    model = MLP(2, [16, 16, 1], seed=0)
    f = compile(lambda a, b: (model([a, b]) - 1.0) ** 2)
    f(np.array([0.5]), np.array([-0.5]))
    f.show()
    text = capsys.readouterr().out
    for line in (
        "a⁽⁰⁾ = (a, b)",
        "z⁽¹⁾ = W⁽¹⁾·a⁽⁰⁾ + b⁽¹⁾    W⁽¹⁾: 16×2",
        "a⁽¹⁾ = ReLU(z⁽¹⁾)",
        "z⁽³⁾ = W⁽³⁾·a⁽²⁾ + b⁽³⁾    W⁽³⁾: 1×16",
        "t1 = z⁽³⁾₁ − 1",
        "t2 = t1 ^ 2",
        "δ⁽²⁾ = ReLU′(z⁽²⁾) ⊙ (W⁽³⁾)ᵀ·δ⁽³⁾",
        "δ⁽¹⁾ = ReLU′(z⁽¹⁾) ⊙ (W⁽²⁾)ᵀ·δ⁽²⁾",
    ):
        assert line in text


def test_show_prints_other_graphs_as_the_op_list(capsys):
    w = Value(0.5, "w")
    f = compile(lambda x: (w * x).exp() + x)
    f(np.array([1.0]))
    f.show()
    text = capsys.readouterr().out
    assert "t1 = w × x\n  t2 = exp(t1)\n  t3 = t2 + x\n  output: t3" in text
    assert "δ" not in text


def test_a_non_finite_gradient_names_the_node_and_sample():
    """√x at x = 0 has an infinite derivative: eager backward() refuses it, so does the replay."""
    w = Value(1.0, "w")
    f = compile(lambda x: (w * x).sqrt())
    assert f(np.array([4.0, 0.0])).tolist() == [2.0, 0.0]
    with pytest.raises(NonFiniteGradientError, match=r"sample 1: the gradient of a mul node"):
        f.grad(np.array([4.0, 0.0]), wrt=[w])


@pytest.mark.parametrize("op", [op for op in OPS.values() if op.kind == UNARY], ids=str)
def test_the_tables_functions_run_elementwise_on_arrays(op):
    """ops.fn, the table as functions (what rules call), on an array: each element as on its
    float, from the same forward (to 1e-12: numpy's exp, log, tanh may differ in the last bit)."""
    lo, hi = op.sample[0]
    xs = np.linspace(lo, hi, 7)
    got = getattr(fn, op.name)(xs)
    assert isinstance(got, np.ndarray) and got.shape == (7,)
    np.testing.assert_allclose(
        got, [getattr(fn, op.name)(float(x)) for x in xs], rtol=1e-12, atol=1e-15
    )


def test_the_same_op_on_the_same_slots_runs_once():
    """Two traces of one expression (softmax's log-sum-exp for every label) are one step."""
    f = compile(lambda x: x.exp() * 2.0 + x.exp() * 2.0)
    assert f(np.array([0.0, 1.0])).tolist() == [4.0, 4 * np.e]
    assert [s.op.name for s in f.program.steps] == ["exp", "mul", "add"]


def test_inputs_of_different_lengths_are_refused_by_position_numbers_broadcast():
    """Lengths 2 and 3 raised numpy's "shape mismatch"; lengths 2 and 1 were stretched silently."""
    g = compile(lambda x, y: x * y)
    for ys in ([1.0, 2.0, 3.0], [5.0]):
        with pytest.raises(ValueError, match=rf"input 0 has 2 samples but input 1 has {len(ys)}"):
            g([1.0, 2.0], ys)
    assert g([1.0, 2.0], 5.0).tolist() == [5.0, 10.0]  # a plain number is every sample's
    assert g([3.0], [4.0]).tolist() == [12.0]


@pytest.mark.parametrize(
    "select, message",
    [
        (np.array([3, 3]), r"select\[0\] is 3; f has 2 outputs \(0 to 1\)"),
        (np.array([0, -1]), r"select\[1\] is -1; f has 2 outputs"),
        (np.array([0]), r"select has shape \(1,\), expected one index per sample \(2,\)"),
        (np.array([0.5, 1.0]), r"select must hold integers"),
    ],
)
def test_a_select_outside_the_outputs_is_refused_by_name(select, message):
    """select=np.array([3, 3]) with two outputs raised a bare IndexError from the replay."""
    w = Value(1.0)
    f = compile(lambda x: [w * x * 2.0, w * x + 1.0])
    with pytest.raises(ValueError, match=message):
        f.value_and_grad(np.array([1.0, 2.0]), wrt=[w], select=select)
