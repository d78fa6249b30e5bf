"""A graph as the views read it: its nodes in order, a unique name for each, local derivatives.

Every view (drawing, text, step-through, chain rule, command line) names a node the same way,
with `node_names`, so a name seen in a drawing is found in the text and in the steps. An
unlabelled node made by an op gets the book's name h1, h2, … in forward order (NNDL §4.5.3).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, deque
from collections.abc import Mapping

from micrograd_nndl import Value, book_name, derivative_text, name_in_formula, topological_order
from micrograd_nndl.naming import SUBSCRIPTS, SUPERSCRIPTS

from .errors import VizError
from .number_format import DIGITS, format_number
from .words import Words, translator


def require_value(obj: object, what: str) -> Value:
    """`obj` if it is a `Value`; else a TypeError that says which argument of which call."""
    if not isinstance(obj, Value):
        raise TypeError(f"{what} must be a micrograd_nndl.Value, not {type(obj).__name__}")
    return obj


class Graph:
    """The nodes `root` depends on, inputs first (NNDL §4.5.3's h1..h6 order), with names."""

    def __init__(self, root: Value) -> None:
        self.root = require_value(root, "root")
        self.nodes: list[Value] = topological_order(root)
        self._index = {id(node): i for i, node in enumerate(self.nodes)}
        self._names = node_names(self.nodes)
        self._by_name: dict[str, Value] | None = None  # made when a name is first looked up
        self._repeated: dict[int, frozenset[int]] = {}  # id(node) -> ids of inputs it has twice

    def __len__(self) -> int:
        return len(self.nodes)

    def __contains__(self, node: object) -> bool:
        return id(node) in self._index  # ids are unique among live objects: the graph's nodes

    def index(self, node: Value) -> int:
        """The position of `node` in `nodes` (a stable id for drawings: "n0", "n1", ...)."""
        if node not in self:
            raise VizError(f"{describe(node)} is not in the graph of {self.name(self.root)}")
        return self._index[id(node)]

    def name(self, node: Value) -> str:
        """The node's unique name in this graph."""
        return self._names[self.index(node)]

    def named(self, name: str) -> Value | None:
        """The node whose name is `name` (as `name` writes it: "h5", "w⁽¹⁾₁₂"), None if none."""
        if self._by_name is None:
            self._by_name = {shown: node for shown, node in zip(self._names, self.nodes)}
        return self._by_name.get(name)

    def node(self, key: int) -> Value:
        """The node whose id is `key`."""
        return self.nodes[self._index[key]]

    def nearest_to_root(self, count: int, start: Value | None = None) -> list[Value]:
        """The `count` nodes closest to the output (breadth first over inputs; or to `start`,
        among the nodes it is computed from), in forward order: what a drawing of a large
        graph shows, the end where the result is made."""
        start = self.root if start is None else start
        chosen = {id(start)}
        queue = deque([start])
        while queue and len(chosen) < count:
            for parent in queue.popleft().parents:
                if id(parent) not in chosen and len(chosen) < count:
                    chosen.add(id(parent))
                    queue.append(parent)
        return [node for node in self.nodes if id(node) in chosen]

    def edge(self, node: Value, argument: int) -> str:
        """ "∂h1/∂w" for input `argument` of `node`; "∂y/∂x (input 2)" when x is an input twice
        (x * x: two edges, two terms of the chain rule); a name that is a formula in
        parentheses, "∂(x1*w1 + x2*w2)/∂(x1*w1)"."""
        parent = node.parents[argument]
        symbol = self.derivative(node, parent)
        if id(parent) in self._inputs_used_twice(node):
            symbol += f" (input {argument + 1})"
        return symbol

    def inputs_text(
        self, node: Value, cap: int | None = None, lang: str | Words | None = None
    ) -> str:
        """The names of `node`'s inputs, each once, at most `cap` of them then how many more:
        "x1, x2, …, x8 and 4 more" (a maxout of 8000 inputs stays one short line), in `lang`."""
        words = translator(lang)
        inputs = list(dict.fromkeys(node.parents))
        names = words("page.list_separator").join(self.name(p) for p in inputs[:cap])
        if cap is not None and len(inputs) > cap:
            return words("graph.more_inputs", names=names, count=f"{len(inputs) - cap:,}")
        return names

    def derivative(self, of: Value, wrt: Value) -> str:
        """ "∂f/∂w" with the two nodes' names, written as every view writes a derivative."""
        return derivative_text(self.name(of), self.name(wrt))

    def grad(self, node: Value) -> str:
        """ "h1.grad", "(x1*w1 + x2*w2).grad": the node's gradient as the steps write it."""
        return f"{name_in_formula(self.name(node))}.grad"

    def _inputs_used_twice(self, node: Value) -> frozenset[int]:
        """The ids of the inputs `node` reads more than once, counted once per node: naming
        every edge of a node of n inputs takes O(n), not O(n²) (a maxout of 8000 inputs)."""
        key = id(node)
        if key not in self._repeated:
            counts = Counter(id(p) for p in node.parents)
            self._repeated[key] = frozenset(k for k, c in counts.items() if c > 1)
        return self._repeated[key]

    def undefined(self, node: Value, argument: int | None, reason: str | None = None) -> str:
        """Why a local derivative is not a finite number, naming the edge (or the node, when
        its rules failed as a whole) and the inputs' values: "the local derivatives of y are
        undefined at x = 0.0 (sqrt′(0))"; `reason` replaces the op's derivative at its
        arguments (`derivative_at`) where a rule gave a number that is not finite."""
        if argument is None:
            what = f"the local derivatives of {self.name(node)} are"
        else:
            what = f"{self.edge(node, argument)} is"
        inputs = ", ".join(f"{self.name(p)} = {p.data!r}" for p in node.parents)
        return f"{what} undefined at {inputs} ({reason or derivative_at(node)})"


def derivative_at(node: Value, digits: int = DIGITS) -> str:
    """The op's derivative at the arguments it was given: "sqrt′(0)", "pow′(0, 0.5)". Why a
    rule could not compute, in symbols every language reads alike and in none of the user's
    names (Python says "float division by zero"; the table's 1/(2√x) has an x of its own)."""
    values = [p.data for p in node.parents]
    op, k = node.op_info, node.constant
    if k is not None:
        values.insert(0 if op is not None and op.constant_side == "left" else len(values), k)
    return f"{node.op}′({', '.join(format_number(v, digits) for v in values)})"


def graph_of(root: Value | Graph) -> Graph:
    """The graph view of `root`; a `Graph` is taken as it is, so a caller that shows one root
    several ways (a drawing, a table, the steps, the chain rule) builds the view once and hands
    it to every reader."""
    return root if isinstance(root, Graph) else Graph(root)


def describe(node: Value) -> str:
    """A node as an error message names it: its label, or its op and value."""
    if node.label:
        return f"'{node.label}'"
    return f"<{node.op or 'leaf'} node, value {node.data!r}>"


def shown_value(node: Value, values: Mapping[Value, float] | None) -> float | None:
    """The value a view shows: from `values` if given (None: not computed yet), else data."""
    return node.data if values is None else values.get(node)


def shown_grad(node: Value, grads: Mapping[Value, float] | None) -> float | None:
    """The gradient a view shows: from `grads` if given, else the node's own once a backward
    pass has reached it; None (drawn "—") means not computed, never a made-up 0."""
    if grads is not None:
        return grads.get(node)
    return node.grad if node.has_grad else None


def local_derivatives(node: Value) -> tuple[float, ...] | None:
    """∂node/∂parent_i from the op table, or None where a rule fails (sqrt'(0) divides by 0)."""
    try:
        return node.local_grads()
    except (ArithmeticError, ValueError):
        return None


def drawable(text: str) -> str:
    """`text` as every view can show it: control characters (NUL, ESC, a newline) as their
    escapes (\\x00, \\x1b, \\n) and a lone surrogate, which UTF-8 cannot encode, as its
    escape (\\ud800). Graphviz fails on the former ("syntax error in line 9") and the encoder
    on the latter; a terminal would obey an escape sequence. Printable text is left as it is."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else ascii(c)[1:-1] for c in text)


def node_names(nodes: list[Value]) -> list[str]:
    """Unique names for `nodes` (in forward order): the one naming rule every view uses.

    A model's places are written as the book's figures write them (NNDL §4.1-§4.3): its
    parameters by `book_name` (w₁, w⁽¹⁾₂₃, b⁽²⁾₁) and an unlabelled leaf, such as an input
    given to a model as a number, xᵢ by the weight wᵢ it meets, so a neuron's x₁ sits beside its
    w₁; in a loss over several samples, sample n's as x⁽ⁿ⁾ᵢ (the book's x⁽ⁿ⁾, never sample 2's
    first input as x₃, a feature's index). Any other unlabelled leaf is x₁, x₂, …. An unlabelled
    node made by an op is h1, h2, … in forward order, as §4.5.3's table numbers the primitives
    of a computation. A label unique in the graph is the name, as written; a label shared by k
    nodes becomes label#1 .. label#k. Generated names skip any name a label already takes
    (x₁ too when a label is x1). A label is shown `drawable`.
    """
    shown = [drawable(book_name(node.label)) if node.label else "" for node in nodes]
    labels = Counter(label for label in shown if label)
    taken = {unicodedata.normalize("NFKC", label) for label in labels}  # x₁ reads as x1
    counters: Counter[str] = Counter()

    def fresh(stem: str, digits: dict[int, int] | None = None) -> str:
        while True:
            counters[stem] += 1
            name = stem + str(counters[stem]).translate(digits or {})
            if (plain := unicodedata.normalize("NFKC", name)) not in taken:
                taken.add(plain)
                return name

    places = _input_places(nodes)
    several = any(n > 1 for _, n in places.values())
    for d, n in places.values():  # a model's inputs take their book names first
        taken.add(unicodedata.normalize("NFKC", _input_name(d, n, several)))
    names = []
    for node, label in zip(nodes, shown):
        if not label and id(node) in places:
            names.append(_input_name(*places[id(node)], several))
        elif not label:
            names.append(fresh("x", SUBSCRIPTS) if node.is_leaf else fresh("h"))
        elif labels[label] == 1:
            names.append(label)
        else:
            names.append(fresh(f"{label}#"))
    return names


_WEIGHT = re.compile(r"(?:.*\.)?neurons\.\d+\.w\.(\d+)")


def _input_places(nodes: list[Value]) -> dict[int, tuple[int, int]]:
    """id of each unlabelled leaf a model's weight multiplies → (its feature i, its sample n),
    both from 1: wᵢ's index, and the how-manieth leaf that one weight meets (a fused neuron's
    parents are w₁..wₖ, x₁..xₖ, b; fused=False multiplies w * x)."""
    places: dict[int, tuple[int, int]] = {}
    met: dict[int, int] = {}  # id of a weight → how many inputs it has met
    for node in nodes:
        if node.is_leaf:
            continue
        parents = node.parents
        if node.op == "neuron":
            k = (len(parents) - 1) // 2
            pairs = list(zip(parents[:k], parents[k : 2 * k]))
        elif node.op == "mul" and len(parents) == 2:
            pairs = [(parents[0], parents[1]), (parents[1], parents[0])]
        else:
            continue
        for w, x in pairs:
            match = _WEIGHT.fullmatch(w.label) if w.is_leaf and w.label else None
            if match is None or not x.is_leaf or x.label or id(x) in places:
                continue
            met[id(w)] = met.get(id(w), 0) + 1
            places[id(x)] = (int(match.group(1)) + 1, met[id(w)])
    return places


def _input_name(feature: int, sample: int, several: bool) -> str:
    """x₂, or x⁽³⁾₂ (sample 3's second input) where the graph has several samples."""
    name = "x" + (f"({sample})".translate(SUPERSCRIPTS) if several else "")
    return name + str(feature).translate(SUBSCRIPTS)
