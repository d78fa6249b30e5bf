"""viz.Stepper: both passes one step at a time, equal to backward() bit for bit."""

import os
import re
import stat
import struct

import pytest
from catalog_words import english_in
from hypothesis import given

from micrograd_nndl import (
    MLP,
    NonFiniteGradientError,
    NotARegularFileError,
    Value,
    maxout,
    topological_order,
)
from micrograd_nndl.book import sigmoid_graph
from micrograd_nndl.testing import expressions
from viz import Stepper, VizError


def run_forward(stepper):
    steps = []
    while step := stepper.forward():  # a Stop, false, ends the pass
        steps.append(str(step))
    return steps


def run_backward(stepper):
    steps = []
    while step := stepper.backward():
        steps.append(str(step))
    return steps


def book_stepper():
    nodes = sigmoid_graph(x=1.0, w=0.0, b=0.0)
    return nodes, Stepper(nodes["h6"])


def test_the_forward_pass_reveals_the_books_values_in_evaluation_order():
    """NNDL §4.5.3: h1 = 0, h2 = 0, h3 = −0.0, h4 = 1, h5 = 2, f = h6 = 0.5."""
    nodes, stepper = book_stepper()
    assert dict(stepper.values) == {nodes[n]: nodes[n].data for n in ("x", "w", "b")}
    assert run_forward(stepper) == [
        "forward 1/6: h1 = x × w = 1 × 0 = 0",
        "forward 2/6: h2 = h1 + b = 0 + 0 = 0",
        "forward 3/6: h3 = h2 × (-1) = 0 × (-1) = 0",  # the book writes 0, not -0
        "forward 4/6: h4 = exp(h3) = exp(0) = 1",
        "forward 5/6: h5 = h4 + 1 = 1 + 1 = 2",
        "forward 6/6: h6 = 1 ÷ h5 = 1 ÷ 2 = 0.5",
    ]
    assert stepper.values[nodes["h5"]] == 2.0 and len(stepper.values) == 9
    assert not stepper.forward()


def test_the_backward_pass_is_the_books_reverse_mode_column():
    """∂f/∂h6 = 1, ∂f/∂h5 = −0.25, ∂f/∂h4 = −0.25, ∂f/∂h3 = −0.25, ∂f/∂h2 = 0.25,
    ∂f/∂h1 = 0.25, ∂f/∂w = 0.25 (and ∂f/∂b = 0.25, ∂f/∂x = w · 0.25 = 0)."""
    nodes, stepper = book_stepper()
    run_forward(stepper)
    assert run_backward(stepper) == [
        "backward 1/7: h6.grad = 1 (∂h6/∂h6 = 1: the output starts the backward pass)",
        "backward 2/7: h5.grad += ∂h6/∂h5 × h6.grad = (-0.25) × 1 = -0.25",
        "backward 3/7: h4.grad += ∂h5/∂h4 × h5.grad = 1 × (-0.25) = -0.25",
        "backward 4/7: h3.grad += ∂h4/∂h3 × h4.grad = 1 × (-0.25) = -0.25",
        "backward 5/7: h2.grad += ∂h3/∂h2 × h3.grad = (-1) × (-0.25) = 0.25",
        "backward 6/7: h2 sends its gradient to h1, b:\n"
        "  h1.grad += ∂h2/∂h1 × h2.grad = 1 × 0.25 = 0.25\n"
        "  b.grad += ∂h2/∂b × h2.grad = 1 × 0.25 = 0.25",
        "backward 7/7: h1 sends its gradient to x, w:\n"
        "  x.grad += ∂h1/∂x × h1.grad = 0 × 0.25 = 0\n"
        "  w.grad += ∂h1/∂w × h1.grad = 1 × 0.25 = 0.25",
    ]
    grads = {node.label: g for node, g in stepper.grads.items()}
    assert grads == {
        "h6": 1.0, "h5": -0.25, "h4": -0.25, "h3": -0.25, "h2": 0.25, "h1": 0.25,
        "x": 0.0, "w": 0.25, "b": 0.25,
    }  # fmt: skip
    assert stepper.done and not stepper.backward() and not stepper.forward()


