"""Tracing: run a scalar function once, on placeholder inputs, and keep the graph it builds.

The placeholders hold the first sample's numbers; the user's code that compares them, converts
them or computes with their number is refused with `TracingError` naming the line, since the
program will run the same operations for every sample (control flow on data cannot be traced).
"""

from __future__ import annotations

import linecache
import math
import operator
import sys
import sysconfig
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
# Python's own modules and installed packages (json, decimal): not where the user's line is
_INSTALLED = tuple({sysconfig.get_path(p) for p in ("stdlib", "platstdlib", "purelib", "platlib")})
_VALUE_COMPARISONS = frozenset(
    getattr(Value, m).__code__ for m in ("__lt__", "__le__", "__gt__", "__ge__")
)


def _is_library(frame: Any) -> bool:
    module = frame.f_globals.get("__name__", "")
    return module == _LIBRARY or module.startswith(_LIBRARY + ".")


def _passes_on(frame: Any) -> bool:
    """Python's own modules or an installed package (not this library, wherever it lives)."""
    return frame.f_code.co_filename.startswith(_INSTALLED) and not _is_library(frame)


def _user_frame() -> Any:
    """The frame of the user's code that called a `TracedNumber` method, or None when the
    library did: the engine computing a node, a loss reading its inputs, or an op's own forward
    (user code that the library calls back)."""
    # _user_frame ← _refuse ← the guarded method ← its caller
    frame: FrameType | None = sys._getframe(3)
    while frame is not None and (frame.f_code in _VALUE_COMPARISONS or _passes_on(frame)):
        frame = frame.f_back  # x > 0 on a Value, copy.copy(n): their caller decides
    if frame is None or _is_library(frame):
        return None
    caller = frame.f_back
    while caller is not None and not _is_library(caller):
        caller = caller.f_back
    return frame if caller is None or caller.f_code is trace.__code__ else None


def _refuse(number: TracedNumber, use: str, how: str) -> None:
    frame = _user_frame()
    if frame is not None:
        what = f"{use} the traced input {number.name!r} ({how})"
        refusal = TracingError(_message(frame.f_code.co_filename, frame.f_lineno, what))
        number.refusals.append(refusal)  # kept: code that catches it still fails the trace
        raise refusal


def _message(file: str, line: int, what: str) -> str:
    where = f"{file}, line {line}"
    source = linecache.getline(file, line).strip()
    return (
        f"{where}{f': {source}' if source else ''}\n"
        f"compile: {what} while tracing: the compiled program runs the same operations for "
        "every sample, so Python code on a sample's number cannot be compiled. Write it with "
        "ops (relu, maxout, abs, ...) or call the function eagerly."
    )


def _plain(a: Any) -> Any:
    return a._number if type(a) is TracedNumber else a


#: code objects of the library seen calling a guarded method: always allowed (the engine
#: multiplies each traced input by 100 k weights in a big layer; the frame walk once per code)
_ALLOWED: set[Any] = set()


def _guard(method: str, use: str, how: str) -> Callable[..., Any]:
    """The method reads the number for the library and refuses the user's code."""
    base = _NOT_ON_FLOAT.get(method) or getattr(float, method)

    def guarded(self: TracedNumber, *args: Any) -> Any:
        caller = sys._getframe(1)
        if caller.f_code not in _ALLOWED:
            _refuse(self, use, how)
            if caller.f_code not in _VALUE_COMPARISONS and _is_library(caller):
                _ALLOWED.add(caller.f_code)
        return base(self._number, *map(_plain, args))

    guarded.__name__ = method
    return guarded


def _as_array(number: float, dtype: Any = None, copy: Any = None) -> Any:
    return np.asarray(number, dtype=dtype)


def _reduce(number: float, protocol: Any = None) -> Any:
    return (float, (number,))


