"""Gradient-descent optimisers (NNDL §7.2): SGD with momentum and weight decay, and Adam.

`step()` moves every parameter against its gradient; `zero_grad()` clears the gradients for the
next backward. The learning rate of step t (0, 1, 2, ...) is `schedule(t)` when a schedule is
given, e.g. `linear_decay(1.0, 0.1, 100)` as in the micrograd demo, else the constant `lr`.

A step is all or nothing: it computes every new value first, then writes the parameters and
adopts the new state (moments, velocity, step count); should anything interrupt the writing
(Ctrl-C at any bytecode, an error in a subclass's `commit`), the parameters and the state are
both put back as they were before the step, with Ctrl-C held off while they are.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable

from .engine import Value
from .errors import NonFiniteGradientError
from .interrupts import interrupts_held
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
        if self.schedule is None:
            return self.lr
        where = f"{type(self).__name__} schedule({self.steps})"
        return finite_number(where, "the learning rate", self.schedule(self.steps), at_least=0.0)

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
                raise NonFiniteGradientError(
                    f"{type(self).__name__}.step: parameter {p.label or i!r} would become {x!r} "
                    f"(data {p.data!r}, grad {p.grad!r}, lr {lr!r}); lower the learning rate"
                )
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

    def update(self, lr: float, grads: list[float]) -> tuple[list[float], object]:
        mu, wd = self.momentum, self.weight_decay
        data = [p.data for p in self.params]
        if wd:
            grads = [g + wd * x for g, x in zip(grads, data)]
        if mu:
            grads = [mu * v + g for v, g in zip(self.velocity, grads)]
        return [x - lr * g for x, g in zip(data, grads)], grads if mu else self.velocity

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

    def update(self, lr: float, grads: list[float]) -> tuple[list[float], object]:
        (b1, b2), eps, t = self.betas, self.eps, self.steps + 1
        data = [p.data for p in self.params]
        if self.weight_decay:
            grads = [g + self.weight_decay * x for g, x in zip(grads, data)]
        m = [b1 * mi + (1.0 - b1) * g for mi, g in zip(self.moments[0], grads)]
        v = [b2 * vi + (1.0 - b2) * g * g for vi, g in zip(self.moments[1], grads)]
        c1, c2 = 1.0 - b1**t, 1.0 - b2**t
        new = [x - lr * (mi / c1) / (math.sqrt(vi / c2) + eps) for x, mi, vi in zip(data, m, v)]
        return new, (m, v)

    def commit(self, state: object) -> None:
        self.moments, self.steps = state, self.steps + 1  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Adam(lr={self.lr}, betas={self.betas}, eps={self.eps})"
