"""The graph as a plain-text table, one row per node, inputs first (NNDL §4.5.3's table).

For a terminal, a REPL without images, or a graph too big to draw: every node with its op,
inputs, value, gradient and local derivatives ∂node/∂input read from the op table.
"""

from __future__ import annotations

from collections.abc import Mapping

from micrograd_nndl import Value, format_columns

from ..graph import Graph, graph_of, local_derivatives, shown_grad, shown_value
from ..number_format import DIGITS, check_digits, check_limit, format_number
from ..words import Words, translator

#: The columns' message keys; `header(words)` is the header in a language.
COLUMNS = ("node", "op", "inputs", "value", "grad", "locals")
HEADER = ("node", "op", "inputs", "value", "grad", "local derivatives")  # the English header


def header(lang: str | Words | None = None) -> tuple[str, ...]:
    """The table's column names in `lang`: ("node", "op", …) or ("节点", "运算", …)."""
    words = translator(lang)
    return tuple(words(f"column.{c}") for c in COLUMNS)


#: What a text view shows by default: enough for any graph one reads row by row, and a
#: bounded output for a graph of a million nodes (None for either shows everything).
MAX_ROWS = 200
MAX_WIDTH = 80


def graph_rows(
    root: Value | Graph,
    *,
    values: Mapping[Value, float] | None = None,
    grads: Mapping[Value, float] | None = None,
    digits: int = DIGITS,
    lang: str | None = None,
) -> list[tuple[str, str, str, str, str, str]]:
    """One row (node, op, inputs, value, grad, local derivatives) per node, inputs first.

    `values` and `grads` replace the nodes' own data and grad (a step-through's state); a node
    missing from them, or a grad no backward pass has reached, reads "—": not computed.
    `lang` is the language of the words in the cells ("leaf", "undefined"; see viz.words).
    """
    graph = graph_of(root)
    digits = check_digits(digits)
    words = translator(lang)
    return [_row(graph, node, values, grads, digits, words) for node in graph.nodes]


def _row(
    graph: Graph,
    node: Value,
    values: Mapping[Value, float] | None,
    grads: Mapping[Value, float] | None,
    digits: int,
    words: Words,
) -> tuple[str, str, str, str, str, str]:
    value = shown_value(node, values)
    return (
        graph.name(node),
        words("column.leaf") if (op := node.op_info) is None else op.describe(node.constant),
        ", ".join(graph.name(p) for p in node.parents),
        format_number(value, digits),
        format_number(shown_grad(node, grads), digits),
        "" if value is None else _local_text(graph, node, digits, words),
    )


def _local_text(graph: Graph, node: Value, digits: int, words: Words) -> str:
    """ "∂h1/∂x = 0, ∂h1/∂w = 1" ("undefined" where a rule fails, e.g. √x at 0)."""
    locals_ = local_derivatives(node)
    return ", ".join(
        f"{graph.edge(node, arg)} = "
        + (words("field.undefined") if locals_ is None else format_number(locals_[arg], digits))
        for arg in range(len(node.parents))
    )


def format_graph(
    root: Value | Graph,
    *,
    values: Mapping[Value, float] | None = None,
    grads: Mapping[Value, float] | None = None,
    digits: int = DIGITS,
    max_rows: int | None = MAX_ROWS,
    max_width: int | None = MAX_WIDTH,
    lang: str | None = None,
) -> str:
    """The table of `graph_rows` as aligned text ("—": not computed yet), in `lang`.

    At most `max_rows` rows (the first and last halves, the nodes between counted in one "…"
    row) and cells of at most `max_width` characters ("…" ends a cut cell), so the text grows
    with the graph only up to a bound (a 784-input neuron's inputs make a 25,000-character
    cell); a last line says what was left out and how to see everything. None: no limit.
    """
    check_limit("max_rows", max_rows, 2)
    check_limit("max_width", max_width, 8)
    graph = graph_of(root)
    digits = check_digits(digits)
    words = translator(lang)
    nodes = graph.nodes
    left_out = 0 if max_rows is None else max(0, len(nodes) - max_rows)
    head = len(nodes) if max_rows is None or not left_out else max_rows // 2
    shown = nodes[:head] + nodes[head + left_out :]
    rows: list[tuple[str, ...]] = [
        _row(graph, node, values, grads, digits, words) for node in shown
    ]
    cut = max_width is not None and any(len(cell) > max_width for row in rows for cell in row)
    if cut:
        rows = [tuple(_cut(cell, max_width) for cell in row) for row in rows]
    lines = format_columns([header(words), *rows]).split("\n")
    notes = []
    if left_out:
        lines.insert(2 + head, words("table.more_rows", count=left_out))
        notes.append(words("table.shown", shown=len(shown), total=len(nodes)))
    if cut:
        notes.append(words("table.cut", width=max_width))
    if notes:
        lines.append(words("table.notes", notes=words("table.and").join(notes)))
    return "\n".join(lines)


def _cut(cell: str, width: int | None) -> str:
    return cell if width is None or len(cell) <= width else f"{cell[: width - 1]}…"


def print_graph(
    root: Value,
    *,
    values: Mapping[Value, float] | None = None,
    grads: Mapping[Value, float] | None = None,
    digits: int = DIGITS,
    max_rows: int | None = MAX_ROWS,
    max_width: int | None = MAX_WIDTH,
    lang: str | None = None,
) -> None:
    """Print `format_graph(root)` (options as there)."""
    print(
        format_graph(
            root,
            values=values,
            grads=grads,
            digits=digits,
            max_rows=max_rows,
            max_width=max_width,
            lang=lang,
        )
    )
