"""Training replay (NNDL §4.4, §4.6.2): one offline page that scrubs through a recorded run.

`training_html(history, path, model=model, X=X, y=y)` writes the page of a run recorded with
`fit(..., record=True)`: a slider (Home/End and the arrow keys, play) over the recorded epochs;
the decision regions of a 2-D input (the model evaluated in Python on a grid at each snapshot's
parameters, embedded as data), the loss and accuracy curves, each layer's gradient norm and a
table of chosen parameters with their gradient, the optimiser's m and v (Adam) and the change
since the previous frame. Two runs, e.g. logistic and ReLU hidden layers, side by side: pass a
list of histories and of models. Every number shown is `History`'s.
"""

from __future__ import annotations

import html
import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from micrograd_nndl import History, Module, compile, write_atomic

from ..errors import VizError
from ..graph import book_name
from .stepper_page import script_json

GRID = 40  # cells a side of the decision-region picture: 1,600 outputs per frame
PARAMS_SHOWN = 8  # rows of the parameter table by default
_ASSETS_PAGE = "training.html"

#: Every sentence the page writes (one place, for the message catalog).
WORDS: dict[str, Any] = {
    "title": "Training replay",
    "epoch": "epoch {epoch} of {last}",
    "loss": "loss",
    "accuracy": "accuracy",
    "norms": "gradient norm per layer ‖∂L/∂θ⁽ˡ⁾‖ (log scale)",
    "regions": "decision regions and the training samples",
    "params": "parameters",
    "columns": ["parameter", "value", "grad", "m", "v", "change"],
    "play": "play",
    "pause": "pause",
    "keys": "Keys: ← → one recorded epoch, Home / End the first and last, space play or pause.",
}


def training_html(
    runs: History | Sequence[History],
    path: str | os.PathLike[str] | None = None,
    *,
    models: Module | Sequence[Module] | None = None,
    X: np.ndarray | None = None,
    y: np.ndarray | None = None,
    names: Sequence[str] = (),
    params: Sequence[int] | None = None,
    title: str = "",
) -> str:
    """The replay page of one run or several (side by side), as HTML; written to `path` too
    when given. `models` (one per run, the trained model: its parameters are set to each
    snapshot's and put back) and 2-D `X`, `y` give the decision regions; `params` chooses the
    table's parameters by index (default: the first eight)."""
    histories = [runs] if isinstance(runs, History) else list(runs)
    for h in histories:
        if not h.snapshots:
            raise VizError("training_html needs a run recorded with fit(..., record=True)")
    model_list = [models] if isinstance(models, Module) else list(models or [])
    shown = list(range(PARAMS_SHOWN)) if params is None else list(params)
    data = {
        "words": WORDS,
        "runs": [
            _run(
                h,
                names[i] if i < len(names) else f"run {i + 1}",
                shown,
                model_list[i] if i < len(model_list) else None,
                X,
            )
            for i, h in enumerate(histories)
        ],
        "samples": None if X is None or y is None or np.shape(X)[1] != 2 else _samples(X, y),
    }
    page_title = title or WORDS["title"]
    parts = {
        "TITLE": html.escape(page_title),
        "DATA": script_json(data),
        "STYLE": _asset("training.css"),
        "SCRIPT": _asset("training.js"),
    }
    page = re.sub(r"@@([A-Z]+)@@", lambda m: parts[m[1]], _asset(_ASSETS_PAGE))
    if path is not None:
        write_atomic(path, page)
    return page


def write_training_html(runs: Any, path: str | os.PathLike[str], **options: Any) -> Path:
    """`training_html` written to `path`; returns the path."""
    training_html(runs, path, **options)
    return Path(path)


class TrainingReplay:
    """The replay page in a notebook: `TrainingReplay(history, models=..., X=..., y=...)`
    shows it in a sandboxed frame of its own."""

    def __init__(self, runs: Any, **options: Any) -> None:
        self.page = training_html(runs, **options)

    def _repr_html_(self) -> str:
        return (
            f'<iframe srcdoc="{html.escape(self.page, quote=True)}" sandbox="allow-scripts" '
            f'title="{WORDS["title"]}" style="width: 100%; height: 760px; border: 0"></iframe>'
        )


