"""The one table of primitive operations (NNDL §4.1, §4.5.3).

Every primitive is one `Op`: its forward function on floats and its *local derivative rules*,
∂out/∂input_i as functions of the inputs and the output. Reverse mode (`Value.backward`), the
visualizer's step-through and chain-rule explainer, and the gradient checks all read these rules,
so adding an operation is adding one entry here.

Derivatives at kinks follow PyTorch: relu'(0) = 0, |x|'(0) = 0, hard_tanh'(±1) = 0,
hard_sigmoid'(±2) = 0, leaky_relu'(0) = prelu'(0) = γ, elu'(0) = α, maxout sends the gradient to
the first arg-max on ties.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

import numpy as np

from .errors import ArityError, DivisionByZeroError, DomainError, MathError

#: How a node of an op stores its inputs, numbered by input count (`kind < BINARY`: one input).
#: UNARY_PARAM is an op with a parameter (leaky_relu(x, γ)); CONSTANT_OPERAND the one-input form
#: of a binary op whose other operand is a number (x * 2, 1 / x: `Op.with_constant`).
UNARY, UNARY_PARAM, CONSTANT_OPERAND, BINARY, NARY = 1, 2, 3, 4, 5

_exp = math.exp
_SQRT_2_OVER_PI = math.sqrt(2.0 / math.pi)
_GELU_TANH_C = 0.044715
_GELU_SIGMOID_C = 1.702


def _is_array(x: Any) -> bool:
    return isinstance(x, (np.ndarray, np.generic))


def _on(
    float_fn: Callable[[float], float], name: str, array_fn: Callable[[Any], Any]
) -> Callable[[Any], Any]:
    """A numeric function for forwards: float_fn on a float, array_fn (numpy's) on an array.

    Forwards see only numbers (floats, or arrays of samples in `micrograd_nndl.compile`);
    derivative rules call ops through `fn` instead, which also builds graphs from Values, so
    one rule serves backward() on floats, `grad()` on Values (higher-order derivatives) and
    the compiled replay on arrays.
    """

    def numeric(x: Any) -> Any:
        if type(x) is float:
            return float_fn(x)
        return array_fn(x) if _is_array(x) else float_fn(x)

    numeric.__name__ = name
    return numeric


def where(condition: Any, then: Any, otherwise: Any) -> Any:
    """`then if condition else otherwise`, also elementwise on arrays (numpy's where).

    On a float or a Value the condition is a bool and only the chosen branch is computed; a
    branch that may be undefined on the other side (0 ** −1) is passed as a zero-argument
    function. On arrays both branches are computed, warnings off, and chosen per element.
    """
    if condition is True or condition is False:
        chosen = then if condition else otherwise
        return chosen() if callable(chosen) else chosen
    with np.errstate(all="ignore"):
        a = then() if callable(then) else then
        b = otherwise() if callable(otherwise) else otherwise
        return np.where(condition, a, b)


def clip(x: Any, lo: float, hi: float) -> Any:
    """max(min(x, hi), lo) on a float, elementwise on an array."""
    return np.clip(x, lo, hi) if _is_array(x) else max(min(x, hi), lo)


def logistic_float(x: float) -> float:
    """σ(x) = 1 / (exp(−x) + 1): bit for bit the book's six primitives where exp(−x) is finite."""
    if x > -700.0:
        return 1.0 / (_exp(-x) + 1.0)
    e = _exp(x)
    return e / (1.0 + e)


def _logistic_array(x: np.ndarray) -> np.ndarray:
    """σ elementwise, by the same two formulas as `logistic_float`, chosen per element."""
    with np.errstate(over="ignore"):
        out = 1.0 / (np.exp(-x) + 1.0)
        low = x <= -700.0
        if low.any():
            e = np.exp(x[low])
            out[low] = e / (1.0 + e)
        return out


d_exp = _on(_exp, "exp", np.exp)
d_log = _on(math.log, "log", np.log)
d_sqrt = _on(math.sqrt, "sqrt", np.sqrt)
d_tanh = _on(math.tanh, "tanh", np.tanh)
d_erf = _on(math.erf, "erf", np.vectorize(math.erf, otypes=[float]))
d_sin = _on(math.sin, "sin", np.sin)
d_cos = _on(math.cos, "cos", np.cos)
d_sigmoid = logistic = _on(logistic_float, "sigmoid", _logistic_array)
d_expm1 = _on(math.expm1, "expm1", np.expm1)
d_log1p = _on(math.log1p, "log1p", np.log1p)
_INV_SQRT_2 = 1.0 / math.sqrt(2.0)
_TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)
_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)


