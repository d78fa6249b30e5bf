"""The book's two pictures of a network as functions: one neuron (NNDL §4.1, figure 4.1) and a
feed-forward network (NNDL §4.3, figure 4.5), drawn with the numbers of a real model.

`draw_neuron(neuron, x)`: the inputs x₁..xₙ, each weight on its edge, the bias, the sum
z = Σᵢ wᵢxᵢ + b, the activation f and the output a = f(z); after a backward pass each weight,
the bias and each input also show their gradient.

`draw_network(mlp, x)`: one circle per neuron with its activation on the sample x, layer by
layer (input, hidden, output); one edge per weight, its width the weight's size (or, with
`by="grad"`, its gradient's) and its colour the sign, as the legend says.

Both take `lang` ("en", "zh"): the layers' names, the legend and the fields in the catalog's
words (viz.words); the symbols (x₁, w⁽¹⁾₂₁, Σ, the activation's name) are the book's in both.
"""

from __future__ import annotations

from collections.abc import Sequence

from micrograd_nndl import MLP, Neuron, Value

from ..graph import SUBSCRIPTS, SUPERSCRIPTS, book_name
from ..number_format import DIGITS, check_digits, format_number
from ..words import translator
from .drawing import Drawing
from .measure import has_wide, text_width
from .style import MUTED, OP_FILL

POSITIVE, NEGATIVE = "#2563eb", "#dc2626"  # blue > 0, red < 0
WIDTHS = (0.6, 5.0)  # the thinnest and the thickest edge, in points
#: Neurons drawn per layer: beyond it a layer shows its first MAX_PER_LAYER − 1 and its last,
#: with "…" between, as the book draws a wide layer; MLP(2, [64, 64, 1]) drew 4,224 edges.
MAX_PER_LAYER = 10
COLUMN_GAP, ROW_GAP = 2.4, 1.05  # inches between the layers, and between two circles


def draw_neuron(
    neuron: Neuron,
    x: Sequence[Value | float],
    *,
    digits: int = DIGITS,
    title: str = "",
    lang: str | None = None,
) -> Drawing:
    """The neuron a = f(Σᵢ wᵢxᵢ + b) on the inputs `x`, as NNDL's figure 4.1 draws it, with
    the values computed by the engine; gradients are shown where a backward pass reached.
    `lang`: the language of its words ("en", "zh"; see viz.words)."""
    digits = check_digits(digits)
    words = translator(lang)
    if not isinstance(neuron, Neuron):
        raise TypeError(f"draw_neuron needs a Neuron, not {type(neuron).__name__}")
    xs = [
        v if isinstance(v, Value) else Value(float(v))
        for v in _inputs(x, neuron.nin, "draw_neuron")
    ]
    a = neuron(xs)
    z = a if neuron.activation == "linear" else a.parents[0]

    def number(v: float) -> str:
        return format_number(v, digits)

    def grad(v: Value) -> str:
        return f"<br/>{words('field.grad')} {number(v.grad)}" if v.has_grad else ""

    dot = _drawing(title)
    for i, (xi, wi) in enumerate(zip(xs, neuron.w), 1):
        sub = str(i).translate(SUBSCRIPTS)
        dot.node(f"x{i}", f"<x{sub}<br/>{number(xi.data)}{grad(xi)}>", shape="ellipse")
        label = f"<w{sub} = {number(wi.data)}{grad(wi)}>"
        dot.edge(f"x{i}", "sum", label=label, color=_sign_colour(wi.data))
    dot.node("b", f"<b<br/>{number(neuron.b.data)}{grad(neuron.b)}>", shape="box", style="rounded")
    dot.edge("b", "sum", color=MUTED)
    dot.node(
        "sum", f"<Σ<br/>z = {number(z.data)}>", shape="circle", style="filled", fillcolor=OP_FILL
    )
    dot.node("f", f"<f = {neuron.activation}>", shape="box", style="filled", fillcolor="#fef3c7")
    dot.edge("sum", "f")
    dot.node("a", f"<a = {number(a.data)}>", shape="plaintext")
    dot.edge("f", "a")
    return dot


