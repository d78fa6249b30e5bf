"""A small, safe expression language: text such as "sigmoid(w*x + b)" -> a `Value` graph.

The text is read by a hand-written tokenizer and a precedence-climbing parser, never by
`eval`, `exec` or Python's `ast`, so nothing a user types (or pastes) can run code. The grammar
has numbers, names, `+ - * / **`, unary minus, parentheses and calls of the op table's functions
(`OPS`: `exp`, `log`, `sigmoid`, `relu`, `gelu`, `maxout(a, b, c)`, `elu(x, 0.5)`, ...; `elu(x)`,
`leaky_relu(x)` and `swish(x)` take the default parameter of the `Value` method), and the
constants `pi` and `e`, which cannot be given a value. Everything else is refused with an
`ExpressionError` whose message points at the place with a caret. Length, nesting depth and
node count are limited, so hostile input fails fast and clearly (deep parentheses give that
error, not a RecursionError).

The grammar is in `syntax`, which reads the text; `graph` builds the Value graph from it.

Numbers combined only with numbers are folded into one constant; a number next to a `Value`
is stored in its op node (the book's h3 = h2 × (−1), NNDL §4.5.3), not drawn as a node.
"""

from .graph import Expression, parse
from .syntax import BOOK_NAMES as BOOK_NAMES  # read as attributes, as before the split
from .syntax import CONSTANTS as CONSTANTS
from .syntax import MAX_DEPTH, MAX_LENGTH, MAX_NODES, ExpressionError, ascii_punctuation

__all__ = [
    "MAX_DEPTH",
    "MAX_LENGTH",
    "MAX_NODES",
    "Expression",
    "ExpressionError",
    "parse",
    "ascii_punctuation",
]

# Tracebacks, reprs and pickles name the classes where users import them from.
for _cls in (Expression, ExpressionError):
    _cls.__module__ = __name__
