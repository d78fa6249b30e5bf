"""Both passes of NNDL §4.5.3 one step at a time, exactly as the engine computes them.

Forward: each node made by an op, in evaluation order, reveals its value:

    forward 1/6: h1 = x × w = 1 × 0 = 0

Backward: ∂f/∂f = 1 starts the pass; then each node, in the order backward() visits it
(`backward_order`), sends its gradient to its inputs by the chain rule, with the op table's
local derivatives. An input that several paths reach adds the products up:

    backward 2/7: h5.grad += ∂h6/∂h5 × h6.grad = (-0.25) × 1 = -0.25

Each addition is the float operation backward() does, grad = grad + local × g with every
gradient starting at 0.0, so the final gradients equal backward()'s bit for bit. They stay in
the stepper (`grads`) and reach the nodes' `.grad` only when the learner calls `apply()`.

At a prompt the stepper speaks as the table does: its repr is the last step's sentence and a
compact table by name, `values["h5"]` reads a node by its name, and a step past either end
returns a `Stop` that says where the passes are (false, so `while s.forward():` still ends).
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from micrograd_nndl import (
    NonFiniteGradientError,
    Value,
    backward_order,
    format_columns,
    store_grads,
    terms_of,
)

from ..draw.dot import draw_dot
from ..draw.drawing import Drawing, image_format
from ..draw.style import Frames
from ..errors import VizError
from ..graph import Graph, graph_of
from ..number_format import DIGITS, check_digits, check_limit, format_number
from ..words import Words, translator
from .by_name import ByName
from .step_text import StepText, Update
from .text import MAX_ROWS, MAX_WIDTH, format_graph

FORWARD, BACKWARD = "forward", "backward"
MAX_INPUTS = 8  # inputs one step writes out, as the other text views cap their rows
REPR_ROWS = 12  # rows of the compact table a prompt shows (the first and last halves)
#: Stops in a row after which a loop is taken to wait for the None a Stop replaced
#: (`while s.forward() is not None:`): it gets an error rather than spinning for ever.
MAX_STOPS = 1000


#: The page a notebook shows for a stepper: `viz.web.notebook` puts it here when it loads.
_NOTEBOOK_VIEW: list[Callable[[Stepper], str]] = []


def show_in_notebooks(view: Callable[[Stepper], str]) -> None:
    """Make `view(stepper)` the HTML a notebook shows for every stepper. The page builds on the
    stepper, so the stepper is handed its view rather than importing it (no import circle)."""
    _NOTEBOOK_VIEW[:] = [view]


@dataclass(frozen=True, repr=False)
class Step:
    """One step of a pass: `number` of `total` in `direction` ("forward" or "backward"),
    the `node` computed (forward) or sending its gradient (backward), the gradient `updates`
    it made, and `text`, what it did in words and numbers (also its repr)."""

    direction: str
    number: int
    total: int
    node: Value
    updates: tuple[Update, ...]
    text: str
    lang: str = "en"

    @property
    def heading(self) -> str:
        """ "forward 2/6": which step of which pass, in the step's language."""
        return _heading(translator(self.lang), self.direction, self.number, self.total)

    def __repr__(self) -> str:
        return self.text

    __str__ = __repr__


def _heading(words: Words, direction: str, number: int, total: int) -> str:
    return words(f"stepper.{direction}", number=number, total=total)


@dataclass(frozen=True, repr=False, eq=False)
class Stop:
    """What a step past either end returns instead of a step: its `text` (also its repr) says
    where the passes are and what comes next. It is false, so `while s.forward():` ends, and
    it equals None, so loops written for the None it replaces (`iter(s.forward, None)`) end."""

    text: str

    def __bool__(self) -> bool:
        return False

    def __eq__(self, other: object) -> bool:
        return other is None or (isinstance(other, Stop) and other.text == self.text)

    def __hash__(self) -> int:
        return hash(self.text)

    def __repr__(self) -> str:
        return self.text

    __str__ = __repr__


@dataclass(frozen=True, repr=False)
class Undo:
    """What `Stepper.back()` did: `undone`, the step taken back, and `now`, the last step still
    done (None: back at the start). Its text (also its repr) is what the command line prints:
    "undid forward 2/6, back to forward 1/6: h1 = x × w = 1 × 0 = 0"."""

    undone: Step
    now: Step | None

    @property
    def text(self) -> str:
        words = translator(self.undone.lang)
        now = words("stepper.the_start") if self.now is None else str(self.now)
        return words("stepper.undid", undone=self.undone.heading, now=now)

    def __repr__(self) -> str:
        return self.text

    __str__ = __repr__


