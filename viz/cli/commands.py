"""`micrograd-nndl`: render, step through, explain and check any formula from the shell.

What each subcommand does, and `main`; the words it reads are parsed by `viz.cli.parser`.

    micrograd-nndl render "sigmoid(w*x + b)" --at x=1,w=0,b=0 -o graph.svg
    micrograd-nndl grad "sigmoid(w*x + b)" --at x=1,w=0,b=0
    micrograd-nndl html "sigmoid(w*x + b)" --at x=1,w=0,b=0 -o page.html

The formula is read by the safe expression language of `micrograd_nndl` (parsed, never run as
code). Exit status: 0 on success, 2 on a usage or expression error, 1 on a math error (a domain
error or an overflow, named by op and place) or any other failure, 130 when interrupted
(Ctrl-C); every message is short and goes to stderr, never as a traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from micrograd_nndl import (
    Expression,
    ExpressionError,
    MathError,
    Replay,
    Value,
    derivative_text,
    gradcheck_report,
)

from ..draw.dot import render
from ..draw.drawing import image_format
from ..number_format import format_number
from ..step.chain_rule import explain_each
from ..step.stepper import Stepper
from ..web.stepper_page import to_html
from ..web.training_page import replay_demo
from ..words import locale_language, translator
from .book_demo import DEFAULT_IMAGE, PAGE_NAME, demo
from .checking import check_table, diagnose, shown_rows
from .console import fall_back_to_ascii, is_terminal, printable, read_key, read_line, shown
from .parser import PROG, build_parser, shield_formula

OUTPUT_NAMES = ("f", "y", "out")  # the output's name: the first that is not a variable


class UsageError(Exception):
    """A bad command line that argparse cannot see (exit 2)."""


class CheckFailed(Exception):
    """`check` found a gradient that central differences do not confirm (exit 1)."""


# ---- shared steps ----------------------------------------------------------------------------


def read_formula(args: argparse.Namespace) -> tuple[Expression, dict[str, float]]:
    """The parsed formula and its variables' values from --at (each variable exactly once)."""
    expression = Expression(args.expr)
    given: dict[str, float] = {}
    for assignments in args.at:
        for name, value in assignments.items():
            if name in given:
                raise UsageError(f"--at gives {name} twice")
            given[name] = value
    expression.check_names(given)  # pi and e are constants: an ExpressionError, exit 2
    unused = [name for name in given if name not in expression.variables]
    if unused:
        products = [
            f"{'*'.join(parts)} for {name}"
            for name in expression.variables
            if name not in given and (parts := _run_together(name, given))
        ]
        hint = f"; write {', '.join(products)}: a product needs its *" if products else ""
        raise UsageError(
            f"--at gives {', '.join(unused)}, which the formula does not use "
            f"(its variables: {', '.join(expression.variables) or 'none'}){hint}"
        )
    missing = [name for name in expression.variables if name not in given]
    if missing:
        at = ",".join(f"{name}=..." for name in missing)
        raise UsageError(f"no value for {', '.join(missing)}: give it with --at {at}")
    return expression, given


def _run_together(name: str, given: dict[str, float]) -> list[str] | None:
    """The given names `name` is written of, end to end ("wx" of w and x: the learner meant
    w*x), or None; the longest name first at each place."""
    if name in given:
        return [name]
    for part in sorted((g for g in given if name.startswith(g) and g != name), key=len)[::-1]:
        rest = _run_together(name[len(part) :], given)
        if rest:
            return [part, *rest]
    return None


def output_name(expression: Expression) -> str:
    """The name of the formula's value: f, or y or out if the formula has a variable f, ..."""
    names = (*OUTPUT_NAMES, *(f"out{n}" for n in range(1, len(expression.variables) + 2)))
    return next(name for name in names if name not in expression.variables)


def build_graph(args: argparse.Namespace) -> tuple[Expression, Value, dict[str, Value]]:
    """The formula, its graph at --at with the root labelled by `output_name`, and its
    variables' leaves by name."""
    expression, given = read_formula(args)
    leaves = {name: Value(value, name) for name, value in given.items()}  # in --at's order
    root = expression.evaluate(leaves)
    if not root.is_leaf:
        root.label = output_name(expression)
    return expression, root, leaves


@contextmanager
def placing(expression: Expression, root: Value) -> Iterator[None]:
    """A math error while differentiating (backward, a step, the chain rule) gets the place of
    the op at fault in the formula, as a forward error has: ", in `sqrt(x)` (column 1)"."""
    try:
        yield
    except MathError as e:
        raise expression.placed(e, root) from None


