"""Gradient-descent optimisers (NNDL §7.2): SGD with momentum and weight decay, and Adam.

`step()` moves every parameter against its gradient; `zero_grad()` clears the gradients for the
next backward. The learning rate of step t (0, 1, 2, ...) is `schedule(t)` when a schedule is
given, e.g. `linear_decay(1.0, 0.1, 100)` as in the micrograd demo, else the constant `lr`.

A step is all or nothing: it computes every new value first, then writes the parameters and
adopts the new state (moments, velocity, step count); should anything interrupt the writing
(Ctrl-C at any bytecode, an error in a subclass's `commit`), the parameters and the state are
both put back as they were before the step, with Ctrl-C held off while they are.

SGD and Adam write their update once, on arrays (`update_arrays`, every parameter at once):
eager `step()` runs it on the parameters' numbers, and `fit(..., compiled=True)` on the
parameters it keeps in arrays for the whole run, so both train to the same numbers.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import numpy as np

from .engine import Value
from .errors import NonFiniteGradientError
from .interrupts import interrupts_held
from .naming import parameter_text
from .option_checks import finite_number, whole_number

Schedule = Callable[[int], float]


def linear_decay(start: float, end: float, steps: int) -> Schedule:
    """lr(t) = start + (end − start)·t/steps for t < steps, then end (micrograd: 1.0 → 0.1)."""
    start = finite_number("linear_decay", "start", start, at_least=0.0)
    end = finite_number("linear_decay", "end", end, at_least=0.0)
    steps = whole_number("linear_decay", "steps", steps, at_least=1)
    return lambda t: start + (end - start) * min(t, steps) / steps


class Optimizer:
    """Holds the parameters, the step count and the learning-rate rule; subclasses `update`."""

    def __init__(self, params: Iterable[Value], lr: float, schedule: Schedule | None) -> None:
        self.params = list(params)
        if not self.params:
            raise ValueError(f"{type(self).__name__}: no parameters to optimise")
        for i, p in enumerate(self.params):
            if not isinstance(p, Value):
                raise TypeError(f"{type(self).__name__}: parameter {i} is not a Value")
        self.lr = finite_number(type(self).__name__, "lr", lr, above=0.0)
        if schedule is not None and not callable(schedule):
            raise TypeError(
                f"{type(self).__name__}: schedule must be a function of the step, got {schedule!r}"
            )
        self.schedule = schedule
        self.steps = 0

    def current_lr(self) -> float:
        """The learning rate the next `step()` uses; a schedule's is checked each step (a
        negative or nan rate would climb the loss or poison every parameter silently)."""
        return self.lr_at(self.steps)

    def lr_at(self, step: int) -> float:
        """The learning rate of step `step` (0, 1, 2, ...), checked as `current_lr` says."""
        if self.schedule is None:
            return self.lr
        where = f"{type(self).__name__} schedule({step})"
        return finite_number(where, "the learning rate", self.schedule(step), at_least=0.0)

    def zero_grad(self) -> None:
        """Set every parameter's gradient to 0 (gradients accumulate across backward calls)."""
        for p in self.params:
            p.grad = 0.0

    def step(self) -> None:
        """One update of every parameter from its current gradient."""
        lr = self.current_lr()
        new_data, new_state = self.update(lr, [p.grad for p in self.params])
        for i, x in enumerate(new_data):
            if x - x != 0.0:
                p = self.params[i]
                raise not_finite_update(type(self).__name__, p, i, x, p.data, p.grad, lr)
        before, state = [p.data for p in self.params], dict(vars(self))
        try:
            for p, x in zip(self.params, new_data):
                p.data = x
            self.commit(new_state)
        except BaseException:
            with interrupts_held():
                for p, x in zip(self.params, before):
                    p.data = x
                # every attribute as it was: the step count, and the state that `update`
                # replaces with new lists but never changes in place
                vars(self).clear()
                vars(self).update(state)
            raise

    def update(self, lr: float, grads: list[float]) -> tuple[list[float], object]:
        """(new parameter values, new state) for this step; changes nothing (the state is new
        lists, not the old ones changed, so that `step` can put the old ones back)."""
        raise NotImplementedError

    def commit(self, state: object) -> None:
        """Adopt the state computed by `update` (one assignment) and count the step."""
        raise NotImplementedError


def not_finite_update(
    kind: str, p: Value, i: int, new: float, data: float, grad: float, lr: float
) -> NonFiniteGradientError:
    """The error for a `kind` (SGD, Adam) step that would make p, the optimiser's parameter
    i, inf or nan from `data` and `grad` (an array run's, which p does not hold yet). p is
    named as the book does and as code does, "w⁽¹⁾₂₁ (layers.0.neurons.1.w.0)", or by i."""
    name = parameter_text(p.label) if p.label else str(i)
    return NonFiniteGradientError(
        f"{kind}.step: parameter {name} would become {new!r} "
        f"(data {data!r}, grad {grad!r}, lr {lr!r}); lower the learning rate"
    )


