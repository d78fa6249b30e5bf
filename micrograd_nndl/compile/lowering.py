"""Lowering: a traced graph becomes a program, its neurons grouped into layers (NNDL §4.4).

The graph's nodes, in evaluation order, become steps on slots. Fused neurons whose weights and
bias are leaves and that read the same inputs become one matrix product (`LayerStep`), and the
same activation on every neuron of such a layer one call on the block (`MapStep`); every other
node is one `Step`, and the same op on the same slots is computed once.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

import numpy as np

from ..engine import Value
from ..ops import UNARY, UNARY_PARAM
from .arrays import check_array_form
from .running import Program
from .steps import LayerStep, MapStep, Step

__all__ = ["build"]


def _order(outs: list[Value]) -> list[Value]:
    """Every node the outputs depend on, inputs first: `topological_order` of each output in
    turn, without the nodes an earlier output already reached. One walk of the whole graph:
    the outputs (one loss per label value, the model's outputs) share nearly all of it, and
    walking it once per output made a 784-128-10 network's trace take seconds."""
    order: list[Value] = []
    seen: set[int] = set()
    for out in outs:
        if id(out) in seen:
            continue
        seen.add(id(out))
        stack: list[tuple[Value, Iterator[Value]]] = [(out, iter(out.parents))]
        while stack:
            node, inputs = stack[-1]
            for parent in inputs:
                if id(parent) not in seen:
                    seen.add(id(parent))
                    grand = parent.parents
                    if not grand:  # a leaf (100 k weights): in order at once, never stacked
                        order.append(parent)
                        continue
                    stack.append((parent, iter(grand)))
                    break
            else:
                stack.pop()
                order.append(node)
    return order


def build(inputs: list[Value], outs: list[Value], names: tuple[str, ...], many: bool) -> Program:
    """The program computing `outs` from the placeholder `inputs` (the other leaves are read
    at call time)."""
    order = _order(outs)
    slot: dict[int, int] = {}
    input_ids = {id(v): i for i, v in enumerate(inputs)}
    input_slots = [0] * len(inputs)
    leaves: list[Value] = []
    leaf_slots: list[int] = []
    leaf_index: dict[int, int] = {}

    def new_slot(node: Value | None = None) -> int:
        s = len(slot_names)
        slot_names.append(node)
        if node is not None:
            slot[id(node)] = s
        return s

    slot_names: list[Value | None] = []
    for v in inputs:
        input_slots[input_ids[id(v)]] = new_slot(v)
    input_block = new_slot()  # the inputs as the rows of one block: a⁽⁰⁾ of the first layer
    row_of: dict[int, tuple[int, int]] = {s: (input_block, i) for i, s in enumerate(input_slots)}
    leaf_nodes = [node for node in order if node.is_leaf and id(node) not in input_ids]
    layers = _layer_groups(order, {id(v) for v in leaf_nodes})
    for node in _leaf_layout(leaf_nodes, layers):
        leaf_index[id(node)] = len(leaves)
        leaves.append(node)
        leaf_slots.append(new_slot(node))

    consumers = _unary_consumers(order)
    steps: list[Any] = []
    block_rows: dict[int, tuple[int, ...]] = {}
    done: set[int] = set()
    computed: dict[tuple, int] = {}  # (op, input slots, constant) -> the slot that holds it
    for node in order:
        op = node.op_info
        if op is None or id(node) in done:  # a leaf, or a member of a group already stepped
            continue
        group = layers.get(id(node))
        if group is not None:
            steps.append(_layer_step(group, slot, row_of, leaf_index, new_slot))
            block_rows[steps[-1].block] = steps[-1].rows
            done.update(map(id, group))
            continue
        mapped = _map_group(node, block_rows, row_of, slot, slot_names, consumers)
        if mapped is not None:
            in_block, members = mapped
            block = new_slot()
            rows = tuple(new_slot(m) for m in members)
            for j, s in enumerate(rows):
                row_of[s] = (block, j)
            steps.append(MapStep(op, node.constant, in_block, block, rows))
            done.update(map(id, members))
            continue
        ins = tuple(slot[id(p)] for p in node.parents)
        k = node.constant
        key = (id(op), ins, (k, math.copysign(1.0, k)) if type(k) is float else k)
        if key in computed:  # the same op on the same slots: the same numbers (ops are pure)
            slot[id(node)] = computed[key]
            continue
        steps.append(Step(op, ins, k, new_slot(node)))
        computed[key] = steps[-1].out
    for op in {id(s.op): s.op for s in steps if type(s) is not LayerStep}.values():
        check_array_form(op)
    labels = {s: (n.label or n.op or "leaf") for s, n in enumerate(slot_names) if n is not None}
    read = {i for st in steps if type(st) is Step for i in st.ins}
    read.update(i for st in steps if type(st) is LayerStep and st.x_block is None for i in st.xs)
    read.update(slot[id(o)] for o in outs)
    for st in steps:
        if type(st) is not Step:
            st.views = tuple((j, s) for j, s in enumerate(st.rows) if s in read)
    loose = tuple((i, s) for i, s in enumerate(leaf_slots) if s in read)
    program = Program(
        names,
        tuple(input_slots),
        leaves,
        tuple(leaf_slots),
        steps,
        tuple(slot[id(o)] for o in outs),
        len(slot_names),
        row_of,
        loose,
        labels,
        many,
        input_block,
        tuple((i, s) for i, s in enumerate(input_slots) if s in read),
        _varying(steps, leaf_slots, row_of),
    )
    return program


def _leaf_layout(leaf_nodes: list[Value], layers: dict[int, list[Value]]) -> list[Value]:
    """The leaves in the order the program keeps their numbers: each layer's weights row by
    row, then its biases, so that W⁽ˡ⁾ and b⁽ˡ⁾ are slices of the one vector of leaf values
    (no gathering of 100 k numbers a step); then the other leaves in evaluation order."""
    placed: set[int] = set()
    layout: list[Value] = []
    for group in layers.values():
        n = (len(group[0].parents) - 1) // 2
        block = [w for z in group for w in z.parents[:n]] + [z.parents[-1] for z in group]
        ids = {id(w) for w in block}
        if len(ids) == len(block) and not ids & placed:  # a leaf twice (tied): gathered
            placed |= ids
            layout += block
    return layout + [v for v in leaf_nodes if id(v) not in placed]


def _varying(
    steps: list[Any], leaf_slots: list[int], row_of: dict[int, tuple[int, int]]
) -> frozenset[int]:
    """The slots whose value depends on a leaf: the only ones the reverse pass needs a
    gradient of (not the inputs, nor what is computed from the inputs alone). A layer whose
    input is the data computes no (Wᵀδ) for it: a third of a big first layer's work."""
    varies = set(leaf_slots)
    for st in steps:
        if type(st) is Step:
            if any(i in varies for i in st.ins):
                varies.add(st.out)
        elif type(st) is LayerStep:
            st.needs_dx = any(s in varies for s in st.xs) or st.x_block in varies
            varies.add(st.block)
            varies.update(st.rows)
        elif st.in_block in varies:
            varies.add(st.block)
            varies.update(st.rows)
    return frozenset(varies)


def _layer_groups(order: list[Value], leaf_ids: set[int]) -> dict[int, list[Value]]:
    """Fused neuron nodes whose weights and bias are leaves, grouped by their inputs: each
    group is one layer's matrix product, keyed by the id of its first member (in order)."""
    by_inputs: dict[tuple[int, ...], list[Value]] = {}
    for node in order:
        if node.op != "neuron":
            continue
        ps = node.parents
        n = (len(ps) - 1) // 2
        if all(id(p) in leaf_ids for p in (*ps[:n], ps[-1])):
            by_inputs.setdefault(tuple(map(id, ps[n : 2 * n])), []).append(node)
    return {id(group[0]): group for group in by_inputs.values()}


def _layer_step(group, slot, row_of, leaf_index, new_slot) -> LayerStep:
    ps = group[0].parents
    n = (len(ps) - 1) // 2
    xs = tuple(slot[id(p)] for p in ps[n : 2 * n])
    weights = np.array([[leaf_index[id(w)] for w in z.parents[:n]] for z in group], dtype=np.intp)
    bias = np.array([leaf_index[id(z.parents[-1])] for z in group], dtype=np.intp)
    x_block, x_rows = None, slice(0)
    if xs and all(s in row_of for s in xs):
        blocks = {row_of[s][0] for s in xs}
        first = row_of[xs[0]][1]
        if len(blocks) == 1 and [row_of[s][1] for s in xs] == list(range(first, first + n)):
            (x_block,) = blocks
            x_rows = slice(first, first + n)
    saved = new_slot()
    block = new_slot()
    rows = tuple(new_slot(z) for z in group)
    for j, s in enumerate(rows):
        row_of[s] = (block, j)
    unique = len(np.unique(np.append(weights, bias))) == weights.size + bias.size
    start = int(weights.flat[0]) if weights.size else 0
    span = np.arange(start, start + weights.size + bias.size)
    laid_out = np.array_equal(np.append(weights, bias), span)
    return LayerStep(
        weights, bias, xs, x_block, x_rows, block, rows, saved, unique, start if laid_out else None
    )


def _unary_consumers(order: list[Value]) -> dict[int, list[Value]]:
    """For each node, the one-input op nodes that read it (activation candidates)."""
    consumers: dict[int, list[Value]] = {}
    for node in order:
        op = node.op_info
        if op is not None and op.kind in (UNARY, UNARY_PARAM):
            consumers.setdefault(id(node.parents[0]), []).append(node)
    return consumers


def _map_group(
    node, block_rows, row_of, slot, slot_names, consumers
) -> tuple[int, list[Value]] | None:
    """If `node` is an activation of a neuron of a layer and every neuron of that layer has
    the same activation (op and constant), those activation nodes, one per row in row order."""
    op = node.op_info
    if op.kind not in (UNARY, UNARY_PARAM) or not op.activation:
        return None
    parent_slot = slot[id(node.parents[0])]
    if parent_slot not in row_of or row_of[parent_slot][0] not in block_rows:
        return None
    block = row_of[parent_slot][0]
    members = []
    for s in block_rows[block]:
        match = [
            c
            for c in consumers.get(id(slot_names[s]), ())
            if c.op_info is op and c.constant == node.constant and id(c) not in slot
        ]
        if not match:
            return None
        members.append(match[0])
    return block, members
