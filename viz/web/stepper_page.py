"""Both passes of NNDL §4.5.3 as one offline web page: click, or press → and ←, through them.

`to_html(root_or_stepper, "page.html")` writes one self-contained file (the graph as inline
SVG, the script and the style inside; no network, no server) that a learner opens in any
browser and a teacher hands out. `stepper_html(...)` returns the same page as a string, and a
`Stepper` shows it in Jupyter (`viz.web.notebook`: the page in an iframe of its own).

Every number on the page is text the engine's own walk wrote: a `Stepper` replays both passes
(the visit `backward()` makes, with the op table's local derivatives) and the page shows, step
by step, what each step computed; a leaf's explainer is `explain(root, leaf)`. The script
computes no number, only which of those texts to show. Without scripts (a viewer that blocks
them) the page is the graph after both passes and every step as text.
"""

from __future__ import annotations

import html
import json
import os
import re
from collections.abc import Iterable
from importlib.resources import files
from pathlib import Path
from typing import Any

from micrograd_nndl import NonFiniteGradientError, Value, derivative_text, write_atomic

from ..draw.dot import draw_dot
from ..draw.style import Frames
from ..errors import VizError
from ..graph import Graph, local_derivatives
from ..number_format import DIGITS, format_number
from ..step.chain_rule import ChainRules
from ..step.stepper import FORWARD, Step, Stepper

PAGE_TITLE = "Back-propagation step by step"
MAX_PAGE_NODES = 5_000  # an MLP's loss on ten samples has ~2,000 nodes: a 2 MB page, 4 s to make
_ASSETS = files("viz.web") / "assets"


def stepper_html(
    root_or_stepper: Value | Stepper,
    *,
    params: Iterable[Value] = (),
    title: str = "",
    digits: int = DIGITS,
    max_nodes: int = MAX_PAGE_NODES,
) -> str:
    """The interactive page of both passes of `root_or_stepper`, as one HTML string.

    A `Stepper` keeps its `digits` and the page opens at the step it has reached; a `Value`
    gets a fresh stepper with `digits`. `params` are drawn as learnable parameters (as in
    `draw_dot`); `title` heads the page (default: names the output). A graph of more than
    `max_nodes` nodes is refused (VizError): its page would be too large to step through.
    """
    stepper = _stepper(root_or_stepper, digits)
    if len(stepper.graph) > max_nodes:
        raise VizError(
            f"a page of {len(stepper.graph):,} nodes is too large to step through (at most "
            f"{max_nodes:,}; max_nodes= raises the limit): step a smaller graph, such as the "
            "loss of one sample"
        )
    params = list(params)
    steps, done = _walk(stepper)
    data = page_data(stepper, steps, params=params, title=title)
    parts = {
        "TITLE": html.escape(data["title"]),
        "STYLE": _asset("stepper.css"),
        "SVG": _svg(done, params),
        "STEPS": "\n".join(
            f"<li>{html.escape(step['heading'])}: {html.escape(step['formula'])}</li>"
            for step in data["steps"]
        ),
        "DATA": script_json(data),
        "SCRIPT": _asset("stepper.js"),
    }
    return re.sub(r"@@([A-Z]+)@@", lambda m: parts[m[1]], _asset("stepper.html"))


def to_html(
    root_or_stepper: Value | Stepper,
    path: str | os.PathLike[str],
    *,
    params: Iterable[Value] = (),
    title: str = "",
    digits: int = DIGITS,
    max_nodes: int = MAX_PAGE_NODES,
) -> Path:
    """Write the page of `stepper_html` to `path` as one UTF-8 file, whole or not at all (a
    failure leaves the old file as it was); return the path."""
    page = stepper_html(
        root_or_stepper, params=params, title=title, digits=digits, max_nodes=max_nodes
    )
    write_atomic(path, page)
    return Path(path)