def test_steps_carry_their_numbers():
    nodes, stepper = book_stepper()
    run_forward(stepper)
    stepper.backward()
    step = stepper.backward()
    assert (step.direction, step.number, step.total, step.node) == ("backward", 2, 7, nodes["h6"])
    (update,) = step.updates
    assert (update.parent, update.local, update.upstream, update.before, update.after) == (
        nodes["h5"], -0.25, 1.0, None, -0.25
    )  # fmt: skip


def test_backward_waits_for_the_forward_pass():
    _, stepper = book_stepper()
    stepper.forward()
    with pytest.raises(VizError, match="the forward pass comes first: 5 forward steps left"):
        stepper.backward()


def test_back_undoes_one_step_of_either_pass():
    nodes, stepper = book_stepper()
    assert str(stepper.back()) == (  # nothing to undo at the start
        "at the start: nothing to undo (forward() takes the first step)"
    )
    run_forward(stepper)
    for _ in range(3):
        stepper.backward()
    undo = stepper.back()
    assert str(undo.undone).startswith("backward 3/7: h4.grad") and undo.now.heading == (
        "backward 2/7"
    )
    assert str(undo) == (  # what happened, in the command line's words
        "undid backward 3/7, back to backward 2/7: h5.grad += ∂h6/∂h5 × h6.grad "
        "= (-0.25) × 1 = -0.25"
    )
    assert nodes["h4"] not in stepper.grads and stepper.grads[nodes["h5"]] == -0.25
    assert str(stepper.backward()).startswith("backward 3/7: h4.grad")  # the same step again
    while undo := stepper.back():
        last = undo
    assert str(last) == "undid forward 1/6, back to the start" and last.now is None
    assert dict(stepper.grads) == {} and len(stepper.values) == 3  # the inputs only
    assert run_forward(stepper)[0] == "forward 1/6: h1 = x × w = 1 × 0 = 0"


def test_paths_add_up_and_back_restores_each_addition():
    # y = x·x + x: dy/dx = 2x + 1 = 7 at x = 3, from three edges into x
    x = Value(3.0, "x")
    y = x * x + x
    y.label = "y"
    stepper = Stepper(y)
    run_forward(stepper)
    texts = run_backward(stepper)
    assert texts[-1] == (
        "backward 3/3: h1 sends its gradient to x:\n"
        "  x.grad += ∂h1/∂x (input 1) × h1.grad = 3 × 1 = 3, so x.grad = 1 + 3 = 4\n"
        "  x.grad += ∂h1/∂x (input 2) × h1.grad = 3 × 1 = 3, so x.grad = 4 + 3 = 7"
    )
    assert stepper.grads[x] == 7.0 == 2 * 3.0 + 1
    stepper.back()
    assert stepper.grads[x] == 1.0  # the edge y → x only


def test_stepping_never_touches_the_nodes_grads_until_apply():
    nodes, stepper = book_stepper()
    run_forward(stepper)
    run_backward(stepper)
    assert not any(n.has_grad for n in nodes.values())
    stepper.apply()
    assert nodes["w"].grad == 0.25 and nodes["h5"].grad == -0.25 and nodes["x"].grad == 0.0


def test_old_gradients_do_not_leak_into_the_steps():
    nodes = sigmoid_graph()
    nodes["h6"].backward()  # w.grad = 0.25 already
    stepper = Stepper(nodes["h6"])
    run_forward(stepper)
    run_backward(stepper)
    assert stepper.grads[nodes["w"]] == 0.25 and nodes["w"].grad == 0.25


def test_a_leaf_root_has_one_backward_step():
    x = Value(2.0, "x")
    stepper = Stepper(x)
    assert not stepper.forward()
    assert (
        str(stepper.backward())
        == "backward 1/1: x.grad = 1 (∂x/∂x = 1: the output starts the backward pass)"
    )
    assert stepper.grads[x] == 1.0 and stepper.done


