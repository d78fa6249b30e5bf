"""The live step page in headless Chromium: inputs edited by field and by slider give, for every
op of the table and for random graphs, the engine's numbers (to 1e-12) and the engine's texts;
an op without a JavaScript form gives a read-only page; a math error shows the engine's
message; the quiz is answered right and wrong from the keyboard. Needs /usr/bin/chromium and
playwright, as `test_viz_html_browser` (whose fixtures these tests share)."""

# ruff: noqa: F811 (the shared fixtures are parameters of the tests)
import math
import random

import pytest
from test_viz_html_browser import browser, open_page  # noqa: F401 (fixtures)

from micrograd_nndl import OPS, MathError, Value, apply
from micrograd_nndl.book import sigmoid_graph
from viz import Stepper, explain, to_html
from viz.graph import Graph
from viz.number_format import format_number
from viz.words import text


def close(a: float, b: float) -> bool:
    return a == b or abs(a - b) <= 1e-12 * max(abs(a), abs(b))


def engine_view(root: Value, lang: str = "en"):
    """The engine's numbers and texts for `root`: both passes stepped to the end."""
    graph, stepper = Graph(root), Stepper(root, lang=lang)
    steps = []
    while step := stepper.forward() or stepper.backward():
        steps.append(step)
    return graph, stepper, steps


def set_inputs(page, values: dict[int, float], slider: set[int] = frozenset()) -> dict[int, float]:
    """Type each new value into its field, or move its slider; the values the page now holds."""
    for i, v in values.items():
        if i in slider:
            page.fill(f"input[type=range][data-node='{i}']", repr(v))
        else:
            page.fill(f"#leaf-{i}", repr(v))
    return {i: float(page.input_value(f"#leaf-{i}")) for i in values}


def recompute(root: Value, values: dict[int, float]) -> Value:
    """The graph of `root` built again, op by op, with its leaves' data set to `values` (by
    node index): what the engine computes at the inputs the learner typed."""
    nodes = Graph(root).nodes
    for i, v in values.items():
        nodes[i].data = v
    made: dict[int, Value] = {}
    for node in nodes:
        if node.is_leaf:
            made[id(node)] = node
            continue
        op, ins = node.op_info, [made[id(p)] for p in node.parents]
        if op.constant_side:
            variant = OPS[op.name].with_constant(op.constant_side)
            made[id(node)] = apply(variant, ins[0], node.constant)
        elif op.takes_number:
            made[id(node)] = apply(op, ins[0], node.constant)
        else:
            made[id(node)] = apply(op, *ins)
    return made[id(root)]


def assert_page_is_engine(page, root: Value, lang: str = "en") -> None:
    """Every number of the page (raw and written) equals the engine's for `root`, and every
    text the engine's, in the page's language."""
    graph, stepper, steps = engine_view(root, lang)
    got = page.evaluate("() => window.stepperPage.results")
    assert got is not None, page.inner_text("#live-error")
    for i, node in enumerate(graph.nodes):
        assert close(got["V"][i], node.data), (i, got["V"][i], node.data)
        if not node.is_leaf:
            for a, d in enumerate(node.local_grads()):
                assert close(got["L"][i][a], d), (i, a)
        assert close(got["G"][str(i)], stepper.grads[node]), i
    data = page.evaluate("() => window.stepperPage.data")
    for s, step in enumerate(steps):
        prefix = text("stepper.step", lang, heading=step.heading, text="")
        assert data["steps"][s]["formula"] == step.text.removeprefix(prefix)
    for i, node in enumerate(graph.nodes):
        if node.is_leaf:
            assert data["nodes"][i]["chain"] == explain(root, node, lang=lang).text
    page.evaluate("() => document.activeElement.blur()")  # the keys move steps, not the caret
    page.keyboard.press("End")
    rows = page.evaluate(
        "() => [...document.querySelectorAll('#values tbody tr')]"
        ".map((r) => [...r.cells].map((c) => c.textContent))"
    )
    want = [
        [graph.name(n), format_number(n.data), format_number(stepper.grads[n])] for n in graph.nodes
    ]
    assert rows == want


