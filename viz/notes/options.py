"""The options of a ```micrograd fence's header, read and checked before anything is drawn.

    ```micrograd figure="neuron" lang="zh"

A header names the figure (`FIGURES`; the computation graph when left out) and the options that
figure takes; a site sets defaults for every block (the mkdocs plugin's `lang:` and `colours:`).
A mistake raises `OptionError` naming the option, with the nearest known word
(`parms` -> params, `ture` -> true), never a silent default.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from typing import Any

from ..draw.dot import RANKDIRS
from ..errors import VizError

#: The figures of a chapter-4 notes page (NNDL §4.1, §4.3, §4.5.3, §4.6.1), by the fence's
#: `figure=`: each reads its block as its section of docs/notes.md says.
FIGURES = ("graph", "neuron", "network", "activations", "loss")
LANGS = ("en", "zh")
#: "auto": the page's colours (mkdocs-material's slate, prefers-color-scheme); "light": always
#: dark ink on white, for a site without a dark scheme.
COLOURS = ("auto", "light")
#: The options each figure takes; `lang` and `colours` are every figure's (a site's defaults).
FIGURE_OPTIONS: dict[str, tuple[str, ...]] = {
    "graph": ("params", "rankdir", "stepper"),
    "neuron": (),
    "network": (),
    "activations": ("range",),
    "loss": ("axes", "range"),
}
COMMON = ("figure", "lang", "colours")
#: Every option a header may hold.
OPTIONS = (*COMMON, *dict.fromkeys(o for opts in FIGURE_OPTIONS.values() for o in opts))
_TRUE = {"true": True, "yes": True, "1": True, "false": False, "no": False, "0": False}
DEFAULT_RANGE = (-4.0, 4.0)


class OptionError(VizError):
    """An option of a fence's header that cannot be used: `key` names it, `reason` says why."""

    def __init__(self, key: str, reason: str) -> None:
        self.key, self.reason = key, reason
        super().__init__(f"micrograd block: {reason}")


def read_options(
    inputs: Mapping[str, str], site: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """The header's options (`inputs`, as superfences parses them) checked and converted, over
    the `site`'s defaults: {"figure": "graph", "lang": "en", "colours": "auto", ...}."""
    given = {"figure": "graph", "lang": "en", "colours": "auto", **(site or {}), **inputs}
    figure = given["figure"]
    if figure not in FIGURES:
        raise OptionError(
            "figure",
            f"figure must be one of {', '.join(FIGURES)}, got "
            f"{figure!r}{_nearest(figure, FIGURES)}",
        )
    allowed = (*COMMON, *FIGURE_OPTIONS[figure])
    options: dict[str, Any] = {}
    for key, value in given.items():
        if key not in allowed:
            raise OptionError(key, _unknown(key, figure, allowed))
        options[key] = _value(key, value)
    return options


def _value(key: str, value: str) -> Any:
    """One option's value, converted and checked."""
    choices = {"lang": LANGS, "colours": COLOURS, "rankdir": RANKDIRS}.get(key)
    if choices is not None and value not in choices:
        raise OptionError(
            key,
            f"{key} must be one of {', '.join(choices)}, got {value!r}{_nearest(value, choices)}",
        )
    if key == "stepper":
        if value.lower() not in _TRUE:
            raise OptionError(
                key, f"stepper must be true or false, got {value!r}{_nearest(value, _TRUE)}"
            )
        return _TRUE[value.lower()]
    if key == "range":
        return _range(value)
    return value


def _range(value: str) -> tuple[float, float]:
    """ "-4 4" or "-4, 4" -> (-4.0, 4.0): the interval a plot spans."""
    parts = value.replace(",", " ").split()
    try:
        low, high = (float(p) for p in parts)
    except ValueError:
        low = high = float("nan")
    if not (low < high) or max(abs(low), abs(high)) > 1e6:
        raise OptionError(
            "range", f'range must be two numbers, low then high, as "-4 4"; got {value!r}'
        )
    return low, high


def _unknown(key: str, figure: str, allowed: tuple[str, ...]) -> str:
    where = [f for f, opts in FIGURE_OPTIONS.items() if key in opts]
    if where:
        return (
            f"option {key!r} is not one of a {figure} figure's (known: "
            f"{', '.join(allowed)}); it belongs to figure={where[0]!r}"
        )
    return f"unknown option {key!r}{_nearest(key, allowed)} (known: {', '.join(allowed)})"


def _nearest(word: str, known: Any) -> str:
    close = difflib.get_close_matches(word, list(known), n=1, cutoff=0.6)
    return f"; did you mean {close[0]}?" if close else ""


#: The words the figures of viz.notes write, per language. The project's catalog (viz.words,
#: issue #22 item 2) is to serve them; until then `words` is the one place that reads `lang`.
_WORDS = {
    "en": {
        "function": "f(z)",
        "derivative": "f′(z), by backward()",
        "loss": "loss",
        "point": "the given point, −∇L by backward()",
        "low": "low",
        "high": "high",
    },
    "zh": {
        "function": "f(z)",
        "derivative": "导数 f′(z)（backward() 计算）",
        "loss": "损失",
        "point": "给定点，−∇L 由 backward() 计算",
        "low": "低",
        "high": "高",
    },
}


def words(lang: str) -> Mapping[str, str]:
    """The figures' words in `lang` (one of LANGS)."""
    return _WORDS[lang]
