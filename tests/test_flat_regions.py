"""An inf or nan that a flat region multiplies by zero (issue #26): where relu, hard_tanh,
hard_sigmoid or maxout does not depend on its input, backward() sends 0 whatever the gradient
above it, as PyTorch does; any other non-finite gradient is still NonFiniteGradientError."""

import math
import struct

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from micrograd_nndl import OPS, NonFiniteGradientError, Value, apply, compile, topological_order
from micrograd_nndl.engine import reference_backward
from micrograd_nndl.testing import expressions

torch = pytest.importorskip("torch")


def op(name, *args):
    """The table's op on Values, or its torch form on tensors."""
    if isinstance(args[0], Value):
        return apply(OPS[name], *args)
    return OPS[name].torch.function(torch, *args)


CASES = {  # f, inputs
    "sqrt(relu(x)), x < 0": (lambda x: op("sqrt", op("relu", x)), [-1.0]),
    "sqrt(relu(x)) at the kink": (lambda x: op("sqrt", op("relu", x)), [0.0]),
    "sqrt(hard_tanh(x) + 1)": (lambda x: op("sqrt", op("hard_tanh", x) + 1.0), [-2.0]),
    "sqrt(1 - hard_tanh(x))": (lambda x: op("sqrt", 1.0 - op("hard_tanh", x)), [2.0]),
    "relu(x) ** 0.5": (lambda x: op("relu", x) ** 0.5, [-1.0]),
    "sqrt(hard_sigmoid(x))": (lambda x: op("sqrt", op("hard_sigmoid", x)), [-3.0]),
    "0 * sqrt(relu(x))": (lambda x: 0.0 * op("sqrt", op("relu", x)), [-1.0]),
    "sqrt(relu(x) + relu(y))": (
        lambda x, y: op("sqrt", op("relu", x) + op("relu", y)),
        [-1.0, -2.0],
    ),
    "sqrt(relu(x)) * y": (lambda x, y: op("sqrt", op("relu", x)) * y, [-1.0, 3.0]),
    "sqrt(relu(x)) + x": (lambda x: op("sqrt", op("relu", x)) + x, [-1.0]),
    "maxout(sqrt(relu(a)), b)": (
        lambda a, b: op("maxout", op("sqrt", op("relu", a)), b),
        [-1.0, 1.0],
    ),
    # torch's gradient is not finite: the engine's error
    "relu(-1 - sqrt(x))": (lambda x: op("relu", -1.0 - op("sqrt", x)), [0.0]),
    "sqrt(x * y), y = 0": (lambda x, y: op("sqrt", x * y), [2.0, 0.0]),
    "sqrt(maxout(a, b))": (lambda a, b: op("sqrt", op("maxout", a, b)), [-1.0, 0.0]),
    "sqrt(relu(x)) * sqrt(y)": (
        lambda x, y: op("sqrt", op("relu", x)) * op("sqrt", y),
        [-1.0, 0.0],
    ),
}


def torch_grads(f, inputs):
    ts = [torch.tensor(v, dtype=torch.float64, requires_grad=True) for v in inputs]
    f(*ts).backward()
    return [t.grad.item() for t in ts]


@pytest.mark.parametrize("case", CASES)
def test_backward_gives_torchs_gradient_or_refuses_where_torchs_is_not_finite(case):
    f, inputs = CASES[case]
    expected = torch_grads(f, inputs)
    leaves = [Value(v) for v in inputs]
    root = f(*leaves)
    if all(map(math.isfinite, expected)):
        root.backward()
        assert [x.grad for x in leaves] == expected
    else:
        with pytest.raises(NonFiniteGradientError):
            root.backward()
        assert not any(x.has_grad for x in leaves)


def test_the_flat_node_holds_its_own_gradient_and_sends_zero():
    """∂f/∂relu(x) is truly undefined at relu(x) = 0 (sqrt'(0)): the relu node says nan; x,
    below which f is constant, gets 0."""
    x = Value(-1.0, "x")
    r = x.relu()
    r.sqrt().backward()
    assert math.isnan(r.grad) and x.grad == 0.0


def test_the_error_names_the_non_finite_gradient_that_reaches_a_leaf():
    """sqrt'(0) twice: the one under a flat relu is absorbed, the one on y is the error."""
    x, y = Value(-1.0, "x"), Value(0.0, "y")
    sy = y.sqrt()
    with pytest.raises(NonFiniteGradientError, match=r"a local derivative of <sqrt node>") as e:
        (x.relu().sqrt() + sy).backward()
    assert e.value.node is sy and not x.has_grad and not y.has_grad


def bits(x: float) -> bytes:
    return struct.pack("<d", x)


@given(expressions(n_inputs=3, max_steps=6), st.floats(0.0, 2.0), st.sampled_from(range(4)))
def test_backward_equals_the_reference_through_flat_regions(expr, c, shape):
    """A random graph u fed to sqrt through a flat relu or hard_tanh (at c = 0, its kink),
    besides other uses of u: the fast backward and the reference agree bit for bit, and
    backward() refuses exactly where the reference leaves a leaf inf or nan."""
    leaves = [Value(x) for x in expr.inputs]
    u = expr(*leaves)
    flat = [(u - (u.data + c)).relu(), (u - (u.data + 1.0 + c)).hard_tanh() + 1.0][shape % 2]
    if shape < 2:
        root = flat.sqrt() * u + u * u
    else:  # at u = 0 the outer sqrt's nan reaches the leaves through u * u: an error
        root = (flat.sqrt() + u.relu()).sqrt() if shape == 2 else (flat + u * u).sqrt()
    reference = reference_backward(root)
    nodes = topological_order(root)
    if any(not math.isfinite(reference[x]) for x in leaves if x in reference):
        with pytest.raises(NonFiniteGradientError):
            root.backward()
        assert not any(x.has_grad for x in leaves)
    else:
        root.backward()
        assert [bits(n.grad) for n in nodes] == [bits(reference[n]) for n in nodes]


def test_the_compiled_replay_sends_zero_through_a_flat_region_too():
    w = Value(1.0, "w")
    f = compile(lambda x: (w * x).relu().sqrt())
    xs = np.array([-1.0, 4.0])
    eager = []
    for x in xs:
        w.zero_grad()
        (w * x).relu().sqrt().backward()
        eager.append(w.grad)
    assert eager == [0.0, 1.0]  # d/dw √(4w) = 4 / (2·2)
    assert f.grad(xs, wrt=[w]).tolist() == [np.mean(eager)]
