"""viz.stepper: back-propagation one edge at a time, equal to backward() bit for bit."""

import pytest
from hypothesis import given

from micrograd_nndl import NonFiniteGradientError, Value, topological_order
from micrograd_nndl.book import sigmoid_graph
from micrograd_nndl.testing import expressions
from viz import BackwardStepper, VizError, backward_steps


def grads_after_backward(root):
    root.backward()
    return [n.grad if n.has_grad else None for n in topological_order(root)]


def test_the_books_reverse_mode_column():
    """NNDL §4.5.3: ∂f/∂h5 = −0.25, ∂f/∂h4 = −0.25, ∂f/∂h3 = −0.25, ∂f/∂h2 = 0.25,
    ∂f/∂h1 = 0.25, ∂f/∂w = 0.25 (and ∂f/∂b = 0.25, ∂f/∂x = w · 0.25 = 0)."""
    nodes = sigmoid_graph(x=1.0, w=0.0, b=0.0)
    steps = list(backward_steps(nodes["h6"]))
    received = [(s.parent.label, s.local, s.upstream, s.after) for s in steps]
    assert received == [
        ("h5", -0.25, 1.0, -0.25),
        ("h4", 1.0, -0.25, -0.25),
        ("h3", 1.0, -0.25, -0.25),
        ("h2", -1.0, -0.25, 0.25),
        ("h1", 1.0, 0.25, 0.25),
        ("b", 1.0, 0.25, 0.25),
        ("x", 0.0, 0.25, 0.0),
        ("w", 1.0, 0.25, 0.25),
    ]
    assert all(s.before is None for s in steps)  # one path to each node
    assert [s.number for s in steps] == list(range(1, 9))


def test_each_step_says_what_it_computes():
    nodes = sigmoid_graph()
    stepper = BackwardStepper(nodes["h6"])
    assert repr(stepper.step()) == "step 1/8: h5.grad ← ∂h6/∂h5 × h6.grad = -0.25 × 1 = -0.25"
    stepper.run()
    assert str(stepper.history[3]) == "step 4/8: h2.grad ← ∂h3/∂h2 × h3.grad = -1 × -0.25 = 0.25"
    assert repr(stepper).splitlines()[-1] == "8 of 8 steps done"


def test_paths_add_up_and_the_text_shows_the_sum():
    # y = x·x + x: dy/dx = 2x + 1 = 7 at x = 3, from three edges into x
    x = Value(3.0, "x")
    y = x * x + x
    y.label = "y"
    stepper = BackwardStepper(y)
    steps = stepper.run()
    into_x = [s for s in steps if s.parent is x]
    assert [(s.before, s.contribution, s.after) for s in into_x] == [
        (None, 1.0, 1.0),
        (1.0, 3.0, 4.0),
        (4.0, 3.0, 7.0),
    ]
    assert str(into_x[1]).endswith(
        "x.grad ← x.grad + ∂mul#1/∂x (input 1) × mul#1.grad = 1 + 3 × 1 = 4"
    )
    assert stepper.grad(x) == 7.0 == 2 * 3.0 + 1


def test_the_step_through_leaves_the_graph_untouched():
    nodes = sigmoid_graph()
    BackwardStepper(nodes["h6"]).run()
    assert not any(n.has_grad for n in nodes.values())


def test_grad_reads_the_state_between_steps():
    nodes = sigmoid_graph()
    stepper = BackwardStepper(nodes["h6"])
    assert stepper.grad(nodes["h6"]) == 1.0  # ∂f/∂f
    assert stepper.grad(nodes["h5"]) is None
    stepper.step()
    assert stepper.grad(nodes["h5"]) == -0.25 and stepper.grad(nodes["h4"]) is None
    assert not stepper.done
    stepper.run()
    assert stepper.done and stepper.step() is None
    with pytest.raises(VizError, match="'z' is not in the graph of h6"):
        stepper.grad(Value(0.0, "z"))


def test_leaves_accumulate_like_backward():
    """backward() adds into leaves' grads (as PyTorch); the step-through starts from them."""
    nodes = sigmoid_graph()
    f = nodes["h6"]
    f.backward()  # w.grad = 0.25
    stepper = BackwardStepper(f)
    stepper.run()
    expected = grads_after_backward(f)  # the second call: w.grad = 0.5
    assert [stepper.grad(n) for n in topological_order(f)] == expected
    assert stepper.grad(nodes["w"]) == 0.5


def test_a_leaf_root_has_no_steps_and_gradient_one():
    x = Value(2.0, "x")
    stepper = BackwardStepper(x)
    assert stepper.run() == [] and stepper.done and stepper.grad(x) == 1.0


@given(expressions(n_inputs=3, max_steps=8))
def test_bit_for_bit_equal_to_backward_on_random_graphs(expr):
    leaves = [Value(v, f"x{i + 1}") for i, v in enumerate(expr.inputs)]
    root = expr(*leaves)
    stepper = BackwardStepper(root)
    steps = stepper.run()
    assert len(steps) == sum(len(n.parents) for n in topological_order(root))
    got = [stepper.grad(n) for n in topological_order(root)]
    expected = grads_after_backward(root)
    assert [None if g is None else g.hex() for g in got] == [
        None if g is None else g.hex() for g in expected
    ]
    for s in steps:  # each step is local × upstream added to what came before
        assert s.after == (s.contribution if s.before is None else s.before + s.contribution)


def test_an_undefined_local_derivative_stops_at_that_edge():
    x = Value(0.0, "x")
    y = x.sqrt() + 1.0
    stepper = BackwardStepper(y)
    stepper.step()  # into sqrt: fine
    expected = r"step 2: the local derivatives of sqrt#1 are undefined at x = 0\.0 \(sqrt: "
    for _ in range(2):  # the failing edge fails again: the stepper did not move past it
        with pytest.raises(NonFiniteGradientError, match=expected):
            stepper.step()
    assert len(stepper.history) == 1


def test_an_overflowing_gradient_names_the_edge():
    x = Value(1e-300, "x")
    y = 1.0 / x  # y = 1e300 is finite, ∂y/∂x = −1/x² = −1e600 is not
    y.label = "y"
    with pytest.raises(
        NonFiniteGradientError, match=r"x.grad became -inf: ∂y/∂x = -inf times y.grad = 1.0"
    ):
        BackwardStepper(y).run()
    with pytest.raises(NonFiniteGradientError):  # backward() refuses it too
        y.backward()


def test_draw_highlights_the_last_edge_and_shows_the_steppers_gradients():
    nodes = sigmoid_graph()
    stepper = BackwardStepper(nodes["h6"])
    assert "#dc2626" not in stepper.draw().source  # nothing done, nothing marked
    stepper.step()
    stepper.step()
    source = stepper.draw().source
    edge = next(line for line in source.splitlines() if "∂h5/∂h4" in line)
    assert "#dc2626" in edge  # the edge of step 2: h5 → h4
    assert "grad -0.25" in source and source.count("grad —") == 6  # h6, h5, h4 have grads
    assert "h4" in stepper.table().splitlines()[8] and "-0.25" in stepper.table()


def test_bad_arguments_are_refused_up_front():
    with pytest.raises(TypeError, match="root must be a micrograd_nndl.Value, not int"):
        BackwardStepper(3)
    with pytest.raises(ValueError, match="digits"):
        backward_steps(Value(1.0), digits=99)
