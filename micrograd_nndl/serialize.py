"""Save and load a model's parameters as JSON that also records the architecture.

JSON writes a float as its shortest repr, which reads back as the same float: the round trip
is exact. The file is written to a temporary file beside the target and renamed over it, so a
crash mid-write leaves the old file intact. Loading checks everything (format, architecture,
names, numbers) before it assigns anything: a refused file changes nothing.
"""

from __future__ import annotations

import json
import math
import os
import tempfile
from typing import Any, Protocol

FORMAT = "micrograd-nndl model"
VERSION = 1


class ModelFileError(ValueError):
    """A model file that cannot be loaded into this model: corrupt, or another architecture."""


class _Model(Protocol):
    def named_parameters(self) -> Any: ...

    def architecture(self) -> dict: ...


def save(model: _Model, path: str | os.PathLike) -> None:
    """Write {"format", "version", "architecture", "parameters": {name: float}} atomically."""
    document = {
        "format": FORMAT,
        "version": VERSION,
        "architecture": model.architecture(),
        "parameters": {name: p.data for name, p in model.named_parameters()},
    }
    text = json.dumps(document, indent=1, allow_nan=False)
    path = os.fspath(path)
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".json", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


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
        if (
            isinstance(value, bool)
            or not isinstance(value, (int, float))
            or not math.isfinite(value)
        ):
            raise ModelFileError(f"{path}: parameter {name!r} is {value!r}, not a finite number")
        values[name] = float(value)
    for name, p in params.items():
        p.data = values[name]


def _check_architecture(path: str, saved: object, expected: dict) -> None:
    if not isinstance(saved, dict):
        raise ModelFileError(f"{path}: no 'architecture' object in the file")
    for key in sorted(set(saved) | set(expected)):
        if saved.get(key) != expected.get(key):
            raise ModelFileError(
                f"{path}: architecture mismatch in {key!r}: the file has {saved.get(key)!r}, "
                f"the model has {expected.get(key)!r}"
            )
