"""Neurons, layers and multi-layer perceptrons on the engine (NNDL §4.2, §4.3).

A neuron computes a = f(z) with z = Σᵢ wᵢxᵢ + b, as ONE fused "Σw·x+b" node (see
`engine.neuron`) followed by one activation node: the same gradients as micrograd's 2n mul/add
nodes, with far fewer nodes to draw and to visit. Any one-input activation of the engine can be
chosen by name (maxout, which takes several inputs, is not a neuron's f); the learnable
ones ("prelu", "swish_learnable") add one parameter per neuron.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence, Set

import numpy as np

from . import serialize
from .engine import Value, neuron, neurons
from .init import init_weights, make_rng
from .ops import BINARY, OPS, UNARY, UNARY_PARAM, fn

# Both lists come from the op table (an op marked `activation`), so a new activation is a
# neuron's f at once. name -> Value -> Value, for one-input activations (NNDL §4.1): a
# parameter, if any, takes its default (leaky_relu's slope 0.01).
FIXED_ACTIVATIONS: dict[str, Callable[[Value], Value]] = {
    op.name: getattr(fn, op.name)
    for op in OPS.values()
    if op.activation and op.kind in (UNARY, UNARY_PARAM)
}
# name -> (parameter name, initial value, (z, parameter) -> Value): the learnable twins
LEARNABLE_ACTIVATIONS: dict[str, tuple[str, float, Callable[[Value, Value], Value]]] = {
    op.name: (op.param_name, op.default, getattr(fn, op.name))
    for op in OPS.values()
    if op.activation and op.kind == BINARY and op.default is not None
}
LINEAR = ("linear", None)


def activation_names() -> list[str]:
    """Every activation a neuron accepts by name ("linear" or None: no activation)."""
    return ["linear", *FIXED_ACTIVATIONS, *LEARNABLE_ACTIVATIONS]


def _check_activation(name: str | None, where: str) -> str:
    if name in LINEAR:
        return "linear"
    if name in FIXED_ACTIVATIONS or name in LEARNABLE_ACTIVATIONS:
        return name
    raise ValueError(f"{where}: unknown activation {name!r}; choose one of {activation_names()}")


def _nonlin(activation: str | None, nonlin: bool | None, where: str) -> str | None:
    """micrograd's `nonlin=True/False` (ReLU or linear) in place of an activation name."""
    if nonlin is None:
        return activation
    if not isinstance(nonlin, bool):
        raise TypeError(f"{where}: nonlin must be True (ReLU) or False (linear), not {nonlin!r}")
    if activation != "relu":
        raise ValueError(
            f"{where}: give an activation name or micrograd's nonlin=, not both "
            f"(activation={activation!r}, nonlin={nonlin!r})"
        )
    return "relu" if nonlin else "linear"


def _one_or_list(outputs: list[Value]) -> Value | list[Value]:
    """micrograd's convention: one output is that Value, several are a list."""
    return outputs[0] if len(outputs) == 1 else outputs


def _check_fused(fused: object, where: str) -> bool:
    if not isinstance(fused, bool):
        raise TypeError(f"{where}: fused must be True or False, not {fused!r}")
    return fused


def _check_size(n: object, what: str) -> int:
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"{what} must be a positive integer, got {n!r}")
    return int(n)


def _as_inputs(x: Sequence[Value | float], nin: int, where: str) -> list[Value]:
    """The inputs as Values (numbers become leaves), checked against the expected count.

    Input i meets weight i, so the inputs must come in order: a set or a dict is refused.
    """
    if isinstance(x, np.ndarray):
        x = x.tolist()
    elif isinstance(x, (Value, int, float)):
        x = [x]
    elif isinstance(x, (Set, Mapping)):
        raise TypeError(
            f"{where} needs its inputs in order (a list, tuple or numpy array), not a "
            f"{type(x).__name__}: input i meets weight i"
        )
    if len(x) != nin:
        raise ValueError(f"{where} expects {nin} inputs, got {len(x)}")
    return [v if isinstance(v, Value) else Value(v) for v in x]


