"""The `micrograd-nndl` command line as argparse reads it: seven subcommands, their options
and examples, and the formula that starts with "-" kept from being read as an option. What
each subcommand does is in `viz.cli.commands`; this module only reads the words typed.
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable, Sequence
from typing import Any

from micrograd_nndl import Expression, ExpressionError, MathError, __version__
from micrograd_nndl.expr import CONSTANTS

from ..draw.compact import STYLES
from ..draw.dot import MAX_NODES
from ..draw.drawing import SUFFIXES
from ..draw.fit import NOTEBOOK
from ..number_format import DIGITS, check_digits
from ..step.text import MAX_ROWS as TABLE_ROWS
from ..step.text import MAX_WIDTH as TABLE_WIDTH
from ..words import LANGUAGES
from .book_demo import DEFAULT_IMAGE, PAGE_NAME

PROG = "micrograd-nndl"
BOOK_EXPR = "sigmoid(w*x + b)"
BOOK_AT = "x=1,w=0,b=0"
STEP_KEYS = "Enter or n: next step, p or b: back one step, t: the table, ?: these keys, q: quit"
EPS = 1e-6  # check's default step, gradcheck's
MAX_ROWS = 20  # check's table: a formula may have 1000 variables
MAX_VARIABLES = 10  # explain without --wrt: each variable's rule is a paragraph
LANG_HELP = (
    "the language of what is written: en or zh (default: the locale's, LANG=zh_CN.UTF-8 reads "
    "zh, else en)"
)
HELP = {"-h": False, "--help": False}  # argparse's own option on every parser (add_help)

Options = dict[str, dict[str, bool]]  # subcommand -> its option strings -> takes a value


def build_parser() -> tuple[argparse.ArgumentParser, Options]:
    """The `micrograd-nndl` parser with its seven subcommands, each with examples in --help; and
    the option strings of the subcommands that read a formula (to tell "-x*w" from an option).
    """
    options: Options = {}
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Compute, draw and explain the gradients of a formula, as in NNDL §4.5.3.",
        epilog=_examples(
            f'render "{BOOK_EXPR}" --at {BOOK_AT} -o graph.svg',
            f'grad "{BOOK_EXPR}" --at {BOOK_AT}',
            f'explain "{BOOK_EXPR}" --at {BOOK_AT} --wrt w',
            f'step "{BOOK_EXPR}" --at {BOOK_AT}',
            f'html "{BOOK_EXPR}" --at {BOOK_AT} -o page.html',
            'check "tanh(w*x) * relu(b - x)" --at x=0.5,w=2,b=1',
            "demo",
        )
        + "\nFormulas: numbers, names, + - * / **, ( ), pi, e and the engine's functions, e.g.\n"
        "exp log sqrt sigmoid tanh relu gelu softplus maxout(a, b, c) leaky_relu(x, 0.01).",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    formula = argparse.ArgumentParser(add_help=False)
    formula.add_argument(
        "expr",
        metavar="EXPR",
        help='the formula, e.g. "sigmoid(w*x + b)"; it may start with -, as "-x*w"',
    )
    shared = [
        formula.add_argument(
            "--at",
            metavar="NAME=VALUE,...",
            action="append",
            type=parse_assignments,
            default=[],
            help="the values of the formula's variables, e.g. x=1,w=0,b=0 (repeatable; a value "
            "may be a constant formula such as pi/4)",
        ),
        formula.add_argument(
            "--lang",
            choices=LANGUAGES,
            default=None,
            help=LANG_HELP,
        ),
        formula.add_argument(
            "--digits",
            type=_digits,
            default=DIGITS,
            help=f"significant digits of the numbers shown (1-17, default {DIGITS})",
        ),
    ]

    def command(name: str, summary: str, *examples: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(
            name,
            parents=[formula] if name not in _NO_FORMULA else [],
            help=summary,
            description=summary,
            epilog=_examples(*examples),
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        if name not in _NO_FORMULA:
            options[name] = dict(HELP)
            for action in shared:
                _record(options[name], action)
        return sub

    render = command(
        "render",
        "Run forward and backward, and write the graph as an image (format from the suffix).",
        f'render "{BOOK_EXPR}" --at {BOOK_AT} -o graph.svg',
        f'render "{BOOK_EXPR}" --at {BOOK_AT} -o graph.png --rankdir TB --no-edge-derivatives',
        f'render "{BOOK_EXPR}" --at {BOOK_AT} -o graph.png --params w,b',
        'render "log(1 + exp(x))" --at x=2 -o softplus.svg --no-grad',
    )
    add = _recorder(render, options["render"])
    add(
        "-o",
        "--output",
        required=True,
        metavar="FILE",
        help=f"the image to write; its suffix is the format ({', '.join(SUFFIXES)}; "
        ".pdf needs a system Graphviz)",
    )
    add(
        "--rankdir",
        choices=("LR", "TB", "RL", "BT"),
        default=None,
        help="the direction of the drawing: left-right, top-bottom, ... (default: the one "
        "that fits --width)",
    )
    add(
        "--style",
        choices=STYLES,
        default=STYLES[0],
        help="compact: one node per op, as the book draws it (default); boxes: each value a box "
        "and each op a node, each edge its full ∂out/∂input",
    )
    add(
        "--width",
        type=_positive,
        default=NOTEBOOK,
        metavar="PX",
        help=f"the width the picture is read at, laid out to fit it (default {NOTEBOOK})",
    )
    add("--no-grad", action="store_true", help="draw the forward values only, no backward pass")
    add(
        "--edge-derivatives",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="write each local derivative ∂out/∂input on its edge (default: yes, as draw_dot)",
    )
    add(
        "--max-nodes",
        type=_positive,
        default=MAX_NODES,
        help=f"draw at most this many value boxes, the rest summarised (default {MAX_NODES})",
    )
    add("--title", default="", help="a caption over the drawing")
    add("--no-legend", action="store_true", help="leave out the legend")
    add(
        "--params",
        metavar="NAME,...",
        default="",
        help="variables to draw as learnable parameters, apart from the inputs (e.g. w,b)",
    )

    grad = command(
        "grad",
        "Print the value and the partial derivative with respect to every variable.",
        f'grad "{BOOK_EXPR}" --at {BOOK_AT}',
        f'grad "{BOOK_EXPR}" --at {BOOK_AT} --wrt w,b',
        'grad "x**3 + 2*x" --at x=2',
    )
    add = _recorder(grad, options["grad"])
    add("--wrt", metavar="NAME,...", help="the variables to differentiate by (default: every one)")
    explain_ = command(
        "explain",
        "Print the chain rule: every path to a variable and the product of its local derivatives.",
        f'explain "{BOOK_EXPR}" --at {BOOK_AT} --wrt w',
        'explain "x*x + x" --at x=3',
    )
    add = _recorder(explain_, options["explain"])
    add("--wrt", metavar="NAME,...", help="the variables to differentiate by (default: every one)")
    add(
        "--max-variables",
        type=int,
        default=MAX_VARIABLES,
        help="without --wrt, explain at most this many variables, the first in the formula "
        f"(default {MAX_VARIABLES}; 0: all)",
    )
    add("--max-paths", type=int, default=20, help="list at most this many paths (default 20)")
    add(
        "--max-factors",
        type=int,
        default=16,
        help="write at most this many factors of a path, its first and last (default 16; 0: all)",
    )
    step_ = command(
        "step",
        f"Step through both passes, forward then backward, one node at a time ({STEP_KEYS}). "
        "Keys may be piped in; at the end it waits for q.",
        f'step "{BOOK_EXPR}" --at {BOOK_AT}',
        f'printf "n\\nn\\np\\nn\\n" | {PROG} step "{BOOK_EXPR}" --at {BOOK_AT}',
        f'step "{BOOK_EXPR}" --at {BOOK_AT} --save-steps frames',
    )
    add = _recorder(step_, options["step"])
    add(
        "--save-steps",
        metavar="DIR",
        help="also write every frame of both passes as DIR/step-00.png, step-01.png, ...",
    )
    add(
        "--max-rows",
        type=int,
        default=TABLE_ROWS,
        help=f"the table shows at most this many rows, its cells cut at {TABLE_WIDTH} characters "
        f"(default {TABLE_ROWS}; 0: every row, uncut)",
    )
    html_ = command(
        "html",
        "Write one offline web page that steps through both passes (buttons, arrow keys, "
        "a slider; click a node for its chain rule).",
        f'html "{BOOK_EXPR}" --at {BOOK_AT} -o page.html --params w,b',
        'html "x*x + x" --at x=3 -o square.html',
    )
    add = _recorder(html_, options["html"])
    add("-o", "--output", required=True, metavar="FILE", help="the page to write (.html)")
    add(
        "--params",
        metavar="NAME,...",
        default="",
        help="variables to draw as learnable parameters, apart from the inputs (e.g. w,b)",
    )
    check = command(
        "check",
        "Check backward's gradients against central differences (NNDL §4.5.1); a mismatch is "
        "told apart as a kink (the slopes either side differ) or a step too large (a pole).",
        f'check "{BOOK_EXPR}" --at {BOOK_AT}',
        'check "gelu(x) * tanh(y)" --at x=0.3,y=-1',
        'check "x/y" --at x=1,y=1e-7 --eps 1e-11',
    )
    add = _recorder(check, options["check"])
    add(
        "--eps",
        type=_step_size,
        default=EPS,
        help=f"the step of the central differences (f(x+eps) - f(x-eps)) / 2eps (default {EPS:g})",
    )
    add(
        "--max-rows",
        type=int,
        default=MAX_ROWS,
        help="show at most this many rows of the table, the mismatches first, and explain at "
        f"most this many mismatches (default {MAX_ROWS}; 0: all)",
    )
    demo_ = command(
        "demo",
        "The book's example: σ(wx + b) at x = 1, w = 0, b = 0 as six primitives (NNDL §4.5.3): "
        "its derivative table, the chain rule for each variable, the graph as an image, and "
        f"beside it {PAGE_NAME}, a page that steps through both passes.",
        "demo",
        "demo -o sigmoid.svg",
    )
    demo_.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        default=str(DEFAULT_IMAGE),
        help=f"the image of the graph (default {DEFAULT_IMAGE})",
    )
    demo_.add_argument("--lang", choices=LANGUAGES, default=None, help=LANG_HELP)
    replay = command(
        "replay",
        "Train micrograd's demo network, MLP(2, [16, 16, 1]), on 100 moons twice, with logistic "
        "and with ReLU hidden layers, recording every epoch, and write one offline page that "
        "scrubs through both runs (decision regions, loss, accuracy, gradient norms, Adam's "
        "state).",
        "replay -o training.html",
        "replay -o training.html --epochs 50",
    )
    replay.add_argument("-o", "--output", metavar="FILE", default="training.html",
                        help="the page to write (default training.html)")  # fmt: skip
    replay.add_argument("--epochs", type=int, default=100, help="epochs of each run (default 100)")
    replay.add_argument("--lang", choices=LANGUAGES, default=None, help=LANG_HELP)
    return parser, options


#: The commands that take no formula.
_NO_FORMULA = ("demo", "replay")


def _record(options: dict[str, bool], action: argparse.Action) -> None:
    options.update(dict.fromkeys(action.option_strings, action.nargs != 0))


def _recorder(sub: argparse.ArgumentParser, options: dict[str, bool]) -> Callable:
    """`sub.add_argument`, remembering the option strings it adds in `options`."""

    def add(*names: str, **kwargs: Any) -> argparse.Action:
        action = sub.add_argument(*names, **kwargs)
        _record(options, action)
        return action

    return add


def _examples(*commands: str) -> str:
    lines = [cmd if cmd.startswith("printf") else f"{PROG} {cmd}" for cmd in commands]
    return "examples:\n" + "\n".join(f"  {line}" for line in lines)


def shield_formula(argv: Sequence[str], options: Options) -> tuple[list[str], int | None]:
    """`argv` with a formula that starts with "-" ("-x*w", "-1/(1+exp(-x))") given a leading
    space, so argparse reads it as EXPR and not as an option; and its index (None if none).

    The formula is the first argument after the subcommand that is not one of its options or
    an option's value; the exact option strings (-h, --help, -o, ...), --name=value, unique
    abbreviations of long options and -oFILE (when FILE is no formula) stay options.
    """
    args = list(argv)
    command = next((k for k, a in enumerate(args) if not a.startswith("-")), None)
    if command is None or args[command] not in options:
        return args, None
    known = options[args[command]]
    k = command + 1
    while k < len(args):
        arg = args[k]
        if arg == "--" or not arg.startswith("-"):
            return args, None  # the formula, or what argparse reads as one, is as typed
        takes = _option(arg, known)
        if takes is None:
            args[k] = " " + arg  # argparse takes no argument that starts with a space as option
            return args, k
        k += 2 if takes else 1
    return args, None


def _option(arg: str, known: dict[str, bool]) -> bool | None:
    """None if `arg` is not an option of `known`; else whether the next argument is its value."""
    if arg in known:
        return known[arg]
    if arg.startswith("--"):
        name, equals, _ = arg.partition("=")
        matches = [o for o in known if o.startswith("--") and o.startswith(name)]
        if name in known or len(matches) > 1:  # --at=x=1, or an ambiguity argparse reports
            return False
        if len(matches) == 1:
            return known[matches[0]] and not equals
        return None
    short = arg[:2]
    if known.get(short):  # -ograph.svg is -o graph.svg; -omega*x is a formula
        try:
            Expression(arg)
        except ExpressionError:
            return False
    return None


def _positive(text: str) -> int:
    try:
        number = int(text)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}")
    return number


def _step_size(text: str) -> float:
    try:
        eps = float(text)
    except ValueError:
        eps = math.nan
    if not (math.isfinite(eps) and eps > 0):
        raise argparse.ArgumentTypeError(f"expected a positive number such as 1e-8, got {text!r}")
    return eps


def _digits(text: str) -> int:
    try:
        return check_digits(int(text))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected an integer from 1 to 17, got {text!r}"
        ) from None


def _is_name(text: str) -> bool:
    """Whether the formula reads `text` as one name: θ, 净输入 and w₁ as well as x (a constant
    too, which the formula then refuses a value, saying why)."""
    try:
        return text in CONSTANTS or Expression(text).variables == (text,)
    except ExpressionError:
        return False


def parse_assignments(text: str) -> dict[str, float]:
    """ "x=1,w=0,b=-pi/4" -> {"x": 1.0, "w": 0.0, "b": -0.785...}; values are constant formulas."""
    values: dict[str, float] = {}
    for part in text.split(","):
        name, equals, value = (s.strip() for s in part.partition("="))
        if not equals or not _is_name(name):
            raise argparse.ArgumentTypeError(f"expected NAME=VALUE, got {part.strip()!r}")
        if name in values:
            raise argparse.ArgumentTypeError(f"{name} is given twice")
        try:
            constant = Expression(value)
            if constant.variables:
                raise argparse.ArgumentTypeError(
                    f"the value of {name} must be a number, not {value!r}"
                )
            values[name] = constant.evaluate().data
        except (ExpressionError, MathError) as e:
            reason = getattr(e, "reason", str(e))
            raise argparse.ArgumentTypeError(f"the value of {name}: {reason}") from None
    return values
