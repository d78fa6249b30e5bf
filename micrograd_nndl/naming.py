"""A model parameter's name for a reader: the book's w⁽ˡ⁾ᵢⱼ, with its dotted path for code.

`Module.named_parameters()` names a parameter by where it lives in code
("layers.0.neurons.2.w.1"), as files and code need; NNDL §4.3 writes the same weight w⁽¹⁾₃₂.
Every text for a person (drawings, gradient checks, optimiser and load errors) names it here,
so a reader meets one name everywhere and, once per message, the path to find it in code.
"""

from __future__ import annotations

import re

__all__ = ["SUBSCRIPTS", "SUPERSCRIPTS", "book_name", "parameter_text"]

_MODEL_PATH = re.compile(r"(?:layers\.(\d+)\.)?(?:neurons\.(\d+)\.)?(w\.(\d+)|b|gamma|beta)")
_SYMBOLS = {"gamma": "γ", "beta": "β"}
SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
SUPERSCRIPTS = str.maketrans("0123456789()", "⁰¹²³⁴⁵⁶⁷⁸⁹⁽⁾")


def book_name(label: str) -> str:
    """A model parameter's dotted path as the book writes it (NNDL §4.3): the weight from
    input j to neuron i of layer l, "layers.{l-1}.neurons.{i-1}.w.{j-1}", is w⁽ˡ⁾ᵢⱼ and that
    neuron's bias b⁽ˡ⁾ᵢ; a lone neuron's "w.0" is w₁. Any other label is kept as it is."""
    match = _MODEL_PATH.fullmatch(label)
    if not match or match.group(0) in ("b", *_SYMBOLS):
        return label
    layer, neuron, kind, weight = match.groups()
    indices = [int(k) + 1 for k in (neuron, weight) if k is not None]
    sep = "," if any(k > 9 for k in indices) else ""
    name = "w" if weight is not None else _SYMBOLS.get(kind, kind)
    if layer is not None:
        name += f"({int(layer) + 1})".translate(SUPERSCRIPTS)
    return name + sep.join(str(k) for k in indices).translate(SUBSCRIPTS)


def parameter_text(label: str) -> str:
    """How a message names a labelled node: a model's parameter by the book's name then the
    path that finds it in code, "w⁽¹⁾₁₁ (layers.0.neurons.0.w.0)"; a label the book does not
    rename in quotes, as written: 'θ'."""
    shown = book_name(label)
    return repr(label) if shown == label else f"{shown} ({label})"
