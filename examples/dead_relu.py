"""Dead ReLUs (the practice course, §4.4): too large a learning rate kills hidden units for good.

A ReLU unit whose net input z = w·x + b is ≤ 0 on every sample outputs 0 and has gradient 0
on every sample: no update ever reaches its w and b again, so it stays dead. One big step can
push a unit there. On Iris (standardised, 120 training flowers), a 4-32-3 network with ReLU
hidden units (He init) is trained with SGD on mini-batches of 16 at learning rates from 0.1 to
4, from several seeds; afterwards the share of hidden units never active on the training set
is counted. The picture draws that share against the learning rate.

    python examples/dead_relu.py [--out DIR] [--quick]
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
from common import parse_args, save_figure

from micrograd_nndl import MLP, SGD, fit, load_iris

HIDDEN = 32


def dead_units(model: MLP, X: np.ndarray) -> np.ndarray:
    """Which first-layer units are dead on X: z = w·x + b ≤ 0 for every row, so ReLU(z) = 0."""
    layer = model.layers[0]
    W = np.array([[w.data for w in n.w] for n in layer.neurons])
    b = np.array([n.b.data for n in layer.neurons])
    return (X @ W.T + b).max(axis=0) <= 0.0


def train(X: np.ndarray, y: np.ndarray, lr: float, seed: int, epochs: int) -> MLP:
    """MLP(4, [32, 3]) trained with SGD at `lr` on mini-batches of 16."""
    model = MLP(X.shape[1], [HIDDEN, 3], init="he_uniform", seed=seed)
    opt = SGD(model.parameters(), lr=lr)
    fit(model, X, y, "softmax_cross_entropy", opt, epochs, 16, progress=False, compiled=True)
    return model


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(__doc__, argv)
    data = load_iris(seed=0)
    rates = [0.1, 1.0, 4.0] if args.quick else [0.1, 0.3, 1.0, 1.5, 2.0, 3.0, 4.0]
    seeds = range(2 if args.quick else 4)
    epochs = 20 if args.quick else 30
    shares = np.array(
        [[dead_units(train(data.X_train, data.y_train, lr, s, epochs), data.X_train).mean()
          for s in seeds] for lr in rates]
    )  # fmt: skip
    print(f"MLP(4, [{HIDDEN}, 3]), {epochs} epochs; dead share of the hidden units per seed")
    for lr, row in zip(rates, shares):
        print(f"lr {lr:4.1f}: mean {row.mean():.3f}  (" + ", ".join(f"{s:.3f}" for s in row) + ")")

    fig, ax = plt.subplots(figsize=(7, 4.2))
    for j in range(shares.shape[1]):
        ax.plot(
            rates, shares[:, j], "o", color="#999999", ms=5, label="one seed" if j == 0 else None
        )
    ax.plot(rates, shares.mean(axis=1), "o-", color="#c0392b", lw=2, label="mean over seeds")
    ax.set_xscale("log")
    ax.set_xticks(rates, [f"{r:g}" for r in rates])
    ax.set(
        xlabel="learning rate (log scale)",
        ylabel="share of hidden units dead",
        ylim=(-0.02, max(0.5, shares.max() + 0.05)),
        title=f"Dead ReLUs: {HIDDEN} hidden units on Iris, SGD, batches of 16",
    )
    ax.grid(alpha=0.3)
    ax.legend(loc="upper left")
    fig.tight_layout()
    save_figure(fig, args.out, "dead_relu.png")
    return 0


if __name__ == "__main__":
    sys.exit(main())
