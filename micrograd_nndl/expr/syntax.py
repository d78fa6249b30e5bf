"""The expression language's text: its tokenizer, its precedence-climbing parser, its errors.

Text is read by hand-written code, never by `eval`, `exec` or Python's `ast`, so nothing a user
types can run code; what is refused raises `ExpressionError` pointing at the place with a
caret. `micrograd_nndl.expr.graph` turns the parsed tree into a Value graph.

    expr   := term (("+" | "-") term)*
    term   := unary (("*" | "/") unary)*
    unary  := ("-" | "+") unary | power
    power  := atom ("**" unary)?             right-associative: 2**3**2 = 2**9, -x**2 = -(x**2)
    atom   := NUMBER | NAME | NAME "(" expr ("," expr)* ")" | "(" expr ")"
"""

from __future__ import annotations

import difflib
import keyword
import math
import re
import unicodedata
from collections.abc import Iterable
from typing import Any, NamedTuple

from ..ops import BINARY, NARY, OPS, UNARY, UNARY_PARAM, Op

MAX_LENGTH = 10_000  # characters of text
MAX_DEPTH = 100  # nested parentheses, calls, unary signs and powers
MAX_NODES = 2_000  # numbers, names, operators and calls

CONSTANTS: dict[str, float] = {"pi": math.pi, "e": math.e}
#: the book's names for functions the op table names otherwise (NNDL §4.1.1 calls σ the
#: logistic function), read as the table's op when called, as σ( is
BOOK_NAMES = {"logistic": "sigmoid", "hard_logistic": "hard_sigmoid", "ln": "log"}


_BINARY_OPS = {"+": "add", "-": "sub", "*": "mul", "/": "div", "**": "pow"}
_PRECEDENCE = {"+": 1, "-": 1, "*": 2, "/": 2}
_NUMBER = re.compile(r"(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_DIGITS = frozenset("0123456789")  # str.isdigit() would accept "²" and "٣"
#: Beyond Python's identifier characters, a name may go on with the book's indices: w₁, b⁽¹⁾
INDEX_MARKS = frozenset("₀₁₂₃₄₅₆₇₈₉⁰¹²³⁴⁵⁶⁷⁸⁹⁽⁾")
_SPACE = re.compile(r"[ \t\r\n]+")
_SHOWN = 72  # characters of source shown around the caret
#: the symbols the views print, read back as the ASCII operators (a printed formula pastes back)
_PRINTED = {"×": "*", "·": "*", "−": "-", "÷": "/"}
#: A Chinese keyboard's full-width punctuation and digits (，；＝（）＊＋２…, U+FF01–U+FF5E)
#: and its enumeration comma 、 as the ASCII they stand for; letters are left as typed (a
#: name may hold them). One character for one, so a caret still stands under the place.
_FULL_WIDTH = {
    code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F) if not chr(code - 0xFEE0).isalpha()
} | {ord("、"): ord(",")}


def ascii_punctuation(text: str) -> str:
    """`text` with full-width punctuation and digits read as ASCII: "w＊x（" -> "w*x(",
    "x=1，w=0" -> "x=1,w=0"; the tokenizer, a notes block and `--at` read the user's text
    through it."""
    return text.translate(_FULL_WIDTH)


_HINTS = {
    "^": "use ** for powers",
    ".": "attributes are not part of the language",
    "[": "subscripts are not part of the language",
    "]": "subscripts are not part of the language",
    "'": "strings are not part of the language",
    '"': "strings are not part of the language",
    "=": "assignments and comparisons are not part of the language; give values separately",
    "{": "only ( ) group an expression",
    "}": "only ( ) group an expression",
}


class ExpressionError(ValueError):
    """Text that is not a valid expression; `str()` shows the place with a caret.

    `text` is the expression, `position` the 0-based offset of the problem (None when it has
    no place, e.g. a bad value), `line` and `column` (1-based) the same place, `reason` the
    message without the picture.
    """

    def __init__(self, reason: str, text: str = "", position: int | None = None) -> None:
        self.reason = reason
        self.text = text
        self.position = position
        if position is None:
            self.line = self.column = 0
        else:
            self.line = text.count("\n", 0, position) + 1
            self.column = position - (text.rfind("\n", 0, position) + 1) + 1
        super().__init__(self._picture())

    def _picture(self) -> str:
        if self.position is None:
            return self.reason
        where = f"line {self.line}, column {self.column}:\n" if "\n" in self.text else ""
        return where + caret_picture(self.text, self.position, self.reason)


