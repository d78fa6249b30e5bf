"""The rows of the one table of primitive operations (NNDL §4.1, §4.5.3).

Each row is one `Op`: its forward (written to work on floats and on numpy arrays), its local
derivative rules (written with `fn`, so they work on Values too), whether it is an activation,
the `Value` method that builds it and its torch form. `_row` takes these last three with no
default, so a row cannot leave one out by forgetting it.

Derivatives at kinks follow PyTorch: relu'(0) = 0, |x|'(0) = 0, hard_tanh'(±1) = 0,
hard_sigmoid'(±2) = 0, leaky_relu'(0) = prelu'(0) = γ, elu'(0) = α, maxout sends the gradient to
the first arg-max on ties.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Sequence
from types import SimpleNamespace
from typing import Any

import numpy as np

from ..errors import DivisionByZeroError, DomainError
from .numeric import (
    clip,
    d_cos,
    d_erf,
    d_exp,
    d_expm1,
    d_log,
    d_log1p,
    d_sin,
    d_sqrt,
    d_tanh,
    is_array,
    logistic,
    where,
)
from .op import BINARY, JS, NARY, UNARY, UNARY_PARAM, Arity, Op, Torch, as_function

_SQRT_2_OVER_PI = math.sqrt(2.0 / math.pi)
_GELU_TANH_C = 0.044715
_GELU_SIGMOID_C = 1.702

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


#: The same checks in JavaScript, for the live page (`JS.check`): the same words, the values
#: written as Python's repr writes them (a test holds each equal to the Python check's message).
_JS_CHECK_DIV = 'b === 0 ? ["DivisionByZeroError", "division by zero", 1] : null'
_JS_CHECK_LOG = 'x > 0 ? null : ["DomainError", "needs x > 0, got x = " + pyRepr(x)]'
_JS_CHECK_SQRT = 'x >= 0 ? null : ["DomainError", "needs x >= 0, got x = " + pyRepr(x)]'
_JS_CHECK_POW = (
    'a === 0 && b < 0 ? ["DivisionByZeroError", "0 ** " + pyRepr(b) + " divides by zero"]'
    ' : a < 0 && !Number.isInteger(b) ? ["DomainError", "a negative base " + pyRepr(a) +'
    ' " to the non-integer power " + pyRepr(b)] : null'
)


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
    return max(xs) if not any(map(is_array, xs)) else np.maximum.reduce(np.broadcast_arrays(*xs))


def _maxout_rules(xs: Sequence[Any], k: object, out: Any) -> list[Any]:
    """1 for the first arg-max, 0 for the others (per sample on arrays)."""
    if any(map(is_array, xs)):
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

#: torch's softplus is x itself above its threshold; from 40 on, log(1 + eˣ) rounds to x in
#: float64 too (e⁻⁴⁰ is below half an ulp of 40), so torch's form then equals this engine's.
_SOFTPLUS_THRESHOLD = 40.0


def _torch_maxout(t: Any, *xs: Any) -> Any:
    """max over the inputs; torch's max along a dimension sends the gradient to one arg-max."""
    return t.stack(xs).max(0).values


def _torch_neuron(t: Any, *xs: Any) -> Any:
    n = (len(xs) - 1) // 2
    return t.stack([w * x for w, x in zip(xs[:n], xs[n : 2 * n])]).sum(0) + xs[-1]


def _row(
    name: str,
    kind: int,
    forward: Callable[..., Any],
    rules: tuple[Callable[..., Any], ...],
    symbol: str,
    formula: str,
    derivative: str,
    *,
    activation: bool,
    method: str,
    torch: Torch | None,
    js: JS | None,
    **more: Any,
) -> Op:
    """One row of the table. `activation`, `method` (the Value method, "" for none), `torch`
    (None: torch has no form of it) and `js` (None: no JavaScript form, the live page of a
    graph using it is read-only) have no default: every row says them."""
    return Op(name, kind, forward, rules, symbol, formula, derivative,
              activation=activation, method=method, torch=torch, js=js, **more)  # fmt: skip