@given(expressions(n_inputs=3, max_steps=8))
def test_bit_for_bit_equal_to_backward_on_random_graphs(expr):
    leaves = [Value(v, f"x{i + 1}") for i, v in enumerate(expr.inputs)]
    root = expr(*leaves)
    stepper = Stepper(root)
    run_forward(stepper)
    run_backward(stepper)
    nodes = topological_order(root)
    assert [stepper.values[n] for n in nodes] == [n.data for n in nodes]
    got = [stepper.grads.get(n) for n in nodes]
    root.backward()
    expected = [n.grad if n.has_grad else None for n in nodes]
    assert [None if g is None else g.hex() for g in got] == [
        None if g is None else g.hex() for g in expected
    ]
    for step in stepper.history:  # each update is local × upstream added to what came before
        for u in step.updates:
            product = u.local * u.upstream
            assert u.after == (0.0 if u.before is None else u.before) + product


def test_an_undefined_local_derivative_stops_at_that_node():
    x = Value(0.0, "x")
    y = x.sqrt() + 1.0
    stepper = Stepper(y)
    run_forward(stepper)
    stepper.backward()
    stepper.backward()  # into sqrt: fine
    expected = (
        r"backward step 3: the local derivatives of h1 are undefined at x = 0\.0 \(sqrt′\(0\)\)"
    )
    for _ in range(2):  # the failing step fails again: the stepper did not move past it
        with pytest.raises(NonFiniteGradientError, match=expected):
            stepper.backward()
    assert len(stepper.history) == 4 and x not in stepper.grads


def test_an_overflowing_gradient_names_the_edge():
    x = Value(1e-300, "x")
    y = 1.0 / x  # y = 1e300 is finite, ∂y/∂x = −1/x² = −1e600 is not
    y.label = "y"
    stepper = Stepper(y)
    run_forward(stepper)
    stepper.backward()
    with pytest.raises(
        NonFiniteGradientError, match=r"x.grad became -inf: ∂y/∂x = -inf times y.grad = 1.0"
    ):
        stepper.backward()


def marked_lines(source, colour):
    """The lines of the DOT text drawn in `colour`, the legend left out."""
    lines = source.splitlines()
    return [line for line in lines if colour in line and not line.startswith("\tlabel=")]


def test_draw_shows_the_state_so_far_and_highlights_the_current_node():
    nodes, stepper = book_stepper()
    source = stepper.draw().source
    assert "before the first step" in source and not marked_lines(source, "#dc2626")
    assert source.count("data —") == 6 and source.count("grad —") == 9
    stepper.forward()
    red = marked_lines(stepper.draw().source, "#dc2626")
    assert len(red) == 5  # the nodes x, w, h1 (its × inside); the edges x → h1, w → h1
    assert sum("<b>" in line for line in red) == 3
    assert not any("arrowhead=inv" in line for line in red)  # forward: arrows point forward
    run_forward(stepper)
    stepper.backward()
    stepper.backward()
    source = stepper.draw().source
    assert "backward 2/7: h5.grad += ∂h6/∂h5 × h6.grad = (-0.25) × 1 = -0.25" in source
    blue = marked_lines(source, "#2563eb")  # the gradient flows back from h6 to h5
    assert any("<b>h5</b>" in line for line in blue) and not any("<b>h6</b>" in b for b in blue)
    assert any("<b>h6</b>" in line for line in marked_lines(source, "#dc2626"))  # h6 sends: red
    edges = [line for line in blue if "->" in line]
    assert len(edges) == 1 and all("arrowhead=inv" in line for line in edges)  # tip turned back
    assert any("∂h6/∂h5" in line for line in edges)
    assert "data —" not in source and source.count("grad —") == 7
    assert "h5" in stepper.table().splitlines()[9] and "-0.25" in stepper.table()