# what float does for the protocols it serves from C, or has no method of on every Python
_NOT_ON_FLOAT: dict[str, Callable[..., Any]] = {
    "__index__": operator.index,
    "__complex__": complex,
    "__floor__": math.floor,
    "__ceil__": math.ceil,
    "__array__": _as_array,
    "__reduce_ex__": _reduce,
    "__reduce__": _reduce,
}


class TracedNumber:
    """The number inside a placeholder input. It is not a float: C code that reads a float's
    value directly (math, struct, float's own methods) cannot read it, and every protocol by
    which Python converts, compares, formats, hashes or computes with a number is a method
    here that refuses the user's code. The engine, the ops and the losses (the library) read
    the number through the same methods."""

    __slots__ = ("_number", "name", "refusals")

    def __init__(self, number: float, name: str, refusals: list[TracingError]) -> None:
        self._number = number
        self.name = name
        self.refusals = refusals

    def __getattr__(self, attribute: str) -> Any:
        """float's own attributes (.real, .hex(), .is_integer(), ...) read the number."""
        if attribute.startswith("__") or not hasattr(float, attribute):
            raise AttributeError(attribute)
        _refuse(self, "reading", f".{attribute}")
        return getattr(self._number, attribute)


_PROTOCOLS = {
    "comparing": "__lt__ __le__ __gt__ __ge__ __eq__ __ne__",
    "converting": "__bool__ __float__ __int__ __index__ __complex__ __round__ __trunc__ "
    "__floor__ __ceil__ __array__",
    "computing with the number of": "__add__ __radd__ __sub__ __rsub__ __mul__ __rmul__ "
    "__truediv__ __rtruediv__ __floordiv__ __rfloordiv__ __mod__ __rmod__ __divmod__ "
    "__rdivmod__ __pow__ __rpow__ __neg__ __pos__ __abs__",
    "formatting": "__format__ __str__ __repr__",
    "hashing": "__hash__",
    "pickling": "__reduce_ex__ __reduce__",
}
for _use, _methods in _PROTOCOLS.items():
    for _method in _methods.split():
        setattr(TracedNumber, _method, _guard(_method, _use, _method))


def _placeholder(x: float, name: str, refusals: list[TracingError]) -> Value:
    v = Value(float(x), name)
    v._data = TracedNumber(v.data, name, refusals)  # the slot (the `data` setter refuses it)
    return v


def _passed_on(error: Exception) -> TracingError | None:
    """A TypeError about a TracedNumber (named in it, or held by a frame it passed through):
    the user's code gave the number to code that wants a float and reads it without calling
    a method of it (float.__gt__(x.data, 0), json.dumps, Fraction): refused too, by the
    user's line (the innermost frame of theirs in the traceback)."""
    if not isinstance(error, TypeError):
        return None
    tb, place, held = error.__traceback__, None, TracedNumber.__name__ in str(error)
    while tb is not None:
        if not _is_library(tb.tb_frame) and not _passes_on(tb.tb_frame):
            place = (tb.tb_frame.f_code.co_filename, tb.tb_lineno)
        held = held or any(type(v) is TracedNumber for v in tb.tb_frame.f_locals.values())
        tb = tb.tb_next
    if place is None or not held:
        return None
    return TracingError(_message(*place, f"passing a traced input's number on ({error})"))


# ---- tracing -------------------------------------------------------------------------------------


def trace(f: Callable[..., Any], example: Sequence[float], names: Sequence[str]) -> Program:
    """Run f once on placeholder Values holding `example` and record its graph as a Program."""
    refusals: list[TracingError] = []
    inputs = [_placeholder(x, name, refusals) for x, name in zip(example, names)]
    with enable_grad():
        try:
            result = f(*inputs)
        except Exception as error:
            # a refusal the code turned into another error (struct.pack: "not a float")
            refused = refusals[0] if refusals else _passed_on(error)
            if refused is None or refused is error:
                raise
            raise refused from error
    if refusals:  # the user's code caught it and went on with a number of its own
        raise refusals[0]
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