def draw_network(
    mlp: MLP,
    x: Sequence[Value | float],
    *,
    by: str = "weight",
    digits: int = DIGITS,
    title: str = "",
    max_per_layer: int = MAX_PER_LAYER,
    lang: str | None = None,
) -> Drawing:
    """The feed-forward network `mlp` on the sample `x`, as NNDL's figure 4.5: layers left to
    right, each neuron a circle with its activation, neuron 1 on top; each weight an edge whose
    width says its size |w| (by="weight") or its gradient's |∂L/∂w| (by="grad", after a
    backward pass; a weight the pass did not reach is dashed) and whose colour says its sign.
    Weights are named as the book does: w⁽ˡ⁾ᵢⱼ from neuron j of layer l − 1 to neuron i of
    layer l. A layer wider than `max_per_layer` shows its first neurons and its last, with
    "… n more" between (values and weights of those drawn only). `lang`: the language of the
    layers' names and the legend ("en", "zh"; see viz.words).

    Every circle is placed by hand (neato with pinned positions): Graphviz's own layering
    reorders the circles of a layer, all of whose orders cross as many edges."""
    digits = check_digits(digits)
    words = translator(lang)
    if not isinstance(mlp, MLP):
        raise TypeError(f"draw_network needs an MLP, not {type(mlp).__name__}")
    if by not in ("weight", "grad"):
        raise ValueError(f'by must be "weight" or "grad", got {by!r}')
    if isinstance(max_per_layer, bool) or not isinstance(max_per_layer, int) or max_per_layer < 2:
        raise ValueError(f"max_per_layer must be an integer >= 2, got {max_per_layer!r}")
    given = _inputs(x, mlp.nin, "draw_network")
    activations = [[v.data if isinstance(v, Value) else float(v) for v in given]]
    values: list[Value] = [Value(v) for v in activations[0]]
    for layer in mlp.layers:
        out = layer(values)
        values = [out] if isinstance(out, Value) else list(out)
        activations.append([v.data for v in values])
    weights = [w for layer in mlp.layers for n in layer.neurons for w in n.w]
    if by == "grad" and not any(w.has_grad for w in weights):
        raise ValueError(
            'draw_network(by="grad") draws ∂L/∂w, which no backward pass has computed yet: '
            "call loss.backward() first (a weight it does not reach is drawn dashed)"
        )

    def size(w: Value) -> float:
        return (w.grad if w.has_grad else 0.0) if by == "grad" else w.data

    def rows(count: int) -> list[int | None]:  # a layer's circles top down; None: "… n more"
        if count <= max_per_layer:
            return list(range(1, count + 1))
        return [*range(1, max_per_layer - 1), None, count]

    largest = max((abs(size(w)) for w in weights), default=0.0) or 1.0
    dot = _drawing(title)
    dot.attr(layout="neato", splines="line", outputorder="edgesfirst")
    last = len(mlp.layers)
    tallest = max(len(rows(len(column))) for column in activations)
    shown: list[set[int]] = []
    for depth, column in enumerate(activations):
        x_at = depth * COLUMN_GAP
        column_rows = rows(len(column))
        shown.append({i for i in column_rows if i is not None})
        top = (len(column_rows) - 1) * ROW_GAP / 2
        kind = "input" if depth == 0 else "output" if depth == last else "hidden"
        name = words(f"figure.{kind}_layer")
        dot.node(
            f"t{depth}",  # ids are shown on hover: no English word
            f"<{name}<br/>(l = {depth})>",
            shape="plaintext",
            fontcolor=MUTED,
            pos=f"{x_at:.2f},{(tallest - 1) * ROW_GAP / 2 + ROW_GAP:.2f}!",
            **_room([name], 11),
        )
        for row, i in enumerate(column_rows):
            pos = f"{x_at:.2f},{top - row * ROW_GAP:.2f}!"
            if i is None:
                more = words("figure.more_neurons", count=len(column) - len(shown[depth]))
                dot.node(  # filled white: the edges under it do not cross its text
                    f"l{depth}m",
                    f"<…<br/>{more}>",
                    shape="plaintext",
                    style="filled",
                    fillcolor="white",
                    fontcolor=MUTED,
                    pos=pos,
                    **_room([more], 11),
                )
                continue
            symbol = "x" if depth == 0 else "a"
            sub = str(i).translate(SUBSCRIPTS)
            sup = "" if depth == 0 else f"({depth})".translate(SUPERSCRIPTS)
            dot.node(
                f"l{depth}n{i}",
                f"<{symbol}{sup}{sub}<br/>{format_number(column[i - 1], digits)}>",
                shape="circle",
                width="0.8",
                fixedsize="true",
                style="filled",
                fillcolor="#dcfce7" if depth == 0 else "#dbeafe" if depth == last else "#ffffff",
                pos=pos,
            )
    grad = words("field.grad")
    for depth, layer in enumerate(mlp.layers, 1):
        for i in sorted(shown[depth]):
            for j, w in enumerate(layer.neurons[i - 1].w, 1):
                if j not in shown[depth - 1]:
                    continue
                s = size(w)
                name = book_name(f"layers.{depth - 1}.neurons.{i - 1}.w.{j - 1}")
                unreached = by == "grad" and not w.has_grad
                dot.edge(
                    f"l{depth - 1}n{j}",
                    f"l{depth}n{i}",
                    color=MUTED if unreached else _sign_colour(s),
                    style="dashed" if unreached else "solid",
                    penwidth=f"{WIDTHS[0] + (WIDTHS[1] - WIDTHS[0]) * abs(s) / largest:.2f}",
                    arrowsize="0.5",
                    tooltip=f"{name} = {format_number(w.data, digits)}"
                    + (f", {grad} {format_number(w.grad, digits)}" if w.has_grad else ""),
                )
    unreached_any = by == "grad" and not all(w.has_grad for w in weights)
    what = "w" if by == "weight" else "∂L/∂w"
    lines = [
        words("figure.edge_width", what=f"|{what}|", largest=format_number(largest, digits)),
        words("figure.edge_sign", what=what),
        *([words("figure.unreached")] if unreached_any else []),
        words("figure.circle"),
    ]
    dot.node(
        "k",
        "".join(f"{line}\\l" for line in lines),
        shape="note",
        color=MUTED,
        fontcolor=MUTED,
        fontsize="10",
        pos=f"{last * COLUMN_GAP / 2:.2f},{-(tallest - 1) * ROW_GAP / 2 - ROW_GAP:.2f}!",
        **_room(lines, 10),
    )
    return dot


