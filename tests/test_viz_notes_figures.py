"""The figures of a chapter-4 notes page as fences, each from the engine's numbers: the neuron
(NNDL §4.1), the network (§4.3), activations with derivatives by backward() (§4.1), the
non-convex loss of y = σ(w₂σ(w₁x)) (§4.6.1)."""

from __future__ import annotations

import html
import math
import re

import pytest

from micrograd_nndl import MLP
from viz.notes import NoteError, OptionError, block_html, read_options
from viz.notes.figures import activation_curves, loss_surface
from viz.number_format import format_number

NONCONVEX = "x = 1; y = 1\nw₁ = 1; w₂ = -1\n损失 = (y - sigmoid(w₂*sigmoid(w₁*x)))**2"


def figure(kind: str, source: str, **options: str) -> str:
    return block_html(source, read_options({"figure": kind, **options}))


def sigmoid(z: float) -> float:
    return 1 / (1 + math.exp(-z))


def test_the_neuron_shows_z_a_and_each_gradient_of_a():
    svg = html.unescape(figure("neuron", "x = 1, -2\nw = 0.5, -0.3\nb = 0.1\nactivation = sigmoid"))
    z = 0.5 * 1 + (-0.3) * (-2) + 0.1
    slope = sigmoid(z) * (1 - sigmoid(z))  # ∂a/∂w₁ = σ′(z)·x₁, ∂a/∂x₂ = σ′(z)·w₂
    assert f"z = {format_number(z)}" in svg and f"a = {format_number(sigmoid(z))}" in svg
    assert f"grad {format_number(slope)}" in svg and f"grad {format_number(slope * -0.3)}" in svg


def test_the_network_shows_the_models_output_on_the_sample():
    svg = html.unescape(figure("network", "layers = [3, 4, 4, 1]\nx = 1, 0.5, -1\nseed = 3"))
    out = MLP(3, [4, 4, 1], seed=3)([1, 0.5, -1]).data
    assert format_number(out) in svg and svg.count("<svg") == 1


def test_activation_derivatives_are_backwards_numbers():
    (sig, tanh, relu), (dsig, dtanh, drelu) = activation_curves(
        "sigmoid(z)\ntanh(z)\nrelu(z)", (-4.0, 4.0)
    )
    for s, d in zip(sig.ys, dsig.ys):
        assert d == pytest.approx(s * (1 - s), abs=1e-15)
    middle = len(sig.xs) // 2
    assert (sig.xs[middle], dsig.ys[middle], dtanh.ys[middle]) == (0.0, 0.25, 1.0)
    assert all(d == 0 for z, d in zip(relu.xs, drelu.ys) if z < 0)
    assert all(d == 1 for z, d in zip(relu.xs, drelu.ys) if z > 0)


def test_an_activation_plot_is_an_svg_of_both_panels_in_the_pages_ink():
    svg = figure("activations", "σ = sigmoid(z)\ntanh(z)", lang="zh")
    assert svg.count("<path") == 4 and "导数" in svg and "σ" in svg
    assert 'fill="currentColor"' in svg and "#fff" not in svg  # no panel of its own colour


def test_a_domain_gap_breaks_the_curve_rather_than_failing():
    (log,), (dlog,) = activation_curves("log(z)", (-1.0, 1.0))
    assert all(math.isnan(y) for z, y in zip(log.xs, log.ys) if z <= 0)
    assert dlog.ys[-1] == 1.0  # d log z / dz at z = 1


def test_the_loss_of_the_smallest_network_is_not_convex():
    """NNDL §4.6.1: along w₂ = const a chord passes below the surface."""
    grid, rows = loss_surface(NONCONVEX, ["w₁", "w₂"], (-4.0, 4.0))
    j = grid.index(1.0)
    w1, w2 = grid[j], grid[grid.index(-1.0)]
    expected = 1 - sigmoid(w2 * sigmoid(w1))
    assert rows[grid.index(-1.0)][j] == pytest.approx(expected**2, rel=1e-12)
    gaps = [
        row[k] - (row[k - d] + row[k + d]) / 2
        for row in rows
        for d in range(1, len(grid) // 2)
        for k in range(d, len(grid) - d)
    ]
    assert max(gaps) > 0.01


def test_the_loss_figure_marks_the_blocks_point_with_its_gradient():
    svg = figure("loss", NONCONVEX, axes="w₁ w₂")
    assert svg.count("<rect") > 33 * 33 and "<circle" in svg and "w₂" in svg
    curve = figure("loss", NONCONVEX, axes="w₁")
    assert curve.count("<path") == 2 and "∂损失/∂w₁" in curve


@pytest.mark.parametrize(
    ("kind", "source", "line", "reason"),
    [
        ("neuron", "x = 1, 2\nw = 0.5", 2, "1 weights for 2 inputs"),
        ("neuron", "x = 1\nw = 1\nactivation = sigmoyd", 3, "sigmoyd"),
        ("network", "layers = [3, 0]", 1, "whole numbers, 1 to 1000"),
        ("network", "layers = 2, 1\nx = 1", 2, "x has 1 numbers for 2 inputs"),
        ("network", "layer = 2, 1", 1, "expected one of: layers ="),
        ("activations", "sigmoid(w*z)", 1, "must be a function of one variable"),
        ("activations", "sigmoid(z", 1, "expected ',' or ')'"),
    ],
)
def test_a_figure_mistake_names_its_line(kind, source, line, reason):
    with pytest.raises(NoteError) as raised:
        figure(kind, source)
    assert raised.value.line == line and reason in str(raised.value)


def test_loss_axes_must_be_inputs_of_the_block():
    with pytest.raises(OptionError, match="axes names 'v'"):
        figure("loss", NONCONVEX, axes="w₁ v")
    with pytest.raises(OptionError, match="one or two inputs"):
        figure("loss", NONCONVEX, axes="")


def test_plots_keep_text_readable_in_a_notes_column():
    """13 px text, scaled down to 500 px at most (then the figure scrolls): ≥ 10 px."""
    svg = figure("activations", "sigmoid(z)")
    width = float(re.search(r'viewBox="0 0 ([0-9.]+)', svg).group(1))
    least = float(re.search(r"min-width: ([0-9.]+)px", svg).group(1))
    assert 13 * least / width >= 10 and width <= 688