class Stepper:
    """Drive both passes of `root` by hand: `forward()`, `backward()`, `back()`, `draw()`.

    Inputs (leaves) are known from the start; every other value and every gradient is "not
    computed" until a step computes it. `grads` and `values` map nodes (or their names, "h5")
    to what the steps have computed so far. The nodes' own `.grad` is left alone (the stepper
    starts from no gradients, whatever earlier backward() calls left) until `apply()` writes
    the result.

    A step's text writes out at most `max_inputs` inputs of a node (a maxout of 8000, a wide
    neuron) and says how many more; `Step.updates` holds every one, and max_inputs=None writes
    them all. `lang` is the language of the steps' words ("en", "zh"; see viz.words), and of
    the drawings and pages made from the stepper.
    """

    def __init__(
        self,
        root: Value | Graph,
        *,
        digits: int = DIGITS,
        max_inputs: int | None = MAX_INPUTS,
        lang: str | None = None,
    ) -> None:
        self.words = translator(lang)
        self.lang = self.words.lang
        self.graph = graph_of(root)  # a Graph is shared with the caller's other views
        self.root = root = self.graph.root
        self.digits = check_digits(digits)
        self.max_inputs = check_limit("max_inputs", max_inputs, 1)
        self._text = StepText(self.graph, self.words, self.digits, self.max_inputs)
        self._forward_nodes = [node for node in self.graph.nodes if not node.is_leaf]
        self._backward_nodes = backward_order(root)
        self._values: dict[Value, float] = {n: n.data for n in self.graph.nodes if n.is_leaf}
        self._grads: dict[Value, float] = {}
        self._history: list[Step] = []
        self._frames: Frames | None = None
        self._stops = 0  # Stops returned since the last step

    # ---- state ------------------------------------------------------------------------------

    @property
    def n_forward(self) -> int:
        """How many steps the forward pass has: one per node made by an op."""
        return len(self._forward_nodes)

    @property
    def n_backward(self) -> int:
        """How many steps the backward pass has: ∂f/∂f = 1, then one per node made by an op."""
        return 1 + len(self._backward_nodes)

    @property
    def values(self) -> ByName:
        """node → value, for the inputs and the nodes the forward steps have computed; a node
        may be given by its name: `s.values["h5"]`."""
        return ByName(self._values, self.graph, "value")

    @property
    def grads(self) -> ByName:
        """node → ∂root/∂node as far as the backward steps have summed it; a node may be given
        by its name: `s.grads["w"]`."""
        return ByName(self._grads, self.graph, "gradient")

    @property
    def history(self) -> tuple[Step, ...]:
        """The steps done so far, oldest first."""
        return tuple(self._history)

    @property
    def done(self) -> bool:
        """True once both passes are finished."""
        return len(self._history) == self.n_forward + self.n_backward

    def _count(self, direction: str) -> int:
        done = len(self._history)
        forward = min(done, self.n_forward)
        return forward if direction == FORWARD else done - forward

    # ---- stepping ---------------------------------------------------------------------------

    def forward(self) -> Step | Stop:
        """Compute the next node's value; a `Stop` saying so once the forward pass is finished."""
        done = self._count(FORWARD)
        if done == self.n_forward:
            return self._stop(FORWARD)
        node = self._forward_nodes[done]
        self._values[node] = node.data
        return self._record(FORWARD, node, (), self._text.forward(node))

    def backward(self) -> Step | Stop:
        """Apply the chain rule at the next node; a `Stop` saying so once the backward pass is
        finished.

        Raises VizError while the forward pass is unfinished (its values are needed), and
        NonFiniteGradientError, without moving, where a gradient is not a finite number.
        """
        left = self.n_forward - self._count(FORWARD)
        if left:
            raise VizError(
                f"the forward pass comes first: {left} forward step{'s' if left > 1 else ''} "
                "left (call forward() until it returns None)"
            )
        done = self._count(BACKWARD)
        if done == self.n_backward:
            return self._stop(BACKWARD)
        if done == 0:
            self._grads[self.root] = 1.0
            root, symbol = self.graph.grad(self.root), self.graph.derivative(self.root, self.root)
            text = self.words("stepper.start", grad=root, symbol=symbol)
            return self._record(BACKWARD, self.root, (), text)
        node = self._backward_nodes[done - 1]
        updates = self._updates(node, done + 1)
        for update in updates:
            self._grads[update.parent] = update.after
        return self._record(BACKWARD, node, tuple(updates), self._text.backward(node, updates))

    def back(self) -> Undo | Stop:
        """Undo the last step; say which (`Undo.undone`) and where the passes are now
        (`Undo.now`). At the start a `Stop`: nothing to undo."""
        if not self._history:
            return Stop(self.words("stepper.stop_start"))
        step = self._history.pop()
        if step.direction == FORWARD:
            del self._values[step.node]
        elif not step.updates:  # the first backward step: ∂f/∂f = 1
            del self._grads[self.root]
        for update in reversed(step.updates):
            if update.before is None:
                del self._grads[update.parent]
            else:
                self._grads[update.parent] = update.before
        return Undo(step, self._history[-1] if self._history else None)

    def apply(self, *, partial: bool = False) -> None:
        """Write the gradients into the nodes' `.grad`: after both passes, what backward() gives
        on a graph without gradients (it would add to leaves' old ones).

        Before the backward pass has finished the sums are partial (h5 has its gradient, w not
        yet), so apply() refuses and says how far the pass is; `partial=True` writes them all
        the same (the nodes not reached keep their `.grad`)."""
        done, total = self._count(BACKWARD), self.n_backward
        if done < total and not partial:
            missing = [self.graph.name(n) for n in self.graph.nodes if n not in self._grads]
            raise VizError(
                f"the backward pass is at step {done}/{total}: the gradients are partial "
                f"(not computed yet: {', '.join(missing[:6])}{', …' if len(missing) > 6 else ''})"
                "; call backward() until it says the pass is finished, or apply(partial=True) "
                "to write the partial sums"
            )
        store_grads(self._grads)  # as backward() leaves them: an inner node's may be nan

    # ---- seeing -----------------------------------------------------------------------------

    def draw(self, **options: Any) -> Drawing:
        """The graph as computed so far (the rest "—"), its text as the caption. A forward step
        marks its node and the inputs it read in red; a backward step marks in blue the edges
        it sent gradients along, pointing back from the node to its inputs. Every frame has the
        same size and node positions (room is kept for the numbers still to come), so frames
        can be flipped through like slides. Options as `draw_dot`."""
        last = self._history[-1] if self._history else None
        if last is None:
            highlight: list = []
        elif last.direction == FORWARD:
            highlight = [(last.node, arg) for arg in range(len(last.node.parents))]
        else:
            highlight = [(u.node, u.argument) for u in last.updates] or [last.node]
        options.setdefault("title", self._caption(last))
        options.setdefault("highlight", highlight)
        options.setdefault("flow", BACKWARD if last and last.direction == BACKWARD else FORWARD)
        options.setdefault("digits", self.digits)
        options.setdefault("frames", self.frames())
        options.setdefault("lang", self.lang)
        return draw_dot(self.graph, values=self.values, grads=self.grads, **options)

    def frames(self) -> Frames:
        """What the frames of both passes show (final gradients, every caption), found once
        by replaying the passes: `draw()` keeps room for all of it."""
        if self._frames is None:
            replay = self.replay()
            captions = [self._caption(None)]
            try:
                while step := replay.forward() or replay.backward():
                    captions.append(step.text)
            except NonFiniteGradientError:
                pass  # the frames stop where the gradient does
            self._frames = Frames(dict(replay.grads), tuple(captions))
        return self._frames

    def table(self, *, max_rows: int | None = MAX_ROWS, max_width: int | None = MAX_WIDTH) -> str:
        """The text view of the state so far ("—": not computed yet), bounded as
        `format_graph` bounds it (None: no limit)."""
        return format_graph(
            self.graph,
            values=self.values,
            grads=self.grads,
            digits=self.digits,
            max_rows=max_rows,
            max_width=max_width,
            lang=self.lang,
        )

    def save_steps(
        self, directory: str | os.PathLike[str], fmt: str = "png", **options: Any
    ) -> list[Path]:
        """Write one picture per step of both passes, from the start, as directory/step-00.png,
        step-01.png, … (slides for a lecture); options as `draw_dot`. Returns the paths.

        This stepper does not move: a fresh one replays the passes.
        """
        directory, fmt = Path(directory), fmt.lstrip(".")  # "png" or ".png"
        image_format(f"step.{fmt}")  # an unknown format fails before anything is written
        replay = self.replay()
        width = len(str(self.n_forward + self.n_backward))
        directory.mkdir(parents=True, exist_ok=True)
        paths: list[Path] = []
        while True:
            path = directory / f"step-{len(paths):0{width}d}.{fmt}"
            paths.append(replay.draw(**options).write_image(path))
            if not (replay.forward() or replay.backward()):
                return paths

    def _repr_html_(self) -> str | None:
        """Jupyter's rich display: the interactive page of both passes, as the web surface
        handed it over (`viz.web.notebook`); None (plain text) before it is loaded."""
        return None if not _NOTEBOOK_VIEW else _NOTEBOOK_VIEW[0](self)

    def _repr_png_(self) -> bytes:
        """A picture of the state reached, for a viewer that shows no page."""
        return self.draw()._repr_png_()

    def __repr__(self) -> str:
        """What a prompt shows: where the passes are, the last step's sentence, and a compact
        table of every value and gradient by name ("—": not computed yet)."""
        words = self.words
        last = self._history[-1].text if self._history else words("stepper.repr_none")
        head = words(
            "stepper.repr_head",
            root=self.graph.name(self.root),
            forward=f"{self._count(FORWARD)}/{self.n_forward}",
            backward=f"{self._count(BACKWARD)}/{self.n_backward}",
        )
        return f"{head}\n{last}\n{self._compact_table()}"

    def _compact_table(self) -> str:
        """node, value, grad: at most REPR_ROWS rows, the first and last halves (`table()` has
        every row and the ops and local derivatives)."""
        nodes = self.graph.nodes
        cut = len(nodes) > REPR_ROWS
        shown = nodes[: REPR_ROWS // 2] + nodes[-REPR_ROWS // 2 :] if cut else nodes
        rows = [
            (
                self.graph.name(n),
                self._number(self._values[n]) if n in self._values else "—",
                self._number(self._grads[n]) if n in self._grads else "—",
            )
            for n in shown
        ]
        words = self.words
        head = (words("column.node"), words("column.value"), words("column.grad"))
        lines = format_columns([head, *rows]).split("\n")
        if cut:
            more = words("stepper.repr_more", count=len(nodes) - REPR_ROWS)
            lines.insert(2 + REPR_ROWS // 2, more)
        return "\n".join(lines)

    # ---- helpers ----------------------------------------------------------------------------

    def replay(self) -> Stepper:
        """A fresh stepper of the same graph and options, at the start: to replay the passes
        without moving this one."""
        return Stepper(self.graph, digits=self.digits, max_inputs=self.max_inputs, lang=self.lang)

    def _stop(self, direction: str) -> Stop:
        """Where the passes are when `direction` has no step left, and what comes next."""
        self._stops += 1
        if self._stops > MAX_STOPS:
            raise VizError(
                f"{direction}() was called {MAX_STOPS} times past the end of the passes: a loop "
                "that waits for None (`while s.forward() is not None:`) never ends, since a "
                "step past the end returns a Stop; test its truth instead: `while s.forward():`"
            )
        if self.done:
            return Stop(self.words("stepper.stop_done"))
        done, total = self._count(BACKWARD), self.n_backward
        return Stop(
            self.words("stepper.stop_forward", done=self.n_forward, number=done + 1, total=total)
        )

    def _caption(self, step: Step | None) -> str:
        return step.text if step else self.words("stepper.before")

    def _number(self, x: float) -> str:
        return format_number(x, self.digits)

    def _record(self, direction: str, node: Value, updates: tuple, text: str) -> Step:
        number = self._count(direction) + 1
        total = self.n_forward if direction == FORWARD else self.n_backward
        heading = _heading(self.words, direction, number, total)
        text = self.words("stepper.step", heading=heading, text=text)
        step = Step(direction, number, total, node, updates, text, self.lang)
        self._history.append(step)
        self._stops = 0
        return step

    def _updates(self, node: Value, number: int) -> list[Update]:
        """The chain rule at `node`, computed before anything changes (an error moves nothing):
        the engine's terms (`terms_of`), so an interior gradient may be inf or nan as in
        backward(), and a leaf's that is not finite is refused as backward() refuses it.
        An input used twice (x * x) gets two updates, the second adding to the first."""
        upstream = self._grads[node]
        so_far: dict[Value, float] = {}
        updates = []
        for (_, arg, parent, local), term, failure in terms_of(node, upstream):
            before = so_far[parent] if parent in so_far else self._grads.get(parent)
            after = so_far[parent] = (0.0 if before is None else before) + term
            why = None if failure is None else str(failure)
            updates.append(Update(node, arg, local, upstream, before, after, term, why))
        for u in updates:
            if u.parent.is_leaf and not math.isfinite(u.after):
                done = [u for step in self._history for u in step.updates] + updates
                raise self._text.refusal(self.root, number, u.parent, done)
        return updates