def op_graph(name: str) -> Value:
    """`name` applied once to labelled inputs, times y (so its gradient is not just 1)."""
    op = OPS[name]
    n = {1: 1, 2: 1, 4: 2}.get(op.kind, 3 if name == "maxout" else 5)
    xs = [Value(0.5, f"x{j}") for j in range(n)]
    out = apply(op, *xs, 0.3) if op.kind == 2 else apply(op, *xs)
    return out * Value(1.5, "y")


def explore(page, root: Value, rng, ranges, trials: int = 3, lang: str = "en") -> None:
    """Edit every input `trials` times (field, then a slider) and check the page each time."""
    leaves = [i for i, node in enumerate(Graph(root).nodes) if node.is_leaf]
    for trial in range(trials):
        wanted = {i: rng.uniform(*ranges(i)) for i in leaves}
        values = set_inputs(page, wanted, slider={leaves[0]} if trial == 1 else set())
        root = recompute(root, values)
        assert_page_is_engine(page, root, lang)


JS_OPS = [name for name, op in OPS.items() if op.js is not None]


@pytest.mark.parametrize("name", JS_OPS)
def test_each_op_recomputes_as_the_engine_by_field_and_slider(open_page, tmp_path, name):
    root = op_graph(name)
    page = open_page(to_html(root, tmp_path / f"{name}.html"))
    sample = OPS[name].sample
    nodes = Graph(root).nodes

    def ranges(i):
        label = nodes[i].label
        return (-3.0, 3.0) if label == "y" else sample[min(int(label[1:]), len(sample) - 1)]

    explore(page, root, random.Random(name), ranges)


MAKERS = [
    lambda a, b, v: a.tanh(),
    lambda a, b, v: a.sigmoid(),
    lambda a, b, v: a.relu(),
    lambda a, b, v: a.softplus(),
    lambda a, b, v: a.sin(),
    lambda a, b, v: a * b,
    lambda a, b, v: a + b,
    lambda a, b, v: a - b,
    lambda a, b, v: a * -1.5,
    lambda a, b, v: a.tanh().exp(),
    lambda a, b, v: 2.0 / (a * a + 1.0),
    lambda a, b, v: a.leaky_relu(0.2),
    lambda a, b, v: a.swish(0.7),
    lambda a, b, v: a**2,
    lambda a, b, v: apply(OPS["maxout"], a, b, v[0]),
    lambda a, b, v: apply(OPS["neuron"], a, b, v[1], v[2], v[0]),
]


