"""Numeric functions that work on a float and, elementwise, on a numpy array of samples.

The table's forwards are written with these, so one forward serves `Value` (floats) and the
compiled replay (arrays); `where` and `clip` also take Values, so the rules that use them
differentiate again.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

_exp = math.exp


def is_array(x: Any) -> bool:
    """True for a numpy array or numpy scalar (the compiled replay's samples)."""
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
        return array_fn(x) if is_array(x) else float_fn(x)

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
        if _finite(a) and _finite(b):
            # a·[c] + b·[not c]: the same numbers as a masked choice (a zero's sign aside),
            # which runs several times slower on a random mask (relu on a batch)
            chosen = a * condition
            other = 0.0 if type(b) is float and b == 0.0 else b * ~condition
            if type(chosen) is np.ndarray and np.shape(other) in ((), chosen.shape):
                chosen += other  # in place: one fresh array less
                return chosen
            return chosen + other
        return np.where(condition, a, b)


def _finite(x: Any) -> bool:
    return bool(np.isfinite(x).all()) if is_array(x) else type(x) is float and x - x == 0.0


def clip(x: Any, lo: float, hi: float) -> Any:
    """max(min(x, hi), lo) on a float, elementwise on an array."""
    return np.clip(x, lo, hi) if is_array(x) else max(min(x, hi), lo)


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
