"""The expression language: the book's σ(wx + b), the grammar, the caret errors, the limits."""

import math

import pytest

from micrograd_nndl import (
    OPS,
    DivisionByZeroError,
    DomainError,
    Expression,
    ExpressionError,
    NumericOverflowError,
    Value,
    parse,
)
from micrograd_nndl.expr import MAX_DEPTH, MAX_LENGTH, MAX_NODES

BOOK = {"x": 1.0, "w": 0.0, "b": 0.0}


def leaves(root: Value) -> dict[str, Value]:
    """The labelled leaves of a graph, by label."""
    found, stack = {}, [root]
    while stack:
        node = stack.pop()
        if node.is_leaf and node.label:
            found[node.label] = node
        stack.extend(node.parents)
    return found


def error_of(text: str, values: dict | None = None) -> ExpressionError:
    with pytest.raises(ExpressionError) as info:
        parse(text, values if values is not None else {"x": 2.0})
    return info.value


# ---- the book's example (NNDL §4.5.3) --------------------------------------------------------


def test_sigmoid_of_wx_plus_b_gives_the_books_numbers():
    f = parse("sigmoid(w*x + b)", BOOK)
    f.backward()
    xs = leaves(f)
    assert f.data == 0.5
    assert (xs["w"].grad, xs["b"].grad, xs["x"].grad) == (0.25, 0.25, 0.0)


def test_the_six_primitive_form_stores_constants_in_the_op_nodes():
    f = parse("1 / (exp(-1 * (x*w + b)) + 1)", BOOK)
    f.backward()
    assert f.data == 0.5
    assert f.op_info.describe(f.constant) == "1 ÷"  # h6 = 1 / h5
    h5 = f.parents[0]
    assert h5.op_info.describe(h5.constant) == "+ 1"  # h5 = h4 + 1
    assert [p.label for p in f.parents] == [""]  # the constant 1 is not a node
    assert leaves(f)["w"].grad == 0.25


def test_variables_are_labelled_leaves_shared_by_every_use():
    f = parse("x*x + x", {"x": 3.0})
    f.backward()
    assert f.data == 12.0
    assert leaves(f)["x"].grad == 7.0  # 2x + 1: the paths add up


def test_given_values_are_used_as_they_are():
    w = Value(0.0, "weight")
    f = parse("sigmoid(w*x + b)", {"x": 1, "w": w, "b": 0})
    f.backward()
    assert w.grad == 0.25


def test_an_expression_is_parsed_once_and_evaluated_anywhere():
    e = Expression("tanh(a) * b + a")
    assert e.variables == ("a", "b")
    assert e.evaluate({"a": 0.0, "b": 5.0}).data == 0.0
    assert e.evaluate({"a": 1.0, "b": 2.0}).data == pytest.approx(2 * math.tanh(1.0) + 1.0)


# ---- grammar -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("1 + 2 * 3", 7.0),
        ("(1 + 2) * 3", 9.0),
        ("2 ** 3 ** 2", 512.0),  # right-associative
        ("-2 ** 2", -4.0),  # the power binds tighter than the sign
        ("2 ** -1", 0.5),
        ("8 / 4 / 2", 1.0),  # left-associative
        ("7 - 2 - 1", 4.0),
        ("--3", 3.0),
        ("+x", 2.0),
        (".5 + 1.5e1 + 2E-1", 15.7),
        ("pi", math.pi),
        ("e", math.e),
        ("x\n  * 2", 4.0),
    ],
)
def test_arithmetic_follows_the_usual_precedence(text, expected):
    assert parse(text, {"x": 2.0}).data == pytest.approx(expected)


def test_a_constant_expression_is_one_leaf():
    f = parse("2 * pi")
    assert f.is_leaf and f.data == 2 * math.pi


@pytest.mark.parametrize(
    "text, expected",
    [
        ("exp(x)", math.exp(0.5)),
        ("log(x)", math.log(0.5)),
        ("relu(-x)", 0.0),
        ("gelu(x)", 0.5 * 0.5 * (1 + math.erf(0.5 / math.sqrt(2)))),
        ("maxout(x, 2*x, -x)", 1.0),
        ("maxout(x)", 0.5),
        ("leaky_relu(-x, 0.1)", -0.05),
        ("elu(-x, 1.0)", math.expm1(-0.5)),
        ("swish(x, 0)", 0.25),  # β = 0 gives x/2 (NNDL §4.1)
        ("prelu(-x, 0.25)", -0.125),
        ("pow(x, 2)", 0.25),
        ("softplus(x)", math.log1p(math.exp(0.5))),
    ],
)
def test_functions_come_from_the_op_table(text, expected):
    assert parse(text, {"x": 0.5}).data == pytest.approx(expected)


def test_every_op_in_the_table_can_be_called_by_name():
    for name, op in OPS.items():
        args = {1: "x", 3: "x, y", 4: "x, y, 0.5"}.get(op.kind, "x, 0.5")
        f = parse(f"{name}({args})", {"x": 0.7, "y": 0.3})
        assert f.op == name, name


def test_a_learnable_parameter_uses_the_tables_two_input_form():
    f = parse("swish(x, beta)", {"x": 1.0, "beta": 0.0})
    f.backward()
    assert f.op == "swish_learnable"
    assert leaves(f)["beta"].grad == pytest.approx(0.25)  # x²σ(0)(1 − σ(0))
    g = parse("prelu(x, slope)", {"x": -2.0, "slope": 0.1})
    g.backward()
    assert g.data == pytest.approx(-0.2) and leaves(g)["slope"].grad == -2.0


# ---- errors: the caret points at the place -----------------------------------------------------