class SGD(Optimizer):
    """θ ← θ − lr·v with v ← μ·v + (g + λθ): momentum μ, weight decay λ (PyTorch's convention).

    With μ = 0 and λ = 0 this is plain gradient descent θ ← θ − lr·g.
    """

    def __init__(
        self,
        params: Iterable[Value],
        lr: float = 0.1,
        momentum: float = 0.0,
        weight_decay: float = 0.0,
        schedule: Schedule | None = None,
    ) -> None:
        super().__init__(params, lr, schedule)
        self.momentum = finite_number("SGD", "momentum", momentum, at_least=0.0, below=1.0)
        self.weight_decay = finite_number("SGD", "weight_decay", weight_decay, at_least=0.0)
        self.velocity: list[float] = [0.0] * len(self.params)

    def update_arrays(
        self, lr: float, x: np.ndarray, g: np.ndarray, state: tuple[np.ndarray, ...], step: int
    ) -> tuple[np.ndarray, tuple[np.ndarray, ...]]:
        """(new parameters, new state) of step `step` from the parameters x, their gradients g
        and the state (the velocity), all arrays in the order of `params`; changes nothing."""
        mu, wd = self.momentum, self.weight_decay
        (v,) = state
        with np.errstate(all="ignore"):  # a step that overflows is refused by its caller
            if wd:
                g = g + wd * x
            if mu:
                g = v = mu * v + g
            return x - lr * g, (v,)

    def state_arrays(self) -> tuple[np.ndarray, ...]:
        """The optimiser's state as arrays in the order of `params`: (velocity,)."""
        return (np.array(self.velocity, dtype=float),)

    def restore(self, state: tuple[np.ndarray, ...], steps: int) -> None:
        """Adopt state (as `state_arrays` gives it) and the step count, in one assignment."""
        self.velocity, self.steps = state[0].tolist(), steps

    def update(self, lr: float, grads: list[float]) -> tuple[list[float], object]:
        x = np.array([p.data for p in self.params])
        new, (v,) = self.update_arrays(lr, x, np.array(grads), self.state_arrays(), self.steps)
        return new.tolist(), v.tolist()

    def commit(self, state: object) -> None:
        self.velocity, self.steps = state, self.steps + 1  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"SGD(lr={self.lr}, momentum={self.momentum}, weight_decay={self.weight_decay})"


class Adam(Optimizer):
    """Adam (Kingma & Ba 2015; NNDL §7.2.3.3): moments m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g²,
    bias-corrected m̂ = m/(1−β₁ᵗ), v̂ = v/(1−β₂ᵗ), then θ ← θ − lr·m̂/(√v̂ + ε)."""

    def __init__(
        self,
        params: Iterable[Value],
        lr: float = 0.001,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        schedule: Schedule | None = None,
    ) -> None:
        super().__init__(params, lr, schedule)
        try:
            b1, b2 = betas
        except (TypeError, ValueError):
            raise TypeError(f"Adam: betas must be a pair (β₁, β₂), got {betas!r}") from None
        self.betas = (
            finite_number("Adam", "betas[0]", b1, at_least=0.0, below=1.0),
            finite_number("Adam", "betas[1]", b2, at_least=0.0, below=1.0),
        )
        self.eps = finite_number("Adam", "eps", eps, above=0.0)
        self.weight_decay = finite_number("Adam", "weight_decay", weight_decay, at_least=0.0)
        n = len(self.params)
        self.moments: tuple[list[float], list[float]] = ([0.0] * n, [0.0] * n)

    def update_arrays(
        self, lr: float, x: np.ndarray, g: np.ndarray, state: tuple[np.ndarray, ...], step: int
    ) -> tuple[np.ndarray, tuple[np.ndarray, ...]]:
        """(new parameters, new state) of step `step` from the parameters x, their gradients g
        and the state (the moments m, v), all arrays in the order of `params`; changes
        nothing."""
        (b1, b2), eps, t = self.betas, self.eps, step + 1
        m, v = state
        with np.errstate(all="ignore"):  # a step that overflows is refused by its caller
            if self.weight_decay:
                g = g + self.weight_decay * x
            m = b1 * m + (1.0 - b1) * g
            v = b2 * v + (1.0 - b2) * g * g
            c1, c2 = 1.0 - b1**t, 1.0 - b2**t
            return x - lr * (m / c1) / (np.sqrt(v / c2) + eps), (m, v)

    def state_arrays(self) -> tuple[np.ndarray, ...]:
        """The optimiser's state as arrays in the order of `params`: (m, v)."""
        return tuple(np.array(m, dtype=float) for m in self.moments)

    def restore(self, state: tuple[np.ndarray, ...], steps: int) -> None:
        """Adopt state (as `state_arrays` gives it) and the step count, in one assignment."""
        self.moments, self.steps = (state[0].tolist(), state[1].tolist()), steps

    def update(self, lr: float, grads: list[float]) -> tuple[list[float], object]:
        x = np.array([p.data for p in self.params])
        new, (m, v) = self.update_arrays(lr, x, np.array(grads), self.state_arrays(), self.steps)
        return new.tolist(), (m.tolist(), v.tolist())

    def commit(self, state: object) -> None:
        self.moments, self.steps = state, self.steps + 1  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Adam(lr={self.lr}, betas={self.betas}, eps={self.eps})"
