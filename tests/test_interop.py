"""The bridge to PyTorch: to_torch keeps weights and activations, compare_with_torch checks
values and gradients against torch's float64 autograd (skipped where torch is not installed)."""

import math
import subprocess
import sys

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from micrograd_nndl import MLP, OPS, Layer, Neuron, Value, apply, mse  # noqa: E402
from micrograd_nndl.interop import (  # noqa: E402
    MODULES,
    TorchMismatchError,
    compare_with_torch,
    to_torch,
)
from micrograd_nndl.nn import activation_names  # noqa: E402
from micrograd_nndl.ops import BINARY, NARY, UNARY, UNARY_PARAM  # noqa: E402

# activations torch ships a module for, and the module to_torch must use (checked against the
# rows of the table that name a torch module)
TORCH_HAS = {
    "linear": torch.nn.Identity,
    "relu": torch.nn.ReLU,
    "tanh": torch.nn.Tanh,
    "sigmoid": torch.nn.Sigmoid,
    "hard_tanh": torch.nn.Hardtanh,
    "leaky_relu": torch.nn.LeakyReLU,
    "elu": torch.nn.ELU,
    "softplus": torch.nn.Softplus,
    "swish": torch.nn.SiLU,
    "gelu": torch.nn.GELU,
    "gelu_tanh": torch.nn.GELU,
    "prelu": torch.nn.PReLU,
    "mish": torch.nn.Mish,
}
X = np.array([[0.5, -1.5, 2.0], [-0.3, 0.8, -2.5], [3.0, 0.1, -0.7], [-1.2, -2.2, 0.4]])
Y = [0.3, -0.4, 1.1, 0.0]


def test_every_activation_of_nn_has_a_torch_form() -> None:
    assert set(MODULES) == set(activation_names())


def test_the_activations_with_torchs_own_module_are_the_rows_naming_one() -> None:
    named = {op.name for op in OPS.values() if op.torch is not None and op.torch.module}
    assert set(TORCH_HAS) == named | {"linear"}


WITH_TORCH_FORM = [op for op in OPS.values() if op.torch is not None]  # None: the row says none


def _args(op):
    """Inputs inside the op's sample ranges and away from its kinks: one per input, a
    parameter last; neuron gets w₁, w₂, x₁, x₂, b."""
    count = {UNARY: 1, UNARY_PARAM: 2, BINARY: 2}.get(op.kind, 5 if op.name == "neuron" else 3)
    ranges = (op.sample * count)[:count]
    return [lo + (hi - lo) * (0.61 + 0.07 * i) for i, (lo, hi) in enumerate(ranges)]


@pytest.mark.parametrize("op", WITH_TORCH_FORM, ids=lambda op: op.name)
def test_every_rows_torch_form_agrees_with_the_engine(op) -> None:
    """The row's torch form, run by torch's autograd, gives this engine's value and gradients."""
    args = _args(op)
    graph = 1 if op.kind == UNARY_PARAM else len(args)

    def f(*xs):
        if isinstance(xs[0], Value):
            return apply(op, *xs, *args[graph:])
        return op.torch.function(torch, *xs, *args[graph:])

    report = compare_with_torch(f, args[:graph])
    assert report.largest_difference < 1e-13
    assert len(report.grads) == graph and (op.kind != NARY or any(report.grads))


def _same_outputs_and_gradients(model: MLP) -> float:
    """Forward X and the mse loss's parameter gradients on both sides; the largest difference."""
    net = to_torch(model)
    ours = [model(row) for row in X.tolist()]
    loss = mse(ours, Y)
    model.zero_grad()
    loss.backward()
    theirs = net(torch.tensor(X, dtype=torch.float64))[:, 0]
    torch_loss = ((theirs - torch.tensor(Y, dtype=torch.float64)) ** 2).mean()
    torch_loss.backward()
    assert loss.data == pytest.approx(torch_loss.item(), rel=1e-13)
    outputs = np.array([o.data for o in ours]) - theirs.detach().numpy()
    grads = np.array([p.grad for p in model.parameters()]) - _torch_grads(net, model)
    return max(np.abs(outputs).max(), np.abs(grads).max())


def _torch_grads(net: torch.nn.Sequential, model: MLP) -> np.ndarray:
    """torch's gradients in our parameter order: per neuron j its weights, bias, extra."""
    grads = []
    for i, layer in enumerate(model.layers):
        linear, extra = net[2 * i], list(net[2 * i + 1].parameters())
        for j in range(layer.nout):
            grads += [*linear.weight.grad[j].tolist(), linear.bias.grad[j].item()]
            grads += [e.grad[j].item() for e in extra]
    return np.array(grads)


@pytest.mark.parametrize("name", sorted(activation_names()))
def test_an_mlp_with_each_activation_matches_torch(name: str) -> None:
    model = MLP(3, [4, 3, 1], activation=name, output_activation=name, seed=2)
    net = to_torch(model)
    if name in TORCH_HAS:
        assert isinstance(net[1], TORCH_HAS[name]) and isinstance(net[5], TORCH_HAS[name])
    assert [type(m) for m in net[::2]] == [torch.nn.Linear] * 3
    assert all(p.dtype == torch.float64 for p in net.parameters())
    assert sum(p.numel() for p in net.parameters()) == len(model.parameters())
    assert _same_outputs_and_gradients(model) < 1e-12


