"""The `micrograd-nndl` command line: the book's σ(wx + b) through every subcommand, bad input.

Subprocess tests run `python -m viz` as a user would (about 0.2 s each, so they are few);
the many error cases run `main()` in-process with the same exit codes and streams.
"""

import io
import math
import os
import re
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from viz.cli.commands import main
from viz.cli.parser import build_parser, shield_formula

ROOT = Path(__file__).resolve().parent.parent
BOOK = ["sigmoid(w*x + b)", "--at", "x=1,w=0,b=0"]


def run(*args: str, stdin: str = "", cwd: Path = ROOT) -> subprocess.CompletedProcess:
    """The command line in a fresh process, as a shell runs it."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "viz", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=60,
    )


def call(*args: str, stdin: str = "", capsys=None) -> tuple[int, str, str]:
    """`main()` in-process: (exit status, stdout, stderr)."""
    out = io.StringIO()
    try:
        status = main(list(args), stdout=out, stdin=io.StringIO(stdin))
    except SystemExit as e:  # argparse's usage errors
        status = e.code
    err = capsys.readouterr().err if capsys else ""
    return status, out.getvalue(), err


# ---- each subcommand on the book's example (NNDL §4.5.3), as a subprocess -----------------------


def test_grad_prints_the_value_and_every_partial_derivative():
    done = run("grad", *BOOK)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "f = 0.5\n∂f/∂x = 0\n∂f/∂w = 0.25\n∂f/∂b = 0.25\n"
    assert done.stderr == ""


def test_names_as_people_write_them_in_at_and_wrt(capsys):
    """θ, 净输入 and w₁ were refused by --at ("expected NAME=VALUE"), though the API labels a
    Value so (issue #22): each is given, derived and printed under its own name."""
    status, out, _ = call(
        "grad", "θ*sigmoid(净输入) + w₁", "--at", "θ=2,净输入=0,w₁=1", "--wrt", "w₁,净输入"
    )
    assert status == 0 and out == "f = 2\n∂f/∂w₁ = 1\n∂f/∂净输入 = 0.5\n"
    status, out, _ = call("explain", "θ*σ(净输入)", "--at", "θ=2,净输入=0", "--wrt", "净输入")
    assert status == 0 and out.strip().endswith("∂f/∂净输入 = 0.5"), out


def test_explain_prints_the_chain_rule_path_and_product():
    done = run("explain", "1/(exp(-1*(x*w + b)) + 1)", "--at", "x=1,w=0,b=0", "--wrt", "w")
    assert done.returncode == 0, done.stderr
    assert "= (-0.25) × 1 × 1 × (-1) × 1 × 1 = 0.25" in done.stdout
    assert done.stdout.strip().endswith("∂f/∂w = 0.25")


def test_check_confirms_backward_with_central_differences():
    done = run("check", *BOOK)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].split("  ")[0] == "derivative"  # the columns of every check (gradcheck's)
    rows = {line.split()[0]: line.split()[1:] for line in lines[1:4]}
    assert rows["∂f/∂w"][:3] == ["0", "0.25", "0.25"] and rows["∂f/∂x"][:3] == ["1", "0", "0"]
    assert "ok: backward agrees" in done.stdout


def test_step_is_driven_through_a_pipe_forward_back_and_to_the_end():
    """Both passes (NNDL §4.5.3): 3 forward steps, then 4 backward; p goes back a step."""
    done = run("step", *BOOK, stdin="\n" * 5 + "p\n" + "n\n" * 10)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("3 forward steps, then 4 backward steps (Enter or n: next step")
    steps = [line.split(":")[0] for line in lines if line.startswith(("forward ", "backward "))]
    assert steps == ["forward 1/3", "forward 2/3", "forward 3/3"] + [
        f"backward {n}/4" for n in (1, 2, 2, 3, 4)
    ]
    assert "forward 3/3: f = σ(h2) = σ(0) = 0.5" in lines
    start = "f.grad = 1 (∂f/∂f = 1: the output starts the backward pass)"
    assert f"undid backward 2/4, back to backward 1/4: {start}" in lines
    assert "backward 2/4: h2.grad += ∂f/∂h2 × f.grad = 0.25 × 1 = 0.25" in lines
    assert "  w.grad += ∂h1/∂w × h1.grad = 1 × 0.25 = 0.25" in lines
    end = lines.index("both passes done:")
    assert lines[end + 9 : end + 12] == ["∂f/∂x = 0", "∂f/∂w = 0.25", "∂f/∂b = 0.25"]
    # it stays at the end: the keys that remain are answered, not dropped
    assert lines[end + 12 :] == [lines[end + 12]] * 7 and "p goes back, q quits" in lines[-1]


def test_step_goes_back_from_the_end_and_forward_again(capsys):
    status, out, _ = call("step", *BOOK, stdin="n\n" * 7 + "p\np\nn\nn\nq\n", capsys=capsys)
    assert status == 0 and out.count("both passes done:") == 2
    assert "undid backward 4/4, back to backward 3/4: h2 sends its gradient to h1, b:" in out
    assert out.strip().endswith("∂f/∂b = 0.25")


def test_step_answers_a_question_mark_with_its_keys(capsys):
    status, out, _ = call("step", *BOOK, stdin="?\nq\n", capsys=capsys)
    assert status == 0
    assert out.splitlines()[-1] == (
        "Enter or n: next step, p or b: back one step, t: the table, ?: these keys, q: quit"
    )


def test_step_saves_the_frames_of_both_passes(tmp_path, capsys):
    frames = tmp_path / "new" / "frames"  # a missing folder is made
    status, out, _ = call("step", *BOOK, "--save-steps", str(frames), stdin="", capsys=capsys)
    assert status == 0
    names = sorted(p.name for p in frames.iterdir())
    assert names == [f"step-{k}.png" for k in range(8)]  # the start, 3 forward, 4 backward
    assert all((frames / n).read_bytes().startswith(b"\x89PNG") for n in names)
    assert out.startswith(f"wrote 8 frames of both passes: {frames / 'step-0.png'} ...")


