"""viz.to_html: one offline page whose every number is the stepper's (the page in a browser is
tested in test_viz_html_browser.py)."""

import base64
import html
import json
import re

import pytest

from micrograd_nndl import Value, maxout
from micrograd_nndl.book import sigmoid_graph
from viz import Stepper, VizError, explain, stepper_html, to_html
from viz.cli.commands import main
from viz.graph import Graph
from viz.number_format import format_number
from viz.web.stepper_page import page_data


def page_json(page: str) -> dict:
    match = re.search(r'<script type="application/json" id="page-data">(.*?)</script>', page, re.S)
    return json.loads(match[1])


def book():
    nodes = sigmoid_graph(x=1.0, w=0.0, b=0.0)
    return nodes, nodes["h6"]


def test_the_page_is_one_file_that_loads_nothing(tmp_path):
    nodes, f = book()
    path = to_html(f, tmp_path / "page.html", params=[nodes["w"], nodes["b"]])
    page = path.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and '<meta charset="utf-8">' in page
    assert "default-src 'none'" in page  # the browser itself refuses any load
    assert not re.search(r"<(link|img|iframe)\b|\bsrc=|@import|url\((?!#)", page)  # #: in the page
    assert set(re.findall(r"https?://[^\s\"']+", page)) == {
        "http://www.w3.org/2000/svg",  # the SVG namespace names, never loaded
        "http://www.w3.org/1999/xlink",
    }
    assert page.count("<svg") == 1 and page.count("<script") == 4  # data, steps; live data, live


def test_the_books_steps_and_numbers_are_the_steppers():
    """NNDL §4.5.3: h5 = 2, ∂h6/∂h5 = −0.25, ∂f/∂w = ∂f/∂b = 0.25, in the order of the walk."""
    nodes, f = book()
    data = page_json(stepper_html(f))
    steps = data["steps"]
    assert [s["heading"] for s in steps] == [f"forward {k}/6" for k in range(1, 7)] + [
        f"backward {k}/7" for k in range(1, 8)
    ]
    assert steps[4]["formula"] == "h5 = h4 + 1 = 1 + 1 = 2"
    assert steps[7]["formula"] == "h5.grad += ∂h6/∂h5 × h6.grad = (-0.25) × 1 = -0.25"
    names = [n["name"] for n in data["nodes"]]
    assert steps[4]["sets"] == [["value", names.index("h5"), "2"]]
    assert steps[7]["sets"] == [["grad", names.index("h5"), "-0.25"]]
    final = {}
    for step in steps:
        for kind, i, text in step["sets"]:
            final[kind, names[i]] = text
    assert final["grad", "w"] == final["grad", "b"] == "0.25" and final["grad", "x"] == "0"
    w = data["nodes"][names.index("w")]
    assert w["value"] == "0" and "= (-0.25) × 1 × 1 × (-1) × 1 × 1 = 0.25" in w["chain"]
    h6 = data["nodes"][names.index("h6")]
    assert h6["value"] is None and h6["locals"] == [
        {"edge": "∂h6/∂h5", "value": "-0.25", "svg": f"n{names.index('h5')}->n{names.index('h6')}"}
    ]


def test_every_revealed_number_is_the_steppers_state_after_that_step():
    x, y = Value(0.7, "x"), Value(-1.3, "y")
    z = (x * y + x * x).tanh() * y.exp() - x / y  # x reaches the output by several paths
    data = page_json(stepper_html(z, digits=17))
    graph, check = Graph(z), Stepper(z, digits=17)
    assert len(data["steps"]) == check.n_forward + check.n_backward
    for step in data["steps"]:
        done = check.forward() or check.backward()
        assert step["formula"] in done.text
        if done.updates:  # x * x: two additions to x.grad, each the stepper's
            assert [text for _, _, text in step["sets"]] == [
                format_number(u.after, 17) for u in done.updates
            ]
        revealed = {(kind, i): text for kind, i, text in step["sets"]}  # the last one stays
        for (kind, i), text in revealed.items():
            state = check.values if kind == "value" else check.grads
            assert text == format_number(state[graph.nodes[i]], 17)
    z.backward()
    assert {g: format_number(v, 17) for g, v in check.grads.items()} == {
        n: format_number(n.grad, 17) for n in graph.nodes
    }