def output_file(path: str, example: str) -> Path:
    """The file -o names. A directory, one that exists or a name ending in "/", is a usage
    error that says so (not that its suffix is wrong) and names a file in it, as `example`."""
    if path.endswith(("/", os.sep)) or os.path.isdir(path):
        inside = os.path.join(path, example)
        is_ = "is" if os.path.isdir(path) else "names"  # "out/": a directory, made or not
        raise UsageError(
            f"{shown(path)} {is_} a directory; give a file name such as {shown(inside)}"
        )
    return Path(path)


def _partials(root: Value, leaves: dict[str, Value], digits: int, name: str) -> list[str]:
    name = root.label or name
    return [
        f"{derivative_text(name, v)} = {format_number(leaf.grad, digits)}"
        for v, leaf in leaves.items()
    ]


# ---- the subcommands -------------------------------------------------------------------------


def run_render(args: argparse.Namespace, out: TextIO, inp: TextIO) -> None:
    path = output_file(args.output, "graph.svg")
    try:
        image_format(path)
    except ValueError as e:
        raise UsageError(str(e)) from None
    expression, root, leaves = build_graph(args)
    params = _params(args, leaves)
    with placing(expression, root):
        if not args.no_grad:
            root.backward()
        render(
            root,
            path,
            params=params,
            show_grad=not args.no_grad,
            edge_labels=args.edge_derivatives,
            rankdir=args.rankdir,
            style=args.style,
            width=args.width,
            digits=args.digits,
            max_nodes=args.max_nodes,
            title=args.title,
            legend=not args.no_legend,
            lang=language(args),
        )
    words = translator(language(args))
    print(words("cli.wrote", path=shown(str(path)), size=path.stat().st_size), file=out)


def _params(args: argparse.Namespace, leaves: dict[str, Value]) -> list[Value]:
    """The leaves --params names, each checked to be a variable of the formula."""
    return [leaves[name] for name in _variables("--params", args.params, leaves)]


def _variables(option: str, text: str, leaves: dict[str, Value]) -> list[str]:
    """The variables an option names (NAME or NAME,NAME), each one of the formula's."""
    names = [name for name in text.split(",") if name]
    unknown = [name for name in names if name not in leaves]
    if unknown:
        raise UsageError(
            f"{option} {shown(','.join(unknown))}: not a variable of the formula "
            f"(its variables: {', '.join(leaves) or 'none'})"
        )
    return names


def run_html(args: argparse.Namespace, out: TextIO, inp: TextIO) -> None:
    path = output_file(args.output, "page.html")
    if path.suffix.lower() not in (".html", ".htm"):
        raise UsageError(f"cannot write {str(path)!r}: the page's name must end in .html")
    expression, root, leaves = build_graph(args)
    params = _params(args, leaves)
    with placing(expression, root):
        words = translator(language(args))
        title = words("cli.page_title", expr=args.expr, at=_at(leaves))
        to_html(root, path, params=params, digits=args.digits, title=title, lang=words.lang)
    print(words("cli.wrote_page", path=shown(str(path)), size=path.stat().st_size), file=out)


def _at(leaves: dict[str, Value]) -> str:
    return ", ".join(f"{name} = {format_number(leaf.data)}" for name, leaf in leaves.items())


def run_grad(args: argparse.Namespace, out: TextIO, inp: TextIO) -> None:
    expression, root, leaves = build_graph(args)
    if args.wrt is not None:
        leaves = {name: leaves[name] for name in _variables("--wrt", args.wrt, leaves)}
    expression.backward(root)
    name = output_name(expression)
    print(f"{root.label or name} = {format_number(root.data, args.digits)}", file=out)
    for line in _partials(root, leaves, args.digits, name):
        print(line, file=out)


def run_explain(args: argparse.Namespace, out: TextIO, inp: TextIO) -> None:
    if args.max_paths < 1:
        raise UsageError(f"--max-paths must be at least 1, got {args.max_paths}")
    if args.max_factors < 0:
        raise UsageError(f"--max-factors must be at least 0 (0: all), got {args.max_factors}")
    if args.max_variables < 0:
        raise UsageError(f"--max-variables must be at least 0 (0: all), got {args.max_variables}")
    expression, root, leaves = build_graph(args)
    names = _variables("--wrt", args.wrt, leaves) if args.wrt is not None else list(leaves)
    left_out = names[args.max_variables :] if args.max_variables else []
    names = names[: len(names) - len(left_out)]
    with placing(expression, root):
        rules = explain_each(  # one walk of the graph for every variable
            root,
            [leaves[name] for name in names],
            max_paths=args.max_paths,
            max_factors=args.max_factors or None,
            digits=args.digits,
            lang=language(args),
        )
    print("\n\n".join(rule.text for rule in rules), file=out)
    if left_out:
        words = translator(language(args))
        more = words.plural("cli.more_variables", len(left_out), count=len(left_out))
        print("\n" + words("cli.not_explained", more=more, names=_listed(left_out)), file=out)


