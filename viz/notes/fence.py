"""The ```micrograd fence itself: a block of statements read by the safe expression language,
built into one graph, and written as its drawing, its table and (on request) its step-through
page. `viz.notes` is the name a mkdocs.yml configures; it re-exports this module's names."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from micrograd_nndl import Expression, ExpressionError, MathError, Value

from ..draw.dot import RANKDIRS, draw_dot
from ..errors import VizError
from ..graph import Graph
from ..step.stepper import Stepper
from ..step.text import HEADER, graph_rows
from ..web.notebook import notebook_html

#: The options a ```micrograd fence takes in its header, e.g. ```micrograd params="w b"
OPTIONS = ("params", "rankdir", "stepper")
_ASSIGNMENT = re.compile(r"\s*([^\s=]+)\s*=(?!=)")
_TRUE = {"true": True, "1": True, "yes": True, "false": False, "0": False, "no": False}
_SVG_SIZE = re.compile(r'^<svg width="([0-9.]+)pt" height="([0-9.]+)pt"')
#: The scales a graph is shown at, of Graphviz's size: it fills the column up to the larger
#: (Graphviz's 14 pt text is then 14 px) and shrinks with it down to the smaller (9 px: the
#: book's σ(wx + b) fits a 690 px column); a graph wider than that scrolls sideways. A theme's
#: `svg { max-width: 100% }` alone made a wide graph's text 5 px high.
GRAPH_SCALES = (0.45, 0.75)
#: Inline, as the svg's own style: a site needs no stylesheet of ours.
_FIGURE_STYLE = "margin: 1em 0; overflow-x: auto; text-align: center"


class NoteError(VizError):
    """A ```micrograd block that cannot be drawn; `str()` shows the line with a caret.

    `line` and `column` (1-based) place the problem in the block, `reason` says what it is.
    """

    def __init__(self, reason: str, source: str, line: int, column: int) -> None:
        self.reason, self.line, self.column = reason, line, column
        text = source.splitlines()[line - 1] if source.strip() else ""
        shown = "".join(c if c.isprintable() else "?" for c in text)
        caret = " " * (column - 1) + "^"
        super().__init__(
            f"micrograd block, line {line}, column {column}: {reason}\n  {shown}\n  {caret}"
        )


@dataclass(frozen=True)
class Statement:
    """One statement of a block: its text and where it starts (line 1-based, column 0-based)."""

    text: str
    line: int
    column: int


@dataclass(frozen=True)
class Note:
    """A block's graph after backward: its output, the values by name, the named parameters."""

    root: Value
    names: Mapping[str, Value]
    params: tuple[Value, ...]


def statements(source: str) -> Iterator[Statement]:
    """The non-empty statements of `source`: split at newlines and `;`, comments dropped.

    Neither `;` nor `#` is part of the expression language, so splitting never cuts a formula.
    """
    for number, line in enumerate(source.splitlines(), 1):
        line = line.split("#", 1)[0]
        start = 0
        for part in line.split(";"):
            if part.strip():
                yield Statement(part, number, start)
            start += len(part) + 1


def build_note(source: str, params: str = "") -> Note:
    """Run the statements of `source` (see the module's note), then backward from the last.

    `params` names the learnable parameters, separated by spaces or commas.
    """
    names: dict[str, Value] = {}
    root: Value | None = None
    last: _Parsed | None = None
    for statement in statements(source):
        last = parsed = _parse(statement, source)
        where = (source, statement.line)
        if parsed.name in names:
            raise NoteError(f"{parsed.name} is assigned twice", *where, parsed.name_column)
        try:
            value = parsed.expression.evaluate(names)
        except (ExpressionError, MathError) as e:
            raise parsed.error(e, source) from None
        if not parsed.expression.variables:  # a number: the value of an input
            if parsed.name is None:
                raise NoteError(
                    "a number alone is not a graph: give it a name, as x = 1",
                    *where,
                    parsed.column,
                )
            names[parsed.name] = Value(value.data, parsed.name)
            root = None
            continue
        if any(value is known for known in names.values()):
            raise NoteError("this only renames a value: use the name itself", *where, parsed.column)
        if parsed.name is not None:
            value.label = parsed.name
            names[parsed.name] = value
        root = value
    if last is None:
        raise NoteError("the block is empty: write the values and a formula", " ", 1, 1)
    if root is None:
        raise NoteError(
            "the last statement must compute the output from the values above, as "
            "f = sigmoid(w*x + b)",
            source,
            last.line,
            last.start,
        )
    chosen = _params(params, names, source, last)
    try:
        last.expression.backward(root)
    except MathError as e:
        raise last.error(e, source) from None
    return Note(root, names, chosen)


def note_html(source: str, *, params: str = "", rankdir: str = "LR", stepper: bool = False) -> str:
    """The HTML of a block: the drawn graph after backward (inline SVG) and its derivative
    table; with `stepper`, the interactive step-through of both passes below them."""
    if rankdir not in RANKDIRS:  # an option of the header, not a line of the block
        raise ValueError(f"rankdir must be one of {', '.join(RANKDIRS)}, got {rankdir!r}")
    note = build_note(source, params)
    graph = Graph(note.root)  # one view of the root for the drawing, the table and the steps
    svg = _readable(draw_dot(graph, rankdir=rankdir, params=note.params).svg_element())
    parts = [
        '<div class="micrograd-note">',
        f'<figure class="micrograd-graph" style="{_FIGURE_STYLE}">{svg}</figure>',
        _table(graph),
    ]
    if stepper:
        parts.append(_stepper(graph))
    parts.append("</div>")
    return "\n".join(parts)


# ---- pymdownx.superfences: the custom fence ----------------------------------------------------


def validate_micrograd(
    language: str, inputs: dict[str, str], options: dict[str, Any], attrs: dict[str, str], md: Any
) -> bool:
    """Accept the fence's options (`OPTIONS`); an unknown one fails the build, never silently."""
    for key, value in inputs.items():
        if key not in OPTIONS:
            raise _build_failure(
                f"micrograd block: unknown option {key!r} (known: {', '.join(OPTIONS)})"
            )
        if key == "stepper":
            if value.lower() not in _TRUE:
                raise _build_failure(
                    f"micrograd block: stepper must be true or false, got {value!r}"
                )
            options[key] = _TRUE[value.lower()]
        elif key == "rankdir" and value not in RANKDIRS:
            raise _build_failure(
                f"micrograd block: rankdir must be one of {', '.join(RANKDIRS)}, got {value!r}"
            )
        else:
            options[key] = value
    return True


def fence_micrograd(
    source: str, language: str, css_class: str, options: dict[str, Any], md: Any, **kwargs: Any
) -> str:
    """The superfences formatter: the block's HTML, or a failed build naming its line."""
    try:
        return note_html(source, **options)
    except NoteError as e:
        raise _build_failure(str(e)) from None  # the message is the whole story


def _build_failure(message: str) -> Exception:
    """The one exception superfences lets through: any other would leave the block as plain
    code, and the build would pass."""
    from pymdownx.superfences import SuperFencesException  # only a Markdown build calls this

    return SuperFencesException(message)


# ---- helpers -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Parsed:
    """A statement read: the name it assigns (None for a bare formula) and its formula, with
    their 1-based columns in the block's line."""

    name: str | None
    name_column: int
    expression: Expression
    column: int
    line: int

    @property
    def start(self) -> int:
        """The column where the statement starts."""
        return self.name_column if self.name is not None else self.column

    def error(self, error: ExpressionError | MathError, source: str) -> NoteError:
        """The expression language's or the engine's error, placed in the block's line."""
        if isinstance(error, ExpressionError):
            return NoteError(error.reason, source, self.line, self.column + (error.position or 0))
        inner = error.position if isinstance(error, MathError) else None  # placed by the language
        column = self.column + (inner or 0)
        said = str(error).splitlines()[0]  # the block's own caret replaces the formula's picture
        return NoteError(f"{type(error).__name__}: {said}", source, self.line, column)


def _parse(statement: Statement, source: str) -> _Parsed:
    """Read `name = formula` or a bare formula, with the expression language's own rules."""
    match = _ASSIGNMENT.match(statement.text)
    name, name_column = None, 0
    formula_start = 0
    if match is not None:
        name, name_column = match.group(1), statement.column + match.start(1) + 1
        if not _is_variable(name):
            raise NoteError(
                f"{name!r} cannot be assigned: a name is letters, digits and _, not pi, e or "
                "a function",
                source,
                statement.line,
                name_column,
            )
        formula_start = match.end()
    formula = statement.text[formula_start:]
    column = statement.column + formula_start + len(formula) - len(formula.lstrip()) + 1
    try:
        expression = Expression(formula.strip())
    except ExpressionError as e:
        raise NoteError(e.reason, source, statement.line, column + (e.position or 0)) from None
    return _Parsed(name, name_column, expression, column, statement.line)


def _is_variable(name: str) -> bool:
    """Whether the expression language reads `name` as a variable (the same rules as there)."""
    try:
        return Expression(name).variables == (name,)
    except ExpressionError:
        return False


def _params(
    params: str, names: Mapping[str, Value], source: str, last: _Parsed
) -> tuple[Value, ...]:
    chosen = []
    for name in params.replace(",", " ").split():
        if name not in names:
            raise NoteError(
                f"params names {name!r}, which the block does not assign",
                source,
                last.line,
                last.column,
            )
        chosen.append(names[name])
    return tuple(chosen)


def _readable(svg: str) -> str:
    """The drawn `<svg>` as wide as the column allows between the GRAPH_SCALES."""
    size = _SVG_SIZE.match(svg)
    if size is None:  # every Graphviz SVG starts so; anything else is shown as drawn
        return svg
    width, height = (float(n) for n in size.groups())
    least, most = (width * scale for scale in GRAPH_SCALES)
    sized = (
        f'<svg width="{most:.0f}pt" height="{height * GRAPH_SCALES[1]:.0f}pt" style="width: '
        f'100%; height: auto; min-width: {least:.0f}pt; max-width: {most:.0f}pt"'
    )
    return sized + svg[size.end() :]


def _table(graph: Graph) -> str:
    """The derivative table (`graph_rows`) as an HTML table, every cell escaped."""

    def row(cells: tuple[str, ...], tag: str) -> str:
        return "<tr>" + "".join(f"<{tag}>{html.escape(c)}</{tag}>" for c in cells) + "</tr>"

    body = "".join(row(cells, "td") for cells in graph_rows(graph))
    return (
        "<table>"  # unclassed: the site's theme styles it as any table of the page
        f"<thead>{row(HEADER, 'th')}</thead><tbody>{body}</tbody></table>"
    )


def _stepper(graph: Graph) -> str:
    """The interactive step-through of both passes, in a frame of its own (as a notebook
    shows it): its script and style cannot touch the page around it."""
    return notebook_html(Stepper(graph))
