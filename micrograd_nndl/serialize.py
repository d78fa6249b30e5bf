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

from .files import write_atomic

FORMAT = "micrograd-nndl model"
VERSION = 1


class ModelFileError(ValueError):
    """A model file that cannot be loaded into this model: corrupt, or another architecture."""


class _Model(Protocol):
    def named_parameters(self) -> Any: ...

    def architecture(self) -> dict: ...


def save(model: _Model, path: str | os.PathLike) -> None:
    """Write {"format", "version", "architecture", "parameters": {name: float}} atomically.

    Refuses a non-finite parameter (JSON has no NaN), naming it, and whatever `write_atomic`
    refuses (a directory, a device, a missing directory), naming `path`.
    """
    parameters = {name: p.data for name, p in model.named_parameters()}
    bad = [name for name, x in parameters.items() if not math.isfinite(x)]
    if bad:
        raise ValueError(
            f"cannot save the model to {os.fspath(path)!r}: parameter {bad[0]} is "
            f"{parameters[bad[0]]!r}"
            + (f" (and {len(bad) - 1} more)" if len(bad) > 1 else "")
            + "; a model file holds finite numbers only"
        )
    document = {
        "format": FORMAT,
        "version": VERSION,
        "architecture": model.architecture(),
        "parameters": parameters,
    }
    write_atomic(path, json.dumps(document, indent=1, allow_nan=False))


def load(model: _Model, path: str | os.PathLike) -> None:
    """Assign the parameters saved in `path` to `model`; raise ModelFileError on any mismatch."""
    path = os.fspath(path)
    try:
        with open(path, encoding="utf-8") as f:
            document = json.load(f)
    except json.JSONDecodeError as e:
        raise ModelFileError(f"{path}: not a valid model file (JSON error: {e})") from None
    except UnicodeDecodeError as e:
        raise ModelFileError(f"{path}: not a valid model file (not UTF-8 text: {e})") from None
    except (ValueError, RecursionError) as e:  # an integer of > 4300 digits, deep nesting
        raise ModelFileError(f"{path}: not a valid model file ({e})") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ModelFileError(f"{path}: not a {FORMAT} file (no 'format': {FORMAT!r} entry)")
    if document.get("version") != VERSION:
        raise ModelFileError(
            f"{path}: file format version {document.get('version')!r}, this library reads {VERSION}"
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
            raise ModelFileError(f"{path}: parameter {name!r} is {value!r}, not a finite number")
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
        if saved.get(key) != expected.get(key):
            raise ModelFileError(
                f"{path}: architecture mismatch in {key!r}: the file has {saved.get(key)!r}, "
                f"the model has {expected.get(key)!r}"
            )


def _a(name: str) -> str:
    """'a Layer', 'an MLP': the article as the name is spoken (an acronym by its letters)."""
    vowel_sound = "AEFHILMNORSX" if name.isupper() else "AEIOUaeiou"
    return f"{'an' if name[:1] in vowel_sound else 'a'} {name}"
