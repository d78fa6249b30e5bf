"""A batch's loss and parameter gradients from compiled programs: `fit(..., compiled=True)`.

Every built-in loss is the mean of one term per sample, so the loss of a batch is the mean of
the loss of each sample alone: one program, traced once on a sample, computes the terms of a
whole batch and their gradients (`compile`). A loss reads its target as a Python number (hinge
checks y ∈ {−1, +1}, softmax indexes the logits with it), so class labels are constants of the
trace: the program holds the model once and its loss for each label value, and each sample's
gradient is taken of its own label's loss. Other targets (regression) are an input of the
program like the features.

The numbers of the leaves (the parameters) are one vector in the order of `layout()`: the
program's own (each layer's W row by row, then b) and then the parameters it does not read.
Training that keeps the parameters in an array (`ArrayTraining`) passes that vector to every
step; `__call__` reads it from the Values and writes the gradients into them. A CompiledLoss is
kept per model and loss (`compiled_loss`), so a second `fit` does not trace again.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import Any

import numpy as np

from .compile import Compiled, compile
from .engine import Value
from .errors import MathError
from .losses import check_training_loss, hinge, softmax_cross_entropy
from .nn import Module

_MODEL = "model"  # the key of the program of the model alone


class CompiledLoss:
    """The per-sample programs of a model and its loss, and a batch's loss and gradients.

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
        self.loss_fn, self.params, self.l2 = loss_fn, params, l2
        try:  # weakly: the programs are kept per model (`compiled_loss`) while it lives
            self._model: Callable[[], Module | None] = weakref.ref(model)
        except TypeError:
            self._model = lambda: model
        self.labels = labels
        self.programs: dict[object, Compiled] = {}
        self.many_outputs = False
        self.checked = False
        self._layout: list[Value] | None = None
        self._where: dict[int, int] = {}  # id of a leaf -> its place in the layout
        self._index: dict[int, tuple[np.ndarray | None, np.ndarray]] = {}  # see `_places`
        self._params_index: np.ndarray | None = None

    @property
    def model(self) -> Module:
        model = self._model()
        assert model is not None, "the model of a CompiledLoss was freed"
        return model

    @property
    def _main(self) -> tuple | str | None:
        if self.labels is None:
            return None
        return _MODEL if self._array_form() is not None else tuple(self.labels)

    def _array_form(self) -> Callable | None:
        """The built-in loss's own array form (`ARRAY_FORMS`) when the labels suit it: every
        label's loss of a batch at once, where the program of one loss per label value would
        replay k copies of it (k copies of log Σ exp for softmax), one op on (B,) at a time."""
        form = ARRAY_FORMS.get(self.loss_fn)
        if form is None or not self.labels:
            return None
        fits, terms = form
        return terms if fits(self.labels) else None

    def _program(self, targets: tuple | str | None) -> Compiled:
        """The program of the model and its loss for each of `targets` (label values), as
        alternative outputs; for None, of the loss against a traced target; for _MODEL, of
        the model alone."""
        if targets not in self.programs:
            loss_fn = self.loss_fn

            def per_sample(*inputs: Value) -> list[Value]:
                xs = inputs if targets is not None else inputs[:-1]
                out = self.model(list(xs))
                self.many_outputs = isinstance(out, (list, tuple))
                if targets == _MODEL:
                    return list(out) if isinstance(out, (list, tuple)) else [out]
                losses = [loss_fn([out], [t]) for t in (targets or [inputs[-1]])]
                return [*losses, *(out if isinstance(out, (list, tuple)) else [out])]

            self.programs[targets] = compile(per_sample)
        return self.programs[targets]

    def layout(self, X: np.ndarray, y: np.ndarray) -> list[Value]:
        """The leaves in the order of the vector of their numbers: the main program's leaves
        (traced now, on the first sample, if not yet and if it can be), then the parameters
        it does not read."""
        if self._layout is None:
            compiled = self._program(self._main)
            if compiled.program is None:
                first = X[0].tolist() + ([] if self.labels is not None else [float(y[0])])
                try:
                    compiled.trace(*first)
                except MathError:  # another label's loss out of its domain: see `_terms`
                    pass
            leaves = list(compiled.program.leaves) if compiled.program is not None else []
            seen = {id(v) for v in leaves}
            leaves += [p for p in self.params if id(p) not in seen]
            self._layout = leaves
            self._where = {id(v): i for i, v in enumerate(leaves)}
        return self._layout

    def positions(self, values: list[Value]) -> np.ndarray:
        """Each Value's place in the layout (call `layout` first)."""
        return np.array([self._where[id(v)] for v in values], dtype=np.intp)

    def values_now(self, X: np.ndarray, y: np.ndarray) -> np.ndarray:
        """The vector of the leaves' numbers as the Values hold them now."""
        return np.array([v.data for v in self.layout(X, y)], dtype=float)

    def _run(
        self,
        targets: tuple | str | None,
        inputs: np.ndarray,
        values: np.ndarray,
        seeds: Callable[[list[np.ndarray]], dict[int, np.ndarray]],
    ) -> tuple[list[np.ndarray], np.ndarray]:
        """The outputs of program `targets` on inputs (rows) at the leaf numbers `values`,
        and the gradient over the layout of Σₖ Σᵢ seedsₖ[i]·outputₖ[i] (seeds: from the
        outputs)."""
        compiled = self._program(targets)
        if compiled.program is None:
            compiled.trace(*inputs[:, 0].tolist())
        program = compiled.program
        assert program is not None
        index, constants = self._places(program)
        n = len(program.leaves)
        if index is None:
            leaf_values = values[:n]
        else:
            leaf_values = np.concatenate([values, constants])[index]
        env = program.run(inputs, leaf_values)
        outs = program.output_arrays(env, inputs.shape[1])
        g = program.reverse(env, seeds(outs))
        if index is None and n == len(values):  # the program reads every leaf, in order
            return outs, g
        grads = np.zeros(len(values) + len(constants))
        if index is None:
            grads[:n] = g
        else:
            grads[index] += g  # a program's leaves are distinct
        return outs, grads[: len(values)]

    def _places(self, program: Any) -> tuple[np.ndarray | None, np.ndarray]:
        """Where a program's leaves lie in the layout (None: first, in order), and the
        numbers of its leaves outside the layout (constants its own trace made), which come
        after the layout's in that index."""
        key = id(program)
        if key not in self._index:
            size = len(self._where)
            unknown = [v for v in program.leaves if id(v) not in self._where]
            extra = {id(v): size + i for i, v in enumerate(unknown)}
            index = np.array(
                [self._where.get(id(v), extra.get(id(v), 0)) for v in program.leaves],
                dtype=np.intp,
            )
            same = not unknown and np.array_equal(index, np.arange(len(index)))
            constants = np.array([v.data for v in unknown], dtype=float)
            self._index[key] = (None if same else index, constants)
        return self._index[key]

    def _terms(
        self, X: np.ndarray, y: np.ndarray, values: np.ndarray
    ) -> tuple[float, np.ndarray, np.ndarray]:
        """Σ of the per-sample losses, Σ of their gradients (over the layout), and the model's
        outputs (B, outputs).

        With labels: one program computes the loss of every label value for every sample (the
        model's part once), and each sample's own label's loss is differentiated (`select`).
        Should another label's loss leave its domain (log 0 of a saturated probability), the
        batch is run again one program per label, each on its own samples only.
        """
        self.layout(X, y)
        form = self._array_form()
        if form is not None:
            return self._form_terms(form, X, y, values)
        if self.labels is None:
            inputs = np.vstack([X.T, y[None, :]])
            (terms, *outs), g = self._run(None, inputs, values, _first_output)
            return float(terms.sum()), g, np.stack(outs, axis=1)
        labels = tuple(self.labels)
        select = np.searchsorted(labels, y)
        try:
            outs, g = self._run(labels, X.T, values, lambda _: _selected(select))
        except MathError:
            return self._terms_by_label(X, y, values)
        k = len(labels)
        terms = np.choose(select, outs[:k])
        return float(terms.sum()), g, np.stack(outs[k:], axis=1)

    def _form_terms(
        self, form: Callable, X: np.ndarray, y: np.ndarray, values: np.ndarray
    ) -> tuple[float, np.ndarray, np.ndarray]:
        """`_terms` by the loss's array form on the model's program: the form gives each
        sample's term and its derivatives by the outputs, the seeds of the reverse pass."""
        terms: list[np.ndarray] = []

        def seeds(outs: list[np.ndarray]) -> dict[int, np.ndarray]:
            if self.loss_fn is softmax_cross_entropy and max(self.labels or [0]) >= len(outs):
                self.loss_fn([[0.0] * len(outs)], [max(self.labels or [0])])  # eager's error
            t, dZ = form(np.stack(outs), y)
            terms.append(t)
            return dict(enumerate(dZ))

        outs, g = self._run(_MODEL, X.T, values, seeds)
        return float(terms[0].sum()), g, np.stack(outs, axis=1)

    def _terms_by_label(
        self, X: np.ndarray, y: np.ndarray, values: np.ndarray
    ) -> tuple[float, np.ndarray, np.ndarray]:
        total, grads = 0.0, np.zeros(len(values))
        outputs: np.ndarray | None = None
        for label in np.unique(y).tolist():
            index = np.flatnonzero(y == label)
            (terms, *outs), g = self._run((label,), X[index].T, values, _first_output)
            total += float(terms.sum())
            grads += g
            if outputs is None:
                outputs = np.empty((len(y), len(outs)))
            outputs[index] = np.stack(outs, axis=1)
        assert outputs is not None
        return total, grads, outputs

    def loss_and_grad(
        self, X: np.ndarray, y: np.ndarray, values: np.ndarray
    ) -> tuple[float, np.ndarray, np.ndarray]:
        """(mean loss + l2·Σθ², its gradient over the layout, the outputs (B, outputs)) of the
        batch at the leaf numbers `values`."""
        if not self.checked:
            self._check_mean_of_terms(X, y)
        n = len(y)
        total, grads, outputs = self._terms(X, y, values)
        value = total / n
        grads /= n  # a fresh array of `_terms`: divided in place
        if self.l2:
            theta = values[self._params_at()]
            value += self.l2 * float(theta @ theta)
            grads[self._params_at()] += 2.0 * self.l2 * theta
        return value, grads, outputs

    def _params_at(self) -> np.ndarray:
        if self._params_index is None:
            self._params_index = self.positions(self.params)
        return self._params_index

    def per_sample(self, outputs: np.ndarray) -> list:
        """Each sample's model outputs as `fit` collects them eagerly: a list of floats per
        sample, or one float."""
        return outputs.tolist() if self.many_outputs else outputs[:, 0].tolist()

    def __call__(self, X: np.ndarray, y: np.ndarray) -> tuple[float, list]:
        """(loss, each sample's outputs) at the parameters' numbers now; sets their grads."""
        value, grads, outputs = self.loss_and_grad(X, y, self.values_now(X, y))
        for p, g in zip(self.params, grads[self._params_at()].tolist()):
            p.grad = g
        return value, self.per_sample(outputs)

    def _check_mean_of_terms(self, X: np.ndarray, y: np.ndarray) -> None:
        """Once: the loss of the first few samples, computed eagerly, must be the mean of
        their terms, as for every built-in loss; a custom loss that is not is refused."""
        k = min(len(y), 4)
        total = self.loss_fn([self.model(row) for row in X[:k].tolist()], y[:k])
        eager = check_training_loss(total, self.params, "fit(compiled=True)").data
        mean = self._terms(X[:k], y[:k], self.values_now(X, y))[0] / k
        if not abs(eager - mean) <= 1e-9 * max(1.0, abs(eager)):
            raise ValueError(
                f"fit(compiled=True): the loss of {k} samples is {eager!r} eagerly but the mean "
                f"of their per-sample losses is {mean!r}; compiled training needs a loss that "
                "is the mean of one term per sample (as every built-in loss is): use "
                "compiled=False"
            )
        self.checked = True


