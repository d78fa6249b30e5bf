"""viz.draw.dot: the DOT text of NNDL §4.5.3's graph and of others (no Graphviz program needed)."""

import html
import re
import time

import graphviz
import pytest
from hypothesis import given

from micrograd_nndl import MLP, Value, maxout, parse, topological_order
from micrograd_nndl.book import sigmoid_graph
from micrograd_nndl.testing import expressions
from viz import Drawing, VizError, explain
from viz import draw_dot as draw_any
from viz.draw.dot import MAX_NODES
from viz.graph import Graph


def draw_dot(root, *args, **options):
    """The boxes style, which most tests here read: each value a box, each op a node of its
    own, each edge its full ∂out/∂input = value (test_viz_compact reads the compact style)."""
    options.setdefault("style", "boxes")
    return draw_any(root, *args, **options)


def book(backward=True):
    nodes = sigmoid_graph(x=1.0, w=0.0, b=0.0)
    if backward:
        nodes["h6"].backward()
    return nodes


def edge_labels(source):
    """Each edge's ∂ text: a plain label, or in a cell (a frame's, or lifted over its line
    left to right)."""
    found = re.findall(r'\[label=(?:"(∂[^"]*)"|<<table[^>]*><tr><td[^>]*>(∂[^<]*)</td>)', source)
    return [html.unescape(plain or cell) for plain, cell in found]


def caption_line(source):
    """The drawing's own label: its caption and its legend, drawn above the graph."""
    found = re.findall(r"^\tlabel=(.*)$", source, re.M)
    return found[0] if found else ""


def boxes(source):
    """{name: (data, grad)} of every value box; grad None when the box has no grad line."""
    found = {}
    drawing = source.replace(caption_line(source), "")
    for table in re.findall(r"<table[^>]*>(.*?)</table>", drawing):
        text = re.sub(r"<[^>]+>", "|", table).replace("&#160;", "")
        cells = [cell.strip() for cell in text.split("|") if cell.strip()]
        if len(cells) > 1:
            grad = cells[2].removeprefix("grad ") if len(cells) > 2 else None
            found[cells[0]] = (cells[1].removeprefix("data "), grad)
    return found


def test_the_drawing_is_a_graphviz_digraph():
    drawing = draw_dot(book()["h6"], rankdir="LR")
    assert isinstance(drawing, Drawing) and isinstance(drawing, graphviz.Digraph)
    assert "rankdir=LR" in drawing.source


def test_micrograds_trace_graph_call_format_then_rankdir(tmp_path):
    """micrograd's trace_graph notebook: draw_dot(root, format='svg', rankdir='LR'), render."""
    drawing = draw_dot(book()["h6"], "png", "TB")
    assert drawing.format == "png" and "rankdir=TB" in drawing.source
    assert drawing.pipe().startswith(b"\x89PNG")
    written = drawing.render(str(tmp_path / "gout"))  # the notebook's dot.render('gout')
    assert written.endswith("gout.png") and (tmp_path / "gout.png").read_bytes()[:4] == b"\x89PNG"
    assert draw_dot(book()["h6"], format="svg", rankdir="LR").pipe().lstrip().startswith(b"<")


def test_edges_carry_the_books_local_derivatives():
    assert edge_labels(draw_dot(book()["h6"]).source) == [
        "∂h1/∂x = 0",  # ∂h1/∂x = w
        "∂h1/∂w = 1",  # ∂h1/∂w = x
        "∂h2/∂h1 = 1",
        "∂h2/∂b = 1",
        "∂h3/∂h2 = -1",
        "∂h4/∂h3 = 1",  # exp(h3) at h3 = 0
        "∂h5/∂h4 = 1",
        "∂h6/∂h5 = -0.25",  # −1/h5² at h5 = 2
    ]


def test_value_boxes_show_the_books_data_and_gradients():
    assert boxes(draw_dot(book()["h6"]).source) == {
        "x": ("1", "0"), "w": ("0", "0.25"), "b": ("0", "0.25"),
        "h1": ("0", "0.25"), "h2": ("0", "0.25"), "h3": ("0", "-0.25"),  # not -0
        "h4": ("1", "-0.25"), "h5": ("2", "-0.25"), "h6": ("0.5", "1"),
    }  # fmt: skip


def test_before_backward_every_gradient_reads_not_computed():
    source = draw_dot(book(backward=False)["h6"]).source
    assert {grad for _, grad in boxes(source).values()} == {"—"}
    assert "— not computed yet" in source  # and the legend says what "—" means
    assert "grad 0" not in source