def test_backward_highlights_each_edge_of_a_repeated_input():
    x = Value(3.0, "x")
    y = x * x
    y.label = "y"
    stepper = Stepper(y)
    run_forward(stepper)
    stepper.backward()
    stepper.backward()  # y sends 3 along each of its two edges to x
    edges = [line for line in marked_lines(stepper.draw().source, "#2563eb") if "->" in line]
    assert sum("∂y/∂x (input" in line for line in edges) == 2


def svg_geometry(svg):
    """(canvas size, {node id: its outline}) of a Graphviz SVG: what must hold still."""
    size = re.search(r'<svg width="([\d.]+)pt" height="([\d.]+)pt"', svg).groups()
    nodes = dict(
        re.findall(r'class="node">\s*<title>([^<]+)</title>.*?(?:points|cx)="([^"]+)"', svg, re.S)
    )
    return size, nodes


def png_size(data):
    """(width, height) of a PNG, from its header (IHDR: two big-endian 32-bit numbers)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def still_frames(stepper):
    """The geometry of every frame of both passes, from the start."""
    frames = [svg_geometry(stepper.draw().pipe("svg").decode())]
    while stepper.forward() or stepper.backward():
        frames.append(svg_geometry(stepper.draw().pipe("svg").decode()))
    return frames


@pytest.mark.parametrize("graph", ["sigmoid", "mlp"])
def test_every_frame_of_both_passes_has_one_size_and_one_layout(graph, graphviz_program):
    """Frames flip like slides: only texts and colours change, nothing moves, with every
    Graphviz program (a system dot measures the real font: the frames keep room for it)."""
    if graph == "sigmoid":
        root = sigmoid_graph(x=1.0, w=0.0, b=0.0)["h6"]
    else:
        root = MLP(2, [3, 1], seed=0)([0.5, -1.0])
    frames = still_frames(Stepper(root))
    ops = sum(not n.is_leaf for n in topological_order(root))
    assert len(frames) == 2 * ops + 2  # the start, a step per op each way, and ∂f/∂f = 1
    sizes = {size for size, _ in frames}
    assert len(sizes) == 1, sizes
    first = frames[0][1]
    assert len(first) == len(topological_order(root))  # compact: one node per value
    for _, nodes in frames[1:]:
        assert nodes == first


def test_save_steps_writes_a_numbered_slide_per_step(tmp_path):
    nodes, stepper = book_stepper()
    stepper.forward()
    paths = stepper.save_steps(tmp_path / "slides", fmt="svg")
    assert [p.name for p in paths] == [f"step-{i:02d}.svg" for i in range(14)]  # 1 + 6 + 7
    assert "before the first step" in paths[0].read_text()
    assert "forward 1/6: h1 = x × w" in paths[1].read_text()
    assert "backward 7/7: h1 sends its gradient to x, w" in paths[-1].read_text()
    assert len(stepper.history) == 1  # this stepper did not move
    with pytest.raises(ValueError, match="the suffix must be one of"):
        stepper.save_steps(tmp_path / "gif", fmt="gif")
    assert not (tmp_path / "gif").exists()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_step_frames_fill_a_16_9_slide_with_text_of_10_px_or_more(tmp_path, lang):
    """A frame is shaped as a 1280 × 720 slide; scaled to it, the smallest text (10 pt, an
    edge's number: 10 × 4/3 px at the drawing's size) is shown at 10 px or more."""
    nodes = sigmoid_graph(x=1.0, w=0.0, b=0.0)
    paths = Stepper(nodes["h6"], lang=lang).save_steps(tmp_path, fmt="png")
    sizes = {png_size(p.read_bytes()) for p in paths}
    assert len(sizes) == 1, sizes
    ((width, height),) = sizes
    assert width / height == pytest.approx(16 / 9, abs=0.01)
    scale = min(1.0, 1280 / width)
    assert 10 * 4 / 3 * scale >= 10


def test_repr_says_where_the_stepper_is_the_last_sentence_and_a_table_by_name():
    _, stepper = book_stepper()
    assert repr(stepper).splitlines()[:4] == [
        "Stepper of h6: forward 0/6, backward 0/7",
        "no step yet: forward() takes the first",
        "node  value  grad",
        "----  -----  ----",
    ]
    run_forward(stepper)
    stepper.backward()
    stepper.backward()
    lines = repr(stepper).splitlines()
    assert lines[:2] == [
        "Stepper of h6: forward 6/6, backward 2/7",
        "backward 2/7: h5.grad += ∂h6/∂h5 × h6.grad = (-0.25) × 1 = -0.25",
    ]
    rows = {line.split()[0]: line.split()[1:] for line in lines[4:]}
    assert rows["h5"] == ["2", "-0.25"] and rows["h6"] == ["0.5", "1"]  # −1/h5² = −0.25
    assert rows["w"] == ["0", "—"] and rows["h4"] == ["1", "—"]  # not reached yet


def test_a_large_graphs_repr_is_a_dozen_rows_and_says_how_many_more():
    xs = [Value(float(i), f"x{i}") for i in range(50)]
    stepper = Stepper(sum(x * x for x in xs))
    lines = repr(stepper).splitlines()
    # 150 nodes (50 inputs, 50 products, 50 sums: sum() starts at 0), 12 shown
    assert len(lines) == 2 + 2 + 12 + 1 and "… 138 more (s.table(): all)" in lines


def test_values_and_grads_read_by_name_or_by_node_and_print_by_name():
    nodes, stepper = book_stepper()
    run_forward(stepper)
    run_backward(stepper)
    assert stepper.values["h5"] == 2.0 == stepper.values[nodes["h5"]]
    assert stepper.grads["w"] == 0.25 == stepper.grads[nodes["w"]]  # ∂σ/∂w = σ(1−σ)·x
    assert "h5" in stepper.grads and nodes["h5"] in stepper.grads and "h9" not in stepper.grads
    assert repr(stepper.grads).startswith("{'x': 0.0, 'w': 0.25, 'h1': 0.25, 'b': 0.25")
    assert list(stepper.values) == [n for n in nodes.values()]  # iteration: the nodes
    with pytest.raises(KeyError, match="no node is named 'h9' in this graph: its names are x, w"):
        stepper.values["h9"]


def test_a_value_not_computed_yet_says_so_by_name():
    _, stepper = book_stepper()
    stepper.forward()
    with pytest.raises(KeyError, match="h2: its value is not computed yet"):
        stepper.values["h2"]
    with pytest.raises(KeyError, match="h1: its gradient is not computed yet"):
        stepper.grads["h1"]


def test_stepping_past_either_end_says_where_the_passes_are():
    _, stepper = book_stepper()
    assert str(stepper.back()) == "at the start: nothing to undo (forward() takes the first step)"
    run_forward(stepper)
    stop = stepper.forward()
    assert not stop and stop == None  # noqa: E711  (false, and equal to the None it replaces)
    assert str(stop) == "the forward pass is finished (6/6): backward() takes backward step 1/7"
    run_backward(stepper)
    finished = "both passes are finished: apply() writes the gradients into .grad, back() undoes"
    assert repr(stepper.backward()) == repr(stepper.forward()) == f"{finished} a step"
    assert len(list(iter(stepper.backward, None))) == 0  # old loops written for None end
    with pytest.raises(VizError, match=r"a loop that waits for None .* `while s.forward\(\):`"):
        while stepper.forward() is not None:  # would spin for ever: it is stopped, with words
            pass


def test_a_chinese_stepper_says_in_chinese_where_the_passes_are_past_either_end():
    nodes = sigmoid_graph(x=1.0, w=0.0, b=0.0)
    stepper = Stepper(nodes["h6"], lang="zh")
    assert str(stepper.back()) == "已在开始：没有可撤销的步骤（forward() 走第一步）"
    run_forward(stepper)
    stop = stepper.forward()
    assert not stop and str(stop) == "前向计算已完成（6/6）：backward() 走反向传播第 1/7 步"
    run_backward(stepper)
    finished = "前向计算和反向传播都已完成：apply() 把梯度写入 .grad，back() 撤销一步"
    assert str(stepper.backward()) == str(stepper.forward()) == finished
    assert str(stepper.back()).startswith("撤销 反向传播 7/7")  # one step back: no Stop


def test_a_chinese_stepper_at_a_prompt_shows_its_place_and_table_in_chinese():
    """Its repr (what a prompt prints) was English in a zh stepper: head, "no step yet", the
    table's columns; the numbers and names are the same as in English."""
    nodes = sigmoid_graph(x=1.0, w=0.0, b=0.0)
    stepper = Stepper(nodes["h6"], lang="zh")
    assert repr(stepper).splitlines()[:3] == [
        "h6 的 Stepper：前向计算 0/6，反向传播 0/7",
        "尚未走任何一步：forward() 走第一步",
        "节点  值  梯度",
    ]
    run_forward(stepper)
    stepper.backward()
    stepper.backward()
    shown = repr(stepper)
    assert english_in(shown) == set(), shown
    assert shown.splitlines()[-2].split() == ["h5", "2", "-0.25"]
    english = Stepper(nodes["h6"])
    run_forward(english)
    english.backward()
    english.backward()
    assert [line.split()[1:] for line in repr(english).splitlines()[4:]] == [
        line.split()[1:] for line in shown.splitlines()[4:]
    ]


