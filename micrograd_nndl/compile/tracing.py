"""Tracing: run a scalar function once, on placeholder inputs, and keep the graph it builds.

The placeholders hold the first sample's numbers; the user's code that compares them, converts
them or computes with their number is refused with `TracingError` naming the line, since the
program will run the same operations for every sample (control flow on data cannot be traced).
"""

from __future__ import annotations

import linecache
import sys
from collections.abc import Callable, Sequence
from types import FrameType
from typing import Any

import numpy as np

from ..engine import Value, enable_grad
from .lowering import build
from .running import Program

__all__ = ["TracingError", "trace"]


class TracingError(TypeError):
    """`f` used a traced input's value in Python while being traced (control flow on data)."""


# ---- placeholders: inputs whose number refuses to be used by the user's code ------------------

_LIBRARY = __name__.split(".", 1)[0]  # micrograd_nndl: the engine, losses, ops
_VALUE_COMPARISONS = frozenset(
    getattr(Value, m).__code__ for m in ("__lt__", "__le__", "__gt__", "__ge__")
)


def _is_library(frame: Any) -> bool:
    module = frame.f_globals.get("__name__", "")
    return module == _LIBRARY or module.startswith(_LIBRARY + ".")


def _user_frame() -> Any:
    """The frame of the user's code that called a `_TracedFloat` method, or None when the
    library did: the engine computing a node, a loss reading its inputs, or an op's own forward
    (user code that the library calls back)."""
    # _user_frame ← _refuse ← the guarded method ← its caller
    frame: FrameType | None = sys._getframe(3)
    while frame is not None and frame.f_code in _VALUE_COMPARISONS:
        frame = frame.f_back  # x > 0 on a Value: the caller of Value.__gt__ decides
    if frame is None or _is_library(frame):
        return None
    caller = frame.f_back
    while caller is not None and not _is_library(caller):
        caller = caller.f_back
    return frame if caller is None or caller.f_code is trace.__code__ else None


def _refuse(number: _TracedFloat, use: str) -> None:
    frame = _user_frame()
    if frame is None:
        return
    where = f"{frame.f_code.co_filename}, line {frame.f_lineno}"
    source = linecache.getline(frame.f_code.co_filename, frame.f_lineno).strip()
    raise TracingError(
        f"{where}{f': {source}' if source else ''}\n"
        f"compile: {use} the traced input {number.name!r} while tracing: the compiled program "
        "runs the same operations for every sample, so Python control flow on a sample's value "
        "cannot be compiled. Write it with ops (relu, maxout, abs, ...) or call the function "
        "eagerly."
    )


#: code objects of the library seen calling a guarded method: always allowed (the engine
#: multiplies each traced input by 100 k weights in a big layer; the frame walk once per code)
_ALLOWED: set[Any] = set()


def _guard(method: str, use: str) -> Callable[..., Any]:
    base = getattr(float, method)

    def guarded(self: _TracedFloat, *args: Any) -> Any:
        caller = sys._getframe(1)
        if caller.f_code not in _ALLOWED:
            _refuse(self, use)
            if caller.f_code not in _VALUE_COMPARISONS and _is_library(caller):
                _ALLOWED.add(caller.f_code)
        return base(self, *args)

    guarded.__name__ = method
    return guarded


class _TracedFloat(float):
    """The number inside a placeholder input: the engine computes with it as with any float;
    the user's code that compares it, tests it or computes with it is refused."""

    name = ""


for _method in ("__lt__", "__le__", "__gt__", "__ge__", "__eq__", "__ne__"):
    setattr(_TracedFloat, _method, _guard(_method, "comparing"))
for _method in ("__bool__", "__float__", "__int__", "__index__", "__round__", "__trunc__"):
    if hasattr(float, _method):
        setattr(_TracedFloat, _method, _guard(_method, "converting"))
for _method in (
    "__add__ __radd__ __sub__ __rsub__ __mul__ __rmul__ __truediv__ __rtruediv__ __pow__ "
    "__rpow__ __floordiv__ __rfloordiv__ __mod__ __rmod__ __divmod__ __neg__ __abs__"
).split():
    setattr(_TracedFloat, _method, _guard(_method, "computing with the number of"))
_TracedFloat.__hash__ = float.__hash__  # type: ignore[method-assign]


def _placeholder(x: float, name: str) -> Value:
    v = Value(float(x), name)
    traced = _TracedFloat(v.data)
    traced.name = name
    v._data = traced  # the slot holds the traced number (the `data` setter would read it)
    return v


# ---- tracing -------------------------------------------------------------------------------------


def trace(f: Callable[..., Any], example: Sequence[float], names: Sequence[str]) -> Program:
    """Run f once on placeholder Values holding `example` and record its graph as a Program."""
    inputs = [_placeholder(x, name) for x, name in zip(example, names)]
    with enable_grad():
        result = f(*inputs)
    many = isinstance(result, (list, tuple))
    outs = [_as_node(r) for r in (result if many else [result])]
    if not outs:
        raise TypeError("compile: f returned an empty list; it must return a Value or Values")
    return build(inputs, outs, tuple(names), many)


def _as_node(r: Any) -> Value:
    if isinstance(r, Value):
        return r
    if isinstance(r, (int, float, np.floating, np.integer)) and not isinstance(r, bool):
        return Value(float(r))
    raise TypeError(f"compile: f must return Values (or a list of them), got {type(r).__name__}")