def _inputs(x: Sequence[Value | float], nin: int, where: str) -> list[Value | float]:
    """The sample as a list of the model's input count (a numpy array is read as a list)."""
    x = list(x.tolist() if hasattr(x, "tolist") else x)
    if len(x) != nin:
        raise ValueError(f"{where}: the model takes {nin} inputs, got {len(x)}")
    return x


def _room(lines: Sequence[str], fontsize: float) -> dict[str, str]:
    """The width of a node whose label holds a full-width glyph (隐藏层): graphviz-pure
    measures one as a space, and the box would be drawn too narrow for its text."""
    if not any(has_wide(line) for line in lines):
        return {}
    return {"width": f"{(max(text_width(line, fontsize) for line in lines) + 16) / 72:.2f}"}


def _sign_colour(x: float) -> str:
    return NEGATIVE if x < 0 else POSITIVE


def _drawing(title: str) -> Drawing:
    dot = Drawing(
        format="svg",
        graph_attr={"rankdir": "LR", "fontname": "Helvetica", "fontsize": "12", "dpi": "96"},
        node_attr={"fontname": "Helvetica", "fontsize": "11"},
        edge_attr={"fontname": "Helvetica", "fontsize": "10"},
    )
    if title:
        dot.attr(label=title, labelloc="t", labeljust="l")
    return dot