def test_op_nodes_show_the_primitive_and_its_constant():
    source = draw_dot(book()["h6"]).source
    ops = re.findall(r'^\to\d+ \[label=(?:"([^"]*)"|(\S+))', source, re.M)
    assert ["".join(op) for op in ops] == ["×", "+", "× (-1)", "exp", "+ 1", "1 ÷"]  # h2 × (−1)


def test_the_wiring_is_input_to_op_to_output_in_argument_order():
    nodes = book()
    source = draw_dot(nodes["h6"], legend=False).source
    edges = re.findall(r"\b([no]\d+) -> ([no]\d+)", source)
    assert edges[:3] == [("o2", "n2"), ("n0", "o2"), ("n1", "o2")]  # x then w into h1's ×
    assert len(edges) == sum(len(n.parents) for n in nodes.values()) + 6


def test_inputs_parameters_and_the_output_look_different_and_the_legend_says_so():
    nodes = book()
    source = draw_dot(nodes["h6"], params=[nodes["w"], nodes["b"]]).source
    box_of = {
        name: attrs for attrs, name in re.findall(r"<table ([^>]*)><tr><td><b>([^<]+)</b>", source)
    }
    assert 'style="rounded"' in box_of["x"] and 'bgcolor="#dcfce7"' in box_of["x"]
    assert box_of["w"] == box_of["b"] and 'border="2"' in box_of["w"]
    assert 'bgcolor="#fef3c7"' in box_of["w"] and "rounded" not in box_of["w"]
    assert 'border="3"' in box_of["h6"] and 'bgcolor="#dbeafe"' in box_of["h6"]
    assert 'bgcolor="#ffffff"' in box_of["h3"]
    legend = caption_line(source)
    for words in ("input (leaf)", "parameter (learnable)", "computed value", "output"):
        assert f"<b>{words}</b>" in legend
    assert "not computed" not in legend  # every value and grad is known here
    without = draw_dot(nodes["h6"]).source
    assert "parameter" not in without  # no params given: w and b are inputs like x
    assert "legend" not in draw_dot(nodes["h6"], legend=False).source


def test_show_grad_false_draws_the_forward_values_only():
    source = draw_dot(book()["h6"], show_grad=False).source
    assert "grad" not in source and "data 0.5" in source


def test_edge_labels_can_be_hidden_and_the_direction_changed():
    source = draw_dot(book()["h6"], rankdir="TB", edge_labels=False).source
    assert edge_labels(source) == [] and "rankdir=TB" in source


def test_highlight_a_set_of_nodes_marks_them_and_the_edges_between_them():
    nodes = book()
    source = draw_dot(nodes["h6"], highlight=[nodes["h1"], nodes["w"]], legend=False).source
    marked = [line for line in source.splitlines() if "#dc2626" in line]
    assert len(marked) == 4  # the boxes of w and h1, the edge w → ×, the edge × → h1
    assert any("<b>w</b>" in line for line in marked)
    assert any("<b>h1</b>" in line for line in marked)
    assert any("∂h1/∂w" in line for line in marked)
    assert not any("∂h1/∂x" in line for line in marked)


def test_highlight_a_chain_rule_path():
    nodes = book()
    (path,) = explain(nodes["h6"], nodes["w"]).paths
    source = draw_dot(nodes["h6"], highlight=path.nodes, legend=False).source
    marked_edges = [e for e in edge_labels(source) if e]
    red = [line for line in source.splitlines() if "#dc2626" in line and 'label="∂' in line]
    assert len(red) == 6  # ∂h6/∂h5, ∂h5/∂h4, ∂h4/∂h3, ∂h3/∂h2, ∂h2/∂h1, ∂h1/∂w
    assert not any("∂h2/∂b" in line or "∂h1/∂x" in line for line in red)
    assert len(marked_edges) == 8


def test_values_and_grads_mappings_show_a_state_and_blank_the_rest():
    nodes = book(backward=False)
    x, w, h1 = nodes["x"], nodes["w"], nodes["h1"]
    source = draw_dot(nodes["h6"], values={x: 1.0, w: 0.0, h1: 0.0}, grads={}).source
    shown = boxes(source)
    assert shown["h1"] == ("0", "—") and shown["h2"] == ("—", "—")
    labels = edge_labels(source)
    assert "∂h1/∂w = 1" in labels and "∂h2/∂b" in labels  # h2 not computed: no value yet