@pytest.mark.parametrize("suffix, magic", [(".svg", b"<svg"), (".png", b"\x89PNG")])
def test_render_writes_a_non_empty_image_in_the_suffixs_format(tmp_path, suffix, magic):
    done = run("render", *BOOK, "-o", f"graph{suffix}", "--rankdir", "TB", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    image = (tmp_path / f"graph{suffix}").read_bytes()
    assert magic in image and len(image) > 500
    assert done.stdout == f"wrote graph{suffix} ({len(image)} bytes)\n"


def test_demo_prints_the_books_six_primitive_table_and_draws_the_graph(tmp_path):
    done = run("demo", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "h6    1 ÷   h5      0.5    1      ∂h6/∂h5 = -0.25" in done.stdout
    assert "        = (-0.25) × 1 × 1 × (-1) × 1 × 1 = 0.25" in done.stdout
    assert "∂h6/∂w = 0.25" in done.stdout and "∂h6/∂b = 0.25" in done.stdout
    assert "∂h6/∂x = 0" in done.stdout
    image = tmp_path / "out" / "sigmoid_graph.png"
    assert image.read_bytes().startswith(b"\x89PNG")
    page = tmp_path / "out" / "sigmoid_steps.html"
    assert done.stdout.endswith(
        f"the graph with its values and gradients: out/sigmoid_graph.png "
        f"({image.stat().st_size} bytes)\n"
        f"step through both passes in a browser: out/sigmoid_steps.html "
        f"({page.stat().st_size} bytes)\n"
    )
    assert "h5.grad += ∂h6/∂h5 × h6.grad = (-0.25) × 1 = -0.25" in page.read_text("utf-8")


# ---- hostile input as a subprocess: exit 2, a short caret message, nothing run ------------------


def test_an_import_is_refused_and_nothing_is_executed(tmp_path):
    done = run("grad", "__import__('os').system('touch pwned')", cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr.splitlines()[-1] == "^ names may not start with '_'"
    assert "Traceback" not in done.stderr and done.stdout == ""
    assert not (tmp_path / "pwned").exists()


@pytest.mark.parametrize(
    "expr",
    ["(" * 10_000 + "x" + ")" * 10_000, "x+" * 50_000 + "x"],
    ids=["10000 nested parentheses", "a 100 kB argument"],
)
def test_huge_input_gives_exit_2_and_a_short_message(expr):
    done = run("grad", expr, "--at", "x=1")
    assert done.returncode == 2
    assert "^ the expression is" in done.stderr and "the limit is 10000" in done.stderr
    assert len(done.stderr) < 400 and "Traceback" not in done.stderr


def test_a_domain_error_exits_1_quoting_the_users_argument_with_a_caret_under_the_op():
    done = run("grad", "log(x*w)", "--at", "x=1,w=0")
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr == (  # the user's x is 1: the argument x*w is what is 0
        "micrograd-nndl grad: DomainError: log: the argument x*w = 0, and log needs it > 0\n"
        "  log(x*w)\n"
        "  ^\n"
    )


def test_a_division_by_zero_points_at_the_slash():
    done = run("grad", "x/(y - 1)", "--at", "x=1,y=1")
    assert done.returncode == 1 and "node>" not in done.stderr
    assert done.stderr == (
        "micrograd-nndl grad: DivisionByZeroError: div: division by zero, at the divisor "
        "(y - 1) = 0\n"
        "  x/(y - 1)\n"
        "   ^\n"
    )


# ---- the error paths, in-process ----------------------------------------------------------------


@pytest.mark.parametrize("command", ["grad", "step", "explain"])
def test_a_neuron_with_an_even_count_of_inputs_exits_2_naming_the_count(capsys, command):
    status, out, err = call(command, "neuron(x, y)", "--at", "x=0.5,y=2", capsys=capsys)
    assert status == 2 and out == ""
    assert "neuron takes 2n + 1 inputs (w₁..wₙ, x₁..xₙ, b), n ≥ 1; got 2" in err


@pytest.mark.parametrize(
    "expr, caret",
    [
        ("sigmoid(w*x + )", "              ^ expected an expression"),
        ("sigmod(w*x + b)", "^ sigmod is not a function; did you mean sigmoid"),
        ("().__class__", "  ^ unexpected character '.': attributes are not part"),
        ("x[0]", " ^ unexpected character '[': subscripts are not part"),
        ("lambda: 1", "^ 'lambda' is a Python keyword"),
    ],
)
def test_bad_formulas_exit_2_with_the_caret_under_the_place(capsys, expr, caret):
    status, out, err = call("grad", expr, "--at", "x=1,w=0,b=0", capsys=capsys)
    assert status == 2 and out == ""
    assert err.splitlines() == ["micrograd-nndl grad: bad formula:", expr, err.splitlines()[2]]
    assert err.splitlines()[2].startswith(caret)


@pytest.mark.parametrize(
    "args, words",
    [
        (["grad", "w*x", "--at", "x=1"], "no value for w: give it with --at w=..."),
        (["grad", "w*x", "--at", "x=1,w=2,z=3"], "--at gives z, which the formula does not use"),
        (["grad", "x", "--at", "x=1", "--at", "x=2"], "--at gives x twice"),
        (["grad", "x", "--at", "x=abc"], "the value of x must be a number"),
        (["grad", "x", "--at", "x"], "expected NAME=VALUE"),
        (["grad", "x", "--at", "x=1e999"], "the value of x: the number is too large"),
        (
            ["grad", "x", "--at", "x=1e-400"],
            "the value of x: the number is too small for a float: 1e-400 would become 0",
        ),
        (["render", "x", "--at", "x=1", "-o", "g.gif"], "the suffix must be one of .svg"),
        (["render", "x*w", "--at", "x=1,w=2", "-o", "g.svg", "--params", "v"], "--params v:"),
        (["demo", "-o", "g.gif"], "the suffix must be one of .svg"),
        (["explain", "x*x", "--at", "x=1", "--wrt", "y"], "--wrt y: not a variable"),
        (["grad", "x*w", "--at", "x=1,w=2", "--wrt", "w,q"], "--wrt q: not a variable"),
        (["render", "x", "--at", "x=1", "-o", "g.svg", "--rankdir", "UP"], "invalid choice"),
        (["grad", "x", "--at", "x=1", "--digits", "40"], "expected an integer from 1 to 17"),
        (["explain", "x", "--at", "x=1", "--max-variables", "-1"], "--max-variables must be"),
        (["check", "x", "--at", "x=1", "--max-rows", "-1"], "--max-rows must be at least 0"),
        (["step", "x", "--at", "x=1", "--max-rows", "1"], "--max-rows must be 0 (all) or at"),
        (["frobnicate"], "unknown command frobnicate; the commands: render, grad, explain,"),
        ([], "required: COMMAND"),
    ],
)
def test_usage_errors_exit_2_with_a_message(capsys, args, words):
    status, out, err = call(*args, capsys=capsys)
    assert status == 2
    assert words in err and "Traceback" not in err


@pytest.mark.parametrize(
    "args, words",
    [
        (["grad", "10**10**10**10"], "NumericOverflowError: pow: "),
        (["grad", "1/(x-2)", "--at", "x=2"], "DivisionByZeroError: div: division by zero"),
        (["grad", "sqrt(x)", "--at", "x=0"], "NonFiniteGradientError: backward: "),
        (["grad", "x*sqrt(x)", "--at", "x=0"], "of sqrt(x) (sqrt, value 0.0) is not finite (float"),
        (["check", "relu(x)", "--at", "x=0"], "CheckFailed: backward disagrees"),
        (
            ["render", "x*y", "--at", "x=1,y=2", "-o", "/dev/null/g.svg"],
            "NotADirectoryError: cannot write '/dev/null/g.svg': a part of '/dev/null' is a file",
        ),
    ],
)
def test_failures_exit_1_with_one_message(capsys, args, words):
    status, out, err = call(*args, capsys=capsys)
    assert status == 1
    lines = err.splitlines()
    assert words in lines[0]
    if "Error: " in lines[0] and args[0] != "render" and args[0] != "check":  # a math error:
        assert len(lines) == 3 and lines[2].strip() == "^"  # the formula, a caret under the op
    else:
        assert len(lines) == 1


# ---- a formula that starts with "-" ------------------------------------------------------------


def test_a_formula_starting_with_minus_is_the_formula_not_an_option():
    done = run("grad", "-x*w", "--at", "x=1,w=2")  # as a shell passes it: sys.argv
    assert done.returncode == 0, done.stderr
    assert done.stdout == "f = -2\n∂f/∂x = -2\n∂f/∂w = -1\n"


@pytest.mark.parametrize(
    "args",
    [
        ["grad", "-1/(1+exp(-x))", "--at", "x=0"],
        ["grad", "--at", "x=0", "-1/(1+exp(-x))"],
        ["grad", "--digits", "3", "--at=x=0", "-1/(1+exp(-x))"],
        ["grad", "--dig", "3", "--a", "x=0", "-1/(1+exp(-x))"],  # argparse's abbreviations
        ["grad", "--x/(1+exp(-x))", "--at", "x=0"],  # --x is x
    ],
)
def test_a_leading_minus_formula_works_in_any_position(capsys, args):
    status, out, err = call(*args, capsys=capsys)
    assert (status, err) == (0, "")
    assert out.splitlines()[0] in ("f = -0.5", "f = 0")


def test_a_bad_leading_minus_formula_gets_the_caret_under_its_own_column(capsys):
    status, out, err = call("grad", "-1/(1+exp(-x)", "--at", "x=1", capsys=capsys)
    assert status == 2
    assert err.splitlines()[1:] == [
        "-1/(1+exp(-x)",
        "             ^ expected ')' to close the '(' opened earlier",
    ]


def test_render_tells_minus_omega_from_minus_o_file(tmp_path, capsys):
    svg = tmp_path / "g.svg"
    for args in (["-omega*x", "-o", str(svg)], [f"-o{svg}", "-omega*x"]):
        status, out, err = call("render", *args, "--at", "omega=1,x=2", capsys=capsys)
        assert (status, err) == (0, "") and out.startswith(f"wrote {svg}")


def test_help_still_wins_over_a_formula(capsys):
    for args in (["grad", "-h"], ["grad", "--help"], ["grad", "-x*w", "-h"], ["render", "-h"]):
        status, _, _ = call(*args)
        assert status == 0 and "usage: micrograd-nndl" in capsys.readouterr().out


def test_the_shield_only_touches_the_formula():
    _, options = build_parser()
    shielded = ["grad", " -x", "--at", "x=1"]
    assert shield_formula(["grad", "-x", "--at", "x=1"], options) == (shielded, 1)
    for argv in (
        ["grad", "x", "--at", "x=-1"],
        ["grad", "--at", "x=1", "--", "-x"],
        ["demo", "-o", "g.svg"],
        ["-h"],
        ["explain", "--wrt", "x", "x*x"],
    ):
        assert shield_formula(argv, options) == (argv, None)
    assert shield_formula(["explain", "--wrt", "x", "-x*x"], options)[1] == 3


# ---- the output's name is not a variable's ------------------------------------------------------


def test_the_output_is_named_y_if_f_is_a_variable(capsys):
    status, out, _ = call("grad", "f*x", "--at", "f=2,x=3", capsys=capsys)
    assert status == 0 and out == "y = 6\n∂y/∂f = 3\n∂y/∂x = 2\n"
    status, out, _ = call("grad", "f*y*x", "--at", "f=2,x=3,y=1", capsys=capsys)
    assert status == 0 and out == "out = 6\n∂out/∂f = 3\n∂out/∂x = 2\n∂out/∂y = 6\n"


def test_grad_wrt_prints_the_partials_asked_for_in_their_order(capsys):
    """`grad --wrt w` was refused by the top-level parser; explain took --wrt already."""
    book = ["sigmoid(w*x + b)", "--at", "x=1,w=0,b=0"]
    status, out, _ = call("grad", *book, "--wrt", "b,w", capsys=capsys)
    assert status == 0 and out == "f = 0.5\n∂f/∂b = 0.25\n∂f/∂w = 0.25\n"  # NNDL §4.5.3
    status, out, _ = call("explain", *book, "--wrt", "w,b", capsys=capsys)
    assert status == 0 and [line for line in out.splitlines() if line.startswith("∂f/∂")] == [
        "∂f/∂w: 1 path, each a product of local derivatives",
        "∂f/∂w = 0.25",
        "∂f/∂b: 1 path, each a product of local derivatives",
        "∂f/∂b = 0.25",
    ]


def test_explain_and_step_use_the_same_output_name(capsys):
    status, out, _ = call("explain", "f*x", "--at", "f=2,x=3", "--wrt", "f", capsys=capsys)
    assert status == 0 and out.splitlines()[-1] == "∂y/∂f = 3"
    status, out, _ = call("step", "f*x", "--at", "f=2,x=3", stdin="\n" * 3, capsys=capsys)
    assert status == 0 and out.splitlines()[-2:] == ["∂y/∂f = 3", "∂y/∂x = 2"]


# ---- pi and e are constants ---------------------------------------------------------------------


def test_a_value_for_a_constant_exits_2_and_says_why(capsys):
    status, out, err = call("grad", "e*x", "--at", "e=2,x=1", capsys=capsys)
    assert status == 2 and out == ""
    assert err.splitlines() == [
        "micrograd-nndl grad: bad formula:",
        "e*x",
        "^ 'e' is the constant 2.71828…; it cannot be given a value — name the variable "
        "differently",
    ]
    status, _, err = call("grad", "x", "--at", "x=1,pi=3", capsys=capsys)
    assert status == 2
    assert err == (
        "micrograd-nndl grad: error: 'pi' is the constant 3.14159…; it cannot be given a value "
        "— name the variable differently\n"
    )


# ---- errors in backward say where in the formula ------------------------------------------------


@pytest.mark.parametrize(
    "args, stdin",
    [
        (["grad", "1 + sqrt(x)", "--at", "x=0"], ""),
        (["check", "1 + sqrt(x)", "--at", "x=0"], ""),
        (["explain", "1 + sqrt(x)", "--at", "x=0"], ""),
        (["step", "1 + sqrt(x)", "--at", "x=0"], "\n" * 8),
        (["render", "1 + sqrt(x)", "--at", "x=0", "-o", "never.svg"], ""),
    ],
)
def test_every_command_places_a_backward_error_in_the_formula(capsys, args, stdin):
    status, _, err = call(*args, stdin=stdin, capsys=capsys)
    assert status == 1
    assert err.startswith(f"micrograd-nndl {args[0]}: NonFiniteGradientError: ")
    assert err.endswith("\n  1 + sqrt(x)\n      ^\n") and err.count("\n") == 3


def test_values_may_be_constant_formulas(capsys):
    status, out, _ = call("grad", "sin(x)", "--at", "x=pi/2", capsys=capsys)
    assert status == 0 and out == "f = 1\n∂f/∂x = 6.123e-17\n"


def test_explain_without_wrt_explains_every_variable(capsys):
    status, out, _ = call("explain", "x*x + y", "--at", "x=3,y=1", capsys=capsys)
    assert status == 0
    assert "∂f/∂x: 2 paths" in out and out.strip().endswith("∂f/∂y = 1")
    assert "∂f/∂x = 3 + 3 = 6" in out


def test_step_quits_on_q_and_says_what_a_key_means(capsys):
    status, out, _ = call("step", *BOOK, stdin="\nz\nq\n\n", capsys=capsys)
    assert status == 0
    assert "unknown key 'z': Enter or n: next step, p or b: back one step" in out
    assert sum(line.startswith("forward ") for line in out.splitlines()) == 1
    assert "both passes done" not in out


def test_a_piped_line_of_keys_is_those_keys_in_turn(capsys):
    """`nnnnnnnpq` then Enter: seven steps, one back, quit, as the same keys on their own lines
    (it answered "unknown key 'nnnnnnnpq'"); a line with any other letter is one unknown key."""
    status, out, _ = call("step", *BOOK, stdin="nnnnnnnpq\n", capsys=capsys)
    by_lines = call("step", *BOOK, stdin="\n".join("nnnnnnnpq") + "\n", capsys=capsys)[1]
    assert status == 0 and out == by_lines and out.count("both passes done:") == 1
    assert "undid backward 4/4, back to backward 3/4" in out and "unknown key" not in out
    status, out, _ = call("step", *BOOK, stdin="nnx\nq\n", capsys=capsys)
    assert "unknown key 'nnx'" in out and not any(
        line.startswith("forward ") for line in out.splitlines()
    )


def test_back_at_the_start_stays_at_the_start(capsys):
    status, out, _ = call("step", *BOOK, stdin="b\nt\n\nb\np\n", capsys=capsys)
    assert status == 0 and out.count("at the start: nothing to undo") == 2
    assert "undid forward 1/3, back to the start" in out
    assert out.count("f     σ     h2      —      —") == 2  # before and after t


def test_a_variable_alone_has_one_backward_step(capsys):
    status, out, _ = call("step", "x", "--at", "x=2", stdin="\n", capsys=capsys)
    assert status == 0 and out.startswith("0 forward steps, then 1 backward step (")
    assert out.splitlines()[-1] == "∂x/∂x = 1"


def test_render_without_grad_draws_the_forward_values_only(tmp_path, capsys):
    out_file = tmp_path / "g.dot"
    status, _, _ = call("render", *BOOK, "-o", str(out_file), "--no-grad", capsys=capsys)
    assert status == 0
    source = out_file.read_text()
    assert "grad " not in source and "data 0.5" in source


def test_render_options_reach_the_drawing(tmp_path, capsys):
    out_file = tmp_path / "g.dot"
    args = ["--params", "w,b", "--rankdir", "TB", "--title", "σ(wx + b)", "--no-legend"]
    status, _, _ = call("render", *BOOK, "-o", str(out_file), *args, capsys=capsys)
    assert status == 0
    source = out_file.read_text()
    assert "rankdir=TB" in source and "∂f/∂h2 = 0.25" in source  # on by default, as draw_dot
    assert source.count('bgcolor="#fef3c7"') == 2  # w and b; no legend
    assert 'label="σ(wx + b)\\l"' in source and "legend" not in source
    status, _, _ = call("render", *BOOK, "-o", str(out_file), "--no-edge-derivatives")
    assert status == 0 and 'label="∂' not in out_file.read_text()


def test_render_caps_the_drawing_and_makes_missing_folders(tmp_path, capsys):
    out_file = tmp_path / "new" / "folder" / "g.dot"
    status, out, _ = call("render", *BOOK, "-o", str(out_file), "--max-nodes", "4")
    assert status == 0 and out_file.exists()
    assert "… 2 more nodes" in out_file.read_text()  # of x, w, h1, b, h2, f
    status, _, err = call("render", *BOOK, "-o", str(out_file), "--max-nodes", "0", capsys=capsys)
    assert status == 2 and "expected a positive integer, got '0'" in err


NEGATIVE_ZERO = re.compile(r"(?<![\w.])[-−]0(?![\d.e])")


def test_no_negative_zero_is_printed_or_drawn(tmp_path, capsys):
    """IEEE arithmetic makes −0.0 (h3 = h2 × (−1) at h2 = 0); the book writes 0 (NNDL §4.5.3)."""
    formula = ["-1*x*y + x*y*(-2)", "--at", "x=0,y=1"]  # f = -0, paths sum (-0) + (-0)
    outputs = [
        call("demo", "-o", str(tmp_path / "demo.svg"))[1],
        (tmp_path / "demo.svg").read_text(),
        call("grad", *formula)[1],
        call("explain", *formula)[1],
        call("step", *formula, stdin="\n" * 20)[1],
        call("render", *formula, "-o", str(tmp_path / "f.dot"))[1],
        (tmp_path / "f.dot").read_text(),
    ]
    assert "f = 0" in outputs[2] and "∂f/∂y = 0" in outputs[2]
    for text in outputs:
        assert not NEGATIVE_ZERO.findall(text), text
    assert NEGATIVE_ZERO.findall("= -0 and (-0)") == ["-0", "-0"]  # the pattern does see one


def test_help_shows_examples_for_every_subcommand(capsys):
    for command in ("render", "grad", "explain", "step", "html", "check", "demo"):
        status, _, _ = call(command, "--help")
        assert status == 0
        assert f"micrograd-nndl {command}" in capsys.readouterr().out


def test_a_reader_that_stops_early_is_not_an_error(tmp_path, capsys):
    """`micrograd-nndl demo | head -1`: a closed pipe ends the command quietly, status 0."""

    class ClosedPipe(io.StringIO):
        def write(self, text: str) -> int:
            raise BrokenPipeError(32, "Broken pipe")

    assert main(["demo", "-o", str(tmp_path / "g.svg")], stdout=ClosedPipe()) == 0
    assert capsys.readouterr().err == ""


@pytest.mark.skipif(os.name != "posix", reason="FIFOs are POSIX")
@pytest.mark.parametrize(
    "command, name",
    [(["render", *BOOK], "graph.svg"), (["demo"], "graph.svg"), (["html", *BOOK], "page.html")],
)
def test_an_output_that_is_a_fifo_is_refused_and_left_alone(tmp_path, capsys, command, name):
    fifo = tmp_path / name
    os.mkfifo(fifo)
    status, _, err = call(*command, "-o", str(fifo), capsys=capsys)
    assert status == 1 and f"cannot write {str(fifo)!r}: it is a FIFO" in err
    assert err.count("\n") == 1 and os.listdir(tmp_path) == [name]


@pytest.mark.skipif(os.name != "posix", reason="FIFOs are POSIX")
@pytest.mark.parametrize("kind", ["fifo", "file"])
def test_save_steps_into_something_that_is_not_a_folder_says_so(tmp_path, capsys, kind):
    """It said "FileExistsError: [Errno 17] File exists: 'frames'" (a FIFO, a file, /dev/null)."""
    frames = tmp_path / "frames"
    if kind == "fifo":
        os.mkfifo(frames)
    else:
        frames.write_text("notes")
    status, out, err = call("step", *BOOK, "--save-steps", str(frames), capsys=capsys)
    assert (status, out) == (2, "") and err.count("\n") == 1
    assert f"--save-steps {frames}: it is a file, not a folder" in err
    assert os.listdir(tmp_path) == ["frames"]


def test_explain_at_the_languages_limit_of_1000_variables_writes_a_bounded_text(capsys):
    """explain "x0 + x1 + … + x999" wrote 11.8 MB: every path in full, 999 factors long."""
    names = [f"x{i}" for i in range(1000)]
    at = ",".join(f"{name}=1" for name in names)
    status, out, _ = call("explain", " + ".join(names), "--at", at, capsys=capsys)
    assert status == 0 and len(out) < 1000 * 600
    assert (
        out.count("∂f/∂x0 = 1\n") == 1 and out.count("… (983 more) …") == 4
    )  # x0, x1: 999 factors
    status, out, _ = call(
        "explain",
        " + ".join(names),
        "--at",
        at,
        "--wrt",
        "x0",
        "--max-factors",
        "0",
        capsys=capsys,
    )
    assert status == 0 and out.splitlines()[1].count("∂") == 2 * 999


# ---- the language's own limits: 1000 variables, 2000 nodes, 10000 characters -------------------

LIMIT_NAMES = [f"x{i}" for i in range(1000)]
#: x0*x1 + x2*x3 + … + x998*x999 (1999 nodes) at distinct points: ∂f/∂x₂ₖ = x₂ₖ₊₁ and back
SUM_OF_PRODUCTS = " + ".join(f"x{2 * k} * x{2 * k + 1}" for k in range(500))
LIMIT_VALUES = {name: round(0.5 + i / 1000, 3) for i, name in enumerate(LIMIT_NAMES)}
LIMIT_AT = ",".join(f"{name}={value}" for name, value in LIMIT_VALUES.items())


def _partner(name: str) -> str:
    """The other factor of a variable's product: x0 ↔ x1, x998 ↔ x999."""
    i = int(name[1:])
    return f"x{i + 1 if i % 2 == 0 else i - 1}"


def _rows(out: str) -> dict[str, list[str]]:
    """check's table rows by variable: {"x0": [at, backward, central, difference, ...]}."""
    rows = {}
    for line in out.splitlines():
        if line.startswith("∂f/∂"):
            name, *cells = line.split()
            rows[name.removeprefix("∂f/∂")] = cells
    return rows


def test_check_at_1000_variables_confirms_every_analytic_derivative(capsys):
    """check took 34 s at the language's limit: f was parsed and evaluated 2000 times. Each
    central difference now replays the one graph from the moved variable on; every row must
    still be the true derivative: backward exactly x_partner, the central difference within
    the check's tolerance of it."""
    longest = SUM_OF_PRODUCTS.ljust(10_000)  # the longest formula too: 10000 characters
    status, out, _ = call("check", longest, "--at", LIMIT_AT, "--max-rows", "0")
    assert status == 0 and out.endswith("ok: backward agrees with central differences\n")
    rows = _rows(out)
    assert list(rows) == LIMIT_NAMES
    for name, (at, backward, central, difference) in rows.items():
        expected = LIMIT_VALUES[_partner(name)]
        assert float(at) == LIMIT_VALUES[name] and float(backward) == expected
        # rounding in f ≈ 250 is ~250·2⁻⁵², over 2·eps = 2e-6: 3e-8; the check allows 1e-5
        assert abs(float(central) - expected) < 2e-7 and float(difference) < 2e-7


def test_check_at_1000_variables_shows_a_bounded_table_and_says_how_to_see_all(capsys):
    status, out, _ = call("check", SUM_OF_PRODUCTS, "--at", LIMIT_AT)
    assert status == 0 and list(_rows(out)) == LIMIT_NAMES[:20]
    assert "… and 980 more rows, all agreeing (--max-rows 0 shows every row)" in out


def test_check_at_666_kinks_shows_and_explains_the_20_worst(capsys):
    """relu(x0) + … + relu(x665) at 0 (1997 nodes): every row is a kink (slope 0 left of 0, 1
    right, central difference 0.5); the table and the diagnoses stop at --max-rows."""
    names = LIMIT_NAMES[:666]
    formula = " + ".join(f"relu({name})" for name in names)
    at = ",".join(f"{name}=0" for name in names)
    status, out, err = call("check", formula, "--at", at, capsys=capsys)
    assert status == 1 and "a kink" in err
    rows = _rows(out)
    assert len(rows) == 20 and all(
        r[1:3] == ["0", "0.5"] and r[-1] == "mismatch" for r in rows.values()
    )
    assert "… the 20 worst of 666 mismatches shown (--max-rows 0 shows every row" in out
    kinks = [line for line in out.splitlines() if ": a kink at " in line]
    assert len(kinks) == 20 and all("0 on the left and 1 on the right" in k for k in kinks)


def test_grad_and_explain_at_1000_variables_give_the_analytic_derivatives(capsys):
    status, out, _ = call("grad", SUM_OF_PRODUCTS, "--at", LIMIT_AT, "--digits", "17")
    assert status == 0
    lines = out.splitlines()
    total = sum(LIMIT_VALUES[f"x{2 * k}"] * LIMIT_VALUES[f"x{2 * k + 1}"] for k in range(500))
    assert float(lines[0].removeprefix("f = ")) == pytest.approx(total, rel=1e-14)
    grads = dict(line.removeprefix("∂f/∂").split(" = ") for line in lines[1:])
    assert {n: float(g) for n, g in grads.items()} == {
        n: LIMIT_VALUES[_partner(n)] for n in LIMIT_NAMES
    }
    status, out, _ = call(
        "explain", SUM_OF_PRODUCTS, "--at", LIMIT_AT, "--max-variables", "0", "--digits", "17"
    )
    totals = re.findall(r"^∂f/∂(x\d+) = (\S+)$", out, re.MULTILINE)
    assert status == 0 and {n: float(g) for n, g in totals} == {
        n: LIMIT_VALUES[_partner(n)] for n in LIMIT_NAMES
    }


def test_explain_without_wrt_explains_the_first_variables_and_names_the_rest(capsys):
    status, out, _ = call("explain", SUM_OF_PRODUCTS, "--at", LIMIT_AT, "--digits", "17")
    totals = re.findall(r"^∂f/∂(x\d+) = (\S+)$", out, re.MULTILINE)
    assert status == 0 and [n for n, _ in totals] == LIMIT_NAMES[:10]
    assert all(float(g) == LIMIT_VALUES[_partner(n)] for n, g in totals)
    assert out.endswith(
        "… and 990 more variables (x10, x11, x12, …), not explained: --wrt NAME explains one, "
        "--max-variables 0 every one\n"
    )
    assert len(out) < 10_000


def test_step_at_1000_variables_ends_with_the_analytic_gradients(capsys):
    """Both passes of the 1999-node sum of products, a key a step from a pipe: the summary's
    gradients are the analytic ones, and the tables are bounded unless --max-rows 0."""
    keys = "n\n" * (999 + 1000)  # 999 forward steps, 1000 backward steps
    status, out, _ = call("step", SUM_OF_PRODUCTS, "--at", LIMIT_AT, "--digits", "17", stdin=keys)
    assert status == 0 and out.startswith("999 forward steps, then 1000 backward steps")
    summary = out.split("both passes done:\n", 1)[1]
    grads = dict(re.findall(r"^∂f/∂(x\d+) = (\S+)$", summary, re.MULTILINE))
    assert {n: float(g) for n, g in grads.items()} == {
        n: LIMIT_VALUES[_partner(n)] for n in LIMIT_NAMES
    }
    note = "(200 of 1999 nodes shown: max_rows=None, max_width=None, or --max-rows 0 on the "
    assert out.count(note) == 2  # the first table and the last
    status, out, _ = call("step", SUM_OF_PRODUCTS, "--at", LIMIT_AT, "--max-rows", "0")
    assert status == 0 and "nodes shown" not in out and len(out.splitlines()) == 1 + 2 + 1999


def _nested_tanh_slope(x: float, depth: int) -> float:
    """d/dx tanh(tanh(…tanh(x))) by the chain rule: Π (1 − tanh²) over the nested calls."""
    slope = 1.0
    for _ in range(depth):
        x = math.tanh(x)
        slope *= 1 - x * x
    return slope


@pytest.mark.parametrize(
    "formula, at, expected",
    [  # the product of 1000 variables at 1.001: ∂/∂xᵢ = Π/xᵢ = 1.001⁹⁹⁹
        ("*".join(LIMIT_NAMES), ",".join(f"{n}=1.001" for n in LIMIT_NAMES), 1.001**999),
        # the deepest nesting the language takes: 99 calls inside one another
        ("tanh(" * 99 + "x" + ")" * 99, "x=0.3", _nested_tanh_slope(0.3, 99)),
    ],
    ids=["product of 1000", "99 nested calls"],
)
def test_check_at_the_other_limits_passes_with_the_true_derivatives(capsys, formula, at, expected):
    status, out, _ = call("check", formula, "--at", at, "--max-rows", "0")
    rows = _rows(out)
    assert status == 0 and len(rows) == at.count("=")
    for backward, central in (cells[1:3] for cells in rows.values()):
        assert float(backward) == pytest.approx(expected, rel=1e-9)
        assert float(central) == pytest.approx(expected, rel=1e-6)


# ---- a terminal that cannot be trusted: Ctrl-C, closed stdin, ASCII only, escape sequences ------


def _ctrl_c_reaches_it() -> None:
    """In the child, before Python starts: Ctrl-C as at a terminal. A shell running the tests
    in the background makes its children ignore SIGINT, and Python keeps it ignored."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


INTERRUPT_DURING_IMPORT = """
import importlib.abc, os, signal, sys

class CtrlC(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name == {module!r}:  # as a user's Ctrl-C lands in the slow imports of start-up
            os.kill(os.getpid(), signal.SIGINT)
        return None

sys.meta_path.insert(0, CtrlC())
from viz.__main__ import main
raise SystemExit(main({argv!r}))
"""


@pytest.mark.skipif(os.name != "posix", reason="SIGINT")
@pytest.mark.parametrize("module", ["numpy", "graphviz", "micrograd_nndl.engine", "viz.cli"])
def test_ctrl_c_during_start_up_ends_with_130_and_one_line(module):
    """13 of 40 Ctrl-Cs during the start-up imports printed a raw traceback."""
    code = INTERRUPT_DURING_IMPORT.format(module=module, argv=["grad", "x*y", "--at", "x=1,y=2"])
    done = subprocess.run(
        [sys.executable, "-c", code],
        preexec_fn=_ctrl_c_reaches_it,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=60,
    )
    assert (done.returncode, done.stderr, done.stdout) == (130, "micrograd-nndl: interrupted\n", "")


@pytest.mark.skipif(os.name != "posix", reason="SIGINT")
def test_ctrl_c_while_step_waits_for_a_key_ends_with_130_and_one_line():
    process = subprocess.Popen(
        [sys.executable, "-m", "viz", "step", *BOOK],
        preexec_fn=_ctrl_c_reaches_it,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    try:
        assert process.stdout.readline().startswith("3 forward steps, then 4")  # now waiting
        process.send_signal(signal.SIGINT)
        status = process.wait(timeout=30)
    finally:
        process.kill()
    assert status == 130 and process.stderr.read() == "micrograd-nndl step: interrupted\n"


@pytest.mark.skipif(os.name != "posix", reason="a shell closes the descriptor")
def test_step_with_stdin_closed_shows_the_table_and_stops():
    """sys.stdin is None then: it raised AttributeError: 'NoneType' object has no attribute
    'isatty'."""
    done = subprocess.run(
        ["sh", "-c", 'exec "$0" -m viz step "$@" 0<&-', sys.executable, *BOOK],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=60,
    )
    assert done.returncode == 0 and done.stderr == ""
    assert done.stdout.startswith("3 forward steps, then 4 backward steps")
    assert done.stdout.endswith("f     σ     h2      —      —\n")  # nothing computed yet


def test_an_ascii_terminal_gets_ascii_spellings_instead_of_a_unicode_error(tmp_path):
    """It printed "f = 0.5" and died with UnicodeEncodeError on ∂."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONIOENCODING": "ascii"}
    grad = subprocess.run(
        [sys.executable, "-m", "viz", "grad", *BOOK],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=60,
    )
    assert (grad.returncode, grad.stderr) == (0, "")
    assert grad.stdout == "f = 0.5\ndf/dx = 0\ndf/dw = 0.25\ndf/db = 0.25\n"
    demo = subprocess.run(
        [sys.executable, "-m", "viz", "demo", "-o", str(tmp_path / "g.svg")],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=60,
    )
    assert demo.returncode == 0 and demo.stdout.isascii()
    assert demo.stdout.startswith("f(x; w, b) = sigma(wx + b) = 1 / (exp(-(wx + b)) + 1)")
    assert "  path 1: dh6/dh5 * dh5/dh4 * dh4/dh3 * dh3/dh2 * dh2/dh1 * dh1/dw\n" in demo.stdout
    assert "        = (-0.25) * 1 * 1 * (-1) * 1 * 1 = 0.25\n" in demo.stdout
    bad = subprocess.run(
        [sys.executable, "-m", "viz", "grad", "sqrt(x)", "--at", "x=-1"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=60,
    )
    assert bad.returncode == 1 and bad.stderr.isascii() and bad.stderr.count("\n") == 3


@pytest.mark.parametrize(
    "args",
    [
        [*BOOK, "--wrt", "\x1b]0;pwned\x07"],
        ["x*w", "--at", "x=1,w=2", "--max-paths", "1", "--wrt", "w\u202ex\ud800"],
    ],
)
def test_an_echoed_wrt_cannot_send_escape_sequences_to_the_terminal(capsys, args):
    """An escape sequence in --wrt set the terminal's title."""
    status, _, err = call("explain", *args, capsys=capsys)
    assert status == 2 and "not a variable of the formula" in err
    assert err.isprintable() or err[:-1].isprintable()
    assert "\\x1b]0;pwned\\x07" in err or "\\u202e" in err and "\\ud800" in err


def test_echoed_params_and_output_paths_are_escaped(tmp_path, capsys):
    status, _, err = call(
        "render", *BOOK, "-o", str(tmp_path / "g.svg"), "--params", "w,\x1b[2J", capsys=capsys
    )
    assert status == 2 and "--params \\x1b[2J: not a variable" in err
    odd = tmp_path / "g\x1b[31m.svg"
    status, out, _ = call("render", *BOOK, "-o", str(odd), capsys=capsys)
    assert status == 0 and odd.exists()
    assert out.startswith(f"wrote {tmp_path}/g\\x1b[31m.svg (") and "\x1b" not in out


def test_the_page_and_the_demos_paths_are_echoed_escaped_too(tmp_path, capsys):
    """html -o and demo -o echoed the path raw: an escape sequence in it reached the terminal."""
    page = tmp_path / "p\x1b]0;pwned\x07.html"
    status, out, _ = call("html", *BOOK, "-o", str(page), capsys=capsys)
    assert status == 0 and page.exists() and "\x1b" not in out and "\x07" not in out
    assert out.startswith(f"wrote {tmp_path}/p\\x1b]0;pwned\\x07.html (")
    image = tmp_path / "g\x1b[2J.svg"
    status, out, _ = call("demo", "-o", str(image), capsys=capsys)
    assert status == 0 and image.exists() and "\x1b" not in out
    assert f"the graph with its values and gradients: {tmp_path}/g\\x1b[2J.svg (" in out


# ---- check: the user's names, --eps, a pole told from a kink ------------------------------------


def test_check_names_the_users_variable_and_offers_its_eps_option(capsys):
    """It named gradcheck's internal x1 and suggested an eps option the CLI did not have."""
    status, _, err = call("check", "sqrt(x)", "--at", "x=1e-7", capsys=capsys)
    assert status == 1 and "the argument x = -9e-07" in err
    assert "while evaluating f at x − 1e-06" in err
    assert "x1" not in err and "pass a smaller eps) with --eps (now 1e-06)" in err
    status, out, _ = call("check", "sqrt(x)", "--at", "x=1e-7", "--eps", "1e-9", capsys=capsys)
    assert status == 0 and out.endswith("ok: backward agrees with central differences\n")
    assert "∂f/∂x       1e-07  1581.13883" in out


def test_check_tells_a_pole_within_the_step_from_a_kink(capsys):
    """x/y at y = 1e-7: the step ±1e-6 crosses y = 0, so the central difference is wrong, not
    backward; it was blamed on backward and a kink."""
    status, out, err = call("check", "x/y", "--at", "x=1,y=1e-7", capsys=capsys)
    assert status == 1 and err.endswith(
        "disagrees with the central differences above: a step too large\n"
    )
    assert "y: the step crosses a pole within ±1e-06 of y = 1e-07" in out
    assert "with --eps 1e-09 the central difference agrees" in out
    status, out, _ = call("check", "x/y", "--at", "x=1,y=1e-7", "--eps", "1e-9", capsys=capsys)
    assert status == 0
    status, out, err = call("check", "relu(x)", "--at", "x=0", capsys=capsys)
    assert status == 1 and err.endswith("above: a kink\n")
    assert (
        "x: a kink at x = 0: the slope is 0 on the left and 1 on the right, and backward takes 0"
        in out
    )


@pytest.mark.parametrize("eps", ["0", "-1e-6", "nan", "inf", "small"])
def test_check_refuses_a_step_that_is_not_a_positive_number(capsys, eps):
    status, _, err = call("check", "x*x", "--at", "x=1", f"--eps={eps}", capsys=capsys)
    assert status == 2 and "expected a positive number such as 1e-8" in err


# ---- one key a step on a terminal ---------------------------------------------------------------


@pytest.mark.skipif(sys.platform == "win32", reason="a pseudo-terminal is POSIX")
def test_step_on_a_terminal_takes_one_key_a_step_without_enter():
    """Through a pseudo-terminal, as a person types: `n` steps at once, Enter steps too, `p`
    goes back, `q` quits; no key waits for Enter (it printed "unknown key 'nnn'")."""
    import pty  # POSIX only

    main_fd, child_fd = pty.openpty()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONIOENCODING": "utf-8"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "viz", "step", *BOOK],
        stdin=child_fd,
        stdout=child_fd,
        stderr=child_fd,
        cwd=ROOT,
        env=env,
    )
    os.close(child_fd)
    seen = b""

    def read_until(text: str) -> None:
        nonlocal seen
        deadline = time.monotonic() + 30
        while text.encode() not in seen:
            assert time.monotonic() < deadline, f"waited for {text!r}; got:\n{seen.decode()}"
            ready, _, _ = select.select([main_fd], [], [], 0.5)
            if ready:
                seen += os.read(main_fd, 4096)

    try:
        read_until("> ")
        os.write(main_fd, b"n")  # one key, no Enter
        read_until("forward 1/3: h1 = w × x = 0 × 1 = 0")
        os.write(main_fd, b"\r")  # Enter, as a terminal sends it
        read_until("forward 2/3: h2 = h1 + b = 0 + 0 = 0")
        os.write(main_fd, b"p")
        read_until("undid forward 2/3, back to forward 1/3")
        os.write(main_fd, b"q")
        while True:  # read to the end: a terminal's last output is drained before it closes
            try:
                chunk = os.read(main_fd, 4096)
            except OSError:  # EIO: the command closed its end
                break
            if not chunk:
                break
            seen += chunk
        assert proc.wait(timeout=30) == 0
    finally:
        proc.kill()
        os.close(main_fd)
    assert b"unknown key" not in seen


def test_values_typed_with_chinese_punctuation_are_read(capsys):
    """--at w＝1，x＝2 (full-width = and , from a Chinese keyboard) is --at w=1,x=2."""
    status, out, _ = call("grad", "w＊x", "--at", "w＝1，x＝2", capsys=capsys)
    assert status == 0 and out.splitlines() == ["f = 2", "∂f/∂w = 2", "∂f/∂x = 1"]


def test_names_run_together_are_told_to_be_a_product(capsys):
    """sigmoid(wx + b) with --at w=1,x=2,b=0: wx is one name; the message says to write w*x."""
    status, _, err = call("grad", "sigmoid(wx + b)", "--at", "w=1,x=2,b=0", capsys=capsys)
    assert status == 2 and err.strip().endswith(
        "(its variables: wx, b); write w*x for wx: a product needs its *"
    )
    status, _, err = call("grad", "w1x1 + q", "--at", "w1=1,x1=2,q=0,w=3", capsys=capsys)
    assert "write w1*x1 for w1x1" in err  # the longest given name first: w1, not w
    status, _, err = call("grad", "q + b", "--at", "w=1,b=0", capsys=capsys)
    assert "(its variables: q, b)" in err and "product" not in err
