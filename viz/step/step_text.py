"""What each step of the step-through says (NNDL §4.5.3), in the graph's names and the
catalog's words: a forward step's formula, a backward step's gradient updates with why a
term is nan (a rule that cannot compute, sqrt′(0)) or 0 (a flat op stops an inf or nan
gradient), and, where backward() would refuse a leaf's gradient, where that started.

    forward 1/6: h1 = x × w = 1 × 0 = 0
    backward 2/7: h5.grad += ∂h6/∂h5 × h6.grad = (-0.25) × 1 = -0.25
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from micrograd_nndl import NonFiniteGradientError, Value
from micrograd_nndl.engine import nonfinite_error, reference_backward

from ..graph import Graph, derivative_at
from ..number_format import format_factor, format_number
from ..words import Words
from .formula import forward_formula


@dataclass(frozen=True, repr=False)
class Update:
    """One edge of a backward step: parent.grad += local × upstream, where local is
    ∂node/∂parent and upstream is node.grad; `before` is None for the first contribution
    (then after = 0.0 + local × upstream, as backward() starts every gradient at 0.0)."""

    node: Value
    argument: int
    local: float
    upstream: float
    before: float | None
    after: float
    term: float  # what the input gains, as the engine adds it (`terms_of`)
    failure: str | None = None  # why the local derivative is nan: its rule could not compute

    @property
    def parent(self) -> Value:
        """The input whose gradient this update adds to."""
        return self.node.parents[self.argument]

    @property
    def flat(self) -> bool:
        """True where the engine adds 0, not 0 × an inf or nan gradient: the node's op is flat
        around this input (relu below 0), so the root does not move with it."""
        return self.term == 0.0 and not math.isfinite(self.local * self.upstream)


class StepText:
    """The sentences of one stepper's steps: its graph's names, its words (language), its
    digits, and at most `max_inputs` inputs written per step (None: all)."""

    def __init__(self, graph: Graph, words: Words, digits: int, max_inputs: int | None) -> None:
        self.graph, self.words, self.digits, self.max_inputs = graph, words, digits, max_inputs

    def forward(self, node: Value) -> str:
        """ "h1 = x × w = 1 × 0 = 0": the node's formula in names, then in numbers."""
        name, cap = self.graph.name, self.max_inputs

        def number(x: float) -> str:
            return format_number(x, self.digits)

        return (
            f"{name(node)} = {forward_formula(node, name, number, cap)} = "
            f"{forward_formula(node, lambda p: number(p.data), number, cap)} = "
            f"{number(node.data)}"
        )

    def backward(self, node: Value, updates: list[Update]) -> str:
        """What a backward step did: one line per gradient update, under a line naming the
        inputs when there are several; at most max_inputs of each, then how many more."""
        cap = len(updates) if self.max_inputs is None else self.max_inputs
        lines = [self.update(u) for u in updates[:cap]]
        if len(updates) > 1:
            names = self.graph.inputs_text(node, self.max_inputs, self.words)
            lines.insert(0, self.words("stepper.sends", node=self.graph.name(node), inputs=names))
        if len(updates) > cap:
            lines.append(self.words("stepper.more_updates", count=f"{len(updates) - cap:,}"))
        return "\n  ".join(lines)

    def update(self, u: Update) -> str:
        """ "h5.grad += ∂h6/∂h5 × h6.grad = (-0.25) × 1 = -0.25", and the sum when another
        path reached the input first: ", so x.grad = 1 + 3 = 4"; why a term is nan (a rule
        that cannot compute) or 0 (a flat op stops an inf or nan gradient), as backward() has."""
        target, source, digits = self.graph.grad(u.parent), self.graph.grad(u.node), self.digits
        product = u.term
        text = (
            f"{target} += {self.graph.edge(u.node, u.argument)} × {source} = "
            f"{format_factor(u.local, digits)} × {format_factor(u.upstream, digits)} = "
            f"{format_number(product if u.before is not None else u.after, digits)}"
        )
        if u.before is not None:
            text += self.words(
                "stepper.so",
                grad=target,
                before=format_number(u.before, digits),
                product=format_factor(product, digits),
                after=format_number(u.after, digits),
            )
        if u.failure is not None:  # backward() passes nan on, as this step does
            edge = self.graph.edge(u.node, u.argument)
            reason = derivative_at(u.node, digits)  # sqrt′(0): in no language's words
            text += self.words("stepper.undefined", symbol=edge, reason=reason)
        if u.flat:  # backward() adds 0 here, not 0 × nan
            text += self.words(
                "stepper.flat",
                op=u.node.op,
                input=self.graph.name(u.parent),
                node=self.graph.name(u.node),
                grad=source,
            )
        return text

    def refusal(
        self, root: Value, number: int, leaf: Value, done: list[Update]
    ) -> NonFiniteGradientError:
        """backward()'s error for `leaf`'s gradient that is not finite, placed where backward()
        places it (`nonfinite_error`: a rule that could not compute, an edge whose term
        overflowed, or a sum of finite terms that did), said with the steps' names and numbers.
        """
        graph = self.graph
        grads = reference_backward(root)
        placed = nonfinite_error(root, grads, leaf)
        start, edge = placed.node, placed.edge
        if edge is None and math.isfinite(grads[start]):  # start's own rule could not compute
            said = graph.undefined(start, None)
        else:  # the update at which start's gradient stopped being finite
            u = next(
                u
                for u in done
                if u.parent is start and u.node is (edge or u.node) and not math.isfinite(u.after)
            )
            said = f"{graph.grad(start)} became {u.after!r}: " + (
                f"{u.before!r} + {u.term!r} is too large for a float"
                if edge is None
                else f"{graph.edge(edge, u.argument)} = {u.local!r} times "
                f"{graph.grad(edge)} = {u.upstream!r}"
            )
        return NonFiniteGradientError(
            f"backward step {number}: {said}", node=start, op=placed.op, edge=edge
        )
