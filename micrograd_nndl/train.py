"""`fit`: the training loop of NNDL §4.4 (forward, loss, backward, update), with a progress bar.

Each step: outputs = model(x) for the batch, loss = loss_fn(outputs, y) (+ l2·Σθ² if asked),
zero the gradients, backward, optimizer.step(). Ctrl-C stops training cleanly: the model keeps
the parameters of the last finished step, and `fit` returns the history so far.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TextIO

import numpy as np

from .data import batches
from .engine import Value
from .losses import accuracy, binary_cross_entropy, get_loss
from .nn import Module
from .optim import SGD, Optimizer


@dataclass
class History:
    """Per epoch: the mean training loss and accuracy (None when not tracked), both of the
    outputs the epoch's steps were computed from; and whether training was interrupted."""

    loss: list[float] = field(default_factory=list)
    accuracy: list[float | None] = field(default_factory=list)
    interrupted: bool = False


class ProgressBar:
    """A one-line bar on a terminal: `epoch 12/100 [####......] loss 0.1234 acc 0.950`.

    Drawn only when `enabled` and the stream is a terminal, so logs and notebooks stay clean.
    """

    def __init__(self, total: int, enabled: bool | None = None, stream: TextIO | None = None):
        self.total = total
        self.stream = sys.stderr if stream is None else stream
        is_tty = getattr(self.stream, "isatty", lambda: False)()
        self.enabled = is_tty if enabled is None else bool(enabled)

    def update(self, done: int, text: str = "", width: int = 24) -> None:
        """Redraw the bar for `done` of `total` with `text` after it."""
        if not self.enabled:
            return
        filled = width * done // max(self.total, 1)
        bar = "#" * filled + "." * (width - filled)
        self.stream.write(f"\repoch {done}/{self.total} [{bar}] {text}")
        self.stream.flush()

    def close(self) -> None:
        """End the bar's line."""
        if self.enabled:
            self.stream.write("\n")
            self.stream.flush()


def _l2(params: list[Value]) -> Value:
    squares = [p * p for p in params]
    return sum(squares[1:], squares[0])


def fit(
    model: Module,
    X: np.ndarray,
    y: np.ndarray,
    loss: str | Callable[..., Value] = "hinge",
    optimizer: Optimizer | None = None,
    epochs: int = 100,
    batch_size: int | None = None,
    l2: float = 0.0,
    track_accuracy: bool = True,
    progress: bool | None = None,
    seed: int = 0,
) -> History:
    """Train `model` on (X, y) for `epochs` passes; return the History of loss and accuracy.

    loss: a name of `losses.LOSSES` or a function (outputs, targets) -> Value. optimizer:
    default SGD(lr=0.1). batch_size None is full batch. l2 adds l2·Σθ² (micrograd's 1e-4
    regulariser). progress: None shows the bar only on a terminal, False never.
    Accuracy counts a scalar output as positive above 0 (above 0.5 for binary_cross_entropy).
    """
    loss_fn = get_loss(loss)
    params = model.parameters()
    opt = SGD(params, lr=0.1) if optimizer is None else optimizer
    X, y = np.asarray(X, dtype=float), np.asarray(y)
    if X.ndim != 2 or len(X) != len(y):
        raise ValueError(f"fit: X must be (n, d) and y (n,), got shapes {X.shape} and {y.shape}")
    if isinstance(epochs, bool) or not isinstance(epochs, int) or epochs < 1:
        raise ValueError(f"fit: epochs must be a positive integer, got {epochs!r}")
    threshold = 0.5 if loss_fn is binary_cross_entropy else 0.0
    history = History()
    bar = ProgressBar(epochs, progress)
    try:
        for epoch in range(epochs):
            losses, outputs, targets = [], [], []
            for Xb, yb in batches(
                X, y, batch_size, shuffle=batch_size is not None, seed=seed + epoch
            ):
                out = [model(row) for row in Xb.tolist()]
                total = loss_fn(out, yb)
                if l2:
                    total = total + l2 * _l2(params)
                opt.zero_grad()
                total.backward()
                _step_or_undo(opt)
                losses.append(total.data * len(yb))
                outputs += out
                targets += yb.tolist()
            history.loss.append(sum(losses) / len(y))
            acc = accuracy(outputs, targets, threshold) if track_accuracy else None
            history.accuracy.append(acc)
            bar.update(
                epoch + 1,
                f"loss {history.loss[-1]:.4f}" + (f" acc {acc:.3f}" if acc is not None else ""),
            )
    except KeyboardInterrupt:
        history.interrupted = True
        bar.close()
        print(
            f"fit: interrupted after {len(history.loss)} epochs; "
            "the model keeps the parameters of the last finished step",
            file=sys.stderr,
        )
        return history
    bar.close()
    return history


def _step_or_undo(opt: Optimizer) -> None:
    """optimizer.step(), or, if interrupted half-way, every parameter as it was before it."""
    before = [p.data for p in opt.params]
    try:
        opt.step()
    except KeyboardInterrupt:
        for p, x in zip(opt.params, before):
            p.data = x
        raise