def test_a_caption():
    assert 'label="σ(wx + b)\\l"' in draw_dot(book()["h6"], title="σ(wx + b)", legend=False).source
    caption = caption_line(draw_dot(book()["h6"], title="a <b> & c").source)
    assert "a &lt;b&gt; &amp; c</td>" in caption and "legend" in caption  # side by side


def test_an_nary_op_and_a_repeated_input():
    x = Value(3.0, "x")
    y = maxout(x * x, x, Value(1.0, "c"))
    y.label = "y"
    labels = edge_labels(draw_dot(y).source)
    assert "∂h1/∂x (input 1) = 3" in labels and "∂h1/∂x (input 2) = 3" in labels
    assert labels[-3:] == ["∂y/∂h1 = 1", "∂y/∂x = 0", "∂y/∂c = 0"]  # max: 1 to the arg-max


def test_an_mlp_draws_each_fused_neuron_as_one_op_with_its_weights_as_parameters():
    model = MLP(2, [2, 1], seed=0)
    y = model([1.0, -2.0])
    y.backward()
    source = draw_dot(y, params=model.parameters()).source
    neurons = re.findall(r'^\t+o(\d+) \[label="Σw·x\+b"', source, re.M)
    assert len(neurons) == 3  # two hidden neurons and the output neuron, each one node
    assert source.count('bgcolor="#fef3c7"') == len(model.parameters()) + 1  # and the legend
    assert "∂h1/∂w⁽¹⁾₁₁ = 1" in edge_labels(source)  # ∂z/∂w₁ = x₁ = 1, named as the book
    assert "∂h1/∂x₁ = " in source and "∂h1/∂b⁽¹⁾₁ = 1" in source


@pytest.mark.parametrize("fused", [True, False])
def test_the_lectures_mlp_on_one_sample_draws_whole_at_the_default_cap(fused):
    model = MLP(3, [4, 4, 1], seed=0, fused=fused)
    y = model([2.0, 3.0, -1.0])
    y.backward()
    source = draw_dot(y, params=model.parameters()).source
    assert "more nodes" not in source
    assert len(boxes(source)) == len(topological_order(y)) == (61 if fused else 116)
    assert "<b>w⁽²⁾₄₃</b>" in source and "<b>b⁽³⁾₁</b>" in source  # no dotted paths
    assert "layers." not in source


def test_user_text_is_escaped():
    x = Value(1.0, 'a <b>&"\\n')
    y = x.tanh()
    y.label = "}{|<>"
    source = draw_dot(y).source
    assert "<b>a &lt;b&gt;&amp;&quot;\\n</b>" in source and "<b>}{|&lt;&gt;</b>" in source


def test_a_large_graph_is_capped_at_the_output_end_with_a_clear_message():
    x = Value(1.0, "x")
    y = x
    for _ in range(3000):
        y = y * 1.0001 + 0.5
    start = time.perf_counter()
    source = draw_dot(y, max_nodes=40).source
    assert time.perf_counter() - start < 2.0
    assert len(boxes(source)) == 40
    assert "h6000" in boxes(source) and "x" not in boxes(source)  # the output end is drawn
    assert "… 5,961 more nodes" in source
    assert "The 40 nodes nearest the output h6000, of 6,001." in source
    assert "viz.print_graph(root, max_rows=None) lists them all" in source
    assert source.count("n_rest ->") == 1  # one summary box, one edge into the cut


def test_the_default_cap_keeps_small_graphs_whole_and_caps_an_mlp_loss():
    model = MLP(2, [8, 8, 1], seed=0)
    batch = [([i / 10, 1 - i / 20], (-1.0) ** i) for i in range(40)]
    loss = sum((model(x) - t) ** 2 for x, t in batch)
    assert len(topological_order(loss)) > 1500  # an MLP's thousands of nodes
    start = time.perf_counter()
    source = draw_dot(loss, params=model.parameters()).source
    assert time.perf_counter() - start < 2.0
    assert (
        MAX_NODES - 20 < len(boxes(source)) <= MAX_NODES and "more nodes" in source
    )  # whole neurons
    assert "more nodes" not in draw_dot(book()["h6"]).source


