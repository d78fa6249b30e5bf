"""examples/iris_fnn.py: the 4-6-3 network learns Iris (an honest bound on the held-out 30),
its per-species table and confusion matrix agree with each other and with the split."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
from example_runs import example, run_quick

pytest.importorskip("sklearn")  # the datasets extra; `make test` installs it
iris_fnn = example("iris_fnn")


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path]:
    out = tmp_path_factory.mktemp("iris_fnn")
    return run_quick(iris_fnn, out), out


def test_it_learns_and_writes_its_picture(quick_run) -> None:
    printed, out = quick_run
    assert [p.name for p in out.iterdir()] == ["iris_fnn.png"]
    rows = re.findall(r"^ +(\d+)  (\S+) +(\S+)% +(\S+)%$", printed, re.M)
    losses = [float(loss) for _, loss, _, _ in rows]
    assert len(rows) == 10 and losses == sorted(losses, reverse=True)
    assert float(rows[-1][2]) >= 90.0  # training accuracy
    right, total = map(
        int, re.search(r"^test accuracy \S+ \((\d+) of (\d+)\)$", printed, re.M).groups()
    )
    assert total == 30 and right >= 26  # ≥ 87 % of flowers never seen in training


def test_the_table_and_the_confusion_matrix_agree(quick_run) -> None:
    printed, _ = quick_run
    per_class = re.findall(r"^(\w+) +(\d+)/(\d+) +(\d+)/(\d+)$", printed, re.M)
    assert [name for name, *_ in per_class] == ["setosa", "versicolor", "virginica"]
    assert all(int(tr_n) == 40 and int(te_n) == 10 for _, _, tr_n, _, te_n in per_class)
    matrix = np.array(
        [row.split() for row in re.findall(r"^\w+ +((?:\d+ +){2}\d+)$", printed, re.M)], dtype=int
    )
    assert matrix.sum(axis=1).tolist() == [10, 10, 10]  # each row: one species' test flowers
    assert np.diag(matrix).tolist() == [int(te) for _, _, _, te, _ in per_class]
    right = int(re.search(r"\((\d+) of 30\)", printed).group(1))
    assert np.trace(matrix) == right


def test_confusion_counts_each_pair() -> None:
    matrix = iris_fnn.confusion(np.array([0, 0, 1, 2, 2]), np.array([0, 1, 1, 2, 0]), 3)
    assert matrix.tolist() == [[1, 1, 0], [0, 1, 0], [1, 0, 1]]
