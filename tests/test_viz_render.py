"""viz.render, Drawing's notebook display, and finding Graphviz: with the bundled binary only."""

import errno
import html
import os
import re
import stat
import sys
import time

import pytest

import viz.draw.drawing
import viz.draw.graphviz_runner
from micrograd_nndl import MLP, NotARegularFileError, Value
from micrograd_nndl.book import sigmoid_graph
from viz import RenderError, draw_dot, format_graph, render
from viz.draw.graphviz_runner import find_program, run_graphviz

needs_a_shell = pytest.mark.skipif(sys.platform == "win32", reason="a shell script stands in")


@pytest.fixture
def no_system_dot(tmp_path, monkeypatch):
    """PATH without any Graphviz: only graphviz-pure beside the running Python can be found,
    as in a notebook kernel started as .venv/bin/python."""
    empty = tmp_path / "empty-path"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    assert os.path.basename(find_program()).startswith("graphviz-pure")


def book_root():
    nodes = sigmoid_graph(x=1.0, w=0.0, b=0.0)
    nodes["h6"].backward()
    return nodes["h6"]


def test_the_notebook_display_renders_without_a_system_dot(no_system_dot):
    drawing = draw_dot(book_root())
    bundle = drawing._repr_mimebundle_()  # what Jupyter calls to show it inline
    svg = bundle["image/svg+xml"]
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg
    text = html.unescape(svg)  # Graphviz writes "-" as &#45;
    assert "∂h6/∂h5 = -0.25" in text and "grad 0.25" in text and "data 2" in text
    png = bundle["image/png"]  # what an untrusted notebook, GitHub and nbviewer show
    assert png.startswith(b"\x89PNG") and png == drawing._repr_png_()
    svg_width = float(re.search(r'<svg width="([\d.]+)pt"', svg)[1]) * 4 / 3  # px in a browser
    png_width = int.from_bytes(png[16:20], "big")
    assert abs(png_width - svg_width) <= 2  # as large as the SVG in a browser
    assert list(drawing._repr_mimebundle_(include=["image/png"])) == ["image/png"]


def test_render_writes_svg_and_png_with_the_bundled_binary(no_system_dot, tmp_path):
    root = book_root()
    svg = render(root, tmp_path / "graph.svg")
    assert svg == tmp_path / "graph.svg"
    text = html.unescape(svg.read_text())
    for words in ("h5", "data 2", "grad -0.25", "w", "grad 0.25", "∂h1/∂w = 1", "output"):
        assert words in text
    png = render(root, tmp_path / "graph.png", rankdir="TB").read_bytes()
    assert png.startswith(b"\x89PNG") and len(png) > 10_000
    assert render(root, tmp_path / "g.jpg").read_bytes().startswith(b"\xff\xd8")
    dot = render(root, tmp_path / "g.dot").read_text()
    assert dot.startswith("digraph {") and "∂h6/∂h5 = -0.25" in dot


def test_graphvizs_own_render_and_pipe_use_the_bundled_binary(no_system_dot, tmp_path):
    drawing = draw_dot(book_root())
    path = drawing.render(tmp_path / "sigmoid", format="png")
    assert path == str(tmp_path / "sigmoid.png") and (tmp_path / "sigmoid").exists()
    assert (tmp_path / "sigmoid.png").read_bytes().startswith(b"\x89PNG")
    out = drawing.render(outfile=tmp_path / "out.svg", cleanup=True)
    assert out == str(tmp_path / "out.svg") and not (tmp_path / "out.gv").exists()
    assert drawing.pipe(format="svg", encoding="utf-8").startswith("<?xml")


def test_render_to_an_outfile_writes_that_file_and_nothing_else(tmp_path, monkeypatch):
    """render(outfile=...) without a filename leaves no .gv source behind, in the current
    folder or beside the picture; with a filename the source is written where asked."""
    here, there = tmp_path / "cwd", tmp_path / "pictures"
    here.mkdir()
    there.mkdir()
    monkeypatch.chdir(here)
    drawing = draw_dot(book_root())
    assert drawing.render(outfile=there / "f.png") == str(there / "f.png")
    assert (there / "f.png").read_bytes().startswith(b"\x89PNG")
    assert os.listdir(here) == [] and os.listdir(there) == ["f.png"]
    drawing.render(outfile="g.svg")  # relative: in the current folder, alone
    assert os.listdir(here) == ["g.svg"] and "∂h6/∂h5" in (here / "g.svg").read_text()
    drawing.render(filename=there / "g.gv", outfile=there / "g.svg")
    assert sorted(os.listdir(there)) == ["f.png", "g.gv", "g.svg"]
    assert (there / "g.gv").read_text().startswith("digraph {")


