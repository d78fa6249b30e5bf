"""The ```micrograd fence: a block of statements becomes the graph after backward, drawn and
tabled; a mistake names its line with a caret and fails the Markdown build (NNDL §4.5.3)."""

from __future__ import annotations

import html
import json
import re

import markdown
import pytest
from pymdownx.superfences import SuperFencesException

from viz.notes import (
    NoteError,
    build_note,
    fence_micrograd,
    note_html,
    statements,
    validate_micrograd,
)

BOOK = "x = 1; w = 0; b = 0\nf = 1/(exp(-1*(x*w + b)) + 1)\n"


def render_markdown(text: str) -> str:
    fence = {
        "name": "micrograd",
        "class": "micrograd",
        "validator": validate_micrograd,
        "format": fence_micrograd,
    }
    return markdown.markdown(
        text,
        extensions=["pymdownx.superfences"],
        extension_configs={"pymdownx.superfences": {"custom_fences": [fence]}},
    )


def test_statements_split_at_newlines_and_semicolons_and_drop_comments():
    found = [(s.text.strip(), s.line, s.column) for s in statements("x = 1; w = 0 # w\n\nf = x*w")]
    assert found == [("x = 1", 1, 0), ("w = 0", 1, 6), ("f = x*w", 3, 0)]


def test_the_books_block_gives_the_books_numbers():
    note = build_note(BOOK, params="w b")
    assert note.root.data == 0.5
    assert (note.names["w"].grad, note.names["b"].grad, note.names["x"].grad) == (0.25, 0.25, 0.0)
    assert note.root.label == "f" and note.params == (note.names["w"], note.names["b"])
    h5 = note.root.parents[0]  # f = 1 / h5
    assert h5.data == 2.0 and h5.grad == -0.25


def test_a_block_typed_with_chinese_punctuation_gives_the_books_numbers():
    """x = 1；w = 0；b = 0 and σ（w＊x ＋ b） from a Chinese input method: the same block."""
    note = build_note("x = 1；w = 0；b = 0\nf = sigmoid（w＊x ＋ b）", params="w b")
    assert note.root.data == 0.5 and (note.names["w"].grad, note.names["b"].grad) == (0.25, 0.25)


def test_named_steps_are_nodes_of_the_graph_with_their_names():
    note = build_note("x = 1; w = 0; b = pi - pi\nz = w*x + b\nf = sigmoid(z)")
    z = note.names["z"]
    assert z.label == "z" and note.root.parents == (z,) and z.grad == 0.25
    assert note.names["b"].data == 0.0  # a constant formula is a number


def test_the_html_holds_the_svg_and_the_table():
    page = note_html(BOOK, params="w b")
    assert page.count("<svg") == 1 and "</svg>" in page
    assert "<td>h5</td><td>+ 1</td><td>h4</td><td>2</td><td>-0.25</td>" in page
    assert "<td>w</td><td>leaf</td><td></td><td>0</td><td>0.25</td>" in page
    # each local derivative kept whole in a narrow column: "∂净输入/" and "∂b = 1" were split
    nowrap = '<span style="white-space: nowrap">'
    assert f"<td>{nowrap}∂h1/∂x = 0</span>, {nowrap}∂h1/∂w = 1</span></td>" in page


@pytest.mark.parametrize(
    ("block", "line", "column", "reason"),
    [
        ("x = 1; w = 0; b = 0\nf = sigmoid(w*x + )", 2, 19, "expected an expression"),
        ("x = 1\nf = sigmoid(w*x)", 2, 13, "no value given for w"),
        ("x = 1\n  f = x.__class__", 2, 8, "attributes are not part of the language"),
        ("x = 1; x = 2\nf = x*x", 1, 8, "x is assigned twice"),
        ("x = 1\nexp = x", 2, 1, "'exp' cannot be assigned"),
        ("x = 1\ny = x\nf = y", 2, 5, "only renames"),
        ("x = 1\nf = x*x\ny = 3", 3, 1, "the last statement must compute the output"),
        ("x = 0\nf = 1 + log(x)", 2, 9, "DomainError: log: the argument x = 0, and log"),
        ("x = 0\nf = 2 * sqrt(x)", 2, 9, "NonFiniteGradientError"),
        ("x = 1\n2*3", 2, 1, "a number alone is not a graph"),
    ],
)
def test_a_mistake_names_its_line_and_column_with_a_caret(block, line, column, reason):
    with pytest.raises(NoteError) as raised:
        note_html(block)
    error = raised.value
    assert (error.line, error.column) == (line, column) and reason in error.reason
    shown, caret = str(error).splitlines()[1:3]
    assert shown == "  " + block.splitlines()[line - 1]
    assert caret == " " * (column + 1) + "^"


def test_no_python_is_run():
    with pytest.raises(NoteError, match="names may not start with '_'"):
        build_note("x = __import__('os').system('echo hacked')\nf = x")


def test_params_must_name_a_value_of_the_block():
    with pytest.raises(NoteError, match="params names 'v'"):
        build_note(BOOK, params="w v")


def test_a_markdown_build_draws_the_block_and_leaves_other_code_alone():
    page = render_markdown(f"# σ\n\n```micrograd\n{BOOK}```\n\n```python\nx = 1\n```\n")
    assert page.count("<svg") == 1 and 'class="micrograd-note"' in page
    assert '<span class="n">x</span> <span class="o">=</span>' in page  # still Python code


