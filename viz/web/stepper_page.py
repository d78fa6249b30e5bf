"""Both passes of NNDL §4.5.3 as one offline web page: click, or press → and ←, through them.

`to_html(root_or_stepper, "page.html")` writes one self-contained file (the graph as inline
SVG, the script and the style inside; no network, no server) that a learner opens in any
browser and a teacher hands out. `stepper_html(...)` returns the same page as a string, and a
`Stepper` shows it in Jupyter (`viz.web.notebook`: the page in an iframe of its own).

Every number on the page is text the engine's own walk wrote: a `Stepper` replays both passes
(the visit `backward()` makes, with the op table's local derivatives) and the page shows, step
by step, what each step computed; a leaf's explainer is `explain(root, leaf)`. When the
learner edits an input, the page computes both passes again with the op table's JavaScript
forms (`viz.web.live`); its quiz asks for each gradient before showing it. Without scripts
(a viewer that blocks them) the page is the graph after both passes and every step as text.
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
from ..draw.fit import NOTEBOOK
from ..draw.style import Frames
from ..errors import VizError
from ..graph import Graph, local_derivatives
from ..number_format import DIGITS, format_number
from ..step.chain_rule import ChainRules
from ..step.stepper import FORWARD, Step, Stepper
from ..words import Words, translator
from .live import live_data, live_script

MAX_PAGE_NODES = 5_000  # an MLP's loss on ten samples has ~2,000 nodes: a 2 MB page, 4 s to make
_ASSETS = files("viz.web") / "assets"


def stepper_html(
    root_or_stepper: Value | Stepper,
    *,
    params: Iterable[Value] = (),
    title: str = "",
    digits: int = DIGITS,
    max_nodes: int = MAX_PAGE_NODES,
    lang: str | None = None,
    width: float = NOTEBOOK,
) -> str:
    """The interactive page of both passes of `root_or_stepper`, as one HTML string.

    A `Stepper` keeps its `digits` and its language and the page opens at the step it has
    reached; a `Value` gets a fresh stepper with `digits` and `lang` ("en", "zh": every word
    of the page, see viz.words; a Stepper's own language unless `lang` is given). `params`
    are drawn as learnable parameters (as in `draw_dot`); `title` heads the page (default:
    names the output). A graph of more than `max_nodes` nodes is refused (VizError): its page
    would be too large to step through. `width` (px) is what the graph is laid out for at its
    own size: a notebook's output by default.
    """
    stepper = _stepper(root_or_stepper, digits, lang)
    words = stepper.words
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
        "LANG": "zh-Hans" if words.lang == "zh" else words.lang,
        "TITLE": html.escape(data["title"]),
        "STYLE": _asset("stepper.css") + _asset("live.css"),
        "SVG": _svg(done, params, width),
        "STEPS": "\n".join(
            "<li>"
            + html.escape(words("stepper.step", heading=step["heading"], text=step["formula"]))
            + "</li>"
            for step in data["steps"]
        ),
        "DATA": script_json(data),
        "SCRIPT": _asset("stepper.js"),
        "LIVEDATA": script_json(live_data(stepper, steps)),
        "LIVE": live_script(stepper) + _asset("live.js") + _asset("quiz.js"),
    }

    def fill(match: re.Match[str]) -> str:
        key = match[1]
        return parts[key] if key in parts else html.escape(words(key))

    return re.sub(r"@@([A-Za-z_.]+)@@", fill, _asset("stepper.html"))


def to_html(
    root_or_stepper: Value | Stepper,
    path: str | os.PathLike[str],
    *,
    params: Iterable[Value] = (),
    title: str = "",
    digits: int = DIGITS,
    max_nodes: int = MAX_PAGE_NODES,
    lang: str | None = None,
) -> Path:
    """Write the page of `stepper_html` to `path` as one UTF-8 file, whole or not at all (a
    failure leaves the old file as it was); return the path. Options as `stepper_html`."""
    page = stepper_html(
        root_or_stepper,
        params=params,
        title=title,
        digits=digits,
        max_nodes=max_nodes,
        lang=lang,
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
    graph, digits, words = stepper.graph, stepper.digits, stepper.words
    param_ids = {id(p) for p in params}
    rules = ChainRules(graph)  # one walk for every leaf's chain rule: 1000 leaves in seconds
    return {
        "title": title or words("page.title_of", output=graph.name(stepper.root)),
        "root": graph.index(stepper.root),
        "start": len(stepper.history),
        "nodes": [
            _node_data(rules, node, id(node) in param_ids, digits, words) for node in graph.nodes
        ],
        "steps": [_step_data(graph, step, digits, stepper.max_inputs, words) for step in steps],
        "words": {key: words(key) for key in SCRIPT_WORDS},
    }


#: The words the page's script writes itself (its placeholders filled in by the script).
SCRIPT_WORDS = (
    "field.data",
    "field.grad",
    "field.value",
    "field.op",
    "stepper.before",
    "page.only_inputs",
    "page.done",
    "page.counter",
    "page.play",
    "page.pause",
    "page.fit",
    "page.list_separator",
)


def _walk(stepper: Stepper) -> tuple[list[Step], Stepper]:
    """Both passes replayed from the start by a fresh stepper: its steps, and the stepper at
    the end (every value and gradient computed). `stepper` itself does not move."""
    replay = stepper.replay()
    steps: list[Step] = []
    while step := replay.forward() or replay.backward():
        assert isinstance(step, Step)  # a Stop is false: it ends the loop
        steps.append(step)
    return steps, replay


def _stepper(root_or_stepper: Value | Stepper, digits: int, lang: str | None) -> Stepper:
    if isinstance(root_or_stepper, Stepper):
        if lang is not None and translator(lang).lang != root_or_stepper.lang:
            return Stepper(
                root_or_stepper.graph,
                digits=root_or_stepper.digits,
                max_inputs=root_or_stepper.max_inputs,
                lang=lang,
            )  # the same graph in another language, at the start
        return root_or_stepper
    if not isinstance(root_or_stepper, Value):
        raise TypeError(
            "to_html needs a micrograd_nndl.Value (the output) or a viz.Stepper, "
            f"not {type(root_or_stepper).__name__}"
        )
    return Stepper(root_or_stepper, digits=digits, lang=lang)


def _asset(name: str) -> str:
    return (_ASSETS / name).read_text(encoding="utf-8")


def _node_data(
    rules: ChainRules, node: Value, is_param: bool, digits: int, words: Words
) -> dict[str, object]:
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
        "role_text": words(f"role.short.{role.split()[0]}"),
        "inputs": [graph.index(p) for p in node.parents],
        "value": format_number(node.data, digits) if node.is_leaf else None,
    }
    if node.is_leaf:
        entry["chain"] = _chain_text(rules, node, digits, words)
        return entry
    op = node.op_info
    assert op is not None  # a leaf returned above
    locals_ = local_derivatives(node)
    entry["op"] = f"{op.name}: {op.formula}; {op.derivative}"
    entry["locals"] = []
    for arg, parent in enumerate(node.parents):
        symbol = graph.edge(node, arg)
        value = words("field.undefined") if locals_ is None else format_number(locals_[arg], digits)
        title = f"n{graph.index(parent)}->n{i}"  # the compact drawing's edge into the op
        entry["locals"].append({"edge": symbol, "value": value, "svg": title})
    return entry


def _chain_text(rules: ChainRules, leaf: Value, digits: int, words: Words) -> str:
    """∂root/∂leaf as the explainer writes it: every path to the output and its product."""
    try:
        return rules.explain(leaf, digits=digits, lang=words.lang).text
    except NonFiniteGradientError as e:
        graph = rules.graph
        symbol = graph.derivative(graph.root, leaf)
        return words("page.undefined_here", symbol=symbol, reason=str(e))


def _step_data(
    graph: Graph, step: Step, digits: int, max_inputs: int | None, words: Words
) -> dict[str, object]:
    """One step: its heading ("backward 2/7"), a sentence, the engine's formula text, the node,
    the edges it reads or updates, and the numbers it reveals (["value"|"grad", node, text]).
    The sentence names at most `max_inputs` inputs, as the stepper's own text does."""
    node = step.node
    i, name, heading = graph.index(node), graph.name(node), step.heading
    inputs = graph.inputs_text(node, max_inputs, words)
    if step.direction == FORWARD:
        sentence = words("page.forward", node=name, inputs=inputs, op=node.op)
        sets = [["value", i, format_number(node.data, digits)]]  # what forward() reveals
        edges = list(range(len(node.parents)))
    elif not step.updates:
        sentence = words("page.backward_start", symbol=graph.derivative(node, node))
        sets = [["grad", i, "1"]]  # ∂root/∂root, as the step's text says
        edges = []
    else:
        sentence = words(
            "page.chain_rule",
            node=name,
            inputs=inputs,
            local=derivative_text(name, words("page.input")),
            grad=graph.grad(node),
        )
        sets = [
            ["grad", graph.index(u.parent), format_number(u.after, digits)] for u in step.updates
        ]
        edges = [u.argument for u in step.updates]
    return {
        "heading": heading,
        "sentence": sentence,
        "formula": step.text.removeprefix(words("stepper.step", heading=heading, text="")),
        "backward": step.direction != FORWARD,
        "node": i,
        "edges": edges,
        "sets": sets,
    }


def _svg(done: Stepper, params: list[Value], width: float) -> str:
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
        width=width,  # what is larger pans
        lang=done.lang,
    ).svg_element()
