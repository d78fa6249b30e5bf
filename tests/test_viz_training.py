"""Training replay: `fit(record=True)` keeps each epoch's state without changing any trained
number (eager and compiled), and the replay page, scrubbed in Chromium, shows History's loss,
accuracy and parameter rows at every epoch it lands on."""

# ruff: noqa: F811 (the shared fixtures are parameters of the tests)
import json
import math
import re

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


def expected_network(model, values):
    """Each weight's line as the figure should draw it from one snapshot's `values`: its sign
    and its width, 0.3 + 3.7 × |w| / max |θ| (|w| in hundredths of the frame's largest)."""
    index = {id(p): i for i, p in enumerate(model.parameters())}
    top = max(abs(v) for v in values)
    lines = []
    for layer in model.layers:
        for neuron in layer.neurons:
            for w in neuron.w:
                level = round(values[index[id(w)]] / top * 100)
                sign = "pos" if level > 0 else "neg" if level < 0 else "zero"
                lines.append((sign, 0.3 + 3.7 * abs(level) / 100))
    return lines


def test_the_network_figure_follows_the_snapshot_by_weight_and_by_gradient(open_page, tmp_path):
    model, h, X, y = run(True, False, "sigmoid")
    page = open_page(training_html(h, models=model, X=X, y=y))
    read = """() => [...document.querySelectorAll('#run-0 svg.network line')].map(
        (l) => [l.getAttribute('class'), Number(l.getAttribute('stroke-width'))])"""
    assert page.locator("#run-0 svg.network circle").count() == 2 + 4 + 4 + 1
    for key, frame in [("ArrowRight", 1), ("End", len(h.snapshots) - 1)]:
        page.keyboard.press(key)
        s = h.snapshots[frame]
        for mode in ("params", "grads"):
            page.check(f"#mode-{mode}")
            page.evaluate("() => document.activeElement.blur()")  # arrows move epochs again
            shown = [(c, w) for c, w in page.evaluate(read)]
            want = expected_network(model, getattr(s, mode))
            assert want != expected_network(model, getattr(h.snapshots[0], mode))  # it moved
            assert [c for c, _ in shown] == [c for c, _ in want]
            assert all(math.isclose(a, b, abs_tol=1e-12) for (_, a), (_, b) in zip(shown, want))


def test_a_chinese_replay_has_no_english_word(tmp_path, capsys):
    from test_viz_words import english_in

    path = tmp_path / "replay.html"
    assert main(["replay", "-o", str(path), "--epochs", "3", "--lang", "zh"]) in (0, None)
    page = path.read_text(encoding="utf-8")
    assert '<html lang="zh-Hans">' in page and "训练回放" in page
    data = json.loads(re.search(r'id="training-data">(.*?)</script>', page, re.DOTALL)[1])
    shown = [*data["words"].values(), *(run["name"] for run in data["runs"])]
    words = " ".join(w if isinstance(w, str) else " ".join(w) for w in shown)
    assert "准确率" in words and english_in(re.sub(r"\{\w+\}", " ", words)) == set()
    visible = re.sub(r"<script.*?</script>|<style.*?</style>|<[^>]+>", " ", page, flags=re.S)
    assert english_in(visible) == set()


#: Per page: how far it scrolls sideways; per table cell, how far it reaches past its .scroll box
#: and whether that box scrolls; the smallest text on screen (an SVG's text at its drawn scale).
LAYOUT = """() => ({
  sideways: document.documentElement.scrollWidth - innerWidth,
  cells: [...document.querySelectorAll('table.params td, table.params th')].map((td) => {
    const box = td.closest('.scroll');
    return {past: td.getBoundingClientRect().right - box.getBoundingClientRect().right,
            scrolls: box.scrollWidth > box.clientWidth &&
                     getComputedStyle(box).overflowX === 'auto'};
  }),
  least: Math.min(...[...document.querySelectorAll('body *')].filter((el) =>
      [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim()) &&
      el.getClientRects().length).map((el) => {
    const m = el instanceof SVGGraphicsElement ? el.getScreenCTM() : null;
    return parseFloat(getComputedStyle(el).fontSize) * (m ? Math.hypot(m.a, m.b) : 1);
  })),
})"""


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_two_runs_fit_960_and_688_px_light_and_dark(open_page, tmp_path, lang):
    runs = [run(True, True, "sigmoid", epochs=3), run(True, True, "relu", epochs=3)]
    page = open_page(training_html([h for _, h, _, _ in runs], models=[m for m, *_ in runs],
                                   X=runs[0][2], y=runs[0][3], lang=lang))  # fmt: skip
    page.keyboard.press("End")  # a frame with every column filled, the change too
    for width in (960, 688):
        for scheme in ("light", "dark"):
            page.set_viewport_size({"width": width, "height": 900})
            page.emulate_media(color_scheme=scheme)
            shown = page.evaluate(LAYOUT)
            assert shown["sideways"] <= 0, (width, scheme)
            assert len(shown["cells"]) == 2 * 9 * 6
            assert max(c["past"] for c in shown["cells"]) <= 0.5, (width, scheme)  # fits, whole
            assert shown["least"] >= 10, (width, scheme)
    page.set_viewport_size({"width": 360, "height": 900})  # a phone: the table scrolls, alone
    shown = page.evaluate(LAYOUT)
    assert shown["sideways"] <= 0
    assert all(c["past"] <= 0.5 or c["scrolls"] for c in shown["cells"])
    assert any(c["past"] > 0.5 for c in shown["cells"])
