"""Running a program: the forward pass and the reverse pass on numpy batches (NNDL §4.4).

Every slot holds an array of samples; each step applies the op table's forward, and the reverse
pass its local-derivative rules, to whole arrays: a layer's neurons as one matrix product and
its activations as one call, the rest one op at a time. Errors name the sample and the node.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..engine import Value, apply
from ..errors import MathError, NonFiniteGradientError, NumericOverflowError
from ..naming import parameter_text
from ..ops import Op
from .arrays import run_op
from .as_text import describe
from .steps import LayerStep, Step

__all__ = ["Program"]


@dataclass(eq=False)
class Program:
    """A traced graph as a flat program on slots: inputs, leaves read at call time, steps.

    `run` gives every slot's array for a batch; `reverse` the leaves' gradients from a seed.
    """

    input_names: tuple[str, ...]
    input_slots: tuple[int, ...]
    leaves: list[Value]
    leaf_slots: tuple[int, ...]
    steps: list[Any]
    outputs: tuple[int, ...]
    n_slots: int
    row_of: dict[int, tuple[int, int]] = field(default_factory=dict)
    #: (leaf index, slot) of the leaves read one by one (not through a layer's matrices)
    loose: tuple[tuple[int, int], ...] = ()
    names: dict[int, str] = field(default_factory=dict)
    many: bool = False
    input_block: int | None = None  # the slot holding the inputs as rows (n_inputs, B)
    #: (input index, slot) of the inputs read one by one (not through a layer's matrices)
    input_views: tuple[tuple[int, int], ...] = ()
    #: the slots that depend on a leaf: the reverse pass computes gradients of these only
    varies: frozenset[int] = frozenset()

    def __post_init__(self) -> None:
        self.leaf_index = {id(v): i for i, v in enumerate(self.leaves)}
        self._positions: dict[tuple[int, ...], np.ndarray] = {}

    def positions(self, wrt: Sequence[Value]) -> np.ndarray:
        """Each w's index among the leaves (len(leaves) for a w not in the graph), cached by
        the Values' ids: a leaf's id names it while the program holds it."""
        key = tuple(map(id, wrt))
        found = self._positions.get(key)
        if found is None:
            for i, w in enumerate(wrt):
                if not isinstance(w, Value):
                    raise TypeError(f"grad: wrt[{i}] is a {type(w).__name__}, not a Value")
            missing = len(self.leaves)
            found = np.array([self.leaf_index.get(i, missing) for i in key], dtype=np.intp)
            self._positions = {key: found}  # one entry: the parameters of the training loop
        return found

    # ---- forward ----------------------------------------------------------------------------

    def leaf_values(self) -> np.ndarray:
        """The leaves' numbers now, in the order of `leaves` (what `run` reads by default)."""
        return np.array([v.data for v in self.leaves], dtype=float)

    def run(
        self, inputs: Sequence[np.ndarray] | np.ndarray, leaf_values: np.ndarray | None = None
    ) -> list[Any]:
        """Every slot's value for a batch of inputs: arrays of one common shape (B,), or one
        array (n_inputs, B) of them as rows. The leaves' numbers are `leaf_values` (in the
        order of `leaves`: training that keeps them in an array), else read from the Values."""
        env: list[Any] = [None] * self.n_slots
        if len(inputs) and self.input_block is not None:
            block = inputs if isinstance(inputs, np.ndarray) else np.stack(inputs)
            env[self.input_block] = block
            for i, s in self.input_views:
                env[s] = block[i]
        if leaf_values is None:
            leaf_values = self.leaf_values()
        for i, s in self.loose:
            env[s] = leaf_values[i]
        with np.errstate(all="ignore"):
            for step in self.steps:
                if type(step) is Step:
                    out = run_op(step.op, [env[i] for i in step.ins], step.k)
                    env[step.out] = out
                elif type(step) is LayerStep:
                    X = (
                        env[step.x_block][step.x_rows]
                        if step.x_block is not None
                        else _stack(env, step.xs)
                    )
                    if step.start is None:
                        W, b = leaf_values[step.weights], leaf_values[step.bias]
                    else:  # W⁽ˡ⁾ and b⁽ˡ⁾ as views of the leaf values
                        m, n = step.weights.shape
                        end = step.start + m * n
                        W, b = (
                            leaf_values[step.start : end].reshape(m, n),
                            leaf_values[end : end + m],
                        )
                    out = W @ X
                    out += b[:, None]
                    env[step.saved] = (W, X)
                    env[step.block] = out
                    for j, s in step.views:
                        env[s] = out[j]
                else:
                    out = run_op(step.op, [env[step.in_block]], step.k)
                    env[step.block] = out
                    for j, s in step.views:
                        env[s] = out[j]
                if not np.isfinite(out).all():
                    self._forward_error(step, env)
        return env

    def output_arrays(self, env: list[Any], batch: int) -> list[np.ndarray]:
        """Each output of `run` as an array (B,) of its own (a constant output broadcast)."""
        return [
            env[s].copy()
            if np.shape(env[s]) == (batch,)
            else np.broadcast_to(np.asarray(env[s], dtype=float), (batch,)).copy()
            for s in self.outputs
        ]

    def _forward_error(self, step: Any, env: list[Any]) -> None:
        """Raise the engine's own error for the first sample whose value is not finite: the
        op is applied again to that sample's Values, where its domain check speaks."""
        out = env[step.out] if type(step) is Step else env[step.block]
        bad = np.argwhere(~np.isfinite(out))[0]
        sample = int(bad[-1]) if np.ndim(out) else 0
        where = f"compiled program, sample {sample}"
        if type(step) is Step:
            args = [Value(float(np.broadcast_to(env[i], out.shape)[sample])) for i in step.ins]
            try:
                _apply_eager(step.op, args, step.k)
            except MathError as e:
                raise type(e)(f"{where}: {e}") from None
            raise NumericOverflowError(f"{where}: {step.op.name} gave {float(out[sample])!r}")
        what = "a layer's net input" if type(step) is LayerStep else f"{step.op.name}"
        raise NumericOverflowError(
            f"{where}: {what} is not finite (neuron {int(bad[0])} of the layer): scale the "
            "inputs or lower the learning rate"
        )

    # ---- reverse ----------------------------------------------------------------------------

    def reverse(
        self, env: list[Any], seeds: dict[int, np.ndarray], find_fault: bool = False
    ) -> np.ndarray:
        """∂(Σₖ Σᵢ seedsₖ[i]·outputₖ[i])/∂leaf for every leaf: the reverse pass on the batch.

        A non-finite gradient reaches the leaves (nan and inf propagate through products and
        sums), so only they are checked; then the pass runs again with `find_fault`, checking
        every node's gradient, to name the first that went wrong."""
        adj: list[Any] = [None] * self.n_slots
        for step in self.steps:
            if type(step) is not Step and step.views:  # rows added to one by one; the
                block = np.zeros_like(env[step.block])  # other blocks get their first sum
                adj[step.block] = block
                for j, s in step.views:
                    adj[s] = block[j]
        rows, varies = self.row_of, self.varies
        for output, seed in seeds.items():
            if self.outputs[output] in varies:
                _add(adj, rows, self.outputs[output], seed)
        leaf_grads = np.zeros(len(self.leaves))
        with np.errstate(all="ignore"):
            for step in reversed(self.steps):
                if type(step) is Step:
                    g = adj[step.out]
                    if g is None:
                        continue
                    if find_fault:
                        self._check_grad(g, step.out, step.op.name)
                    locals_ = step.op.local_derivatives(
                        [env[i] for i in step.ins], step.k, env[step.out]
                    )
                    for i, d in zip(step.ins, locals_):
                        if i in varies:
                            _add(adj, rows, i, _term(step.op, d, g))
                elif type(step) is LayerStep:
                    dZ = adj[step.block]
                    if dZ is None:  # nothing depends on this layer
                        continue
                    if find_fault:
                        self._check_grad(dZ, step.rows[0], "a layer")
                    W, X = env[step.saved]
                    dW = dZ @ X.T
                    if step.start is not None:
                        m, n = dW.shape
                        end = step.start + m * n
                        leaf_grads[step.start : end] += dW.reshape(-1)
                        leaf_grads[end : end + m] += dZ.sum(axis=1)
                    elif step.unique:  # no leaf twice: fancy-index addition is exact
                        leaf_grads[step.weights] += dW
                        leaf_grads[step.bias] += dZ.sum(axis=1)
                    else:
                        np.add.at(leaf_grads, step.weights, dW)
                        np.add.at(leaf_grads, step.bias, dZ.sum(axis=1))
                    if not step.needs_dx:
                        continue
                    dX = W.T @ dZ
                    if step.x_block is not None:
                        _add_rows(adj, env, step.x_block, step.x_rows, dX)
                    else:
                        for i, s in enumerate(step.xs):
                            if s in varies:
                                _add(adj, rows, s, dX[i])
                else:
                    dA = adj[step.block]
                    if dA is None:
                        continue
                    if find_fault:
                        self._check_grad(dA, step.rows[0], step.op.name)
                    if step.in_block in varies:
                        (d,) = step.op.local_derivatives(
                            [env[step.in_block]], step.k, env[step.block]
                        )
                        term = _term(step.op, d, dA)
                        if adj[step.in_block] is None:
                            adj[step.in_block] = term
                        else:
                            adj[step.in_block] += term
        for i, s in self.loose:
            if adj[s] is not None:
                leaf_grads[i] += np.sum(adj[s])
        bad = np.flatnonzero(~np.isfinite(leaf_grads))
        if len(bad):
            if not find_fault:
                self.reverse(env, seeds, find_fault=True)  # raises at the first bad node
            leaf = self.leaves[bad[0]]
            raise NonFiniteGradientError(
                f"compiled program: the gradient of {parameter_text(leaf.label or 'a leaf')} "
                f"(value {leaf.data!r}) became {leaf_grads[bad[0]]!r}"
            )
        return leaf_grads

    def _check_grad(self, g: Any, slot: int, op: str) -> None:
        if not np.isfinite(g).all():
            sample = int(np.argwhere(~np.isfinite(g))[0][-1]) if np.ndim(g) else 0
            raise NonFiniteGradientError(
                f"compiled program, sample {sample}: the gradient of a {op} node "
                f"({self.names.get(slot, f'slot {slot}')}) is not finite"
            )

    # ---- reading it ---------------------------------------------------------------------------

    def text(self) -> str:
        """The program as the book's matrix equations where it is an MLP, else as the op list."""
        return describe(self)

    def show(self) -> None:
        """Print `text()`: the bridge from the scalar graph of §4.5 to the matrix form of §4.4."""
        print(self.text())