def test_bad_options_are_named():
    nodes = book()
    f = nodes["h6"]
    with pytest.raises(VizError, match="'q' is not in the graph of h6"):
        draw_dot(f, highlight=[Value(1.0, "q")])
    with pytest.raises(VizError, match="'q' is not in the graph of h6"):
        draw_dot(f, params=[Value(1.0, "q")])
    with pytest.raises(TypeError, match="each of params must be a micrograd_nndl.Value"):
        draw_dot(f, params=[0.5])
    with pytest.raises(ValueError, match="rankdir must be one of LR, TB, RL, BT"):
        draw_dot(f, rankdir="sideways")
    with pytest.raises(ValueError, match=r"got .LR. \(rankdir comes after format"):
        draw_dot(f, "LR")  # rankdir given where micrograd's format goes
    with pytest.raises(ValueError, match="max_nodes must be a positive integer, got '10'"):
        draw_dot(f, max_nodes="10")
    with pytest.raises(TypeError, match="root must be a micrograd_nndl.Value, not NoneType"):
        draw_dot(None)


def test_drawings_are_deterministic():
    assert draw_dot(book()["h6"]).source == draw_dot(book()["h6"]).source


@given(expressions(n_inputs=2, max_steps=6))
def test_every_node_and_edge_of_a_random_graph_is_drawn(expr):
    root = expr(*(Value(v) for v in expr.inputs))
    nodes = topological_order(root)
    source = draw_dot(root, digits=17, legend=False).source
    assert len(boxes(source)) == len(nodes)
    labels = edge_labels(source)
    expected = [d for n in nodes for d in n.local_grads()]
    assert [float(label.rsplit(" = ", 1)[1]) for label in labels] == expected


def test_an_undefined_local_derivative_is_written_undefined():
    x = Value(0.0, "x")
    y = x.sqrt()  # d√x/dx = 1/(2√x) divides by zero at 0
    y.label = "y"
    assert edge_labels(draw_dot(y).source) == ["∂y/∂x = undefined"]


def test_forward_mode_tangents_are_drawn_like_gradients():
    """NNDL §4.5.3's forward-mode column ∂hᵢ/∂w as a row of each box."""
    from micrograd_nndl import forward_tangents

    nodes = book(backward=False)
    tangents = forward_tangents(nodes["h6"], {nodes["w"]: 1.0})
    source = draw_dot(nodes["h6"], tangents=tangents, tangent_name="∂/∂w", show_grad=False).source
    rows = dict(re.findall(r"<b>(\w+)</b>.*?<td>∂/∂w ([-\d.]+)</td>", source))
    assert rows == {
        "x": "0", "w": "1", "b": "0",
        "h1": "1", "h2": "1", "h3": "-1", "h4": "-1", "h5": "-1", "h6": "0.25",
    }  # fmt: skip
    assert "grad" not in source


BOX_LABEL = r"label=<<table[^>]*><tr><td[^>]*>([^<]+)</td>"  # a box's title in its cell


def clusters(source, as_list=False):
    """{cluster label: the value boxes drawn in it} (a list of pairs: labels may repeat)."""
    found = []
    for body in re.findall(r"subgraph cluster_neuron\d+ \{(.*?)\n\t\}", source, re.S):
        label = re.search(BOX_LABEL, body).group(1)
        found.append((label, re.findall(r"<b>([^<]+)</b>", body)))
    return found if as_list else dict(found)


@pytest.mark.parametrize("fused", [True, False])
def test_each_neuron_of_a_model_is_boxed_with_its_parameters(fused):
    model = MLP(2, [3, 1], seed=0, fused=fused)
    y = model([1.0, -2.0])
    y.backward()
    found = clusters(draw_dot(y, params=model.parameters()).source)
    assert sorted(found) == [
        "layer 1, neuron 1", "layer 1, neuron 2", "layer 1, neuron 3", "layer 2, neuron 1",
    ]  # fmt: skip
    per_neuron = 2 if fused else 2 * 2 + 1  # z (and a), or 2 products, 2 sums and the ReLU
    assert set(found["layer 1, neuron 2"]) >= {"w⁽¹⁾₂₁", "w⁽¹⁾₂₂", "b⁽¹⁾₂"}
    assert len(found["layer 1, neuron 2"]) == 3 + per_neuron
    assert "x₁" not in sum(found.values(), [])  # the inputs stay outside
    assert not clusters(draw_dot(y, group_neurons=False).source)


def test_a_loss_over_two_samples_boxes_each_pass_and_leaves_shared_weights_outside():
    model = MLP(2, [2, 1], seed=0)
    loss = sum((model(x) - t) ** 2 for x, t in [([1.0, 2.0], 1.0), ([0.5, -1.0], -1.0)])
    found = clusters(draw_dot(loss).source, as_list=True)
    assert sorted(label for label, _ in found) == sorted(
        f"sample {s}: {where}"
        for s in (1, 2)
        for where in ("layer 1, neuron 1", "layer 1, neuron 2", "layer 2, neuron 1")
    )  # two passes through each neuron, each box saying whose
    assert all(not any(name.startswith(("w", "b")) for name in names) for _, names in found)


