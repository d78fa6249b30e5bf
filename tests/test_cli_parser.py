"""A mistyped command line told in the user's terms (viz.cli.parser): the nearest known
subcommand or option, the subcommand that has an option given to the wrong one, render's
format read from its file's suffix; each with the usage of the subcommand typed, exit 2 and no
traceback."""

import io
import shlex

import pytest

from viz.cli.commands import main
from viz.cli.parser import PROG, build_parser


def call(capsys, *args: str) -> tuple[int, str, str]:
    """`main()` in-process: (exit status, stdout, stderr)."""
    out = io.StringIO()
    try:
        status = main(list(args), stdout=out, stdin=io.StringIO(""))
    except SystemExit as e:  # argparse's usage errors
        status = e.code
    return status, out.getvalue(), capsys.readouterr().err


def usage(command: str | None = None) -> str:
    """The usage argparse prints for `command` (None: the top level)."""
    parser, _ = build_parser()
    return (parser.commands[command] if command else parser).format_usage()


def refused(capsys, *args: str) -> tuple[str, str]:
    """The usage and the error line(s) a usage error prints; it exits 2, writing nothing else."""
    status, out, err = call(capsys, *args)
    assert status == 2 and out == "" and "Traceback" not in err
    command = args[0] if args[0] in build_parser()[0].commands else None
    shown = usage(command)
    assert err.startswith(shown)
    return shown, err[len(shown) :]


def test_a_mistyped_option_gets_the_nearest_one_and_its_subcommands_usage(capsys):
    _, said = refused(capsys, "grad", "x*w", "--wtr", "x", "--at", "x=1,w=0")
    assert said == f"{PROG} grad: error: unknown option --wtr; did you mean --wrt?\n"
    assert usage("grad").startswith(f"usage: {PROG} grad [-h]")  # not the top level's


@pytest.mark.parametrize(
    "typed, meant",
    [("--wtr", "--wrt"), ("--wtr=x", "--wrt"), ("--at_", "--at"), ("--lnag", "--lang")],
)
def test_each_form_of_a_mistyped_option_is_named_as_typed(capsys, typed, meant):
    _, said = refused(capsys, "explain", "x*w", "--at", "x=1,w=0", typed)
    name = typed.partition("=")[0]
    assert said == f"{PROG} explain: error: unknown option {name}; did you mean {meant}?\n"


def test_a_mistyped_subcommand_gets_the_nearest_one(capsys):
    shown, said = refused(capsys, "rendr", "x*w", "--at", "x=1,w=0", "-o", "g.svg")
    assert shown == usage() and shown.startswith(f"usage: {PROG} [-h] [--version] COMMAND")
    assert said == f"{PROG}: error: unknown command rendr; did you mean render?\n"


def test_a_subcommand_near_none_lists_them_all(capsys):
    _, said = refused(capsys, "frobnicate")
    commands = "render, grad, explain, step, html, check, demo, replay"
    assert said == f"{PROG}: error: unknown command frobnicate; the commands: {commands}\n"


def test_an_option_of_other_subcommands_names_them(capsys):
    _, said = refused(capsys, "grad", "x*w", "--at", "x=1,w=0", "--params", "w")
    assert said == (
        f"{PROG} grad: error: unknown option --params: it is an option of render and html, "
        "not of grad\n"
    )
    _, said = refused(capsys, "grad", "x*w", "--at", "x=1,w=0", "--eps", "1e-8")
    assert said.endswith("unknown option --eps: it is an option of check, not of grad\n")


def test_an_option_near_another_subcommands_names_it_and_them(capsys):
    _, said = refused(capsys, "grad", "x*w", "--at", "x=1,w=0", "--param", "w")
    assert said == (
        f"{PROG} grad: error: unknown option --param; did you mean --params? It is an option of "
        "render and html, not of grad\n"
    )


def test_a_subcommands_option_before_the_subcommand_says_it_goes_after(capsys):
    _, said = refused(capsys, "--lang", "zh", "grad", "x", "--at", "x=1")
    assert said == (
        f"{PROG}: error: unknown option --lang: it is an option of every command, given after "
        f"it: {PROG} grad ... --lang ...\n"
    )


def test_an_option_near_nothing_is_named_alone(capsys):
    _, said = refused(capsys, "html", "x", "--at", "x=1", "-o", "p.html", "--format", "svg")
    assert said == f"{PROG} html: error: unknown option --format\n"


def test_render_format_says_the_suffix_is_the_format_with_the_line_that_works(capsys, tmp_path):
    """No -o: the suffix rule and the user's line with -o graph.svg, not "-o is required"."""
    _, said = refused(capsys, "render", "-x*w", "--at", "x=1,w=0", "--format", "svg")
    assert said == (
        f"{PROG} render: error: unknown option --format: the image's format is the suffix of "
        "its file, -o FILE (.svg, .png, .jpg, .jpeg, .pdf, .dot, .gv; .pdf needs a system "
        "Graphviz), as in\n"
        f"  {PROG} render '-x*w' --at x=1,w=0 -o graph.svg\n"
    )
    line = shlex.split(said.splitlines()[-1])  # the line it shows runs and writes an SVG
    assert line[0] == PROG and line[-2:] == ["-o", "graph.svg"]
    image = tmp_path / "graph.svg"
    status, out, err = call(capsys, *line[1:-1], str(image))
    assert status == 0 and err == "" and image.read_bytes().lstrip().startswith(b"<")


@pytest.mark.parametrize(
    "args, example",
    [
        (["--format=png", "-o", "out/g.svg"], "-o out/g.png"),  # the asked format, on its file
        (["-o", "g.svg", "--format", ".PDF"], "-o g.pdf"),
        (["--format", "gif"], "-o graph.svg"),  # no such format: the first one
        (["--output=g.png", "--format", "dot"], "-o g.dot"),
    ],
)
def test_render_format_moves_the_asked_format_onto_the_files_suffix(capsys, args, example):
    _, said = refused(capsys, "render", "x", "--at", "x=1", *args)
    assert said.splitlines()[-1] == f"  {PROG} render x --at x=1 {example}"


def test_demo_format_shows_demos_own_line(capsys):
    _, said = refused(capsys, "demo", "--format", "svg")
    assert said.splitlines()[-1] == f"  {PROG} demo -o out/sigmoid_graph.svg"


def test_a_formula_in_pieces_is_left_over_under_the_subcommands_usage(capsys):
    _, said = refused(capsys, "grad", "w*x", "+", "b", "--at", "x=1,w=0,b=0")
    assert said == (
        f"{PROG} grad: error: unrecognized arguments: + b (a formula with spaces is one "
        'argument: put it in quotes, as "w*x + b")\n'
    )


@pytest.mark.parametrize(
    "args",
    [
        ["grad", "x*w", "--at", "x=1,w=2", "--wr", "w"],  # a unique abbreviation
        ["grad", "x*w", "--a", "x=1,w=2", "--wrt=w"],
        ["grad", "-x*w", "--at=x=1,w=-2", "--wrt", "w"],
    ],
)
def test_abbreviations_and_inline_values_are_known_options(capsys, args):
    status, out, err = call(capsys, *args)
    assert status == 0 and err == "" and out.splitlines()[-1] in ("∂f/∂w = 1", "∂f/∂w = -1")


def test_an_options_value_is_not_taken_for_an_unknown_option(capsys):
    """-1e-8 after --eps is its value: argparse's own complaint, not "unknown option -1e-8"."""
    _, said = refused(capsys, "check", "x", "--at", "x=1", "--eps", "-1e-8")
    assert said == f"{PROG} check: error: argument --eps: expected one argument\n"
