"""A classifier trained end to end (NNDL §4.3, §4.4): two moons (2 classes), spirals (3).

An MLP with two hidden ReLU layers of 16 units ends in one score z for two classes, trained
with the cross-entropy of σ(z), or in one score per class, trained with the softmax
cross-entropy (§3.3). Each step: forward on a mini-batch, loss, backward(), an Adam update,
compiled (`fit(..., compiled=True)`: the graph of one sample traced once and replayed on each
mini-batch as matrix products, with the same history as eager `fit`).
The picture shows the decision regions the network learned and its loss falling, epoch by epoch.

    python examples/classifier.py [--out DIR] [--quick]
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
from common import parse_args, save_figure

from micrograd_nndl import (
    MLP,
    Adam,
    History,
    compile,
    fit,
    linear_decay,
    make_moons,
    make_spirals,
)

COLORS = ["#c0392b", "#2e63b8", "#27ae60"]  # one per class
REGIONS = ["#f4b6b6", "#b6cdf4", "#b8e6c8"]  # the same, light, for the decision regions
BATCH = 16


def train(X: np.ndarray, y: np.ndarray, classes: int, epochs: int) -> tuple[MLP, History]:
    """MLP(2, [16, 16, k]) trained with Adam on mini-batches of 16,
    the learning rate decayed linearly from 0.02 to 0.002; k = 1 score for two
    classes (cross-entropy of σ(z)), else one score per class (softmax cross-entropy)."""
    scores = 1 if classes == 2 else classes
    loss = "binary_cross_entropy_with_logits" if classes == 2 else "softmax_cross_entropy"
    model = MLP(2, [16, 16, scores], seed=0)
    steps = epochs * -(-len(y) // BATCH)  # ⌈n / BATCH⌉ updates per epoch
    adam = Adam(model.parameters(), lr=0.02, schedule=linear_decay(0.02, 0.002, steps))
    history = fit(model, X, y, loss, adam, epochs, batch_size=BATCH, progress=False, compiled=True)
    return model, history


def margins(model: MLP, points: np.ndarray) -> np.ndarray:
    """margins[i, c] = score of class c − the best other score at point i: c wins where > 0.

    One score z is the logit of class 1 against class 0, so the scores are (0, z)."""
    scores = compile(lambda x1, x2: model.forward([x1, x2]))(points[:, 0], points[:, 1])
    scores = np.column_stack(scores)  # one column per output
    if scores.shape[1] == 1:
        scores = np.column_stack([np.zeros(len(scores)), scores[:, 0]])
    best_other = [np.delete(scores, c, axis=1).max(axis=1) for c in range(scores.shape[1])]
    return scores - np.column_stack(best_other)


def draw_regions(ax: plt.Axes, model: MLP, X: np.ndarray, y: np.ndarray, grid: int) -> None:
    """The decision regions on a grid around the data, their boundaries, and the samples."""
    x1, x2 = np.meshgrid(
        np.linspace(X[:, 0].min() - 0.3, X[:, 0].max() + 0.3, grid),
        np.linspace(X[:, 1].min() - 0.3, X[:, 1].max() + 0.3, grid),
    )
    m = margins(model, np.column_stack([x1.ravel(), x2.ravel()]))
    for c in range(m.shape[1]):
        margin = m[:, c].reshape(x1.shape)
        ax.contourf(x1, x2, margin, levels=[0, np.inf], colors=REGIONS[c])
        ax.contour(x1, x2, margin, levels=[0], colors="black", linewidths=1)
        ax.scatter(*X[y == c].T, s=18, color=COLORS[c], edgecolors="black", lw=0.5, label=f"{c}")
    ax.set(xlabel="x₁", ylabel="x₂", aspect="equal")
    ax.legend(title="class", loc="lower right", fontsize=8)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(__doc__, argv)
    quick = args.quick
    tasks = {
        "two moons": (make_moons(60 if quick else 200, noise=0.15, seed=1), 20 if quick else 60),
        "three spirals": (
            make_spirals(30 if quick else 80, classes=3, seed=0),
            30 if quick else 80,
        ),
    }
    fig, axes = plt.subplots(1, 3, figsize=(17, 5.5))
    for ax, (name, ((X, y), epochs)) in zip(axes, tasks.items()):
        model, history = train(X, y, int(y.max()) + 1, epochs)
        accuracy = history.accuracy[-1]
        print(
            f"{name}: loss {history.loss[0]:.3f} → {history.loss[-1]:.4f}, accuracy {accuracy:.0%}"
        )
        draw_regions(ax, model, X, y, grid=40 if quick else 120)
        ax.set_title(f"{name}: {model}\ntraining accuracy {accuracy:.0%} after {epochs} epochs")
        axes[2].semilogy(range(1, epochs + 1), history.loss, label=name)
    axes[2].set(xlabel="epoch", ylabel="mean training loss (log scale)", title="Loss curves")
    axes[2].grid(alpha=0.3, which="both")
    axes[2].legend()
    fig.suptitle("NNDL §4.3–4.4: classifiers trained with backward() and Adam")
    fig.tight_layout(rect=(0, 0, 1, 0.97))
    save_figure(fig, args.out, "classifier.png")
    return 0


if __name__ == "__main__":
    sys.exit(main())