def random_graph(seed: int) -> Value:
    """A random graph of ops with a JS form, constant operands and several paths included."""
    rng = random.Random(seed)
    nodes = [Value(v, f"v{j}") for j, v in enumerate((0.3, -0.7, 1.1))]
    leaves = list(nodes)
    for _ in range(rng.randint(5, 10)):
        a, b = rng.choice(nodes), rng.choice(nodes)
        nodes.append(rng.choice(MAKERS)(a, b, leaves))
    return nodes[-1] * nodes[-2] + nodes[len(nodes) // 2]


@pytest.mark.parametrize("seed", range(6))
def test_random_graphs_recompute_as_the_engine(open_page, tmp_path, seed):
    root = random_graph(seed)
    page = open_page(to_html(root, tmp_path / "random.html"))
    explore(page, root, random.Random(seed), lambda i: (-2.0, 2.0), trials=2)


def deep_graph() -> Value:
    """Paths of 20 factors (the explainer writes their first and last halves) and 2^5 = 32
    paths (more than it lists: the sum comes from the reverse walk), with repeated updates."""
    x, y = Value(0.4, "x"), Value(0.9, "y")
    h = x
    for _ in range(18):
        h = h.sin()
    for _ in range(5):
        h = (h * 1.1) * (h + y)
    return h * y


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_page_writes_the_engines_texts_in_its_language(open_page, tmp_path, lang):
    for n, root in enumerate([deep_graph(), random_graph(2), op_graph("neuron")]):
        page = open_page(to_html(root, tmp_path / f"{n}.html", lang=lang))
        explore(page, root, random.Random(n), lambda i: (-1.0, 1.0), trials=2, lang=lang)


def test_an_op_without_a_javascript_form_gives_a_read_only_page(open_page, tmp_path):
    x = Value(0.5, "x")
    page = open_page(to_html(x.erf() * x, tmp_path / "erf.html"))
    assert "erf" in page.inner_text(".readonly-note")
    assert page.locator("#live input").count() == 0
    assert page.evaluate("() => window.stepperPage.results") is None


@pytest.mark.parametrize(
    "make, index, bad",
    [
        (lambda x, y: x.log() * y, 0, -1.0),  # log of a negative
        (lambda x, y: x / y, 1, 0.0),  # division by zero
        (lambda x, y: (x * y).sqrt(), 1, -2.0),  # sqrt of a negative
        (lambda x, y: y**x, 1, -2.0),  # a negative base to a non-integer power
        (lambda x, y: (y - 1.0) ** (x * -1.0), 1, 1.0),  # 0 to a negative power
    ],
)
def test_a_math_error_shows_the_engines_message(open_page, tmp_path, make, index, bad):
    x, y = Value(2.5, "x"), Value(3.0, "y")
    root = make(x, y)
    page = open_page(to_html(root, tmp_path / "error.html"))
    nodes = Graph(root).nodes
    i = next(k for k, n in enumerate(nodes) if n.label == "xy"[index])
    set_inputs(page, {i: bad})
    with pytest.raises(MathError) as raised:
        recompute(root, {i: bad})
    assert page.inner_text("#live-message") == str(raised.value)
    assert page.evaluate("() => window.stepperPage.results") is None
    set_inputs(page, {i: 1.75})  # back in the domain: numbers again, no message
    assert page.is_hidden("#live-error")
    assert_page_is_engine(page, recompute(root, {i: 1.75}))


@pytest.mark.parametrize(
    "make, x, good, bad",
    [
        (lambda x, y: (x * y).sqrt(), 1.5, 2.0, 0.0),  # sqrt′(0): its rule cannot compute
        (lambda x, y: (x + 1.0) * 1e300 * 1e300 * y, -1.0, 0.0, 2.0),  # an edge's term: inf
        (lambda x, y: x * 1e308 + x * 1e308 * y, 1e-10, 0.0, 1.0),  # a sum of finite terms
    ],
)
def test_a_gradient_error_names_where_it_started_as_the_stepper(
    open_page, tmp_path, make, x, good, bad
):
    """A leaf's gradient that is not finite: the page says where it started (the failing
    rule's node, the edge or the sum), word for word as the stepper, which places it as
    backward() does; back at a good value the numbers return."""
    root = make(Value(x, "x"), Value(good, "y"))
    page = open_page(to_html(root, tmp_path / "gradient.html"))
    i = next(k for k, n in enumerate(Graph(root).nodes) if n.label == "y")
    set_inputs(page, {i: bad})
    with pytest.raises(MathError) as raised:
        engine_view(recompute(root, {i: bad}))
    assert page.inner_text("#live-message") == str(raised.value)
    assert page.evaluate("() => window.stepperPage.results") is None
    set_inputs(page, {i: good})
    assert page.is_hidden("#live-error")


def test_quiz_answered_right_and_wrong_from_the_keyboard(open_page, tmp_path):
    nodes = sigmoid_graph(x=1.0, w=0.0, b=0.0)
    root = nodes["h6"]
    page = open_page(to_html(root, tmp_path / "book.html"))
    graph, stepper, steps = engine_view(root)
    page.keyboard.press("q")
    assert page.get_attribute("#quiz-toggle", "aria-pressed") == "true"
    for _ in range(stepper.n_forward + 1):  # the forward pass and ∂h6/∂h6 = 1 are not asked
        page.keyboard.press("ArrowRight")
    assert page.inner_text("#counter") == f"step {stepper.n_forward + 1} / {len(steps)}"
    page.keyboard.press("ArrowRight")  # the chain rule at h6: asked first
    assert page.is_visible("#quiz") and page.evaluate("document.activeElement.id") == "quiz-answer"
    first = steps[stepper.n_forward + 1].updates[0]
    assert "h5.grad" in page.inner_text("#quiz-question")
    page.keyboard.type(format_number(first.local * first.upstream))  # -0.25: right
    page.keyboard.press("Enter")
    assert page.inner_text("#quiz-score") == "score 1 / 1"
    assert page.inner_text("#counter") == f"step {stepper.n_forward + 2} / {len(steps)}"
    assert page.inner_text("#quiz-feedback").startswith("Right:")
    assert "(-0.25) × 1 = -0.25" in page.inner_text("#quiz-feedback")
    page.keyboard.press("ArrowRight")  # the chain rule at h5: asked
    page.keyboard.type("5")  # wrong
    page.keyboard.press("Enter")
    assert page.inner_text("#quiz-score") == "score 1 / 2"
    assert page.inner_text("#quiz-feedback").startswith("Not quite, you wrote 5:")
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("ArrowRight")  # answered once: not asked again
    assert page.is_hidden("#quiz") and page.inner_text("#quiz-score") == "score 1 / 2"


def same(a: float, b: float) -> bool:
    """Equal as `close` says, or both nan: an inner node's gradient backward() leaves nan."""
    return (math.isnan(a) and math.isnan(b)) or close(a, b)


def test_a_flat_op_below_an_undefined_derivative_recomputes_as_backward(open_page, tmp_path):
    """sqrt(relu(x))·y at x < 0: sqrt′(0) is undefined, relu is flat, so backward() gives
    h1.grad = nan and x.grad = 0, y.grad = 0. The page computed it again in JavaScript and said
    "the engine would stop here" where the engine does not; from x = 4 to -2 and back."""
    x, y = Value(4.0, "x"), Value(1.5, "y")
    root = x.relu().sqrt() * y
    page = open_page(to_html(root, tmp_path / "flat.html"))
    nodes = Graph(root).nodes
    i = next(k for k, n in enumerate(nodes) if n.label == "x")
    for value in (-2.0, 3.0, -0.5):
        set_inputs(page, {i: value})
        at = recompute(root, {i: value})
        graph, stepper, steps = engine_view(at)
        assert page.is_hidden("#live-error")
        got = page.evaluate("() => window.stepperPage.results")
        for k, node in enumerate(graph.nodes):
            assert close(got["V"][k], node.data), (k, value)
            assert same(got["G"][str(k)], stepper.grads[node]), (k, value)
        x.grad = 0.0
        at.backward()
        assert got["G"][str(i)] == x.grad
        assert close(x.grad, 0.0 if value < 0 else 1.5 * 0.5 / math.sqrt(value))
        formulas = page.evaluate("() => window.stepperPage.data.steps.map((s) => s.formula)")
        for formula, step in zip(formulas, steps):  # the engine's text, its flat sentence after
            assert str(step).split(": ", 1)[1].startswith(formula), (formula, str(step))
        chain = page.evaluate(f"() => window.stepperPage.data.nodes[{i}].chain")
        assert chain.splitlines()[-1] == explain(at, nodes[i]).text.splitlines()[-1]  # ∂f/∂x = …


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_path_that_relu_stops_says_so_only_while_it_is_stopped(open_page, tmp_path, lang):
    """(sqrt(relu(x)) + 3x)·y: at x = −1 relu stops the first of two paths to x (sqrt′(0) is
    undefined, relu is flat), and the explainer writes a third line under it; at x = +1 no
    path is stopped. The page (built at −1: it used to fail) writes each leaf's chain rule as
    the explainer does at each value, that line only while the path is stopped."""
    x, y = Value(-1.0, "x"), Value(2.0, "y")
    root = (x.relu().sqrt() + 3 * x) * y
    page = open_page(to_html(root, tmp_path / "stopped.html", lang=lang))
    nodes = Graph(root).nodes
    leaves = [k for k, n in enumerate(nodes) if n.is_leaf]
    i = next(k for k, n in enumerate(nodes) if n.label == "x")
    flat = text("explain.flat", lang, symbol="∂h1/∂x", op="relu", node="h1", input="x")
    for value in (-1.0, 1.0, -1.0):
        set_inputs(page, {i: value})
        at = recompute(root, {i: value})
        chains = page.evaluate("() => window.stepperPage.data.nodes.map((n) => n.chain)")
        for k in leaves:
            assert chains[k] == explain(at, Graph(at).nodes[k], lang=lang).text, (k, value)
        assert (flat in chains[i]) == (value < 0)
        assert chains[i].splitlines()[-1].endswith("= 6" if value < 0 else "= 7")