def caret_picture(text: str, position: int, note: str = "") -> str:
    """The line of `text` holding `position` (at most _SHOWN characters around it) and under
    it a caret at the position, followed by `note`: how every place in a formula is shown."""
    start = text.rfind("\n", 0, position) + 1
    end = text.find("\n", start)
    line = text[start : len(text) if end < 0 else end]
    col = position - start
    left = max(0, col - _SHOWN // 2)
    shown = line[left : left + _SHOWN]
    prefix = "..." if left > 0 else ""
    suffix = "..." if left + _SHOWN < len(line) else ""
    shown = "".join(c if c.isprintable() else "?" for c in shown)  # no terminal controls
    caret = " " * (len(prefix) + _width(shown[: col - left])) + "^" + (f" {note}" if note else "")
    return f"{prefix}{shown}{suffix}\n{caret}"


def _width(text: str) -> int:
    """Columns `text` takes in a terminal: a full-width glyph (净, Ｘ) takes two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


class _Token(NamedTuple):
    kind: str  # "number", "name", "op" or "end"
    text: str
    pos: int


class Node(NamedTuple):
    """A parsed expression: kind "number", "name", "neg" or "call" (name is an OPS key).

    `at` is where its operator stands (the `/` of `x/(y - 1)`, the `l` of `log(...)`, the `-`
    of a negation): the place an error of the op points at; -1 for numbers and names."""

    kind: str
    start: int
    end: int
    name: str = ""
    args: tuple[Node, ...] = ()
    number: float = 0.0
    at: int = -1


def _tokenize(text: str) -> list[_Token]:
    text = ascii_punctuation(text)
    tokens: list[_Token] = []
    pos, n = 0, len(text)
    while pos < n:
        c = text[pos]
        if space := _SPACE.match(text, pos):
            pos = space.end()
            continue
        if c in _DIGITS or (c == "." and text[pos + 1 : pos + 2] in _DIGITS):
            number = _NUMBER.match(text, pos)
            assert number is not None  # a digit, or "." and a digit, starts a number
            end = number.end()
            if text[end : end + 1] == ".":
                rest = text[pos:]
                whole = rest[: len(rest) - len(rest.lstrip("0123456789.eE"))]  # all of it
                raise ExpressionError(
                    f"malformed number {whole!r}: a number has one '.' at most, as in 1.5 or .5",
                    text,
                    end,
                )
            if end < n and (text[end].isalnum() or text[end] == "_"):
                raise ExpressionError(
                    f"unexpected '{_shown(text[end])}' after the number {number.group()}; "
                    "write 2*x for a product, 1e-3 for a small number",
                    text,
                    end,
                )
            tokens.append(_Token("number", number.group(), pos))
            pos = end
        elif c == "σ" and text[pos + 1 :].lstrip().startswith("("):  # σ(z), as printed
            tokens.append(_Token("name", "sigmoid", pos))
            pos += 1
        elif end := _name_end(text, pos):
            word = text[pos:end]
            if word.startswith("_"):
                raise ExpressionError("names may not start with '_'", text, pos)
            if keyword.iskeyword(word):
                raise ExpressionError(
                    f"{word!r} is a Python keyword, not part of the expression language",
                    text,
                    pos,
                )
            tokens.append(_Token("name", word, pos))
            pos = end
        elif text.startswith("**", pos):
            tokens.append(_Token("op", "**", pos))
            pos += 2
        elif c in "+-*/(),":
            tokens.append(_Token("op", c, pos))
            pos += 1
        elif c in _PRINTED:
            tokens.append(_Token("op", _PRINTED[c], pos))
            pos += 1
        else:
            hint = _HINTS.get(c, "not part of the expression language")
            raise ExpressionError(f"unexpected character '{_shown(c)}': {hint}", text, pos)
    tokens.append(_Token("end", "", n))
    return tokens


def _name_end(text: str, pos: int) -> int:
    """Where the name starting at `pos` ends (0: no name starts there).

    A name is a Python identifier (净输入, θ, x_1: Unicode's XID rules, as `str.isidentifier`)
    that may go on with subscript and superscript digits and ⁽ ⁾ (w₁, b⁽¹⁾ᵢ), as people write
    the book's names; a label the API accepts is then a name the language reads. The middle
    dot, a letter of Python's names, is the product the views print: w·x is w times x.
    """
    if not text[pos].isidentifier():
        return 0
    end = pos + 1
    while end < len(text) and _continues_name(text[end]):
        end += 1
    return end


def _continues_name(c: str) -> bool:
    return c in INDEX_MARKS or (c not in _PRINTED and ("a" + c).isidentifier())


def _shown(c: str) -> str:
    """A character as a message may print it: itself if printable ASCII, else its escape."""
    return c if c.isascii() and c.isprintable() else ascii(c)[1:-1]


class Parser:
    """Precedence climbing over the tokens, with explicit limits on depth and size."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = _tokenize(text)
        self.i = 0
        self.depth = 0
        self.nodes = 0

    def error(self, reason: str, token: _Token | None = None) -> ExpressionError:
        return ExpressionError(reason, self.text, (token or self.peek()).pos)

    def peek(self) -> _Token:
        return self.tokens[self.i]

    def take(self) -> _Token:
        token = self.tokens[self.i]
        self.i += 1
        return token

    def expect(self, op: str, what: str) -> _Token:
        token = self.peek()
        if token.kind != "op" or token.text != op:
            raise self.error(what)
        return self.take()

    def node(self, *args: Any, **kwargs: Any) -> Node:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise self.error(f"the expression is too large (more than {MAX_NODES} nodes)")
        return Node(*args, **kwargs)

    def enter(self, token: _Token) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.error(
                f"the expression is nested too deeply (over {MAX_DEPTH} levels)", token
            )

    def parse(self) -> Node:
        tree = self.binary(1)
        token = self.peek()
        if token.kind != "end":
            if token.kind == "op" and token.text == ")":
                raise self.error("unmatched ')'")
            if token.kind == "op" and token.text == ",":
                raise self.error("',' only separates the arguments of a function call")
            raise self.error("expected an operator or the end of the expression")
        return tree

    def binary(self, min_precedence: int) -> Node:
        left = self.unary()
        while True:
            token = self.peek()
            precedence = _PRECEDENCE.get(token.text, 0) if token.kind == "op" else 0
            if precedence < min_precedence:
                return left
            self.take()
            right = self.binary(precedence + 1)
            name = _BINARY_OPS[token.text]
            left = self.node("call", left.start, right.end, name, (left, right), at=token.pos)

    def unary(self) -> Node:
        token = self.peek()
        if token.kind == "op" and token.text in "+-":
            self.take()
            self.enter(token)
            operand = self.unary()
            self.depth -= 1
            if token.text == "+":
                return operand
            return self.node("neg", token.pos, operand.end, "neg", (operand,), at=token.pos)
        base = self.atom()
        token = self.peek()
        if token.kind == "op" and token.text == "**":
            self.take()
            self.enter(token)
            exponent = self.unary()
            self.depth -= 1
            return self.node(
                "call", base.start, exponent.end, "pow", (base, exponent), at=token.pos
            )
        return base

    def atom(self) -> Node:
        token = self.take()
        if token.kind == "number":
            value = float(token.text)
            if math.isinf(value):
                raise self.error(
                    f"the number is too large for a float: {token.text} is above about 1.8e308",
                    token,
                )
            if value == 0.0 and token.text.lower().partition("e")[0].strip("0.") != "":
                # refused as 1e309 is: a literal that would silently become 0 is not the number
                # written. Subnormals (1e-310) are kept: they are nonzero, only less precise.
                raise self.error(
                    f"the number is too small for a float: {token.text} would become 0 "
                    "(the smallest positive float is about 5e-324)",
                    token,
                )
            return self.node("number", token.pos, token.pos + len(token.text), number=value)
        if token.kind == "name":
            return self.name(token)
        if token.kind == "op" and token.text == "(":
            self.enter(token)
            inner = self.binary(1)
            close = self.expect(")", "expected ')' to close the '(' opened earlier")
            self.depth -= 1
            return inner._replace(start=token.pos, end=close.pos + 1)
        self.i -= 1
        if token.kind == "end":
            raise self.error("expected an expression; the text ends here")
        raise self.error("expected an expression")

    def name(self, token: _Token) -> Node:
        word, end = token.text, token.pos + len(token.text)
        is_call = self.peek().kind == "op" and self.peek().text == "("
        if not is_call:
            if word in OPS:
                raise self.error(f"{word} is a function: call it as {word}(...)", token)
            if word in CONSTANTS:
                return self.node("number", token.pos, end, word, number=CONSTANTS[word])
            return self.node("name", token.pos, end, word)
        word = BOOK_NAMES.get(word, word) if word not in OPS else word
        if word not in OPS:
            kind = "a constant, not a function" if word in CONSTANTS else "not a function"
            raise self.error(f"{word} is {kind}{nearest(word, OPS)}", token)
        open_ = self.take()
        self.enter(open_)
        args = [self.binary(1)]
        while self.peek().kind == "op" and self.peek().text == ",":
            self.take()
            args.append(self.binary(1))
        close = self.expect(")", f"expected ',' or ')' in the call of {word}")
        self.depth -= 1
        op = OPS[word]  # read at parse time: an op added by register_op is a function too
        _check_arity(op, len(args), self.text, token.pos)
        if len(args) == 1 and op.kind == UNARY_PARAM:  # elu(x) is elu(x, 1.0), as Value.elu
            args.append(self.node("number", close.pos, close.pos, number=op.default))
        return self.node("call", token.pos, close.pos + 1, word, tuple(args), at=token.pos)


def _check_arity(op: Op, given: int, text: str, pos: int) -> None:
    if op.kind == NARY:
        if not op.inputs.accepts(given):
            raise ExpressionError(f"{op.name} takes {op.inputs}; got {given}", text, pos)
        return
    allowed: tuple[int, ...]
    if op.kind == UNARY:
        expected, allowed = "1 argument (x)", (1,)
    elif op.kind == BINARY:
        expected, allowed = "2 arguments (a, b)", (2,)
    elif op.default is not None:  # the table's default parameter, as the Value methods take
        expected = f"1 or 2 arguments (x, {op.param} = {op.default:g} if left out)"
        allowed = (1, 2)
    else:
        expected, allowed = f"2 arguments (x, {op.param}), e.g. {op.name}(x, 0.1)", (2,)
    if given not in allowed:
        raise ExpressionError(f"{op.name} takes {expected}; got {given}", text, pos)


def nearest(word: str, names: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, sorted(names), n=3, cutoff=0.6)
    return f"; did you mean {', '.join(close)}?" if close else ""
