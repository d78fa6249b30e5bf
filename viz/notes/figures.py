"""The figures of a chapter-4 notes page other than the computation graph, each from the
engine's numbers: the neuron (NNDL §4.1, figure 4.1), the feed-forward network (§4.3, figure
4.5), activation functions with their derivatives by backward() (§4.1, figures 4.2-4.4) and a
loss over one or two weights (§4.6.1, figure 4.9); and `block_html`, a block by its `figure=`.

The neuron and network blocks are settings, one `key = value` a statement, a list's numbers
separated by commas (`x = 1, -2`, `layers = [3, 4, 4, 1]`); the activation and loss blocks are
formulas in the language of the graph block.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from micrograd_nndl import MLP, Expression, ExpressionError, MathError, Neuron, Value

from ..draw.figures import draw_network, draw_neuron
from .fence import FIGURE_STYLE, NoteError, Statement, build_note, note_html, readable, statements
from .options import DEFAULT_RANGE, OptionError, words
from .plot import Curve, Panel, curves_svg, heatmap_svg

CURVE_POINTS = 161  # samples of an activation's range: a kink at 0 falls on one
GRID = 33  # a loss surface's samples per axis (33 × 33 evaluations and backward passes)
_INK = {"auto": "currentColor", "light": "#1f2937"}


def block_html(source: str, options: Mapping[str, Any]) -> str:
    """The HTML of a block, drawn as its `figure` option says (options from `read_options`)."""
    figure = options.get("figure", "graph")
    if figure == "graph":
        return note_html(
            source,
            params=options.get("params", ""),
            rankdir=options.get("rankdir", "LR"),
            stepper=options.get("stepper", False),
        )
    lang, ink = options.get("lang", "en"), _INK[options.get("colours", "auto")]
    if figure == "neuron":
        inner = neuron_svg(source)
    elif figure == "network":
        inner = network_svg(source)
    elif figure == "activations":
        inner = activations_svg(source, options.get("range", DEFAULT_RANGE), lang, ink)
    else:
        inner = loss_svg(
            source, options.get("axes", ""), options.get("range", DEFAULT_RANGE), lang, ink
        )
    return (
        f'<div class="micrograd-note"><figure class="micrograd-{figure}" '
        f'style="{FIGURE_STYLE}">{inner}</figure></div>'
    )


# ---- neuron and network: settings ------------------------------------------------------------


def settings(source: str, known: Mapping[str, str]) -> dict[str, tuple[list[str], Statement]]:
    """`key = a, b, c` statements -> {key: (["a", "b", "c"], statement)}; `known` maps each
    allowed key to what it holds, for the message when another is written."""
    found: dict[str, tuple[list[str], Statement]] = {}
    for statement in statements(source):
        key, equals, value = statement.text.partition("=")
        key = key.strip()
        column = statement.column + len(statement.text) - len(statement.text.lstrip()) + 1
        if not equals or key not in known:
            expected = "; ".join(f"{k} = {what}" for k, what in known.items())
            raise NoteError(f"expected one of: {expected}", source, statement.line, column)
        if key in found:
            raise NoteError(f"{key} is given twice", source, statement.line, column)
        items = [item.strip() for item in value.strip().strip("[]").split(",")]
        found[key] = (items, statement)
    return found


def _numbers(source: str, entry: tuple[list[str], Statement]) -> list[float]:
    """A setting's items as numbers (constant formulas, as `pi/4`)."""
    items, statement = entry
    numbers = []
    for item in items:
        try:
            expression = Expression(item)
            if expression.variables:
                raise ExpressionError(f"{item!r} is not a number")
            numbers.append(expression.evaluate().data)
        except (ExpressionError, MathError) as e:
            where = statement.text.find(item, statement.text.find("=")) if item else -1
            column = statement.column + max(where, 0) + 1
            raise NoteError(getattr(e, "reason", str(e)), source, statement.line, column) from None
    return numbers


def _failure(source: str, statement: Statement, reason: str) -> NoteError:
    return NoteError(reason, source, statement.line, statement.column + 1)