def test_a_stepper_keeps_its_digits_and_the_page_opens_where_it_is():
    _, f = book()
    stepper = Stepper(f, digits=3)
    for _ in range(4):
        stepper.forward()
    data = page_json(stepper_html(stepper))
    assert data["start"] == 4 and len(stepper.history) == 4  # the stepper did not move
    assert Stepper(f).n_forward == 6


def test_the_page_writes_a_wide_step_as_its_stepper_does():
    """The page replays the stepper with its own options: capped by default, whole when
    Stepper(max_inputs=None) was asked for."""
    y = maxout(*(Value(float(i), f"x{i}") for i in range(1, 13)))
    capped, whole = (
        page_json(stepper_html(Stepper(y, max_inputs=m)))["steps"][-1]["formula"] for m in (8, None)
    )
    assert "… and 4 more, each the same way" in capped and "x12.grad" not in capped
    assert "x12.grad += " in whole and "more, each" not in whole
    sentences = [  # the page's own sentence names as many inputs as the step's text
        [s["sentence"] for s in page_json(stepper_html(Stepper(y, max_inputs=m)))["steps"]]
        for m in (8, None)
    ]
    eight = "x1, x2, x3, x4, x5, x6, x7, x8 and 4 more"
    assert sentences[0][0] == f"The forward pass computes h1 from {eight} (maxout)."
    assert sentences[0][-1] == (
        f"The chain rule at h1: each of its inputs ({eight}) gains ∂h1/∂input × h1.grad."
    )
    every = ", ".join(f"x{i}" for i in range(1, 13))
    assert sentences[1][-1].startswith(f"The chain rule at h1: each of its inputs ({every}) ")


def test_a_label_cannot_end_the_script_or_break_the_page():
    x = Value(2.0, "</script><script>alert(1)</script>&amp;")
    page = stepper_html((x * 3).exp())
    assert "</script><script>alert(1)" not in page
    assert page_json(page)["nodes"][0]["name"] == x.label


def test_jupyter_shows_a_stepper_as_the_page_in_a_sandboxed_frame():
    _, f = book()
    frame = Stepper(f)._repr_html_()
    match = re.match(
        r'<iframe srcdoc="([^"]*)" sandbox="allow-scripts" [^>]*></iframe>(<script>.*?</script>)',
        frame,
        re.DOTALL,
    )  # the script tells the frame a mkdocs-material page's colour scheme
    page = html.unescape(match[1])
    assert page == stepper_html(Stepper(f))
    assert re.search(r"height: (\d+)px", frame)


def test_a_viewer_without_scripts_gets_a_picture_the_steps_and_how_to_step_through():
    """An untrusted notebook strips the iframe: what is left says how to get the page, and
    holds the picture of the state reached and every step, the current one marked."""
    _, f = book()
    stepper = Stepper(f)
    stepper.forward()
    stepper.forward()
    rest = re.sub(r"<iframe .*?</iframe>", "", stepper._repr_html_(), flags=re.S)
    said = html.unescape(rest)
    assert "Trust Notebook" in said and "viz.to_html(stepper, 'steps.html')" in said
    png = base64.b64decode(re.search(r'src="data:image/png;base64,([^"]+)"', rest)[1])
    assert png == stepper._repr_png_() and png.startswith(b"\x89PNG")
    width = int(re.search(r'<img [^>]*width="(\d+)"', rest)[1])
    assert width == int.from_bytes(png[16:20], "big")  # not shrunk
    text = html.unescape(re.search(r"<pre>(.*)</pre>", rest, re.S)[1])
    steps = re.findall(r"^(?:▶ | {2})(?:forward|backward) \d.*$", text, re.M)
    assert len(steps) == 6 + 7  # both passes of the six primitives
    assert steps[1] == "▶ forward 2/6: h2 = h1 + b = 0 + 0 = 0"
    assert [s.startswith("▶") for s in steps].count(True) == 1


def test_a_graph_too_large_to_step_through_is_refused_by_name(tmp_path):
    x = Value(1.0, "x")
    y = x
    for _ in range(30):
        y = y * 1.5
    with pytest.raises(
        VizError, match=r"a page of 31 nodes is too large to step through \(at most 20"
    ):
        to_html(y, tmp_path / "page.html", max_nodes=20)
    assert not (tmp_path / "page.html").exists()
    assert len(page_json(stepper_html(y))["steps"]) == 30 + 31


