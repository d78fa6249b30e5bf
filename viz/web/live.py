"""Live values for the step-through page: what its script needs to recompute both passes in the
browser when a learner edits an input (`assets/live.js`), and the quiz's words.

The script computes with the op table's JavaScript forms (`Op.js`, generated into the page, not
evaluated from text) and writes every text that holds a number from a *template*: the text the
stepper or the explainer writes, its numbers left as slots that name what fills them:

    ["v", i, fmt]            the value of node i
    ["l", i, arg, fmt]       ∂node_i/∂input_arg, the op table's local derivative
    ["u", s, j, field, fmt]  update j of step s: local, upstream, before, product or after
    ["p", leaf, path, fmt]   the product of a leaf's listed path; ["t", leaf, fmt] their sum
    ["s", leaf, path, lines] the line saying which flat op stops the path (`lines`: by the
                             factor that stops it), none while no flat op stops it

fmt is "n" (`format_number`), "f" (`format_factor`: negatives in parentheses) or "o" (an
operand, as `forward_formula` writes one). Filled with the engine's numbers a template is the
engine's text, character for character (a test holds them equal), so a page whose inputs
changed says what the engine would say. A graph with an op that has no JavaScript form gets a
read-only page with a note: never a number the engine did not compute.
"""

from __future__ import annotations

import json
import re
from typing import Any

from micrograd_nndl import OPS, Value
from micrograd_nndl.ops import JS_PRELUDE

from ..graph import Graph
from ..number_format import format_number
from ..step.chain_rule import ChainRules, stop_line
from ..step.formula import forward_formula
from ..step.stepper import FORWARD, Step, Stepper
from ..words import Words

#: The catalog's words the live page and its quiz write (viz.words, "live.<key>").
WORDS = (
    "inputs",
    "inputs_hint",
    "slider",
    "error",
    "quiz",
    "quiz_ask",
    "quiz_answer",
    "quiz_check",
    "quiz_right",
    "quiz_wrong",
    "quiz_score",
)

_MARK = "QzQ"  # a plain name around a node's index: the formula writer keeps it as it is
_SLOT = re.compile(f"{_MARK}(\\d+){_MARK}")


def live_data(stepper: Stepper, steps: list[Step]) -> dict[str, Any]:
    """What `assets/live.js` needs for `stepper`'s graph and the page's `steps` (both passes):
    each node's op and constant, each step's formula as a template, each leaf's chain rule as
    a template; or {"readonly": note} when an op of the graph has no JavaScript form."""
    graph, words = stepper.graph, stepper.words
    missing = sorted({n.op for n in graph.nodes if not n.is_leaf and _js_op(n) is None})
    if missing:
        separator = words("page.list_separator")
        return {"readonly": words("live.readonly", ops=separator.join(missing))}
    digits, rules = stepper.digits, ChainRules(graph)
    return {
        "words": {key: words(f"live.{key}") for key in WORDS},
        "digits": digits,
        "nodes": [_node(graph, node) for node in graph.nodes],
        "steps": [_step(graph, s, step, stepper) for s, step in enumerate(steps)],
        "chains": [
            _chain(rules, node, digits, words) if node.is_leaf else None for node in graph.nodes
        ],
    }


def live_script(stepper: Stepper) -> str:
    """The JavaScript of the ops the graph uses (`LIVE_OPS`) and the helpers they call,
    generated from the table's rows: functions written in the page, nothing evaluated."""
    used = sorted({n.op for n in stepper.graph.nodes if not n.is_leaf and _js_op(n) is not None})
    rows = [f"  {json.dumps(name)}: {_op_js(OPS[name])}," for name in used]
    return JS_PRELUDE + "const LIVE_OPS = {\n" + "\n".join(rows) + "\n};\n"


def _op_js(op: Any) -> str:
    args = {1: "x", 2: "x, k", 4: "a, b", 5: "xs, k"}[op.kind]
    rules = ", ".join(f"({args}, out) => ({rule})" for rule in op.js.rules)
    check = f"({args}) => ({op.js.check})" if op.js.check else "null"
    flat = "true" if op.flat else "false"  # a 0 from its rules stops even a nan (backward_terms)
    return (
        f"{{ kind: {op.kind}, f: ({args}) => ({op.js.forward}), d: [{rules}], check: {check}, "
        f"flat: {flat} }}"
    )


