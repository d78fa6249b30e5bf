"""A batch's loss and parameter gradients from compiled programs: `fit(..., compiled=True)`.

Every built-in loss is the mean of one term per sample, so the loss of a batch is the mean of
the loss of each sample alone: one program, traced once on a sample, computes the terms of a
whole batch and their gradients (`compile`). A loss reads its target as a Python number (hinge
checks y ∈ {−1, +1}, softmax indexes the logits with it), so class labels are constants of the
trace: the program holds the model once and its loss for each label value, and each sample's
gradient is taken of its own label's loss. Other targets (regression) are an input of the
program like the features.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .compile import Compiled, compile
from .engine import Value
from .errors import MathError
from .losses import check_training_loss
from .nn import Module


class CompiledLoss:
    """loss(X_b, y_b) -> (mean loss + l2·Σθ², per-sample outputs); sets the parameters' grads.

    `labels`: the class labels (constants of the trace), or None for targets that are a traced
    input (regression).
    """

    def __init__(
        self,
        model: Module,
        loss_fn: Callable[..., Value],
        params: list[Value],
        l2: float,
        labels: list | None,
    ) -> None:
        self.model, self.loss_fn, self.params, self.l2 = model, loss_fn, params, l2
        self.labels = labels
        self.programs: dict[object, Compiled] = {}
        self.many_outputs = False
        self.checked = False

    def _program(self, targets: tuple | None) -> Compiled:
        """The program of the model and its loss for each of `targets` (label values), as
        alternative outputs; for None, of the loss against a traced target."""
        if targets not in self.programs:
            model, loss_fn = self.model, self.loss_fn

            def per_sample(*inputs: Value) -> list[Value]:
                xs = inputs if targets is not None else inputs[:-1]
                out = model(list(xs))
                self.many_outputs = isinstance(out, (list, tuple))
                losses = [loss_fn([out], [t]) for t in (targets or [inputs[-1]])]
                return [*losses, *(out if isinstance(out, (list, tuple)) else [out])]

            self.programs[targets] = compile(per_sample)
        return self.programs[targets]

    def _terms(self, X: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray, list]:
        """Σ of the per-sample losses, Σ of their gradients, and each sample's outputs.

        With labels: one program computes the loss of every label value for every sample (the
        model's part once), and each sample's own label's loss is differentiated (`select`).
        Should another label's loss leave its domain (log 0 of a saturated probability), the
        batch is run again one program per label, each on its own samples only.
        """
        columns = [X[:, j] for j in range(X.shape[1])]
        if self.labels is None:
            (terms, *outs), g = self._program(None).value_and_grad(
                *columns, y.astype(float), wrt=self.params, reduce="sum"
            )
            return float(terms.sum()), g, self._outputs(outs)
        labels = tuple(self.labels)
        select = np.searchsorted(labels, y)
        try:
            outs, g = self._program(labels).value_and_grad(
                *columns, wrt=self.params, reduce="sum", select=select
            )
        except MathError:
            return self._terms_by_label(X, y)
        k = len(labels)
        terms = np.choose(select, outs[:k])
        return float(terms.sum()), g, self._outputs(outs[k:])

    def _terms_by_label(self, X: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray, list]:
        total, grads = 0.0, np.zeros(len(self.params))
        outputs: np.ndarray | None = None
        for label in np.unique(y).tolist():
            index = np.flatnonzero(y == label)
            columns = [X[index, j] for j in range(X.shape[1])]
            (terms, *outs), g = self._program((label,)).value_and_grad(
                *columns, wrt=self.params, reduce="sum"
            )
            total += float(terms.sum())
            grads += g
            if outputs is None:
                outputs = np.empty((len(y), len(outs)))
            outputs[index] = np.stack(outs, axis=1)
        assert outputs is not None
        return total, grads, self._outputs(list(outputs.T))

    def _outputs(self, outs: list[np.ndarray]) -> list:
        """Each sample's model outputs: a list of floats per sample, or one float."""
        return np.stack(outs, axis=1).tolist() if self.many_outputs else outs[0].tolist()

    def __call__(self, X: np.ndarray, y: np.ndarray) -> tuple[float, list]:
        if not self.checked:
            self._check_mean_of_terms(X, y)
        n = len(y)
        total, grads, outputs = self._terms(X, y)
        value, grads = total / n, grads / n
        if self.l2:
            theta = np.array([p.data for p in self.params])
            value += self.l2 * float(theta @ theta)
            grads += 2.0 * self.l2 * theta
        for p, g in zip(self.params, grads.tolist()):
            p.grad = g
        return value, outputs

    def _check_mean_of_terms(self, X: np.ndarray, y: np.ndarray) -> None:
        """Once: the loss of the first few samples, computed eagerly, must be the mean of
        their terms, as for every built-in loss; a custom loss that is not is refused."""
        k = min(len(y), 4)
        total = self.loss_fn([self.model(row) for row in X[:k].tolist()], y[:k])
        eager = check_training_loss(total, self.params, "fit(compiled=True)").data
        mean = self._terms(X[:k], y[:k])[0] / k
        if not abs(eager - mean) <= 1e-9 * max(1.0, abs(eager)):
            raise ValueError(
                f"fit(compiled=True): the loss of {k} samples is {eager!r} eagerly but the mean "
                f"of their per-sample losses is {mean!r}; compiled training needs a loss that "
                "is the mean of one term per sample (as every built-in loss is): use "
                "compiled=False"
            )
        self.checked = True
