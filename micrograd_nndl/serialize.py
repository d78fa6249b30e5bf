"""Save and load a model's parameters as JSON that also records the architecture.

JSON writes a float as its shortest repr, which reads back as the same float: the round trip
is exact. The file is written to a temporary file beside the target and renamed over it, so a
crash mid-write leaves the old file intact; the new file gets the permissions `open(path, "w")`
would give it (those of the file it replaces, else 0666 minus the umask), so it can be shared.
Loading checks everything (format, architecture, names, numbers) before it assigns anything: a
refused file changes nothing.
"""

from __future__ import annotations

import json
import math
import os
import secrets
import stat
from typing import Any, Protocol

FORMAT = "micrograd-nndl model"
VERSION = 1


class ModelFileError(ValueError):
    """A model file that cannot be loaded into this model: corrupt, or another architecture."""


class _Model(Protocol):
    def named_parameters(self) -> Any: ...

    def architecture(self) -> dict: ...


def save(model: _Model, path: str | os.PathLike) -> None:
    """Write {"format", "version", "architecture", "parameters": {name: float}} atomically.

    Refuses a directory, or a file in a directory that does not exist, naming `path`.
    """
    document = {
        "format": FORMAT,
        "version": VERSION,
        "architecture": model.architecture(),
        "parameters": {name: p.data for name, p in model.named_parameters()},
    }
    text = json.dumps(document, indent=1, allow_nan=False)
    path = os.fspath(path)
    target = os.path.realpath(path)  # through a symlink, as open(path, "w") writes
    directory, name = os.path.split(target)
    if os.path.isdir(target) or not os.path.basename(path):
        raise IsADirectoryError(
            f"cannot save the model to {path!r}: it is a directory; "
            f"give a file name, e.g. {os.path.join(path, 'model.json')!r}"
        )
    if not os.path.isdir(directory):
        raise FileNotFoundError(
            f"cannot save the model to {path!r}: the directory "
            f"{os.path.dirname(path) or directory!r} does not exist"
        )
    try:
        mode = stat.S_IMODE(os.stat(target).st_mode)  # keep the mode of the file replaced
    except FileNotFoundError:
        mode = None
    fd, tmp = _create_beside(directory, name, path)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        if mode is not None:
            os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def _create_beside(directory: str, name: str, path: str) -> tuple[int, str]:
    """A new temporary file in `directory`, created with mode 0666 so the umask applies, as
    for any file `open(path, "w")` creates (tempfile.mkstemp would make it 0600)."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    for _ in range(100):
        tmp = os.path.join(directory, f".{name}.{secrets.token_hex(4)}.tmp")
        try:
            return os.open(tmp, flags, 0o666), tmp
        except FileExistsError:
            continue
        except OSError as e:
            raise type(e)(e.errno, f"cannot save the model to {path!r}: {e.strerror}") from None
    raise FileExistsError(f"cannot save the model to {path!r}: no free temporary file name")


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