def script_json(data: object) -> str:
    """`data` as JSON that is safe inside `<script>`: no `<`, `>` or `&` appears as such (a
    label "</script>" cannot end the script), every string reads back the same."""
    text = json.dumps(data, ensure_ascii=False, allow_nan=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def page_data(
    stepper: Stepper, steps: list[Step], *, params: Iterable[Value] = (), title: str = ""
) -> dict[str, Any]:
    """What the page shows, JSON-ready: each node (name, role, value before any step, local
    derivatives, a leaf's chain rule) and each step of `_walk` (its text and the numbers it
    reveals), all as the engine wrote them."""
    graph, digits = stepper.graph, stepper.digits
    param_ids = {id(p) for p in params}
    rules = ChainRules(graph)  # one walk for every leaf's chain rule: 1000 leaves in seconds
    return {
        "title": title or f"{PAGE_TITLE}: {graph.name(stepper.root)}",
        "root": graph.index(stepper.root),
        "start": len(stepper.history),
        "nodes": [_node_data(rules, node, id(node) in param_ids, digits) for node in graph.nodes],
        "steps": [_step_data(graph, step, digits, stepper.max_inputs) for step in steps],
    }


def _walk(stepper: Stepper) -> tuple[list[Step], Stepper]:
    """Both passes replayed from the start by a fresh stepper: its steps, and the stepper at
    the end (every value and gradient computed). `stepper` itself does not move."""
    replay = stepper.replay()
    steps: list[Step] = []
    while step := replay.forward() or replay.backward():
        assert isinstance(step, Step)  # a Stop is false: it ends the loop
        steps.append(step)
    return steps, replay


def _stepper(root_or_stepper: Value | Stepper, digits: int) -> Stepper:
    if isinstance(root_or_stepper, Stepper):
        return root_or_stepper
    if not isinstance(root_or_stepper, Value):
        raise TypeError(
            "to_html needs a micrograd_nndl.Value (the output) or a viz.Stepper, "
            f"not {type(root_or_stepper).__name__}"
        )
    return Stepper(root_or_stepper, digits=digits)


def _asset(name: str) -> str:
    return (_ASSETS / name).read_text(encoding="utf-8")


def _node_data(rules: ChainRules, node: Value, is_param: bool, digits: int) -> dict[str, object]:
    """A node as the page knows it: its value before any step is known only for a leaf."""
    graph = rules.graph
    i = graph.index(node)
    if node is graph.root:
        role = "output"
    elif node.is_leaf:
        role = "parameter" if is_param else "input"
    else:
        role = "computed value"
    entry: dict[str, Any] = {
        "name": graph.name(node),
        "role": role,
        "inputs": [graph.index(p) for p in node.parents],
        "value": format_number(node.data, digits) if node.is_leaf else None,
    }
    if node.is_leaf:
        entry["chain"] = _chain_text(rules, node, digits)
        return entry
    op = node.op_info
    assert op is not None  # a leaf returned above
    locals_ = local_derivatives(node)
    entry["op"] = f"{op.name}: {op.formula}; {op.derivative}"
    entry["locals"] = []
    for arg, parent in enumerate(node.parents):
        symbol = graph.edge(node, arg)
        value = "undefined" if locals_ is None else format_number(locals_[arg], digits)
        title = f"n{graph.index(parent)}->o{i}"
        entry["locals"].append({"edge": symbol, "value": value, "svg": title})
    return entry


def _chain_text(rules: ChainRules, leaf: Value, digits: int) -> str:
    """∂root/∂leaf as the explainer writes it: every path to the output and its product."""
    try:
        return rules.explain(leaf, digits=digits).text
    except NonFiniteGradientError as e:
        graph = rules.graph
        return f"{graph.derivative(graph.root, leaf)} is not defined here: {e}"


def _step_data(graph: Graph, step: Step, digits: int, max_inputs: int | None) -> dict[str, object]:
    """One step: its heading ("backward 2/7"), a sentence, the engine's formula text, the node,
    the edges it reads or updates, and the numbers it reveals (["value"|"grad", node, text]).
    The sentence names at most `max_inputs` inputs, as the stepper's own text does."""
    node = step.node
    i, name, heading = graph.index(node), graph.name(node), step.heading
    inputs = graph.inputs_text(node, max_inputs)
    if step.direction == FORWARD:
        sentence = f"The forward pass computes {name} from {inputs} ({node.op})."
        sets = [["value", i, format_number(node.data, digits)]]  # what forward() reveals
        edges = list(range(len(node.parents)))
    elif not step.updates:
        sentence = f"The backward pass starts at the output: {graph.derivative(node, node)} = 1."
        sets = [["grad", i, "1"]]  # ∂root/∂root, as the step's text says
        edges = []
    else:
        sentence = (
            f"The chain rule at {name}: each of its inputs ({inputs}) gains "
            f"{derivative_text(name, 'input')} × {graph.grad(node)}."
        )
        sets = [
            ["grad", graph.index(u.parent), format_number(u.after, digits)] for u in step.updates
        ]
        edges = [u.argument for u in step.updates]
    return {
        "heading": heading,
        "sentence": sentence,
        "formula": step.text.removeprefix(f"{heading}: "),
        "node": i,
        "edges": edges,
        "sets": sets,
    }


def _svg(done: Stepper, params: list[Value]) -> str:
    """The graph drawn once, at the end of both passes, with room kept for every text a step
    shows (`Frames`: "—" and each final number), so the layout never moves; the script swaps
    each number for what the current step knows."""
    return draw_dot(
        done.graph,
        params=params,
        values=done.values,
        grads=done.grads,
        digits=done.digits,
        frames=Frames(dict(done.grads)),
    ).svg_element()
