"""Value, its operators, backward semantics and the errors a learner meets (NNDL §4.5.3)."""

import math
import sys
import threading
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given

from micrograd_nndl import (
    OPS,
    DivisionByZeroError,
    DomainError,
    MathError,
    NonFiniteGradientError,
    NumericOverflowError,
    Value,
    apply,
    backward_edges,
    backward_order,
    engine,
    forward_tangents,
    is_grad_enabled,
    maxout,
    neuron,
    no_grad,
    ops,
    store_grads,
    topological_order,
)
from micrograd_nndl.ops import BINARY, CONSTANT_OPERAND, NARY, UNARY, UNARY_PARAM
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


# ---- no state outlives a call: interrupts anywhere, errors in rules, threads -----------------

#: every module of the engine package, and ops.table where the rules live
ENGINE_FILES = {str(p) for p in Path(engine.__file__).parent.glob("*.py")} | {ops.table.__file__}


def shared_graph():
    """One-input, two-input and n-ary ops (maxout, a fused neuron) over shared leaves, and a
    second root sharing interior nodes with the first."""
    a, b, c = Value(0.3, "a"), Value(-1.2, "b"), Value(0.8, "c")
    u = (a * b).tanh()
    v = maxout(u, a * 2.0, c)
    w = neuron([a, b], [u, v], c)
    root = (w * u + v.sigmoid() - a / c).exp() * 0.5
    other = (u + w).sin()
    return [a, b, c], root, other


def reference_grads(backward_calls: int) -> tuple[list[float], list[float]]:
    """The gradients of a graph built anew: every node's after one backward() of `root`, and
    the leaves' after `backward_calls` of them (leaves accumulate)."""
    leaves, root, _ = shared_graph()
    for _ in range(backward_calls):
        root.backward()
    return [n.grad for n in topological_order(root)], [x.grad for x in leaves]


def raise_at_line(k: int, error: type[BaseException], files: set[str]):
    """A trace function raising `error` at the k-th line executed in `files`."""
    count = 0

    def trace(frame, event, arg):
        nonlocal count
        if frame.f_code.co_filename not in files:
            return None
        if event == "line":
            count += 1
            if count == k:
                raise error(f"at line event {k}")
        return trace

    return trace


def lines_run(files: set[str]) -> int:
    """How many lines in `files` one backward() of a fresh graph runs."""
    count = 0

    def trace(frame, event, arg):
        nonlocal count
        if frame.f_code.co_filename not in files:
            return None
        count += event == "line"
        return trace

    _, root, _ = shared_graph()
    sys.settrace(trace)
    try:
        root.backward()
    finally:
        sys.settrace(None)
    return count


def interrupted_runs(error: type[BaseException], files: set[str]):
    """(leaves, root, other) of a fresh graph whose backward() was stopped by `error` at the
    k-th line in `files`, for every line one backward() runs there. A rule's ZeroDivisionError
    does not stop it: backward() walks again, carefully, and may complete."""
    for k in range(1, lines_run(files) + 1):
        leaves, root, other = shared_graph()
        sys.settrace(raise_at_line(k, error, files))
        try:
            root.backward()
        except (error, NonFiniteGradientError):
            pass
        finally:
            sys.settrace(None)
        yield leaves, root, other


def assert_exact_after_interruption(leaves, root, other):
    """Each leaf holds what it had (nothing) or the completed call's gradient, bit for bit;
    then a fresh backward() of either root equals the same graph built anew."""
    once_nodes, once = reference_grads(1)
    _, twice = reference_grads(2)
    committed = [x.has_grad for x in leaves]
    assert all(x.grad == g for x, g, done in zip(leaves, once, committed) if done)
    other_leaves, _, fresh_other = shared_graph()
    fresh_other.backward()
    other.backward()  # shares u and w with the interrupted graph: counts must be fresh
    assert [n.grad for n in topological_order(other) if not n.is_leaf] == [
        n.grad for n in topological_order(fresh_other) if not n.is_leaf
    ]
    for x in leaves:
        x.zero_grad()
    root.backward()
    assert [n.grad for n in topological_order(root)] == once_nodes
    root.backward()
    assert [x.grad for x in leaves] == twice


def test_keyboard_interrupt_at_every_line_of_backward_leaves_no_trace():
    """Ctrl-C may land on any line (a loop's back-jump included): whatever it stops, nothing
    counted on the nodes makes the next backward() wrong, and no leaf holds a partial sum."""
    runs = 0
    for leaves, root, other in interrupted_runs(KeyboardInterrupt, ENGINE_FILES):
        assert_exact_after_interruption(leaves, root, other)
        runs += 1
    assert runs > 100  # every line of both passes and of the commit


