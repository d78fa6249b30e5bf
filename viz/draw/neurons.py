"""Which nodes of a model's graph make up each neuron, so a drawing can box them together.

A model labels its parameters with their paths ("layers.0.neurons.2.w.1", see nn); a neuron's
computation is the nodes that read its weights and bias (a fused "Σw·x+b" node, or the
products and sums of fused=False), summed up until every weight and the bias are in, then its
activation (an op the table marks as one). One sample's pass through neuron (l, i) is one
group; a loss over several samples has one group per sample for each neuron.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from micrograd_nndl import Value

from ..graph import Graph

_PLACE = re.compile(r"(?:layers\.(\d+)\.)?neurons\.(\d+)\.(?:w\.(\d+)|b|gamma|beta)")


@dataclass
class NeuronGroup:
    """One pass through neuron `neuron` of layer `layer` (both from 1; layer None for a lone
    Layer): its node ids, and the parameters it has read so far."""

    layer: int | None
    neuron: int
    members: list[int] = field(default_factory=list)
    params: set[int] = field(default_factory=set)
    closed: bool = False  # the activation is applied: nothing more joins


def model_parameters(graph: Graph) -> dict[int, tuple[int | None, int]]:
    """id of each leaf of `graph` that a model labelled as its parameter → (layer, neuron)."""
    places: dict[int, tuple[int | None, int]] = {}
    for node in graph.nodes:
        match = _PLACE.fullmatch(node.label) if node.is_leaf and node.label else None
        if match:
            layer, neuron = match.group(1), match.group(2)
            places[id(node)] = (None if layer is None else int(layer) + 1, int(neuron) + 1)
    return places


def neuron_groups(graph: Graph) -> list[NeuronGroup]:
    """The neuron groups of `graph`, each with its computed nodes and, where the neuron is
    used once in the graph, its parameters too."""
    places = model_parameters(graph)
    if not places:
        return []
    sizes: dict[tuple[int | None, int], int] = {}  # parameters per neuron in this graph
    for key in places.values():
        sizes[key] = sizes.get(key, 0) + 1
    group_of: dict[int, NeuronGroup] = {}
    for node in graph.nodes:
        if node.is_leaf:
            continue
        group = _join(node, places, group_of, sizes)
        if group is not None:
            group.members.append(id(node))
            group_of[id(node)] = group
    groups = list({id(g): g for g in group_of.values()}.values())
    passes: dict[tuple[int | None, int], int] = {}
    for g in groups:
        passes[(g.layer, g.neuron)] = passes.get((g.layer, g.neuron), 0) + 1
    for g in groups:
        if passes[(g.layer, g.neuron)] == 1:
            g.members.extend(g.params)
    return groups


def _join(
    node: Value,
    places: dict[int, tuple[int | None, int]],
    group_of: dict[int, NeuronGroup],
    sizes: dict[tuple[int | None, int], int],
) -> NeuronGroup | None:
    """The group `node` belongs to (merging the open groups it sums), or None."""
    params = [p for p in node.parents if id(p) in places]
    keys = {places[id(p)] for p in params}
    open_groups = list(
        {id(g): g for p in node.parents if (g := group_of.get(id(p))) and not g.closed}.values()
    )
    if len(keys) > 1 or any((g.layer, g.neuron) != k for g in open_groups for k in keys):
        return None
    if len({(g.layer, g.neuron) for g in open_groups}) > 1:
        return None
    key = next(iter(keys)) if keys else None
    if key is None and not open_groups:
        return None
    if key is None:
        key = (open_groups[0].layer, open_groups[0].neuron)
    complete = [g for g in open_groups if len(g.params) == sizes[key]]
    op = node.op_info
    activation = op is not None and op.activation and len(open_groups) == 1 and bool(complete)
    if complete and not activation:
        return None  # a finished sum read by something else: a loss, the next layer
    if not params and not activation and node.op != "add":
        return None
    group = open_groups[0] if open_groups else NeuronGroup(*key)
    for other in open_groups[1:]:  # a sum of two partial sums of the same pass
        group.members.extend(other.members)
        group.params |= other.params
        for member in other.members:
            group_of[member] = group
    group.params |= {id(p) for p in params}
    group.closed = bool(activation)
    return group