def test_apply_refuses_partial_gradients_unless_asked():
    nodes, stepper = book_stepper()
    run_forward(stepper)
    stepper.backward()
    stepper.backward()  # h5.grad = −0.25, w not reached yet
    partial = r"at step 2/7: the gradients are partial \(not computed yet: x, w, h1, b, h2, h3, …\)"
    with pytest.raises(VizError, match=partial):
        stepper.apply()
    assert not nodes["h5"].has_grad  # refused: nothing written
    stepper.apply(partial=True)
    assert nodes["h5"].grad == -0.25 and not nodes["w"].has_grad
    run_backward(stepper)
    stepper.apply()
    assert nodes["w"].grad == 0.25


def test_bad_arguments_are_refused_up_front():
    with pytest.raises(TypeError, match="root must be a micrograd_nndl.Value, not int"):
        Stepper(3)
    with pytest.raises(ValueError, match="digits"):
        Stepper(Value(1.0), digits=99)


@pytest.mark.skipif(os.name != "posix", reason="FIFOs are POSIX")
def test_save_steps_writes_through_the_atomic_writer_and_spares_a_fifo(tmp_path):
    _, stepper = book_stepper()
    slides = tmp_path / "slides"
    slides.mkdir()
    os.mkfifo(slides / "step-03.svg")
    with pytest.raises(NotARegularFileError, match=r"step-03.svg.*a FIFO"):
        stepper.save_steps(slides, fmt="svg")
    assert sorted(os.listdir(slides)) == [f"step-{i:02d}.svg" for i in range(4)]
    assert stat.S_ISFIFO((slides / "step-03.svg").lstat().st_mode)