class Module:
    """Anything with parameters: `parameters()`, `named_parameters()`, `zero_grad()`, save/load."""

    def __call__(self, x: Sequence[Value | float]) -> Value | list[Value]:
        """The module's output for one sample `x`: each kind of module defines it."""
        raise NotImplementedError

    def named_parameters(self) -> Iterator[tuple[str, Value]]:
        """(dotted name, parameter) pairs, e.g. ("layers.0.neurons.3.w.1", Value)."""
        return iter(())

    def _label(self, prefix: str) -> None:
        """Label every parameter with its dotted name, so drawings and errors can name it."""
        for name, p in self.named_parameters():
            p.label = prefix + name

    def parameters(self) -> list[Value]:
        """Every learnable Value, in a fixed order (the order `save` and optimisers use)."""
        return [p for _, p in self.named_parameters()]

    def zero_grad(self) -> None:
        """Set every parameter's gradient to 0 before the next backward (grads accumulate)."""
        for p in self.parameters():
            p.grad = 0.0

    def architecture(self) -> dict:
        """What defines the shape of the parameters (recorded by `save`, checked by `load`)."""
        return {"type": type(self).__name__}

    def save(self, path: str) -> None:
        """Write architecture and parameters to a JSON file, atomically (see `serialize`)."""
        serialize.save(self, path)

    def load(self, path: str) -> None:
        """Read parameters saved by `save` into this model, in place; refuses a mismatch."""
        serialize.load(self, path)


class Neuron(Module):
    """a = f(Σᵢ wᵢxᵢ + b) (NNDL §4.2): weights from `init`, bias 0, activation f by name.

    `Neuron(nin, nonlin=False)` is micrograd's spelling of activation="linear". `fused=False`
    builds z as the lecture draws it, products and sums ((b + w₁x₁) + w₂x₂) + …, instead of
    one fused node: the same values and gradients, a graph with every product to see.
    """

    def __init__(
        self,
        nin: int,
        activation: str | None = "relu",
        init: str = "uniform",
        fan_out: int = 1,
        seed: int | np.random.Generator | None = None,
        *,
        nonlin: bool | None = None,
        fused: bool = True,
    ) -> None:
        self.nin = _check_size(nin, "Neuron nin")
        self.fused = _check_fused(fused, "Neuron")
        self.activation = _check_activation(_nonlin(activation, nonlin, "Neuron"), "Neuron")
        weights = init_weights(init, self.nin, fan_out, make_rng(seed), self.activation)
        self.w = [Value(wi) for wi in weights]
        self.b = Value(0.0)
        self.extra: dict[str, Value] = {}
        if self.activation in LEARNABLE_ACTIVATIONS:
            pname, start, _ = LEARNABLE_ACTIVATIONS[self.activation]
            self.extra[pname] = Value(start)
        self._act = self._activation_function()
        self._label("")

    def _activation_function(self) -> Callable[..., Value] | None:
        if self.activation == "linear":
            return None
        if self.activation in FIXED_ACTIVATIONS:
            return FIXED_ACTIVATIONS[self.activation]
        return LEARNABLE_ACTIVATIONS[self.activation][2]

    def named_parameters(self) -> Iterator[tuple[str, Value]]:
        for i, w in enumerate(self.w):
            yield f"w.{i}", w
        yield "b", self.b
        yield from self.extra.items()

    def forward(self, xs: list[Value]) -> Value:
        """The neuron on inputs that are already Values of the right count (the fast path)."""
        if self.fused:
            return self.activate(neuron(self.w, xs, self.b))
        return self.activate(sum((w * x for w, x in zip(self.w, xs)), self.b))

    def activate(self, z: Value) -> Value:
        """a = f(z): this neuron's activation applied to its net input z."""
        if self._act is None:
            return z
        if self.extra:
            return self._act(z, *self.extra.values())
        return self._act(z)

    def __call__(self, x: Sequence[Value | float]) -> Value:
        return self.forward(_as_inputs(x, self.nin, repr(self)))

    def architecture(self) -> dict:
        return {"type": "Neuron", "nin": self.nin, "activation": self.activation}

    def __repr__(self) -> str:
        return f"Neuron({self.nin}, {self.activation})"


