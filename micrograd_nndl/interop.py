"""A bridge to PyTorch (the `torch` extra), for when a learner outgrows scalars.

    from micrograd_nndl.interop import to_torch, compare_with_torch
    net = to_torch(model)                  # a torch.nn.Sequential, same weights, float64
    report = compare_with_torch(lambda x, y: (x * y).tanh() + y.exp(), [0.5, -1.0])
    report.largest_difference              # |ours − torch| over f and every ∂f/∂xᵢ

`to_torch` copies an `MLP`, `Layer` or `Neuron` into `nn.Linear` layers and the activation of
each layer: torch's own module where torch has the same function (nn.ReLU, nn.ELU, nn.GELU,
nn.PReLU, ...), else a small module computing this engine's formula with torch operations
(the book's hard-logistic, GELU's sigmoid form, swish with β). Both come from the op's row of
the table (`Op.torch`): nothing here is declared per op.
`compare_with_torch` runs a scalar function once on Values and once on float64 tensors, and
checks the value and every gradient, as micrograd's own test compares with torch.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import cast

try:
    import torch
    from torch import nn
except ModuleNotFoundError as missing:  # without the extra: say how to get it
    raise ModuleNotFoundError(
        "micrograd_nndl.interop needs PyTorch: pip install -e '.[torch]' in the clone, or "
        "pip install torch==2.13.0",
        name=missing.name,
    ) from missing

from .columns import format_columns
from .engine import Value
from .gradcheck.differences import input_names
from .nn import MLP, Layer, Neuron, activation_names
from .notation import derivative_text
from .ops import OPS, UNARY_PARAM, Op

__all__ = ["TorchComparison", "TorchMismatchError", "compare_with_torch", "to_torch"]


F64 = torch.float64


def _torch_function(op: Op) -> Callable[..., torch.Tensor]:
    """The op on float64 tensors, from its row of the table."""
    if op.torch is None:
        raise ValueError(f"the op {op.name!r} has no torch form")
    function = op.torch.function
    return lambda *args: function(torch, *args)


class _Formula(nn.Module):
    """An activation torch has no module for, applied elementwise by the row's torch form."""

    def __init__(self, op: Op) -> None:
        super().__init__()
        self.formula, self.fn = op.formula, _torch_function(op)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.fn(x)

    def extra_repr(self) -> str:
        return self.formula


class _LearnableFormula(_Formula):
    """A learnable activation torch has no module for (swish's β): one parameter per neuron."""

    def __init__(self, op: Op, params: Sequence[float]) -> None:
        super().__init__(op)
        self.param = nn.Parameter(torch.tensor(list(params), dtype=F64))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.fn(x, self.param)


def _module(op: Op, params: list[float]) -> nn.Module:
    """The activation `op` for one layer: torch's own module where its row names one, holding
    the layer's learnable parameters (one per neuron) if it has any; else a `_Formula`."""
    if op.torch is None or op.torch.module is None:
        return _LearnableFormula(op, params) if params else _Formula(op)
    module = op.torch.module(torch, len(params))
    if params:
        with torch.no_grad():
            (weight,) = module.parameters()
            weight.copy_(torch.tensor(params, dtype=F64))
    return module


#: Each activation of `nn` by name -> the torch module for one layer, given the layer's
#: learnable activation parameters (one per neuron, for "prelu" and "swish_learnable").
MODULES: dict[str, Callable[[list[float]], nn.Module]] = {
    "linear": lambda _: nn.Identity(),
    **{name: partial(_module, OPS[name]) for name in activation_names() if name != "linear"},
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
    """A float64 tensor that also answers to this engine's Value methods, each computed by the
    torch form in its op's row (x.softplus(), x.hard_tanh(), x.gelu("tanh"), ...), so one
    function runs on both."""

    def gelu(self, approximate: str = "none") -> torch.Tensor:
        """Value.gelu's three forms, one op of the table each."""
        return _torch_function(OPS["gelu" if approximate == "none" else f"gelu_{approximate}"])(
            self
        )


def _tensor_method(op: Op) -> Callable[..., torch.Tensor]:
    """`op`'s Value method on tensors: its parameter's default when left out, like Value's."""
    function = _torch_function(op)

    def method(self: torch.Tensor, *params: float | torch.Tensor) -> torch.Tensor:
        if not params and op.kind == UNARY_PARAM:
            params = (cast(float, op.default),)
        return function(self, *params)

    method.__name__ = op.name
    return method


for _op in OPS.values():  # gelu, the one method of several ops, is written out above
    if _op.method == _op.name and _op.torch is not None and _op.name not in vars(_TorchScalar):
        setattr(_TorchScalar, _op.name, _tensor_method(_op))


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
    names: tuple[str, ...] = ()  # f's own names for its inputs; x1, x2, ... when empty

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
        names = self.names or tuple(f"x{i + 1}" for i in range(len(self.inputs)))
        for name, x, a, b in zip(names, self.inputs, self.grads, self.torch_grads):
            rows.append(
                (
                    derivative_text("f", name),
                    f"{x:g}",
                    f"{a:.17g}",
                    f"{b:.17g}",
                    f"{abs(a - b):.3g}",
                )
            )
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
    names = tuple(input_names(f, len(xs)))
    leaves = [Value(x, name) for x, name in zip(xs, names)]
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
        names,
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
