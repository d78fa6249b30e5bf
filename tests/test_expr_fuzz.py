"""Fuzzing the expression language: it only ever returns a graph or raises its own errors.

Random text and random expression trees, each with a fixed example budget so the suite stays
fast; each parse must also finish in bounded time.
"""

import inspect
import math
import time

from hypothesis import given, settings
from hypothesis import strategies as st

from micrograd_nndl import (
    OPS,
    Expression,
    ExpressionError,
    MathError,
    Value,
    parse,
    topological_order,
)
from micrograd_nndl.expr.graph import _places
from micrograd_nndl.ops import BINARY, NARY, UNARY, UNARY_PARAM

VALUES = {"x": 0.5, "y": -1.25, "z": 2.0}
SECONDS = 1.0  # far above the few milliseconds a parse takes: only runaway work fails
GRAMMAR_CHARS = "xyz0123456789.eE+-*/(), \n_^[]'\"=:;.abcdefghijklmnopqrstuvw"


def parse_bounded(text: str):
    """Parse `text`; return the Value, or the ExpressionError / MathError it raised."""
    start = time.perf_counter()
    try:
        result = parse(text, VALUES)
    except (ExpressionError, MathError) as e:
        result = e
    assert time.perf_counter() - start < SECONDS, f"parse took too long on {text[:80]!r}"
    return result


def assert_well_formed(result: object) -> None:
    if isinstance(result, ExpressionError):
        assert result.position is not None and 0 <= result.position <= len(result.text)
        assert "^" in str(result) and len(str(result)) < 400
    elif isinstance(result, Value):
        assert math.isfinite(result.data)


@settings(max_examples=300)
@given(st.text(alphabet=GRAMMAR_CHARS, max_size=60))
def test_random_grammar_like_text_gives_a_graph_or_an_expression_error(text):
    assert_well_formed(parse_bounded(text))


@settings(max_examples=150)
@given(st.text(max_size=40))
def test_random_unicode_text_gives_a_graph_or_an_expression_error(text):
    assert_well_formed(parse_bounded(text))


@settings(max_examples=40)
@given(st.sampled_from("(-+*/,)"), st.integers(min_value=50, max_value=3000))
def test_long_runs_of_one_symbol_fail_fast(symbol, count):
    assert_well_formed(parse_bounded(symbol * count + "x" + ")" * (count if symbol == "(" else 0)))


# ---- random trees: valid text must parse to the value the tree computes ----------------------

FUNCTIONS = sorted(OPS)
numbers = st.floats(min_value=0.0, max_value=10.0, allow_nan=False).map(lambda v: round(v, 3))
leaves = st.one_of(numbers.map(lambda v: ("num", v)), st.sampled_from(sorted(VALUES)))


def extend(children):
    binary = st.tuples(st.sampled_from(["+", "-", "*", "/", "**"]), children, children)
    call = st.sampled_from(FUNCTIONS).flatmap(lambda name: call_of(name, children))
    return st.one_of(binary, st.tuples(st.just("neg"), children), call)


def call_of(name, children):
    kind = OPS[name].kind
    if kind == UNARY:
        args = st.tuples(children)
    elif kind == UNARY_PARAM and name in DEFAULTS:  # elu(x) is elu(x, 1.0)
        args = st.one_of(st.tuples(children), st.tuples(children, numbers.map(num)))
    elif kind == UNARY_PARAM:
        args = st.tuples(children, numbers.map(num))
    elif kind == BINARY:
        args = st.tuples(children, children)
    else:  # as many inputs as the op takes (neuron: 2n + 1)
        sizes = [n for n in range(1, 6) if OPS[name].inputs.accepts(n)]
        args = st.sampled_from(sizes).flatmap(lambda n: st.tuples(*[children] * n))
    return args.map(lambda a: ("call", name, a))


def num(v: float) -> tuple:
    return ("num", v)


def method_default(name: str) -> float | None:
    """The default parameter of the Value method of that name (Value.elu: alpha=1.0)."""
    params = list(inspect.signature(getattr(Value, name)).parameters.values())
    return (
        params[1].default if len(params) > 1 and params[1].default is not params[1].empty else None
    )


