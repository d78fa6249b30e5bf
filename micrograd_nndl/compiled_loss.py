"""A batch's loss and parameter gradients from compiled programs: `fit(..., compiled=True)`.

Every built-in loss is the mean of one term per sample, so the loss of a batch is the mean of
the loss of each sample alone: one program, traced once on a sample, computes the terms of a
whole batch and their gradients (`compile`). A loss reads its target as a Python number (hinge
checks y ∈ {−1, +1}, softmax indexes the logits with it), so class labels are constants of the
trace: one program per label value, each run on the samples with that label. Other targets
(regression) are an input of the program like the features.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .compile import Compiled, compile
from .engine import Value
from .nn import Module


class CompiledLoss:
    """loss(X_b, y_b) -> (mean loss + l2·Σθ², per-sample outputs); sets the parameters' grads.

    `constant_targets`: class labels (one program per value) rather than a traced input.
    """

    def __init__(
        self,
        model: Module,
        loss_fn: Callable[..., Value],
        params: list[Value],
        l2: float,
        constant_targets: bool,
    ) -> None:
        self.model, self.loss_fn, self.params, self.l2 = model, loss_fn, params, l2
        self.constant_targets = constant_targets
        self.programs: dict[object, Compiled] = {}
        self.many_outputs = False
        self.checked = False

    def _program(self, target: object) -> Compiled:
        """The program of one label value (or, target None, of the traced target)."""
        if target not in self.programs:
            model, loss_fn = self.model, self.loss_fn

            def per_sample(*inputs: Value) -> list[Value]:
                xs, t = (inputs, target) if target is not None else (inputs[:-1], inputs[-1])
                out = model(list(xs))
                self.many_outputs = isinstance(out, (list, tuple))
                return [loss_fn([out], [t]), *(out if self.many_outputs else [out])]

            self.programs[target] = compile(per_sample)
        return self.programs[target]

    def _groups(self, y: np.ndarray) -> list[tuple[object, np.ndarray | slice]]:
        if not self.constant_targets:
            return [(None, slice(None))]
        return [(value, np.flatnonzero(y == value)) for value in np.unique(y).tolist()]

    def _terms(self, X: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray, list]:
        """Σ of the per-sample losses, Σ of their gradients, and each sample's outputs."""
        total, grads = 0.0, np.zeros(len(self.params))
        outputs: np.ndarray | None = None
        for target, index in self._groups(y):
            columns = [X[index, j] for j in range(X.shape[1])]
            if target is None:
                columns.append(y[index].astype(float))
            (terms, *outs), g = self._program(target).value_and_grad(
                *columns, wrt=self.params, reduce="sum"
            )
            total += float(terms.sum())
            grads += g
            if outputs is None:
                outputs = np.empty((len(y), len(outs)))
            outputs[index] = np.stack(outs, axis=1)
        assert outputs is not None
        return total, grads, (outputs if self.many_outputs else outputs[:, 0]).tolist()

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
        eager = self.loss_fn([self.model(row) for row in X[:k].tolist()], y[:k]).data
        mean = self._terms(X[:k], y[:k])[0] / k
        if not abs(eager - mean) <= 1e-9 * max(1.0, abs(eager)):
            raise ValueError(
                f"fit(compiled=True): the loss of {k} samples is {eager!r} eagerly but the mean "
                f"of their per-sample losses is {mean!r}; compiled training needs a loss that "
                "is the mean of one term per sample (as every built-in loss is): use "
                "compiled=False"
            )
        self.checked = True
