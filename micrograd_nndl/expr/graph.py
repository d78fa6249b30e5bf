"""From a parsed expression to a `Value` graph: `Expression`, `parse`, and the placing of an
error raised while building the graph at the part of the text that made it.

A math error speaks in the user's text, not in the op's: `log(x*w)` at w = 0 says "the
argument x*w = 0" with the caret under `log`, `x/(y - 1)` at y = 1 "the divisor (y - 1) = 0"
with the caret under the `/`; never the op's own parameter name or a node's kind.

The text is read by `micrograd_nndl.expr.syntax`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from ..engine import Value, apply, no_grad
from ..errors import MathError, NumericOverflowError, in_words
from ..ops import BINARY, OPS, UNARY_PARAM, Op
from .syntax import CONSTANTS, MAX_LENGTH, ExpressionError, Node, Parser, caret_picture, nearest


class Expression:
    """A parsed expression; `evaluate(values)` builds its `Value` graph, as often as needed.

    Parse once, evaluate at many points (what a gradient check does):
    `Expression("sigmoid(w*x + b)").evaluate({"x": 1, "w": 0, "b": 0}).data == 0.5`.
    """

    def __init__(self, text: str) -> None:
        if not isinstance(text, str):
            raise TypeError(f"an expression must be a str, not {type(text).__name__}")
        if len(text) > MAX_LENGTH:
            raise ExpressionError(
                f"the expression is {len(text)} characters long; the limit is {MAX_LENGTH}",
                text,
                MAX_LENGTH,
            )
        self.text = text
        self._tree = Parser(text).parse()
        self.variables: tuple[str, ...] = _variables(self._tree)

    def __repr__(self) -> str:
        return f"Expression({self.text!r})"

    def evaluate(self, values: Mapping[str, float | Value] | None = None) -> Value:
        """The graph of the expression at `values` (name -> number or `Value`).

        A number becomes a leaf `Value` labelled with its name; a `Value` is used as it is, so
        its `grad` is filled by `backward()`. Names not in the expression are ignored, but the
        constants `pi` and `e` cannot be given a value. A math error (log of 0, overflow) is
        raised as the engine's `MathError`, with the place added.
        """
        values = {} if values is None else values
        self.check_names(values)
        leaves: dict[str, Value] = {}
        for name in self.variables:
            if name not in values:
                raise ExpressionError(
                    f"no value given for {name}{nearest(name, values)}",
                    self.text,
                    _first_use(self._tree, name),
                )
            given = values[name]
            leaves[name] = given if isinstance(given, Value) else Value(given, name)
        result = _evaluate(self._tree, leaves, self.text)
        return result if isinstance(result, Value) else Value(result)

    def check_names(self, names: Iterable[str]) -> None:
        """Raise `ExpressionError` if one of `names` is a constant (`pi`, `e`): it has a value."""
        for name in names:
            if name in CONSTANTS:
                uses = [n.start for n in _walk(self._tree) if n.kind == "number" and n.name == name]
                raise ExpressionError(
                    f"{name!r} is the constant {CONSTANTS[name]:.6g}…; it cannot be given a "
                    "value — name the variable differently",
                    self.text,
                    uses[0] if uses else None,
                )

    def backward(self, root: Value) -> None:
        """`root.backward()` for a graph `evaluate` built: a math error gets the place added.

        A local derivative that is undefined (sqrt'(0)) or a gradient that is not finite is
        raised as the engine's `MathError`, with ", in `sqrt(x)` (column 1)" naming the
        subexpression of the op at fault, as a forward error does.
        """
        try:
            root.backward()
        except MathError as e:
            raise self.placed(e, root) from None

    def placed(self, error: MathError, root: Value) -> MathError:
        """`error`, raised while differentiating `root` (built by `evaluate`), with its place.

        The place is the subexpression of the op the error names: the edge a non-finite
        gradient came by, else the node whose local derivatives failed (`error.edge`,
        `error.node`, set where the engine or a viewer raised it); the whole text if that is
        no op of this formula.
        """
        at_fault = error.edge if error.edge is not None else error.node
        places = _places(self._tree, root)
        node = self._tree
        if at_fault is not None and not at_fault.is_leaf:
            node = places.get(id(at_fault), self._tree)
        message = str(error).split("; inputs: ")[0]
        # the engine names an unlabelled node by its kind (<sqrt node>): say the user's text
        for before, value in (("from ", error.edge), ("of ", error.node)):
            if value is not None and id(value) in places:
                quoted = _quoted(self.text, places[id(value)])
                message = re.sub(rf"{before}<\w+ node>", f"{before}{quoted}", message, count=1)
        return type(error)(
            f"{message}\n{_picture(self.text, node)}",
            node=error.node,
            op=error.op,
            edge=error.edge,
            reason=error.reason,
            position=_operator(node),
        )


def parse(text: str, values: Mapping[str, float | Value] | None = None) -> Value:
    """The `Value` graph of `text` with variables bound from `values`.

    `parse("sigmoid(w*x + b)", {"x": 1, "w": 0, "b": 0})` is σ(wx + b) of NNDL §4.5.3; then
    `.backward()` gives ∂f/∂w = 0.25. Bad text raises `ExpressionError`.
    """
    return Expression(text).evaluate(values)


def _walk(tree: Node):
    """Every node, in source order, without recursion (a chain a + a + ... may be long)."""
    stack = [tree]
    while stack:
        node = stack.pop()
        yield node
        stack.extend(reversed(node.args))


def _variables(tree: Node) -> tuple[str, ...]:
    return tuple(dict.fromkeys(node.name for node in _walk(tree) if node.kind == "name"))


def _first_use(tree: Node, name: str) -> int:
    return next(node.start for node in _walk(tree) if node.kind == "name" and node.name == name)


def _quoted(text: str, node: Node) -> str:
    """The node's part of the text as the user wrote it (cut to 40 characters)."""
    where = text[node.start : node.end]
    return where if len(where) <= 40 else where[:37] + "..."


def _operator(node: Node) -> int:
    """Where the node's operator stands in the text (its start for a number or a name)."""
    return node.at if node.at >= 0 else node.start


def _picture(text: str, node: Node) -> str:
    """The formula with a caret under the node's operator, indented under the message."""
    return "\n".join(f"  {line}" for line in caret_picture(text, _operator(node)).split("\n"))


def _in_words(error: MathError, node: Node, args: list[float | Value], text: str) -> MathError:
    """A forward error of `node`'s op in the user's words: which argument, as written, has
    which value, and what the op needs; then the formula with a caret under the operator."""
    fault = error.node
    index = next((i for i, a in enumerate(args) if a is fault), None)
    if index is None:  # numbers folded: the engine made its own leaves of them
        number = fault.data if isinstance(fault, Value) else None
        index = next((i for i, a in enumerate(args) if a == number), 0)
    index = min(index, len(node.args) - 1)
    argument = node.args[index]
    given = args[index]
    value: float | None = given.data if isinstance(given, Value) else given
    if argument.kind == "number" and not argument.name:
        value = None  # a number as written says its value
    reason = error.reason  # the op's own words, before the engine named the inputs
    if isinstance(error, NumericOverflowError):
        reason = "the result is too large for a float"
    words = in_words(node.name, index, _quoted(text, argument), value, reason)
    return type(error)(
        f"{words}\n{_picture(text, node)}",
        node=error.node,
        op=error.op,
        edge=error.edge,
        reason=error.reason,
        position=_operator(node),
    )


def _places(tree: Node, root: Value) -> dict[int, Node]:
    """The tree node that made each op node of `root`'s graph, by the Value's id.

    A walk of the tree and the graph side by side: a node's graph inputs are its arguments
    that depend on a variable (the others were folded or stored in the node as constants),
    or all of them when the op took numbers as leaves (maxout(x, 1)).
    """
    varying: set[int] = set()
    for node in reversed(list(_walk(tree))):  # arguments before the node that uses them
        if node.kind == "name" or any(id(a) in varying for a in node.args):
            varying.add(id(node))
    places: dict[int, Node] = {}
    stack = [(tree, root)]
    while stack:
        node, value = stack.pop()
        if node.kind not in ("call", "neg") or value.is_leaf or id(value) in places:
            continue
        places[id(value)] = node
        parents = value.parents
        args = node.args
        if len(args) != len(parents):
            args = tuple(a for a in args if id(a) in varying)
        if len(args) == len(parents):
            stack.extend(zip(args, parents))
    return places


def _evaluate(tree: Node, leaves: dict[str, Value], text: str) -> float | Value:
    """Post-order evaluation with an explicit stack: each result is a float or a Value."""
    results: list[float | Value] = []
    stack: list[tuple[Node, bool]] = [(tree, False)]
    while stack:
        node, ready = stack.pop()
        if node.kind == "number":
            results.append(node.number)
        elif node.kind == "name":
            results.append(leaves[node.name])
        elif not ready:
            stack.append((node, True))
            stack.extend((arg, False) for arg in reversed(node.args))
        else:
            args = results[len(results) - len(node.args) :]
            del results[len(results) - len(node.args) :]
            results.append(_apply(node, args, text))
    return results[0]


def _apply(node: Node, args: list[float | Value], text: str) -> float | Value:
    """Apply the node's op; numbers with numbers fold to a number, through the engine."""
    op = OPS[node.name]
    try:
        numbers = [a for a in args if not isinstance(a, Value)]
        if len(numbers) == len(args):
            with no_grad():
                if op.kind == UNARY_PARAM:
                    return apply(op, Value(numbers[0]), numbers[1]).data
                if op.kind == BINARY:  # so an error names the second number as a constant
                    return apply(op.with_constant("right"), Value(numbers[0]), numbers[1]).data
                return apply(op, *(Value(a) for a in numbers)).data
        if op.kind == UNARY_PARAM and isinstance(args[1], Value):
            op = _learnable_twin(op, text, node.args[1].start)
        elif op.kind == UNARY_PARAM:
            return apply(op, *args)
        if op.kind == BINARY and not all(isinstance(a, Value) for a in args):
            a, b = args
            if isinstance(a, Value):
                return apply(op.with_constant("right"), a, b)
            return apply(op.with_constant("left"), b, a)
        return apply(op, *args)
    except MathError as e:
        raise _in_words(e, node, args, text) from None


def _learnable_twin(op: Op, text: str, pos: int) -> Op:
    """The table's two-input form of a one-parameter op (swish -> swish_learnable), if any."""
    twin = OPS.get(op.twin)
    if twin is None:
        raise ExpressionError(
            f"the {op.param} of {op.name} must be a number, without variables", text, pos
        )
    return twin
