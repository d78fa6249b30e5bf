"""Seeing the computation graph of NNDL §4.5.3: a drawing, a table, both passes step by step,
and the chain rule written out path by path.

    from micrograd_nndl.book import sigmoid_graph
    nodes = sigmoid_graph(x=1.0, w=0.0, b=0.0)      # f = h6 = σ(wx + b)
    f = nodes["h6"]
    s = Stepper(f)                   # s.forward(), s.backward(), s.back(), s.draw()
    print(explain(f, nodes["w"]))    # ∂h6/∂w = (-0.25) × 1 × 1 × (-1) × 1 × 1 = 0.25
    f.backward(); print_graph(f)     # every node: op, inputs, value, grad, local derivatives
    draw_dot(f, params=[nodes["w"], nodes["b"]])   # a notebook shows it inline
    render(f, "sigmoid.png")         # the format follows the suffix
    to_html(f, "sigmoid.html")       # one offline page: click through both passes
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

#: Each public name and the module that defines it. They are imported on first use (PEP 562),
#: so `python -m viz` and the `micrograd-nndl` command can catch Ctrl-C before numpy, graphviz
#: and the engine load, and `import viz.cli` does not load the drawing modules first.
_HOMES = {
    "ChainPath": "chain_rule",
    "ChainRule": "chain_rule",
    "explain": "chain_rule",
    "explain_each": "chain_rule",
    "demo": "book_demo",  # not viz/demo.py: importing a module named demo would rebind viz.demo
    "Digraph": "drawing",
    "draw_dot": "dot",
    "render": "dot",
    "Drawing": "drawing",
    "draw_network": "figures",
    "draw_neuron": "figures",
    "RenderError": "errors",
    "VizError": "errors",
    "stepper_html": "html",
    "to_html": "html",
    "Step": "stepper",
    "Stepper": "stepper",
    "Undo": "stepper",
    "Update": "stepper",
    "format_graph": "text",
    "graph_rows": "text",
    "print_graph": "text",
}

if TYPE_CHECKING:  # what type checkers and editors read
    from .book_demo import demo
    from .chain_rule import ChainPath, ChainRule, explain, explain_each
    from .dot import draw_dot, render
    from .drawing import Digraph, Drawing
    from .errors import RenderError, VizError
    from .figures import draw_network, draw_neuron
    from .html import stepper_html, to_html
    from .stepper import Step, Stepper, Undo, Update
    from .text import format_graph, graph_rows, print_graph

__all__ = [
    "ChainPath",
    "ChainRule",
    "Digraph",
    "Drawing",
    "RenderError",
    "Step",
    "Stepper",
    "Undo",
    "Update",
    "VizError",
    "demo",
    "draw_dot",
    "draw_network",
    "draw_neuron",
    "explain",
    "explain_each",
    "format_graph",
    "graph_rows",
    "print_graph",
    "render",
    "stepper_html",
    "to_html",
]


def __getattr__(name: str) -> object:
    if name not in _HOMES:
        raise AttributeError(f"module 'viz' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{_HOMES[name]}", __name__), name)
    globals()[name] = value  # the next access is a plain lookup
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
