"""What micrograd's notebooks and the lecture "The spelled-out intro to neural networks and
backpropagation" do, retold here with only this project's imports: the demo's two moons with
the max-margin loss and its decision boundary, backprop by hand with `_backward()`, the
`_prev`-based topological sort, the 4-sample tanh MLP, and trace_graph's drawing."""

import math
import random
import re

import numpy as np
import pytest

from micrograd_nndl import MLP, Value, make_blobs, make_moons, nn
from viz import Digraph, draw_dot


def test_the_demo_learns_two_moons_with_the_max_margin_loss_and_draws_its_boundary() -> None:
    np.random.seed(1337)
    random.seed(1337)
    X, y = make_moons(100, noise=0.1, seed=1337)
    y = y * 2 - 1  # labels -1 or 1, as numpy ints: -yi * score must still be a Value
    model = MLP(2, [16, 16, 1], seed=1337)
    assert len(model.parameters()) == 337

    def loss():
        inputs = [list(map(Value, xrow)) for xrow in X]
        scores = list(map(model, inputs))
        losses = [(1 + -yi * scorei).relu() for yi, scorei in zip(y, scores)]
        data_loss = sum(losses) * (1.0 / len(losses))
        reg_loss = 1e-4 * sum(p * p for p in model.parameters())
        accuracy = [(yi > 0) == (scorei.data > 0) for yi, scorei in zip(y, scores)]
        return data_loss + reg_loss, sum(accuracy) / len(accuracy)

    first, _ = loss()
    for k in range(100):
        total_loss, acc = loss()
        model.zero_grad()
        total_loss.backward()
        learning_rate = 1.0 - 0.9 * k / 100
        for p in model.parameters():
            p.data -= learning_rate * p.grad
    assert total_loss.data < 0.1 * first.data and acc == 1.0

    h = 0.25  # the decision boundary: the score's sign on a grid around the data
    xx, yy = np.meshgrid(
        np.arange(X[:, 0].min() - 1, X[:, 0].max() + 1, h),
        np.arange(X[:, 1].min() - 1, X[:, 1].max() + 1, h),
    )
    Xmesh = np.c_[xx.ravel(), yy.ravel()]
    Z = np.array([s.data > 0 for s in map(model, [list(map(Value, row)) for row in Xmesh])])
    Z = Z.reshape(xx.shape)
    assert Z.any() and not Z.all()
    nearest = [np.unravel_index(np.argmin((xx - a) ** 2 + (yy - b) ** 2), xx.shape) for a, b in X]
    agree = np.mean([Z[i] == (label > 0) for i, label in zip(nearest, y)])
    assert agree >= 0.9  # the grid point nearest each sample is (almost always) on its side


def lecture_neuron():
    """The lecture's neuron o = tanh(x1·w1 + x2·w2 + b), each node labelled as there."""
    x1, x2 = Value(2.0, label="x1"), Value(0.0, label="x2")
    w1, w2 = Value(-3.0, label="w1"), Value(1.0, label="w2")
    b = Value(6.8813735870195432, label="b")
    x1w1 = x1 * w1
    x1w1.label = "x1*w1"
    x2w2 = x2 * w2
    x2w2.label = "x2*w2"
    x1w1x2w2 = x1w1 + x2w2
    x1w1x2w2.label = "x1*w1 + x2*w2"
    n = x1w1x2w2 + b
    n.label = "n"
    o = n.tanh()
    o.label = "o"
    return locals()


def test_backprop_by_hand_one_backward_step_at_a_time() -> None:
    g = lecture_neuron()
    g["o"].grad = 1.0
    for name in ("o", "n", "b", "x1w1x2w2", "x2w2", "x1w1"):  # b is a leaf: nothing to do
        g[name]._backward()
    assert g["n"].grad == pytest.approx(1 - g["o"].data ** 2) == pytest.approx(0.5)
    assert g["x1w1"].grad == g["x2w2"].grad == g["b"].grad == g["n"].grad
    assert g["x1"].grad == pytest.approx(-1.5) and g["w1"].grad == pytest.approx(1.0)
    assert g["x2"].grad == pytest.approx(0.5) and g["w2"].grad == 0.0
    fresh = lecture_neuron()
    fresh["o"].backward()
    for name in ("x1", "x2", "w1", "w2", "b", "n"):  # by hand = backward(), bit for bit
        assert g[name].grad == fresh[name].grad