def test_a_capped_drawing_keeps_whole_neurons():
    model = MLP(2, [8, 8, 1], seed=0, fused=False)
    y = model([1.0, 2.0])
    source = draw_dot(y, max_nodes=60).source
    found = clusters(source)
    assert found and all(len(names) == 8 * 2 + 1 + 9 or "layer 3" in label
                         for label, names in found.items())  # fmt: skip
    assert "more nodes" in source


def test_the_command_line_and_the_api_draw_with_the_same_defaults():
    """#12: one digits default, edge derivatives and the cap alike in `render` and draw_dot,
    and in `step`/`grad`/`explain` and the views they call."""
    import inspect

    from viz import Stepper, explain
    from viz.cli.parser import build_parser
    from viz.number_format import DIGITS, format_number

    parser, _ = build_parser()
    at = ["--at", "x=1,w=0"]
    render_args = parser.parse_args(["render", "x*w", *at, "-o", "g.dot"])
    api = inspect.signature(draw_any).parameters
    assert render_args.digits == api["digits"].default == DIGITS
    assert render_args.edge_derivatives is api["edge_labels"].default is True
    assert render_args.max_nodes == api["max_nodes"].default == MAX_NODES
    assert render_args.rankdir == api["rankdir"].default
    assert render_args.style == api["style"].default
    assert render_args.no_legend is not api["legend"].default
    for command, view in (("step", Stepper), ("explain", explain), ("grad", format_number)):
        args = parser.parse_args([command, "x*w", *at])
        assert args.digits == inspect.signature(view).parameters["digits"].default == DIGITS


def test_a_frame_writes_its_numbers_with_its_captions_digits():
    """#12: the picture and the caption use the same digits (they showed 4 and 6)."""
    from viz import Stepper

    for digits in (3, 6):
        stepper = Stepper(MLP(2, [3, 1], seed=0)([0.5, -1.0]), digits=digits)
        step = stepper.forward()
        source = stepper.draw().source
        value = step.text.rsplit(" = ", 1)[1]
        assert len(value.replace("-", "").replace("0.", "")) == digits  # e.g. 0.597, 0.597401
        assert f"data {value}</td>" in source and value in caption_line(source)


def test_a_value_feeding_every_step_is_drawn_with_as_many_nodes_as_lay_out_in_seconds():
    """x*x*…*x (1000 factors): every × reads x, so x's edges cross every rank. 120 boxes took
    Graphviz more than a minute; the picture keeps the most nodes whose edges fit the budget."""
    from viz.draw.layout import LAYOUT_BUDGET, layout_cost

    f = parse("*".join(["x"] * 1000), {"x": 1.0001})
    f.backward()
    graph = Graph(f)
    source = draw_dot(f).source
    drawn = len(re.findall(r"^\s*n\d+ \[label=<", source, re.M))
    assert drawn < MAX_NODES and layout_cost(graph.nearest_to_root(drawn)) <= LAYOUT_BUDGET
    assert layout_cost(graph.nearest_to_root(drawn + 1)) > LAYOUT_BUDGET  # the most that fit
    assert f"The {drawn} nodes nearest the output h999, of 1,000: more would take" in source
    # k × in a chain, the i-th 2i ranks from x: its edge from x needs 2i − 2 hidden points
    k = 5
    chain = parse("*".join(["x"] * (k + 1)), {"x": 2.0})
    assert layout_cost(Graph(chain).nodes) == sum(2 * i - 2 for i in range(1, k + 1)) == 20


def test_the_lectures_network_and_a_loss_over_samples_fit_the_layout_budget():
    from viz.draw.layout import LAYOUT_BUDGET, layout_cost

    book = sigmoid_graph()["h6"]
    assert layout_cost(Graph(book).nodes) == 0  # a chain: every edge to the next rank
    for fused in (True, False):
        model = MLP(3, [4, 4, 1], seed=0, fused=fused)
        out = model([2.0, 3.0, -1.0])
        assert layout_cost(Graph(out).nodes) <= LAYOUT_BUDGET / 10
        assert len(re.findall(r"^\s*n\d+ \[label=<", draw_dot(out).source, re.M)) == len(Graph(out))
