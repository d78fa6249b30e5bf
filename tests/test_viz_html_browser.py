"""The stepper page in a real headless Chromium: every step, by keys and by buttons, shows the
engine's numbers; the slider jumps; a leaf's paths show on a click; nothing is loaded from the
network and nothing is logged as an error.

Needs Debian's `chromium` (/usr/bin/chromium; `.ci/run` installs it) and the `test` extra's
playwright, which drives that browser and downloads none. Without them these tests skip,
except under CI (CI=true), where a missing browser fails.
"""

import os
import struct
import zlib
from pathlib import Path

import pytest

from micrograd_nndl import MLP, Value
from micrograd_nndl.book import sigmoid_graph
from viz import Stepper, explain, to_html
from viz.draw.compact import op_text
from viz.draw.dot import MAX_NODES
from viz.graph import Graph
from viz.number_format import format_number

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
LOCAL = ("file:", "about:", "data:")  # what the page may load: itself, its frames, nothing more

#: What the page shows, read from the DOM: each box's texts by its Graphviz title, the table,
#: the step's panel, the highlighted nodes.
READ_PAGE = """() => {
  const texts = (root, css) => [...root.querySelectorAll(css)].map((t) => t.textContent);
  const svg = {};
  document.querySelectorAll('#graph g.node').forEach((g) => {
    svg[g.querySelector('title').textContent] = texts(g, 'text');
  });
  return {
    svg: svg,
    rows: [...document.querySelectorAll('#values tbody tr')].map((r) => texts(r, 'td')),
    heading: document.getElementById('heading').textContent,
    formula: document.getElementById('formula').textContent,
    counter: document.getElementById('counter').textContent,
    slider: document.getElementById('slider').value,
    current: texts(document, '#graph g.current title').sort(),
    sending: texts(document, '#graph g.sending title').sort(),
    receiving: texts(document, '#graph g.receiving title').sort(),
  };
}"""


def _ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def _missing_browser() -> str | None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed: pip install -e '.[test]' (make test does)"
    if not CHROMIUM.is_file():
        return (
            f"no {CHROMIUM}: install Debian's chromium (apt-get install chromium, as .ci/run "
            "does) to run the browser tests"
        )
    return None


@pytest.fixture(scope="module")
def browser():
    """One Chromium for the whole module: starting a browser is the slow part."""
    missing = _missing_browser()
    if missing:
        if _ci():
            pytest.fail(f"CI needs the browser tests: {missing}")
        pytest.skip(missing)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        yield chromium
        chromium.close()


@pytest.fixture
def open_page(browser):
    """open_page(path or html) → a page that refuses and records every non-local request and
    records every console error; the test fails at the end if there was any."""
    contexts, requests, errors = [], [], []

    def open_(target, *, scripts: bool = True):
        context = browser.new_context(
            viewport={"width": 1280, "height": 900}, java_script_enabled=scripts
        )
        contexts.append(context)

        def route(route):
            if route.request.url.startswith(LOCAL):
                route.continue_()
            else:
                requests.append(route.request.url)
                route.abort()

        context.route("**/*", route)
        page = context.new_page()
        page.on("request", lambda r: None if r.url.startswith(LOCAL) else requests.append(r.url))
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        if isinstance(target, Path):
            page.goto(target.resolve().as_uri())
        else:
            page.set_content(target)
        return page

    yield open_
    for context in contexts:
        context.close()
    assert requests == [], "the page asked the network for something"
    assert errors == [], "the page logged an error"


def expected(graph: Graph, stepper: Stepper) -> dict:
    """What the page must show with `stepper`'s steps done: its numbers, "—" where not yet."""
    digits = stepper.digits
    svg, rows = {}, []
    for i, node in enumerate(graph.nodes):
        value = format_number(stepper.values.get(node), digits)
        grad = format_number(stepper.grads.get(node), digits)
        symbol = [] if node.is_leaf else [op_text(node)]  # an op's symbol beside its name
        svg[f"n{i}"] = [*symbol, graph.name(node), f"data {value}", f"grad {grad}"]
        rows.append([graph.name(node), value, grad])
    return {"svg": svg, "rows": rows}


