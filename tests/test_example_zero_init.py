"""examples/zero_init.py: from zeros, the six hidden units are exactly equal after training
(and not all zero: they learned), so the network is a one-unit network; from random weights
they differ."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
from example_runs import example, run_quick

from micrograd_nndl import MLP, SGD, fit, load_iris

pytest.importorskip("sklearn")  # the datasets extra; `make test` installs it
zero_init = example("zero_init")


def test_quick_run_counts_one_unit_from_zeros_six_from_random(tmp_path: Path) -> None:
    printed = run_quick(zero_init, tmp_path)
    assert [p.name for p in tmp_path.iterdir()] == ["zero_init.png"]
    counts = dict(re.findall(r"^(\w+) init: (\d) distinct hidden units", printed, re.M))
    assert counts == {"zero": "1", "random": "6"}


def test_zero_init_units_stay_exactly_equal_and_act_as_one() -> None:
    data = load_iris(seed=0)
    model = MLP(4, [6, 3], activation="sigmoid", seed=0)
    for p in model.parameters():
        p.data = 0.0
    opt = SGD(model.parameters(), lr=0.5)
    fit(model, data.X_train, data.y_train, "softmax_cross_entropy", opt, 5, 16, progress=False)
    W = zero_init.hidden_weights(model)
    assert np.all(W == W[0]) and np.abs(W[0]).max() > 0.01  # equal bit for bit, and moved
    V = np.array([[w.data for w in n.w] for n in model.layers[1].neurons])
    assert np.all(V == V[:, :1])  # each output weighs the six units alike
    # so the network is one unit h = σ(w·x + b) with output weights 6·v
    x = data.X_test[0]
    h = 1.0 / (1.0 + np.exp(-(W[0, :4] @ x + W[0, 4])))
    c = np.array([n.b.data for n in model.layers[1].neurons])
    assert np.allclose([z.data for z in model(x.tolist())], 6 * V[:, 0] * h + c)
