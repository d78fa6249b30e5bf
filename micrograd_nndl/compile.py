"""Trace once, run on a whole batch: a scalar function replayed on numpy arrays (NNDL §4.4).

    >>> import numpy as np
    >>> from micrograd_nndl import Value, compile
    >>> w = Value(2.0, "w")
    >>> f = compile(lambda x: (w * x).tanh())
    >>> f(np.array([0.0, 0.5])).round(6).tolist()           # tanh(2x) for two samples at once
    [0.0, 0.761594]
    >>> f.grad(np.array([0.0, 0.5]), wrt=[w], reduce="sum").round(6).tolist()
    [0.209987]

The first call runs `f` once, on placeholder Values holding the first sample, and records the
graph it builds as a flat program: the nodes in evaluation order, each an entry of the op table
with input slots. Every later call replays that program on arrays of shape (B,), one element
per sample, with the op table's own forwards and local-derivative rules (they are written to
work on floats, Values and arrays alike). The scalar graph of one sample replayed on a batch is
the matrix form of back-propagation (§4.4): the neurons of a layer that read the same inputs run
as one matrix product z⁽ˡ⁾ = W⁽ˡ⁾a⁽ˡ⁻¹⁾ + b⁽ˡ⁾, their activations as one call on the layer, and
the reverse pass as δ⁽ˡ⁾ = f′(z⁽ˡ⁾) ⊙ (W⁽ˡ⁺¹⁾)ᵀδ⁽ˡ⁺¹⁾ (see `Program.show`).

Leaves that are not inputs (a model's parameters, constants) are read at every call, so training
updates are seen. What a trace cannot see, as with `jax.jit`:

- Python control flow on an input's value. Comparing a traced input (`x > 0`), or using its
  number (`x.data` in an `if`, `float(x.data)`, arithmetic on `x.data`) raises `TracingError`
  naming the line. A branch on a value *computed* from the inputs (`if (x * w).data > 0`) is not
  seen: the program keeps the branch the first sample took, for every sample.
- Numbers read out of the graph become constants: `m = max(z.data for z in zs)` is the first
  sample's m for every sample (harmless in softmax's shift, wrong in general).
- Side effects of `f` (printing, appending to a list) happen once, at the trace.

`bool(value)` does not read the value (a Value is always true, as in eager code), so it is not
refused. An op whose forward or rules do not accept arrays raises `NoArrayFormError` naming it.
"""

from __future__ import annotations

import inspect
import linecache
import math
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from types import FrameType
from typing import Any

import numpy as np

from .engine import Value, apply, enable_grad, topological_order
from .errors import MathError, NonFiniteGradientError, NumericOverflowError
from .ops import BINARY, NARY, UNARY, UNARY_PARAM, Op

__all__ = ["Compiled", "NoArrayFormError", "Program", "TracingError", "compile"]


class TracingError(TypeError):
    """`f` used a traced input's value in Python while being traced (control flow on data)."""


class NoArrayFormError(TypeError):
    """An op's forward or local-derivative rule does not run on numpy arrays."""


# ---- placeholders: inputs whose number refuses to be used by the user's code ------------------

_LIBRARY = __name__.rsplit(".", 1)[0]
_VALUE_COMPARISONS = frozenset(
    getattr(Value, m).__code__ for m in ("__lt__", "__le__", "__gt__", "__ge__")
)


def _is_library(frame: Any) -> bool:
    module = frame.f_globals.get("__name__", "")
    return module == _LIBRARY or module.startswith(_LIBRARY + ".")


def _user_frame() -> Any:
    """The frame of the user's code that called a `_TracedFloat` method, or None when the
    library did: the engine computing a node, a loss reading its inputs, or an op's own forward
    (user code that the library calls back)."""
    frame: FrameType | None = sys._getframe(
        3
    )  # _user_frame ← _refuse ← the guarded method ← its caller
    while frame is not None and frame.f_code in _VALUE_COMPARISONS:
        frame = frame.f_back  # x > 0 on a Value: the caller of Value.__gt__ decides
    if frame is None or _is_library(frame):
        return None
    caller = frame.f_back
    while caller is not None and not _is_library(caller):
        caller = caller.f_back
    return frame if caller is None or caller.f_code is trace.__code__ else None