def _listed(names: Sequence[str], most: int = 3) -> str:
    """ "x10, x11, x12, …": the first few of a list of names."""
    return ", ".join(names[:most]) + (", …" if len(names) > most else "")


def run_step(args: argparse.Namespace, out: TextIO, inp: TextIO) -> None:
    if args.max_rows < 0 or args.max_rows == 1:
        raise UsageError(f"--max-rows must be 0 (all) or at least 2, got {args.max_rows}")
    folder = args.save_steps
    if folder and os.path.exists(folder) and not os.path.isdir(folder):
        raise UsageError(  # mkdir said only "[Errno 17] File exists", of a FIFO or /dev/null
            f"--save-steps {shown(folder)}: it is a file, not a folder; give a folder for "
            "the frames (it is made if it does not exist)"
        )
    expression, root, leaves = build_graph(args)
    with placing(expression, root):
        _step(expression, root, leaves, args, out, inp)


def _step(
    expression: Expression,
    root: Value,
    leaves: dict[str, Value],
    args: argparse.Namespace,
    out: TextIO,
    inp: TextIO,
) -> None:
    """Both passes, a key a step: forward then backward, back again with p, and at the end
    the gradients, waiting there (a learner may still step back) until q or the input ends."""
    stepper = Stepper(root, digits=args.digits, lang=language(args))
    words = stepper.words
    keys = words("cli.keys")
    if args.save_steps:
        paths = stepper.save_steps(args.save_steps)
        print(words("cli.wrote_frames", count=len(paths), path=shown(str(paths[0]))), file=out)
    interactive = is_terminal(inp)
    forward = words.plural("cli.forward_steps", stepper.n_forward, count=stepper.n_forward)
    backward = words.plural("cli.backward_steps", stepper.n_backward, count=stepper.n_backward)
    print(words("cli.steps", forward=forward, backward=backward, keys=keys), file=out)
    print(_table(stepper, args), file=out)
    while True:
        if interactive:  # one key a step, no Enter needed; the key is echoed for the record
            print("> ", end="", file=out, flush=True)
            line = read_key(inp)
            print(line.strip(), file=out, flush=True)
        else:
            line = read_line(inp)
        if not line:  # end of the piped keys, Ctrl-D, or no standard input at all
            return
        typed = line.strip().lower()
        # a line of keys ("nnn" then Enter) is those keys in turn, as one key at a time would be
        for key in typed if typed and set(typed) <= set(_STEP_KEYS) else [typed]:
            if key == "q":
                return
            _step_key(key, _Session(stepper, root, leaves, args, expression, out))


#: The step command's keys: next (or Enter), back, the table, help, quit.
_STEP_KEYS = "npbt?q"


@dataclass(frozen=True)
class _Session:
    """What the keys of `step` act on: the stepper, the formula's graph and where to print."""

    stepper: Stepper
    root: Value
    leaves: dict[str, Value]
    args: argparse.Namespace
    expression: Expression
    out: TextIO


def _step_key(key: str, session: _Session) -> None:
    """What one key of `step` does (q, which ends the loop, is the caller's)."""
    stepper, out = session.stepper, session.out
    words = stepper.words
    keys = words("cli.keys")
    if key in ("", "n"):
        if stepper.done:
            print(words("cli.at_end", keys=keys), file=out)
            return
        print(stepper.forward() or stepper.backward(), file=out)
        if stepper.done:
            _step_summary(session)
    elif key in ("p", "b"):
        print(stepper.back() or words("cli.at_start"), file=out)
    elif key == "t":
        print(_table(stepper, session.args), file=out)
    elif key == "?":
        print(keys, file=out)
    else:
        print(words("cli.unknown_key", key=repr(shown(key, 20)), keys=keys), file=out)


def _step_summary(session: _Session) -> None:
    stepper, args, out = session.stepper, session.args, session.out
    print(stepper.words("cli.both_done"), file=out)
    print(_table(stepper, args), file=out)
    stepper.apply()  # the summary reads the gradients from the leaves
    name = output_name(session.expression)
    for text in _partials(session.root, session.leaves, args.digits, name):
        print(text, file=out)


def _table(stepper: Stepper, args: argparse.Namespace) -> str:
    """The stepper's table, bounded by --max-rows (0: every row, every cell whole)."""
    if not args.max_rows:
        return stepper.table(max_rows=None, max_width=None)
    return stepper.table(max_rows=args.max_rows)


def language(args: argparse.Namespace) -> str:
    """The language of the output: --lang, else the locale's (LANG=zh_CN.UTF-8: zh)."""
    return str(args.lang or locale_language())


