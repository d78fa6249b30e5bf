"""`fit`: the training loop of NNDL §4.4 (forward, loss, backward, update), with a progress bar.

Each step: outputs = model(x) for the batch, loss = loss_fn(outputs, y) (+ l2·Σθ² if asked),
zero the gradients, backward, optimizer.step(). Ctrl-C stops training cleanly: the model keeps
the parameters of the last finished step, and `fit` returns the history so far. A step whose
numbers overflow (training diverged) raises its error with the epoch and step, and likewise
leaves the model as it was after the last finished step.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TextIO

import numpy as np

from .array_training import ArrayTraining, keeps_arrays
from .compiled_loss import compiled_loss
from .data import batches
from .engine import Value
from .errors import MathError, NonFiniteGradientError, NumericOverflowError
from .interrupts import interrupts_held
from .losses import (
    accuracy,
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    check_training_loss,
    get_loss,
    hinge,
    mse,
)
from .nn import Module
from .optim import SGD, Optimizer
from .option_checks import finite_number, whole_number
from .replay import Snapshot, take_snapshot

# output activations whose values lie in (0, 1), read as the probability of class 1
PROBABILITY_OUTPUTS = ("sigmoid", "hard_sigmoid")


@dataclass
class History:
    """What `fit` recorded, one entry per finished epoch.

    Both are measured as the epoch runs, on the outputs its steps compute anyway (no extra
    forward pass): each batch with the parameters as they were before that batch's update.
    With one batch (batch_size=None) that is the model at the epoch's start, so the model
    `fit` returns, one update further on, may score differently from the last entry.
    loss: the mean over the training samples of each batch's loss (the l2 term included).
    accuracy: the fraction of training samples classified right; None in every epoch when not
    tracked (`track_accuracy=False`) or when the targets are not class labels (regression).
    threshold: the output value above which a scalar output counts as class 1 (None when no
    threshold was used). interrupted: True when Ctrl-C stopped training. snapshots: with
    `fit(..., record=True)` (or every k epochs, record=k) the run's `Snapshot`s, for replaying it.
    """

    loss: list[float] = field(default_factory=list)
    accuracy: list[float | None] = field(default_factory=list)
    threshold: float | None = None
    interrupted: bool = False
    snapshots: list[Snapshot] = field(default_factory=list)


class ProgressBar:
    """A one-line bar on a terminal: `epoch 12/100 [####......] loss 0.1234 acc 0.950`.

    Drawn only when `enabled` and the stream is a terminal, so logs and notebooks stay clean.
    """

    def __init__(
        self, total: int, enabled: bool | None = None, stream: TextIO | None = None
    ) -> None:
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
    threshold: float | None = None,
    compiled: bool = False,
    record: bool | int = False,
) -> History:
    """Train `model` on (X, y) for `epochs` passes; return the History of loss and accuracy.

    loss: a name of `losses.LOSSES` or a function (outputs, targets) -> Value. optimizer:
    default SGD(lr=0.1). batch_size None is full batch. l2 adds l2·Σθ² (micrograd's 1e-4
    regulariser). progress: None shows the bar only on a terminal, False never.
    compiled: run each batch as one traced program on numpy arrays (`compile`) instead of a
    graph per sample: the same history (to rounding), many times faster; the loss must be the
    mean of one term per sample, as every built-in loss is.

    Accuracy is tracked for class labels only: 0/1 or ±1 targets for one output, class indices
    for several outputs (the arg-max wins); for other targets (regression) it is None. A scalar
    output counts as class 1 above `threshold`; None chooses it from what the output means:
    0.5 for a probability (binary_cross_entropy, or a sigmoid output layer), the midpoint of
    the two target values for mse (0.5 for 0/1, 0 for ±1), else 0 (scores, logits, hinge).

    Raises ValueError naming the sample and column of a nan or inf in X (or y) before training.
    An overflow or other math error of the engine during training is raised again, with the same
    type and place, naming the epoch and the step; any other exception (the loss's or the
    model's own, e.g. a ZeroDivisionError of a custom loss) is raised as it was, with a note
    (Python 3.11+) naming the epoch and the step. Either way the model keeps the parameters of
    the last finished step. A loss that is not a Value, or does not depend on the parameters
    (`Value(mse(...).data)`), is refused before the first update.
    """
    loss_fn = get_loss(loss)
    l2 = finite_number("fit", "l2", l2, at_least=0.0)
    if threshold is not None:
        threshold = finite_number("fit", "threshold", threshold)
    params = model.parameters()
    opt = SGD(params, lr=0.1) if optimizer is None else optimizer
    X, y = _check_data(X, y)
    epochs = whole_number("fit", "epochs", epochs, at_least=1)
    if batch_size is not None:
        batch_size = whole_number("fit", "batch_size", batch_size, at_least=1)
    seed = whole_number("fit", "seed", seed, at_least=0)  # each epoch shuffles with seed + epoch
    labels = _label_kind(y)
    batch_loss = arrays = None
    if compiled:  # class labels are constants of the trace; other targets a traced input
        classes = np.unique(y).tolist() if labels is not None else None
        batch_loss = compiled_loss(model, loss_fn, params, l2, classes)
        if keeps_arrays(opt):
            arrays = ArrayTraining(batch_loss, opt)
    history = History()
    scoring = None  # how outputs are scored against labels: "argmax", "threshold" or None
    bar = ProgressBar(epochs, progress)
    steps = 0
    try:
        for epoch in range(epochs):
            losses: list[float] = []
            outputs: list[Any] = []  # eager: each sample's; in arrays: each batch's (B, k)
            targets: list[Any] = []
            for Xb, yb in batches(
                X, y, batch_size, shuffle=batch_size is not None, seed=seed + epoch
            ):
                out: Any
                try:
                    if batch_loss is None:
                        out = [model(row) for row in Xb.tolist()]
                        total = loss_fn(out, yb)
                        if steps == 0 or not isinstance(total, Value):  # before the 1st update
                            check_training_loss(total, params, "fit")
                        if l2:
                            total = total + l2 * _l2(params)
                        opt.zero_grad()
                        total.backward()
                        value = total.data
                    elif arrays is None:
                        value, out = batch_loss(Xb, yb)  # sets the parameters' gradients
                    else:  # the parameters and the optimiser's state stay in arrays
                        value, out = arrays.step(Xb, yb)
                    if arrays is None:
                        opt.step()  # all or nothing, also under Ctrl-C
                except MathError as e:  # the engine's numbers: overflow, domain, non-finite
                    bar.close()
                    if arrays is not None:
                        arrays.write_back()  # the last finished step, for the model and `opt`
                    raise _diverged(e, epoch, epochs, steps, opt) from e
                except Exception as e:  # the user's own loss or model, or a check: theirs
                    bar.close()
                    _note(
                        e,
                        f"fit: raised in epoch {epoch + 1}/{epochs}, step {steps + 1}; "
                        "the model keeps the parameters of the last finished step",
                    )
                    raise
                steps += 1
                losses.append(value * len(yb))
                if arrays is None:
                    outputs += out
                    targets += yb.tolist()
                else:
                    outputs.append(out)
                    targets.append(yb)
            history.loss.append(sum(losses) / len(y))
            if epoch == 0 and track_accuracy:
                scoring = _scoring(outputs[0] if arrays is None else outputs[0][0], labels)
                if scoring == "threshold":
                    history.threshold = _threshold(threshold, loss_fn, model, y)
            acc = None
            if arrays is not None and scoring is not None:
                acc = _array_accuracy(outputs, targets, scoring, history.threshold)
            elif scoring == "argmax":
                acc = accuracy(outputs, targets)
            elif scoring == "threshold" and history.threshold is not None:  # set at epoch 0
                acc = accuracy(outputs, targets, history.threshold)
            history.accuracy.append(acc)
            if record and (epoch + 1) % int(record) == 0:
                if arrays is not None:  # the snapshot reads the model and the optimiser
                    arrays.write_back()
                history.snapshots.append(
                    take_snapshot(model, opt, epoch + 1, history.loss[-1], acc)
                )
            bar.update(
                epoch + 1,
                f"loss {history.loss[-1]:.4f}" + (f" acc {acc:.3f}" if acc is not None else ""),
            )
    except KeyboardInterrupt:
        with interrupts_held():  # a second Ctrl-C now would print a traceback
            if arrays is not None:
                arrays.write_back()
            history.interrupted = True
            bar.close()
            print(
                f"fit: interrupted after {len(history.loss)} epochs; "
                "the model keeps the parameters of the last finished step",
                file=sys.stderr,
            )
        return history
    finally:  # returned or raised: the model holds the last finished step
        if arrays is not None:
            arrays.write_back()
    bar.close()
    return history


def _array_accuracy(
    outputs: list[np.ndarray], targets: list[np.ndarray], scoring: str, threshold: float | None
) -> float | None:
    """`accuracy` on an epoch's arrays (one (B, outputs) per batch): the first arg-max (as
    list.index(max)), or output > threshold against label > 0."""
    out, y = np.concatenate(outputs), np.concatenate(targets)
    if scoring == "argmax":
        return float(np.mean(np.argmax(out, axis=1) == y))
    if threshold is None:
        return None
    return float(np.mean((out[:, 0] > threshold) == (y > 0)))


def _check_data(X: object, y: object) -> tuple[np.ndarray, np.ndarray]:
    """X as an (n, d) float array and y as (n,), every number finite, or a ValueError that
    names the first bad sample (and column)."""
    try:
        X = np.asarray(X, dtype=float)
    except (TypeError, ValueError, OverflowError) as e:
        raise ValueError(f"fit: X must be an (n, d) array of numbers ({e})") from None
    y = np.asarray(y)
    if X.ndim != 2 or y.ndim != 1 or len(X) != len(y):
        raise ValueError(f"fit: X must be (n, d) and y (n,), got shapes {X.shape} and {y.shape}")
    if not len(y):
        raise ValueError("fit: no samples (X and y are empty)")
    bad = np.argwhere(~np.isfinite(X))
    if len(bad):
        i, j = bad[0]
        raise ValueError(
            f"fit: X[{i}, {j}] is {float(X[i, j])!r} (sample {i}, column {j}); every input "
            f"must be a finite number ({_count(len(bad), 'entry', 'entries')} of X not): "
            "remove or fill them before training"
        )
    if y.dtype.kind in "fc":
        bad_y = np.flatnonzero(~np.isfinite(y))
        if len(bad_y):
            i = bad_y[0]
            raise ValueError(
                f"fit: y[{i}] is {float(y[i])!r} (sample {i}); every target must be a finite "
                f"number ({_count(len(bad_y), 'target', 'targets')} not)"
            )
    return X, y


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _label_kind(y: np.ndarray) -> str | None:
    """What the targets are: "binary" (0/1 or ±1), "classes" (indices 0..k-1), else None."""
    if y.dtype.kind not in "biuf":
        return None
    values = set(np.unique(y).tolist())
    if values <= {0, 1} or values <= {-1, 1}:
        return "binary"
    if all(float(v).is_integer() and v >= 0 for v in values):
        return "classes"
    return None


def _scoring(output: object, labels: str | None) -> str | None:
    """ "argmax" for several outputs against class labels, "threshold" for one output against
    0/1 or ±1 labels, else None: no accuracy (a regression, e.g. one output against 0..k-1)."""
    several = isinstance(output, (list, tuple, np.ndarray)) and len(output) > 1
    if several and labels in ("binary", "classes"):
        return "argmax"
    if not several and labels == "binary":
        return "threshold"
    return None


def _threshold(given: float | None, loss_fn: Callable, model: Module, y: np.ndarray) -> float:
    """The threshold of one output against binary labels (see `fit`)."""
    if given is not None:
        return float(given)
    if loss_fn is mse:
        return 0.0 if float(np.min(y)) < 0 else 0.5  # halfway between the two targets
    if loss_fn is binary_cross_entropy:
        return 0.5
    if loss_fn in (binary_cross_entropy_with_logits, hinge):
        return 0.0
    return 0.5 if _output_activation(model) in PROBABILITY_OUTPUTS else 0.0


def _output_activation(model: Module) -> str | None:
    """The activation of the model's output layer, where the model says it."""
    output = getattr(model, "output_activation", None)
    return output if output is not None else getattr(model, "activation", None)


