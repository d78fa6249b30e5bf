"""Loss functions on Values (NNDL §2.2, §3), each the mean over the samples, and accuracy.

Each loss takes the model outputs (a Value, or the one-element list a model returns, per
sample; a list of class scores per sample for softmax) and the targets, and returns one Value
to call `backward()` on. Stable forms are used where the naive one overflows or loses digits.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from .engine import Value, topological_order

Output = Value | float | Sequence[Value | float]


def _scalar(out: Output, i: int, loss: str) -> Value:
    """A per-sample output as one Value: a Value, a number, or a list of exactly one (a plain
    number becomes a constant Value, so log, exp and relu apply to it as to a model's output)."""
    if not isinstance(out, (Value, int, float, np.floating, np.integer)):
        if len(out) != 1:
            raise ValueError(f"{loss}: sample {i} has {len(out)} outputs, expected one scalar")
        out = out[0]
    return out if isinstance(out, Value) else Value(float(out))


def _number(x: Value | float) -> float:
    """The number a model output holds (a Value's data)."""
    return x.data if isinstance(x, Value) else float(x)


def _pairs(outputs: Sequence, targets: Sequence, loss: str) -> list:
    targets = targets.tolist() if isinstance(targets, np.ndarray) else list(targets)
    if len(outputs) != len(targets):
        raise ValueError(f"{loss}: {len(outputs)} outputs but {len(targets)} targets")
    if not targets:
        raise ValueError(f"{loss}: no samples (empty outputs and targets)")
    return targets


def _mean(terms: list[Value]) -> Value:
    return sum(terms[1:], terms[0]) * (1.0 / len(terms))


def mse(outputs: Sequence[Output], targets: Sequence[float]) -> Value:
    """Mean squared error (1/N)·Σ (ŷ − y)²."""
    ys = _pairs(outputs, targets, "mse")
    return _mean([(_scalar(o, i, "mse") - y) ** 2 for i, (o, y) in enumerate(zip(outputs, ys))])


def _check_labels(ys: list, allowed: tuple, loss: str, hint: str) -> None:
    for i, y in enumerate(ys):
        if y not in allowed:
            raise ValueError(f"{loss}: target {i} is {y!r}, expected one of {allowed}{hint}")


def hinge(scores: Sequence[Output], labels: Sequence[int]) -> Value:
    """micrograd's max-margin loss (1/N)·Σ max(0, 1 − y·s), labels y ∈ {−1, +1}."""
    ys = _pairs(scores, labels, "hinge")
    _check_labels(ys, (-1, 1), "hinge", " (for 0/1 labels use 2*y - 1)")
    return _mean(
        [(1 + -y * _scalar(s, i, "hinge")).relu() for i, (s, y) in enumerate(zip(scores, ys))]
    )


def binary_cross_entropy(probabilities: Sequence[Output], labels: Sequence[int]) -> Value:
    """−(1/N)·Σ [y log p + (1 − y) log(1 − p)] for p in (0, 1), labels y ∈ {0, 1}.

    Saturated probabilities (p = 0 or 1 in floating point) have no logarithm: use
    `binary_cross_entropy_with_logits` on the score before the logistic instead.
    """
    ys = _pairs(probabilities, labels, "binary_cross_entropy")
    _check_labels(ys, (0, 1), "binary_cross_entropy", "")
    terms = []
    for i, (o, y) in enumerate(zip(probabilities, ys)):
        p = _scalar(o, i, "binary_cross_entropy")
        pv = _number(p)
        if not 0.0 < pv < 1.0:
            raise ValueError(
                f"binary_cross_entropy: probability {i} is {pv!r}, outside (0, 1); "
                "use binary_cross_entropy_with_logits on the scores instead"
            )
        terms.append(-(p.log() if y == 1 else (1 - p).log()))
    return _mean(terms)


def binary_cross_entropy_with_logits(logits: Sequence[Output], labels: Sequence[int]) -> Value:
    """BCE of σ(z), computed stably: −[y log σ(z) + (1−y) log(1−σ(z))] = softplus(z) − y·z.

    softplus(z) = max(z, 0) + log(1 + exp(−|z|)) never overflows, and its derivative σ(z) − y
    is the familiar error signal of logistic regression (NNDL §3.2).
    """
    ys = _pairs(logits, labels, "binary_cross_entropy_with_logits")
    _check_labels(ys, (0, 1), "binary_cross_entropy_with_logits", "")
    terms = []
    for i, (o, y) in enumerate(zip(logits, ys)):
        z = _scalar(o, i, "binary_cross_entropy_with_logits")
        z = z if isinstance(z, Value) else Value(z)
        terms.append(z.softplus() - z * y if y else z.softplus())
    return _mean(terms)


def softmax_cross_entropy(
    logits: Sequence[Sequence[Value | float]], labels: Sequence[int]
) -> Value:
    """−(1/N)·Σ log softmax(z)_y, with log Σₖ exp(zₖ) = m + log Σₖ exp(zₖ − m), m = maxₖ zₖ.

    Shifting by the constant m keeps every exp(·) ≤ 1 (no overflow) and changes no gradient,
    because softmax is shift-invariant (NNDL §3.3).
    """
    ys = _pairs(logits, labels, "softmax_cross_entropy")
    terms = []
    for i, (zs, y) in enumerate(zip(logits, ys)):
        if isinstance(y, bool) or not isinstance(y, (int, np.integer)) or not 0 <= y < len(zs):
            raise ValueError(
                f"softmax_cross_entropy: label {i} is {y!r}, "
                f"expected a class index 0..{len(zs) - 1}"
            )
        values = [z if isinstance(z, Value) else Value(z) for z in zs]
        m = max(z.data for z in values)
        exps = [(z - m).exp() for z in values]
        lse = sum(exps[1:], exps[0]).log() + m
        terms.append(lse - values[y])
    return _mean(terms)


def accuracy(outputs: Sequence[Output], labels: Sequence[int], threshold: float = 0.0) -> float:
    """The fraction classified right: a scalar output counts as class "positive" when it is
    above `threshold` (0 for scores, 0.5 for probabilities) and a label is positive when > 0
    (so ±1 and 0/1 labels both work); a list of class scores predicts its arg-max."""
    ys = _pairs(outputs, labels, "accuracy")
    right = 0
    for i, (o, y) in enumerate(zip(outputs, ys)):
        if isinstance(o, (list, tuple)) and len(o) > 1:
            scores = [_number(s) for s in o]
            right += scores.index(max(scores)) == y
        else:
            right += (_number(_scalar(o, i, "accuracy")) > threshold) == (y > 0)
    return right / len(ys)


def check_training_loss(total: object, params: Sequence[Value], where: str) -> Value:
    """`total` if a training step can descend it: a Value built from the parameters. A number
    has no gradient, and a Value made from a number (`Value(mse(...).data)`) has a gradient of
    0 for every parameter: training on either would fail at `backward` or, silently, change
    nothing. Raises TypeError or ValueError saying so, `where` in front."""
    if not isinstance(total, Value):
        raise TypeError(
            f"{where}: the loss function returned {type(total).__name__} {total!r}, not a "
            "Value: build it from the outputs with Value operations (return the Value, not "
            "its .data or a float), so that backward() can reach the parameters"
        )
    wanted = set(map(id, params))
    if not any(id(node) in wanted for node in topological_order(total)):
        raise ValueError(
            f"{where}: the loss {total!r} does not depend on any parameter of the model (made "
            "from a number, e.g. Value(mse(...).data), or under no_grad()): every gradient "
            "would be 0 and training would change nothing; return the loss Value itself"
        )
    return total


LOSSES: dict[str, Callable[..., Value]] = {
    "mse": mse,
    "hinge": hinge,
    "binary_cross_entropy": binary_cross_entropy,
    "binary_cross_entropy_with_logits": binary_cross_entropy_with_logits,
    "softmax_cross_entropy": softmax_cross_entropy,
}


def get_loss(name_or_fn: str | Callable[..., Value]) -> Callable[..., Value]:
    """A loss by name (see LOSSES) or a callable (outputs, targets) -> Value as given."""
    if callable(name_or_fn):
        return name_or_fn
    if name_or_fn not in LOSSES:
        raise ValueError(f"unknown loss {name_or_fn!r}; choose one of {', '.join(LOSSES)}")
    return LOSSES[name_or_fn]


__all__ = [
    "LOSSES",
    "accuracy",
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "get_loss",
    "hinge",
    "mse",
    "softmax_cross_entropy",
]
