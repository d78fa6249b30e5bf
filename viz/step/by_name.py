"""`ByName`: a stepper's values or gradients, read by the names a person sees.

At a prompt a learner reads `h5` in the table and in the step's sentence, so `s.values["h5"]`
must work, and the mapping must print as {'x': 1.0, 'h5': 2.0, …} rather than as a dict keyed by
`Value(data=2.0, op='add')`. Code keeps using the nodes themselves: a `Value` is a key too, and
iteration yields the nodes (what `draw_dot(values=...)` and the other views take).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from micrograd_nndl import Value

from ..graph import Graph


class ByName(Mapping[Value, float]):
    """A read-only view of node → number whose keys may also be written as the nodes' names
    in `graph` (`graph.name`: a label, or the book's h1, h2, …, x₁, w⁽¹⁾₁₂)."""

    def __init__(self, numbers: Mapping[Value, float], graph: Graph, what: str) -> None:
        self._numbers = numbers
        self._graph = graph
        self._what = what  # "value" or "gradient": what a missing key has not had computed

    def _node(self, key: Value | str) -> Value:
        if not isinstance(key, str):
            return key
        node = self._graph.named(key)
        if node is None:
            raise KeyError(f"no node is named {key!r} in this graph: its names are {self._names()}")
        return node

    def _names(self) -> str:
        names = [self._graph.name(node) for node in self._graph.nodes]
        return ", ".join(names[:12]) + (", …" if len(names) > 12 else "")

    def __getitem__(self, key: Value | str) -> float:
        node = self._node(key)
        if node in self._numbers:
            return self._numbers[node]
        if node in self._graph:
            raise KeyError(f"{self._graph.name(node)}: its {self._what} is not computed yet")
        raise KeyError(key)

    def __contains__(self, key: object) -> bool:
        if isinstance(key, str):
            node = self._graph.named(key)
            return node is not None and node in self._numbers
        return key in self._numbers

    def __iter__(self) -> Iterator[Value]:
        return iter(self._numbers)

    def __len__(self) -> int:
        return len(self._numbers)

    def by_name(self) -> dict[str, float]:
        """A plain dict name → number, in the graph's order (inputs first)."""
        return {
            self._graph.name(node): self._numbers[node]
            for node in self._graph.nodes
            if node in self._numbers
        }

    def __repr__(self) -> str:
        return repr(self.by_name())