def _diverged(error: MathError, epoch: int, epochs: int, steps: int, opt: Optimizer) -> MathError:
    """`error` again, same type and place (node, op, edge), its message prefixed with where it
    happened and a hint."""
    where = f"fit: epoch {epoch + 1}/{epochs}, step {steps + 1}"
    if "learning rate" in str(error):  # the optimiser's own message already says so
        hint = "the model keeps the parameters of the last finished step"
    elif steps > 0:
        hint = (
            f"the training diverged: lower the learning rate (now {opt.current_lr():g}); "
            "the model keeps the parameters of the last finished step"
        )
    elif isinstance(error, (NumericOverflowError, NonFiniteGradientError)):
        hint = (
            "before the first update, so the initial model overflows on this data: "
            "scale the inputs X (e.g. to mean 0, variance 1)"
        )
    else:  # a domain or division error of the loss or model as given, not of training
        hint = "before the first update: the initial model and loss on this data"
    message = f"{where}: {error}; {hint}"
    try:
        return type(error)(message, node=error.node, op=error.op, edge=error.edge)
    except Exception:  # a subclass of the user's that takes other arguments
        return MathError(message, node=error.node, op=error.op, edge=error.edge)


def _note(error: BaseException, note: str) -> None:
    """Add `note` to the traceback of `error` (Python 3.11+; 3.10 shows the error alone)."""
    add_note = getattr(error, "add_note", None)
    if add_note is not None:
        add_note(note)