_CACHE: weakref.WeakKeyDictionary[Module, dict[tuple, CompiledLoss]] = weakref.WeakKeyDictionary()


def compiled_loss(
    model: Module,
    loss_fn: Callable[..., Value],
    params: list[Value],
    l2: float,
    labels: list | None,
) -> CompiledLoss:
    """The CompiledLoss of model and loss, kept while the model lives: a second `fit` of the
    same model and loss replays the programs traced by the first (a 784-128-10 trace takes
    a good part of a second). Keyed on the loss, the labels, the model's architecture and its
    parameters (the very Values: a model given new ones is traced again)."""
    architecture = getattr(model, "architecture", lambda: None)()
    key: tuple = (loss_fn, None if labels is None else tuple(labels), repr(architecture))
    key += tuple(map(id, params))
    try:
        kept = _CACHE.setdefault(model, {})
    except TypeError:  # a model that cannot be weakly referenced: traced for each fit
        kept = {}
    if key not in kept:
        kept.clear()  # one entry a model: the programs hold its graph's leaves
        kept[key] = CompiledLoss(model, loss_fn, params, l2, labels)
    kept[key].l2 = l2
    return kept[key]


def _first_output(outs: list[np.ndarray]) -> dict[int, np.ndarray]:
    return {0: np.ones(len(outs[0]))}


