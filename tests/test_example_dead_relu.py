"""examples/dead_relu.py: the dead share grows from none at a small learning rate to many at a
large one, and a unit counted dead really outputs 0 on every sample (so its gradient is 0)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from example_runs import example, run_quick

from micrograd_nndl import load_iris, softmax_cross_entropy

pytest.importorskip("sklearn")  # the datasets extra; `make test` installs it
dead_relu = example("dead_relu")


def test_quick_run_more_dead_units_at_a_high_learning_rate(tmp_path: Path) -> None:
    printed = run_quick(dead_relu, tmp_path)
    assert [p.name for p in tmp_path.iterdir()] == ["dead_relu.png"]
    rows = re.findall(r"^lr +(\S+): mean (\S+)", printed, re.M)
    shares = {float(lr): float(share) for lr, share in rows}
    assert list(shares) == [0.1, 1.0, 4.0]
    assert shares[0.1] == 0.0 and shares[4.0] >= 0.1


def test_a_dead_unit_outputs_zero_on_every_sample_and_gets_no_gradient() -> None:
    data = load_iris(seed=0)
    model = dead_relu.train(data.X_train, data.y_train, 4.0, seed=1, epochs=20)
    dead = dead_relu.dead_units(model, data.X_train)
    assert dead.any() and not dead.all()
    layer = model.layers[0]
    for row in data.X_train.tolist():
        hidden = [h.data for h in layer(row)]
        assert all(hidden[j] == 0.0 for j in dead.nonzero()[0])
    model.zero_grad()
    logits = [model(row) for row in data.X_train.tolist()]
    softmax_cross_entropy(logits, data.y_train.tolist()).backward()
    for j in dead.nonzero()[0]:
        neuron = layer.neurons[j]
        assert neuron.b.grad == 0.0 and all(w.grad == 0.0 for w in neuron.w)