DEFAULTS = {
    name: method_default(name)
    for name, op in OPS.items()
    if op.kind == UNARY_PARAM and hasattr(Value, name) and method_default(name) is not None
}
trees = st.recursive(leaves, extend, max_leaves=25)
spaces = st.sampled_from(["", " ", "  ", "\n"])


def render(tree, space: str) -> str:
    """The tree as fully parenthesized text."""
    if isinstance(tree, str):
        return tree
    if tree[0] == "num":
        return repr(tree[1])
    if tree[0] == "neg":
        return f"-({render(tree[1], space)})"
    if tree[0] == "call":
        return f"{tree[1]}({f',{space}'.join(render(a, space) for a in tree[2])})"
    op, a, b = tree
    return f"({render(a, space)}){space}{op}{space}({render(b, space)})"


NAMES = {"+": "add", "-": "sub", "*": "mul", "/": "div", "**": "pow"}


def reference(tree) -> float:
    """The tree's value by the op table's forward functions and checks; ArithmeticError if none."""
    if isinstance(tree, str):
        return VALUES[tree]
    if tree[0] == "num":
        return tree[1]
    if tree[0] == "neg":
        name, args = "neg", (reference(tree[1]),)
    elif tree[0] == "call":
        name, args = tree[1], tuple(reference(a) for a in tree[2])
        if len(args) == 1 and name in DEFAULTS:
            args += (DEFAULTS[name],)
    else:
        name, args = NAMES[tree[0]], (reference(tree[1]), reference(tree[2]))
    op = OPS[name]
    forward_args = (args, None) if op.kind == NARY else args
    if op.check is not None and op.check(*forward_args) is not None:
        raise ArithmeticError(name)
    try:
        result = float(op.forward(*forward_args))
    except (OverflowError, ValueError, ZeroDivisionError):
        raise ArithmeticError(name) from None
    if not math.isfinite(result):
        raise ArithmeticError(name)
    return result


@settings(max_examples=300)
@given(trees, spaces)
def test_random_trees_parse_to_the_value_they_compute(tree, space):
    text = render(tree, space)
    result = parse_bounded(text)
    assert not isinstance(result, ExpressionError), f"{text!r}: {result}"
    try:
        expected = reference(tree)
    except ArithmeticError:
        assert isinstance(result, MathError), f"{text!r} gave {result!r}, expected a math error"
        return
    assert isinstance(result, Value), f"{text!r}: {result}"
    assert math.isclose(result.data, expected, rel_tol=1e-12, abs_tol=1e-300), text


@settings(max_examples=200)
@given(trees, st.integers(min_value=0), st.sampled_from(list(GRAMMAR_CHARS) + [""]))
def test_one_character_changed_in_valid_text_still_gives_a_graph_or_an_error(tree, at, char):
    text = render(tree, " ")
    at %= len(text) + 1
    assert_well_formed(parse_bounded(text[:at] + char + text[at + 1 :]))


@settings(max_examples=300)
@given(trees, st.sampled_from([0.0, 0.5, -1.25, 2.0]))
def test_every_op_node_has_its_place_and_a_backward_error_names_it(tree, at):
    """The walk of text and graph side by side finds the subexpression of every op node (its
    op is the call's, or the learnable twin), so an error in backward can say where it is."""
    text = render(tree, " ")
    expression = Expression(text)
    try:
        root = expression.evaluate(dict.fromkeys(VALUES, at))
    except MathError:
        return
    places = _places(expression._tree, root)
    for node in topological_order(root):
        if not node.is_leaf:
            assert node.op.startswith(places[id(node)].name), text
    try:
        expression.backward(root)
    except MathError as e:
        message, shown, caret = str(e).split("\n")  # the message, the formula, a caret
        assert caret.strip() == "^" and e.position is not None, str(e)
        if len(text) <= 72 and e.position < 36:  # the whole formula fits the picture
            assert shown == f"  {text}" and len(caret) - 3 == e.position, str(e)