def build_topo(root):
    """The lecture's recursive topological sort over `_prev`."""
    topo, visited = [], set()

    def visit(v):
        if v not in visited:
            visited.add(v)
            for child in v._prev:
                visit(child)
            topo.append(v)

    visit(root)
    return topo


def test_the_prev_based_topological_sort_and_the_lectures_backward() -> None:
    g = lecture_neuron()
    topo = build_topo(g["o"])
    assert len(topo) == 10 and topo[-1] is g["o"]
    for i, node in enumerate(topo):
        assert all(topo.index(child) < i for child in node._prev)
    assert g["o"]._prev == {g["n"]} and g["n"]._prev == {g["x1w1x2w2"], g["b"]}
    assert [g[k]._op for k in ("o", "n", "x1w1", "b")] == ["tanh", "+", "*", ""]
    g["o"].grad = 1.0
    for node in reversed(topo):
        node._backward()
    fresh = lecture_neuron()
    fresh["o"].backward()
    assert [g[k].grad for k in ("x1", "w1", "x2", "w2")] == [
        fresh[k].grad for k in ("x1", "w1", "x2", "w2")
    ]


def test_backward_by_hand_stops_where_backward_does_at_a_flat_op() -> None:
    """sqrt(relu(x)) at x = -1, node by node as the lecture does: sqrt′(0) is undefined, so
    h1.grad is nan, and relu is flat there, so x.grad is 0, as backward() gives (by hand it
    raised 'must be finite' at h1). A leaf's nan is still refused: sqrt(x) at 0 by hand."""
    x = Value(-1.0, label="x")
    f = x.relu().sqrt()
    f.grad = 1.0
    for node in reversed(build_topo(f)):
        node._backward()
    h1 = f.parents[0]
    by_hand = (x.grad, h1.grad)
    x.grad = 0.0
    f.zero_grad()
    f.backward()
    assert by_hand[0] == x.grad == 0.0 and math.isnan(by_hand[1]) and math.isnan(h1.grad)
    leaf = Value(0.0, label="z")
    root = leaf.sqrt()
    root.grad = 1.0
    with pytest.raises(ValueError, match="the grad of 'z' must be finite, got nan"):
        root._backward()


def test_the_lectures_shared_inputs_add_their_gradients() -> None:
    a = Value(3.0, label="a")
    b = a + a
    b.backward()
    assert a.grad == 2.0  # the lecture's bug: = instead of += gave 1
    a, b = Value(-2.0, label="a"), Value(3.0, label="b")
    d, e = a * b, a + b
    f = d * e
    f.backward()
    assert (a.grad, b.grad) == (-3.0, -8.0)  # e·b + d and e·a + d


def test_tanh_spelled_out_with_exp_gives_the_same_gradients() -> None:
    g = lecture_neuron()
    e = (2 * g["n"]).exp()
    o = (e - 1) / (e + 1)
    o.backward()
    assert o.data == pytest.approx(g["o"].data)
    assert g["x1"].grad == pytest.approx(-1.5) and g["w1"].grad == pytest.approx(1.0)


def test_the_lectures_four_sample_tanh_mlp_loop() -> None:
    xs = [[2.0, 3.0, -1.0], [3.0, -1.0, 0.5], [0.5, 1.0, 1.0], [1.0, 1.0, -1.0]]
    ys = [1.0, -1.0, -1.0, 1.0]
    n = MLP(3, [4, 4, 1], activation="tanh", output_activation="tanh", seed=0)  # the lecture's
    losses = []
    for _ in range(20):
        ypred = [n(x) for x in xs]
        loss = sum((yout - ygt) ** 2 for ygt, yout in zip(ys, ypred))
        for p in n.parameters():
            p.grad = 0.0
        loss.backward()
        for p in n.parameters():
            p.data += -0.1 * p.grad
        losses.append(loss.data)
    assert losses[-1] < 0.1 < losses[0]
    assert [math.copysign(1, y.data) for y in ypred] == ys


def test_micrograds_own_constructor_form_builds_real_nodes() -> None:
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    c = Value(a.data * b.data, (a, b), "*")
    d = Value(math.tanh(c.data), (c,), "tanh", label="d")
    d.backward()
    assert c.parents == (a, b) and d.label == "d" and d._op == "tanh"
    assert a.grad == pytest.approx((1 - d.data**2) * b.data)
    assert Value(a.data**2, (a,), "**2")._op == "**2"
    with pytest.raises(ValueError, match="give both the inputs and the op"):
        Value(1.0, (a, b))  # this used to become a leaf labelled "(Value(...), Value(...))"
    with pytest.raises(ValueError, match="the gradients would not match the value"):
        Value(5.0, (a, b), "+")
    with pytest.raises(TypeError, match="label must be a string, not int"):
        Value(1.0, label=3)
    with pytest.raises(TypeError, match=r"op must be micrograd's op string .* not tuple"):
        Value(a.data * b.data, (a, b), (b.data, a.data))  # microgpt's local gradients