@pytest.mark.parametrize("error", [RuntimeError, ZeroDivisionError, KeyboardInterrupt])
def test_an_exception_at_every_line_of_a_rule_leaves_no_trace(error):
    """A rule that raises (a bug: RuntimeError; undefined math: ZeroDivisionError, reported as
    NonFiniteGradientError; Ctrl-C inside a rule) at any of its lines leaves nothing behind."""
    runs = 0
    for leaves, root, other in interrupted_runs(error, {ops.table.__file__}):
        assert_exact_after_interruption(leaves, root, other)
        runs += 1
    assert runs >= 10  # every rule line the graph runs


def test_grad_mode_is_per_thread():
    """One thread loops under no_grad() while others build and back-propagate: every
    gradient exact (a process-wide switch gave x.grad == 0 in 300 of 300 tries)."""
    stop = threading.Event()
    shared = no_grad()  # one instance entered by several threads at once
    wrong: list[tuple[float, float]] = []

    def evaluate_without_graph():
        while not stop.is_set():
            with shared:
                assert (Value(2.0) * Value(3.0)).is_leaf

    def train(seed: float):
        for i in range(300):
            x = Value(seed + i * 1e-3)
            y = x * x + x
            y.backward()
            if x.grad != 2 * x.data + 1:
                wrong.append((x.data, x.grad))

    evaluator = threading.Thread(target=evaluate_without_graph)
    evaluator.start()
    trainers = [threading.Thread(target=train, args=(s,)) for s in (0.5, -1.5)]
    old_interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as CPython allows
    try:
        for t in trainers:
            t.start()
        for t in trainers:
            t.join()
    finally:
        stop.set()
        evaluator.join()
        sys.setswitchinterval(old_interval)
    assert wrong == []
    assert is_grad_enabled()


# ---- errors carry their place ------------------------------------------------------------------


def test_forward_errors_name_their_node_and_op():
    x, zero = Value(-1.0, "x"), Value(0.0, "zero")
    with pytest.raises(DomainError) as info:
        x.log()
    assert info.value.node is x and info.value.op is OPS["log"] and info.value.edge is None
    with pytest.raises(DivisionByZeroError) as info:
        x / zero  # the divisor is at fault
    assert info.value.node is zero and info.value.op is OPS["div"]
    big = Value(1000.0, "big")
    with pytest.raises(NumericOverflowError) as info:
        big.exp()
    assert info.value.node is big and info.value.op is OPS["exp"]
    huge = Value(1e308, "huge")
    with pytest.raises(NumericOverflowError) as info:
        Value(2.0) * huge  # laid to the input of the largest magnitude
    assert info.value.node is huge and info.value.op is OPS["mul"]


def test_finite_leaf_gradients_whose_total_overflows_are_not_an_error():
    """backward checks the leaves' sums by adding them all up first (inf and nan absorb): a
    total that overflows only sends it to the test of each, which finds them all finite."""
    a, b = Value(1e-300, "a"), Value(2e-300, "b")
    f = a * 1e308 + b * 1e308  # each leaf 1e308, together inf
    f.backward()
    assert (a.grad, b.grad) == (1e308, 1e308)
    g = a * 1e308 + b * 1.7e308 + b * 1.7e308  # b's sum 3.4e308 overflows
    with pytest.raises(NonFiniteGradientError) as info:
        g.backward()
    assert info.value.node is b and (a.grad, b.grad) == (1e308, 1e308)  # unchanged


def test_gradient_errors_name_the_node_the_op_and_the_edge():
    x = Value(0.0, "x")
    s = x.sqrt()  # sqrt'(0) = 0.5 / 0: the rule itself fails, at the sqrt node
    with pytest.raises(NonFiniteGradientError) as info:
        (s * 2.0).backward()
    assert info.value.node is s and info.value.op is OPS["sqrt"] and info.value.edge is None
    tiny = Value(1e-300, "tiny")
    h = tiny * 1e300
    f = h * 1e300  # ∂f/∂tiny = 1e600: the edge from h to tiny
    with pytest.raises(NonFiniteGradientError) as info:
        f.backward()
    assert info.value.node is tiny and info.value.edge is h
    assert info.value.op is h.op_info and not tiny.has_grad


# ---- one walk, many readers -----------------------------------------------------------------


@given(expressions(n_inputs=3, max_steps=8))
def test_the_backward_edges_replayed_are_backward_bit_for_bit(expr):
    leaves = [Value(x) for x in expr.inputs]
    root = expr(*leaves)
    sums = {root: 1.0}
    for node, position, parent, local in backward_edges(root):
        assert parent is node.parents[position]
        sums[parent] = sums.get(parent, 0.0) + local * sums[node]
    root.backward()
    assert all(n.grad == sums[n] for n in topological_order(root) if n in sums)
    assert [e.node for e in backward_edges(root)] == [
        n for n in backward_order(root) for _ in n.parents
    ]


def test_forward_mode_leaves_inputs_off_the_seeded_paths_out_of_the_sum():
    a, b = Value(-2.0, "a"), Value(3.0, "b")  # ∂(a^b)/∂b = a^b·ln a is undefined for a < 0
    y = a**b
    assert forward_tangents(y, {a: 1.0})[y] == 3.0 * 4.0  # b·a^(b−1), no nan from the b edge


