"""The computation graph of f(x; w, b) = σ(wx + b) (NNDL §4.5.3), at x = 1, w = 0, b = 0.

Written as the book's six primitives h1 = x·w, h2 = h1 + b, h3 = −h2, h4 = exp(h3),
h5 = h4 + 1, h6 = 1/h5, reverse mode multiplies the local derivatives along the one path from
w to f: ∂f/∂w = 1 × (−0.25) × 1 × 1 × (−1) × 1 × 1 = 0.25. Written with one fused sigmoid node,
h3..h6 collapse into σ(h2), whose local derivative σ(1 − σ) = 0.25 gives the same gradients
in fewer steps. Both graphs are drawn with their values, gradients and local derivatives.

    python examples/computation_graph.py [--out DIR] [--quick]
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from common import parse_args, render_graph

import viz
from micrograd_nndl import Value
from micrograd_nndl.book import format_table, sigmoid_graph

COLUMN = 688  # px: the docs' content column, where the pictures are read


def fused_graph(x: float = 1.0, w: float = 0.0, b: float = 0.0) -> dict[str, Value]:
    """σ(wx + b) with the sigmoid as one node: h1 = x·w, h2 = h1 + b, f = σ(h2)."""
    xs, ws, bs = Value(x, "x"), Value(w, "w"), Value(b, "b")
    h1 = xs * ws
    h2 = h1 + bs
    f = h2.sigmoid()
    h1.label, h2.label, f.label = "h1", "h2", "f"
    return {"x": xs, "w": ws, "b": bs, "h1": h1, "h2": h2, "f": f}


def draw(f: Value, nodes: dict[str, Value], title: str, out: str, name: str) -> None:
    """Write the graph of f as OUT/name.svg and OUT/name.png, w and b drawn as parameters,
    laid out for the docs' column."""
    render_graph(f, out, name, params=[nodes["w"], nodes["b"]], title=title, width=COLUMN)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(__doc__, argv)  # --quick changes nothing: the example is instant

    book = sigmoid_graph(x=1.0, w=0.0, b=0.0)
    f = book["h6"]
    f.backward()
    print("σ(wx + b) as six primitives at x = 1, w = 0, b = 0 (NNDL §4.5.3):\n")
    print(format_table(book))
    print()
    print(viz.explain(f, book["w"]))
    draw(f, book, "f = σ(wx + b) as six primitives h1..h6", args.out, "sigmoid_six_primitives")

    fused = fused_graph(x=1.0, w=0.0, b=0.0)
    g = fused["f"]
    g.backward()
    sigma_slope = g.local_grads()[0]
    print(f"\nthe same with one sigmoid node: f = {g.data:g}, ∂f/∂h2 = σ(1 − σ) = {sigma_slope:g}")
    print(
        f"∂f/∂w = {fused['w'].grad:g}   ∂f/∂b = {fused['b'].grad:g}   ∂f/∂x = {fused['x'].grad:g}"
    )
    draw(g, fused, "f = σ(wx + b) with one fused sigmoid node", args.out, "sigmoid_fused")
    return 0


if __name__ == "__main__":
    sys.exit(main())