def test_not_a_value_is_a_clear_type_error(tmp_path):
    with pytest.raises(TypeError, match="needs a micrograd_nndl.Value .* not float"):
        to_html(1.5, tmp_path / "page.html")
    assert not (tmp_path / "page.html").exists()


def test_the_command_line_writes_the_page(tmp_path, capsys):
    path = tmp_path / "page.html"
    args = ["html", "sigmoid(w*x + b)", "--at", "x=1,w=0,b=0", "-o", str(path), "--params", "w,b"]
    assert main(args) == 0
    assert (
        capsys.readouterr().out
        == f"wrote {path} ({path.stat().st_size} bytes): open it in a browser\n"
    )
    data = page_json(path.read_text(encoding="utf-8"))
    assert data["title"] == "sigmoid(w*x + b) at x = 1, w = 0, b = 0"
    roles = {n["name"]: n["role"] for n in data["nodes"]}
    assert roles["w"] == roles["b"] == "parameter" and roles["x"] == "input"
    assert roles["f"] == "output"


@pytest.mark.parametrize(
    "args, message",
    [
        (["-o", "page.svg"], "the page's name must end in .html"),
        (["-o", "page.html", "--params", "q"], "--params q: not a variable"),
    ],
)
def test_the_command_line_refuses_a_bad_page_request(tmp_path, capsys, args, message):
    args = [a if a != "page.html" else str(tmp_path / a) for a in args]
    assert main(["html", "x*w", "--at", "x=1,w=2", *args]) == 2
    assert message in capsys.readouterr().err
    assert not list(tmp_path.iterdir())


def test_a_failed_write_leaves_the_old_page_whole(tmp_path):
    path = tmp_path / "page.html"
    path.write_text("the old page", encoding="utf-8")
    x = Value(1.0, "x")
    with pytest.raises(TypeError):
        to_html("not a graph", path)
    (tmp_path / "dir.html").mkdir()
    with pytest.raises(IsADirectoryError):
        to_html(x * 2, tmp_path / "dir.html")
    assert path.read_text(encoding="utf-8") == "the old page"
    to_html(x * 2, path)
    assert (
        page_json(path.read_text(encoding="utf-8"))["steps"][0]["formula"]
        == "h1 = x × 2 = 1 × 2 = 2"
    )


def test_every_leafs_chain_rule_at_1000_variables_is_its_true_derivative():
    """The page explained each leaf with a walk of the whole graph of its own: 1000 leaves,
    1000 walks (8 s for `html` at the language's limit). One walk serves them all now; each
    leaf's chain rule still ends in its derivative, ∂f/∂x₂ₖ = x₂ₖ₊₁ and back."""
    xs = [Value(0.5 + i / 1000, f"x{i}") for i in range(1000)]
    f = xs[0] * xs[1]
    for k in range(1, 500):
        f = f + xs[2 * k] * xs[2 * k + 1]
    f.label = "f"
    data = page_data(Stepper(f, digits=17), [])
    chains = {n["name"]: n["chain"] for n in data["nodes"] if "chain" in n}
    assert len(chains) == 1000
    for i, x in enumerate(xs):
        partner = xs[i + 1 if i % 2 == 0 else i - 1].data
        assert chains[x.label].endswith(f"\n∂f/∂{x.label} = {format_number(partner, 17)}")


def test_a_page_whose_path_relu_stops_is_written_with_the_explainers_text(tmp_path):
    """sqrt(relu(x)) + 3x at x = −1: relu stops the first path, which has a third line; the
    page used to fail writing the chain rule (it took every path for two lines)."""
    x = Value(-1.0, "x")
    root = x.relu().sqrt() + 3 * x
    path = to_html(root, tmp_path / "stopped.html")
    chains = [
        n["chain"] for n in page_json(path.read_text(encoding="utf-8"))["nodes"] if "chain" in n
    ]
    assert chains == [explain(root, x).text]
    assert "relu is flat" in chains[0] and chains[0].endswith("= 0 + 3 = 3")
    assert "relu is flat" in Stepper(root)._repr_html_()
