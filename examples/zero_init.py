"""Zero initialisation (the practice course, §4.4): hidden units that start equal stay equal.

If every weight and bias starts at 0, every hidden unit computes the same output and receives
the same gradient (the same error term times the same inputs), so every update keeps them equal:
however long it trains, the hidden layer acts as ONE unit copied six times. A 4-6-3 network
with logistic hidden units is trained on Iris twice, from zeros and from Xavier's random
weights (the same data, SGD lr 0.5 on mini-batches of 16). The picture shows each hidden
unit's weights after training, one row per unit, and the test accuracy of both runs. (Iris
is nearly one-dimensional along the petal measurements, so here one unit still classifies it
well: what zero initialisation costs is the other five units, not necessarily the accuracy.)

    python examples/zero_init.py [--out DIR] [--quick]
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
from common import parse_args, save_figure

from micrograd_nndl import MLP, SGD, fit, load_iris

FEATURES = ["sepal len", "sepal wid", "petal len", "petal wid", "bias"]


def hidden_weights(model: MLP) -> np.ndarray:
    """One row per hidden unit: its weights w₁..w₄ and its bias b."""
    return np.array([[w.data for w in n.w] + [n.b.data] for n in model.layers[0].neurons])


def test_accuracy(model: MLP, X: np.ndarray, y: np.ndarray) -> float:
    predicted = [int(np.argmax([z.data for z in model.forward(row)])) for row in X.tolist()]
    return float(np.mean(np.array(predicted) == y))


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(__doc__, argv)
    data = load_iris(seed=0)
    epochs = 40 if args.quick else 150
    runs = {}
    for name in ("zero", "random"):
        model = MLP(4, [6, 3], activation="sigmoid", init="xavier_uniform", seed=0)
        if name == "zero":
            for p in model.parameters():
                p.data = 0.0
        accuracies = []
        opt = SGD(model.parameters(), lr=0.5)
        for _ in range(epochs // 10):  # eager: every unit's sums in the same order
            fit(
                model,
                data.X_train,
                data.y_train,
                "softmax_cross_entropy",
                opt,
                10,
                16,
                progress=False,
                seed=len(accuracies),
            )
            accuracies.append(test_accuracy(model, data.X_test, data.y_test))
        W = hidden_weights(model)
        distinct = len({tuple(row) for row in W.tolist()})
        print(
            f"{name} init: {distinct} distinct hidden units of 6 after {epochs} epochs, "
            f"test accuracy {accuracies[-1]:.1%}"
        )
        runs[name] = (W, accuracies)
    print("(one unit still separates Iris: zero init costs the other five units, not accuracy)")

    fig, axes = plt.subplots(1, 3, figsize=(9.4, 4.4), width_ratios=(1, 1, 0.85))
    limit = max(np.abs(W).max() for W, _ in runs.values())
    for ax, (name, (W, _)) in zip(axes, runs.items()):
        ax.imshow(W, cmap="RdBu_r", vmin=-limit, vmax=limit)
        for (i, j), w in np.ndenumerate(W):
            colour = "white" if abs(w) > 0.6 * limit else "black"  # readable on dark cells
            ax.text(j, i, f"{w:.1f}", ha="center", va="center", fontsize=10, color=colour)
        ax.set_xticks(range(5), FEATURES, rotation=40, ha="right")
        ax.set_yticks(range(6), [f"unit {i + 1}" for i in range(6)])
        ax.set_title(f"{name} init: hidden weights")
    steps = range(10, epochs + 1, 10)
    for name, (_, accuracies) in runs.items():
        axes[2].plot(steps, accuracies, "o-", ms=4, label=f"{name} init")
    axes[2].set(xlabel="epoch", ylabel="test accuracy", ylim=(0, 1.05), title="Iris test set")
    axes[2].grid(alpha=0.3)
    axes[2].legend(loc="lower right")
    fig.suptitle("Zero initialisation: the six hidden units stay one")
    fig.tight_layout()
    save_figure(fig, args.out, "zero_init.png")
    return 0


if __name__ == "__main__":
    sys.exit(main())