def assert_shows(page, graph: Graph, stepper: Stepper) -> None:
    shown = page.evaluate(READ_PAGE)
    want = expected(graph, stepper)
    assert shown["rows"] == want["rows"]
    assert {t: texts for t, texts in shown["svg"].items() if t in want["svg"]} == want["svg"]
    k = len(stepper.history)
    total = stepper.n_forward + stepper.n_backward
    assert shown["counter"] == f"step {k} / {total}" and shown["slider"] == str(k)
    if k:
        step = stepper.history[-1]
        heading = f"{step.direction} {step.number}/{step.total}"
        assert shown["heading"] == heading
        assert shown["formula"] == step.text.removeprefix(f"{heading}: ")
        i = graph.index(step.node)
        if step.direction == "forward":
            arguments = range(len(step.node.parents))
        else:
            arguments = [u.argument for u in step.updates]
        edges = [f"n{graph.index(step.node.parents[a])}->n{i}" for a in arguments]
        forward = step.direction == "forward"  # forward: the edges read are red (current)
        assert shown["current"] == sorted([f"n{i}", *(edges if forward else [])])
        assert shown["sending"] == ([] if forward else sorted(edges))  # backward: blue, back
        receiving = {f"n{graph.index(u.parent)}" for u in step.updates}
        assert shown["receiving"] == sorted(receiving)  # the inputs whose grads it adds to
    else:
        assert shown["heading"] == "before the first step" and shown["current"] == []


def book_page(tmp_path):
    nodes = sigmoid_graph(x=1.0, w=0.0, b=0.0)
    path = to_html(nodes["h6"], tmp_path / "book.html", params=[nodes["w"], nodes["b"]])
    return nodes, path


def several_paths():
    x = Value(0.5, "x")
    return {"x": x, "f": x * x + x.exp() * x}  # x * x: two edges from x into one node


@pytest.mark.parametrize("graph_of", ["book", "several paths"])
def test_every_step_by_keys_and_by_buttons_shows_the_engines_numbers(open_page, tmp_path, graph_of):
    if graph_of == "book":
        nodes, path = book_page(tmp_path)
        root = nodes["h6"]
    else:
        root = several_paths()["f"]
        path = to_html(root, tmp_path / "paths.html")
    graph, stepper = Graph(root), Stepper(root)
    page = open_page(path)
    assert_shows(page, graph, stepper)
    while not stepper.done:  # forward by the → key, through both passes
        page.keyboard.press("ArrowRight")
        stepper.forward() or stepper.backward()
        assert_shows(page, graph, stepper)
    page.keyboard.press("ArrowRight")  # at the end, nothing moves
    assert_shows(page, graph, stepper)
    while stepper.history:  # back by the button, to the start
        page.click("#prev")
        stepper.back()
        assert_shows(page, graph, stepper)
    assert page.is_disabled("#prev") and page.is_disabled("#first")
    for _ in range(3):  # the next button and the ← key
        page.click("#next")
        stepper.forward()
    assert_shows(page, graph, stepper)
    page.keyboard.press("ArrowLeft")
    stepper.back()
    assert_shows(page, graph, stepper)


def test_the_books_backward_step_reads_as_the_book_writes_it(open_page, tmp_path):
    """NNDL §4.5.3: h5 = 2, then h5.grad += ∂h6/∂h5 × h6.grad = (−0.25) × 1; ∂f/∂w = 0.25."""
    nodes, path = book_page(tmp_path)
    page = open_page(path)
    for _ in range(8):
        page.keyboard.press("ArrowRight")
    assert page.text_content("#formula") == "h5.grad += ∂h6/∂h5 × h6.grad = (-0.25) × 1 = -0.25"
    rows = {r[0]: r[1:] for r in page.evaluate(READ_PAGE)["rows"]}
    assert rows["h5"] == ["2", "-0.25"] and rows["w"] == ["0", "—"]
    page.keyboard.press("End")
    rows = {r[0]: r[1:] for r in page.evaluate(READ_PAGE)["rows"]}
    assert rows["w"] == rows["b"] == ["0", "0.25"] and rows["h6"] == ["0.5", "1"]


def test_the_slider_jumps_to_any_step(open_page, tmp_path):
    nodes, path = book_page(tmp_path)
    root = nodes["h6"]
    graph = Graph(root)
    page = open_page(path)
    for k in (9, 2, 13, 0, 6):
        page.fill("#slider", str(k))
        stepper = Stepper(root)
        for _ in range(k):
            stepper.forward() or stepper.backward()
        assert_shows(page, graph, stepper)