fn: SimpleNamespace  # every op as a function, made from the table below: the rules call it

# fmt: off
# One op per entry, laid out by hand: the table is meant to be read. In the torch forms,
# t is the torch module. The JS forms name the arguments by kind (x, k; a, b; xs) and call the
# helpers of `ops.js` (div and ppow raise where Python's / and ** raise).
OPS: dict[str, Op] = {
    op.name: op
    for op in (
        # arithmetic
        _row("add", BINARY, lambda a, b: a + b, (lambda a, b, o: 1.0, lambda a, b, o: 1.0),
             "+", "a + b", "∂/∂a = 1, ∂/∂b = 1", sample=(_ANY, _ANY),
             activation=False, method="__add__", js=JS("a + b", ("1", "1")),
             torch=Torch(lambda t, a, b: a + b)),
        _row("sub", BINARY, lambda a, b: a - b, (lambda a, b, o: 1.0, lambda a, b, o: -1.0),
             "−", "a − b", "∂/∂a = 1, ∂/∂b = −1", sample=(_ANY, _ANY),
             activation=False, method="__sub__", js=JS("a - b", ("1", "-1")),
             torch=Torch(lambda t, a, b: a - b)),
        _row("mul", BINARY, lambda a, b: a * b, (lambda a, b, o: b, lambda a, b, o: a),
             "×", "a × b", "∂/∂a = b, ∂/∂b = a", sample=(_ANY, _ANY),
             activation=False, method="__mul__", js=JS("a * b", ("b", "a")),
             torch=Torch(lambda t, a, b: a * b)),
        _row("div", BINARY, lambda a, b: a / b, (lambda a, b, o: 1.0 / b, lambda a, b, o: -o / b),
             "÷", "a ÷ b", "∂/∂a = 1/b, ∂/∂b = −a/b²", check=_check_div,
             sample=(_ANY, _ANY), kinks=((), (0.0,)),
             activation=False, method="__truediv__",
             js=JS("div(a, b)", ("div(1, b)", "-div(out, b)"), _JS_CHECK_DIV),
             torch=Torch(lambda t, a, b: a / b)),
        _row("pow", BINARY, lambda a, b: a**b, (_pow_d_base, _pow_d_exponent),
             "^", "a ^ b", "∂/∂a = b·a^(b−1), ∂/∂b = a^b·ln a", check=_check_pow,
             sample=(_POS, (-3.0, 3.0)),
             activation=False, method="__pow__",
             js=JS("ppow(a, b)", ("b !== 0 ? b * ppow(a, b - 1) : 0",
                                  "a > 0 ? out * Math.log(a) : (a === 0 ? 0 : NaN)"),
                   _JS_CHECK_POW),
             torch=Torch(lambda t, a, b: a**b)),
        _row("neg", UNARY, lambda x: -x, (lambda x, o: -1.0,), "−", "−x", "−1", sample=(_ANY,),
             activation=False, method="__neg__", js=JS("-x", ("-1",)),
             torch=Torch(lambda t, x: -x)),
        _row("abs", UNARY, abs, (lambda x, o: where(x > 0.0, 1.0, where(x < 0.0, -1.0, 0.0)),),
             "abs", "|x|", "sign(x), 0 at 0", sample=(_ANY,), kinks=((0.0,),),
             activation=False, method="__abs__",
             js=JS("Math.abs(x)", ("x > 0 ? 1 : (x < 0 ? -1 : 0)",)),
             torch=Torch(lambda t, x: t.abs(x))),
        # elementary functions
        _row("exp", UNARY, d_exp, (lambda x, o: o,), "exp", "exp(x)", "exp(x)", sample=(_ANY,),
             activation=False, method="exp", js=JS("ovf(Math.exp(x))", ("out",)),
             torch=Torch(lambda t, x: t.exp(x))),
        _row("log", UNARY, d_log, (lambda x, o: 1.0 / x,), "log", "ln x", "1/x",
             check=_check_log, sample=(_POS,),
             activation=False, method="log", js=JS("Math.log(x)", ("div(1, x)",), _JS_CHECK_LOG),
             torch=Torch(lambda t, x: t.log(x))),
        _row("sqrt", UNARY, d_sqrt, (lambda x, o: 0.5 / o,), "sqrt", "√x", "1/(2√x)",
             check=_check_sqrt, sample=(_POS,),
             activation=False, method="sqrt",
             js=JS("Math.sqrt(x)", ("div(0.5, out)",), _JS_CHECK_SQRT),
             torch=Torch(lambda t, x: t.sqrt(x))),
        _row("erf", UNARY, d_erf, (lambda x, o: _TWO_OVER_SQRT_PI * fn.exp(-x * x),), "erf",
             "(2/√π) ∫₀ˣ exp(−t²) dt", "(2/√π)·exp(−x²)", sample=(_ANY,),
             activation=False, method="erf", js=None,
             torch=Torch(lambda t, x: t.erf(x))),
        _row("sin", UNARY, d_sin, (lambda x, o: fn.cos(x),), "sin", "sin x", "cos x",
             sample=(_ANY,), activation=False, method="sin", js=JS("Math.sin(x)", ("Math.cos(x)",)),
             torch=Torch(lambda t, x: t.sin(x))),
        _row("cos", UNARY, d_cos, (lambda x, o: -fn.sin(x),), "cos", "cos x", "−sin x",
             sample=(_ANY,), activation=False, method="cos",
             js=JS("Math.cos(x)", ("-Math.sin(x)",)),
             torch=Torch(lambda t, x: t.cos(x))),
        # activation functions, NNDL §4.1
        _row("sigmoid", UNARY, logistic, (lambda x, o: o * (1.0 - o),), "σ",
             "1 / (1 + exp(−x))", "σ(x)(1 − σ(x))", sample=(_ANY,), activation=True,
             method="sigmoid",
             js=JS("logistic(x)", ("out * (1 - out)",)),
             torch=Torch(lambda t, x: t.sigmoid(x), lambda t, n: t.nn.Sigmoid())),
        _row("tanh", UNARY, d_tanh, (lambda x, o: 1.0 - o * o,), "tanh",
             "(eˣ − e⁻ˣ)/(eˣ + e⁻ˣ)", "1 − tanh²(x)", sample=(_ANY,), activation=True,
             method="tanh", js=JS("Math.tanh(x)", ("1 - out * out",)),
             torch=Torch(lambda t, x: t.tanh(x), lambda t, n: t.nn.Tanh())),
        _row("hard_sigmoid", UNARY, lambda x: clip(0.25 * x + 0.5, 0.0, 1.0),
             (lambda x, o: where((x > -2.0) & (x < 2.0), 0.25, 0.0),), "hard_sigmoid",
             "max(min(0.25x + 0.5, 1), 0)", "0.25 on (−2, 2), else 0",
             sample=(_ANY,), kinks=((-2.0, 2.0),), activation=True, method="hard_sigmoid",
             flat=True,
             # not torch's Hardsigmoid, which is x/6 + ½
             js=JS("Math.max(Math.min(0.25 * x + 0.5, 1), 0)", ("x > -2 && x < 2 ? 0.25 : 0",)),
             torch=Torch(lambda t, x: t.clamp(0.25 * x + 0.5, 0.0, 1.0))),
        _row("hard_tanh", UNARY, lambda x: clip(x, -1.0, 1.0),
             (lambda x, o: where((x > -1.0) & (x < 1.0), 1.0, 0.0),), "hard_tanh",
             "max(min(x, 1), −1)", "1 on (−1, 1), else 0", sample=(_ANY,), kinks=((-1.0, 1.0),),
             activation=True, method="hard_tanh", flat=True,
             js=JS("Math.max(Math.min(x, 1), -1)", ("x > -1 && x < 1 ? 1 : 0",)),
             torch=Torch(lambda t, x: t.nn.functional.hardtanh(x), lambda t, n: t.nn.Hardtanh())),
        _row("relu", UNARY, lambda x: where(x > 0.0, x, 0.0),
             (lambda x, o: where(x > 0.0, 1.0, 0.0),), "ReLU", "max(0, x)", "1 if x > 0 else 0",
             sample=(_ANY,), kinks=((0.0,),), activation=True, method="relu", flat=True,
             js=JS("x > 0 ? x : 0", ("x > 0 ? 1 : 0",)),
             torch=Torch(lambda t, x: t.relu(x), lambda t, n: t.nn.ReLU())),
        _row("leaky_relu", UNARY_PARAM, lambda x, g: where(x > 0.0, x, g * x),
             (lambda x, g, o: where(x > 0.0, 1.0, g),), "leaky_relu", "x if x > 0 else γx",
             "1 if x > 0 else γ", sample=(_ANY, (0.0, 0.5)), kinks=((0.0,), ()), param="γ",
             activation=True, param_name="slope", default=0.01, twin="prelu",
             method="leaky_relu", js=JS("x > 0 ? x : k * x", ("x > 0 ? 1 : k",)),
             torch=Torch(lambda t, x, g: t.nn.functional.leaky_relu(x, g),
                                              lambda t, n: t.nn.LeakyReLU(0.01))),
        _row("prelu", BINARY, lambda x, g: where(x > 0.0, x, g * x),
             (lambda x, g, o: where(x > 0.0, 1.0, g), lambda x, g, o: where(x > 0.0, 0.0, x)),
             "PReLU", "x if x > 0 else γx (γ learnable)", "∂/∂x = 1 or γ, ∂/∂γ = min(0, x)",
             sample=(_ANY, (0.0, 0.5)), kinks=((0.0,), ()),
             param="γ", activation=True, param_name="gamma", default=0.25, method="prelu",
             js=JS("a > 0 ? a : b * a", ("a > 0 ? 1 : b", "a > 0 ? 0 : a")),
             torch=Torch(lambda t, x, g: t.where(x > 0, x, g * x),
                         lambda t, n: t.nn.PReLU(n, dtype=t.float64))),
        _row("elu", UNARY_PARAM, lambda x, a: where(x > 0.0, x, lambda: a * d_expm1(x)),
             (lambda x, a, o: where(x > 0.0, 1.0, lambda: a * fn.exp(x)),), "ELU",
             "x if x > 0 else α(exp(x) − 1)", "1 if x > 0 else α·exp(x)",
             sample=(_ANY, (0.1, 2.0)), kinks=((0.0,), ()), param="α",
             activation=True, param_name="alpha", default=1.0, method="elu",
             js=JS("x > 0 ? x : k * Math.expm1(x)", ("x > 0 ? 1 : k * ovf(Math.exp(x))",)),
             torch=Torch(lambda t, x, a: t.nn.functional.elu(x, a), lambda t, n: t.nn.ELU(1.0))),
        _row("softplus", UNARY, _softplus, (lambda x, o: fn.sigmoid(x),), "softplus",
             "log(1 + exp(x))", "σ(x)", sample=(_ANY,), activation=True, method="softplus",
             js=JS("softplus(x)", ("logistic(x)",)),
             torch=Torch(lambda t, x: t.nn.functional.softplus(x, threshold=_SOFTPLUS_THRESHOLD),
                         lambda t, n: t.nn.Softplus(threshold=_SOFTPLUS_THRESHOLD))),
        _row("swish", UNARY_PARAM, _swish, (_swish_dx,), "swish", "x·σ(βx)",
             "σ(βx) + βx·σ(βx)(1 − σ(βx))", sample=(_ANY, (0.0, 3.0)), param="β",
             activation=True, param_name="beta", default=1.0, twin="swish_learnable",
             method="swish",
             js=JS("x * logistic(k * x)", ("swishDx(x, k)",)),
             torch=Torch(lambda t, x, b: x * t.sigmoid(b * x), lambda t, n: t.nn.SiLU())),
        _row("swish_learnable", BINARY, _swish, (_swish_dx, _swish_dbeta), "swish",
             "x·σ(βx) (β learnable)",
             "∂/∂x = σ(βx) + βx·σ(βx)(1 − σ(βx)), ∂/∂β = x²σ(βx)(1 − σ(βx))",
             sample=(_ANY, (0.0, 3.0)), param="β", activation=True, param_name="beta",
             default=1.0,
             method="swish", js=JS("a * logistic(b * a)", ("swishDx(a, b)", "swishDb(a, b)")),
             torch=Torch(lambda t, x, b: x * t.sigmoid(b * x))),
        _row("gelu", UNARY, lambda x: x * normal_cdf(x),
             (lambda x, o: normal_cdf(x) + x * normal_pdf(x),), "GELU", "x·Φ(x)",
             "Φ(x) + x·φ(x)", sample=(_ANY,), activation=True, method="gelu",
             js=None,
             torch=Torch(lambda t, x: t.nn.functional.gelu(x), lambda t, n: t.nn.GELU())),
        _row("gelu_tanh", UNARY, _gelu_tanh, (_gelu_tanh_d,), "GELU~tanh",
             "0.5x(1 + tanh(√(2/π)(x + 0.044715x³)))", "0.5(1 + t) + 0.5x(1 − t²)·u′",
             sample=(_ANY,), activation=True, method="gelu",
             js=JS("geluTanh(x)", ("geluTanhD(x)",)),
             torch=Torch(lambda t, x: t.nn.functional.gelu(x, approximate="tanh"),
                         lambda t, n: t.nn.GELU(approximate="tanh"))),
        _row("gelu_sigmoid", UNARY, lambda x: _swish(x, _GELU_SIGMOID_C),
             (_gelu_sigmoid_d,), "GELU~σ", "x·σ(1.702x)", "σ(1.702x) + 1.702x·σ(1 − σ)",
             sample=(_ANY,), activation=True, method="gelu",
             js=JS("x * logistic(1.702 * x)", ("swishDx(x, 1.702)",)),
             torch=Torch(lambda t, x: x * t.sigmoid(_GELU_SIGMOID_C * x))),
        _row("mish", UNARY, _mish, (_mish_d,), "mish", "x·tanh(softplus(x))",
             "tanh(sp) + x·(1 − tanh²(sp))·σ(x), sp = softplus(x)", sample=(_ANY,),
             activation=True, method="mish",
             js=JS("mish(x)", ("mishD(x)",)),
             torch=Torch(lambda t, x: t.nn.functional.mish(x), lambda t, n: t.nn.Mish())),
        _row("maxout", NARY, _maxout, (_maxout_rules,), "max", "max_k z_k",
             "1 for the arg-max, 0 for the others", sample=(_ANY,), activation=True,
             method="", flat=True, js=JS("Math.max(...xs)", ("maxoutD(xs)",)),
             torch=Torch(_torch_maxout)),
        _row("neuron", NARY, _neuron, (_neuron_rules,), "Σw·x+b",
             "Σᵢ wᵢxᵢ + b (inputs w₁..wₙ, x₁..xₙ, b)", "∂/∂wᵢ = xᵢ, ∂/∂xᵢ = wᵢ, ∂/∂b = 1",
             sample=(_ANY,), inputs=Arity(3, 2, "2n + 1 inputs (w₁..wₙ, x₁..xₙ, b), n ≥ 1"),
             activation=False, method="", js=JS("neuron(xs)", ("neuronD(xs)",)),
             torch=Torch(_torch_neuron)),
    )
}
# fmt: on


#: every op of the table as a function: fn.exp(x), fn.leaky_relu(x, 0.1), fn.maxout(a, b, c).
#: Rules call other ops through it, so a rule given Values builds a graph (grad of grad).
fn = SimpleNamespace(**{name: as_function(op) for name, op in OPS.items()})
