"""The fast backward that `Value.backward()` runs (NNDL §4.5.3): the walk and the one line of
`reference.py`, read that first; here the walk is found by counting and the float rules are
inlined. A property test holds the two equal, bit for bit, on random graphs.

Where the reference adds local × gradient in one line, `backprop` writes it out eight times:
for a one-input op, an n-ary op, and the first and the second input of a two-input op, each
into a leaf's sum or into an interior node's gradient. Its docstring and comments give the
time that saves.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from ..ops import BINARY, NARY, OPS, UNARY
from .checks import finite_float, node_name
from .reference import reference_backward
from .walks import nonfinite_error, topological_order

if TYPE_CHECKING:  # for the annotations only: value.py imports this module
    from .value import Value

__all__ = ["backprop", "store_grads"]

_ADD, _MUL, _OP_RELU = OPS["add"], OPS["mul"], OPS["relu"]
_ADD_C, _MUL_C = _ADD.with_constant("right"), _MUL.with_constant("right")


class _NotFinite(ArithmeticError):
    """A gradient in the fast pass is inf or nan: the careful walk takes over."""


class _Mark(float):
    """A 0.0 with an identity of its own: pass 1's mark. A plain float would do on CPython,
    but `is` between floats may compare their values on other Pythons (PyPy); a subclass's
    instances are always distinct objects. 0.0 + x gives a plain float, bit for bit."""

    __slots__ = ()


def _count_children(root: Value) -> dict[Value, int]:
    """Pass 1: finds the interior nodes below root, sets their gradients to 0.0, and counts the
    children of those with more than one (the others have one). Interior gradients start at
    0.0 here, so pass 2 adds into them.

    A node found in this call holds this call's own 0.0 object (`_grad is zero`, a `_Mark`
    made afresh per call): that is how the pass knows it has seen a node, without a dict entry
    per node. An interrupted call leaves 0.0 or partial sums, as any interrupted pass would, and
    nothing a later call reads as its own: its zero is another object. The counts live in the
    returned dict, which dies with the call. Leaves are not visited: pass 2 starts each leaf's
    sum at its first edge.

    An input found for the first time is walked next without the stack, and a two-input
    node's inputs are read without a tuple. On the GPT step (54,000 interior nodes, nearly all
    binary) this pass took 19.5 ms with a stack push and a dict entry per node and a leaf
    entry per edge, 8.8 ms so."""
    zero = _Mark()  # this call's own 0.0
    shared: dict[Value, int] = {}  # children of each node that has two or more
    stack: list[Value] = []
    pop, push = stack.pop, stack.append
    node = root
    while True:
        kind = node._made_by.kind
        found = None  # the last input found for the first time: the node walked next
        if kind == BINARY:
            p = node._x
            if p._made_by is not None:
                if p._grad is zero:
                    shared[p] = shared[p] + 1 if p in shared else 2
                else:
                    p._grad = zero
                    found = p
            p = node._y
            if p._made_by is not None:
                if p._grad is zero:
                    shared[p] = shared[p] + 1 if p in shared else 2
                else:
                    p._grad = zero
                    if found is not None:
                        push(found)
                    found = p
        elif kind == NARY:
            for p in node._x:
                if p._made_by is not None:
                    if p._grad is zero:
                        shared[p] = shared[p] + 1 if p in shared else 2
                    else:
                        p._grad = zero
                        push(p)
        else:
            p = node._x
            if p._made_by is not None:
                if p._grad is zero:
                    shared[p] = shared[p] + 1 if p in shared else 2
                else:
                    p._grad = zero
                    found = p
        if found is not None:
            node = found
        elif stack:
            node = pop()
        else:
            return shared


def backprop(root: Value) -> None:
    """Pass 2 visits a node once all its children have been visited (a reverse topological
    order, found by counting, with no sort and no recursion) and adds local × node.grad to each
    input. Each node's gradient is checked once, when it is complete (leaves at the end).

    The order is a stack's (`backward_order`): a node's inputs that become ready are pushed in
    argument order and the last one pushed is visited next. Here the last one is visited next
    without the push and pop, which is the same order.

    The float rules are inlined here rather than read from `backward_edges`: on the
    benchmark chain (5·10⁴ steps) this loop takes 0.34 s, a sum over `backward_edges` 2.5 s.
    × and + of two nodes (the linear layers' Σ w·x) are written out, and no tuple is built
    for a two-input node: on the GPT step this pass took 57 ms through the rules and tuples,
    23 ms so.

    The leaves' sums are committed only when the pass has finished and checked them, each leaf
    by one store: whatever stops the pass (Ctrl-C at any bytecode, an error in a rule), a leaf
    holds its gradient from before the call or the completed call's, never a part.
    """
    if root._made_by is None:  # a leaf: ∂x/∂x = 1
        root._grad = 1.0 if root._grad is None else root._grad + 1.0
        return
    shared = _count_children(root)  # children still to visit, of nodes with more than one
    # each leaf's sum from 0.0, in visit order; `get` rather than a defaultdict, whose
    # factory call per new leaf made the wide sum's backward 26 ms, not 22 (2·10⁴ pairs)
    leaf_sums: dict[Value, float] = {}
    sum_of = leaf_sums.get
    root._grad = 1.0
    stack: list[Value] = []
    pop, push = stack.pop, stack.append
    mul, add, mul_c, add_c, relu = _MUL, _ADD, _MUL_C, _ADD_C, _OP_RELU
    node = root
    try:
        while True:
            g = node._grad
            if g - g != 0.0:
                raise _NotFinite
            op = node._made_by
            if op is mul:
                a, b = node._x, node._y
                da, db = b._data * g, a._data * g
            elif op is add:
                a, b = node._x, node._y
                da = db = g  # 1.0 * g, exactly
            else:
                kind = op.kind
                if kind < BINARY:  # one input
                    p = node._x
                    if op is mul_c:  # the chain's three rules written out: 16 ms, not 22
                        d = node._k
                    elif op is add_c:
                        d = 1.0
                    elif op is relu:
                        d = 1.0 if p._data > 0.0 else 0.0
                    elif kind == UNARY:
                        d = op.rule(p._data, node._data)
                    else:
                        d = op.rule(p._data, node._k, node._data)
                    if p._made_by is None:
                        leaf_sums[p] = sum_of(p, 0.0) + d * g
                    else:
                        p._grad += d * g
                        if p not in shared:
                            node = p
                            continue
                        n = shared[p] - 1
                        if not n:
                            node = p
                            continue
                        shared[p] = n
                    if not stack:
                        break
                    node = pop()
                    continue
                if kind == NARY:
                    inputs = node._x
                    locals_ = op.rule([q._data for q in inputs], node._k, node._data)
                    for p, d in zip(inputs, locals_):  # in argument order, as backward_order
                        if p._made_by is None:
                            leaf_sums[p] = sum_of(p, 0.0) + d * g
                            continue
                        p._grad += d * g
                        if p in shared:
                            n = shared[p] - 1
                            if n:
                                shared[p] = n
                                continue
                        push(p)
                    if not stack:
                        break
                    node = pop()
                    continue
                a, b = node._x, node._y  # another binary op
                ad, bd, out = a._data, b._data, node._data
                da, db = op.rule(ad, bd, out) * g, op.rules[1](ad, bd, out) * g
            # two inputs a, b with their terms da, db; an input that is not ready becomes None
            if a._made_by is None:
                leaf_sums[a] = sum_of(a, 0.0) + da
                a = None
            else:
                a._grad += da
                if a in shared:
                    n = shared[a] - 1
                    if n:
                        shared[a] = n
                        a = None
            if b._made_by is None:
                leaf_sums[b] = sum_of(b, 0.0) + db
                b = None
            else:
                b._grad += db
                if b in shared:
                    n = shared[b] - 1
                    if n:
                        shared[b] = n
                        b = None
            if b is not None:
                if a is not None:
                    push(a)
                node = b
            elif a is not None:
                node = a
            elif stack:
                node = pop()
            else:
                break
        every = sum(leaf_sums.values())  # finite only if each sum is (inf and nan absorb)
        if every - every != 0.0:  # one sum in C, not a Python test per leaf
            for total in leaf_sums.values():
                if total - total != 0.0:
                    raise _NotFinite
    except (ArithmeticError, ValueError):  # a gradient, a sum or a rule's derivative not finite
        leaf_sums = _careful(root)
    for leaf, total in leaf_sums.items():  # the commit: one store per leaf
        before = leaf._grad
        leaf._grad = total if before is None else before + total


def _careful(root: Value) -> dict[Value, float]:
    """After an inf or nan in the fast pass: the reference walk, in which a flat op (relu below
    0) sends 0 whatever its gradient (`backward_terms` says why), gives every interior node its
    gradient, perhaps inf or nan, and returns the leaves' sums. A leaf's that is not finite is
    the error, named where it started, and nothing is stored. Rare, so written for clarity: the
    same walk and the same floats as the fast pass."""
    grads = reference_backward(root)
    leaves = {}
    for node, g in grads.items():  # in visit order, as the fast pass's leaf sums
        if node._made_by is None:
            if g - g != 0.0:
                _forget_interior(root)
                raise nonfinite_error(root, grads, node)
            leaves[node] = g
    for node, g in grads.items():
        if node._made_by is not None:
            node._grad = g
    return leaves


def _forget_interior(root: Value) -> None:
    """After a failed backward: the interior gradients read as not computed again (the leaves
    were never touched). Only tidiness: the next call recomputes them either way."""
    for node in topological_order(root):
        if node._made_by is not None:
            node._grad = None


def store_grads(grads: Mapping[Value, float]) -> None:
    """Write `grads` into the nodes' `grad` as backward() leaves them: a step-through's result
    (`Stepper.apply()`). An inner node's may be inf or nan, where a flat op below stopped it
    (sqrt(relu(x)) at x < 0: h1.grad is nan, x.grad 0); a leaf's must be finite, as backward()
    refuses it. The `grad` setter takes finite numbers only, so that a hand-written backward's
    nan shows at once; this is the one way to store backward()'s own. All are checked before
    any is written."""
    checked = []
    for node, g in grads.items():
        if node._made_by is not None and isinstance(g, float):  # inf or nan: as backward()
            checked.append((node, float(g)))
        else:
            checked.append((node, finite_float(g, f"the grad of {node_name(node)}")))
    for node, g in checked:
        node._grad = g
