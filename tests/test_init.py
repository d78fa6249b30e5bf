"""Initialisation schemes (NNDL §7.3): the variances by formula, and samples that follow them."""

import math

import numpy as np
import pytest

from micrograd_nndl import MLP
from micrograd_nndl.init import init_weights, make_rng, weight_variance


def test_variances_are_the_books_formulas():
    assert weight_variance("uniform", 10, 20) == pytest.approx(1 / 3)
    assert weight_variance("xavier_uniform", 10, 30) == pytest.approx(2 / 40)
    assert weight_variance("xavier_normal", 10, 30, "sigmoid") == pytest.approx(16 * 2 / 40)
    assert weight_variance("he_normal", 50, 7) == pytest.approx(2 / 50)


@pytest.mark.parametrize(
    "scheme, bound",
    [
        ("uniform", 1.0),
        ("xavier_uniform", math.sqrt(6 / (200 + 100))),
        ("he_uniform", math.sqrt(6 / 200)),
    ],
)
def test_uniform_schemes_stay_in_their_interval(scheme, bound):
    w = np.array(init_weights(scheme, 200, 100, make_rng(0)))
    assert w.shape == (200,)
    assert np.all(np.abs(w) <= bound) and np.max(np.abs(w)) > 0.95 * bound


def test_xavier_logistic_interval_is_four_times_wider():
    w = np.array(init_weights("xavier_uniform", 200, 100, make_rng(0), "sigmoid"))
    assert np.max(np.abs(w)) <= 4 * math.sqrt(6 / 300) and np.max(np.abs(w)) > 3.8 * math.sqrt(
        6 / 300
    )


@pytest.mark.parametrize("scheme", ["xavier_normal", "he_normal", "xavier_uniform", "he_uniform"])
def test_sample_variance_matches(scheme):
    rng = make_rng(1)
    w = np.concatenate([init_weights(scheme, 100, 50, rng) for _ in range(100)])  # 10 000 draws
    expected = weight_variance(scheme, 100, 50)
    assert w.var() == pytest.approx(expected, rel=0.05)
    assert abs(w.mean()) < 4 * math.sqrt(expected / len(w))


def test_mlp_layers_use_their_own_fan_in_and_fan_out_and_zero_bias():
    model = MLP(400, [300, 1], init="he_uniform", seed=0)
    first = np.array([p.data for n in model.layers[0].neurons for p in n.w])
    assert np.max(np.abs(first)) <= math.sqrt(6 / 400)
    assert first.var() == pytest.approx(2 / 400, rel=0.05)
    assert all(n.b.data == 0.0 for layer in model.layers for n in layer.neurons)


def test_bad_names_and_seeds():
    with pytest.raises(ValueError, match="unknown init scheme 'kaiming'"):
        init_weights("kaiming", 3, 3, make_rng(0))
    with pytest.raises(ValueError, match="fan_in and fan_out must be >= 1"):
        weight_variance("he_normal", 0, 3)
    with pytest.raises(TypeError, match="seed must be an int"):
        make_rng("42")