def test_an_unknown_format_is_refused_before_anything_runs(tmp_path):
    with pytest.raises(ValueError, match=r"cannot write '.*graph.gif': the suffix must be one of"):
        render(book_root(), tmp_path / "graph.gif")
    assert not (tmp_path / "graph.gif").exists()
    with pytest.raises(ValueError, match="format must be one of svg, png"):
        run_graphviz("digraph {}", "bmp")


def test_pdf_needs_a_system_graphviz_and_the_error_says_so(no_system_dot, tmp_path):
    with pytest.raises(RenderError, match=r"PDF needs a system Graphviz \(the 'dot' program\)"):
        render(book_root(), tmp_path / "graph.pdf")
    assert not (tmp_path / "graph.pdf").exists()


def test_no_graphviz_at_all_is_a_clear_error_saying_how_to_fix_it(monkeypatch, tmp_path):
    monkeypatch.setattr(viz.draw.graphviz_runner, "PROGRAMS", ("no-such-graphviz-program",))
    with pytest.raises(RenderError, match="no Graphviz program found.*pip install graphviz-pure"):
        find_program()
    with pytest.raises(RenderError, match="apt install graphviz"):
        render(book_root(), tmp_path / "graph.svg")
    with pytest.raises(RenderError, match="no Graphviz program found"):
        draw_dot(book_root())._repr_mimebundle_()


def test_a_graphviz_failure_is_reported():
    with pytest.raises(RenderError, match="failed .*exit code"):
        run_graphviz("digraph { a -> }", "svg")


@needs_a_shell
def test_a_system_dot_is_preferred_and_can_write_pdf(tmp_path, monkeypatch):
    fake = tmp_path / "dot"
    fake.write_text('#!/bin/sh\necho "drawn by dot $1"\n')
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", str(tmp_path))
    assert find_program() == str(fake)
    assert run_graphviz("digraph {}", "pdf") == b"drawn by dot -Tpdf\n"


def test_an_mlp_loss_of_thousands_of_nodes_renders_in_seconds(no_system_dot, tmp_path):
    model = MLP(2, [8, 8, 1], seed=0)
    batch = [([i / 10, 1 - i / 20], (-1.0) ** i) for i in range(40)]
    loss = sum((model(x) - t) ** 2 for x, t in batch)
    loss.backward()
    start = time.perf_counter()
    svg = render(loss, tmp_path / "loss.svg", params=model.parameters()).read_text()
    assert time.perf_counter() - start < 10.0
    assert "more nodes" in svg and "nearest the output" in svg


def _disk_full_after(monkeypatch, directory, limit):
    """os.write that fails as a full disk once `limit` bytes are written into `directory`
    (writes elsewhere, such as Graphviz's input pipe, go through)."""
    real_write, written = os.write, [0]

    def write(fd, data):
        into = os.readlink(f"/proc/self/fd/{fd}").startswith(str(directory))
        if into and written[0] + len(data) > limit:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        written[0] += len(data)
        return real_write(fd, data)

    monkeypatch.setattr(os, "write", write)


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="reads /proc/self/fd")
def test_render_on_a_full_disk_leaves_the_old_image_whole_and_names_it(tmp_path, monkeypatch):
    """It used to truncate a valid SVG to a partial one, with an OSError naming no file."""
    path = tmp_path / "graph.svg"
    render(book_root(), path)
    old = path.read_bytes()
    _disk_full_after(monkeypatch, tmp_path, 100)
    with pytest.raises(OSError, match=re.escape(f"cannot write {str(path)!r}: No space left")):
        render(book_root(), path, rankdir="TB")
    assert path.read_bytes() == old and os.listdir(tmp_path) == ["graph.svg"]


@pytest.mark.skipif(os.name != "posix", reason="FIFOs are POSIX")
def test_graphvizs_save_and_render_refuse_a_fifo_as_they_write_atomically(tmp_path):
    fifo = tmp_path / "graph.gv"
    os.mkfifo(fifo)
    drawing = draw_dot(book_root())
    with pytest.raises(NotARegularFileError, match="a FIFO"):
        drawing.save(fifo)
    with pytest.raises(NotARegularFileError, match="a FIFO"):
        draw_dot(book_root()).render(fifo)  # the source first, then graph.gv.svg
    assert stat.S_ISFIFO(fifo.lstat().st_mode) and os.listdir(tmp_path) == ["graph.gv"]