def test_clicking_a_leaf_shows_its_paths_to_the_output(open_page, tmp_path):
    x = Value(0.5, "x")
    root = x * x + x.exp() * x
    graph = Graph(root)
    page = open_page(to_html(root, tmp_path / "paths.html"))
    page.click(f"#graph g.node:has(title:text-is('n{graph.index(x)}'))")
    assert page.text_content("#explainer h2") == "x (input)"
    chain = page.text_content("#chain")
    assert chain == explain(root, x).text and "4 paths" in chain  # x * x: two of them
    assert page.text_content("#explainer dd") == "0.5"  # its value, known from the start
    page.keyboard.press("End")
    shown = page.eval_on_selector_all("#explainer dd", "ds => ds.map((d) => d.textContent)")
    root.backward()
    assert shown == ["0.5", format_number(x.grad)]
    h1 = next(n for n in graph.nodes if graph.name(n) == "h1")  # x * x: both local derivatives
    page.click(f"#values tr[data-node='{graph.index(h1)}']")
    terms = page.eval_on_selector_all("#explainer dt", "ts => ts.map((t) => t.textContent)")
    assert terms[-2:] == ["∂h1/∂x (input 1)", "∂h1/∂x (input 2)"]


def test_play_runs_the_steps_and_pause_stops_them(open_page, tmp_path):
    _, path = book_page(tmp_path)
    page = open_page(path)
    page.click("#play")
    assert page.text_content("#play") == "pause"
    page.wait_for_function("() => Number(document.getElementById('slider').value) >= 2")
    page.click("#play")
    stopped = page.input_value("#slider")
    page.wait_for_timeout(1_200)  # longer than one step of play
    assert page.input_value("#slider") == stopped and page.text_content("#play") == "play"


def test_the_screenshot_is_a_picture_not_a_blank(open_page, tmp_path):
    _, path = book_page(tmp_path)
    page = open_page(path)
    page.keyboard.press("ArrowRight")
    shot = page.locator("#graph").screenshot()
    pixels = png_pixels(shot)
    assert len(set(pixels)) > 20  # a blank (one colour) image has a few distinct bytes


def test_without_scripts_the_page_is_the_finished_graph_and_every_step(open_page, tmp_path):
    _, path = book_page(tmp_path)
    page = open_page(path, scripts=False)
    assert page.is_visible("#noscript") and not page.is_visible("#controls")
    steps = page.eval_on_selector_all("#all-steps li", "ls => ls.map((l) => l.textContent)")
    assert len(steps) == 13
    assert steps[7] == "backward 2/7: h5.grad += ∂h6/∂h5 × h6.grad = (-0.25) × 1 = -0.25"
    texts = page.eval_on_selector_all("#graph text", "ts => ts.map((t) => t.textContent)")
    rows = [t for t in texts if t.startswith(("data ", "grad "))]
    assert "grad 0.25" in rows and not [t for t in rows if t.endswith("—")]


def test_a_notebooks_frame_runs_the_page(open_page):
    nodes = sigmoid_graph(x=1.0, w=0.0, b=0.0)
    stepper = Stepper(nodes["h6"])
    stepper.forward()
    page = open_page(stepper._repr_html_())
    frame = page.frame_locator("iframe")
    assert frame.locator("#counter").text_content() == "step 1 / 13"  # where the stepper is
    frame.locator("#next").click()
    assert frame.locator("#formula").text_content() == "h2 = h1 + b = 0 + 0 = 0"
    # fitted once the frame has a width, its text 10 px or more
    assert float(frame.locator("#graph").get_attribute("data-scale")) >= 0.75


def png_pixels(png: bytes) -> bytes:
    """The filtered scanlines of a PNG (enough to tell one colour from a picture)."""
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    data, at = b"", 8
    while at < len(png):
        (length,) = struct.unpack(">I", png[at : at + 4])
        kind = png[at + 4 : at + 8]
        if kind == b"IDAT":
            data += png[at + 8 : at + 8 + length]
        at += 12 + length
    return zlib.decompress(data)


