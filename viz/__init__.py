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
    to_html(f, "sigmoid.html")       # one offline page: click through both passes, edit inputs
    training_html(history, "run.html", models=model, X=X, y=y)  # scrub a fit(record=True)
"""

#: Each public name and the module that defines it. They are imported on first use (PEP 562),
#: so `python -m viz` and the `micrograd-nndl` command can catch Ctrl-C before numpy, graphviz
#: and the engine load, and `import viz.cli` does not load the drawing modules first. This
#: module imports nothing itself: `typing` alone (with `re` and `enum`) took 2-37 ms of the
#: command's start-up before its Ctrl-C handler, where a Ctrl-C printed a traceback.
_HOMES = {
    "ChainPath": "step.chain_rule",
    "ChainRule": "step.chain_rule",
    "explain": "step.chain_rule",
    "explain_each": "step.chain_rule",
    "demo": "cli.book_demo",
    "Digraph": "draw.drawing",
    "draw_dot": "draw.dot",
    "render": "draw.dot",
    "Drawing": "draw.drawing",
    "draw_network": "draw.figures",
    "draw_neuron": "draw.figures",
    "RenderError": "errors",
    "VizError": "errors",
    "stepper_html": "web.stepper_page",
    "to_html": "web.stepper_page",
    "Step": "step.stepper",
    "Stepper": "step.stepper",
    "Undo": "step.stepper",
    "Update": "step.step_text",
    "TrainingReplay": "web.training_page",
    "training_html": "web.training_page",
    "format_graph": "step.text",
    "graph_rows": "step.text",
    "print_graph": "step.text",
}

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing; type checkers read True
if TYPE_CHECKING:  # what type checkers and editors read
    from .cli.book_demo import demo
    from .draw.dot import draw_dot, render
    from .draw.drawing import Digraph, Drawing
    from .draw.figures import draw_network, draw_neuron
    from .errors import RenderError, VizError
    from .step.chain_rule import ChainPath, ChainRule, explain, explain_each
    from .step.step_text import Update
    from .step.stepper import Step, Stepper, Undo
    from .step.text import format_graph, graph_rows, print_graph
    from .web.stepper_page import stepper_html, to_html
    from .web.training_page import TrainingReplay, training_html

__all__ = [
    "ChainPath",
    "ChainRule",
    "Digraph",
    "Drawing",
    "RenderError",
    "Step",
    "Stepper",
    "TrainingReplay",
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
    "training_html",
]


def __getattr__(name: str) -> object:
    if name not in _HOMES:
        raise AttributeError(f"module 'viz' has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(f".{_HOMES[name]}", __name__), name)
    if name == "Stepper":  # its notebook page builds on it and hands itself over when loaded
        import_module(".web.notebook", __name__)
    globals()[name] = value  # the next access is a plain lookup
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
