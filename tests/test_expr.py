"""The expression language: the book's σ(wx + b), the grammar, the caret errors, the limits."""

import inspect
import math

import pytest

from micrograd_nndl import (
    OPS,
    DivisionByZeroError,
    DomainError,
    Expression,
    ExpressionError,
    NonFiniteGradientError,
    NumericOverflowError,
    Value,
    parse,
)
from micrograd_nndl.expr import MAX_DEPTH, MAX_LENGTH, MAX_NODES
from micrograd_nndl.ops import BINARY, NARY, UNARY

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
        args = {UNARY: "x", BINARY: "x, y", NARY: "x, y, 0.5"}.get(op.kind, "x, 0.5")
        f = parse(f"{name}({args})", {"x": 0.7, "y": 0.3})
        assert f.op == name, name


@pytest.mark.parametrize("name", ["elu", "leaky_relu", "swish"])
@pytest.mark.parametrize("x", [-1.5, 0.75])
def test_one_argument_forms_take_the_value_methods_default(name, x):
    default = inspect.signature(getattr(Value, name)).parameters
    f = parse(f"{name}(x)", {"x": x})
    f.backward()
    v = Value(x)
    g = getattr(v, name)()  # the method with its own default
    g.backward()
    assert (f.op, f.data, leaves(f)["x"].grad) == (g.op, g.data, v.grad)
    assert f.data == parse(f"{name}(x, {list(default.values())[1].default!r})", {"x": x}).data


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
        ("leaky_relu(x, 0.1, 2)", 0, "leaky_relu takes 1 or 2 arguments (x, γ = 0.01 if left"),
        ("prelu(x)", 0, "prelu takes 2 arguments"),
        ("1..2", 2, "malformed number '1..2': a number has one '.' at most"),
        ("x * 1.5.2", 7, "malformed number '1.5.2'"),
        ("elu(x, x)", 7, "must be a number"),
        ("maxout()", 7, "expected an expression"),
        ("f(x) , 2", 0, "f is not a function"),
        ("x, 2", 1, "separates the arguments"),
        ("1e999", 0, "too large for a float: 1e999 is above"),
        ("x * 1e-400", 4, "too small for a float: 1e-400 would become 0"),
        ("2E-324 + x", 0, "too small for a float: 2E-324 would become 0"),
        ("x = 1", 2, "not part of the language"),
    ],
)
def test_errors_name_what_and_where(text, position, words):
    e = error_of(text)
    assert e.position == position
    assert words in str(e)
    assert str(e).splitlines()[-1].index("^") == position


@pytest.mark.parametrize("literal", ["0e-400", "0.000e5", ".0", "0.", "00.00e-999", "1e-310"])
def test_zeros_and_subnormals_are_the_numbers_written(literal):
    """Only a nonzero literal that rounds to 0 is refused: a zero written any way is 0, and a
    subnormal is kept (nonzero, only less precise)."""
    assert parse(literal).data == float(literal)
    assert (float(literal) == 0.0) == (literal != "1e-310")


def test_a_malformed_number_is_not_taken_for_a_product():
    assert "2*x" not in str(error_of("1..2"))
    assert "write 2*x for a product" in str(error_of("2x"))  # a product it may well be


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
        ("x→y", "unexpected character '\\u2192'"),  # an arrow is no letter of a name
        ("w₁ + ₁", "unexpected character '\\u2081'"),  # an index cannot start a name
    ],
)
def test_what_is_not_in_the_grammar_is_refused(text, words):
    e = error_of(text)
    assert words in str(e)
    assert all(c == "\n" or c.isprintable() for c in str(e))  # no control echoed raw


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


def test_a_domain_error_quotes_the_users_argument_and_points_at_the_op():
    with pytest.raises(DomainError) as info:
        parse("2 * log(x-1)", {"x": 1.0})
    assert str(info.value) == (
        "log: the argument x-1 = 0, and log needs it > 0\n  2 * log(x-1)\n      ^"
    )


def test_the_python_api_names_a_labelled_input_as_the_user_did():
    with pytest.raises(DomainError, match=r"^log: the argument z = -1, and log needs it > 0"):
        Value(-1.0, "z").log()
    with pytest.raises(DivisionByZeroError, match=r"^div: division by zero, at the divisor d = 0"):
        Value(1.0, "x") / Value(0.0, "d")