def test_a_graph_larger_than_its_picture_steps_in_the_table(open_page, tmp_path):
    """draw_dot draws the MAX_NODES nodes nearest the output; the table and the steps have
    them all."""
    x = Value(0.3, "x")
    y = x
    for _ in range(80):
        y = (y * 1.1).tanh()
    graph = Graph(y)
    page = open_page(to_html(y, tmp_path / "long.html"))
    drawn = page.evaluate(READ_PAGE)["svg"]
    value_boxes = [t for t in drawn if t[0] == "n" and t[1:].isdigit()]  # not n_rest: the rest
    assert len(graph) == 161 and len(value_boxes) == MAX_NODES
    for k in (3, 100, 161, 322):  # forward steps of nodes drawn and not, then backward
        page.fill("#slider", str(k))
        stepper = Stepper(y)
        for _ in range(k):
            stepper.forward() or stepper.backward()
        shown = page.evaluate(READ_PAGE)
        assert shown["rows"] == expected(graph, stepper)["rows"]
        assert shown["formula"] == stepper.history[-1].text.split(": ", 1)[1]


#: The smallest text of the drawing on screen, in px: its font size times the scale drawn at.
SMALLEST_TEXT = """() => Math.min(...[...document.querySelectorAll('#graph svg text')].map(
  (t) => Number(t.getAttribute('font-size')) * t.getScreenCTM().a))"""


def view(page):
    """The drawing's scale and where its corner is, as stepper.js places it."""
    return page.evaluate(
        "(() => { const m = new DOMMatrix(getComputedStyle(document.querySelector('#graph svg'))"
        ".transform); return [m.a, m.e, m.f]; })()"
    )


@pytest.mark.parametrize("width", [688, 960])
def test_the_lectures_network_opens_readable_and_pans(open_page, tmp_path, width):
    """MLP(3, [4, 4, 1]) on one sample, far larger than the frame: opened at 10 px text or more
    (never shrunk below), panned to the current step's node; the wheel, a drag and the keys
    +, −, 0 move and zoom it; the buttons too."""
    model = MLP(3, [4, 4, 1], seed=0)
    loss = (model([1.0, 2.0, 3.0]) - 1) ** 2
    page = open_page(to_html(loss, tmp_path / "mlp.html", params=model.parameters()))
    page.set_viewport_size({"width": width, "height": 900})
    page.reload()
    assert page.evaluate(SMALLEST_TEXT) >= 10 - 1e-6
    scale = view(page)[0]
    graph = page.locator("#graph").bounding_box()
    middle = (graph["x"] + graph["width"] / 2, graph["y"] + graph["height"] / 2)
    page.mouse.move(*middle)
    page.mouse.wheel(0, -300)  # zoom in about the pointer
    bigger, bx, by = view(page)
    assert bigger > scale
    page.mouse.down()
    page.mouse.move(middle[0] - 120, middle[1] - 80, steps=5)
    page.mouse.up()
    _, mx, my = view(page)
    assert (mx, my) == (pytest.approx(bx - 120, abs=1), pytest.approx(by - 80, abs=1))  # dragged
    page.keyboard.press("-")
    assert view(page)[0] == pytest.approx(bigger / 1.25, rel=1e-4)
    page.keyboard.press("+")
    assert view(page)[0] == pytest.approx(bigger, rel=1e-4)
    for _ in range(20):
        page.keyboard.press("-")  # never below 10 px text
    assert page.evaluate(SMALLEST_TEXT) >= 10 - 1e-6
    page.keyboard.press("0")
    assert view(page)[0] == pytest.approx(scale, rel=1e-4)
    page.click("#zoom-in")
    assert view(page)[0] == pytest.approx(scale * 1.25, rel=1e-4)
    page.click("#zoom")
    for _ in range(12):  # each step's node is in the frame
        page.keyboard.press("ArrowRight")
        box = page.locator("#graph g.current").first.bounding_box()
        frame = page.locator("#graph").bounding_box()
        assert frame["x"] <= box["x"] and box["x"] + box["width"] <= frame["x"] + frame["width"]
        assert frame["y"] <= box["y"] and box["y"] + box["height"] <= frame["y"] + frame["height"]


def test_the_books_graph_opens_whole_where_it_fits(open_page, tmp_path):
    """In a 1280 px window the book's graph is shown whole at its own size, at 688 px whole
    too (at its own size where it fits, else fitted to the width) with its text still 10 px
    or more."""
    nodes = sigmoid_graph(x=1.0, w=0.0, b=0.0)
    page = open_page(to_html(nodes["h6"], tmp_path / "book.html"))
    assert view(page)[0] == 1
    page.set_viewport_size({"width": 688, "height": 900})
    page.reload()
    scale = view(page)[0]
    graph = page.locator("#graph svg").bounding_box()
    assert scale <= 1 and graph["width"] <= 688 and page.evaluate(SMALLEST_TEXT) >= 10 - 1e-6
