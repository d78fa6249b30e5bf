"""save/load: exact round trip, atomic write, and refused files that change nothing."""

import json
import math
import os
import re
import stat

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from micrograd_nndl import (
    MLP,
    Layer,
    ModelFileError,
    Module,
    Neuron,
    NotARegularFileError,
    Value,
)
from micrograd_nndl.serialize import FORMAT, LONGEST_NUMBER, most_bytes


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
            re.escape(
                "missing: b⁽¹⁾₁ (layers.0.neurons.0.b); unexpected: 'layers.0.neurons.0.bias'"
            ),
        ),
        (
            lambda text: text.replace('"layers.1.neurons.0.b": 0.0', '"layers.1.neurons.0.b": "x"'),
            '"x", not a finite number',
        ),
        (
            lambda text: text.replace(
                '"layers.1.neurons.0.b": 0.0', '"layers.1.neurons.0.b": 1e400'
            ),
            re.escape("b⁽²⁾₁ (layers.1.neurons.0.b) is inf, not a finite number"),
        ),
        (
            lambda text: text.replace(
                '"layers.1.neurons.0.b": 0.0', '"layers.1.neurons.0.b": 1' + "0" * 400
            ),
            re.escape(
                "b⁽²⁾₁ (layers.1.neurons.0.b) is an integer of 401 digits, too large for a float"
            ),
        ),
        (
            lambda text: text.replace(
                '"layers.1.neurons.0.b": 0.0', '"layers.1.neurons.0.b": 1' + "0" * 5000
            ),
            # Python >= 3.10.7 refuses to read an integer of > 4300 digits; older ones read it
            "not a valid model file|too large for a float",
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


def test_another_kind_of_model_is_named_before_its_fields(tmp_path):
    path = tmp_path / "model.json"
    MLP(2, [4, 1], seed=0).save(path)
    layer = Layer(2, 4, seed=0)
    with pytest.raises(ModelFileError, match="the file holds an MLP, this model is a Layer$"):
        layer.load(path)
    Layer(2, 4, seed=1).save(path)
    with pytest.raises(ModelFileError, match="the file holds a Layer, this model is an MLP$"):
        MLP(2, [4], seed=0).load(path)
    with pytest.raises(ModelFileError, match="the file holds a Layer, this model is a Neuron$"):
        Neuron(2, seed=0).load(path)


@pytest.fixture
def umask_022():
    old = os.umask(0o022)
    yield
    os.umask(old)


@pytest.mark.skipif(os.name != "posix", reason="POSIX permission bits")
def test_a_saved_file_has_the_permissions_open_would_give_it(tmp_path, umask_022):
    path = tmp_path / "model.json"
    model = MLP(2, [3, 1], seed=0)
    model.save(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o644  # 0666 minus the umask, readable by all
    with open(tmp_path / "plain.json", "w") as f:
        f.write("{}")
    assert stat.S_IMODE(path.stat().st_mode) == stat.S_IMODE(
        (tmp_path / "plain.json").stat().st_mode
    )
    path.chmod(0o640)
    model.save(path)  # overwriting keeps the file's mode
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    os.umask(0o077)
    model.save(tmp_path / "private.json")
    assert stat.S_IMODE((tmp_path / "private.json").stat().st_mode) == 0o600


@pytest.mark.skipif(os.name != "posix", reason="symbolic links")
def test_saving_through_a_symlink_replaces_the_file_it_points_to(tmp_path):
    (tmp_path / "models").mkdir()
    target = tmp_path / "models" / "v1.json"
    MLP(2, [1], seed=0).save(target)
    link = tmp_path / "latest.json"
    link.symlink_to(target)
    model = MLP(2, [1], seed=1)
    model.save(link)
    assert link.is_symlink()
    copy = MLP(2, [1], seed=2)
    copy.load(target)
    assert _data(copy) == _data(model)


def test_a_missing_directory_is_named_with_the_path_given(tmp_path):
    path = tmp_path / "no such dir" / "model.json"
    with pytest.raises(FileNotFoundError) as failure:
        MLP(2, [1], seed=0).save(path)
    message = str(failure.value)
    assert str(path) in message and "the directory" in message and "does not exist" in message
    assert ".tmp" not in message


@pytest.mark.skipif(os.name != "posix", reason="symbolic links")
def test_a_symlink_into_a_missing_directory_names_that_directory(tmp_path):
    """The message named the link's own directory, which exists."""
    link = tmp_path / "latest.json"
    link.symlink_to(tmp_path / "gone" / "v1.json")
    with pytest.raises(FileNotFoundError) as failure:
        MLP(2, [1], seed=0).save(link)
    message = str(failure.value)
    assert f"the directory {str(tmp_path / 'gone')!r} does not exist" in message
    assert "links to" in message and not (tmp_path / "gone").exists()


@pytest.mark.parametrize("trailing", ["", os.sep])
def test_a_directory_is_refused_and_nothing_is_written_beside_it(tmp_path, trailing):
    (tmp_path / "out").mkdir()
    before = sorted(os.listdir(tmp_path))
    with pytest.raises(IsADirectoryError, match="it is a directory; give a file name, e.g."):
        MLP(2, [1], seed=0).save(str(tmp_path / "out") + trailing)
    assert sorted(os.listdir(tmp_path)) == before and os.listdir(tmp_path / "out") == []


# ---- hostile files: special files, sizes, duplicate keys, wrong types ---------------------------


@pytest.mark.skipif(os.name != "posix", reason="FIFOs are POSIX")
def test_loading_a_fifo_is_refused_at_once(tmp_path, raised_in_time):
    """It used to wait forever for a writer."""
    fifo = tmp_path / "model.json"
    os.mkfifo(fifo)
    error = raised_in_time(lambda: MLP(2, [1], seed=0).load(fifo))
    assert isinstance(error, NotARegularFileError) and "a FIFO (named pipe)" in str(error)


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
def test_loading_a_device_is_refused_without_reading_it(device, raised_in_time):
    """/dev/zero used to raise MemoryError after filling the memory."""
    if not os.path.exists(device):
        pytest.skip(f"no {device}")
    error = raised_in_time(lambda: MLP(2, [1], seed=0).load(device))
    assert isinstance(error, NotARegularFileError) and "a character device" in str(error)


def test_whatever_save_writes_load_reads(tmp_path):
    """The read limit was a fixed 64 MB, passed by a saved MLP(1300, [1000]) (65.5 MB): now it
    is derived from the model, from every number at its longest repr."""
    path = tmp_path / "model.json"
    model = MLP(3, [4, 2], activation="prelu", seed=0)
    for p in model.parameters():
        p.data = LONGEST_NUMBER
    assert len(repr(LONGEST_NUMBER)) == 24  # sign, 17 digits, point, e-308
    model.save(path)
    size = path.stat().st_size
    assert most_bytes(model) == 2 * size + 2**16
    copy = MLP(3, [4, 2], activation="prelu", seed=1)
    copy.load(path)
    assert _data(copy) == _data(model)
    document = json.loads(path.read_text())
    path.write_text(json.dumps(document, indent=8))  # re-indented by hand: still read
    copy.load(path)
    assert _data(copy) == _data(model)


def test_a_file_larger_than_the_model_can_have_written_is_refused_unread(tmp_path):
    path = tmp_path / "model.json"
    model = MLP(2, [1], seed=0)
    limit = most_bytes(model)
    with open(path, "wb") as f:
        f.truncate(limit + 1)  # sparse: costs no disk
    with pytest.raises(ModelFileError, match=f"model.json: larger than {limit} bytes.*twice"):
        model.load(path)


class _Twice(Module):
    """A module whose two parameters share a name: one of them would never be restored."""

    def __init__(self):
        self.a, self.b = Value(1.0), Value(2.0)

    def named_parameters(self):
        yield "w", self.a
        yield "w", self.b


def test_two_parameters_of_one_name_are_refused_naming_it(tmp_path):
    """It saved {"w": 2.0} and loaded it into both without a word."""
    path = tmp_path / "model.json"
    with pytest.raises(ValueError, match="save: two parameters of the model are named 'w'"):
        _Twice().save(path)
    assert not path.exists()
    path.write_text(
        json.dumps(
            {
                "format": FORMAT,
                "version": 1,
                "architecture": {"type": "_Twice"},
                "parameters": {"w": 5.0},
            }
        )
    )
    model = _Twice()
    with pytest.raises(ValueError, match="load: two parameters of the model are named 'w'"):
        model.load(path)
    assert (model.a.data, model.b.data) == (1.0, 2.0)


@pytest.mark.parametrize(
    "old, new, message",
    [
        ('"version": 1', '"version": true', "format version true, this library reads 1"),
        ('"version": 1', '"version": 1.0', "format version 1.0"),
        ('"nin": 2', '"nin": true', "mismatch in 'nin': the file has true, the model has 2"),
        ('"nin": 2', '"nin": 2.0', "mismatch in 'nin': the file has 2.0"),
        ('"version": 1', '"version": 1, "version": 1', 'the key "version" is twice'),
        (
            '"layers.0.neurons.0.b": 0.0',
            '"layers.0.neurons.0.b": 0.0, "layers.0.neurons.0.b": 5.0',
            'the key "layers.0.neurons.0.b" is twice in one object',
        ),
        ('"layers.0.neurons.0.b": 0.0', '"layers.0.neurons.0.b": NaN', "NaN is not a JSON number"),
        (
            '"layers.0.neurons.0.b": 0.0',
            '"layers.0.neurons.0.b": [' + "0, " * 1000 + "0]",
            r"is \[0, 0, 0, .{40,60}…, not a finite number$",
        ),
    ],
)
def test_duplicate_keys_and_wrongly_typed_fields_are_refused(tmp_path, old, new, message):
    """json.load keeps the last of two equal keys, and True == 1, 2.0 == 2 in Python: all were
    accepted before."""
    path = tmp_path / "model.json"
    MLP(2, [3, 1], seed=0).save(path)
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
    model = MLP(2, [3, 1], seed=1)
    before = _data(model)
    with pytest.raises(ModelFileError, match=message):
        model.load(path)
    assert _data(model) == before


def test_a_nan_parameter_is_refused_by_name_before_it_can_be_saved(tmp_path):
    """json said "Out of range float values are not JSON compliant", naming no parameter:
    now the assignment itself refuses, naming the parameter, and the model saves as it was."""
    model = MLP(2, [3, 1], seed=0)
    w = dict(model.named_parameters())["layers.1.neurons.0.w.2"]
    before = w.data
    with pytest.raises(
        ValueError, match=re.escape("data of w⁽²⁾₁₃ (layers.1.neurons.0.w.2) must be finite")
    ):
        w.data = float("nan")
    assert w.data == before
    path = tmp_path / "model.json"
    model.save(path)
    assert json.loads(path.read_text())["parameters"]["layers.1.neurons.0.w.2"] == before


_VALID = MLP(2, [2, 1], seed=0)


@settings(max_examples=300)
@given(st.binary(max_size=400))
def test_fuzz_random_bytes_only_ever_raise_model_file_error(tmp_path_factory, data):
    _refused_or_loaded(tmp_path_factory, data)


@settings(max_examples=300)
@given(st.data())
def test_fuzz_mutated_model_files_only_ever_raise_model_file_error(tmp_path_factory, data):
    """Flip, drop and insert bytes of a valid file: a loaded file or a ModelFileError, nothing
    else (no KeyError, TypeError, MemoryError, RecursionError), and a refusal changes nothing."""
    path = tmp_path_factory.mktemp("valid") / "model.json"
    _VALID.save(path)
    text = bytearray(path.read_bytes())
    for _ in range(data.draw(st.integers(1, 4))):
        at = data.draw(st.integers(0, len(text) - 1))
        action = data.draw(st.sampled_from(["flip", "drop", "insert"]))
        byte = data.draw(st.sampled_from(b'{}[]",:0123456789.eE-+ntfaluri\\\xff\x00'))
        if action == "flip":
            text[at] = byte
        elif action == "drop":
            del text[at]
        else:
            text.insert(at, byte)
    _refused_or_loaded(tmp_path_factory, bytes(text))


def _refused_or_loaded(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("fuzz") / "model.json"
    path.write_bytes(data)
    model = MLP(2, [2, 1], seed=1)
    before = _data(model)
    try:
        model.load(path)
    except ModelFileError as e:
        assert str(path) in str(e) and "\n" not in str(e)
        assert _data(model) == before
    else:
        assert all(math.isfinite(x) for x in _data(model))