def _refuse(number: _TracedFloat, use: str) -> None:
    frame = _user_frame()
    if frame is None:
        return
    where = f"{frame.f_code.co_filename}, line {frame.f_lineno}"
    source = linecache.getline(frame.f_code.co_filename, frame.f_lineno).strip()
    raise TracingError(
        f"{where}{f': {source}' if source else ''}\n"
        f"compile: {use} the traced input {number.name!r} while tracing: the compiled program "
        "runs the same operations for every sample, so Python control flow on a sample's value "
        "cannot be compiled. Write it with ops (relu, maxout, abs, ...) or call the function "
        "eagerly."
    )


def _guard(method: str, use: str) -> Callable[..., Any]:
    base = getattr(float, method)

    def guarded(self: _TracedFloat, *args: Any) -> Any:
        _refuse(self, use)
        return base(self, *args)

    guarded.__name__ = method
    return guarded


class _TracedFloat(float):
    """The number inside a placeholder input: the engine computes with it as with any float;
    the user's code that compares it, tests it or computes with it is refused."""

    name = ""


for _method in ("__lt__", "__le__", "__gt__", "__ge__", "__eq__", "__ne__"):
    setattr(_TracedFloat, _method, _guard(_method, "comparing"))
for _method in ("__bool__", "__float__", "__int__", "__index__", "__round__", "__trunc__"):
    if hasattr(float, _method):
        setattr(_TracedFloat, _method, _guard(_method, "converting"))
for _method in (
    "__add__ __radd__ __sub__ __rsub__ __mul__ __rmul__ __truediv__ __rtruediv__ __pow__ "
    "__rpow__ __floordiv__ __rfloordiv__ __mod__ __rmod__ __divmod__ __neg__ __abs__"
).split():
    setattr(_TracedFloat, _method, _guard(_method, "computing with the number of"))
_TracedFloat.__hash__ = float.__hash__  # type: ignore[method-assign]


def _placeholder(x: float, name: str) -> Value:
    v = Value(float(x), name)
    traced = _TracedFloat(v.data)
    traced.name = name
    v._data = traced  # the slot holds the traced number (the `data` setter would read it)
    return v


# ---- the program --------------------------------------------------------------------------------


@dataclass(eq=False)
class _Step:
    """One op on whole arrays: out = op(ins) elementwise over the samples."""

    op: Op
    ins: tuple[int, ...]
    k: Any
    out: int


@dataclass(eq=False)
class _LayerStep:
    """Neurons reading the same inputs as one matrix product: Z = W·X + b, one row per neuron.

    W[j, i] and b[j] are indices into the program's leaves; `rows` are the slots of the
    neurons' outputs; X stacks the input slots `xs`, or is rows `x_rows` of the block in slot
    `x_block` when the inputs are consecutive rows of one (the previous layer's activations).
    """

    weights: np.ndarray
    bias: np.ndarray
    xs: tuple[int, ...]
    x_block: int | None
    x_rows: slice
    block: int
    rows: tuple[int, ...]
    saved: int  # the slot keeping (W, X) for the reverse pass
    unique: bool = True
    views: tuple[tuple[int, int], ...] = ()  # (row, slot) of the rows read one by one