@pytest.mark.parametrize(
    "bad, error, message",
    [
        (float("nan"), ValueError, r"the data of 'x' must be finite, got nan"),
        (float("-inf"), ValueError, r"the data of 'x' must be finite, got -inf"),
        (10**400, ValueError, r"the data of 'x' must be finite, got a number too large"),
        ("abc", TypeError, r"the data of 'x' must be a real number .* not str"),
        (None, TypeError, r"the data of 'x' must be a real number .* not NoneType"),
    ],
)
def test_assigning_data_refuses_what_is_not_a_finite_real_and_keeps_the_old_value(
    bad, error, message
):
    """x.data = nan was accepted and the next op called it an overflow; x.data = "abc" made
    x + x the string "abcabc". Now the assignment refuses, and the graph stays exact."""
    x = Value(1.5, "x")
    with pytest.raises(error, match=message):
        x.data = bad
    assert x.data == 1.5
    y = x * x + x * 2.0
    y.backward()
    assert (y.data, x.grad) == (1.5 * 1.5 + 3.0, 2 * 1.5 + 2.0)


def test_assigned_data_is_stored_as_a_float_as_the_constructor_does():
    x = Value(1.0, "x")
    x.data = 3  # an int, as in micrograd's p.data += -lr * p.grad with an int lr
    assert type(x.data) is float and x.data == 3.0
    x.data = np.float32(0.5)
    assert type(x.data) is float and x.data == 0.5
    x.data -= 0.25
    assert x.data == 0.25


def test_a_non_finite_grad_set_by_hand_names_the_node():
    with pytest.raises(ValueError, match=r"the grad of 'w' must be finite, got nan"):
        Value(1.0, "w").grad = float("nan")
    with pytest.raises(TypeError, match=r"the grad of 'w' must be a real number"):
        Value(1.0, "w").grad = "abc"


def test_a_grad_set_by_hand_must_be_finite_and_store_grads_writes_backwards_own():
    """sqrt(relu(x)) at x = -1: backward() leaves h1.grad = nan (sqrt'(0) is undefined) and
    x.grad = 0 (relu is flat there). Setting a nan by hand is refused for every node (a
    hand-written backward's bug shows at once); `store_grads`, the stepper's apply(), writes
    backward()'s numbers back, an inner nan included, and refuses a leaf's as backward() does."""
    x = Value(-1.0, "x")
    h1 = x.relu()
    f = h1.sqrt()
    f.backward()
    assert x.grad == 0.0 and math.isnan(h1.grad)
    grads = {node: node.grad for node in (x, h1, f)}
    for node in (x, h1, f):
        for bad in (math.nan, math.inf):
            with pytest.raises(ValueError, match="must be finite"):
                node.grad = bad
    f.zero_grad()
    store_grads(grads)
    assert x.grad == 0.0 and math.isnan(h1.grad) and f.grad == 1.0
    f.zero_grad()
    with pytest.raises(ValueError, match="the grad of 'x' must be finite, got nan"):
        store_grads({h1: 2.0, x: math.nan})
    assert not h1.has_grad and not x.has_grad  # checked before any is written


def test_each_kind_names_one_way_a_node_holds_its_inputs_and_number():
    """A constant operand (x * 2) and an op's parameter (leaky_relu's γ) are different kinds
    now; each node's parents are its graph inputs and `constant` its number, whatever the kind."""
    x, y = Value(-0.5, "x"), Value(3.0, "y")
    cases = [
        (x.tanh(), UNARY, (x,), None),
        (x.leaky_relu(0.1), UNARY_PARAM, (x,), 0.1),
        (x * 2.0, CONSTANT_OPERAND, (x,), 2.0),
        (2.0 / x, CONSTANT_OPERAND, (x,), 2.0),
        (x * y, BINARY, (x, y), None),
        (maxout(x, y, x), NARY, (x, y, x), None),
    ]
    for node, kind, parents, constant in cases:
        assert (node.op_info.kind, node.parents, node.constant) == (kind, parents, constant)
    assert (2.0 / x).data == -4.0 and (x * 2.0).op_info.constant_side == "right"


def test_after_backward_every_gradient_is_a_plain_float():
    """Pass 1 marks the nodes it finds with a 0.0 of its own type; every mark is replaced by a
    plain float sum when the pass completes (shared nodes, leaves, one- and n-input ops)."""
    _, root, other = shared_graph()
    root.backward()
    other.backward()
    for node in topological_order(root) + topological_order(other):
        assert type(node._grad) is float


def test_a_numpy_bool_is_a_number_as_a_python_bool_is():
    """Value(np.bool_(True)) was refused while Value(True) worked (#26 item 8)."""
    import numpy as np

    assert Value(np.bool_(True)).data == Value(True).data == 1.0
    assert Value(np.False_).data == 0.0
    v = Value(2.0)
    v.data = np.bool_(True)
    assert (v * np.bool_(True)).data == 1.0
