"""The chain rule spelled out: ∂root/∂x as a sum over paths of products (NNDL §4.5.3).

    ∂f/∂w = ∂f/∂h6 · ∂h6/∂h5 · ∂h5/∂h4 · ∂h4/∂h3 · ∂h3/∂h2 · ∂h2/∂h1 · ∂h1/∂w
          = 1 × (−0.25) × 1 × 1 × (−1) × 1 × 1 = 0.25

Each factor is a local derivative from the op table (an edge of the graph). Where several paths
lead from x to the root, their products add up; that sum is what backward() computes.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import NoReturn

from micrograd_nndl import NonFiniteGradientError, Value, backward_order, terms_of
from micrograd_nndl.engine import nonfinite_error, reference_backward

from ..graph import Graph, graph_of, require_value
from ..number_format import DIGITS, check_digits, format_factor, format_number
from ..words import Words, display_width, translator

#: Paths are counted exactly up to this many; beyond it the count stops growing and the text
#: says "more than 10^18 paths" (the exact count of a deep graph has thousands of digits).
MAX_COUNTED = 10**18


@dataclass(frozen=True, repr=False)
class ChainPath:
    """One path root → … → wrt: `factors[k]` = ∂nodes[k]/∂nodes[k+1] (input `arguments[k]`)."""

    nodes: tuple[Value, ...]
    arguments: tuple[int, ...]
    factors: tuple[float, ...]
    flat: tuple[bool, ...] = ()  # factor k is a flat op's 0 (relu below 0): the path stops

    @property
    def product(self) -> float:
        """The product of the factors, root side first (1 for the empty path root = wrt), as
        backward() multiplies them: a flat op's 0 gives 0 even after an inf or nan factor
        (sqrt(relu(x)) at x = −1: sqrt′(0) is undefined, relu is flat, ∂/∂x = 0)."""
        product = 1.0
        for k, factor in enumerate(self.factors):
            product = 0.0 if self.flat and self.flat[k] else product * factor
        return product

    @property
    def stopped(self) -> int | None:
        """The factor k whose flat 0 turned an inf or nan product into 0, if any."""
        product = 1.0
        for k, factor in enumerate(self.factors):
            if self.flat and self.flat[k] and not math.isfinite(product):
                return k
            product = 0.0 if self.flat and self.flat[k] else product * factor
        return None


@dataclass(frozen=True, repr=False)
class ChainRule:
    """∂root/∂wrt: the paths (at most max_paths listed), how many there are, the sum, and its
    text (`path_lines`: each listed path's lines in it).

    `total` is the sum of every path's product: added path by path when all are listed, else
    the engine's reverse walk (`reference_backward`: node by node from the root back, NNDL
    §4.5.3, as backward() sums them), as there are too many paths to list. `path_count` is
    exact up to MAX_COUNTED; MAX_COUNTED + 1 means "more".
    """

    root: Value
    wrt: Value
    paths: tuple[ChainPath, ...]
    path_count: int
    total: float
    text: str
    #: The lines of `text` that write each listed path: its edges, its factors, and where a
    #: flat op stops it, a line saying so (so a path has two lines or three).
    path_lines: tuple[tuple[str, ...], ...] = ()

    def __repr__(self) -> str:
        return self.text


def explain(
    root: Value | Graph,
    wrt: Value,
    *,
    max_paths: int = 20,
    max_factors: int | None = 16,
    digits: int = DIGITS,
    lang: str | None = None,
) -> ChainRule:
    """Write ∂root/∂wrt as the sum over paths of products of local derivatives.

    The text lists at most `max_paths` paths, each with at most `max_factors` factors (its
    first and last halves; None: all): time and output grow with the graph, not its paths.
    Its words are in `lang` ("en", "zh"; see viz.words).

    Raises VizError if `wrt` is not in the graph of `root`, and NonFiniteGradientError where
    ∂root/∂wrt is not finite (√x at x = 0), placed where backward() places it; a path that a
    flat op stops (sqrt(relu(x)) at x < 0) gives 0, as in backward().
    """
    return explain_each(
        root, [wrt], max_paths=max_paths, max_factors=max_factors, digits=digits, lang=lang
    )[0]


def explain_each(
    root: Value | Graph,
    wrts: Sequence[Value],
    *,
    max_paths: int = 20,
    max_factors: int | None = 16,
    digits: int = DIGITS,
    lang: str | None = None,
) -> list[ChainRule]:
    """`explain(root, wrt)` for each of `wrts`, sharing one walk of the graph and its local
    derivatives: the command line's explain of every variable of a 1000-variable formula."""
    rules = ChainRules(root)
    for wrt in wrts:  # every wrt checked before any is explained
        require_value(wrt, "wrt")
        rules.graph.index(wrt)  # a VizError naming wrt if it is not in the graph
    return [
        rules.explain(wrt, max_paths=max_paths, max_factors=max_factors, digits=digits, lang=lang)
        for wrt in wrts
    ]


