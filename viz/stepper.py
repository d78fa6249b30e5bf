"""Back-propagation one edge at a time (NNDL §4.5.3, reverse mode), exactly as backward() runs.

`backward()` visits nodes in `backward_order(root)` and, for each input of a node, adds
local × node.grad into the input's gradient:

    parent.grad ← local × node.grad                 (first contribution)
    parent.grad ← parent.grad + local × node.grad   (another path: the chain rule adds)

The step-through makes the same visit and the same float operations, so its gradients equal
backward's bit for bit; it only keeps them to itself, leaving the graph untouched.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass

from micrograd_nndl import NonFiniteGradientError, Value, backward_order

from .dot import Drawing, draw
from .fmt import check_digits, format_number
from .graph import Graph, stored_grad
from .text import format_graph


@dataclass(frozen=True, repr=False)
class BackwardStep:
    """One edge of reverse mode: `parent` (argument `argument` of `node`) receives
    local × upstream, where local = ∂node/∂parent and upstream = ∂root/∂node."""

    number: int
    node: Value
    argument: int
    local: float
    upstream: float
    before: float | None
    after: float
    text: str

    @property
    def parent(self) -> Value:
        """The input that receives the gradient."""
        return self.node.parents[self.argument]

    @property
    def contribution(self) -> float:
        """local × upstream: this path's share of ∂root/∂parent."""
        return self.local * self.upstream

    def __repr__(self) -> str:
        return self.text


def backward_steps(root: Value, digits: int = 6) -> Iterator[BackwardStep]:
    """Yield backward()'s gradient updates one edge at a time, without touching the graph.

    Leaves start from their current gradient (backward() accumulates into leaves, as in
    PyTorch); the nodes made by ops start from none, and the root from ∂root/∂root = 1.
    """
    return BackwardStepper(root, digits=digits).remaining()


class BackwardStepper:
    """Step through `root.backward()`: `step()` does one edge, `grad(node)` reads the state.

    >>> s = BackwardStepper(f); s.step()       # doctest: +SKIP
    step 1/8: h5.grad ← ∂h6/∂h5 × h6.grad = -0.25 × 1 = -0.25
    """

    def __init__(self, root: Value, digits: int = 6) -> None:
        self.graph = Graph(root)
        self.root = root
        self.digits = check_digits(digits)
        self.order = backward_order(root)
        self.total = sum(len(node.parents) for node in self.order)
        self.history: list[BackwardStep] = []
        # what backward() starts from: leaves keep (and add to) their gradient, others restart
        self._grads: dict[int, float | None] = {
            id(node): stored_grad(node) if node.is_leaf else None for node in self.graph.nodes
        }
        previous = self._grads[id(root)]
        self._grads[id(root)] = 1.0 if previous is None else previous + 1.0  # ∂root/∂root = 1
        self._next = (0, 0)  # (position in order, argument) of the next edge

    @property
    def done(self) -> bool:
        """True once every edge has been stepped."""
        return len(self.history) == self.total

    def grad(self, node: Value) -> float | None:
        """∂root/∂node as far as the steps so far have summed it (None: not reached yet)."""
        self.graph.index(node)  # a clear error for a node of another graph
        return self._grads[id(node)]

    def step(self) -> BackwardStep | None:
        """Do the next edge and return it; None when backward is complete."""
        position, arg = self._next
        while position < len(self.order) and arg == len(self.order[position].parents):
            position, arg = position + 1, 0
        if position == len(self.order):
            return None
        step = self._do(self.order[position], arg)  # on an error, stays at this edge
        self._next = (position, arg + 1)
        return step

    def remaining(self) -> Iterator[BackwardStep]:
        """Step to the end, yielding each step."""
        while (step := self.step()) is not None:
            yield step

    def run(self) -> list[BackwardStep]:
        """Step to the end; return the steps just done."""
        return list(self.remaining())

    def draw(self, **options: object) -> Drawing:
        """The graph with the step-through's gradients, the last step's edge highlighted."""
        last = self.history[-1] if self.history else None
        highlight = (last.node, last.argument) if last else None
        return draw(self.root, grad_of=self.grad, highlight=highlight, **options)

    def table(self) -> str:
        """The text view with the step-through's gradients."""
        return format_graph(self.root, grad_of=self.grad, digits=self.digits)

    def __repr__(self) -> str:
        lines = [step.text for step in self.history] or ["no step yet"]
        lines.append(f"{len(self.history)} of {self.total} steps done")
        return "\n".join(lines)

    def _do(self, node: Value, arg: int) -> BackwardStep:
        number = len(self.history) + 1
        parent = node.parents[arg]
        edge = self.graph.edge(node, arg)
        try:
            local = node.local_grads()[arg]
        except (ArithmeticError, ValueError) as e:
            reason = self.graph.undefined(node, None, str(e))
            raise NonFiniteGradientError(f"step {number}: {reason}") from None
        upstream = self._grads[id(node)]
        before = self._grads[id(parent)]
        after = local * upstream if before is None else before + local * upstream
        if not math.isfinite(after):
            raise NonFiniteGradientError(
                f"step {number}: {self.graph.name(parent)}.grad became {after!r}: "
                f"{edge} = {local!r} times {self.graph.name(node)}.grad = {upstream!r}"
            )
        self._grads[id(parent)] = after
        text = self._explain(number, node, parent, edge, local, upstream, before, after)
        step = BackwardStep(number, node, arg, local, upstream, before, after, text)
        self.history.append(step)
        return step

    def _explain(
        self,
        number: int,
        node: Value,
        parent: Value,
        edge: str,
        local: float,
        upstream: float,
        before: float | None,
        after: float,
    ) -> str:
        """ "step 3/7: h4.grad ← ∂h5/∂h4 × h5.grad = 1 × -0.25 = -0.25", with "h4.grad +"
        and its old value in front when another path reached h4 first."""
        digits = self.digits
        target, source = self.graph.name(parent), self.graph.name(node)
        terms = f"{edge} × {source}.grad"
        values = f"{format_number(local, digits)} × {format_number(upstream, digits)}"
        if before is not None:
            terms = f"{target}.grad + {terms}"
            values = f"{format_number(before, digits)} + {values}"
        return (
            f"step {number}/{self.total}: {target}.grad ← {terms} = {values} "
            f"= {format_number(after, digits)}"
        )
