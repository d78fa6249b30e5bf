"""Save and load a model's parameters as JSON that also records the architecture.

JSON writes a float as its shortest repr, which reads back as the same float: the round trip
is exact. The file is written by `files.write_atomic`: whole or not at all, never over a device
or a FIFO, with the permissions `open(path, "w")` would give it.
Loading checks everything (format, architecture, names, numbers) before it assigns anything: a
refused file changes nothing.
"""

from __future__ import annotations

import json
import math
import os
from typing import Any, Protocol

from .files import read_regular, write_atomic

FORMAT = "micrograd-nndl model"
VERSION = 1
MAX_BYTES = 64 * 2**20  # a million parameters take about 25 MB


class ModelFileError(ValueError):
    """A model file that cannot be loaded into this model: corrupt, or another architecture."""


class _Model(Protocol):
    def named_parameters(self) -> Any: ...

    def architecture(self) -> dict: ...


def save(model: _Model, path: str | os.PathLike) -> None:
    """Write {"format", "version", "architecture", "parameters": {name: float}} atomically.

    Parameters are finite (`Value.data` refuses anything else, naming the parameter), as
    JSON needs; `write_atomic` refuses a directory, a device or a missing directory, naming
    `path`.
    """
    parameters = {name: p.data for name, p in model.named_parameters()}
    document = {
        "format": FORMAT,
        "version": VERSION,
        "architecture": model.architecture(),
        "parameters": parameters,
    }
    write_atomic(path, json.dumps(document, indent=1, allow_nan=False))


def load(model: _Model, path: str | os.PathLike) -> None:
    """Assign the parameters saved in `path` to `model`; raise ModelFileError on any mismatch.

    Reads a regular file only (a FIFO or a device raises NotARegularFileError without being
    waited on) of at most MAX_BYTES.
    """
    path = os.fspath(path)
    document = _read(path)
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
    params = dict(model.named_parameters())
    missing = [name for name in params if name not in saved]
    extra = [name for name in saved if name not in params]
    if missing or extra:
        raise ModelFileError(
            f"{path}: parameter names do not match the model "
            f"(missing: {missing[:5]}, unexpected: {extra[:5]})"
        )
    values = {}
    for name, value in saved.items():
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ModelFileError(
                f"{path}: parameter {name!r} is {_brief(value)}, not a finite number"
            )
        try:
            number = float(value)
        except OverflowError:
            raise ModelFileError(
                f"{path}: parameter {name!r} is an integer of {len(str(abs(value)))} digits, "
                "too large for a float"
            ) from None
        if not math.isfinite(number):
            raise ModelFileError(f"{path}: parameter {name!r} is {value!r}, not a finite number")
        values[name] = number
    for name, p in params.items():
        p.data = values[name]


class _DuplicateKey(Exception):
    """A key twice in one JSON object (json keeps the last silently)."""


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    document: dict[str, Any] = {}
    for key, value in pairs:
        if key in document:
            raise _DuplicateKey(key)
        document[key] = value
    return document


def _no_constant(name: str) -> None:
    raise ValueError(f"{name} is not a JSON number")


def _read(path: str) -> object:
    """The JSON document in `path`: a regular file of at most MAX_BYTES, UTF-8, no key twice."""
    try:
        data = read_regular(path, MAX_BYTES)  # a FIFO or device: NotARegularFileError
    except ValueError as e:  # larger than MAX_BYTES, which the message states
        raise ModelFileError(str(e)) from None
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
