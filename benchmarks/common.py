"""What a benchmark reports: one row per measurement, ours beside the reference engine's."""

from __future__ import annotations

import gc
import importlib
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType


@dataclass
class Row:
    """One measurement: `ours` and `reference` in `unit` (lower is better); ratio = ref / ours."""

    name: str
    ours: float
    reference: float
    unit: str = "s"
    target: str = ""
    note: str = ""

    @property
    def ratio(self) -> float:
        return self.reference / self.ours if self.ours else float("inf")


def best_times(fns: Sequence[Callable[[], object]], repeat: int = 3) -> list[float]:
    """The fastest of `repeat` runs of each fn, in seconds, garbage collector on. The fns take
    turns, so a load that comes and goes (other processes on a shared machine) falls on each
    alike: a ratio between them is fairer than from runs one after the other."""
    best = [float("inf")] * len(fns)
    for _ in range(repeat):
        for i, fn in enumerate(fns):
            gc.collect()
            start = time.perf_counter()
            fn()
            best[i] = min(best[i], time.perf_counter() - start)
    return best


def best_time(fn: Callable[[], object], repeat: int = 3) -> float:
    """The fastest of `repeat` runs of fn(), in seconds, with the garbage collector on."""
    return best_times([fn], repeat)[0]


EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def load_example(name: str) -> ModuleType:
    """examples/NAME.py as a module, so a benchmark times the example's own code (the examples
    import their shared `common` from their folder, which goes on sys.path for that)."""
    if str(EXAMPLES) not in sys.path:
        sys.path.insert(0, str(EXAMPLES))
    return importlib.import_module(name)