def replay_demo(path: str | os.PathLike[str], *, epochs: int = 100, seed: int = 1) -> Path:
    """micrograd's demo run (moons, 100 samples, MLP(2, [16, 16, 1]), hinge loss, Adam) with
    logistic and with ReLU hidden layers, both recorded, as one replay page at `path`."""
    from micrograd_nndl import MLP, Adam, fit, make_moons

    X, y = make_moons(100, noise=0.1, seed=seed)
    y = 2 * y - 1  # ±1 targets for the hinge loss
    runs, models = [], []
    for activation in ("sigmoid", "relu"):
        model = MLP(2, [16, 16, 1], activation=activation)
        opt = Adam(model.parameters(), lr=0.05)
        runs.append(fit(model, X, y, "hinge", opt, epochs, l2=1e-4, progress=False,
                        compiled=True, record=True))  # fmt: skip
        models.append(model)
    names = ["logistic σ hidden layers", "ReLU hidden layers"]
    return write_training_html(runs, path, models=models, X=X, y=y, names=names)


def _asset(name: str) -> str:
    from importlib.resources import files

    return (files("viz.web") / "assets" / name).read_text(encoding="utf-8")


def _run(h: History, name: str, shown: list[int], model: Module | None, X: Any) -> dict:
    snaps = h.snapshots
    shown = [i for i in shown if i < len(snaps[0].params)]
    frames = []
    for n, s in enumerate(snaps):
        before = snaps[n - 1].params if n else None
        frames.append({
            "epoch": s.epoch,
            "loss": s.loss,
            "accuracy": s.accuracy,
            "norms": list(s.layer_norms),
            "rows": [
                [book_name(s.labels[i]) if s.labels[i] else f"θ{i}", s.params[i], s.grads[i],
                 s.state["m"][i] if "m" in s.state else None,
                 s.state["v"][i] if "v" in s.state else None,
                 None if before is None else s.params[i] - before[i]]
                for i in shown
            ],
        })  # fmt: skip
    regions = _regions(h, model, X) if model is not None and X is not None else None
    return {"name": name, "loss": h.loss, "accuracy": h.accuracy, "frames": frames,
            "regions": regions}  # fmt: skip


def _bounds(X: np.ndarray) -> list[float]:
    lo, hi = X.min(axis=0), X.max(axis=0)
    pad = 0.1 * (hi - lo)
    return [float(lo[0] - pad[0]), float(hi[0] + pad[0]), float(lo[1] - pad[1]),
            float(hi[1] + pad[1])]  # fmt: skip


def _regions(h: History, model: Module, X: Any) -> dict | None:
    """Each snapshot's output on a GRID × GRID grid over the data, as one digit a cell (0: far on
    class 0's side of the threshold … 9: far on class 1's), evaluated by the compiled model."""
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or X.shape[1] != 2:
        return None
    x0, x1, y0, y1 = _bounds(X)
    gx, gy = np.meshgrid(np.linspace(x0, x1, GRID), np.linspace(y1, y0, GRID))
    params = model.parameters()
    saved = [p.data for p in params]
    f = compile(lambda a, b: model([a, b]))
    threshold = h.threshold or 0.0
    cells = []
    try:
        for s in h.snapshots:
            for p, v in zip(params, s.params):
                p.data = v
            out = np.asarray(f(gx.ravel(), gy.ravel()), dtype=float)
            level = np.clip(((np.tanh(3.0 * (out - threshold)) + 1.0) * 5.0).astype(int), 0, 9)
            cells.append("".join(map(str, level.tolist())))
    finally:
        for p, v in zip(params, saved):
            p.data = v
    return {"grid": GRID, "bounds": [x0, x1, y0, y1], "cells": cells}


def _samples(X: Any, y: Any) -> dict:
    X, y = np.asarray(X, dtype=float), np.asarray(y)
    return {"bounds": _bounds(X), "x": X.round(4).tolist(), "y": (y > y.min()).astype(int).tolist()}