class ChainRules:
    """The chain rule of one graph for any of its nodes. It reads the engine's backward walk
    once (`backward_order`, and each node's `edges_of`: the edges and local derivatives
    backward() adds along) and counts each variable's paths over only the nodes it reaches, so
    explaining every variable of a graph costs about one backward pass plus the nodes each one
    reaches (the page's chain rule of every leaf, the command line's explain of every variable).
    """

    def __init__(self, root: Value | Graph) -> None:
        self.graph = graph_of(root)
        #: The walk's nodes turned round (inputs before the nodes that read them), and for each
        #: its local derivatives (nan where its rule cannot compute, as the engine's terms).
        self._order = backward_order(self.graph.root)[::-1]
        self._locals: dict[int, tuple[float, ...]] = {}
        self._grads: dict[Value, float] | None = None  # the reverse walk's, once needed
        self._readers: dict[int, list[int]] = {}  # id(input) -> positions in _order reading it
        for k, node in enumerate(self._order):
            terms = terms_of(node, 1.0)  # the engine's: nan where a rule cannot compute
            self._locals[id(node)] = tuple(term.edge.local for term in terms)
            for parent in dict.fromkeys(node.parents):
                self._readers.setdefault(id(parent), []).append(k)

    def explain(
        self,
        wrt: Value,
        *,
        max_paths: int = 20,
        max_factors: int | None = 16,
        digits: int = DIGITS,
        lang: str | None = None,
    ) -> ChainRule:
        """`explain(root, wrt)` (see there) on this graph."""
        words = translator(lang)
        require_value(wrt, "wrt")
        self.graph.index(wrt)  # a VizError naming wrt if it is not in the graph
        digits = check_digits(digits)
        for option, value in (("max_paths", max_paths), ("max_factors", max_factors)):
            if value is None and option == "max_factors":
                continue
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"{option} must be a positive integer, got {value!r}")
        graph, root = self.graph, self.graph.root
        counts = self._path_counts(wrt)
        paths = _listed(root, wrt, max_paths, self._locals, counts)
        if counts[id(root)] == len(paths):
            total = 0.0
            for path in paths:
                total += path.product
        else:  # too many paths to add one by one: the sum backward() computes
            total = self._backward()[wrt]
        if not math.isfinite(total):
            self._refuse(wrt, total)
        text, lines = _write(graph, wrt, paths, counts[id(root)], total, digits, max_factors, words)
        return ChainRule(root, wrt, tuple(paths), counts[id(root)], total, text, lines)

    def _reached(self, wrt: Value) -> list[Value]:
        """The nodes that depend on `wrt`, inputs before the nodes that read them."""
        seen: set[int] = set()
        stack = [id(wrt)]
        while stack:
            for k in self._readers.get(stack.pop(), ()):
                if k not in seen:
                    seen.add(k)
                    stack.append(id(self._order[k]))
        return [self._order[k] for k in sorted(seen)]

    def _path_counts(self, wrt: Value) -> dict[int, int]:
        """id(node) -> number of paths from node down to wrt, for the nodes that depend on wrt."""
        counts = {id(wrt): 1}
        for node in self._reached(wrt):
            count = sum(counts.get(id(p), 0) for p in node.parents)
            counts[id(node)] = min(count, MAX_COUNTED + 1)  # saturates: no number of 10^4300
        return counts

    def _backward(self) -> dict[Value, float]:
        """∂root/∂node for every node, by the engine's reverse walk (flat ops applied), once."""
        if self._grads is None:
            self._grads = reference_backward(self.graph.root)
        return self._grads

    def _refuse(self, wrt: Value, total: float) -> NoReturn:
        """Raise for ∂root/∂wrt that is not finite, placed where backward() places it
        (`nonfinite_error`: a rule that could not compute, an edge whose term is not finite,
        or a sum of finite terms that overflowed), said with the graph's names."""
        graph, root, grads = self.graph, self.graph.root, self._backward()
        if math.isfinite(grads[wrt]):  # the listed paths' sum overflowed, backward()'s did not
            raise NonFiniteGradientError(
                f"{graph.derivative(root, wrt)} is {total!r}: the sum over paths overflows",
                node=wrt,
            )
        placed = nonfinite_error(root, grads, wrt)
        start, edge = placed.node, placed.edge
        if edge is None and math.isfinite(grads[start]):  # start's own rule could not compute
            said = graph.undefined(start, None)
        elif edge is None:
            said = (
                f"{graph.derivative(root, start)} is {grads[start]!r}: a sum of finite terms "
                "too large for a float"
            )
        else:
            locals_ = self._locals[id(edge)]
            arg = next(
                a
                for a, (p, d) in enumerate(zip(edge.parents, locals_))
                if p is start and not math.isfinite(d * grads[edge])
            )
            said = (
                graph.undefined(edge, arg, f"{edge.op}: it is {locals_[arg]!r}")
                if not math.isfinite(locals_[arg])
                else f"{graph.derivative(root, start)} is {grads[start]!r}: "
                f"{graph.edge(edge, arg)} = {locals_[arg]!r} times "
                f"{graph.derivative(root, edge)} = {grads[edge]!r}"
            )
        raise NonFiniteGradientError(said, node=start, op=placed.op, edge=edge)


