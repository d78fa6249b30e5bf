"""The computation-graph block: statements read by the safe expression language, built into
one graph, and written as its drawing, its table and (on request) its step-through page.
`viz.notes.superfences` hands blocks here; `viz.notes` re-exports the names."""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from micrograd_nndl import Expression, ExpressionError, MathError, Value
from micrograd_nndl.expr import ascii_punctuation

from ..draw.dot import RANKDIRS, draw_dot
from ..draw.fit import COLUMN, READABLE_PX, min_scale
from ..errors import VizError
from ..graph import Graph
from ..step.stepper import Stepper
from ..step.text import graph_rows, header
from ..web.notebook import notebook_html
from ..web.stepper_page import MAX_PAGE_NODES
from .options import OptionError

_ASSIGNMENT = re.compile(r"\s*([^\s=]+)\s*=(?!=)")
_SVG_SIZE = re.compile(r'^<svg width="([0-9.]+)pt" height="([0-9.]+)pt"')
#: The scales a graph is shown at, of Graphviz's size: it fills the column up to the larger
#: (Graphviz's 14 pt text is then 14 px) and shrinks with it down to the smaller, but never
#: below MIN_TEXT (`readable`); a graph wider than that scrolls sideways. A theme's
#: `svg { max-width: 100% }` alone made a wide graph's text 5 px high.
GRAPH_SCALES = (0.45, 0.75)
#: A stepper="true" block's graph is laid out for this width (px) at its own size: the page's
#: "fit" shrinks it to min_scale() (10 px text), so it then fits the column less the frame's
#: margins (36 px) where a graph laid out for a notebook ran 25 px past the frame.
FRAMED_GRAPH = (COLUMN - 36) / min_scale()
MIN_TEXT = READABLE_PX  # px: the smallest text a drawing keeps in a notes column (DESIGN.md)
_FONT_SIZE = re.compile(r'font-size="([0-9.]+)"')
#: Inline, as the svg's own style: a site needs no stylesheet of ours.
FIGURE_STYLE = "margin: 1em 0; overflow-x: auto; text-align: center"


class NoteError(VizError):
    """A ```micrograd block that cannot be drawn; `str()` shows the line with a caret.

    `line` and `column` (1-based) place the problem in the block, `reason` says what it is.
    """

    def __init__(self, reason: str, source: str, line: int, column: int) -> None:
        self.reason, self.line, self.column = reason, line, column
        text = source.splitlines()[line - 1] if source.strip() else ""
        super().__init__(
            f"micrograd block, line {line}, column {column}: {reason}\n{picture(text, column)}"
        )


def picture(text: str, column: int) -> str:
    """`text` indented, and under it a caret at `column` (1-based), a full-width glyph (净)
    counted as the two columns it takes; controls are shown as ?."""
    shown = "".join(c if c.isprintable() else "?" for c in text)
    width = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in shown[: column - 1])
    return f"  {shown}\n  {' ' * width}^"


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
        line = ascii_punctuation(line).split("#", 1)[0]  # x = 1；w = 0 from a Chinese keyboard
        start = 0
        for part in line.split(";"):
            if part.strip():
                yield Statement(part, number, start)
            start += len(part) + 1


def build_note(source: str, params: str = "", at: Mapping[str, float] | None = None) -> Note:
    """Run the statements of `source` (see the module's note), then backward from the last.

    `params` names the learnable parameters, separated by spaces or commas; `at` gives inputs
    other numbers than the block's (a loss figure evaluates the block over a grid).
    """
    at = at or {}
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
            names[parsed.name] = Value(at.get(parsed.name, value.data), parsed.name)
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


def note_html(
    source: str,
    *,
    params: str = "",
    rankdir: str | None = None,
    stepper: bool = False,
    lang: str = "en",
) -> str:
    """The HTML of a block: the drawn graph after backward (inline SVG) and its derivative
    table; with `stepper`, the interactive step-through of both passes below them, the
    `params` drawn as parameters there too. All three in `lang`'s words (viz.words)."""
    if rankdir is not None and rankdir not in RANKDIRS:  # a header's option, not a block's line
        raise ValueError(f"rankdir must be one of {', '.join(RANKDIRS)}, got {rankdir!r}")
    note = build_note(source, params)
    graph = Graph(note.root)  # one view of the root for the drawing, the table and the steps
    if stepper and len(graph) > MAX_PAGE_NODES:  # refused before minutes of drawing
        raise OptionError(
            "stepper",
            f"the block's graph has {len(graph):,} nodes, too many to step through (at most "
            f'{MAX_PAGE_NODES:,}): leave out stepper="true", or step a smaller graph',
        )
    drawing = draw_dot(graph, rankdir=rankdir, params=note.params, lang=lang, width=COLUMN)
    svg = readable(drawing.svg_element())
    parts = [
        '<div class="micrograd-note">',
        f'<figure class="micrograd-graph" style="{FIGURE_STYLE}">{svg}</figure>',
        _table(graph, lang),
    ]
    if stepper:
        stepper_view = Stepper(graph, lang=lang)
        parts.append(
            notebook_html(stepper_view, params=note.params, fallback=False, width=FRAMED_GRAPH)
        )
    parts.append("</div>")
    return "\n".join(parts)


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
                f"{name!r} cannot be assigned: a name is letters of any script, digits, _ "
                "and indices (w₁, b⁽¹⁾), not pi, e or a function",
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


def readable(svg: str) -> str:
    """The drawn `<svg>` as wide as the column allows between the GRAPH_SCALES, and never so
    narrow that its smallest text falls below MIN_TEXT px: beyond that it scrolls."""
    size = _SVG_SIZE.match(svg)
    if size is None:  # every Graphviz SVG starts so; anything else is shown as drawn
        return svg
    width, height = (float(n) for n in size.groups())
    least, most = (width * scale * 4 / 3 for scale in GRAPH_SCALES)  # pt -> px
    fonts = [float(f) for f in _FONT_SIZE.findall(svg)]
    if fonts:  # the viewBox is in pt: text of f pt drawn R px wide is f·R/width px
        least = min(max(least, MIN_TEXT * width / min(fonts)), most)
    sized = (
        f'<svg width="{most:.0f}px" height="{height * GRAPH_SCALES[1] * 4 / 3:.0f}px" '
        f'style="width: 100%; height: auto; min-width: {least:.0f}px; max-width: {most:.0f}px"'
    )
    return sized + svg[size.end() :]


def _table(graph: Graph, lang: str) -> str:
    """The derivative table (`graph_rows`) in `lang` as an HTML table, every cell escaped."""

    def row(cells: tuple[str, ...], tag: str) -> str:
        return "<tr>" + "".join(f"<{tag}>{c}</{tag}>" for c in cells) + "</tr>"

    def unbroken(derivatives: str) -> str:  # "∂净输入/∂b = 1" wrapped at its "/" in a column
        return ", ".join(
            f'<span style="white-space: nowrap">{html.escape(d)}</span>'
            for d in derivatives.split(", ")
        )

    rows = graph_rows(graph, lang=lang)
    body = "".join(
        row((*(html.escape(c) for c in cells[:-1]), unbroken(cells[-1])), "td") for cells in rows
    )
    return (
        "<table>"  # unclassed: the site's theme styles it as any table of the page
        f"<thead>{row(tuple(html.escape(h) for h in header(lang)), 'th')}</thead>"
        f"<tbody>{body}</tbody></table>"
    )
