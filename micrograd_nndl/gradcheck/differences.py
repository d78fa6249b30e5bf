"""The numbers a gradient check compares: backward()'s gradients and central differences
(NNDL §4.5.1), first order and, for the Hessian, second.

f′(x) ≈ (f(x + Δ) − f(x − Δ)) / 2Δ has truncation error O(Δ²), against O(Δ) for the one-sided
form. `Replay` computes the differences of a many-input f from one recorded graph.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from typing import Any

from ..engine import Value, apply, no_grad, topological_order
from ..errors import MathError
from ..functional import evaluate
from ..ops import NARY, Op


def as_float(x: float | Value) -> float:
    return x.data if isinstance(x, Value) else float(x)


def input_names(f: Callable[..., Any], count: int) -> list[str]:
    """The names the user gave f's inputs (`lambda x, w: ...` gives x and w), so a table and
    an error say ∂f/∂w, not ∂f/∂x2; x1, x2, ... where the signature does not name `count`
    positional inputs (`*args`, a builtin)."""
    try:
        params = list(inspect.signature(f).parameters.values())
    except (TypeError, ValueError):
        params = []
    positional = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    names = [p.name for p in params if p.kind in positional]
    if len(names) >= count and len(set(names[:count])) == count:
        return names[:count]
    return [f"x{i + 1}" for i in range(count)]


def _leaves(xs: Sequence[float], names: Sequence[str]) -> list[Value]:
    return [Value(x, name) for x, name in zip(xs, names)]


def _value_at(
    f: Callable[..., Value], xs: list[float], i: int, step: float, names: Sequence[str]
) -> float:
    """f at x + step·eᵢ, with no graph; an error names the input by `names`."""
    shifted = list(xs)
    shifted[i] += step
    return stepped(lambda: _output_data(f, _leaves(shifted, names)), names[i], step)


def stepped(value: Callable[[], float], name: str, step: float) -> float:
    """value() with no graph; a domain error says it came from a central-difference step."""
    try:
        with no_grad():
            return value()
    except MathError as e:
        raise type(e)(
            f"{e} — while evaluating f at {name} {'+' if step > 0 else '−'} {abs(step):g} "
            f"(a central-difference step: move the point away from the domain's edge, or "
            f"pass a smaller eps)"
        ) from None


def _output_data(f: Callable[..., Value], leaves: Sequence[Value]) -> float:
    return result_of(f(*leaves), "f").data


def result_of(out: object, what: str) -> Value:
    if not isinstance(out, Value):
        raise TypeError(f"{what} must return a Value, got {type(out).__name__}")
    return out


def numeric_grads(
    f: Callable[..., Value],
    inputs: Sequence[float | Value],
    eps: float = 1e-6,
    names: Sequence[str] | None = None,
) -> list[float]:
    """Central differences (f(x + eps·eᵢ) − f(x − eps·eᵢ)) / 2eps for each input i; `names`
    label the inputs in an error (by default f's own names, `input_names`)."""
    xs = [as_float(x) for x in inputs]
    names = input_names(f, len(xs)) if names is None else list(names)
    return [
        (_value_at(f, xs, i, eps, names) - _value_at(f, xs, i, -eps, names)) / (2 * eps)
        for i in range(len(xs))
    ]


#: one op node of a replayed graph: (its slot, its op, its input slots, its stored number)
_Entry = tuple[int, Op, tuple[int, ...], float | None]


class Replay:
    """f's graph, recorded once at `inputs`, evaluated again with one input moved.

    Only the nodes the moved input reaches are recomputed, each from its op, its inputs' new
    numbers and its stored constant as the engine computes it (`apply` for an op with a domain
    check, the op's forward on floats, which `apply` calls, for the others), so
    `values(i, steps)` is bit for bit what evaluating f at each moved point gives, at the cost
    of those nodes instead of the whole of f: the central differences of a 1000-variable
    formula in about a second instead of ten.

    Valid for an f that builds the same graph at every point (a parsed formula; no Python
    branch on a value). Where a replay cannot stand in for f (replaying the point itself does
    not give every node's value, or a step fails), f is evaluated there instead, so a domain
    error is f's own, naming the input and the step. `root` and `leaves` (labelled by `names`,
    by default f's own names, `input_names`) are the recorded graph.
    """

    def __init__(
        self,
        f: Callable[..., Value],
        inputs: Sequence[float | Value],
        names: Sequence[str] | None = None,
    ) -> None:
        self.f = f
        self.xs = [as_float(x) for x in inputs]
        self.names = input_names(f, len(self.xs)) if names is None else list(names)
        self.leaves = _leaves(self.xs, self.names)
        self.root = evaluate(f, self.leaves)
        self._order = topological_order(self.root)
        slot = {id(node): s for s, node in enumerate(self._order)}
        #: one entry (slot, op, input slots, stored constant) per op node, in evaluation order
        self._program: dict[int, _Entry] = {}
        self._readers: list[list[int]] = [[] for _ in self._order]
        for s, node in enumerate(self._order):
            op = node.op_info
            if op is not None:
                ins = tuple(slot[id(p)] for p in node.parents)
                self._program[s] = (s, op, ins, node.constant)
                for k in dict.fromkeys(ins):
                    self._readers[k].append(s)
        self._inputs = [slot.get(id(leaf)) for leaf in self.leaves]
        self._data = [node.data for node in self._order]  # the replay's values, by slot
        self.faithful = self._reproduces()

    def values(self, i: int, steps: Sequence[float]) -> list[float]:
        """f at inputs + step·eᵢ for each of `steps` (a MathError if f is undefined there)."""
        moved = self._replayed(i, steps) if self.faithful else None
        if moved is None:
            moved = [_value_at(self.f, self.xs, i, step, self.names) for step in steps]
        return moved

    def _reproduces(self) -> bool:
        """Whether every op node, applied again to its recorded inputs, gives its own value."""
        program = list(self._program.values())
        try:
            self._run(program)
            return all(self._data[s] == self._order[s].data for s in self._program)
        except Exception:  # any op that cannot run again: f is evaluated instead
            return False
        finally:
            self._restore(program)

    def _run(self, program: list[_Entry]) -> None:
        """Each entry's op on the numbers in its input slots, as `apply` computes it: an op
        with a domain check through `apply` itself, the others by their forward on floats
        (what `apply` calls after its checks); a result that is not finite stops the replay,
        and f, evaluated at the step, says why."""
        data = self._data
        with no_grad():
            for s, op, ins, constant in program:
                args: list[Any] = [data[k] for k in ins]
                if op.check is None:
                    if op.kind == NARY:  # forward(xs, None), as `apply` and `ops.fn` call it
                        r = op.forward(tuple(args), None)
                    else:
                        r = op.forward(*args) if constant is None else op.forward(*args, constant)
                    r = float(r)
                else:
                    values = [Value(x) for x in args]
                    node = apply(op, *values) if constant is None else apply(op, *values, constant)
                    r = node.data
                if r - r != 0.0:
                    raise ArithmeticError(f"{op.name} gave {r!r}")
                data[s] = r

    def _restore(self, program: list[_Entry]) -> None:
        for s, *_ in program:
            self._data[s] = self._order[s].data

    def _reached(self, start: int) -> list[_Entry]:
        """The program's entries of the nodes that depend on slot `start`, in evaluation order."""
        seen, stack = {start}, [start]
        while stack:
            for reader in self._readers[stack.pop()]:
                if reader not in seen:
                    seen.add(reader)
                    stack.append(reader)
        seen.discard(start)
        return [self._program[s] for s in sorted(seen)]

    def _replayed(self, i: int, steps: Sequence[float]) -> list[float] | None:
        start = self._inputs[i]
        if start is None:  # an input f does not read
            return [self.root.data for _ in steps]
        program, results = self._reached(start), []
        try:
            for step in steps:
                self._data[start] = Value(self.xs[i] + step).data  # checked as f's leaf is
                self._run(program)
                results.append(self._data[-1])
        except Exception:  # f, evaluated at the step, raises the error to show (or succeeds)
            return None
        finally:
            self._data[start] = self.xs[i]
            self._restore(program)
        return results


def one_graph_grads(
    f: Callable[..., Value], xs: list[float], eps: float, names: Sequence[str]
) -> tuple[list[float], list[float]]:
    """backward()'s gradients and the central differences from ONE evaluation of f, its
    graph replayed for each moved input (see `Replay`)."""
    replay = Replay(f, xs, names)
    replay.root.backward()
    backward = [leaf.grad for leaf in replay.leaves]
    central = []
    for i in range(len(xs)):
        up, down = replay.values(i, (eps, -eps))
        central.append((up - down) / (2 * eps))
    return backward, central


def analytic_grads(f: Callable[..., Value], inputs: Sequence[float | Value]) -> list[float]:
    """∂f/∂xᵢ by one backward pass on fresh leaves (the inputs' own grads are not touched)."""
    leaves = _leaves([as_float(x) for x in inputs], input_names(f, len(inputs)))
    evaluate(f, leaves).backward()
    return [leaf.grad for leaf in leaves]


def numeric_hessian(f: Callable[..., Value], xs: list[float], eps: float) -> list[list[float]]:
    """Hᵢⱼ ≈ (∂f/∂xᵢ(x + εeⱼ) − ∂f/∂xᵢ(x − εeⱼ)) / 2ε, with ∂f/∂xᵢ from backward()."""
    columns = []
    for j in range(len(xs)):
        up, down = list(xs), list(xs)
        up[j] += eps
        down[j] -= eps
        g_up, g_down = analytic_grads(f, up), analytic_grads(f, down)
        columns.append([(u - d) / (2 * eps) for u, d in zip(g_up, g_down)])
    return [[columns[j][i] for j in range(len(xs))] for i in range(len(xs))]