def neuron_svg(source: str) -> str:
    """a = f(Σᵢ wᵢxᵢ + b) (§4.1) of the block's x, w, b and activation, after backward(): each
    weight, the bias and each input shows ∂a/∂· as the engine computes it."""
    got = settings(
        source,
        {"x": "the inputs", "w": "the weights", "b": "the bias", "activation": "a name"},
    )
    for key in ("x", "w"):
        if key not in got:
            raise NoteError(f"a neuron block needs {key} = ... (as x = 1, -2)", source, 1, 1)
    xs, ws = _numbers(source, got["x"]), _numbers(source, got["w"])
    if len(xs) != len(ws):
        raise _failure(source, got["w"][1], f"{len(ws)} weights for {len(xs)} inputs")
    b = _numbers(source, got["b"])[0] if "b" in got else 0.0
    activation = got["activation"][0][0] if "activation" in got else "sigmoid"
    try:
        neuron = Neuron(len(xs), activation)
    except ValueError as e:
        raise _failure(source, got["activation"][1], str(e)) from None
    for weight, number in zip(neuron.w, ws):
        weight.data = number
    neuron.b.data = b
    inputs = [Value(x) for x in xs]
    neuron(inputs).backward()
    return readable(draw_neuron(neuron, inputs).svg_element())


def network_svg(source: str) -> str:
    """The network of the block's `layers` (inputs first, §4.3) on the sample x, weights drawn
    by size and sign; `seed` makes its random weights repeatable (default 0)."""
    got = settings(
        source,
        {
            "layers": "[inputs, hidden..., outputs]",
            "x": "the sample",
            "activation": "the hidden layers'",
            "output": "the output layer's",
            "seed": "an integer",
        },
    )
    if "layers" not in got:
        raise NoteError("a network block needs layers = [3, 4, 4, 1]", source, 1, 1)
    sizes = _numbers(source, got["layers"])
    if len(sizes) < 2 or any(s != int(s) or not 1 <= s <= 1000 for s in sizes):
        raise _failure(source, got["layers"][1], "layers are two or more whole numbers, 1 to 1000")
    nin = int(sizes[0])
    xs = _numbers(source, got["x"]) if "x" in got else [1.0] * nin
    if len(xs) != nin:
        raise _failure(source, got["x"][1], f"x has {len(xs)} numbers for {nin} inputs")
    seed = int(_numbers(source, got["seed"])[0]) if "seed" in got else 0
    hidden = got["activation"][0][0] if "activation" in got else "relu"
    output = got["output"][0][0] if "output" in got else None
    try:
        mlp = MLP(nin, [int(s) for s in sizes[1:]], hidden, output, seed=seed)
    except ValueError as e:
        raise _failure(source, got.get("activation", got["layers"])[1], str(e)) from None
    return readable(draw_network(mlp, xs).svg_element())


# ---- activations and loss: formulas ----------------------------------------------------------


def _formulas(source: str) -> list[tuple[str, Expression, Statement]]:
    """Each statement `name = formula` or a bare formula: (its name or text, its Expression)."""
    found = []
    for statement in statements(source):
        name, equals, formula = statement.text.partition("=")
        if not equals:
            name, formula = statement.text, statement.text
        column = statement.column + (len(name) + 1 if equals else 0)
        column += len(formula) - len(formula.lstrip()) + 1
        try:
            expression = Expression(formula.strip())
        except ExpressionError as e:
            raise NoteError(e.reason, source, statement.line, column + (e.position or 0)) from None
        found.append((name.strip(), expression, statement))
    if not found:
        raise NoteError("the block is empty: write the functions, as sigmoid(z)", " ", 1, 1)
    return found


def activations_svg(source: str, span: tuple[float, float], lang: str, ink: str) -> str:
    """Each formula of one variable f(z) and its derivative f′(z) over `span`, side by side
    (§4.1's figures 4.2-4.4)."""
    values, slopes = activation_curves(source, span)
    said = words(lang)
    return curves_svg(
        [Panel(said["function"], values), Panel(said["derivative"], slopes)],
        label=", ".join(c.name for c in values),
        ink=ink,
    )