def test_a_tower_of_powers_overflows_with_a_clear_error():
    with pytest.raises(NumericOverflowError) as info:
        parse("10**10**10**10")  # 10**(10**(10**10)): the middle ** overflows
    assert str(info.value).startswith("pow: the result is too large for a float, at the base 10")
    assert str(info.value).endswith("\n  10**10**10**10\n        ^")


def test_division_by_zero_names_the_op():
    with pytest.raises(DivisionByZeroError, match="div: division by zero"):
        parse("1 / (x - 2)", {"x": 2.0})


# ---- the constants pi and e cannot be given a value -------------------------------------------


@pytest.mark.parametrize("name, shown", [("e", "2.71828…"), ("pi", "3.14159…")])
def test_a_value_for_a_constant_is_refused_not_ignored(name, shown):
    e = error_of(f"2*{name}", {name: 2.0})
    assert e.reason == (
        f"'{name}' is the constant {shown}; it cannot be given a value — "
        "name the variable differently"
    )
    assert e.position == 2  # the caret under the constant's use


def test_a_value_for_a_constant_the_text_does_not_use_is_refused_too():
    e = error_of("x", {"x": 1.0, "e": 2.0})
    assert e.position is None and str(e).startswith("'e' is the constant 2.71828…")
    assert parse("x", {"x": 1.0, "y": 2.0}).data == 1.0  # other unused names are ignored


# ---- math errors in backward name the place too ------------------------------------------------


def backward_error(text: str, values: dict[str, float]) -> str:
    expression = Expression(text)
    given = {name: Value(v, name) for name, v in values.items()}
    root = expression.evaluate(given)
    with pytest.raises(NonFiniteGradientError) as info:
        expression.backward(root)
    return str(info.value)


def test_an_undefined_local_derivative_in_backward_names_the_subexpression():
    message = backward_error("x * sqrt(x) + 1", {"x": 0.0})
    assert message.startswith("backward: a local derivative of sqrt(x) (sqrt, value 0.0)")
    assert message.endswith("\n  x * sqrt(x) + 1\n      ^")


def test_a_gradient_that_overflows_in_backward_names_the_op_of_the_edge():
    message = backward_error("1 + exp(exp(x))", {"x": 6.56})  # forward is finite: e^706
    assert "became inf at the edge from exp(x) (exp)" in message
    assert message.endswith("\n  1 + exp(exp(x))\n          ^")


@pytest.mark.parametrize(
    "text, column",
    [
        ("2 ** (x - 1) * sqrt(y)", 15),
        ("maxout(1, sqrt(y), x)", 10),
        ("elu(-sqrt(y)) / 2", 5),
        ("elu(-(sqrt(y)))", 6),  # the caret under sqrt, inside its parentheses
        ("swish(x, b) + (pi - 1) * log(sqrt(y) + 1)", 29),
        ("prelu(2, b) * sqrt(y)", 14),
    ],
)
def test_places_follow_constants_folded_or_kept_in_the_node(text, column):
    message = backward_error(text, {"x": 1.0, "y": 0.0, "b": 1.0})
    assert message.endswith(f"\n  {text}\n  {' ' * column}^")


def test_the_place_is_read_from_the_error_not_replayed():
    """A viewer's error (the chain rule along a path to y) names its node: that is the place."""
    expression = Expression("sqrt(x) + sqrt(y)")
    root = expression.evaluate({"x": 0.0, "y": 0.0})
    sqrt_x, sqrt_y = root.parents
    at_y = expression.placed(NonFiniteGradientError("∂/∂y", node=sqrt_y, op=OPS["sqrt"]), root)
    assert str(at_y).endswith("\n  sqrt(x) + sqrt(y)\n            ^") and at_y.node is sqrt_y
    edge = NonFiniteGradientError("inf", node=sqrt_x.parents[0], edge=sqrt_x)
    assert str(expression.placed(edge, root)).endswith("\n  sqrt(x) + sqrt(y)\n  ^")
    unplaced = str(expression.placed(NonFiniteGradientError("?"), root))
    assert unplaced.endswith("\n  sqrt(x) + sqrt(y)\n          ^")  # the whole formula: its +


