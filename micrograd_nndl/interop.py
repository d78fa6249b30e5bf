"""A bridge to PyTorch (the `torch` extra), for when a learner outgrows scalars.

    from micrograd_nndl.interop import to_torch, compare_with_torch
    net = to_torch(model)                  # a torch.nn.Sequential, same weights, float64
    report = compare_with_torch(lambda x, y: (x * y).tanh() + y.exp(), [0.5, -1.0])
    report.largest_difference              # |ours − torch| over f and every ∂f/∂xᵢ

`to_torch` copies an `MLP`, `Layer` or `Neuron` into `nn.Linear` layers and the activation of
each layer: torch's own module where torch has the same function (nn.ReLU, nn.ELU, nn.GELU,
nn.PReLU, ...), else a small module computing this engine's formula with torch operations
(the book's hard-logistic, GELU's sigmoid form, swish with β).
`compare_with_torch` runs a scalar function once on Values and once on float64 tensors, and
checks the value and every gradient, as micrograd's own test compares with torch.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

try:
    import torch
    from torch import nn
    from torch.nn import functional as F
except ModuleNotFoundError as missing:  # without the extra: say how to get it
    raise ModuleNotFoundError(
        "micrograd_nndl.interop needs PyTorch: pip install 'micrograd-nndl[torch]'",
        name=missing.name,
    ) from missing

from .columns import format_columns
from .engine import Value
from .nn import MLP, Layer, Neuron

__all__ = ["TorchComparison", "TorchMismatchError", "compare_with_torch", "to_torch"]


F64 = torch.float64


def _hard_sigmoid(x: torch.Tensor) -> torch.Tensor:
    """The book's hard-logistic max(min(0.25x + 0.5, 1), 0) (torch's Hardsigmoid is x/6 + ½)."""
    return torch.clamp(0.25 * x + 0.5, 0.0, 1.0)


def _swish(x: torch.Tensor, beta: float | torch.Tensor = 1.0) -> torch.Tensor:
    return x * torch.sigmoid(beta * x)


def _gelu(x: torch.Tensor, approximate: str = "none") -> torch.Tensor:
    if approximate == "sigmoid":
        return x * torch.sigmoid(1.702 * x)
    return F.gelu(x, approximate=approximate)


def _prelu(x: torch.Tensor, slope: float | torch.Tensor) -> torch.Tensor:
    return torch.where(x > 0, x, slope * x)


#: torch's softplus is x itself above its threshold; from 40 on, log(1 + eˣ) rounds to x in
#: float64 too (e⁻⁴⁰ is below half an ulp of 40), so torch's form then equals this engine's.
SOFTPLUS_THRESHOLD = 40.0


class _Formula(nn.Module):
    """An activation torch has no module for, applied elementwise."""

    def __init__(self, formula: str, fn: Callable[[torch.Tensor], torch.Tensor]) -> None:
        super().__init__()
        self.formula, self.fn = formula, fn

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.fn(x)

    def extra_repr(self) -> str:
        return self.formula


class _LearnableSwish(nn.Module):
    """x·σ(βⱼx) with one learnable βⱼ per neuron (torch has no such module)."""

    def __init__(self, betas: Sequence[float]) -> None:
        super().__init__()
        self.beta = nn.Parameter(torch.tensor(list(betas), dtype=F64))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return _swish(x, self.beta)


def _prelu_module(gammas: list[float]) -> nn.PReLU:
    """nn.PReLU with one γⱼ per neuron, set to the layer's."""
    module = nn.PReLU(len(gammas), dtype=F64)
    with torch.no_grad():
        module.weight.copy_(torch.tensor(gammas, dtype=F64))
    return module


#: Each activation of `nn` by name -> the torch module for one layer, given the layer's
#: learnable activation parameters (one per neuron, for "prelu" and "swish_learnable").
MODULES: dict[str, Callable[[list[float]], nn.Module]] = {
    "linear": lambda _: nn.Identity(),
    "relu": lambda _: nn.ReLU(),
    "tanh": lambda _: nn.Tanh(),
    "sigmoid": lambda _: nn.Sigmoid(),
    "hard_sigmoid": lambda _: _Formula("clamp(0.25x + 0.5, 0, 1)", _hard_sigmoid),
    "hard_tanh": lambda _: nn.Hardtanh(),
    "leaky_relu": lambda _: nn.LeakyReLU(0.01),
    "elu": lambda _: nn.ELU(1.0),
    "softplus": lambda _: nn.Softplus(threshold=SOFTPLUS_THRESHOLD),
    "swish": lambda _: nn.SiLU(),
    "gelu": lambda _: nn.GELU(),
    "gelu_tanh": lambda _: nn.GELU(approximate="tanh"),
    "gelu_sigmoid": lambda _: _Formula("x·σ(1.702x)", lambda x: _gelu(x, "sigmoid")),
    "mish": lambda _: nn.Mish(),
    "prelu": _prelu_module,
    "swish_learnable": _LearnableSwish,
}


def _linear(nin: int, neurons: Sequence[Neuron]) -> nn.Linear:
    """nn.Linear holding the neurons' weights (row j = neuron j's wⱼ) and biases, in float64."""
    linear = nn.Linear(nin, len(neurons), dtype=F64)
    with torch.no_grad():
        linear.weight.copy_(torch.tensor([[w.data for w in n.w] for n in neurons], dtype=F64))
        linear.bias.copy_(torch.tensor([n.b.data for n in neurons], dtype=F64))
    return linear


