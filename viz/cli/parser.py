"""The `micrograd-nndl` command line as argparse reads it: seven subcommands, their options
and examples, and the formula that starts with "-" kept from being read as an option. What
each subcommand does is in `viz.cli.commands`; this module only reads the words typed.
"""

from __future__ import annotations

import argparse
import difflib
import re
import shlex
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from micrograd_nndl import Expression, ExpressionError, __version__

from ..draw.compact import STYLES
from ..draw.dot import MAX_NODES
from ..draw.drawing import SUFFIXES
from ..draw.fit import NOTEBOOK
from ..number_format import DIGITS
from ..step.text import MAX_ROWS as TABLE_ROWS
from ..step.text import MAX_WIDTH as TABLE_WIDTH
from ..words import LANGUAGES
from .book_demo import DEFAULT_IMAGE, PAGE_NAME
from .values import digits, parse_assignments, positive, step_size

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
NEGATIVE = re.compile(r"-\d+|-\d*\.\d+")  # what argparse reads as a number, not an option
IMAGE_COMMANDS = ("render", "demo")  # their format is their file's suffix: they have no --format

Options = dict[str, dict[str, bool]]  # subcommand -> its option strings -> takes a value


class Parser(argparse.ArgumentParser):
    """argparse's parser that reads a mistyped command line in the user's terms before argparse
    does: an unknown subcommand or option gets the nearest known one (difflib), an option of
    another subcommand names it, and a subcommand's mistake shows that subcommand's usage.

    `options`: the option strings it was given, each with whether it takes a value;
    `commands`: at the top, the subcommands' parsers by name.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.options: dict[str, bool] = {}
        self.commands: dict[str, Parser] = {}
        super().__init__(*args, **kwargs)

    def add_argument(self, *args: Any, **kwargs: Any) -> argparse.Action:
        action = super().add_argument(*args, **kwargs)
        self.options.update(dict.fromkeys(action.option_strings, action.nargs != 0))
        return action

    def parse_args(  # type: ignore[override]
        self, args: Sequence[str] | None = None, namespace: None = None
    ) -> argparse.Namespace:
        """argparse's reading of `args`, after `check_words`; arguments left over are the
        subcommand's error (argparse would show the top level's usage)."""
        argv = list(sys.argv[1:] if args is None else args)
        self.check_words(argv)
        parsed, extras = self.parse_known_args(argv, namespace)
        if extras:
            command = getattr(parsed, "command", None)
            where = self.commands.get(command or "", self)
            note = "" if command in _NO_FORMULA else _QUOTES
            where.error(f"unrecognized arguments: {' '.join(extras)}{note}")
        return parsed

    def check_words(self, argv: Sequence[str]) -> None:
        """Exit 2 with the nearest known word if `argv` has an unknown subcommand or option."""
        k = next((k for k, arg in enumerate(argv) if not arg.startswith("-")), len(argv))
        unknown = _first_unknown(argv[:k], self.options)
        if unknown is not None:
            self.error(self.unknown_option(unknown, None, argv))
        if k == len(argv) or not self.commands:
            return  # no subcommand: argparse says one is required
        name = argv[k]
        if name not in self.commands:
            near = _nearest(name, self.commands)
            said = f"did you mean {near}?" if near else f"the commands: {', '.join(self.commands)}"
            self.error(f"unknown command {shown_word(name)}; {said}")
        sub = self.commands[name]
        unknown = _first_unknown(argv[k + 1 :], sub.options)
        if unknown is not None:
            sub.error(self.unknown_option(unknown, name, argv[k + 1 :]))

    def unknown_option(self, arg: str, command: str | None, args: Sequence[str]) -> str:
        """What to say of `arg`, an option `command` (None: the top level) does not have: the
        nearest of its own, else the subcommands that have it (or the nearest of theirs)."""
        option = arg.partition("=")[0]
        said = f"unknown option {shown_word(option)}"
        if command in IMAGE_COMMANDS and option == "--format":
            return said + self.format_hint(command, args)
        near = _nearest(option, self.commands[command].options) if command else None
        if near:
            return f"{said}; did you mean {near}?"
        others = {c: p for c, p in self.commands.items() if c != command}
        theirs = {o for p in others.values() for o in p.options}
        near = option if option in theirs else _nearest(option, theirs)
        if near is None:
            return said
        having = [c for c, p in others.items() if near in p.options]
        said += ": it is" if near == option else f"; did you mean {near}? It is"
        if command is None:  # the example: the subcommand typed, if it has the option
            whose = "every command" if len(having) == len(self.commands) else _and(having)
            typed = next((a for a in args if a in having), having[0])
            return f"{said} an option of {whose}, given after it: {PROG} {typed} ... {near} ..."
        return f"{said} an option of {_and(having)}, not of {command}"

    def format_hint(self, command: str, args: Sequence[str]) -> str:
        """render and demo have no --format: their image's format is its file's suffix. The
        hint ends with the user's command line so written."""
        sub = self.commands[command]
        kept: list[str] = []
        output, suffix = str(sub.get_default("output") or "graph.svg"), ".svg"
        k = 0
        while k < len(args):
            arg, option = args[k], _as_option(args[k], sub.options)
            value = args[k + 1] if k + 1 < len(args) else ""
            if arg.partition("=")[0] == "--format":  # its value, if it has one: svg, .png
                named = arg.partition("=")[2] or (value if re.fullmatch(r"\.?\w+", value) else "")
                k += 1 if "=" in arg or not named else 2
                asked = "." + named.lower().lstrip(".")
                suffix = asked if asked in SUFFIXES else suffix
                continue
            if option in ("-o", "--output"):
                inline = arg.partition("=")[2] if arg.startswith("--") else arg[2:]
                output = inline or value
                k += 1 if inline else 2
                continue
            kept.append(arg[1:] if arg.startswith(" -") else arg)  # the formula as typed
            k += 1
        example = shlex.join([command, *kept, "-o", str(Path(output).with_suffix(suffix))])
        return (
            ": the image's format is the suffix of its file, -o FILE "
            f"({', '.join(SUFFIXES)}; .pdf needs a system Graphviz), as in\n  {PROG} {example}"
        )