def test_backward_without_trouble_is_plain_backward():
    expression = Expression("sigmoid(w*x + b)")
    w = Value(0.0, "w")
    expression.backward(expression.evaluate({"x": 1.0, "w": w, "b": 0.0}))
    assert w.grad == 0.25


def test_text_must_be_a_string():
    with pytest.raises(TypeError, match="must be a str"):
        parse(b"x")  # type: ignore[arg-type]


def test_the_symbols_the_views_print_paste_back():
    """× · − ÷ and σ( as the step-through and the drawings print them (NNDL §4.5.3)."""
    values = {"x": 1.0, "w": 0.5, "b": -2.0}
    for printed, ascii_form in [
        ("σ(w × x + b)", "sigmoid(w*x + b)"),
        ("1 ÷ (1 + exp(−(w·x + b)))", "1 / (1 + exp(-(w*x + b)))"),
        ("x × (−1) − b ÷ 2", "x*(-1) - b/2"),
    ]:
        assert (
            Expression(printed).evaluate(values).data
            == Expression(ascii_form).evaluate(values).data
        )


@pytest.mark.parametrize(
    "name", ["净输入", "θ", "α", "w₁", "b⁽¹⁾", "w⁽²⁾₁₂", "σ₁", "σ", "x_1", "Ωmega", "z²"]
)
def test_names_as_people_write_them_are_variables(name):
    """Python's identifiers (any script) with the book's subscript and superscript indices:
    the value the API labels 净输入 is the variable the language reads as 净输入 (issue #22)."""
    f = parse(f"2*{name} + 1", {name: 3.0})
    f.backward()
    assert Expression(f"2*{name} + 1").variables == (name,)
    assert (f.data, leaves(f)[name].grad) == (7.0, 2.0)


def test_a_chinese_name_in_a_sigmoid_gives_the_books_numbers():
    values = {"净输入": 0.0, "θ": 2.0}
    f = parse("θ * σ(净输入)", values)
    f.backward()
    assert (f.data, leaves(f)["净输入"].grad, leaves(f)["θ"].grad) == (1.0, 0.5, 0.5)


def test_a_caret_under_a_wide_name_stands_under_the_place():
    """A full-width glyph takes two columns: the caret counts them, and the line is shown as
    written (no longer ??? for every letter beyond ASCII)."""
    line, caret = str(error_of("净输入 + ^", {"净输入": 1.0})).splitlines()
    assert line == "净输入 + ^" and caret.index("^") == len("净输入 + ") + 3


def test_names_keep_pythons_rules_beyond_letters():
    assert "names may not start with '_'" in str(error_of("_θ"))
    assert "'lambda' is a Python keyword" in str(error_of("lambda"))
    assert "no value given for θ₂" in str(error_of("θ₂", {"θ": 1.0}))


def test_the_books_names_of_functions_read_as_the_tables_ops():
    """NNDL §4.1.1 writes the logistic function and hard-logistic; ln is log."""
    values = {"x": 0.3, "w": 0.5, "b": -2.0}
    for book, table in [
        ("logistic(w*x + b)", "sigmoid(w*x + b)"),
        ("hard_logistic(4*x)", "hard_sigmoid(4*x)"),
        ("ln(x + 1)", "log(x + 1)"),
    ]:
        f, g = parse(book, values), parse(table, values)
        assert (f.data, f.op) == (g.data, g.op)
    assert parse("logistic(0)", {}).data == 0.5
    assert parse("ln + logistic", {"ln": 1.0, "logistic": 2.0}).data == 3.0  # still variables


def test_full_width_punctuation_from_a_chinese_keyboard_reads_as_ascii():
    """w＊（x＋1） typed with a Chinese input method is w*(x+1), one character for one so a
    caret stays under its place; full-width digits and 、 as a comma too, names as typed."""
    values = {"w": 3.0, "x": 2.0, "净输入": 0.5}
    typed = parse("w＊（x＋1）－净输入／２", values)
    assert typed.data == parse("w*(x+1)-净输入/2", values).data == 3.0 * 3.0 - 0.25
    assert parse("maxout（w、x）", values).data == 3.0
    with pytest.raises(ExpressionError) as error:
        parse("w＊x（", values)
    assert error.value.position == 2 and "x is not a function" in str(error.value)