def _js_op(node: Value) -> Any:
    """The table's row that made `node` (a constant-operand form counts as its row) if it
    has a JavaScript form; None for an op without one or an op not of the table (custom)."""
    op = node.op_info
    row = OPS.get(node.op)
    if op is None or row is None or row.js is None:
        return None
    if op is row or (op.constant_side and op is row.with_constant(op.constant_side)):
        return row
    return None


def _node(graph: Graph, node: Value) -> dict[str, Any]:
    """A node as the script computes it; `engine` is how the engine's messages name it."""
    engine = f"'{node.label}'" if node.label else f"<{node.op or 'leaf'} node>"
    grad = graph.grad(node)
    if node.is_leaf:
        span = max(5.0, 2.0 * abs(node.data))  # the slider's range: the book's -5..5 at least
        return {
            "leaf": True,
            "x": node.data,
            "engine": engine,
            "grad": grad,
            "range": [-span, span],
        }
    op = node.op_info
    assert op is not None
    return {
        "op": node.op,
        "side": op.constant_side,
        "k": node.constant,
        "param": op.param or "constant",
        "takes": op.takes_number,
        "engine": engine,
        "grad": grad,
        "unary": op.kind == 1 and op.check is None,  # the engine's short way: "(input: …)"
        "locals": [graph.edge(node, arg) for arg in range(len(node.parents))],
    }


def _step(graph: Graph, s: int, step: Step, stepper: Stepper) -> dict[str, Any]:
    """A step's formula as a template, and a backward step's updates as [input, parent]."""
    node, i, words = step.node, graph.index(step.node), stepper.words
    text = step.text.removeprefix(words("stepper.step", heading=step.heading, text=""))
    if step.direction == FORWARD:
        return {"node": i, "formula": _forward_template(graph, node, stepper)}
    if not step.updates:
        return {"node": i, "formula": [text], "updates": []}
    lines, cap = text.split("\n  "), stepper.max_inputs
    first = 1 if len(step.updates) > 1 else 0  # a line naming the inputs comes first
    template: list[Any] = []
    for n, line in enumerate(lines):
        j = n - first
        template.append("\n  " if n else "")
        if 0 <= j < len(step.updates) and (cap is None or j < cap):
            template += _update_template(graph, s, j, step.updates[j], words)
        else:
            template.append(line)
    updates = [[u.argument, graph.index(u.parent)] for u in step.updates]
    return {"node": i, "formula": _joined(template), "updates": updates}


def _forward_template(graph: Graph, node: Value, stepper: Stepper) -> list[Any]:
    """ "h1 = x × w = 1 × 0 = 0" with the numbers as slots: the stepper's own formula writer
    is given markers for the inputs' values, so the template cannot drift from its text."""
    cap, digits = stepper.max_inputs, stepper.digits

    def number(k: float) -> str:  # a constant of the node: it does not change
        return format_number(k, digits)

    names = forward_formula(node, graph.name, number, cap)
    # Written twice, inputs as markers and as negative markers: where the second has
    # parentheses the first has not, the input is an operand, as "(-1)" in "h2 × (-1)".
    plain = forward_formula(node, lambda p: f"{_MARK}{graph.index(p)}{_MARK}", number, cap)
    negative = forward_formula(node, lambda p: f"-{_MARK}{graph.index(p)}{_MARK}", number, cap)
    template: list[Any] = [f"{graph.name(node)} = {names} = "]
    at = shift = 0
    for match in _SLOT.finditer(plain):
        template.append(plain[at : match.start()])
        operand = negative.startswith("(-", match.start() + shift)
        template.append(["v", int(match[1]), "o" if operand else "n"])
        shift += 3 if operand else 1
        at = match.end()
    template += [plain[at:], " = ", ["v", graph.index(node), "n"]]
    return _joined(template)


def _joined(template: list[Any]) -> list[Any]:
    """The template with neighbouring strings joined and empty ones dropped."""
    out: list[Any] = []
    for part in template:
        if isinstance(part, str) and out and isinstance(out[-1], str):
            out[-1] += part
        elif part != "":
            out.append(part)
    return out