def build_parser() -> tuple[argparse.ArgumentParser, Options]:
    """The `micrograd-nndl` parser with its seven subcommands, each with examples in --help; and
    the option strings of the subcommands that read a formula (to tell "-x*w" from an option).
    """
    options: Options = {}
    parser = Parser(
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
    commands = parser.add_subparsers(
        dest="command", metavar="COMMAND", required=True, parser_class=Parser
    )

    def command(name: str, summary: str, *examples: str) -> Parser:
        sub = commands.add_parser(
            name,
            help=summary,
            description=summary,
            epilog=_examples(*examples),
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        parser.commands[name] = sub
        if name not in _NO_FORMULA:
            _add_formula(sub)
            options[name] = sub.options
        return sub

    render = command(
        "render",
        "Run forward and backward, and write the graph as an image (format from the suffix).",
        f'render "{BOOK_EXPR}" --at {BOOK_AT} -o graph.svg',
        f'render "{BOOK_EXPR}" --at {BOOK_AT} -o graph.png --rankdir TB --no-edge-derivatives',
        f'render "{BOOK_EXPR}" --at {BOOK_AT} -o graph.png --params w,b',
        'render "log(1 + exp(x))" --at x=2 -o softplus.svg --no-grad',
    )
    add = render.add_argument
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
        type=positive,
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
        type=positive,
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
    add = grad.add_argument
    add("--wrt", metavar="NAME,...", help="the variables to differentiate by (default: every one)")
    explain_ = command(
        "explain",
        "Print the chain rule: every path to a variable and the product of its local derivatives.",
        f'explain "{BOOK_EXPR}" --at {BOOK_AT} --wrt w',
        'explain "x*x + x" --at x=3',
    )
    add = explain_.add_argument
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
    add = step_.add_argument
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
    add = html_.add_argument
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
    add = check.add_argument
    add(
        "--eps",
        type=step_size,
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


_QUOTES = ' (a formula with spaces is one argument: put it in quotes, as "w*x + b")'


def _add_formula(sub: Parser) -> None:
    """The formula and the options of every subcommand that reads one."""
    sub.add_argument(
        "expr",
        metavar="EXPR",
        help='the formula, e.g. "sigmoid(w*x + b)"; it may start with -, as "-x*w"',
    )
    sub.add_argument(
        "--at",
        metavar="NAME=VALUE,...",
        action="append",
        type=parse_assignments,
        default=[],
        help="the values of the formula's variables, e.g. x=1,w=0,b=0 (repeatable; a value "
        "may be a constant formula such as pi/4)",
    )
    sub.add_argument("--lang", choices=LANGUAGES, default=None, help=LANG_HELP)
    sub.add_argument(
        "--digits",
        type=digits,
        default=DIGITS,
        help=f"significant digits of the numbers shown (1-17, default {DIGITS})",
    )


def _first_unknown(args: Sequence[str], known: dict[str, bool]) -> str | None:
    """The first of `args` that argparse would read as an option `known` does not have (None:
    none), the values of the known ones skipped; nothing after "--" is an option."""
    k = 0
    while k < len(args):
        arg = args[k]
        if arg == "--":
            return None
        if arg.startswith("-") and arg != "-" and " " not in arg and not NEGATIVE.fullmatch(arg):
            option = _as_option(arg, known)
            if option is None:
                return arg
            if known.get(option) and "=" not in arg and (arg == option or arg.startswith("--")):
                k += 1  # its value, whatever it looks like
        k += 1
    return None


def _as_option(arg: str, known: dict[str, bool]) -> str | None:
    """The option of `known` argparse reads `arg` as: --wr is --wrt, --at=x=1 is --at, -ofile
    is -o (an ambiguous --e is left to argparse, which names the candidates); None if none."""
    if arg in known:
        return arg
    if arg.startswith("--"):
        name = arg.partition("=")[0]
        matches = [o for o in known if o.startswith(name)]
        return name if name in known else (matches[0] if len(matches) == 1 else None)
    return arg[:2] if arg[:2] in known else None


def _nearest(word: str, known: Iterable[str]) -> str | None:
    """The known word nearest `word` (difflib), dashes aside (--format is not near --at); None
    if none is near."""
    names = {k.lstrip("-"): k for k in known}
    near = difflib.get_close_matches(word.lstrip("-"), list(names), n=1)
    return names[near[0]] if near else None


def _and(names: Sequence[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def shown_word(word: str) -> str:
    """A word the user typed, shown as typed unless it needs quotes to be seen whole."""
    return word if word and word.isprintable() and " " not in word else repr(word)


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
