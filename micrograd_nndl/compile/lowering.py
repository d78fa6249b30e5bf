"""Lowering: a traced graph becomes a program, its neurons grouped into layers (NNDL §4.4).

The graph's nodes, in evaluation order, become steps on slots. Fused neurons whose weights and
bias are leaves and that read the same inputs become one matrix product (`LayerStep`), and the
same activation on every neuron of such a layer one call on the block (`MapStep`); every other
node is one `Step`, and the same op on the same slots is computed once.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..engine import Value, topological_order
from ..ops import UNARY, UNARY_PARAM
from .arrays import check_array_form
from .running import Program
from .steps import LayerStep, MapStep, Step

__all__ = ["build"]


def _order(outs: list[Value]) -> list[Value]:
    seen: set[int] = set()
    order: list[Value] = []
    for out in outs:
        for node in topological_order(out):
            if id(node) not in seen:
                seen.add(id(node))
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
    for node in order:
        if node.is_leaf and id(node) not in input_ids:
            leaf_index[id(node)] = len(leaves)
            leaves.append(node)
            leaf_slots.append(new_slot(node))

    layers = _layer_groups(order, leaf_index)
    consumers = _unary_consumers(order)
    steps: list[Any] = []
    row_of: dict[int, tuple[int, int]] = {}
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
    return Program(
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
    )


def _layer_groups(order: list[Value], leaf_index: dict[int, int]) -> dict[int, list[Value]]:
    """Fused neuron nodes whose weights and bias are leaves, grouped by their inputs: each
    group is one layer's matrix product, keyed by the id of its first member (in order)."""
    by_inputs: dict[tuple[int, ...], list[Value]] = {}
    for node in order:
        if node.op != "neuron":
            continue
        ps = node.parents
        n = (len(ps) - 1) // 2
        if all(id(p) in leaf_index for p in (*ps[:n], ps[-1])):
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
    return LayerStep(weights, bias, xs, x_block, x_rows, block, rows, saved, unique)


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
