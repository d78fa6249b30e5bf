"""save/load: exact round trip, atomic write, and refused files that change nothing."""

import json
import os
import re

import pytest

from micrograd_nndl import MLP, ModelFileError


def _data(model):
    return [p.data for p in model.parameters()]


def test_round_trip_is_exact(tmp_path):
    path = tmp_path / "model.json"
    a = MLP(3, [4, 2], activation="prelu", init="xavier_normal", seed=1)
    a.parameters()[0].data = 0.1 + 0.2  # a float whose shortest repr has 17 digits
    a.save(path)
    b = MLP(3, [4, 2], activation="prelu", seed=2)
    assert _data(a) != _data(b)
    b.load(path)
    assert _data(a) == _data(b)  # bit for bit
    document = json.loads(path.read_text())
    assert document["architecture"] == {
        "type": "MLP",
        "nin": 3,
        "nouts": [4, 2],
        "activation": "prelu",
        "output_activation": "linear",
    }
    assert document["parameters"]["layers.0.neurons.0.gamma"] == 0.25


def test_a_different_architecture_is_refused_naming_the_mismatch(tmp_path):
    path = tmp_path / "model.json"
    MLP(2, [3, 1], seed=0).save(path)
    for other, field in [
        (MLP(2, [4, 1], seed=1), "'nouts': the file has [3, 1], the model has [4, 1]"),
        (MLP(2, [3, 1], activation="tanh", seed=1), "'activation'"),
        (MLP(5, [3, 1], seed=1), "'nin'"),
    ]:
        before = _data(other)
        with pytest.raises(ModelFileError, match=re.escape(f"architecture mismatch in {field}")):
            other.load(path)
        assert _data(other) == before


@pytest.mark.parametrize(
    "edit, message",
    [
        (lambda text: text[: len(text) // 2], "not a valid model file"),
        (lambda text: "[1, 2]", "not a micrograd-nndl model file"),
        (lambda text: text.replace('"version": 1', '"version": 9'), "format version 9"),
        (
            lambda text: text.replace('"layers.0.neurons.0.b"', '"layers.0.neurons.0.bias"'),
            "missing",
        ),
        (
            lambda text: text.replace('"layers.1.neurons.0.b": 0.0', '"layers.1.neurons.0.b": "x"'),
            "'x'",
        ),
    ],
)
def test_corrupt_files_are_refused_and_nothing_changes(tmp_path, edit, message):
    path = tmp_path / "model.json"
    model = MLP(2, [3, 1], seed=0)
    model.save(path)
    path.write_text(edit(path.read_text()))
    for p in model.parameters():
        p.data = 7.0
    with pytest.raises(ModelFileError, match=message):
        model.load(path)
    assert _data(model) == [7.0] * len(model.parameters())


def test_binary_garbage_is_refused(tmp_path):
    path = tmp_path / "model.json"
    path.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(ModelFileError, match="not a valid model file"):
        MLP(2, [1], seed=0).load(path)


def test_a_crash_mid_write_leaves_the_old_file_intact(tmp_path, monkeypatch):
    path = tmp_path / "model.json"
    MLP(2, [3, 1], seed=0).save(path)
    old = path.read_text()

    def crash(*args):
        raise OSError("disk full")

    monkeypatch.setattr(os, "fsync", crash)
    with pytest.raises(OSError, match="disk full"):
        MLP(2, [3, 1], seed=1).save(path)
    assert path.read_text() == old
    assert os.listdir(tmp_path) == ["model.json"]  # no temporary file left behind
