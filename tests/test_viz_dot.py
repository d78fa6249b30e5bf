"""viz.dot and viz.render: the drawing of NNDL §4.5.3's graph, and rendering it."""

import html
import re
import sys

import pytest
from hypothesis import given

import viz.render
from micrograd_nndl import Value, maxout, topological_order
from micrograd_nndl.book import sigmoid_graph
from micrograd_nndl.testing import expressions
from viz import Drawing, RenderError, VizError, draw
from viz.render import find_program, render


def book_drawing(**options):
    nodes = sigmoid_graph(x=1.0, w=0.0, b=0.0)
    nodes["h6"].backward()
    return nodes, draw(nodes["h6"], **options)


def edge_labels(source):
    return re.findall(r'\[label="(∂[^"]*)"', source)


def test_edges_carry_the_books_local_derivatives():
    _, drawing = book_drawing()
    assert edge_labels(drawing.source) == [
        "∂h1/∂x = 0",  # ∂h1/∂x = w
        "∂h1/∂w = 1",  # ∂h1/∂w = x
        "∂h2/∂h1 = 1",
        "∂h2/∂b = 1",
        "∂h3/∂h2 = -1",
        "∂h4/∂h3 = 1",  # exp(h3) at h3 = 0
        "∂h5/∂h4 = 1",
        "∂h6/∂h5 = -0.25",  # −1/h5² at h5 = 2
    ]


def test_value_boxes_show_data_and_gradient():
    _, drawing = book_drawing()
    boxes = dict(re.findall(r"<b>(\w+)</b></td><td>data ([^<]*)</td>", drawing.source))
    assert boxes == {
        "x": "1", "w": "0", "b": "0", "h1": "0", "h2": "0",
        "h3": "-0", "h4": "1", "h5": "2", "h6": "0.5",
    }  # fmt: skip
    grads = dict(re.findall(r"<b>(\w+)</b>.*?grad ([^<]*)</td>", drawing.source))
    assert grads == {
        "x": "0", "w": "0.25", "b": "0.25", "h1": "0.25", "h2": "0.25",
        "h3": "-0.25", "h4": "-0.25", "h5": "-0.25", "h6": "1",
    }  # fmt: skip


def test_op_nodes_show_the_primitive_and_its_constant():
    _, drawing = book_drawing()
    ops = re.findall(r'\bo\d+ \[label="?([^"\]]*?)"? shape', drawing.source)
    assert ops == ["×", "+", "× -1", "exp", "+ 1", "1 ÷"]


def test_the_wiring_is_input_to_op_to_output():
    nodes, drawing = book_drawing()
    edges = re.findall(r"\b([no]\d+) -> ([no]\d+)", drawing.source)
    graph_edges = sum(len(n.parents) for n in nodes.values())
    assert len(edges) == graph_edges + 6  # each input into its op, each op into its value
    assert all(a.startswith("n") != b.startswith("n") for a, b in edges)


def test_before_backward_gradients_are_not_computed_and_edges_can_be_hidden():
    nodes = sigmoid_graph()
    source = draw(nodes["h6"], edge_labels=False).source
    assert source.count("grad —") == 9 and "bgcolor" not in source
    assert edge_labels(source) == []


def test_drawings_are_deterministic():
    assert book_drawing()[1].source == book_drawing()[1].source


def test_an_nary_op_and_a_repeated_input():
    x = Value(3.0, "x")
    y = maxout(x * x, x, Value(1.0, "c"))
    y.label = "y"
    labels = edge_labels(draw(y).source)
    assert "∂mul#1/∂x (input 1) = 3" in labels and "∂mul#1/∂x (input 2) = 3" in labels
    assert labels[-3:] == ["∂y/∂mul#1 = 1", "∂y/∂x = 0", "∂y/∂c = 0"]  # max: 1 to the arg-max


def test_user_text_is_escaped():
    x = Value(1.0, 'a <b>&"\\n')
    y = x.tanh()
    y.label = "}{|<>"
    drawing = draw(y)
    text = html.unescape(drawing.svg())
    assert 'a <b>&"\\n' in text and "}{|<>" in text


