"""Iris classified by a feed-forward network, as the practice course does (案例与实践 §4.5).

Fisher's 150 flowers (4 measurements, 3 species) split 120 to train and 30 to test, 10 of each
species held out, each feature standardised on the training set (`load_iris`). A 4-6-3
network, logistic hidden units and a softmax output, trained full batch with softmax
cross-entropy and gradient descent (lr 1). Every few epochs it prints the loss and the
accuracy on both sets; then the accuracy per species and the test set's confusion matrix
(row: the true species, column: the predicted one), which the picture draws.

    python examples/iris_fnn.py [--out DIR] [--quick]
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
from common import parse_args, save_figure

from micrograd_nndl import MLP, SGD, fit, load_iris


def predict(model: MLP, X: np.ndarray) -> np.ndarray:
    """The predicted class of each row: the arg-max of the network's scores."""
    return np.array([int(np.argmax([z.data for z in model.forward(row)])) for row in X.tolist()])


def confusion(y_true: np.ndarray, y_pred: np.ndarray, k: int) -> np.ndarray:
    """C[i, j] = how many samples of class i were predicted as class j."""
    matrix = np.zeros((k, k), dtype=int)
    np.add.at(matrix, (y_true, y_pred), 1)
    return matrix


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(__doc__, argv)
    data = load_iris(test_size=0.2, seed=0)
    k = len(data.classes)
    model = MLP(4, [6, k], activation="sigmoid", init="xavier_uniform", seed=0)
    opt = SGD(model.parameters(), lr=1.0)
    every, checkpoints = (10, 10) if args.quick else (20, 10)
    rows = []  # (epoch, loss, train accuracy, test accuracy)
    print("epoch   loss   train acc  test acc")
    for c in range(1, checkpoints + 1):
        history = fit(
            model, data.X_train, data.y_train, "softmax_cross_entropy", opt, every,
            progress=False, compiled=True,
        )  # fmt: skip
        train_acc = float(np.mean(predict(model, data.X_train) == data.y_train))
        test_acc = float(np.mean(predict(model, data.X_test) == data.y_test))
        rows.append((c * every, history.loss[-1], train_acc, test_acc))
        print(f"{c * every:5d}  {history.loss[-1]:.4f}    {train_acc:6.1%}    {test_acc:6.1%}")

    train_pred, test_pred = predict(model, data.X_train), predict(model, data.X_test)
    print("\nspecies       train          test")
    for i, name in enumerate(data.classes):
        tr, te = data.y_train == i, data.y_test == i
        print(
            f"{name:<12}  {np.sum(train_pred[tr] == i):2d}/{tr.sum():2d}        "
            f"{np.sum(test_pred[te] == i):2d}/{te.sum():2d}"
        )
    right = int(np.sum(test_pred == data.y_test))
    print(f"test accuracy {right / len(data.y_test):.1%} ({right} of {len(data.y_test)})")
    matrix = confusion(data.y_test, test_pred, k)
    print("\nconfusion matrix of the test set (row: true, column: predicted)")
    for name, row in zip(data.classes, matrix):
        print(f"{name:<12}  " + "  ".join(f"{n:2d}" for n in row))

    fig, (curves, cm) = plt.subplots(1, 2, figsize=(9.5, 4.2), width_ratios=(1.25, 1))
    epochs = [r[0] for r in rows]
    curves.plot(epochs, [r[2] for r in rows], "o-", color="#2e63b8", label="train accuracy")
    curves.plot(epochs, [r[3] for r in rows], "s-", color="#c0392b", label="test accuracy")
    curves.plot(epochs, [r[1] for r in rows], "^--", color="#555555", label="training loss")
    curves.set(xlabel="epoch", ylim=(0, 1.05), title=f"{model}, SGD lr 1")
    curves.grid(alpha=0.3)
    curves.legend(loc="center right")
    cm.imshow(matrix, cmap="Blues", vmin=0, vmax=matrix.sum(axis=1).max())
    for (i, j), n in np.ndenumerate(matrix):
        colour = "white" if n > matrix.max() / 2 else "black"
        cm.text(j, i, str(n), ha="center", va="center", fontsize=14, color=colour)
    cm.set_xticks(range(k), data.classes)
    cm.set_yticks(range(k), data.classes, rotation=90, va="center")
    cm.set(xlabel="predicted species", ylabel="true species")
    cm.set_title(f"test set: {right} of {len(data.y_test)} right")
    fig.suptitle("Iris by a feed-forward network (the practice course, §4.5)")
    fig.tight_layout()
    save_figure(fig, args.out, "iris_fnn.png")
    return 0


if __name__ == "__main__":
    sys.exit(main())