class Layer(Module):
    """nout neurons reading the same inputs; calling it returns their list, or the one Value
    of a single neuron (as micrograd). `nonlin=` as `Neuron`'s."""

    def __init__(
        self,
        nin: int,
        nout: int,
        activation: str | None = "relu",
        init: str = "uniform",
        seed: int | np.random.Generator | None = None,
        *,
        nonlin: bool | None = None,
        fused: bool = True,
    ) -> None:
        self.nin = _check_size(nin, "Layer nin")
        self.nout = _check_size(nout, "Layer nout")
        self.fused = _check_fused(fused, "Layer")
        activation = _nonlin(activation, nonlin, "Layer")
        rng = make_rng(seed)
        self.neurons = [
            Neuron(nin, activation, init, self.nout, rng, fused=fused) for _ in range(self.nout)
        ]
        self.activation = self.neurons[0].activation
        self._label("")

    def named_parameters(self) -> Iterator[tuple[str, Value]]:
        for i, n in enumerate(self.neurons):
            for name, p in n.named_parameters():
                yield f"neurons.{i}.{name}", p

    def forward(self, xs: list[Value]) -> list[Value]:
        """The layer on inputs that are already Values of the right count (the fast path);
        always a list, even of one."""
        if not self.fused:
            return [n.forward(xs) for n in self.neurons]
        zs = neurons([n.w for n in self.neurons], xs, [n.b for n in self.neurons])
        return [n.activate(z) for n, z in zip(self.neurons, zs)]

    def __call__(self, x: Sequence[Value | float]) -> Value | list[Value]:
        return _one_or_list(self.forward(_as_inputs(x, self.nin, repr(self))))

    def architecture(self) -> dict:
        return {"type": "Layer", "nin": self.nin, "nout": self.nout, "activation": self.activation}

    def __repr__(self) -> str:
        return f"Layer({self.nin} → {self.nout}, {self.activation})"


class MLP(Module):
    """A multi-layer perceptron (NNDL §4.3): nin inputs, then one layer per entry of nouts.

    Defaults as micrograd: ReLU hidden layers, linear output, U(−1, 1) weights; `init` picks
    another scheme of NNDL §7.3 ("xavier_uniform", "he_normal", ...), `seed` makes it repeatable.
    Calling it on nin numbers or Values returns the last layer's outputs: a list, or the one
    Value when the last layer has one neuron (as micrograd); `forward` always returns a list.
    `fused=False`: every neuron as products and sums (see `Neuron`).
    """

    def __init__(
        self,
        nin: int,
        nouts: Sequence[int],
        activation: str | None = "relu",
        output_activation: str | None = None,
        init: str = "uniform",
        seed: int | np.random.Generator | None = None,
        *,
        fused: bool = True,
    ) -> None:
        self.nin = _check_size(nin, "MLP nin")
        self.fused = _check_fused(fused, "MLP")
        if isinstance(nouts, (int, np.integer)) or not len(nouts):
            raise ValueError(f"MLP nouts must be a non-empty list of layer sizes, got {nouts!r}")
        self.nouts = [_check_size(n, f"MLP layer size nouts[{i}]") for i, n in enumerate(nouts)]
        self.activation = _check_activation(activation, "MLP activation")
        self.output_activation = _check_activation(output_activation, "MLP output_activation")
        self.init = init
        rng = make_rng(seed)
        sizes = [self.nin, *self.nouts]
        last = len(self.nouts) - 1
        self.layers = [
            Layer(
                sizes[i],
                sizes[i + 1],
                self.output_activation if i == last else self.activation,
                init,
                rng,
                fused=fused,
            )
            for i in range(len(self.nouts))
        ]
        self._label("")

    def named_parameters(self) -> Iterator[tuple[str, Value]]:
        for i, layer in enumerate(self.layers):
            for name, p in layer.named_parameters():
                yield f"layers.{i}.{name}", p

    def forward(self, xs: list[Value]) -> list[Value]:
        """The network on inputs that are already Values of the right count: the list of the
        last layer's outputs, even of one."""
        for layer in self.layers:
            xs = layer.forward(xs)
        return xs

    def __call__(self, x: Sequence[Value | float]) -> Value | list[Value]:
        return _one_or_list(self.forward(_as_inputs(x, self.nin, "MLP")))

    def architecture(self) -> dict:
        return {
            "type": "MLP",
            "nin": self.nin,
            "nouts": list(self.nouts),
            "activation": self.activation,
            "output_activation": self.output_activation,
        }

    def __repr__(self) -> str:
        layers = ", ".join(f"{layer.nout} {layer.activation}" for layer in self.layers)
        return f"MLP({self.nin} → [{layers}])"