def _selected(select: np.ndarray) -> dict[int, np.ndarray]:
    """Output k seeded with 1 for the samples whose own label's loss it is."""
    return {int(k): (select == k) * 1.0 for k in np.unique(select)}


def _softmax_terms(Z: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Softmax cross-entropy of each sample (a column of the scores Z) and its derivatives:
    log Σₖ exp(zₖ − m) + m − z_y with m = maxₖ zₖ, summed row after row as the eager loss sums;
    ∂/∂zⱼ = exp(zⱼ − m)/Σₖ exp(zₖ − m) − [j = y]."""
    samples = np.arange(len(y))
    with np.errstate(all="ignore"):
        m = Z.max(axis=0)
        E = np.exp(Z - m)
        total = E.sum(axis=0)
        terms = np.log(total) + m - Z[y, samples]
        dZ = E * (1.0 / total)
    dZ[y, samples] -= 1.0
    return terms, dZ


def _hinge_terms(Z: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """micrograd's max(0, 1 − y·s) of each sample, as eager writes it ((1 + (−y)·s).relu()),
    and its derivative −y where the margin is positive (relu′(0) = 0)."""
    margin = 1.0 + (-y) * Z[0]
    positive = margin > 0.0
    return margin * positive + 0.0, (-y * positive)[None, :] + 0.0


#: loss -> (whether its labels suit the form, the form): terms and ∂/∂outputs of a batch
ARRAY_FORMS: dict[Callable, tuple[Callable[[list], bool], Callable]] = {
    softmax_cross_entropy: (
        lambda labels: all(type(t) is int and t >= 0 for t in labels),
        _softmax_terms,
    ),
    hinge: (lambda labels: set(labels) <= {-1, 1}, _hinge_terms),
}