def run_check(args: argparse.Namespace, out: TextIO, inp: TextIO) -> None:
    expression, given = read_formula(args)
    words = translator(language(args))
    if not given:
        print(words("check.no_variables"), file=out)
        return
    names, inputs = list(given), list(given.values())

    def f(*values: Value) -> Value:
        return expression.evaluate(dict(zip(names, values)))

    leaves = [Value(x, name) for name, x in given.items()]
    expression.backward(f(*leaves))  # a math error names its place in the formula
    if args.max_rows < 0:
        raise UsageError(f"--max-rows must be at least 0 (0: all), got {args.max_rows}")
    try:
        report = gradcheck_report(  # one evaluation, replayed per variable: 1000 in seconds
            f, inputs, eps=args.eps, names=names, output=output_name(expression), same_graph=True
        )
    except MathError as e:  # a step left the domain: gradcheck's message asks for a smaller eps
        raise type(e)(f"{e} with --eps (now {args.eps:g})") from None
    rows, note = shown_rows(report, args.max_rows, words)
    print(check_table(rows, words), file=out)
    if note:
        print(note, file=out)
    if not report.passed:
        index = {id(row): i for i, row in enumerate(report.rows)}
        replay = Replay(f, inputs, names)  # f at nearby points, as fast as the check's own
        verdicts = [
            diagnose(replay, index[id(row)], row.backward, report, words)
            for row in rows
            if not row.passed
        ]
        for _, text in verdicts:
            print(text, file=out)
        kinds = sorted({kind for kind, _ in verdicts})
        raise CheckFailed(
            "backward disagrees with the central differences above: " + ", ".join(kinds)
        )
    print(words("check.ok"), file=out)


def run_demo(args: argparse.Namespace, out: TextIO, inp: TextIO) -> None:
    path = output_file(args.output, DEFAULT_IMAGE.name)
    try:
        image_format(path)
    except ValueError as e:
        raise UsageError(str(e)) from None
    demo(path, out, page=path.with_name(PAGE_NAME), lang=language(args))


def run_replay(args: argparse.Namespace, out: TextIO, inp: TextIO) -> None:
    if args.epochs < 1:
        raise UsageError(f"--epochs must be at least 1, got {args.epochs}")
    lang = language(args)
    path = replay_demo(output_file(args.output, "training.html"), epochs=args.epochs, lang=lang)
    words = translator(lang)
    print(words("cli.wrote_replay", path=shown(str(path)), epochs=args.epochs), file=out)


#: What each subcommand of the parser runs.
COMMANDS: dict[str, Callable[[argparse.Namespace, TextIO, TextIO], None]] = {
    "render": run_render,
    "grad": run_grad,
    "explain": run_explain,
    "step": run_step,
    "html": run_html,
    "check": run_check,
    "demo": run_demo,
    "replay": run_replay,
}


# ---- entry point -----------------------------------------------------------------------------


def main(
    argv: Sequence[str] | None = None, stdout: TextIO | None = None, stdin: TextIO | None = None
) -> int:
    """Run the command line; return the exit status (0 ok, 2 usage or expression, 1 failure,
    130 interrupted)."""
    out, inp, err = stdout or sys.stdout, stdin or sys.stdin, sys.stderr
    for stream in (out, err):
        fall_back_to_ascii(stream)  # PYTHONIOENCODING=ascii: df/dx rather than a traceback
    parser, options = build_parser()
    typed = list(sys.argv[1:] if argv is None else argv)
    shielded, k = shield_formula(typed, options)
    args = parser.parse_args(shielded)  # exits 2 with argparse's usage message
    if k is not None and getattr(args, "expr", None) == shielded[k]:
        args.expr = typed[k]  # the formula as typed: error carets count from its first column
    try:
        COMMANDS[args.command](args, out, inp)
    except ExpressionError as e:
        if e.position is None:  # no place in the formula: a value given to pi or e
            print(f"{PROG} {args.command}: error: {printable(str(e))}", file=err)
        else:
            print(f"{PROG} {args.command}: bad formula:\n{printable(str(e))}", file=err)
        return 2
    except UsageError as e:
        print(f"{PROG} {args.command}: error: {printable(str(e))}", file=err)
        return 2
    except MathError as e:  # its message, then the formula with a caret under the op at fault
        print(f"{PROG} {args.command}: {type(e).__name__}: {printable(str(e))}", file=err)
        return 1
    except KeyboardInterrupt:
        print(f"{PROG} {args.command}: interrupted", file=err)
        return 130
    except BrokenPipeError:  # `micrograd-nndl demo | head`: the reader left, nothing is wrong
        if out is sys.stdout:  # keep Python's own flush at exit from failing again
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115
        return 0
    except Exception as e:  # the command line's last line of defence: a message, no traceback
        print(f"{PROG} {args.command}: {type(e).__name__}: {_one_line(e)}", file=err)
        return 1
    return 0


def _one_line(error: BaseException) -> str:
    lines = str(error).strip().splitlines() or [type(error).__name__]
    return printable(lines[0] if len(lines) == 1 else f"{lines[0]} (...)")
