"""Every example that trains with fit(..., compiled=True) gets eager fit's numbers: each of its
compiled fits is run again eagerly on a copy of the model and optimiser, and the two histories,
parameters and optimiser states must agree."""

from __future__ import annotations

import contextlib
import copy
import importlib.util
import io
import sys
from pathlib import Path

import numpy as np
import pytest

import micrograd_nndl

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
COMPILED = ["classifier", "dead_relu", "digits_fnn", "iris_fnn", "train_moons"]
COMPILED.append("universal_approximation")
# sin(2x) on a grid symmetric about 0 fitted with Adam: a gradient that is 0 but for rounding
# (summed per sample eagerly, per batch compiled) is divided by its own size, lr·g/|g|, so the
# two roundings part by ~2e-8 (its moments ~2e-7) over 100 steps, as before the arrays
PARAMETER_RTOL = {"universal_approximation": 1e-6}


def _load(name: str):
    spec = importlib.util.spec_from_file_location(
        f"compiled_example_{name}", EXAMPLES / f"{name}.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _twin_checked_fit(checked: list[int], rtol: float):
    def fit(model, X, y, *args, **kwargs):
        args, kwargs = list(args), dict(kwargs)
        opt = kwargs.get("optimizer", args[1] if len(args) > 1 else None)
        if not kwargs.get("compiled"):
            return micrograd_nndl.fit(model, X, y, *args, **kwargs)
        twin, twin_opt = copy.deepcopy((model, opt))
        if "optimizer" in kwargs:
            kwargs["optimizer"] = twin_opt
        else:
            args[1] = twin_opt
        eager = micrograd_nndl.fit(twin, X, y, *args, **{**kwargs, "compiled": False})
        if "optimizer" in kwargs:
            kwargs["optimizer"] = opt
        else:
            args[1] = opt
        history = micrograd_nndl.fit(model, X, y, *args, **kwargs)
        np.testing.assert_allclose(history.loss, eager.loss, rtol=rtol, atol=1e-12)
        assert history.accuracy == eager.accuracy
        a, b = ([p.data for p in m.parameters()] for m in (twin, model))
        np.testing.assert_allclose(b, a, rtol=rtol, atol=1e-12)
        assert opt.steps == twin_opt.steps
        for s, t in zip(opt.state_arrays(), twin_opt.state_arrays()):
            np.testing.assert_allclose(s, t, rtol=rtol, atol=1e-12)
        checked.append(1)
        return history

    return fit


@pytest.mark.parametrize("name", COMPILED)
def test_each_compiled_fit_of_an_example_equals_eager(name, tmp_path, monkeypatch):
    if name in ("dead_relu", "digits_fnn", "iris_fnn"):
        pytest.importorskip("sklearn")  # their data: the datasets extra, which `make test` has
    monkeypatch.syspath_prepend(str(EXAMPLES))
    module = _load(name)
    checked: list[int] = []
    rtol = PARAMETER_RTOL.get(name, 1e-9)
    monkeypatch.setattr(module, "fit", _twin_checked_fit(checked, rtol))
    with contextlib.redirect_stdout(io.StringIO()):
        assert module.main(["--out", str(tmp_path), "--quick"]) == 0
    assert checked  # the example did train compiled
    sys.modules.pop(f"compiled_example_{name}", None)
