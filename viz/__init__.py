"""Seeing the computation graph of NNDL §4.5.3: a drawing, a table, backward step by step,
and the chain rule written out path by path.

    from micrograd_nndl.book import sigmoid_graph
    nodes = sigmoid_graph(x=1.0, w=0.0, b=0.0)      # f = h6 = σ(wx + b)
    f = nodes["h6"]
    print(explain(f, nodes["w"]))    # ∂h6/∂w = (-0.25) × 1 × 1 × (-1) × 1 × 1 = 0.25
    stepper = BackwardStepper(f)     # stepper.step() shows one edge of backward()
    f.backward(); print_graph(f)     # every node: op, inputs, value, grad, local derivatives
    draw(f).save("sigmoid.svg")      # or just `draw(f)` in a notebook
"""

from .chain_rule import ChainPath, ChainRule, explain
from .dot import Drawing, draw
from .errors import RenderError, VizError
from .stepper import BackwardStep, BackwardStepper, backward_steps
from .text import format_graph, graph_rows, print_graph

__all__ = [
    "BackwardStep",
    "BackwardStepper",
    "ChainPath",
    "ChainRule",
    "Drawing",
    "RenderError",
    "VizError",
    "backward_steps",
    "draw",
    "explain",
    "format_graph",
    "graph_rows",
    "print_graph",
]
