"""Which nodes of a loss over several samples belong to each sample, so a drawing can box each
sample's computation as "sample k (x = …, y = …)".

A model's graph says which leaves are its parameters (nn labels them); a sample's inputs are
the other leaves its passes through the first layer read (x₁, x₂, … of one call `model(x)`).
A node belongs to sample k when it is computed from sample k's inputs and shared leaves alone;
a leaf other than an input belongs to sample k when only sample k's nodes read it (a target
given as a Value). What combines samples (the sum of the per-sample losses, the mean) and the
shared parameters belong to none. Samples are numbered in forward order: for a loss built as
`sum(... for x, y in batch)` or `mse([model(x) for x in X], Y)`, the batch's order.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field

from micrograd_nndl import Value

from ..graph import Graph
from ..number_format import format_number
from .neurons import NeuronGroup, model_parameters

SHOWN_NUMBERS = 4  # a sample's x in its label: at most this many numbers, then "… (n inputs)"
_NONE, _MANY = -1, -2  # no sample / several samples, in `sample_groups`' dependency walk


@dataclass
class SampleGroup:
    """Sample `number` (from 1): its `inputs` (in argument order) and the ids of its nodes."""

    number: int
    inputs: list[Value]
    members: list[int] = field(default_factory=list)  # in forward order: its term is last


def numbers(items: Sequence[float], digits: int) -> str:
    """A tuple of numbers "(1, -2)" as the views write numbers; a long one shows its first
    SHOWN_NUMBERS and how many there are."""
    shown = ", ".join(format_number(v, digits) for v in items[:SHOWN_NUMBERS])
    if len(items) > SHOWN_NUMBERS:
        shown += f", … ({len(items)} inputs)"
    return f"({shown})"


def sample_groups(graph: Graph, neurons: list[NeuronGroup]) -> list[SampleGroup]:
    """The samples of a model's graph (see the module's note), in forward order; [] when the
    graph has no model in it."""
    if not neurons:
        return []
    parameters = model_parameters(graph)
    by_id = {id(node): node for node in graph.nodes}
    first = min(g.layer or 0 for g in neurons)
    owner: dict[int, int] = {}  # input id → its sample's key
    keys: dict[int, set[int]] = {}  # sample key → its input ids
    fresh = itertools.count()
    for group in neurons:
        if (group.layer or 0) != first:
            continue
        read = {
            id(p)
            for m in group.members
            if not by_id[m].is_leaf
            for p in by_id[m].parents
            if p.is_leaf and id(p) not in parameters
        }
        known = {owner[i] for i in read if i in owner}
        into = min(known) if known else next(fresh)
        keys.setdefault(into, set())
        for other in known - {into}:  # one pass read two samples' inputs: one sample
            read |= keys.pop(other)
        keys[into] |= read
        owner.update(dict.fromkeys(read, into))
    found: dict[int, list[Value]] = {}
    for node in graph.nodes:  # each sample's inputs in forward order: x₁, x₂, …
        if id(node) in owner:
            found.setdefault(owner[id(node)], []).append(node)
    samples = [SampleGroup(n, xs) for n, xs in enumerate(found.values(), 1)]
    sample_of = {id(x): s.number - 1 for s in samples for x in s.inputs}
    _assign(graph, samples, sample_of)
    return samples


def _assign(graph: Graph, samples: list[SampleGroup], sample_of: dict[int, int]) -> None:
    """Fill each sample's members: one walk in forward order, one number per node."""
    depends: dict[int, int] = {}
    readers: dict[int, int] = {}  # id of a leaf other than an input → the one sample reading it
    for node in graph.nodes:
        if node.is_leaf:
            depends[id(node)] = sample_of.get(id(node), _NONE)
            continue
        found = _NONE
        for parent in node.parents:
            d = depends[id(parent)]
            if d == _MANY or (d != _NONE and found not in (_NONE, d)):
                found = _MANY
                break
            if d != _NONE:
                found = d
        depends[id(node)] = found
        for parent in node.parents:
            if parent.is_leaf and id(parent) not in sample_of:
                seen = readers.get(id(parent), found)
                readers[id(parent)] = found if seen == found else _MANY
    for leaf, k in readers.items():
        if k >= 0:
            depends[leaf] = k
    for node in graph.nodes:
        k = depends[id(node)]
        if k >= 0:
            samples[k].members.append(id(node))
