"""Save and load a model's parameters as JSON that also records the architecture.

JSON writes a float as its shortest repr, which reads back as the same float: the round trip
is exact. The file is written by `files.write_atomic`: whole or not at all, never over a device
or a FIFO, with the permissions `open(path, "w")` would give it.
Loading checks everything (format, architecture, names, numbers) before it assigns anything: a
refused file changes nothing.

Size: one line `"layers.0.neurons.3.w.1": -0.123...,` a parameter, about 52 bytes: measured,
the 1,001,000 parameters of MLP(1000, [1000]) write 52.6 MB, saved in about 2.3 s and loaded
in about 2.6 s of CPU. What `load` reads is bounded by what `save` can write for the model it
loads into (every number at its longest, 24 characters), twice over for a file re-indented by
hand: whatever `save` writes, `load` of the same model reads, while a device or a stray huge
file is refused unread.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Iterator
from typing import Any, Protocol

from .engine import Value
from .files import read_regular, write_atomic
from .naming import parameter_text

FORMAT = "micrograd-nndl model"
VERSION = 1
#: The longest repr of a float: what every number of a model could take in its file.
LONGEST_NUMBER = -2.2250738585072014e-308


class ModelFileError(ValueError):
    """A model file that cannot be loaded into this model: corrupt, or another architecture."""


class _Model(Protocol):
    def named_parameters(self) -> Any: ...

    def architecture(self) -> dict: ...


def save(model: _Model, path: str | os.PathLike) -> None:
    """Write {"format", "version", "architecture", "parameters": {name: float}} atomically.

    Parameters are finite (`Value.data` refuses anything else, naming the parameter), as
    JSON needs, and each has its own name (ValueError naming a name given twice: one of the
    two would never be restored); `write_atomic` refuses a directory, a device or a missing
    directory, naming `path`.
    """
    parameters = {name: p.data for name, p in _named(model, "save").items()}
    write_atomic(
        path, json.dumps(_document(model.architecture(), parameters), indent=1, allow_nan=False)
    )


def _document(architecture: dict, parameters: dict[str, float]) -> dict:
    return {
        "format": FORMAT,
        "version": VERSION,
        "architecture": architecture,
        "parameters": parameters,
    }


def _named(model: _Model, doing: str) -> dict[str, Value]:
    """The model's parameters by name, or a ValueError naming a name given twice."""
    pairs = list(model.named_parameters())
    parameters = dict(pairs)
    if len(parameters) != len(pairs):
        twice = _first_twice(name for name, _ in pairs)
        raise ValueError(
            f"{doing}: two parameters of the model are named {twice!r}; each needs a name of "
            "its own (named_parameters() gives it twice), else one would never be restored"
        )
    return parameters


def _first_twice(names: Iterator[str]) -> str:
    """The first name that comes a second time (called only when one does)."""
    seen: set[str] = set()
    return next(name for name in names if name in seen or seen.add(name))  # type: ignore[func-returns-value]


def most_bytes(model: _Model) -> int:
    """The largest file `load` reads into `model`: twice what `save` writes for it with every
    number at its longest (room for a file re-indented by hand), plus 64 KB."""
    return _most_bytes(model.architecture(), [name for name, _ in model.named_parameters()])


def _most_bytes(architecture: dict, names: list[str]) -> int:
    """`most_bytes` from the names: the length of the text `save` writes, counted without
    writing a number. With indent=1 json writes the parameters `{}` when there are none, else
    `{\\n  "name": number,\\n  ...\\n }`: json's quoted names, 24 characters a number."""
    n = len(names)
    text = len(json.dumps(_document(architecture, {}), indent=1))
    if n:
        quoted = len(json.dumps(names, separators=(",", ":"))) - 2 - (n - 1)
        entries = quoted + n * len(f": {LONGEST_NUMBER!r}") + (n - 1) * len(",\n  ")
        text += len("{\n  \n }") - len("{}") + entries
    return 2 * text + 2**16


def load(model: _Model, path: str | os.PathLike) -> None:
    """Assign the parameters saved in `path` to `model`; raise ModelFileError on any mismatch.

    Reads a regular file only (a FIFO or a device raises NotARegularFileError without being
    waited on) of at most `most_bytes(model)`: whatever `save` writes for this model.
    """
    path = os.fspath(path)
    params = _named(model, "load")
    document = _read(path, _most_bytes(model.architecture(), list(params)))
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ModelFileError(f"{path}: not a {FORMAT} file (no 'format': {FORMAT!r} entry)")
    version = document.get("version")
    if type(version) is not int or version != VERSION:  # True == 1 in Python, not in JSON
        raise ModelFileError(
            f"{path}: file format version {_brief(version)}, this library reads {VERSION}"
        )
    _check_architecture(path, document.get("architecture"), model.architecture())
    saved = document.get("parameters")
    if not isinstance(saved, dict):
        raise ModelFileError(f"{path}: 'parameters' must be an object of name: number")
    if saved.keys() != params.keys():
        missing = [name for name in params if name not in saved]
        extra = [name for name in saved if name not in params]
        raise ModelFileError(
            f"{path}: parameter names do not match the model "
            f"(missing: {_names(missing)}; unexpected: {_names(extra)})"
        )
    if not set(map(type, saved.values())) <= {float}:  # else one by one, to name the culprit
        saved = {name: _number(path, name, value) for name, value in saved.items()}
    if not all(map(math.isfinite, saved.values())):
        name = next(k for k, x in saved.items() if not math.isfinite(x))
        raise ModelFileError(
            f"{path}: parameter {parameter_text(name)} is {saved[name]!r}, not a finite number"
        )
    for name, p in params.items():
        p.data = saved[name]