@dataclass(eq=False)
class _MapStep:
    """One one-input op (an activation) on every row of a block at once: A = f(Z)."""

    op: Op
    k: Any
    in_block: int
    block: int
    rows: tuple[int, ...]
    views: tuple[tuple[int, int], ...] = ()  # (row, slot) of the rows read one by one


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

    def run(self, inputs: Sequence[np.ndarray]) -> list[Any]:
        """Every slot's value for a batch of inputs (arrays of one common shape (B,))."""
        env: list[Any] = [None] * self.n_slots
        for s, x in zip(self.input_slots, inputs):
            env[s] = x
        leaf_values = np.array([v.data for v in self.leaves], dtype=float)
        for i, s in self.loose:
            env[s] = leaf_values[i]
        with np.errstate(all="ignore"):
            for step in self.steps:
                if type(step) is _Step:
                    out = _forward(step.op, [env[i] for i in step.ins], step.k)
                    env[step.out] = out
                elif type(step) is _LayerStep:
                    X = (
                        env[step.x_block][step.x_rows]
                        if step.x_block is not None
                        else _stack(env, step.xs)
                    )
                    W = leaf_values[step.weights]
                    out = W @ X + leaf_values[step.bias][:, None]
                    env[step.saved] = (W, X)
                    env[step.block] = out
                    for j, s in step.views:
                        env[s] = out[j]
                else:
                    out = _forward(step.op, [env[step.in_block]], step.k)
                    env[step.block] = out
                    for j, s in step.views:
                        env[s] = out[j]
                if not np.isfinite(out).all():
                    self._forward_error(step, env)
        return env

    def _forward_error(self, step: Any, env: list[Any]) -> None:
        """Raise the engine's own error for the first sample whose value is not finite: the
        op is applied again to that sample's Values, where its domain check speaks."""
        out = env[step.out] if type(step) is _Step else env[step.block]
        bad = np.argwhere(~np.isfinite(out))[0]
        sample = int(bad[-1]) if np.ndim(out) else 0
        where = f"compiled program, sample {sample}"
        if type(step) is _Step:
            args = [Value(float(np.broadcast_to(env[i], out.shape)[sample])) for i in step.ins]
            try:
                _apply_eager(step.op, args, step.k)
            except MathError as e:
                raise type(e)(f"{where}: {e}") from None
            raise NumericOverflowError(f"{where}: {step.op.name} gave {float(out[sample])!r}")
        what = "a layer's net input" if type(step) is _LayerStep else f"{step.op.name}"
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
            if type(step) is not _Step:
                block = np.zeros_like(env[step.block])
                adj[step.block] = block
                for j, s in step.views:
                    adj[s] = block[j]
        rows = self.row_of
        for output, seed in seeds.items():
            _add(adj, rows, self.outputs[output], seed)
        leaf_grads = np.zeros(len(self.leaves))
        with np.errstate(all="ignore"):
            for step in reversed(self.steps):
                if type(step) is _Step:
                    g = adj[step.out]
                    if g is None:
                        continue
                    if find_fault:
                        self._check_grad(g, step.out, step.op.name)
                    locals_ = step.op.local_derivatives(
                        [env[i] for i in step.ins], step.k, env[step.out]
                    )
                    for i, d in zip(step.ins, locals_):
                        _add(adj, rows, i, d * g)
                elif type(step) is _LayerStep:
                    dZ = adj[step.block]
                    if find_fault:
                        self._check_grad(dZ, step.rows[0], "a layer")
                    W, X = env[step.saved]
                    dW = dZ @ X.T
                    if step.unique:  # no leaf twice: fancy-index addition is exact
                        leaf_grads[step.weights] += dW
                        leaf_grads[step.bias] += dZ.sum(axis=1)
                    else:
                        np.add.at(leaf_grads, step.weights, dW)
                        np.add.at(leaf_grads, step.bias, dZ.sum(axis=1))
                    dX = W.T @ dZ
                    if step.x_block is not None:
                        adj[step.x_block][step.x_rows] += dX
                    else:
                        for i, s in enumerate(step.xs):
                            _add(adj, rows, s, dX[i])
                else:
                    dA = adj[step.block]
                    if find_fault:
                        self._check_grad(dA, step.rows[0], step.op.name)
                    (d,) = step.op.local_derivatives([env[step.in_block]], step.k, env[step.block])
                    adj[step.in_block] += d * dA
        for i, s in self.loose:
            if adj[s] is not None:
                leaf_grads[i] += np.sum(adj[s])
        bad = np.flatnonzero(~np.isfinite(leaf_grads))
        if len(bad):
            if not find_fault:
                self.reverse(env, seeds, find_fault=True)  # raises at the first bad node
            leaf = self.leaves[bad[0]]
            raise NonFiniteGradientError(
                f"compiled program: the gradient of {leaf.label or 'a leaf'!r} "
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
        from .program_text import describe  # one job per file: printing is not running

        return describe(self)

    def show(self) -> None:
        """Print `text()`: the bridge from the scalar graph of §4.5 to the matrix form of §4.4."""
        print(self.text())


def _forward(op: Op, args: list[Any], k: Any) -> Any:
    kind = op.kind
    if kind == UNARY:
        return op.forward(args[0])
    if op.takes_number:
        return op.forward(args[0], k)
    if kind == BINARY:
        return op.forward(args[0], args[1])
    return op.forward(args, k)


def _apply_eager(op: Op, args: list[Value], k: Any) -> Value:
    return apply(op, *args, k) if op.takes_number else apply(op, *args)


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


# ---- tracing: from a graph to a program --------------------------------------------------------


def trace(f: Callable[..., Any], example: Sequence[float], names: Sequence[str]) -> Program:
    """Run f once on placeholder Values holding `example` and record its graph as a Program."""
    inputs = [_placeholder(x, name) for x, name in zip(example, names)]
    with enable_grad():
        result = f(*inputs)
    many = isinstance(result, (list, tuple))
    outs = [_as_node(r) for r in (result if many else [result])]
    if not outs:
        raise TypeError("compile: f returned an empty list; it must return a Value or Values")
    return _build(inputs, outs, tuple(names), many)


def _as_node(r: Any) -> Value:
    if isinstance(r, Value):
        return r
    if isinstance(r, (int, float, np.floating, np.integer)) and not isinstance(r, bool):
        return Value(float(r))
    raise TypeError(f"compile: f must return Values (or a list of them), got {type(r).__name__}")


def _order(outs: list[Value]) -> list[Value]:
    seen: set[int] = set()
    order: list[Value] = []
    for out in outs:
        for node in topological_order(out):
            if id(node) not in seen:
                seen.add(id(node))
                order.append(node)
    return order


def _build(inputs: list[Value], outs: list[Value], names: tuple[str, ...], many: bool) -> Program:
    order = _order(outs)
    slot: dict[int, int] = {}
    input_ids = {id(v): i for i, v in enumerate(inputs)}
    input_slots = [0] * len(inputs)
    leaves: list[Value] = []
    leaf_slots: list[int] = []
    leaf_index: dict[int, int] = {}

    def new_slot(node: Value | None = None) -> int:
        s = len(slot_names)
        slot_names.append(node)
        if node is not None:
            slot[id(node)] = s
        return s

    slot_names: list[Value | None] = []
    for v in inputs:
        input_slots[input_ids[id(v)]] = new_slot(v)
    for node in order:
        if node.is_leaf and id(node) not in input_ids:
            leaf_index[id(node)] = len(leaves)
            leaves.append(node)
            leaf_slots.append(new_slot(node))

    layers = _layer_groups(order, leaf_index)
    consumers = _unary_consumers(order)
    steps: list[Any] = []
    row_of: dict[int, tuple[int, int]] = {}
    block_rows: dict[int, tuple[int, ...]] = {}
    done: set[int] = set()
    computed: dict[tuple, int] = {}  # (op, input slots, constant) -> the slot that holds it
    for node in order:
        op = node.op_info
        if op is None or id(node) in done:  # a leaf, or a member of a group already stepped
            continue
        group = layers.get(id(node))
        if group is not None:
            steps.append(_layer_step(group, slot, row_of, leaf_index, new_slot))
            block_rows[steps[-1].block] = steps[-1].rows
            done.update(map(id, group))
            continue
        mapped = _map_group(node, block_rows, row_of, slot, slot_names, consumers)
        if mapped is not None:
            in_block, members = mapped
            block = new_slot()
            rows = tuple(new_slot(m) for m in members)
            for j, s in enumerate(rows):
                row_of[s] = (block, j)
            steps.append(_MapStep(op, node.constant, in_block, block, rows))
            done.update(map(id, members))
            continue
        ins = tuple(slot[id(p)] for p in node.parents)
        k = node.constant
        key = (id(op), ins, (k, math.copysign(1.0, k)) if type(k) is float else k)
        if key in computed:  # the same op on the same slots: the same numbers (ops are pure)
            slot[id(node)] = computed[key]
            continue
        steps.append(_Step(op, ins, k, new_slot(node)))
        computed[key] = steps[-1].out
    for op in {id(s.op): s.op for s in steps if type(s) is not _LayerStep}.values():
        check_array_form(op)
    labels = {s: (n.label or n.op or "leaf") for s, n in enumerate(slot_names) if n is not None}
    read = {i for st in steps if type(st) is _Step for i in st.ins}
    read.update(i for st in steps if type(st) is _LayerStep and st.x_block is None for i in st.xs)
    read.update(slot[id(o)] for o in outs)
    for st in steps:
        if type(st) is not _Step:
            st.views = tuple((j, s) for j, s in enumerate(st.rows) if s in read)
    loose = tuple((i, s) for i, s in enumerate(leaf_slots) if s in read)
    return Program(
        names,
        tuple(input_slots),
        leaves,
        tuple(leaf_slots),
        steps,
        tuple(slot[id(o)] for o in outs),
        len(slot_names),
        row_of,
        loose,
        labels,
        many,
    )


def _layer_groups(order: list[Value], leaf_index: dict[int, int]) -> dict[int, list[Value]]:
    """Fused neuron nodes whose weights and bias are leaves, grouped by their inputs: each
    group is one layer's matrix product, keyed by the id of its first member (in order)."""
    by_inputs: dict[tuple[int, ...], list[Value]] = {}
    for node in order:
        if node.op != "neuron":
            continue
        ps = node.parents
        n = (len(ps) - 1) // 2
        if all(id(p) in leaf_index for p in (*ps[:n], ps[-1])):
            by_inputs.setdefault(tuple(map(id, ps[n : 2 * n])), []).append(node)
    return {id(group[0]): group for group in by_inputs.values()}


def _layer_step(group, slot, row_of, leaf_index, new_slot) -> _LayerStep:
    ps = group[0].parents
    n = (len(ps) - 1) // 2
    xs = tuple(slot[id(p)] for p in ps[n : 2 * n])
    weights = np.array([[leaf_index[id(w)] for w in z.parents[:n]] for z in group], dtype=np.intp)
    bias = np.array([leaf_index[id(z.parents[-1])] for z in group], dtype=np.intp)
    x_block, x_rows = None, slice(0)
    if xs and all(s in row_of for s in xs):
        blocks = {row_of[s][0] for s in xs}
        first = row_of[xs[0]][1]
        if len(blocks) == 1 and [row_of[s][1] for s in xs] == list(range(first, first + n)):
            (x_block,) = blocks
            x_rows = slice(first, first + n)
    saved = new_slot()
    block = new_slot()
    rows = tuple(new_slot(z) for z in group)
    for j, s in enumerate(rows):
        row_of[s] = (block, j)
    unique = len(np.unique(np.append(weights, bias))) == weights.size + bias.size
    return _LayerStep(weights, bias, xs, x_block, x_rows, block, rows, saved, unique)


def _unary_consumers(order: list[Value]) -> dict[int, list[Value]]:
    """For each node, the one-input op nodes that read it (activation candidates)."""
    consumers: dict[int, list[Value]] = {}
    for node in order:
        op = node.op_info
        if op is not None and op.kind in (UNARY, UNARY_PARAM):
            consumers.setdefault(id(node.parents[0]), []).append(node)
    return consumers


def _map_group(
    node, block_rows, row_of, slot, slot_names, consumers
) -> tuple[int, list[Value]] | None:
    """If `node` is an activation of a neuron of a layer and every neuron of that layer has
    the same activation (op and constant), those activation nodes, one per row in row order."""
    op = node.op_info
    if op.kind not in (UNARY, UNARY_PARAM) or not op.activation:
        return None
    parent_slot = slot[id(node.parents[0])]
    if parent_slot not in row_of or row_of[parent_slot][0] not in block_rows:
        return None
    block = row_of[parent_slot][0]
    members = []
    for s in block_rows[block]:
        match = [
            c
            for c in consumers.get(id(slot_names[s]), ())
            if c.op_info is op and c.constant == node.constant and id(c) not in slot
        ]
        if not match:
            return None
        members.append(match[0])
    return block, members


# ---- array forms: each op's own forward and rules, checked once on arrays ----------------------

_checked: dict[int, Op] = {}


def check_array_form(op: Op) -> None:
    """Raise NoArrayFormError unless op's forward and rules run on arrays and agree there with
    their float forms (checked once per op, at two points of its sample range)."""
    if id(op) in _checked:
        return
    ranges = list(op.sample) or [(0.5, 1.5)]
    n = 3 if op.kind == NARY else (2 if op.kind == BINARY else 1)
    columns = [np.array([lo + 0.3 * (hi - lo), lo + 0.7 * (hi - lo)]) for lo, hi in ranges]
    xs = [columns[min(i, len(columns) - 1)] + 0.01 * i for i in range(n)]
    k = None
    if op.takes_number:
        lo, hi = ranges[1] if len(ranges) > 1 else (0.5, 1.5)
        k = lo + 0.4 * (hi - lo)
    what = "forward"
    try:
        out = _forward(op, xs, k)
        what = "local-derivative rule"
        grads = op.local_derivatives(xs, k, out)
        for e in range(2):
            fx = [float(x[e]) for x in xs]
            f_out = _forward(op, fx, k)
            f_grads = op.local_derivatives(fx, k, f_out)
            got = [np.broadcast_to(out, (2,))[e], *(np.broadcast_to(g, (2,))[e] for g in grads)]
            for a, b in zip(got, [f_out, *f_grads]):
                if not abs(a - b) <= 1e-12 * max(1.0, abs(b)):
                    raise ValueError(f"on arrays it gives {a!r} where floats give {b!r}")
    except (TypeError, ValueError, AttributeError) as e:
        raise NoArrayFormError(
            f"compile: op {op.name!r} has no array form: its {what} does not run on numpy "
            f"arrays ({e}). Write it with the functions of micrograd_nndl.ops that work on "
            "floats, Values and arrays (where, clip, d_exp, d_log, ...)"
        ) from None
    _checked[id(op)] = op


# ---- the user's handle ------------------------------------------------------------------------


class Compiled:
    """`compile(f)`: call it on arrays of samples; `.grad` and `.value_and_grad` differentiate.

    f takes scalar Values (one per input) and returns a Value or a list of Values. Calling the
    compiled function with arrays of shape (B,) (or numbers, broadcast) returns an array (B,)
    per output. The first call traces f (`trace_seconds` says how long it took).
    """

    def __init__(self, f: Callable[..., Any]) -> None:
        if not callable(f):
            raise TypeError(f"compile needs a function, got {type(f).__name__}")
        self.f = f
        self.program: Program | None = None
        self.trace_seconds = 0.0

    def trace(self, *example: float) -> Program:
        """Trace f on placeholders holding one sample's inputs (the first call does this)."""
        start = time.perf_counter()
        self.program = trace(self.f, [float(x) for x in example], _input_names(self.f, example))
        self.trace_seconds = time.perf_counter() - start
        return self.program

    def _run(self, inputs: Sequence[Any]) -> tuple[Program, list[Any], int]:
        arrays = _batch(inputs)
        if self.program is None:
            self.trace(*(a[0] for a in arrays))
        program = self.program
        assert program is not None
        if len(arrays) != len(program.input_slots):
            raise TypeError(
                f"compiled function: traced with {len(program.input_slots)} inputs, "
                f"called with {len(arrays)}"
            )
        return program, program.run(arrays), len(arrays[0]) if arrays else 1

    def __call__(self, *inputs: Any) -> Any:
        program, env, batch = self._run(inputs)
        return _outputs(program, env, batch)

    def value_and_grad(
        self,
        *inputs: Any,
        wrt: Sequence[Value],
        reduce: str = "mean",
        select: np.ndarray | None = None,
    ) -> tuple[Any, np.ndarray]:
        """(outputs, gradients): ∂/∂w of the first output, summed or averaged over the batch
        (`reduce`), for each w in `wrt`, as an array; other outputs ride along, as jax's
        has_aux. Equal to summing `backward()` over the samples one by one.

        select: for each sample, the index of the output to differentiate (outputs that are
        alternatives, e.g. one loss per label value: sample i counts output select[i])."""
        if reduce not in ("mean", "sum"):
            raise ValueError(f'grad: reduce must be "mean" or "sum", not {reduce!r}')
        program, env, batch = self._run(inputs)
        scale = 1.0 / batch if reduce == "mean" else 1.0
        if select is None:
            seeds = {0: np.full(batch, scale)}
        else:
            seeds = {int(k): (select == k) * scale for k in np.unique(select)}
        leaf_grads = np.append(program.reverse(env, seeds), 0.0)  # the last: w not in the graph
        return _outputs(program, env, batch), leaf_grads[program.positions(wrt)]

    def grad(self, *inputs: Any, wrt: Sequence[Value], reduce: str = "mean") -> np.ndarray:
        """The gradients of `value_and_grad`, without the outputs."""
        return self.value_and_grad(*inputs, wrt=wrt, reduce=reduce)[1]

    def show(self) -> None:
        """Print the traced program (see `Program.show`); trace first by calling it once."""
        if self.program is None:
            raise RuntimeError("compiled function: not traced yet; call it once (or .trace())")
        self.program.show()


def compile(f: Callable[..., Any]) -> Compiled:
    """Trace f once and replay it on numpy batches (see the module docstring)."""
    return Compiled(f)


def _input_names(f: Callable[..., Any], example: Sequence[Any]) -> list[str]:
    try:
        params = list(inspect.signature(f).parameters.values())
    except (TypeError, ValueError):
        params = []
    names = [p.name for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    if len(names) < len(example):
        names = [f"x{i + 1}" for i in range(len(example))]
    return names[: len(example)]


def _batch(inputs: Sequence[Any]) -> list[np.ndarray]:
    """The inputs as float arrays of one common shape (B,), every number finite."""
    arrays = []
    for i, x in enumerate(inputs):
        try:
            a = np.asarray(x, dtype=float)
        except (TypeError, ValueError) as e:
            raise TypeError(
                f"compiled function: input {i} is not an array of numbers ({e})"
            ) from None
        if a.ndim > 1:
            raise ValueError(f"compiled function: input {i} has shape {a.shape}, expected (B,)")
        bad = np.flatnonzero(~np.isfinite(a))
        if len(bad):
            x = float(a.reshape(-1)[bad[0]])
            raise ValueError(
                f"compiled function: input {i}, sample {bad[0]} is {x!r}; "
                "every input must be finite"
            )
        arrays.append(a)
    if not arrays:
        return arrays
    if arrays[0].ndim == 1 and len(arrays[0]) and all(a.shape == arrays[0].shape for a in arrays):
        return arrays  # the common case: columns of one batch
    columns = [(i, len(a)) for i, a in enumerate(arrays) if a.ndim == 1]
    other = next(((j, m) for j, m in columns if m != columns[0][1]), None) if columns else None
    if other is not None:  # numpy would stretch a column of 1 silently, or fail in its words
        (i, n), (j, m) = columns[0], other
        raise ValueError(
            f"compiled function: input {i} has {n} samples but input {j} has {m}; give every "
            "input the same number of samples B (or a plain number, used for every sample)"
        )
    shape = np.broadcast_shapes(*(a.shape for a in arrays))
    if shape == () or shape[0] == 0:
        if shape == ():
            shape = (1,)
        else:
            raise ValueError("compiled function: an empty batch (B = 0)")
    return [np.ascontiguousarray(np.broadcast_to(a, shape)) for a in arrays]


def _outputs(program: Program, env: list[Any], batch: int) -> Any:
    outs = [
        env[s].copy()
        if np.shape(env[s]) == (batch,)
        else np.broadcast_to(np.asarray(env[s], dtype=float), (batch,)).copy()
        for s in program.outputs
    ]
    return tuple(outs) if program.many else outs[0]
