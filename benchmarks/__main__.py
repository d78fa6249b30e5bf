"""`make bench`: every benchmarks/bench_*.py, ours beside a reference engine (micrograd 0.1.0
unless a row's note names another), as a ratio table."""

from __future__ import annotations

import importlib
import pkgutil
import sys

import benchmarks
from micrograd_nndl import format_columns

from .common import Row


def collect() -> list[Row]:
    rows: list[Row] = []
    for info in sorted(pkgutil.iter_modules(benchmarks.__path__), key=lambda m: m.name):
        if info.name.startswith("bench_"):
            print(f"running {info.name} ...", file=sys.stderr, flush=True)
            rows.extend(importlib.import_module(f"benchmarks.{info.name}").run())
    return rows


def format_rows(rows: list[Row]) -> str:
    header = ("benchmark", "micrograd-nndl", "reference", "ratio", "target", "note")
    lines = [header]
    for r in rows:
        fmt = "{:.3f} s" if r.unit == "s" else "{:.0f} " + r.unit
        lines.append(
            (
                r.name,
                fmt.format(r.ours),
                fmt.format(r.reference),
                f"{r.ratio:.1f}×",
                r.target,
                r.note,
            )
        )
    return format_columns(lines)


def main() -> None:
    print(
        f"Python {sys.version.split()[0]}, gc on; ratio = reference / ours (higher is better); "
        "the reference is micrograd 0.1.0 unless the note names another\n"
    )
    print(format_rows(collect()))


if __name__ == "__main__":
    main()