def test_the_copies_are_independent_and_layers_and_neurons_convert_too() -> None:
    model = MLP(2, [3, 2], activation="tanh", seed=0)
    net = to_torch(model)
    with torch.no_grad():
        net[0].weight.add_(1.0)
    assert model.layers[0].neurons[0].w[0].data != net[0].weight[0, 0].item()
    layer, neuron = Layer(2, 3, activation="elu", seed=1), Neuron(2, nonlin=False, seed=1)
    x = [0.7, -1.3]
    assert to_torch(layer)(torch.tensor([x], dtype=torch.float64))[0].tolist() == pytest.approx(
        [v.data for v in layer.forward([Value(v) for v in x])], rel=1e-15
    )
    assert to_torch(neuron)(torch.tensor([x], dtype=torch.float64)).item() == pytest.approx(
        neuron(x).data, rel=1e-15
    )
    with pytest.raises(TypeError, match="MLP, Layer or Neuron"):
        to_torch("model")


def test_micrograds_own_sanity_check_against_torch() -> None:
    """micrograd's test_engine.py expression: equal to torch's, value and gradient."""

    def f(x):
        z = 2 * x + 2 + x
        q = z.relu() + z * x
        h = (z * z).relu()
        return h + q + q * x

    report = compare_with_torch(f, [-4.0])
    assert report.value == report.torch_value == -20.0
    assert report.grads == report.torch_grads == (46.0,)
    assert report.largest_difference == 0.0


# every named Value method of a one-input op defined on all numbers (log and sqrt need x > 0)
METHODS = sorted(
    {
        op.method
        for op in OPS.values()
        if op.kind in (UNARY, UNARY_PARAM) and op.method[:1].isalpha() and op.check is None
    }
)


def test_micrograds_more_ops_against_torch() -> None:
    """micrograd's test_more_ops expression, written here: value and both gradients."""

    def f(a, b):
        c = a + b
        d = a * b + b**3
        c = c + c + 1
        c = c + 1 + c + (-a)
        d = d + d * 2 + (b + a).relu()
        d = d + 3 * d + (b - a).relu()
        e = c - d
        g = e**2 / 2.0
        return g + 10.0 / e**2

    report = compare_with_torch(f, [-4.0, 2.0])
    assert report.value == pytest.approx(24.70408163265306, rel=1e-15)
    assert report.grads == pytest.approx((138.83381924198252, 645.5772594752186), rel=1e-14)
    assert report.largest_difference < 1e-12


@pytest.mark.parametrize("method", METHODS)
def test_compare_with_torch_knows_every_activation_method(method: str) -> None:
    def f(x, y):
        return getattr(x * y + 0.3, method)() * y + (y * y).log()

    report = compare_with_torch(f, [0.7, -1.3])
    assert report.largest_difference < 1e-13
    assert len(report.grads) == 2


def test_compare_with_torch_with_parameters_and_learnable_ones() -> None:
    def f(x, g, b):
        return (
            x.leaky_relu(0.2)
            + x.elu(0.5)
            + x.gelu("tanh")
            + x.gelu("sigmoid")
            + (-x).prelu(g)
            + x.swish(b)
            + x.swish(2.0)
            + x.sqrt() / x
            + abs(x - 3) ** 1.5
        )

    report = compare_with_torch(f, [1.7, 0.25, 0.8])
    assert report.largest_difference < 1e-13
    assert report.grads[1] == pytest.approx(-1.7)  # ∂/∂γ of γ·(−x) for −x < 0


def test_softplus_far_out_agrees_with_torch() -> None:
    for x in (-50.0, -20.0, 25.0, 39.0, 41.0, 700.0):
        report = compare_with_torch(lambda v: v.softplus(), [x])
        assert report.largest_difference <= 1e-15 * max(1.0, abs(x))


def test_a_disagreement_raises_with_the_table() -> None:
    # sigmoid(1.702x) is GELU's sigmoid form, not the exact erf one: they differ by about 0.02
    with pytest.raises(TorchMismatchError) as caught:
        compare_with_torch(lambda x: x.gelu("sigmoid") if isinstance(x, Value) else x.gelu(), [1.0])
    message = str(caught.value)
    assert "largest difference" in message and "∂f/∂x" in message and "torch float64" in message
    assert caught.value.comparison.value_difference == pytest.approx(
        abs(1 / (1 + math.exp(-1.702)) - 0.5 * (1 + math.erf(1 / math.sqrt(2)))), rel=1e-12
    )
    with pytest.raises(TypeError, match="must return a Value"):
        compare_with_torch(lambda x: 1.0, [1.0])


def test_without_torch_the_import_error_names_the_extra() -> None:
    code = (
        "import sys; sys.modules['torch'] = None\n"
        "try:\n    import micrograd_nndl.interop\n"
        "except ModuleNotFoundError as e:\n    print(e)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "pip install -e '.[torch]' in the clone, or pip install torch==2.13.0" in done.stdout