def test_a_wide_nodes_step_writes_out_eight_inputs_and_says_how_to_see_all():
    """A maxout of 20 inputs: each text names 8 of them and counts the rest, as print_graph
    caps its rows; the step's updates, and the gradients, are all there."""
    xs = [Value(float(i % 7), f"x{i}") for i in range(1, 21)]
    y = maxout(*xs)
    y.label = "y"
    stepper = Stepper(y)
    forward = str(stepper.forward())
    assert forward.startswith("forward 1/1: y = max(x1, x2, x3, x4, x5, x6, x7, …, x20) = ")
    assert "max(1, 2, 3, 4, 5, 6, 0, …, 6) = 6" in forward
    stepper.backward()
    step = stepper.backward()
    lines = str(step).splitlines()
    assert lines[0] == (
        "backward 2/2: y sends its gradient to x1, x2, x3, x4, x5, x6, x7, x8 and 12 more:"
    )
    assert [line.split(".grad")[0].strip() for line in lines[1:9]] == [f"x{i}" for i in range(1, 9)]
    assert lines[9] == (
        "  … and 12 more, each the same way (the step's updates hold every one; "
        "Stepper(root, max_inputs=None) writes them all)"
    )
    assert len(step.updates) == 20 and len(lines) == 10
    y.backward()
    assert all(stepper.grads[x] == x.grad for x in xs)  # x6, x13, x20 share the max: ties
    whole = Stepper(y, max_inputs=None)
    run_forward(whole)
    whole.backward()
    assert len(str(whole.backward()).splitlines()) == 21  # the header and every update
    assert "x20)" in str(whole.history[0])
    with pytest.raises(ValueError, match="max_inputs must be at least 1"):
        Stepper(y, max_inputs=0)
    with pytest.raises(TypeError, match="max_inputs must be an integer or None"):
        Stepper(y, max_inputs="8")