def _listed(
    root: Value,
    wrt: Value,
    max_paths: int,
    locals_: dict[int, tuple[float, ...]],
    counts: dict[int, int],
) -> list[ChainPath]:
    """The first `max_paths` paths root → wrt, each with its factors and its flat marks."""
    paths = []
    for nodes, arguments in _paths(root, wrt, counts):
        factors = tuple(locals_[id(n)][a] for n, a in zip(nodes, arguments))
        flat = tuple(_is_flat(n) and f == 0.0 for n, f in zip(nodes, factors))
        paths.append(ChainPath(nodes, arguments, factors, flat))
        if len(paths) == max_paths:
            break
    return paths


def _is_flat(node: Value) -> bool:
    """True if node's op is flat where its local derivative is 0 (relu below 0)."""
    op = node.op_info
    return op is not None and op.flat


def _paths(root: Value, wrt: Value, counts: dict) -> Iterator[tuple[tuple, tuple]]:
    """Every path root → wrt as (nodes, arguments), depth first in argument order (iterative)."""
    nodes, next_argument = [root], [0]
    arguments: list[int] = []
    while nodes:
        node = nodes[-1]
        if node is wrt:
            yield tuple(nodes), tuple(arguments)
            i = len(node.parents)  # a path ends at wrt
        else:
            i = next_argument[-1]
        parents = node.parents
        while i < len(parents) and id(parents[i]) not in counts:
            i += 1
        if i == len(parents):
            nodes.pop()
            next_argument.pop()
            if arguments:
                arguments.pop()
            continue
        next_argument[-1] = i + 1
        nodes.append(parents[i])
        arguments.append(i)
        next_argument.append(0)