def _update_template(graph: Graph, s: int, j: int, u: Any, words: Words) -> list[Any]:
    """ "h5.grad += ∂h6/∂h5 × h6.grad = (-0.25) × 1 = -0.25", as the stepper writes an update."""
    target, source = graph.grad(u.parent), graph.grad(u.node)
    slot = lambda field, fmt: ["u", s, j, field, fmt]  # noqa: E731
    parts: list[Any] = [
        f"{target} += {graph.edge(u.node, u.argument)} × {source} = ",
        slot("local", "f"),
        " × ",
        slot("upstream", "f"),
        " = ",
    ]
    if u.before is None:
        return [*parts, slot("after", "n")]
    so = {
        "before": slot("before", "n"),
        "product": slot("product", "f"),
        "after": slot("after", "n"),
    }
    return [*parts, slot("product", "n"), *_message(words, "stepper.so", so, grad=target)]


def _message(words: Words, key: str, slots: dict[str, Any], **fields: str) -> list[Any]:
    """The catalog's message `key` as a template: each of `slots`' placeholders a slot, the
    other `fields` filled in, so the page writes the sentence in the page's language."""
    marked = words(key, **fields, **{name: f"{_MARK}{name}{_MARK}" for name in slots})
    pieces = re.split(f"{_MARK}(\\w+?){_MARK}", marked)
    return [slots[piece] if n % 2 else piece for n, piece in enumerate(pieces)]


def _chain(rules: ChainRules, leaf: Value, digits: int, words: Words) -> dict[str, Any] | None:
    """A leaf's chain rule as `explain` writes it, its numbers as slots: the listed paths (each
    a list of [node, input] edges) and the text's template. None where the explainer cannot
    write it at these values (a derivative on the way is not finite)."""
    graph = rules.graph
    try:
        rule = rules.explain(leaf, digits=digits, lang=words.lang)
    except ArithmeticError:
        return None
    i = graph.index(leaf)
    lines = rule.text.split("\n")
    if graph.root is leaf or not rule.paths:
        return {"paths": [], "all": True, "template": [rule.text]}
    paths = [
        [[graph.index(n), a] for n, a in zip(path.nodes, path.arguments)] for path in rule.paths
    ]
    template: list[Any] = [lines[0]]
    for k, path in enumerate(rule.paths):
        edges, values = rule.path_lines[k][:2]  # "        = 0.25 × 1 = 0.25" under "path 1:"
        template.append("\n" + edges + "\n" + values[: values.index("= ") + 2])
        shown = _shown(len(path.factors))
        previous = -1
        for n, f in enumerate(shown):
            if n:
                template.append(" × ")
            if f != previous + 1:
                template.append(words("explain.skipped", count=f - previous - 1) + " × ")
            template.append(["l", *paths[k][f], "f"])
            previous = f
        if len(path.factors) > 1:
            template += [" = ", ["p", i, k, "n"]]
        stops = {  # the line for each flat op that may stop the path, as the live values say
            j: "\n" + stop_line(graph, path, k + 1, j, words)
            for j, node in enumerate(path.nodes[:-1])
            if node.op_info is not None and node.op_info.flat
        }
        if stops:
            template.append(["s", i, k, stops])
    rest = lines[1 + sum(len(group) for group in rule.path_lines) :]
    symbol = graph.derivative(graph.root, leaf)
    for line in rest[:-1]:
        template.append("\n" + line)
    all_listed = rule.path_count == len(rule.paths)
    if all_listed and rule.path_count > 1:
        template.append(f"\n{symbol} = ")
        for k in range(len(rule.paths)):
            template += [" + " if k else "", ["p", i, k, "f"]]
        template += [" = ", ["t", i, "n"]]
    elif all_listed:
        template += [f"\n{symbol} = ", ["t", i, "n"]]
    else:  # "∂f/∂x = 0.25 (all paths, summed node by node from the output back, …)"
        result = f"{symbol} = {_MARK}total{_MARK}"
        total = {"total": ["t", i, "n"]}
        template += ["\n", *_message(words, "explain.backward_sum", total, result=result)]
    return {"paths": paths, "all": all_listed, "template": _joined(template)}


def _shown(length: int, limit: int = 16) -> list[int]:
    """The factors of a path the explainer writes: all, or its first and last halves."""
    if length <= limit:
        return list(range(length))
    head = (limit + 1) // 2
    return [*range(head), *range(length - (limit - head), length)]


def fill(template: list[Any], number: Any) -> str:
    """A template's text with `number(slot)` for each slot (the tests' reading of it, and the
    script's rule): the engine's text when `number` gives the engine's numbers (and, for an
    "s" slot, its line or "")."""
    return "".join(part if isinstance(part, str) else number(part) for part in template)
