"""Handwritten digits by a 64-32-10 network, and the digits it gets wrong, shown as images.

scikit-learn's 1,797 digits of 8×8 grey levels, a fifth of each digit held out, each pixel
standardised on the training set (`load_digits`). ReLU hidden units, a softmax output, Adam on
mini-batches of 64, compiled (`fit(..., compiled=True)`: one traced program replayed on each
batch). It prints the accuracy on both sets and on each digit; the picture shows the test
digits the network misclassified, each with its true and predicted label.

    python examples/digits_fnn.py [--out DIR] [--quick]
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
from common import parse_args, save_figure

from micrograd_nndl import MLP, Adam, compile, fit, load_digits

SHOWN = 24  # misclassified digits drawn at most


def predict(model: MLP, X: np.ndarray) -> np.ndarray:
    """The arg-max of the network's ten scores for each row, all rows at once (`compile`)."""
    scores = compile(lambda *pixels: model.forward(list(pixels)))(*X.T)
    return np.argmax(np.column_stack(scores), axis=1)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(__doc__, argv)
    data = load_digits(test_size=0.2, seed=0)
    model = MLP(64, [32, 10], init="he_uniform", seed=0)
    epochs = 4 if args.quick else 15
    adam = Adam(model.parameters(), lr=0.01)
    history = fit(
        model, data.X_train, data.y_train, "softmax_cross_entropy", adam, epochs,
        batch_size=64, progress=False, compiled=True,
    )  # fmt: skip
    print(f"{model}, {epochs} epochs: loss {history.loss[0]:.3f} → {history.loss[-1]:.4f}")
    train_pred, test_pred = predict(model, data.X_train), predict(model, data.X_test)
    train_acc = float(np.mean(train_pred == data.y_train))
    wrong = np.flatnonzero(test_pred != data.y_test)
    n = len(data.y_test)
    print(f"train accuracy {train_acc:.1%}, test accuracy {1 - len(wrong) / n:.1%}")
    print(f"misclassified: {len(wrong)} of {n} test digits")
    print("digit  test right")
    for d in range(10):
        mine = data.y_test == d
        print(f"{d:5d}  {np.sum(test_pred[mine] == d):3d}/{mine.sum()}")

    shown = wrong[:SHOWN]
    cols = 8
    rows = max(1, -(-len(shown) // cols))
    fig, axes = plt.subplots(rows, cols, figsize=(9, 1.75 * rows + 0.6), squeeze=False)
    images = data.X_test * data.std + data.mean  # the grey levels 0..16 back
    for ax in axes.ravel()[len(shown) :]:
        ax.axis("off")
    for ax, i in zip(axes.ravel(), shown):
        ax.imshow(images[i].reshape(8, 8), cmap="gray_r", vmin=0, vmax=16)
        ax.set(xticks=[], yticks=[])  # the frame stays: a blank pixel is white on white
        ax.set_title(f"true {data.y_test[i]}\nsaid {test_pred[i]}", fontsize=10)
    more = f" (the first {len(shown)})" if len(wrong) > len(shown) else ""
    fig.suptitle(
        f"The {len(wrong)} of {n} test digits that {model} misclassified{more}", fontsize=11
    )
    fig.tight_layout()
    save_figure(fig, args.out, "digits_misclassified.png")
    return 0


if __name__ == "__main__":
    sys.exit(main())
