"""The fence as pymdownx.superfences calls it: a validator for the header, a formatter for
the block, and the one exception a failed block may raise.

Superfences shows a block whose formatter raises anything else as plain code, and the build
passes (issue #26); so every failure leaves as `build_failure`, which mkdocs also knows as its
own `BuildError` where mkdocs is installed: one clean message, no traceback.
"""

from __future__ import annotations

import functools
from typing import Any

from .fence import NoteError
from .figures import block_html
from .options import OptionError, read_options


def validate_micrograd(
    language: str, inputs: dict[str, str], options: dict[str, Any], attrs: dict[str, str], md: Any
) -> bool:
    """Accept the header's options (`viz.notes.options`); a wrong one fails the build."""
    try:
        options.update(read_options(inputs))
    except OptionError as e:
        raise build_failure(str(e)) from None
    return True


def fence_micrograd(
    source: str, language: str, css_class: str, options: dict[str, Any], md: Any, **kwargs: Any
) -> str:
    """The superfences formatter: the block's HTML, or a failed build naming its line."""
    try:
        return block_html(source, options or read_options({}))
    except Exception as e:  # noqa: BLE001 - any failure must fail the build, not show code
        raise build_failure(describe(e)) from None


def describe(error: Exception) -> str:
    """A block's failure in words: ours as they are, anything else with its type."""
    if isinstance(error, (NoteError, OptionError)):
        return str(error)
    return f"micrograd block: {type(error).__name__}: {error}"


def build_failure(message: str) -> Exception:
    """The exception that fails the build with `message` and nothing more."""
    return failure_type()(message)


@functools.cache
def failure_type() -> type[Exception]:
    """SuperFencesException (the one superfences lets through), and under mkdocs also its
    PluginError (which mkdocs prints as one message, without a traceback)."""
    from pymdownx.superfences import SuperFencesException  # only a Markdown build calls this

    try:
        from mkdocs.exceptions import PluginError
    except ImportError:
        return SuperFencesException
    return type(
        "NoteBuildError",
        (SuperFencesException, PluginError),
        {"__module__": __name__, "__doc__": "A ```micrograd block that fails the build."},
    )