def _names(names: list[str], most: int = 5) -> str:
    """At most `most` parameters as a message names them (the book's name and the key in the
    file, "b⁽²⁾₁ (layers.1.neurons.0.b)"), then how many more; "none" for none."""
    shown = ", ".join(parameter_text(name) for name in names[:most]) or "none"
    return shown + (f" and {len(names) - most} more" if len(names) > most else "")


def _number(path: str, name: str, value: object) -> float:
    """A saved parameter as a float: a JSON number (an integer too, if a float can hold it)."""
    if type(value) is float:
        return value
    if type(value) is not int:  # a bool, a string, a list, an object, null
        raise ModelFileError(
            f"{path}: parameter {parameter_text(name)} is {_brief(value)}, not a finite number"
        )
    try:
        return float(value)
    except OverflowError:
        raise ModelFileError(
            f"{path}: parameter {parameter_text(name)} is an integer of "
            f"{len(str(abs(value)))} digits, too large for a float"
        ) from None


class _DuplicateKey(Exception):
    """A key twice in one JSON object (json keeps the last silently)."""


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    document = dict(pairs)
    if len(document) != len(pairs):
        raise _DuplicateKey(_first_twice(key for key, _ in pairs))
    return document


def _no_constant(name: str) -> None:
    raise ValueError(f"{name} is not a JSON number")


def _read(path: str, limit: int) -> object:
    """The JSON document in `path`: a regular file of at most `limit` bytes, UTF-8, no key
    twice."""
    try:
        data = read_regular(path, limit)  # a FIFO or device: NotARegularFileError
    except ValueError as e:  # larger than the limit, which the message states
        raise ModelFileError(
            f"{e}: twice the largest file `save` writes for this model, so not one saved "
            "from it (another model's, or not a model file)"
        ) from None
    try:
        return json.loads(
            data.decode("utf-8"), object_pairs_hook=_object, parse_constant=_no_constant
        )
    except json.JSONDecodeError as e:
        raise ModelFileError(f"{path}: not a valid model file (JSON error: {e})") from None
    except UnicodeDecodeError as e:
        raise ModelFileError(f"{path}: not a valid model file (not UTF-8 text: {e})") from None
    except _DuplicateKey as e:
        raise ModelFileError(
            f"{path}: not a valid model file (the key {_brief(str(e))} is twice in one object)"
        ) from None
    except (ValueError, RecursionError, MemoryError) as e:  # > 4300 digits, deep nesting, NaN
        raise ModelFileError(f"{path}: not a valid model file ({e or type(e).__name__})") from None


def _check_architecture(path: str, saved: object, expected: dict) -> None:
    """The model type first (another type's fields would mismatch confusingly), then the rest."""
    if not isinstance(saved, dict):
        raise ModelFileError(f"{path}: no 'architecture' object in the file")
    kind, wanted = saved.get("type"), expected.get("type")
    if not isinstance(kind, str):
        raise ModelFileError(f"{path}: the architecture has no model 'type' (got {kind!r})")
    if kind != wanted:
        raise ModelFileError(f"{path}: the file holds {_a(kind)}, this model is {_a(str(wanted))}")
    for key in sorted(set(saved) | set(expected)):
        if _json(saved.get(key)) != _json(expected.get(key)):  # "nin": true is not 1
            raise ModelFileError(
                f"{path}: architecture mismatch in {key!r}: the file has "
                f"{_brief(saved.get(key))}, the model has {_brief(expected.get(key))}"
            )


def _json(value: object) -> str:
    """`value` as JSON spells it (true, 2.0, "relu"): equal spellings are equal fields."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def _brief(value: object, width: int = 60) -> str:
    """`value` as JSON, cut to `width` characters: a message stays one short line."""
    text = _json(value)
    return text if len(text) <= width else f"{text[: width - 1]}…"


def _a(name: str) -> str:
    """'a Layer', 'an MLP': the article as the name is spoken (an acronym by its letters)."""
    vowel_sound = "AEFHILMNORSX" if name.isupper() else "AEIOUaeiou"
    return f"{'an' if name[:1] in vowel_sound else 'a'} {name}"