def test_highlight_marks_one_edge_and_its_two_ends():
    nodes = sigmoid_graph()
    source = draw(nodes["h6"], highlight=(nodes["h1"], 1)).source
    marked = [line for line in source.splitlines() if "#dc2626" in line]
    assert len(marked) == 3  # the boxes of h1 and w, and the edge ∂h1/∂w
    assert any("∂h1/∂w" in line for line in marked)
    assert any("<b>w</b>" in line for line in marked) and any(
        "<b>h1</b>" in line for line in marked
    )


def test_bad_highlights_and_options_are_named():
    nodes = sigmoid_graph()
    f = nodes["h6"]
    with pytest.raises(ValueError, match="h1 has 2 inputs, so i must be in 0..1, got 2"):
        draw(f, highlight=(nodes["h1"], 2))
    with pytest.raises(ValueError, match="w is a leaf"):
        draw(f, highlight=(nodes["w"], 0))
    with pytest.raises(VizError, match="'q' is not in the graph of h6"):
        draw(f, highlight=(Value(1.0, "q"), 0))
    with pytest.raises(ValueError, match="rankdir must be"):
        draw(f, rankdir="sideways")
    with pytest.raises(TypeError, match="root must be a micrograd_nndl.Value, not NoneType"):
        draw(None)


def test_large_graphs_are_refused_with_a_pointer_to_the_text_view():
    x = Value(1.0, "x")
    y = x
    for _ in range(600):
        y = y + 1.0
    with pytest.raises(VizError, match=r"601 nodes, more than max_nodes=500.*format_graph"):
        draw(y)
    assert draw(y, max_nodes=601).source.count("+ 1") == 600
    with pytest.raises(ValueError, match="max_nodes must be a positive integer, got '10'"):
        draw(y, max_nodes="10")


def test_render_svg_png_and_save(tmp_path):
    _, drawing = book_drawing()
    svg = drawing.svg()
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg
    text = html.unescape(svg)  # Graphviz writes "-" as &#45;
    assert "grad 0.25" in text and "∂h6/∂h5 = -0.25" in text
    assert drawing._repr_svg_() == svg  # what a notebook shows
    assert drawing.save(tmp_path / "f.png").read_bytes().startswith(b"\x89PNG")
    assert drawing.save(tmp_path / "f.svg").read_text() == svg
    assert drawing.save(tmp_path / "f.gv").read_text().startswith("digraph")
    assert drawing.save(tmp_path / "f.jpg").read_bytes().startswith(b"\xff\xd8")  # JPEG
    assert drawing.save(tmp_path / "plain", format="svg").read_text() == svg
    with pytest.raises(ValueError, match="cannot tell the format of .*f.pdf"):
        drawing.save(tmp_path / "f.pdf")
    assert str(drawing) == drawing.source and isinstance(drawing, Drawing)
    assert repr(drawing).startswith("<Drawing of h6 (3 leaves, 6 ops): .save(")


def test_render_reports_a_missing_program_and_a_failure(monkeypatch):
    with pytest.raises(RenderError, match="failed .*exit code"):
        render("digraph { a -> }")
    with pytest.raises(ValueError, match="format must be one of svg, png"):
        render("digraph {}", format="bmp")
    assert find_program()
    monkeypatch.setattr(viz.render, "PROGRAMS", ("no-such-graphviz-program",))
    with pytest.raises(RenderError, match="no Graphviz program found: install the 'graphviz-pure'"):
        find_program()


@pytest.mark.skipif(sys.platform == "win32", reason="a shell script stands in for dot")
def test_a_system_dot_is_preferred_and_graphviz_pure_is_the_fallback(tmp_path, monkeypatch):
    fake = tmp_path / "dot"
    fake.write_text('#!/bin/sh\necho "drawn by dot $1"\n')
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", str(tmp_path))
    assert find_program() == str(fake)
    assert render("digraph {}", "svg") == b"drawn by dot -Tsvg\n"
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))  # no dot: the one beside Python
    assert find_program().endswith("graphviz-pure")


@given(expressions(n_inputs=2, max_steps=6))
def test_every_node_and_edge_of_a_random_graph_is_drawn(expr):
    root = expr(*(Value(v) for v in expr.inputs))
    nodes = topological_order(root)
    source = draw(root, digits=17).source
    assert source.count("<table") == len(nodes)
    labels = edge_labels(source)
    expected = [d for n in nodes for d in n.local_grads()]
    assert [float(label.rsplit(" = ", 1)[1]) for label in labels] == expected
