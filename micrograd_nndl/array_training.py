"""Training with the parameters in arrays: `fit(..., compiled=True)` with SGD or Adam.

For the whole run the parameters are one vector (each layer's W⁽ˡ⁾ and b⁽ˡ⁾ are slices of it,
in the order `CompiledLoss.layout` gives) and the optimiser's state arrays beside it; a step
is the compiled program's forward and reverse pass and the optimiser's `update_arrays` on whole
arrays, never a Python loop over the parameters. The Values of the model are written from the
arrays (`write_back`) when `fit` returns, raises or is interrupted, and whenever user code is
about to look at them: they hold the parameters of the last finished step, as in eager `fit`.

A step is all or nothing: its new parameters, state and step count are made apart and
adopted in one assignment, so an interrupt anywhere leaves the last finished step.
"""

from __future__ import annotations

from typing import Protocol, TypeGuard

import numpy as np

from .compiled_loss import CompiledLoss
from .engine import Value
from .interrupts import interrupts_held
from .optim import Optimizer, not_finite_update

__all__ = ["ArrayOptimizer", "ArrayTraining", "keeps_arrays"]


class ArrayOptimizer(Protocol):
    """An optimiser whose update is written on arrays (SGD, Adam)."""

    params: list[Value]
    steps: int

    def lr_at(self, step: int) -> float: ...

    def update_arrays(
        self, lr: float, x: np.ndarray, g: np.ndarray, state: tuple[np.ndarray, ...], step: int
    ) -> tuple[np.ndarray, tuple[np.ndarray, ...]]: ...

    def state_arrays(self) -> tuple[np.ndarray, ...]: ...

    def restore(self, state: tuple[np.ndarray, ...], steps: int) -> None: ...


def keeps_arrays(opt: Optimizer) -> TypeGuard[ArrayOptimizer]:
    """True when the optimiser's update is written on arrays (SGD, Adam) and takes each
    parameter once: then `fit(..., compiled=True)` keeps the parameters in arrays."""
    has_form = callable(getattr(opt, "update_arrays", None))
    return has_form and len({id(p) for p in opt.params}) == len(opt.params)


class ArrayTraining:
    """The parameters and the optimiser's state as arrays, stepped by a compiled loss."""

    def __init__(self, batch_loss: CompiledLoss, opt: ArrayOptimizer) -> None:
        self.batch_loss, self.opt = batch_loss, opt
        #: (leaf values, optimiser state, steps, the gradient that step took) after the last
        #: finished step; None before the first (the Values hold the parameters then)
        self._now: tuple[np.ndarray, tuple[np.ndarray, ...], int, np.ndarray | None] | None = None
        self._written = True

    def _start(self, X: np.ndarray, y: np.ndarray) -> None:
        bl, opt = self.batch_loss, self.opt
        values = bl.values_now(X, y)
        pos = bl.positions(opt.params)
        order = np.argsort(pos, kind="stable")
        at = pos[order]  # the parameters' places, ascending: a slice when they lie together
        if len(at) and np.array_equal(at, np.arange(at[0], at[0] + len(at))):
            self._at: slice | np.ndarray = slice(int(at[0]), int(at[0]) + len(at))
        else:
            self._at = at
        self._order = order  # the optimiser's i-th parameter is the order⁻¹[i]-th of ours
        self._whole = isinstance(self._at, slice) and self._at == slice(0, len(values))
        self._pos = pos
        state = tuple(s[order] for s in opt.state_arrays())
        self._now = (values, state, opt.steps, None)

    def step(self, X: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
        """One step on the batch (X, y): (its loss, the model's outputs (B, outputs))."""
        if self._now is None:
            self._start(X, y)
        assert self._now is not None
        values, state, steps, _ = self._now
        value, grads, outputs = self.batch_loss.loss_and_grad(X, y, values)
        lr = self.opt.lr_at(steps)
        x, g = values[self._at], grads[self._at]
        new_x, new_state = self.opt.update_arrays(lr, x, g, state, steps)
        if not np.isfinite(new_x).all():
            self._refuse(int(np.flatnonzero(~np.isfinite(new_x))[0]), new_x, x, g, lr)
        if self._whole:  # every leaf a parameter: the update is the new vector (no copy)
            new_values = new_x
        else:
            new_values = values.copy()
            new_values[self._at] = new_x
        self._written = False  # first: an interrupt between the two still writes back
        self._now = (new_values, new_state, steps + 1, grads)
        return value, outputs

    def _refuse(self, j: int, new_x: np.ndarray, x: np.ndarray, g: np.ndarray, lr: float) -> None:
        """The error `Optimizer.step` raises for a parameter that would not be finite."""
        i = int(self._order[j])
        p, kind = self.opt.params[i], type(self.opt).__name__
        raise not_finite_update(kind, p, i, float(new_x[j]), float(x[j]), float(g[j]), lr)

    def parameters(self) -> list[float]:
        """The parameters of the last finished step, in the order of `opt.params`."""
        if self._now is None:
            return [p.data for p in self.opt.params]
        return self._now[0][self._pos].tolist()

    def write_back(self) -> None:
        """Put the last finished step's parameters (and the gradients it took) into the
        model's Values and its state (and step count) into the optimiser; interrupted half-way,
        it writes them all again with Ctrl-C held off, so both land whole. Call it before user
        code reads the model (a snapshot, a callback); it does nothing when nothing moved."""
        if self._written or self._now is None:
            return
        try:
            self._write()
        except BaseException:  # interrupted half-way: all of it again, Ctrl-C held off
            with interrupts_held():
                self._write()
            raise

    def _write(self) -> None:
        assert self._now is not None
        _, state, steps, grads = self._now
        for p, x in zip(self.opt.params, self.parameters()):
            p.data = x
        if grads is not None:  # each parameter's gradient of that step, as eager leaves it
            for p, g in zip(self.opt.params, grads[self._pos].tolist()):
                p.grad = g
        inverse = np.empty_like(self._order)
        inverse[self._order] = np.arange(len(self._order))
        self.opt.restore(tuple(s[inverse] for s in state), steps)
        self._written = True
