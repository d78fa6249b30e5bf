"""Train the micrograd demo's two-moons classifier to 100% and plot its decision boundary.

MLP(2, [16, 16, 1]) (ReLU hidden, linear output), mean hinge loss + 1e-4·Σθ², full-batch SGD
with the learning rate decayed linearly from 1.0 to 0.1 over 100 steps, as in micrograd's demo
notebook, compiled (`fit(..., compiled=True)`: one traced program per step on the whole batch,
the same history as eager `fit`). Writes OUT/moons_boundary.png, drawn as `classifier.py` draws
decision regions.

    python examples/train_moons.py [--out DIR] [--quick]
"""

from __future__ import annotations

import sys
import time
from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
from classifier import draw_regions
from common import parse_args, save_figure

from micrograd_nndl import MLP, SGD, accuracy, compile, fit, linear_decay, make_moons


def train(epochs: int) -> tuple[MLP, np.ndarray, np.ndarray, float]:
    """The demo's model trained for `epochs` full-batch steps; returns model, X, y and the
    trained model's training accuracy."""
    X, y = make_moons(100, noise=0.1, seed=1)
    model = MLP(2, [16, 16, 1], seed=0)
    opt = SGD(model.parameters(), lr=1.0, schedule=linear_decay(1.0, 0.1, epochs))
    # compiled: each step is one traced program run on the whole batch (the same history)
    fit(model, X, 2 * y - 1, loss="hinge", optimizer=opt, epochs=epochs, l2=1e-4, compiled=True)
    scores = compile(lambda x1, x2: model([x1, x2]))(X[:, 0], X[:, 1])
    final = accuracy(scores.tolist(), (2 * y - 1).tolist())
    return model, X, y, final


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(__doc__, argv)
    start = time.perf_counter()
    model, X, y, final = train(epochs=100)
    seconds = time.perf_counter() - start
    print(f"trained 100 steps (compiled) in {seconds * 1000:.0f} ms: training accuracy {final:.0%}")
    fig, ax = plt.subplots(figsize=(6, 5))
    draw_regions(ax, model, X, y, grid=40 if args.quick else 120)
    ax.set_title(f"Two moons: {model} after 100 SGD steps\ntraining accuracy {final:.0%}")
    save_figure(fig, args.out, "moons_boundary.png")
    return 0


if __name__ == "__main__":
    sys.exit(main())