def to_torch(model: MLP | Layer | Neuron) -> nn.Sequential:
    """The model as torch.nn.Sequential(Linear, activation, Linear, ...) in float64, holding
    copies of its weights, biases and learnable activation parameters (training one does not
    move the other). It maps a batch of shape (n, nin) to (n, nout)."""
    if isinstance(model, MLP):
        layers = [(layer.nin, layer.neurons, layer.activation) for layer in model.layers]
    elif isinstance(model, Layer):
        layers = [(model.nin, model.neurons, model.activation)]
    elif isinstance(model, Neuron):
        layers = [(model.nin, [model], model.activation)]
    else:
        raise TypeError(f"to_torch takes an MLP, Layer or Neuron, not {type(model).__name__}")
    modules: list[nn.Module] = []
    for nin, neurons, activation in layers:
        if activation not in MODULES:
            raise ValueError(f"to_torch: no torch form for the activation {activation!r}")
        modules.append(_linear(nin, neurons))
        modules.append(MODULES[activation]([v.data for n in neurons for v in n.extra.values()]))
    return nn.Sequential(*modules)


class _TorchScalar(torch.Tensor):
    """A float64 tensor that also answers to this engine's Value methods torch spells
    otherwise (x.softplus(), x.hard_tanh(), x.gelu("tanh"), ...), so one function runs on both."""

    def hard_sigmoid(self) -> torch.Tensor:
        return _hard_sigmoid(self)

    def hard_tanh(self) -> torch.Tensor:
        return F.hardtanh(self)

    def leaky_relu(self, slope: float = 0.01) -> torch.Tensor:
        return F.leaky_relu(self, slope)

    def prelu(self, slope: float | torch.Tensor) -> torch.Tensor:
        return _prelu(self, slope)

    def elu(self, alpha: float = 1.0) -> torch.Tensor:
        return F.elu(self, alpha)

    def softplus(self) -> torch.Tensor:
        return F.softplus(self, threshold=SOFTPLUS_THRESHOLD)

    def swish(self, beta: float | torch.Tensor = 1.0) -> torch.Tensor:
        return _swish(self, beta)

    def gelu(self, approximate: str = "none") -> torch.Tensor:
        return _gelu(self, approximate)

    def mish(self) -> torch.Tensor:
        return F.mish(self)


class TorchMismatchError(AssertionError):
    """This engine and torch disagree; the message holds the table, `comparison` the numbers."""

    def __init__(self, message: str, comparison: TorchComparison) -> None:
        super().__init__(message)
        self.comparison = comparison


@dataclass(frozen=True)
class TorchComparison:
    """f and ∂f/∂xᵢ by this engine and by torch's float64 autograd, at the same inputs."""

    inputs: tuple[float, ...]
    value: float
    torch_value: float
    grads: tuple[float, ...]
    torch_grads: tuple[float, ...]

    @property
    def value_difference(self) -> float:
        return abs(self.value - self.torch_value)

    @property
    def grad_difference(self) -> float:
        """The largest |∂f/∂xᵢ − torch's| (0 for a function of no inputs)."""
        return max((abs(a - b) for a, b in zip(self.grads, self.torch_grads)), default=0.0)

    @property
    def largest_difference(self) -> float:
        return max(self.value_difference, self.grad_difference)

    def table(self) -> str:
        rows = [("", "at", "micrograd-nndl", "torch float64", "difference")]
        rows.append(
            (
                "f",
                "",
                f"{self.value:.17g}",
                f"{self.torch_value:.17g}",
                f"{self.value_difference:.3g}",
            )
        )
        for i, (x, a, b) in enumerate(zip(self.inputs, self.grads, self.torch_grads)):
            rows.append((f"∂f/∂x{i + 1}", f"{x:g}", f"{a:.17g}", f"{b:.17g}", f"{abs(a - b):.3g}"))
        return format_columns(rows, rule=False)


def compare_with_torch(
    f: Callable[..., Value],
    inputs: Sequence[float | Value],
    atol: float = 1e-12,
    rtol: float = 1e-9,
) -> TorchComparison:
    """Run f on Values and on float64 tensors (requires_grad) at `inputs`; check f and each
    ∂f/∂xᵢ agree within atol + rtol·|torch's|, and return the comparison (its
    `largest_difference` says how close). A disagreement raises TorchMismatchError with the
    table. f may use operators, math methods (exp, log, tanh, ...) and the activations."""
    xs = tuple(x.data if isinstance(x, Value) else float(x) for x in inputs)
    leaves = [Value(x, f"x{i + 1}") for i, x in enumerate(xs)]
    out = f(*leaves)
    if not isinstance(out, Value):
        raise TypeError(f"compare_with_torch: f must return a Value, got {type(out).__name__}")
    out.backward()
    tensors = [torch.tensor(x, dtype=F64, requires_grad=True) for x in xs]
    t_out = f(*(t.as_subclass(_TorchScalar) for t in tensors))
    if not isinstance(t_out, torch.Tensor) or t_out.numel() != 1:
        raise TypeError("compare_with_torch: f must return one number on tensors too")
    t_out.backward()
    comparison = TorchComparison(
        xs,
        out.data,
        float(t_out.item()),
        tuple(leaf.grad for leaf in leaves),
        tuple(0.0 if t.grad is None else float(t.grad.item()) for t in tensors),
    )
    pairs = [
        (comparison.value, comparison.torch_value),
        *zip(comparison.grads, comparison.torch_grads),
    ]
    if any(not abs(a - b) <= atol + rtol * abs(b) for a, b in pairs):
        raise TorchMismatchError(
            f"compare_with_torch: this engine and torch disagree (atol={atol:g}, "
            f"rtol={rtol:g}); largest difference {comparison.largest_difference:.3g}:\n"
            f"{comparison.table()}",
            comparison,
        )
    return comparison
