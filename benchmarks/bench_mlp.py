"""The micrograd demo's training step through `MLP`, against micrograd 0.1.0's own MLP.

Two moons (n = 100), MLP(2, [16, 16, 1]) with ReLU hidden and linear output, mean hinge loss
max(0, 1 − y·score) + 1e-4·Σθ², SGD with lr 0.1: forward, backward and update. Both models
start from micrograd's initial weights, so the first step's losses must agree; that is checked
before anything is timed.
"""

from __future__ import annotations

import random

from micrograd.engine import Value as RefValue
from micrograd.nn import MLP as RefMLP

from micrograd_nndl import MLP, SGD, hinge, make_moons

from .common import Row, best_times

ALPHA, LR = 1e-4, 0.1


def our_step(model: MLP, opt: SGD, X: list[list[float]], y: list[int]) -> float:
    """One full-batch step through the public API (what `fit` does per batch)."""
    params = opt.params
    scores = [model(row) for row in X]
    squares = [p * p for p in params]
    total = hinge(scores, y) + ALPHA * sum(squares[1:], squares[0])
    opt.zero_grad()
    total.backward()
    opt.step()
    return total.data


def reference_step(model: RefMLP, X: list[list[float]], y: list[int]) -> float:
    """The micrograd demo notebook's step, verbatim in substance."""
    scores = [model(list(map(RefValue, row))) for row in X]
    losses = [(1 + -yi * si).relu() for yi, si in zip(y, scores)]
    total = sum(losses) * (1.0 / len(losses)) + ALPHA * sum(p * p for p in model.parameters())
    model.zero_grad()
    total.backward()
    for p in model.parameters():
        p.data -= LR * p.grad
    return total.data


def twin_models() -> tuple[MLP, RefMLP]:
    """micrograd's MLP with its random U(−1, 1) weights, and ours holding the same numbers."""
    random.seed(1337)
    ref = RefMLP(2, [16, 16, 1])
    ours = MLP(2, [16, 16, 1], seed=0)
    for p, q in zip(ours.parameters(), ref.parameters(), strict=True):
        p.data = float(q.data)
    return ours, ref


def run() -> list[Row]:
    X, y01 = make_moons(100, noise=0.1, seed=1)
    X, y = X.tolist(), (2 * y01 - 1).tolist()
    ours, ref = twin_models()
    opt = SGD(ours.parameters(), lr=LR)
    mine, theirs = our_step(ours, opt, X, y), reference_step(ref, X, y)
    if abs(mine - theirs) > 1e-12 * abs(theirs):
        raise AssertionError(f"MLP step: losses differ, ours {mine!r} vs micrograd {theirs!r}")
    ours_time, ref_time = best_times(
        [lambda: our_step(ours, opt, X, y), lambda: reference_step(ref, X, y)], repeat=4
    )
    return [
        Row(
            "MLP step: moons n=100, MLP(2,[16,16,1])",
            ours_time,
            ref_time,
            target="≥ 70×",
            note=(
                f"{ref_time / ours_time:.0f}× faster than micrograd; same first-step loss "
                f"{mine:.12g} from the same weights; one fused Σw·x+b node per neuron"
            ),
        )
    ]


if __name__ == "__main__":
    for row in run():
        print(
            f"{row.name}: ours {row.ours:.4f} s, micrograd {row.reference:.4f} s, {row.ratio:.1f}×"
        )
        print(row.note)
