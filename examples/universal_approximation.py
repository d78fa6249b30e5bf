"""Universal approximation (NNDL §4.3.1): one hidden layer of M logistic units,
F(x) = Σₘ vₘ·σ(wₘx + bₘ) + c, fits a continuous target better and better as M grows.

The theorem says that weights reaching any error ε > 0 exist; it does not say how to find
them, and gradient descent from random weights often stalls on this non-convex loss (§4.6.1).
So each network starts where the proof's idea puts it, on a staircase: unit m is a soft step
σ(s·(x − cₘ)) at its own place cₘ, of height vₘ = the target's rise there. Then Adam, with
gradients from backward(), refines every weight. Target: f(x) = sin(2x) on [−π, π].

    python examples/universal_approximation.py [--out DIR] [--quick]
"""

from __future__ import annotations

import math
import sys
from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
from common import parse_args, save_figure

from micrograd_nndl import MLP, Adam, compile, fit, linear_decay

LOW, HIGH = -math.pi, math.pi
WIDTHS = (1, 2, 4, 8, 16)
STEEPNESS = 4.0  # s·(cell width): each soft step rises over about one cell


def target(x: np.ndarray) -> np.ndarray:
    """The function to approximate, f(x) = sin(2x)."""
    return np.sin(2 * x)


def staircase(width: int) -> MLP:
    """MLP(1, [M, 1]) with logistic hidden units, set to the proof's staircase: the target's
    values at the midpoints of M + 1 equal cells of [LOW, HIGH], joined by M soft steps."""
    model = MLP(1, [width, 1], activation="sigmoid")
    cell = (HIGH - LOW) / (width + 1)
    levels = target(LOW + (np.arange(width + 1) + 0.5) * cell)
    s = STEEPNESS / cell
    output = model.layers[1].neurons[0]
    for m, unit in enumerate(model.layers[0].neurons):
        unit.w[0].data, unit.b.data = s, -s * (LOW + (m + 1) * cell)  # a step at the cells' edge
        output.w[m].data = float(levels[m + 1] - levels[m])
    output.b.data = float(levels[0])
    return model


def predict(model: MLP, xs: np.ndarray) -> np.ndarray:
    """F(x) at every x at once: the model's graph traced once, replayed on the array."""
    return compile(lambda x: model([x]))(xs)


def sup_error(model: MLP, xs: np.ndarray) -> float:
    """max |F(x) − f(x)| over xs: the theorem's measure of closeness."""
    return float(np.max(np.abs(predict(model, xs) - target(xs))))


def plot(xs: np.ndarray, fits: dict, errors: dict, steps: int, out: str) -> str:
    fig, (left, right) = plt.subplots(1, 2, figsize=(13, 5), gridspec_kw={"width_ratios": [3, 2]})
    left.plot(xs, target(xs), color="black", lw=4, alpha=0.3, label="target sin(2x)")
    colors = plt.cm.viridis(np.linspace(0.0, 0.9, len(fits)))
    for color, (width, ys) in zip(colors, fits.items()):
        left.plot(xs, ys, color=color, label=f"M = {width}")
    left.set(xlabel="x", ylabel="F(x)", title=f"Fits after {steps} Adam steps")
    left.legend(loc="upper center", bbox_to_anchor=(0.5, -0.13), ncol=6, fontsize=9)
    widths = list(errors)
    right.loglog(widths, [start for start, _ in errors.values()], "s--", label="start: staircase")
    right.loglog(widths, [end for _, end in errors.values()], "o-", label=f"after {steps} steps")
    right.set(
        xlabel="hidden units M",
        ylabel="max |F(x) − f(x)| on [−π, π]",
        title="Error vs width",
        xticks=widths,
        xticklabels=[str(w) for w in widths],
    )
    right.legend()
    for ax in (left, right):
        ax.grid(alpha=0.3, which="both")
    fig.suptitle("NNDL §4.3.1: one hidden layer of logistic units approximates sin(2x)")
    fig.tight_layout()
    return save_figure(fig, out, "universal_approximation.png")


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(__doc__, argv)
    steps, samples = (100, 20) if args.quick else (1000, 40)
    X = np.linspace(LOW, HIGH, samples).reshape(-1, 1)
    xs = np.linspace(LOW, HIGH, 400)
    fits, errors = {}, {}
    for width in WIDTHS:
        model = staircase(width)
        start = sup_error(model, xs)
        adam = Adam(model.parameters(), lr=0.05, schedule=linear_decay(0.05, 0.005, steps))
        fit(
            model,
            X,
            target(X[:, 0]),
            "mse",
            adam,
            steps,
            track_accuracy=False,
            progress=False,
            compiled=True,
        )  # each step one traced program on the whole batch
        fits[width], errors[width] = predict(model, xs), (start, sup_error(model, xs))
        print(
            f"M = {width:2}: max error {start:.3f} as a staircase, {errors[width][1]:.4f} trained"
        )
    plot(xs, fits, errors, steps, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