@pytest.mark.parametrize(
    "label, named, in_svg",
    [
        ("a\ud800b", "a\\ud800b", "a\\ud800b"),  # lone surrogate: UnicodeEncodeError before
        ("n\x00ul", "n\\x00ul", "n\\x00ul"),  # NUL: "syntax error in line 9 near 'n0'" before
        ("esc\x1b[31m", "esc\\x1b[31m", "esc\\x1b[31m"),
        ("two\nlines", "two\\nlines", "two\\nlines"),
        ("w⁽¹⁾₁₂ & <b>", "w⁽¹⁾₁₂ & <b>", "w⁽¹⁾₁₂ &amp; &lt;b&gt;"),  # printable: as it is
    ],
)
def test_any_label_is_drawable(tmp_path, label, named, in_svg):
    x = Value(2.0, label)
    f = (x * 3.0).tanh()
    f.backward()
    title = "title " + label.replace("\n", " ")  # a newline in a title breaks the line
    svg = render(f, tmp_path / "g.svg", title=title).read_text(encoding="utf-8")
    assert in_svg in svg and "title " + in_svg.replace("two\\n", "two ") in svg
    assert format_graph(f).splitlines()[2].startswith(f"{named}  leaf")


def test_render_into_a_missing_folder_makes_it_and_a_file_in_the_way_is_named(tmp_path):
    """#12: render into out/graphs/ raised a bare FileNotFoundError (the demo made the folder)."""
    path = render(book_root(), tmp_path / "out" / "graphs" / "f.png")
    assert path.read_bytes().startswith(b"\x89PNG")
    (tmp_path / "plain").write_text("a file, not a folder")
    with pytest.raises(NotADirectoryError, match="a part of .*plain.* is a file, not a folder"):
        render(book_root(), tmp_path / "plain" / "f.png")


# ---- a Drawing at a plain prompt ------------------------------------------------------------


def test_a_drawings_repr_says_what_it_is_and_how_to_save_or_open_it(tmp_path):
    nodes = sigmoid_graph(x=1.0, w=0.0, b=0.0)
    drawing = draw_dot(nodes["h6"])
    shown = repr(drawing)
    # the book's six primitives, compact: 9 values (an op in its result's box) and 8 edges
    assert shown.startswith("<Drawing: 9 nodes, 8 edges, ")
    assert '.show() opens it, .write_image("graph.svg") saves it' in shown
    png = drawing.write_image(tmp_path / "g.png").read_bytes()
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    assert f"{width}×{height} px" in shown  # the size the PNG has


@needs_a_shell
def test_show_opens_the_picture_with_the_systems_viewer(tmp_path, monkeypatch):
    """A desktop's xdg-open (here a script that notes what it was asked to open) gets the file."""
    bin_ = tmp_path / "bin"
    bin_.mkdir()
    opener = bin_ / "xdg-open"
    opener.write_text(f'#!/bin/sh\necho "$1" > {tmp_path}/opened\n', encoding="utf-8")
    opener.chmod(0o755)
    monkeypatch.setenv("PATH", str(bin_))
    monkeypatch.setenv("DISPLAY", ":0")
    if sys.platform != "linux":
        pytest.skip("xdg-open is the viewer of Linux desktops")
    path = draw_dot(sigmoid_graph(x=1.0, w=0.0, b=0.0)["h6"]).show(tmp_path / "f.svg")
    assert path.read_text(encoding="utf-8").lstrip().startswith("<?xml")
    deadline = time.monotonic() + 10  # the viewer is not waited for
    while not (tmp_path / "opened").exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert (tmp_path / "opened").read_text(encoding="utf-8") == f"{path}\n"


@pytest.mark.skipif(sys.platform in ("win32", "darwin"), reason="those always have a viewer")
def test_show_without_a_viewer_writes_a_png_and_prints_its_path(monkeypatch, capsys):
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)  # a server, an ssh session
    path = draw_dot(Value(2.0, "x").exp()).show()
    printed = capsys.readouterr().out
    assert printed == f"wrote {path}: no picture viewer here; open the file by hand\n"
    assert path.suffix == ".png" and path.read_bytes().startswith(b"\x89PNG")
