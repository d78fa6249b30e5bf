"""examples/common.py picks matplotlib's Agg backend only when nobody chose one: `%run` of an
example in a notebook keeps the kernel's backend."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"

SHOW_BACKEND = "import common, matplotlib; print(matplotlib.get_backend())"


def backend_after_import(prelude: str, mplbackend: str | None) -> str:
    """The backend in force after `prelude` and then `import common`, in a fresh interpreter."""
    env = {k: v for k, v in os.environ.items() if k != "MPLBACKEND"}
    if mplbackend is not None:
        env["MPLBACKEND"] = mplbackend
    done = subprocess.run(
        [sys.executable, "-c", f"{prelude}; {SHOW_BACKEND}"],
        cwd=EXAMPLES,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip().lower()


def test_a_script_with_no_backend_chosen_gets_agg():
    assert backend_after_import("pass", None) == "agg"


def test_a_kernels_backend_from_mplbackend_is_kept():
    # ipykernel sets MPLBACKEND to its inline backend; "svg" stands in for it here
    assert backend_after_import("pass", "svg") == "svg"


def test_a_backend_pyplot_already_uses_is_kept():
    prelude = "import matplotlib; matplotlib.use('pdf'); import matplotlib.pyplot"
    assert backend_after_import(prelude, None) == "pdf"
