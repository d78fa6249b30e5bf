"""viz.draw.compact and viz.draw.fit: the book-style drawing, laid out for the width it is read
at, measured at its natural text size (the SVG's own px)."""

import re

from micrograd_nndl import Value
from micrograd_nndl.book import sigmoid_graph
from viz import draw_dot
from viz.draw.fit import COLUMN, NOTEBOOK, size_px


def book():
    nodes = sigmoid_graph(x=1.0, w=0.0, b=0.0)
    nodes["h6"].backward()
    return nodes


def test_the_books_six_primitives_fit_the_notes_column_at_their_own_size():
    nodes = book()
    drawing = draw_dot(nodes["h6"], params=[nodes["w"], nodes["b"]], width=COLUMN)
    assert size_px(drawing)[0] <= COLUMN  # was 2852 px in the boxes style, left to right
    assert 'font-size="10.00"' in drawing.pipe("svg").decode()  # not shrunk: its own 10 pt


def test_the_readmes_sigmoid_fits_the_notes_column_and_a_notebook():
    w, x, b = Value(0.0, "w"), Value(1.0, "x"), Value(0.0, "b")
    f = (w * x + b).sigmoid()
    f.backward()
    assert size_px(draw_dot(f, params=[w, b], width=COLUMN))[0] <= COLUMN  # was 1408 px
    notebook = draw_dot(f, params=[w, b])
    assert size_px(notebook)[0] <= NOTEBOOK and "rankdir=LR" in notebook.source  # as the book


def test_one_node_per_op_with_its_symbol_name_value_and_grad():
    source = draw_dot(book()["h6"]).source
    nodes = re.findall(r"^\t(n\d+) \[label=<(.*)> margin=0 shape=plaintext\]$", source, re.M)
    assert [name for name, _ in nodes] == [f"n{i}" for i in range(9)]  # no op nodes
    h3 = re.sub(r"<[^>]+>", "|", dict(nodes)["n5"])
    assert [c for c in h3.split("|") if c.strip()] == ["× (-1)", "h3", "data 0", "grad -0.25"]


def test_each_edge_is_its_local_derivatives_number_its_full_text_the_tooltip():
    source = draw_dot(book()["h6"]).source
    edges = re.findall(r'^\t(n\d+ -> n\d+) \[label="\xa0([^"]*)" tooltip="([^"]*)"\]', source, re.M)
    assert ("n7 -> n8", "-0.25", "∂h6/∂h5 = -0.25") in edges  # −1/h5² at h5 = 2
    assert ("n4 -> n5", "-1", "∂h3/∂h2 = -1") in edges
    assert len(edges) == 8


def test_a_negative_constant_is_in_parentheses_never_minus_minus():
    x = Value(2.0, "x")
    source = draw_dot(x - (-1)).source
    assert "− (-1)" in source and "− -1" not in source
