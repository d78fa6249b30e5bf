"""The reference backward (engine/reference.py, the chain rule in a few lines) against the fast
backward that `Value.backward()` runs: the same floats, bit for bit, for every node."""

import struct

from hypothesis import given
from hypothesis import strategies as st

from micrograd_nndl import Value, neuron, topological_order
from micrograd_nndl.book import sigmoid_graph
from micrograd_nndl.engine import reference_backward
from micrograd_nndl.testing import expressions


def bits(x: float) -> bytes:
    """The float's 8 bytes: 0.0 and -0.0 differ, as they do in a later product."""
    return struct.pack("<d", x)


def assert_backward_is_the_reference(root: Value) -> None:
    reference = reference_backward(root)
    nodes = topological_order(root)
    assert set(reference) == set(nodes)  # every node below root, and only those
    root.backward()
    assert [bits(n.grad) for n in nodes] == [bits(reference[n]) for n in nodes]


@given(expressions(n_inputs=3, max_steps=10))
def test_backward_equals_the_reference_bit_for_bit_on_random_graphs(expr):
    assert_backward_is_the_reference(expr(*(Value(x) for x in expr.inputs)))


@given(expressions(n_inputs=3, max_steps=6), st.data())
def test_backward_equals_the_reference_where_graphs_share_leaves_and_nodes(f, data):
    """Two random graphs over the same leaves, joined by a product, a fused neuron and ops with
    a constant operand (the chain's y * c + c among them): inputs reached along several paths,
    leaves and interior nodes alike."""
    leaves = {x: Value(x) for x in f.inputs}  # a second graph over some of the same leaves:
    g = data.draw(expressions(n_inputs=2, max_steps=6, inputs=st.sampled_from(f.inputs)))
    u, v = f(*(leaves[x] for x in f.inputs)), g(*(leaves[x] for x in g.inputs))
    c = data.draw(st.floats(0.5, 2.0) | st.floats(-2.0, -0.5))
    joined = neuron([u, v], [v, leaves[f.inputs[0]]], Value(c)) + u * v
    root = ((joined * c + c).relu() + (c - u) * (v / c) - c / (1.0 + v * v)) ** 2
    assert_backward_is_the_reference(root)


@given(expressions(n_inputs=2, max_steps=6))
def test_leaves_add_the_reference_to_what_they_held(expr):
    """backward() twice: each leaf holds the reference's gradient added to itself."""
    leaves = [Value(x) for x in expr.inputs]
    root = expr(*leaves)
    reference = reference_backward(root)
    root.backward()
    root.backward()
    for leaf in leaves:
        once = reference.get(leaf, 0.0)
        assert bits(leaf.grad) == bits(once + once if leaf in reference else 0.0)


def test_the_reference_reproduces_the_books_reverse_mode():
    """NNDL §4.5.3: σ(wx + b) at x = 1, w = 0, b = 0 as six primitives; from the output,
    ∂f/∂h6 = 1, ∂f/∂h5 = −0.25, ∂f/∂h4 = ∂f/∂h3 = −0.25, ∂f/∂h2 = ∂f/∂h1 = 0.25, ∂f/∂w = 0.25,
    ∂f/∂b = 0.25, ∂f/∂x = w·0.25 = 0."""
    nodes = sigmoid_graph()
    grads = reference_backward(nodes["h6"])
    expected = {"h6": 1.0, "h5": -0.25, "h4": -0.25, "h3": -0.25, "h2": 0.25, "h1": 0.25}
    expected |= {"w": 0.25, "b": 0.25, "x": 0.0}
    assert {name: grads[nodes[name]] for name in expected} == expected


def test_the_reference_of_a_leaf_is_one():
    x = Value(3.0, "x")
    assert reference_backward(x) == {x: 1.0}
