"""Training replay: `fit(record=True)` keeps each epoch's state without changing any trained
number (eager and compiled), and the replay page, scrubbed in Chromium, shows History's loss,
accuracy and parameter rows at every epoch it lands on."""

# ruff: noqa: F811 (the shared fixtures are parameters of the tests)
import math

import numpy as np
import pytest
from test_viz_html_browser import browser, open_page  # noqa: F401 (fixtures)

from micrograd_nndl import MLP, Adam, fit, make_moons
from viz import training_html
from viz.cli.commands import main


def run(record, compiled, activation="relu", epochs=6):
    X, y = make_moons(40, noise=0.1, seed=3)
    y = 2 * y - 1
    model = MLP(2, [4, 4, 1], activation=activation, seed=5)
    opt = Adam(model.parameters(), lr=0.05)
    h = fit(model, X, y, "hinge", opt, epochs, progress=False, compiled=compiled, record=record)
    return model, h, X, y


@pytest.mark.parametrize("compiled", [False, True])
def test_recording_changes_no_trained_number(compiled):
    plain_model, plain, _, _ = run(False, compiled)
    model, h, _, _ = run(True, compiled)
    assert h.loss == plain.loss and h.accuracy == plain.accuracy
    assert [p.data for p in model.parameters()] == [p.data for p in plain_model.parameters()]
    assert [s.epoch for s in h.snapshots] == list(range(1, 7))
    last = h.snapshots[-1]
    assert list(last.params) == [p.data for p in model.parameters()]
    assert last.loss == h.loss[-1] and last.accuracy == h.accuracy[-1]
    layer_grads = [[p.grad for p in layer.parameters()] for layer in model.layers]
    assert list(last.layer_norms) == [math.sqrt(sum(g * g for g in gs)) for gs in layer_grads]
    assert list(last.state["m"]) == model_moments(h, model)[0]
    assert [s.epoch for s in run(2, compiled)[1].snapshots] == [2, 4, 6]  # every k-th epoch


def model_moments(h, model):
    return [list(h.snapshots[-1].state["m"])]


def test_the_page_scrubs_through_history(open_page, tmp_path):
    runs = [run(True, True, "sigmoid"), run(True, True, "relu")]
    path = tmp_path / "replay.html"
    training_html([h for _, h, _, _ in runs], path, models=[m for m, *_ in runs],
                  X=runs[0][2], y=runs[0][3], names=["logistic", "ReLU"])  # fmt: skip
    page = open_page(path)
    read = """(r) => ({
      loss: Number(document.querySelector('#run-' + r + ' .loss').dataset.value),
      accuracy: Number(document.querySelector('#run-' + r + ' .accuracy').dataset.value),
      rows: [...document.querySelectorAll('#run-' + r + ' table.params tbody tr')].map(
        (tr) => [...tr.cells].slice(1, 5).map((td) => Number(td.dataset.value))),
    })"""

    def assert_at(frame):
        for r, (_, h, _, _) in enumerate(runs):
            s = h.snapshots[frame]
            shown = page.evaluate(read, r)
            assert (
                shown["loss"] == h.loss[s.epoch - 1]
                and shown["accuracy"] == h.accuracy[s.epoch - 1]
            )
            want = [[s.params[i], s.grads[i], s.state["m"][i], s.state["v"][i]] for i in range(8)]
            assert shown["rows"] == want
        assert page.inner_text("#epoch") == f"epoch {frame + 1} of 6"

    assert_at(0)
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    assert_at(2)
    page.keyboard.press("End")
    assert_at(5)
    page.keyboard.press("ArrowLeft")
    assert_at(4)
    page.fill("#frame", "3")
    assert_at(3)
    page.keyboard.press("Home")
    assert_at(0)


def test_the_command_line_writes_the_demo_replay_small_and_fast(tmp_path, capsys):
    path = tmp_path / "training.html"
    assert main(["replay", "-o", str(path), "--epochs", "100"]) in (0, None)
    assert path.stat().st_size <= 5_000_000
    text = path.read_text(encoding="utf-8")
    assert "default-src 'none'" in text and np.char.count(text, "<script").item() == 2
