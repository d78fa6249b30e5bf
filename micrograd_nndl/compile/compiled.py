"""The user's handle: `compile(f)` traces f at its first call and runs it on batches.

It turns the arguments into arrays of samples of one length B (numbers broadcast), the program's
output slots back into arrays, and seeds the reverse pass for `grad` and `value_and_grad`.
"""

from __future__ import annotations

import inspect
import time
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from ..engine import Value
from .running import Program
from .tracing import trace

__all__ = ["Compiled", "compile"]


class Compiled:
    """`compile(f)`: call it on arrays of samples; `.grad` and `.value_and_grad` differentiate.

    f takes scalar Values (one per input) and returns a Value or a list of Values. Calling the
    compiled function with arrays of shape (B,) (or numbers, broadcast) returns an array (B,)
    per output. The first call traces f (`trace_seconds` says how long it took).
    """

    def __init__(self, f: Callable[..., Any]) -> None:
        if not callable(f):
            raise TypeError(f"compile needs a function, got {type(f).__name__}")
        self.f = f
        self.program: Program | None = None
        self.trace_seconds = 0.0

    def trace(self, *example: float) -> Program:
        """Trace f on placeholders holding one sample's inputs (the first call does this)."""
        start = time.perf_counter()
        self.program = trace(self.f, [float(x) for x in example], _input_names(self.f, example))
        self.trace_seconds = time.perf_counter() - start
        return self.program

    def _run(self, inputs: Sequence[Any]) -> tuple[Program, list[Any], int]:
        arrays = _batch(inputs)
        if self.program is None:
            self.trace(*(a[0] for a in arrays))
        program = self.program
        assert program is not None
        if len(arrays) != len(program.input_slots):
            raise TypeError(
                f"compiled function: traced with {len(program.input_slots)} inputs, "
                f"called with {len(arrays)}"
            )
        return program, program.run(arrays), len(arrays[0]) if arrays else 1

    def __call__(self, *inputs: Any) -> Any:
        program, env, batch = self._run(inputs)
        return _outputs(program, env, batch)

    def value_and_grad(
        self,
        *inputs: Any,
        wrt: Sequence[Value],
        reduce: str = "mean",
        select: np.ndarray | None = None,
    ) -> tuple[Any, np.ndarray]:
        """(outputs, gradients): ∂/∂w of the first output, summed or averaged over the batch
        (`reduce`), for each w in `wrt`, as an array; other outputs ride along, as jax's
        has_aux. Equal to summing `backward()` over the samples one by one.

        select: for each sample, the index of the output to differentiate (outputs that are
        alternatives, e.g. one loss per label value: sample i counts output select[i])."""
        if reduce not in ("mean", "sum"):
            raise ValueError(f'grad: reduce must be "mean" or "sum", not {reduce!r}')
        program, env, batch = self._run(inputs)
        scale = 1.0 / batch if reduce == "mean" else 1.0
        if select is None:
            seeds = {0: np.full(batch, scale)}
        else:
            seeds = {int(k): (select == k) * scale for k in _checked(select, batch, program)}
        leaf_grads = np.append(program.reverse(env, seeds), 0.0)  # the last: w not in the graph
        return _outputs(program, env, batch), leaf_grads[program.positions(wrt)]

    def grad(self, *inputs: Any, wrt: Sequence[Value], reduce: str = "mean") -> np.ndarray:
        """The gradients of `value_and_grad`, without the outputs."""
        return self.value_and_grad(*inputs, wrt=wrt, reduce=reduce)[1]

    def show(self) -> None:
        """Print the traced program (see `Program.show`); trace first by calling it once."""
        if self.program is None:
            raise RuntimeError("compiled function: not traced yet; call it once (or .trace())")
        self.program.show()


def compile(f: Callable[..., Any]) -> Compiled:
    """Trace f once and replay it on numpy batches (see the module docstring)."""
    return Compiled(f)


def _checked(select: Any, batch: int, program: Program) -> np.ndarray:
    """The output indices `select` names, each one checked against f's outputs."""
    select = np.asarray(select)
    if select.shape != (batch,):
        raise ValueError(
            f"grad: select has shape {select.shape}, expected one index per sample ({batch},)"
        )
    if select.dtype.kind not in "iu":
        raise ValueError(f"grad: select must hold integers (output indices), not {select.dtype}")
    n = len(program.outputs)
    bad = np.flatnonzero((select < 0) | (select >= n))
    if len(bad):
        raise ValueError(
            f"grad: select[{bad[0]}] is {select[bad[0]]}; f has {n} outputs (0 to {n - 1})"
        )
    return np.unique(select)


def _input_names(f: Callable[..., Any], example: Sequence[Any]) -> list[str]:
    try:
        params = list(inspect.signature(f).parameters.values())
    except (TypeError, ValueError):
        params = []
    names = [p.name for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    if len(names) < len(example):
        names = [f"x{i + 1}" for i in range(len(example))]
    return names[: len(example)]


def _batch(inputs: Sequence[Any]) -> list[np.ndarray]:
    """The inputs as float arrays of one common shape (B,), every number finite."""
    arrays = []
    for i, x in enumerate(inputs):
        try:
            a = np.asarray(x, dtype=float)
        except (TypeError, ValueError) as e:
            raise TypeError(
                f"compiled function: input {i} is not an array of numbers ({e})"
            ) from None
        if a.ndim > 1:
            raise ValueError(f"compiled function: input {i} has shape {a.shape}, expected (B,)")
        bad = np.flatnonzero(~np.isfinite(a))
        if len(bad):
            x = float(a.reshape(-1)[bad[0]])
            raise ValueError(
                f"compiled function: input {i}, sample {bad[0]} is {x!r}; "
                "every input must be finite"
            )
        arrays.append(a)
    if not arrays:
        return arrays
    if arrays[0].ndim == 1 and len(arrays[0]) and all(a.shape == arrays[0].shape for a in arrays):
        return arrays  # the common case: columns of one batch
    columns = [(i, len(a)) for i, a in enumerate(arrays) if a.ndim == 1]
    other = next(((j, m) for j, m in columns if m != columns[0][1]), None) if columns else None
    if other is not None:  # numpy would stretch a column of 1 silently, or fail in its words
        (i, n), (j, m) = columns[0], other
        raise ValueError(
            f"compiled function: input {i} has {n} samples but input {j} has {m}; give every "
            "input the same number of samples B (or a plain number, used for every sample)"
        )
    shape = np.broadcast_shapes(*(a.shape for a in arrays))
    if shape == () or shape[0] == 0:
        if shape == ():
            shape = (1,)
        else:
            raise ValueError("compiled function: an empty batch (B = 0)")
    return [np.ascontiguousarray(np.broadcast_to(a, shape)) for a in arrays]


def _outputs(program: Program, env: list[Any], batch: int) -> Any:
    outs = program.output_arrays(env, batch)
    return tuple(outs) if program.many else outs[0]