def test_format_spec_formats_the_data() -> None:
    v = Value(2.0 / 3.0, label="v")
    assert f"{v:.4f}" == "0.6667" and f"{v:>8.2f}" == "    0.67"
    assert f"{v}" == str(v) == repr(v)
    assert "data %.4f | grad %.4f" % (v.data, v.grad) == "data 0.6667 | grad 0.0000"  # noqa: UP031


def trace(root):
    """trace_graph's nodes and edges, over `_prev`."""
    nodes, edges = set(), set()

    def build(v):
        if v not in nodes:
            nodes.add(v)
            for child in v._prev:
                edges.add((child, v))
                build(child)

    build(root)
    return nodes, edges


def test_trace_graph_walks_and_draws_with_format_and_rankdir() -> None:
    x = Value(1.0)
    y = (x * 2 + 1).relu()
    y.backward()
    nodes, edges = trace(y)
    assert len(nodes) == 4 and len(edges) == 3  # constants live in their node here
    assert sorted(n._op for n in nodes) == ["", "*", "+", "ReLU"]
    assert all(isinstance(str(id(n)) + n._op, str) for n in nodes)  # the notebook's node names
    dot = draw_dot(y, format="svg", rankdir="TB")
    assert dot.format == "svg" and "rankdir=TB" in dot.source
    random.seed(1337)
    neuron = nn.Neuron(2)  # `from micrograd import nn` becomes `from micrograd_nndl import nn`
    out = neuron([Value(1.0), Value(-2.0)])
    out.backward()
    (z,) = out._prev  # one fused Σw·x+b node, where micrograd draws 2 × and 2 + nodes
    assert out._op == "ReLU" and z._op == "Σw·x+b" and len(z._prev) == 5
    by_hand = sum((wi * xi for wi, xi in zip(neuron.w, [1.0, -2.0])), neuron.b)
    assert by_hand.data == z.data and by_hand._op == "+"  # micrograd's own line: its graph


def test_a_picture_built_with_digraph_as_trace_graph_does_renders_without_a_system_dot(
    tmp_path, monkeypatch
) -> None:
    """trace_graph draws with graphviz.Digraph itself, which runs a program named `dot`: on a
    machine with graphviz-pure only it failed with ExecutableNotFound. viz.Digraph renders,
    pipes and shows in a notebook with the program viz finds."""
    monkeypatch.chdir(tmp_path)
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    out = a * b
    out.backward()
    picture = Digraph(format="svg", graph_attr={"rankdir": "LR"})
    for v in (a, b, out):
        label = "{ %s | data %.4f | grad %.4f }" % (v.label, v.data, v.grad)  # noqa: UP031
        picture.node(name=str(id(v)), label=label, shape="record")
    picture.node(name=str(id(out)) + out._op, label=out._op)
    picture.edge(str(id(out)) + out._op, str(id(out)))
    for child in out._prev:
        picture.edge(str(id(child)), str(id(out)) + out._op)
    written = picture.render("gout")
    svg = (tmp_path / written).read_text().replace("&#45;", "-")
    texts = re.findall(r"<text[^>]*>([^<]*)</text>", svg)
    assert written == "gout.svg" and (tmp_path / "gout").exists()  # the source beside it
    for field in ("a", "data 2.0000", "grad -3.0000", "b", "data -3.0000", "grad 2.0000"):
        assert field in texts  # ∂(ab)/∂a = b, ∂(ab)/∂b = a
    assert "data -6.0000" in texts and "*" in texts
    assert picture._repr_mimebundle_()["image/svg+xml"].startswith("<?xml")
    assert picture.pipe(format="png").startswith(b"\x89PNG")


def test_the_demos_data_lines_run_as_written() -> None:
    """demo.ipynb: `from sklearn.datasets import make_moons, make_blobs`, then
    make_moons(n_samples=100, noise=0.1): only the import line changes."""
    X, y = make_moons(n_samples=100, noise=0.1)
    assert X.shape == (100, 2) and set(y.tolist()) == {0, 1}
    assert make_blobs(n_samples=10)[0].shape == (10, 2)