def _write(
    graph: Graph,
    wrt: Value,
    paths: list,
    path_count: int,
    total: float,
    digits: int,
    max_factors: int | None,
    words: Words,
) -> tuple[str, tuple[tuple[str, ...], ...]]:
    """The text, and the lines of each listed path in it."""
    symbol = graph.derivative(graph.root, wrt)
    result = f"{symbol} = {format_number(total, digits)}"
    if graph.root is wrt:
        return words("explain.itself", result=result), ()
    if path_count > MAX_COUNTED:
        kind = words("explain.too_many_paths")
    else:
        kind = words.plural("explain.paths", path_count, count=path_count)
    lines = [words("explain.head", symbol=symbol, paths=kind)]
    groups: list[tuple[str, ...]] = []
    cut = False
    for k, path in enumerate(paths, 1):
        shown = _shown(len(path.factors), max_factors)
        cut = cut or len(shown) < len(path.factors)
        edges = [graph.edge(path.nodes[i], path.arguments[i]) for i in shown]
        symbols = _joined(shown, edges, " · ", words)
        factors = [format_factor(path.factors[i], digits) for i in shown]
        values = _joined(shown, factors, " × ", words)
        if len(path.factors) > 1:
            values += f" = {format_number(path.product, digits)}"
        label = words("explain.path", number=k)
        group = [f"  {label} {symbols}", " " * (display_width(label) + 1) + f"= {values}"]
        if path.stopped is not None:  # backward() adds 0 there, not 0 × nan: say why
            group.append(stop_line(graph, path, k, path.stopped, words))
        groups.append(tuple(group))
        lines += group
    if cut:
        lines.append("  " + words("explain.cut", count=max_factors))
    if path_count > len(paths):
        others = path_count - len(paths)
        if path_count > MAX_COUNTED:
            more = words("explain.more_than")
        else:
            more = words.plural("explain.more_paths", others, count=others)
        lines.append("  " + words("explain.not_listed", more=more))
        lines.append(words("explain.backward_sum", result=result))
    elif path_count > 1:
        products = " + ".join(format_factor(p.product, digits) for p in paths)
        lines.append(f"{symbol} = {products} = {format_number(total, digits)}")
    else:
        lines.append(result)
    return "\n".join(lines), tuple(groups)


def stop_line(graph: Graph, path: ChainPath, number: int, stop: int, words: Words) -> str:
    """The line under path `number` (1, 2, …) saying that its factor `stop`, a flat op's 0,
    stops the path (`ChainPath.stopped`), indented under the path's label. The live page
    writes it only while the path is stopped."""
    node, below = path.nodes[stop], path.nodes[stop + 1]
    label = words("explain.path", number=number)
    return " " * (display_width(label) + 3) + words(
        "explain.flat",
        symbol=graph.edge(node, path.arguments[stop]),
        op=node.op,
        node=graph.name(node),
        input=graph.name(below),
    )


def _shown(length: int, limit: int | None) -> list[int]:
    """The indices of a path's factors that are written: all, or the first and last halves."""
    if limit is None or length <= limit:
        return list(range(length))
    head = (limit + 1) // 2
    return [*range(head), *range(length - (limit - head), length)]


def _joined(shown: list[int], texts: list[str], sep: str, words: Words) -> str:
    """The texts of the factors `shown` joined by `sep`, "… (k more) …" where some are left
    out."""
    parts, previous = [], -1
    for i, text in zip(shown, texts):
        if i != previous + 1:
            parts.append(words("explain.skipped", count=i - previous - 1))
        parts.append(text)
        previous = i
    return sep.join(parts)