def test_a_broken_block_fails_the_markdown_build_with_its_line():
    with pytest.raises(SuperFencesException, match="line 2, column 19: expected an expression"):
        render_markdown("```micrograd\nx = 1; w = 0; b = 0\nf = sigmoid(w*x + )\n```\n")


def test_an_unknown_option_fails_the_build():
    with pytest.raises(SuperFencesException, match="unknown option 'colour'"):
        render_markdown('```micrograd colour="red"\nx = 1\nf = exp(x)\n```\n')


def test_a_bad_rankdir_is_named_as_an_option_of_the_header_not_a_line_of_the_block():
    """It was reported at "line 1, column 1" with a caret under the block's first line."""
    with pytest.raises(SuperFencesException, match=r"rankdir must be one of .*, got 'XY'$"):
        render_markdown('```micrograd rankdir="XY"\nx = 1\nf = exp(x)\n```\n')
    with pytest.raises(ValueError, match=r"rankdir must be one of .*, got 'XY'"):
        note_html(BOOK, rankdir="XY")


def test_the_graph_keeps_a_readable_size_without_a_stylesheet():
    """A theme's `svg { max-width: 100% }` shrank a wide graph's text to 5 px: the graph now
    fills the column up to 0.75 of Graphviz's size and shrinks no further than keeps its
    smallest text at 10 px, scrolling beyond (inline styles: no stylesheet of ours needed)."""
    page = note_html(BOOK, params="w b")
    figure = re.search(r'<figure class="micrograd-graph" style="([^"]*)"><svg ([^>]*)>', page)
    assert figure is not None and "overflow-x: auto" in figure.group(1)
    viewbox = [float(n) for n in re.search(r'viewBox="([^"]*)"', figure[2]).group(1).split()]
    style = re.search(r'style="([^"]*)"', figure[2]).group(1)
    least = float(re.search(r"min-width: ([0-9.]+)px", style).group(1))
    most = float(re.search(r"max-width: ([0-9.]+)px", style).group(1))
    smallest = min(float(f) for f in re.findall(r'font-size="([0-9.]+)"', page))
    assert most == round(0.75 * viewbox[2] * 4 / 3)
    assert smallest * least / viewbox[2] >= 10 - 0.5 / viewbox[2] * smallest
    assert "width: 100%; height: auto" in style


def test_a_fence_builds_one_graph_view_for_every_reader(monkeypatch):
    """The drawing, the table, the stepper, its replay, the page's drawing and the chain rules
    all read one Graph of the root: built once, not once per reader (it was five)."""
    import viz.graph

    built = []
    make = viz.graph.Graph.__init__

    def counted(self, root):
        built.append(root)
        make(self, root)

    monkeypatch.setattr(viz.graph.Graph, "__init__", counted)
    html = note_html("x = 1; w = 0; b = 0\nf = sigmoid(w*x + b)", params="w b", stepper=True)
    assert [root.label for root in built] == ["f"]
    assert "∂f/∂w" in html  # the chain rule read from that one view, on the page


def test_a_stepper_block_draws_params_as_parameters_in_the_step_through_too():
    """w and b were parameters in the figure and inputs in the stepper (issue #22)."""
    page = note_html(BOOK, params="w b", stepper=True)
    frame = html.unescape(re.search(r'srcdoc="([^"]*)"', page).group(1))
    found = re.search(r'<script type="application/json" id="page-data">(.*?)</script>', frame)
    data = json.loads(found.group(1))
    roles = {node["name"]: node["role"] for node in data["nodes"]}
    assert (roles["w"], roles["b"], roles["x"]) == ("parameter", "parameter", "input")


def test_a_block_of_chinese_and_greek_names_is_drawn_under_them():
    note = build_note("x = 1; θ = 0; b = 0\n净输入 = θ*x + b\nf = sigmoid(净输入)", params="θ b")
    assert note.names["净输入"].grad == 0.25 and note.names["θ"].grad == 0.25
    page = note_html("x = 1; θ = 0; b = 0\n净输入 = θ*x + b\nf = sigmoid(净输入)")
    assert ">净输入<" in page and "<td>θ</td>" in page


def test_an_unknown_option_says_the_nearest():
    with pytest.raises(SuperFencesException, match="unknown option 'parms'; did you mean params"):
        render_markdown('```micrograd parms="w"\nx = 1\nf = exp(x)\n```\n')
    with pytest.raises(SuperFencesException, match="got 'ture'; did you mean true"):
        render_markdown('```micrograd stepper="ture"\nx = 1\nf = exp(x)\n```\n')


def test_any_failure_of_a_block_fails_the_build_rather_than_showing_code():
    """A failure other than the block's own (here the stepper's size limit) was swallowed by
    superfences, the block shown as code (issue #26 item 5)."""
    big = (
        "x = 1\ns = "
        + " + ".join(["x"] * 900)
        + "\n"
        + "\n".join(
            f"s{k} = " + " + ".join([f"s{k - 1}" if k > 1 else "s"] * 900) for k in range(1, 6)
        )
    )
    with pytest.raises(SuperFencesException, match="too many to step through"):
        render_markdown(f'```micrograd stepper="true"\n{big}\n```\n')
