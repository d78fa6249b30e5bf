"""The examples as their tests run them: imported from examples/ (where each finds its
`common`), and run in quick mode with what they print captured."""

from __future__ import annotations

import contextlib
import importlib
import io
import sys
from pathlib import Path
from types import ModuleType

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def example(name: str) -> ModuleType:
    """The script examples/<name>.py as a module."""
    sys.path.insert(0, str(EXAMPLES))
    try:
        return importlib.import_module(name)
    finally:
        sys.path.remove(str(EXAMPLES))


def run_quick(module: ModuleType, out: Path) -> str:
    """What `module.main(["--out", out, "--quick"])` prints; it must exit 0."""
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        assert module.main(["--out", str(out), "--quick"]) == 0
    return printed.getvalue()