def activation_curves(source: str, span: tuple[float, float]) -> tuple[list[Curve], list[Curve]]:
    """The block's functions f(z) and their derivatives sampled over `span`: f′ is the gradient
    backward() leaves on z, point by point."""
    zs = [span[0] + (span[1] - span[0]) * k / (CURVE_POINTS - 1) for k in range(CURVE_POINTS)]
    values, slopes = [], []
    for name, expression, statement in _formulas(source):
        if len(expression.variables) != 1:
            raise _failure(
                source,
                statement,
                f"{name} must be a function of one variable, as sigmoid(z); it has "
                f"{len(expression.variables)}",
            )
        (variable,) = expression.variables
        ys, ds = zip(*(_value_and_slope(expression, variable, z) for z in zs))
        values.append(Curve(name, zs, ys))
        slopes.append(Curve(name, zs, ds))
    return values, slopes


def _value_and_slope(expression: Expression, variable: str, z: float) -> tuple[float, float]:
    """f(z) and df/dz by backward(); NaN where f is not defined (a gap in the curve)."""
    leaf = Value(z, variable)
    try:
        out = expression.evaluate({variable: leaf})
        out.backward()
    except MathError:
        return math.nan, math.nan
    return out.data, leaf.grad


def loss_svg(source: str, axes: str, span: tuple[float, float], lang: str, ink: str) -> str:
    """The block's output over its inputs `axes` (one or two names, the others as given):
    a curve with its derivative, or a heatmap with the block's own point and −∇ there, every
    value and gradient by the engine (§4.6.1: y = σ(w₂σ(w₁x)) is not convex)."""
    names = axes.replace(",", " ").split()
    note = build_note(source)
    if not 1 <= len(names) <= 2:
        raise OptionError(
            "axes", f'axes names one or two inputs of the block, as axes="w₁ w₂"; got {axes!r}'
        )
    for name in names:
        if name not in note.names or note.names[name].parents:
            raise OptionError(
                "axes", f"axes names {name!r}, which the block does not give a number"
            )
    label = note.root.label or "f"
    if len(names) == 1:
        grid, (values, slopes) = loss_surface(source, names, span)
        panels = [
            Panel(f"{label}({names[0]})", [Curve(label, grid, values)]),
            Panel(f"∂{label}/∂{names[0]}", [Curve(f"∂{label}/∂{names[0]}", grid, slopes)]),
        ]
        return curves_svg(panels, label=label, ink=ink)
    grid, rows = loss_surface(source, names, span)
    here = [note.names[n] for n in names]
    inside = all(span[0] <= v.data <= span[1] for v in here)
    point = (here[0].data, here[1].data, here[0].grad, here[1].grad) if inside else None
    return heatmap_svg(
        grid,
        grid,
        rows,
        names=(names[0], names[1]),
        point=point,
        words=words(lang),
        label=f"{label}({', '.join(names)})",
        ink=ink,
    )


def loss_surface(
    source: str, names: list[str], span: tuple[float, float]
) -> tuple[list[float], list[list[float]]]:
    """The grid over `span`, and the block's output on it: for one name [values, derivatives]
    (the derivative by backward()), for two rows[i][j] at names = (grid[j], grid[i]); NaN
    where the block cannot be computed."""
    steps = CURVE_POINTS if len(names) == 1 else GRID
    grid = [span[0] + (span[1] - span[0]) * k / (steps - 1) for k in range(steps)]

    def at(point: Mapping[str, float]) -> tuple[float, float]:
        try:
            result = build_note(source, at=point)
        except NoteError:  # the block was drawn at its own point: a math error here, a gap
            return math.nan, math.nan
        return result.root.data, result.names[names[0]].grad

    if len(names) == 1:
        pairs = [at({names[0]: w}) for w in grid]
        return grid, [[v for v, _ in pairs], [d for _, d in pairs]]
    return grid, [[at({names[0]: a, names[1]: b})[0] for a in grid] for b in grid]
