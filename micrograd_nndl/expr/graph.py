"""From a parsed expression to a `Value` graph: `Expression`, `parse`, and the placing of an
error raised while building the graph at the part of the text that made it.

The text is read by `micrograd_nndl.expr.syntax`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from ..engine import Value, apply, no_grad
from ..errors import MathError
from ..ops import BINARY, OPS, UNARY_PARAM, Op
from .syntax import CONSTANTS, MAX_LENGTH, ExpressionError, Node, Parser, nearest


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
        node = self._tree
        if at_fault is not None and not at_fault.is_leaf:
            node = _places(self._tree, root).get(id(at_fault), self._tree)
        return error.placed(_where(self.text, node))


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


def _where(text: str, node: Node) -> str:
    """ ", in `log(x-1)` (column 1)": the place of a node, for a math error's message."""
    where = text[node.start : node.end]
    if len(where) > 40:
        where = where[:37] + "..."
    return f", in `{where}` (column {node.start + 1})"


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
        raise e.placed(_where(text, node)) from None


def _learnable_twin(op: Op, text: str, pos: int) -> Op:
    """The table's two-input form of a one-parameter op (swish -> swish_learnable), if any."""
    twin = OPS.get(op.twin)
    if twin is None:
        raise ExpressionError(
            f"the {op.param} of {op.name} must be a number, without variables", text, pos
        )
    return twin