def test_the_issues_example_points_at_the_missing_operand():
    e = error_of("sigmoid(w*x + )", BOOK)
    assert str(e) == "sigmoid(w*x + )\n              ^ expected an expression"
    assert (e.position, e.line, e.column) == (14, 1, 15)
    assert e.reason == "expected an expression"


@pytest.mark.parametrize(
    "text, position, words",
    [
        ("sigmod(x)", 0, "did you mean sigmoid"),
        ("x + y", 4, "no value given for y"),
        ("exp", 0, "call it as exp(...)"),
        ("pi(2)", 0, "constant, not a function"),
        ("x ^ 2", 2, "use ** for powers"),
        ("2x", 1, "write 2*x"),
        ("(x", 2, "expected ')'"),
        ("x)", 1, "unmatched ')'"),
        ("x +", 3, "the text ends here"),
        ("", 0, "expected an expression"),
        ("log(x, x)", 0, "log takes 1 argument"),
        ("leaky_relu(x)", 0, "leaky_relu(x, 0.1)"),
        ("leaky_relu(x, x)", 14, "must be a number"),
        ("maxout()", 7, "expected an expression"),
        ("f(x) , 2", 0, "f is not a function"),
        ("x, 2", 1, "separates the arguments"),
        ("1e999", 0, "too large"),
        ("x = 1", 2, "not part of the language"),
    ],
)
def test_errors_name_what_and_where(text, position, words):
    e = error_of(text)
    assert e.position == position
    assert words in str(e)
    assert str(e).splitlines()[-1].index("^") == position


def test_an_unknown_variable_is_listed_with_the_nearest_given_names():
    e = error_of("sigmoid(weight * x)", {"x": 1.0, "weights": 0.0})
    assert "no value given for weight; did you mean weights?" in str(e)


def test_multi_line_text_says_the_line_and_column():
    e = error_of("x +\n  * 2")
    assert (e.line, e.column) == (2, 3)
    assert str(e) == "line 2, column 3:\n  * 2\n  ^ expected an expression"


@pytest.mark.parametrize(
    "text, words",
    [
        ("__import__('os').system('echo x')", "names may not start with '_'"),
        ("().__class__", "attributes are not part of the language"),
        ("x.real", "attributes are not part of the language"),
        ("x[0]", "subscripts are not part of the language"),
        ("lambda: 1", "'lambda' is a Python keyword"),
        ("[x for x in y]", "subscripts are not part of the language"),
        ("(x for x in y)", "'for' is a Python keyword"),
        ("'rm -rf'", "strings are not part of the language"),
        ("import os", "'import' is a Python keyword"),
        ("x if x else 1", "'if' is a Python keyword"),
        ("0x1f", "unexpected 'x' after the number 0"),
        ("1_000", "unexpected '_' after the number 1"),
        ("exp(x); 1", "unexpected character ';'"),
        ("\x1b[2J", "unexpected character '\\x1b'"),
        ("σ(x)", "unexpected character '\\u03c3'"),
    ],
)
def test_what_is_not_in_the_grammar_is_refused(text, words):
    e = error_of(text)
    assert words in str(e)
    assert all(c == "\n" or " " <= c <= "~" for c in str(e))  # nothing echoed raw


# ---- limits: hostile input fails fast and clearly ----------------------------------------------


def test_ten_thousand_nested_parentheses_give_the_depth_error_not_recursion():
    with pytest.raises(ExpressionError, match="nested too deeply"):
        parse("(" * 4000 + "x" + ")" * 4000, {"x": 1.0})
    with pytest.raises(ExpressionError, match="nested too deeply"):
        parse("-" * 5000 + "x", {"x": 1.0})
    with pytest.raises(ExpressionError, match="nested too deeply"):
        parse("exp(" * 1000 + "x" + ")" * 1000, {"x": 1.0})
    assert parse("(" * MAX_DEPTH + "x" + ")" * MAX_DEPTH, {"x": 1.0}).data == 1.0


def test_ten_thousand_parentheses_are_over_the_length_limit():
    e = error_of("(" * 10_000 + "x" + ")" * 10_000)
    assert "the limit is" in str(e) and len(str(e)) < 300


def test_a_one_megabyte_string_is_refused_by_its_length_with_a_short_message():
    e = error_of("x" * 1_000_000)
    assert e.position == MAX_LENGTH
    assert len(str(e)) < 300


def test_a_long_flat_chain_is_refused_by_its_node_count():
    with pytest.raises(ExpressionError, match=f"more than {MAX_NODES} nodes"):
        parse("+".join(["x"] * MAX_NODES), {"x": 1.0})


def test_a_long_chain_under_the_limits_evaluates_without_recursion():
    n = MAX_NODES // 2 - 1
    f = parse("+".join(["x"] * n), {"x": 1.0})
    f.backward()
    assert f.data == n and leaves(f)["x"].grad == n


# ---- math errors name the op and the place -----------------------------------------------------


def test_a_domain_error_names_the_op_and_the_subexpression():
    with pytest.raises(DomainError, match=r"log: needs x > 0.*in `log\(x-1\)` \(column 1\)"):
        parse("log(x-1)", {"x": 1.0})


def test_a_tower_of_powers_overflows_with_a_clear_error():
    with pytest.raises(NumericOverflowError, match=r"pow: .*in `10\*\*10\*\*10`"):
        parse("10**10**10**10")


def test_division_by_zero_names_the_op():
    with pytest.raises(DivisionByZeroError, match="div: division by zero"):
        parse("1 / (x - 2)", {"x": 2.0})


def test_text_must_be_a_string():
    with pytest.raises(TypeError, match="must be a str"):
        parse(b"x")  # type: ignore[arg-type]
