"""Train the micrograd demo's two-moons classifier to 100% and plot its decision boundary.

MLP(2, [16, 16, 1]) (ReLU hidden, linear output), mean hinge loss + 1e-4·Σθ², full-batch SGD
with the learning rate decayed linearly from 1.0 to 0.1 over 100 steps, as in micrograd's demo
notebook. Writes OUT/moons_boundary.png (matplotlib, Agg backend: no display needed).

    python examples/train_moons.py [--out DIR] [--quick]
"""

from __future__ import annotations

import argparse
import os
import sys
import time

import numpy as np

from micrograd_nndl import MLP, SGD, accuracy, fit, linear_decay, make_moons, no_grad


def train(epochs: int) -> tuple[MLP, np.ndarray, np.ndarray, float]:
    """The demo's model trained for `epochs` full-batch steps; returns model, X, y and the
    trained model's training accuracy."""
    X, y = make_moons(100, noise=0.1, seed=1)
    model = MLP(2, [16, 16, 1], seed=0)
    opt = SGD(model.parameters(), lr=1.0, schedule=linear_decay(1.0, 0.1, epochs))
    fit(model, X, 2 * y - 1, loss="hinge", optimizer=opt, epochs=epochs, l2=1e-4)
    with no_grad():
        final = accuracy([model(row) for row in X.tolist()], (2 * y - 1).tolist())
    return model, X, y, final


def decision_scores(model: MLP, xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
    """The model's score at every grid point (no graph is recorded: evaluation only)."""
    with no_grad():
        flat = [
            model(point)[0].data for point in np.column_stack([xs.ravel(), ys.ravel()]).tolist()
        ]
    return np.array(flat).reshape(xs.shape)


def plot(model: MLP, X: np.ndarray, y: np.ndarray, path: str, steps: int, grid: int) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    xs, ys = np.meshgrid(
        np.linspace(X[:, 0].min() - 0.5, X[:, 0].max() + 0.5, grid),
        np.linspace(X[:, 1].min() - 0.5, X[:, 1].max() + 0.5, grid),
    )
    scores = decision_scores(model, xs, ys)
    fig, ax = plt.subplots(figsize=(6, 5))
    ax.contourf(xs, ys, scores > 0, levels=[-0.5, 0.5, 1.5], colors=["#f4b6b6", "#b6cdf4"])
    ax.contour(xs, ys, scores, levels=[0.0], colors="k", linewidths=1)
    ax.scatter(*X[y == 0].T, c="#c0392b", edgecolors="k", label="class −1")
    ax.scatter(*X[y == 1].T, c="#2e63b8", edgecolors="k", label="class +1")
    ax.set_title(f"Two moons: MLP(2, [16, 16, 1]) after {steps} SGD steps")
    ax.set_xlabel("x₁")
    ax.set_ylabel("x₂")
    ax.legend(loc="lower left")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="out", help="directory for the PNG (default: out/)")
    parser.add_argument("--quick", action="store_true", help="a coarser plot grid (for tests)")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    model, X, y, final = train(epochs=100)
    print(f"trained 100 steps in {time.perf_counter() - start:.1f} s: accuracy {final:.0%}")
    os.makedirs(args.out, exist_ok=True)
    path = os.path.join(args.out, "moons_boundary.png")
    plot(model, X, y, path, steps=100, grid=40 if args.quick else 120)
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