def test_save_steps_takes_the_format_with_its_dot_too(tmp_path):
    """#12: fmt=".png" wrote step-0..png; it writes step-00.png, a PNG, as fmt="png" does."""
    _, stepper = book_stepper()
    paths = stepper.save_steps(tmp_path / "a", fmt=".png")
    assert [p.name for p in paths] == [f"step-{i:02d}.png" for i in range(14)]
    assert paths[0].read_bytes().startswith(b"\x89PNG")


def test_a_maxout_of_8000_inputs_steps_to_backwards_gradients():
    """One step of it took 4.2 s (each input's edge named by counting the inputs again): the
    walk is linear now; the step still sends ∂max/∂xᵢ to all 8000 inputs, 1 to the arg-max
    (NNDL §4.1, the first on ties) and 0 to the others, as backward() does."""
    xs = [Value(float(i % 4000), f"x{i}") for i in range(8000)]  # x3999 and x7999 tie
    stepper = Stepper(maxout(*xs))
    assert stepper.forward().node is stepper.root and not stepper.forward()
    stepper.backward()  # the output's own gradient
    step = stepper.backward()
    assert step.text.startswith("backward 2/2: h1 sends its gradient to x0, x1, x2")
    assert len(step.updates) == 8000 and not stepper.backward()
    assert [stepper.grads[x] for x in xs] == [1.0 if i == 3999 else 0.0 for i in range(8000)]


def _backward_error(root):
    with pytest.raises(NonFiniteGradientError) as raised:
        root.backward()
    return raised.value


@pytest.mark.parametrize(
    "make, at, said",
    [  # where the gradient stopped being finite, as backward() places it
        (
            lambda x, y: (x * y).sqrt(),
            0.0,
            r"step 3: the local derivatives of h2 are undefined at "
            r"h1 = 0\.0 \(sqrt′\(0\)\)$",
        ),
        (
            lambda x, y: (x + 1.0) * 1e300 * 1e300 * y,
            -1.0,
            r"step 5: h1.grad became inf: ∂h2/∂h1 = 1e\+300 times h2.grad = 2e\+300$",
        ),
        (
            lambda x, y: x * 1e308 + x * 1e308 + y,
            1e-10,
            r"step 5: x.grad became inf: 1e\+308 \+ 1e\+308 is too large for a float$",
        ),
    ],
)
def test_a_leafs_gradient_that_is_not_finite_is_placed_where_it_started(make, at, said):
    """sqrt(x*y) at x = 0 gives x.grad = 2 × nan, but the nan started at sqrt′(0): the step
    says so, as backward() does, and its error carries backward()'s node, op and edge."""
    x, y = Value(at, "x"), Value(2.0, "y")
    root = make(x, y)
    stepper = Stepper(root)
    run_forward(stepper)
    with pytest.raises(NonFiniteGradientError, match=said) as raised:
        run_backward(stepper)
    engine = _backward_error(root)
    assert (raised.value.node, raised.value.op, raised.value.edge) == (
        engine.node,
        engine.op,
        engine.edge,
    )