def _apply_eager(op: Op, args: list[Value], k: Any) -> Value:
    return apply(op, *args, k) if op.takes_number else apply(op, *args)


def _term(op: Op, d: Any, g: Any) -> Any:
    """d × g; 0 where a flat op's d is 0, even if g is inf or nan, as backward() (walks.py's
    `backward_terms` says why)."""
    return np.where(d == 0.0, 0.0, d * g) if op.flat else d * g


def _stack(env: list[Any], slots: tuple[int, ...]) -> np.ndarray:
    return np.stack(np.broadcast_arrays(*[env[s] for s in slots]))


def _add(adj: list[Any], rows: dict[int, tuple[int, int]], slot: int, contribution: Any) -> None:
    """adj[slot] += contribution; a row of a block is a view, added to in place."""
    if slot in rows:
        adj[slot] += contribution
    elif adj[slot] is None:
        adj[slot] = contribution
    else:
        adj[slot] = adj[slot] + contribution


def _add_rows(adj: list[Any], env: list[Any], block: int, rows: slice, contribution: Any) -> None:
    """adj[block][rows] += contribution, the block's first sum taken as it is when it covers
    every row (a fresh array: one allocation less on a batch, where each costs page faults)."""
    if adj[block] is None:
        if rows.start == 0 and rows.stop == len(env[block]):
            adj[block] = contribution
            return
        adj[block] = np.zeros_like(env[block])
    adj[block][rows] += contribution
