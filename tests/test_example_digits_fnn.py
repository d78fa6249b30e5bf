"""examples/digits_fnn.py: the 64-32-10 network learns the digits (an honest bound on the
held-out fifth), its per-digit table adds up to the misclassified count, and its batched
prediction is the eager network's arg-max."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
from example_runs import example, run_quick

from micrograd_nndl import MLP

pytest.importorskip("sklearn")  # the datasets extra; `make test` installs it
digits_fnn = example("digits_fnn")


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path]:
    out = tmp_path_factory.mktemp("digits_fnn")
    return run_quick(digits_fnn, out), out


def test_it_learns_and_counts_its_mistakes(quick_run) -> None:
    printed, out = quick_run
    assert [p.name for p in out.iterdir()] == ["digits_misclassified.png"]
    first, last = map(float, re.search(r"loss (\S+) → (\S+)$", printed, re.M).groups())
    assert last < first / 5
    wrong, n = map(int, re.search(r"^misclassified: (\d+) of (\d+)", printed, re.M).groups())
    test_acc = float(re.search(r"test accuracy (\S+)%", printed).group(1))
    assert n == 359 and test_acc >= 90.0 and round(100 * (1 - wrong / n), 1) == test_acc
    rows = re.findall(r"^ +(\d)  +(\d+)/(\d+)$", printed, re.M)
    assert [int(d) for d, _, _ in rows] == list(range(10))
    assert sum(int(total) for *_, total in rows) == n
    assert sum(int(total) - int(right) for _, right, total in rows) == wrong


def test_predict_is_the_eager_arg_max() -> None:
    model = MLP(64, [8, 10], seed=3)
    X = np.random.default_rng(0).normal(size=(12, 64))
    eager = [int(np.argmax([z.data for z in model(row)])) for row in X.tolist()]
    assert digits_fnn.predict(model, X).tolist() == eager