def normal_cdf(x: Any) -> Any:
    """Φ(x) = (1 + erf(x/√2))/2, the standard normal CDF, for a float or a Value."""
    return 0.5 * (1.0 + fn.erf(x * _INV_SQRT_2))


def normal_pdf(x: Any) -> Any:
    """φ(x) = exp(−x²/2)/√(2π), the standard normal density, for a float or a Value."""
    return fn.exp(-0.5 * x * x) * _INV_SQRT_2PI


def _is_integer(x: float) -> bool:
    return x == math.floor(x)


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
    nn), `twin` (the op that learns this op's parameter: leaky_relu -> prelu) and `inputs`
    (the input counts it accepts; from `kind` unless an n-ary op says more).
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


# ---- domain checks -----------------------------------------------------------------------


def _check_div(a: float, b: float):
    return (DivisionByZeroError, "division by zero", 1) if b == 0.0 else None


def _check_log(x: float):
    return None if x > 0.0 else (DomainError, f"needs x > 0, got x = {x!r}")


def _check_sqrt(x: float):
    return None if x >= 0.0 else (DomainError, f"needs x >= 0, got x = {x!r}")


def _check_pow(a: float, b: float):
    if a == 0.0 and b < 0.0:
        return (DivisionByZeroError, f"0 ** {b!r} divides by zero")
    if a < 0.0 and not _is_integer(b):
        return (DomainError, f"a negative base {a!r} to the non-integer power {b!r}")
    return None


# ---- local derivative rules that need more than one line -------------------------------


def _pow_d_base(a: float, b: float, out: float) -> float:
    """∂(a^b)/∂a = b·a^(b−1)."""
    return where(b != 0.0, lambda: b * a ** (b - 1.0), 0.0)


def _pow_d_exponent(a: float, b: float, out: float) -> float:
    """∂(a^b)/∂b = a^b·ln a; 0 at a = 0 (the limit), undefined (nan) for a < 0."""
    return where(a > 0.0, lambda: out * fn.log(a), lambda: where(a == 0.0, 0.0, math.nan))


def _swish(x: float, beta: float) -> float:
    return x * logistic(beta * x)


def _swish_dx(x: float, beta: float, out: float) -> float:
    """σ(βx) + βx·σ(βx)(1 − σ(βx))."""
    s = fn.sigmoid(beta * x)
    return s + beta * x * s * (1.0 - s)


def _swish_dbeta(x: float, beta: float, out: float) -> float:
    """x²·σ(βx)(1 − σ(βx))."""
    s = fn.sigmoid(beta * x)
    return x * x * s * (1.0 - s)


def _softplus(x: float) -> float:
    """log(1 + exp(x)) = max(x, 0) + log1p(exp(−|x|)): never overflows."""
    return where(x > 0.0, x, 0.0) + d_log1p(d_exp(-abs(x)))


def _gelu_tanh(x: float) -> float:
    return 0.5 * x * (1.0 + d_tanh(_SQRT_2_OVER_PI * (x + _GELU_TANH_C * x**3)))


def _gelu_tanh_d(x: float, out: float) -> float:
    t = fn.tanh(_SQRT_2_OVER_PI * (x + _GELU_TANH_C * x**3))
    du = _SQRT_2_OVER_PI * (1.0 + 3.0 * _GELU_TANH_C * x * x)
    return 0.5 * (1.0 + t) + 0.5 * x * (1.0 - t * t) * du


def _gelu_sigmoid_d(x: float, out: float) -> float:
    """GELU ≈ x·σ(1.702x) is swish with β = 1.702: the same derivative."""
    return _swish_dx(x, _GELU_SIGMOID_C, out)


def _mish(x: Any) -> Any:
    return x * d_tanh(_softplus(x))


def _mish_d(x: Any, out: Any) -> Any:
    """tanh(sp) + x·(1 − tanh²(sp))·σ(x) with sp = softplus(x)."""
    t = fn.tanh(fn.softplus(x))
    return t + x * (1.0 - t * t) * fn.sigmoid(x)


def _maxout(xs: Sequence[Any], k: object) -> Any:
    """max of the inputs; elementwise over arrays of samples."""
    return max(xs) if not any(map(_is_array, xs)) else np.maximum.reduce(np.broadcast_arrays(*xs))


def _maxout_rules(xs: Sequence[Any], k: object, out: Any) -> list[Any]:
    """1 for the first arg-max, 0 for the others (per sample on arrays)."""
    if any(map(_is_array, xs)):
        first = np.argmax(np.broadcast_arrays(*xs), axis=0)  # argmax keeps the first of equals
        return [(first == i).astype(float) for i in range(len(xs))]
    grads = [0.0] * len(xs)
    grads[max(range(len(xs)), key=xs.__getitem__)] = 1.0  # max() keeps the first of equals
    return grads


def _neuron(xs: tuple[float, ...], k: object) -> float:
    """A neuron's net input z = Σᵢ wᵢxᵢ + b (NNDL §4.2) for inputs (w₁..wₙ, x₁..xₙ, b)."""
    n = (len(xs) - 1) // 2
    return sum(map(operator.mul, xs[:n], xs[n : 2 * n]), xs[-1])


def _neuron_rules(xs: tuple[float, ...], k: object, out: float) -> list[float]:
    """∂z/∂wᵢ = xᵢ, ∂z/∂xᵢ = wᵢ, ∂z/∂b = 1."""
    n = (len(xs) - 1) // 2
    return [*xs[n : 2 * n], *xs[:n], 1.0]


_ANY = (-5.0, 5.0)
_POS = (0.05, 5.0)

fn: SimpleNamespace  # every op as a function, made from the table below: the rules call it

# fmt: off
# One op per entry, laid out by hand: the table is meant to be read.
OPS: dict[str, Op] = {
    op.name: op
    for op in (
        # arithmetic
        Op("add", BINARY, lambda a, b: a + b, (lambda a, b, o: 1.0, lambda a, b, o: 1.0),
           "+", "a + b", "∂/∂a = 1, ∂/∂b = 1", sample=(_ANY, _ANY)),
        Op("sub", BINARY, lambda a, b: a - b, (lambda a, b, o: 1.0, lambda a, b, o: -1.0),
           "−", "a − b", "∂/∂a = 1, ∂/∂b = −1", sample=(_ANY, _ANY)),
        Op("mul", BINARY, lambda a, b: a * b, (lambda a, b, o: b, lambda a, b, o: a),
           "×", "a × b", "∂/∂a = b, ∂/∂b = a", sample=(_ANY, _ANY)),
        Op("div", BINARY, lambda a, b: a / b, (lambda a, b, o: 1.0 / b, lambda a, b, o: -o / b),
           "÷", "a ÷ b", "∂/∂a = 1/b, ∂/∂b = −a/b²", check=_check_div,
           sample=(_ANY, _ANY), kinks=((), (0.0,))),
        Op("pow", BINARY, lambda a, b: a**b, (_pow_d_base, _pow_d_exponent),
           "^", "a ^ b", "∂/∂a = b·a^(b−1), ∂/∂b = a^b·ln a", check=_check_pow,
           sample=(_POS, (-3.0, 3.0))),
        Op("neg", UNARY, lambda x: -x, (lambda x, o: -1.0,), "−", "−x", "−1", sample=(_ANY,)),
        Op("abs", UNARY, abs, (lambda x, o: where(x > 0.0, 1.0, where(x < 0.0, -1.0, 0.0)),),
           "abs", "|x|", "sign(x), 0 at 0", sample=(_ANY,), kinks=((0.0,),)),
        # elementary functions
        Op("exp", UNARY, d_exp, (lambda x, o: o,), "exp", "exp(x)", "exp(x)", sample=(_ANY,)),
        Op("log", UNARY, d_log, (lambda x, o: 1.0 / x,), "log", "ln x", "1/x",
           check=_check_log, sample=(_POS,)),
        Op("sqrt", UNARY, d_sqrt, (lambda x, o: 0.5 / o,), "sqrt", "√x", "1/(2√x)",
           check=_check_sqrt, sample=(_POS,)),
        Op("erf", UNARY, d_erf, (lambda x, o: _TWO_OVER_SQRT_PI * fn.exp(-x * x),), "erf",
           "(2/√π) ∫₀ˣ exp(−t²) dt", "(2/√π)·exp(−x²)", sample=(_ANY,)),
        Op("sin", UNARY, d_sin, (lambda x, o: fn.cos(x),), "sin", "sin x", "cos x",
           sample=(_ANY,)),
        Op("cos", UNARY, d_cos, (lambda x, o: -fn.sin(x),), "cos", "cos x", "−sin x",
           sample=(_ANY,)),
        # activation functions, NNDL §4.1
        Op("sigmoid", UNARY, logistic, (lambda x, o: o * (1.0 - o),), "σ",
           "1 / (1 + exp(−x))", "σ(x)(1 − σ(x))", sample=(_ANY,), activation=True),
        Op("tanh", UNARY, d_tanh, (lambda x, o: 1.0 - o * o,), "tanh",
           "(eˣ − e⁻ˣ)/(eˣ + e⁻ˣ)", "1 − tanh²(x)", sample=(_ANY,), activation=True),
        Op("hard_sigmoid", UNARY, lambda x: clip(0.25 * x + 0.5, 0.0, 1.0),
           (lambda x, o: where((x > -2.0) & (x < 2.0), 0.25, 0.0),), "hard_sigmoid",
           "max(min(0.25x + 0.5, 1), 0)", "0.25 on (−2, 2), else 0",
           sample=(_ANY,), kinks=((-2.0, 2.0),), activation=True),
        Op("hard_tanh", UNARY, lambda x: clip(x, -1.0, 1.0),
           (lambda x, o: where((x > -1.0) & (x < 1.0), 1.0, 0.0),), "hard_tanh",
           "max(min(x, 1), −1)", "1 on (−1, 1), else 0", sample=(_ANY,), kinks=((-1.0, 1.0),),
           activation=True),
        Op("relu", UNARY, lambda x: where(x > 0.0, x, 0.0),
           (lambda x, o: where(x > 0.0, 1.0, 0.0),), "ReLU", "max(0, x)", "1 if x > 0 else 0",
           sample=(_ANY,), kinks=((0.0,),), activation=True),
        Op("leaky_relu", UNARY_PARAM, lambda x, g: where(x > 0.0, x, g * x),
           (lambda x, g, o: where(x > 0.0, 1.0, g),), "leaky_relu", "x if x > 0 else γx",
           "1 if x > 0 else γ", sample=(_ANY, (0.0, 0.5)), kinks=((0.0,), ()), param="γ",
           activation=True, param_name="slope", default=0.01, twin="prelu"),
        Op("prelu", BINARY, lambda x, g: where(x > 0.0, x, g * x),
           (lambda x, g, o: where(x > 0.0, 1.0, g), lambda x, g, o: where(x > 0.0, 0.0, x)),
           "PReLU", "x if x > 0 else γx (γ learnable)", "∂/∂x = 1 or γ, ∂/∂γ = min(0, x)",
           sample=(_ANY, (0.0, 0.5)), kinks=((0.0,), ()),
           param="γ", activation=True, param_name="gamma", default=0.25),
        Op("elu", UNARY_PARAM, lambda x, a: where(x > 0.0, x, lambda: a * d_expm1(x)),
           (lambda x, a, o: where(x > 0.0, 1.0, lambda: a * fn.exp(x)),), "ELU",
           "x if x > 0 else α(exp(x) − 1)", "1 if x > 0 else α·exp(x)",
           sample=(_ANY, (0.1, 2.0)), kinks=((0.0,), ()), param="α",
           activation=True, param_name="alpha", default=1.0),
        Op("softplus", UNARY, _softplus, (lambda x, o: fn.sigmoid(x),), "softplus",
           "log(1 + exp(x))", "σ(x)", sample=(_ANY,), activation=True),
        Op("swish", UNARY_PARAM, _swish, (_swish_dx,), "swish", "x·σ(βx)",
           "σ(βx) + βx·σ(βx)(1 − σ(βx))", sample=(_ANY, (0.0, 3.0)), param="β",
           activation=True, param_name="beta", default=1.0, twin="swish_learnable"),
        Op("swish_learnable", BINARY, _swish, (_swish_dx, _swish_dbeta), "swish",
           "x·σ(βx) (β learnable)", "∂/∂x = σ(βx) + βx·σ(βx)(1 − σ(βx)), ∂/∂β = x²σ(βx)(1 − σ(βx))",
           sample=(_ANY, (0.0, 3.0)), param="β", activation=True, param_name="beta", default=1.0),
        Op("gelu", UNARY, lambda x: x * normal_cdf(x),
           (lambda x, o: normal_cdf(x) + x * normal_pdf(x),), "GELU", "x·Φ(x)",
           "Φ(x) + x·φ(x)", sample=(_ANY,), activation=True),
        Op("gelu_tanh", UNARY, _gelu_tanh, (_gelu_tanh_d,), "GELU~tanh",
           "0.5x(1 + tanh(√(2/π)(x + 0.044715x³)))", "0.5(1 + t) + 0.5x(1 − t²)·u′",
           sample=(_ANY,), activation=True),
        Op("gelu_sigmoid", UNARY, lambda x: _swish(x, _GELU_SIGMOID_C),
           (_gelu_sigmoid_d,), "GELU~σ", "x·σ(1.702x)", "σ(1.702x) + 1.702x·σ(1 − σ)",
           sample=(_ANY,), activation=True),
        Op("mish", UNARY, _mish, (_mish_d,), "mish", "x·tanh(softplus(x))",
           "tanh(sp) + x·(1 − tanh²(sp))·σ(x), sp = softplus(x)", sample=(_ANY,),
           activation=True),
        Op("maxout", NARY, _maxout, (_maxout_rules,), "max", "max_k z_k",
           "1 for the arg-max, 0 for the others", sample=(_ANY,), activation=True),
        Op("neuron", NARY, _neuron, (_neuron_rules,), "Σw·x+b",
           "Σᵢ wᵢxᵢ + b (inputs w₁..wₙ, x₁..xₙ, b)", "∂/∂wᵢ = xᵢ, ∂/∂xᵢ = wᵢ, ∂/∂b = 1",
           sample=(_ANY,), inputs=Arity(3, 2, "2n + 1 inputs (w₁..wₙ, x₁..xₙ, b), n ≥ 1")),
    )
}
# fmt: on


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


def _table_function(op: Op) -> Callable[..., Any]:
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

#: every op of the table as a function: fn.exp(x), fn.leaky_relu(x, 0.1), fn.maxout(a, b, c).
#: Rules call other ops through it, so a rule given Values builds a graph (grad of grad).
fn = SimpleNamespace(**{name: _table_function(op) for name, op in OPS.items()})
