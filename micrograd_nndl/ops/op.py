"""What an op is: the `Op` record of the table, its kinds and input counts, and how the
table's functions dispatch to numbers, Values or arrays.

The rows themselves are in `micrograd_nndl.ops.table`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..errors import ArityError, MathError

#: How a node of an op stores its inputs, numbered by input count (`kind < BINARY`: one input).
#: UNARY_PARAM is an op with a parameter (leaky_relu(x, γ)); CONSTANT_OPERAND the one-input form
#: of a binary op whose other operand is a number (x * 2, 1 / x: `Op.with_constant`).
UNARY, UNARY_PARAM, CONSTANT_OPERAND, BINARY, NARY = 1, 2, 3, 4, 5


@dataclass(frozen=True)
class Arity:
    """The input counts an op accepts: `least`, then every `step` more (step 0: exactly least).

    `neuron` takes 2n + 1 inputs (w₁..wₙ, x₁..xₙ, b): Arity(3, 2, ...); `maxout` one or more.
    """

    least: int
    step: int = 0
    text: str = ""

    def accepts(self, n: int) -> bool:
        if n < self.least:
            return False
        return n == self.least if self.step == 0 else (n - self.least) % self.step == 0

    def __str__(self) -> str:
        if self.text:
            return self.text
        return f"{self.least} input{'s' if self.least > 1 else ''}"


@dataclass(frozen=True)
class Torch:
    """An op's form in PyTorch, read by `micrograd_nndl.interop` (this package never imports torch).

    `function(torch, *args)` computes the op on float64 tensors, the args as its node takes them
    (x; x and its parameter; a and b; the n inputs). `module(torch, n)` is torch.nn's own module
    for the op as the activation of a layer of n neurons, where torch has one (a learnable
    twin's module holds one parameter per neuron); None: interop applies `function`.
    """

    function: Callable[..., Any]
    module: Callable[..., Any] | None = None


@dataclass(frozen=True)
class JS:
    """An op's form in JavaScript, read by the live page of `viz.web` (which recomputes a graph
    in the browser when a learner edits an input): expressions, not functions, so the page's
    script is generated from the table and nothing is evaluated at run time.

    Each is a JS expression over the op's arguments, named by its kind: x (and k, the
    parameter or constant) for one input, a and b for two, xs (an array) and k for n; the rules
    also see out, the op's output. An n-ary op's one rule gives the array of all derivatives.
    `check` mirrors the Python domain check: null in the domain, else [error class name,
    reason] or [name, reason, index of the argument at fault], its words the Python check's.
    The helpers they call (div, ppow, logistic, pyRepr, ...) are `JS_PRELUDE`'s.
    """

    forward: str
    rules: tuple[str, ...]
    check: str = ""


@dataclass(frozen=True, eq=False)
class Op:
    """A primitive: forward on floats and one local-derivative rule per input.

    `kind` says what its forward takes: UNARY (x), UNARY_PARAM (x and the op's parameter k,
    a number, not a graph node), CONSTANT_OPERAND (x and the constant other operand k of a
    binary op, made by `with_constant`), BINARY (a, b) or NARY (a tuple of inputs).
    Rules take the forward arguments followed by the output: rule(x, out), rule(x, k, out),
    rule(a, b, out); an NARY rule(xs, k, out) returns the list of all local derivatives.
    `check` returns None when the inputs are in the domain, else (error class, reason), or
    (error class, reason, index of the argument at fault) where it is not the first.
    `sample` and `kinks` give, per forward argument, a range to test in and the points where
    the op is not smooth (hypothesis strategies keep away from them).

    What the surfaces read: `activation` (an activation of NNDL §4.1: nn offers the one-input
    ones by name, the expression language all), `param` (the parameter's symbol in drawings),
    `param_name` and `default` (its keyword and default value in the `Value` method, nn and
    the expression language; for a learnable twin, the parameter's name and initial value in
    nn), `twin` (the op that learns this op's parameter: leaky_relu -> prelu), `inputs`
    (the input counts it accepts; from `kind` unless an n-ary op says more), `method` (the
    `Value` method that builds it: "tanh", "gelu" for gelu_tanh, "__add__" for an operator;
    "" for none), `torch` (its form in PyTorch; None where it has none or does not say) and
    `js` (its form in JavaScript for the live page; None: the page of a graph using it is
    read-only).
    """

    name: str
    kind: int
    forward: Callable[..., float]
    rules: tuple[Callable[..., Any], ...]  # each a float; an n-ary op's one rule gives a list
    symbol: str = ""
    formula: str = ""
    derivative: str = ""
    check: Callable[..., tuple[type[MathError], str] | None] | None = None
    sample: tuple[tuple[float, float], ...] = ()
    kinks: tuple[tuple[float, ...], ...] = ()
    param: str = ""
    constant_side: str = ""
    activation: bool = False
    param_name: str = ""
    default: float | None = None
    twin: str = ""
    inputs: Arity = field(default=None)  # type: ignore[assignment]  # from kind when None
    method: str = ""
    torch: Torch | None = None
    js: JS | None = None
    #: its rules give exactly 0 only where the output does not depend on that input (relu below
    #: 0, hard_tanh beyond ±1, maxout's inputs that are not the max): backward then sends 0
    #: whatever the gradient, even an inf or nan, as PyTorch's masks do
    flat: bool = False
    _variants: dict = field(default_factory=dict, repr=False, compare=False)
    #: the first rule as a field of its own: backward reads it once per node
    rule: Callable[..., Any] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "rule", self.rules[0])
        if not self.symbol:  # drawn by its name, as a custom op that names no symbol
            object.__setattr__(self, "symbol", self.name)
        if self.inputs is None:
            least = 2 if self.kind == BINARY else 1
            counts = Arity(1, 1, "at least one input") if self.kind == NARY else Arity(least)
            object.__setattr__(self, "inputs", counts)

    def __call__(self, *args: Any) -> Any:
        """The op on numbers (its forward) or on Values (a node of the graph), like `fn`'s."""
        return _dispatch(self, args)

    def __repr__(self) -> str:
        return f"<Op {self.name}>"

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        """Hypothesis and IPython print an Op by name, not field by field (lambdas, caches)."""
        printer.text(repr(self))

    @property
    def arity(self) -> int:
        """How many graph inputs a node of this op has (-1: a number `inputs` says)."""
        return -1 if self.kind == NARY else (2 if self.kind == BINARY else 1)

    @property
    def takes_number(self) -> bool:
        """True if the op takes a number besides its input: a parameter or a constant operand."""
        return self.kind == UNARY_PARAM or self.kind == CONSTANT_OPERAND

    def check_arity(self, n: int) -> None:
        """Raise ArityError naming the op and the count unless it takes `n` graph inputs."""
        if not self.inputs.accepts(n):
            raise ArityError(f"{self.name} takes {self.inputs}; got {n}")

    def local_derivatives(self, inputs: Sequence[Any], k: Any, out: Any) -> Sequence[Any]:
        """∂out/∂inputᵢ for every graph input, from this op's rules.

        The inputs and output are floats (backward, the visualizer) or Values (`grad`, whose
        derivatives are graphs); k is the constant parameter, None if the op has none.
        """
        kind, rule = self.kind, self.rule
        if kind == UNARY:
            return (rule(inputs[0], out),)
        if kind < BINARY:  # UNARY_PARAM, CONSTANT_OPERAND
            return (rule(inputs[0], k, out),)
        if kind == BINARY:
            a, b = inputs
            return (rule(a, b, out), self.rules[1](a, b, out))
        return rule(list(inputs), k, out)

    def with_constant(self, side: str) -> Op:
        """The one-input form of a binary op whose other operand is a constant number.

        side="right" is x ∘ c (x * 1.0001), side="left" is c ∘ x (1 / x). The constant is
        stored in the node, not as a node: the book's h3 = h2 × (−1) has one input.
        """
        if self.kind != BINARY:
            raise ValueError(f"{self.name} is not a binary op")
        if side in self._variants:
            return self._variants[side]
        f, (d0, d1), check = self.forward, self.rules, self.check
        if side == "right":
            variant = Op(
                self.name,
                CONSTANT_OPERAND,
                f,
                (d0,),
                symbol=self.symbol,
                formula=self.formula,
                derivative=self.derivative,
                check=check,
                sample=self.sample,
                kinks=self.kinks,
                param="c",
                constant_side="right",
            )
        elif side == "left":
            variant = Op(
                self.name,
                CONSTANT_OPERAND,
                lambda x, c: f(c, x),
                (lambda x, c, out: d1(c, x, out),),
                symbol=self.symbol,
                formula=self.formula,
                derivative=self.derivative,
                check=None if check is None else (lambda x, c: check(c, x)),
                sample=self.sample[::-1],
                kinks=self.kinks[::-1],
                param="c",
                constant_side="left",
            )
        else:
            raise ValueError(f"side must be 'left' or 'right', not {side!r}")
        self._variants[side] = variant
        return variant

    def describe(self, k: object = None) -> str:
        """A short text for drawings: "×", "× 1.0001", "1 ÷", "leaky_relu γ=0.01"."""
        if self.constant_side == "right":
            return f"{self.symbol} {_num(k)}"
        if self.constant_side == "left":
            return f"{_num(k)} {self.symbol}"
        if self.kind == UNARY_PARAM:
            return f"{self.symbol} {self.param}={_num(k)}"
        return self.symbol


def _num(k: object) -> str:
    return f"{k:g}" if isinstance(k, float) else str(k)


# ---- the table as functions --------------------------------------------------------------

#: type -> applier(op, *args): how the table's functions build results of a graph type
_APPLIERS: dict[type, Callable[..., Any]] = {}


def register_applier(cls: type, applier: Callable[..., Any]) -> None:
    """Make every function of `fn` build `cls` results: applier(op, *args) when an argument
    is a `cls` (the engine registers Value -> apply; array forms may register ndarray)."""
    _APPLIERS[cls] = applier


def _on_numbers(op: Op, args: tuple) -> Any:
    """op on plain numbers: its forward function (the parameter's default when left out)."""
    if op.kind == NARY:
        return op.forward(tuple(args), None)
    if op.kind == UNARY_PARAM and len(args) == 1:
        return op.forward(args[0], op.default)
    return op.forward(*args)


def _dispatch(op: Op, args: tuple) -> Any:
    for a in args:
        applier = _APPLIERS.get(type(a))
        if applier is not None:
            return applier(op, *args)
    return _on_numbers(op, args)


def as_function(op: Op) -> Callable[..., Any]:
    """One function for `op` on numbers or on any registered graph type (Value, arrays)."""
    forward = op.forward

    def unary(x: Any) -> Any:
        return forward(x) if type(x) is float else _dispatch(op, (x,))

    def general(*args: Any) -> Any:
        return _dispatch(op, args)

    function: Callable[..., Any] = unary if op.kind == UNARY else general
    function.__name__ = function.__qualname__ = op.name
    function.__doc__ = f"{op.name}: {op.formula} on numbers, Values or registered arrays."
    return function


def _on_arrays(op: Op, *args: Any) -> Any:
    """op on numpy arrays of samples (the compiled replay): its own forward, which is written
    to accept arrays too, so fn.tanh(array) is tanh elementwise from the same code."""
    return _on_numbers(op, args)


register_applier(np.ndarray, _on_arrays)
