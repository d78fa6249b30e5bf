"""Data sets: shapes, labels, geometry, reproducibility; mini-batches cover every sample once."""

import numpy as np
import pytest

from micrograd_nndl import (
    batches,
    make_blobs,
    make_circles,
    make_moons,
    make_regression_1d,
    make_spirals,
    make_xor,
)


def test_moons_geometry_without_noise():
    X, y = make_moons(101, noise=0.0, seed=0)
    assert X.shape == (101, 2) and sorted(set(y.tolist())) == [0, 1]
    assert (y == 0).sum() == 51
    upper, lower = X[y == 0], X[y == 1]
    assert np.allclose(np.hypot(upper[:, 0], upper[:, 1]), 1.0)  # on the unit circle
    assert np.allclose(np.hypot(lower[:, 0] - 1.0, lower[:, 1] - 0.5), 1.0)
    assert np.all(upper[:, 1] >= -1e-12) and np.all(lower[:, 1] <= 0.5 + 1e-12)


def test_same_seed_same_data_other_seed_other_data():
    a, b, c = make_moons(50, seed=3), make_moons(50, seed=3), make_moons(50, seed=4)
    assert np.array_equal(a[0], b[0]) and np.array_equal(a[1], b[1])
    assert not np.array_equal(a[0], c[0])


def test_circles_radii():
    X, y = make_circles(40, noise=0.0, factor=0.3)
    r = np.hypot(X[:, 0], X[:, 1])
    assert np.allclose(r[y == 0], 1.0) and np.allclose(r[y == 1], 0.3)


def test_xor_truth_table():
    X, y = make_xor()
    assert X.tolist() == [[-1, -1], [-1, 1], [1, -1], [1, 1]]
    assert y.tolist() == [0, 1, 1, 0]
    Xn, yn = make_xor(200, noise=0.1, seed=1)
    assert Xn.shape == (200, 2) and set(yn.tolist()) == {0, 1}


def test_spirals():
    X, y = make_spirals(50, classes=4, noise=0.0)
    assert X.shape == (200, 2) and np.bincount(y).tolist() == [50] * 4
    assert np.all(np.hypot(X[:, 0], X[:, 1]) <= 1.0 + 1e-12)


def test_regression_1d():
    X, y = make_regression_1d(30, noise=0.0)
    assert X.shape == (30, 1) and np.allclose(y, np.sin(X[:, 0]))
    assert X[0, 0] == -3.0 and X[-1, 0] == 3.0


def test_batches_cover_everything_once():
    X, y = np.arange(20.0).reshape(10, 2), np.arange(10)
    parts = list(batches(X, y, batch_size=4, seed=1))
    assert [len(b) for _, b in parts] == [4, 4, 2]
    seen = np.concatenate([b for _, b in parts])
    assert sorted(seen.tolist()) == list(range(10)) and seen.tolist() != list(range(10))
    for Xb, yb in parts:
        assert np.array_equal(Xb[:, 0], 2.0 * yb)  # rows stay with their labels
    (full,) = batches(X, y, shuffle=False)
    assert full[1].tolist() == list(range(10))


def test_bad_arguments():
    with pytest.raises(ValueError, match="noise must be a finite number >= 0"):
        make_moons(10, noise=-1.0)
    with pytest.raises(ValueError, match="n must be an integer >= 2"):
        make_moons(1)
    with pytest.raises(ValueError, match="classes must be an integer >= 2"):
        make_spirals(10, classes=1)
    with pytest.raises(ValueError, match="X has 3 samples but y has 2"):
        list(batches(np.zeros((3, 2)), np.zeros(2)))
    with pytest.raises(ValueError, match="batch_size must be an integer >= 1"):
        list(batches(np.zeros((3, 2)), np.zeros(3), batch_size=0))


def test_scikit_learns_names_give_the_same_data():
    """micrograd's demo calls make_moons(n_samples=100, noise=0.1), scikit-learn's names."""
    X, y = make_moons(n_samples=100, noise=0.1, random_state=7)
    X2, y2 = make_moons(100, noise=0.1, seed=7)
    assert np.array_equal(X, X2) and np.array_equal(y, y2) and X.shape == (100, 2)
    assert np.array_equal(make_circles(n_samples=30)[0], make_circles(30)[0])
    with pytest.raises(TypeError, match="give n or n_samples"):
        make_moons(50, n_samples=60)
    with pytest.raises(TypeError, match="give seed or random_state"):
        make_circles(seed=1, random_state=2)


def test_blobs_are_gaussian_clusters_around_their_centers():
    centers = np.array([[-5.0, 0.0], [5.0, 2.0]])
    X, y = make_blobs(2000, centers=centers, std=0.5, seed=1)
    assert X.shape == (2000, 2) and sorted(set(y.tolist())) == [0, 1] and (y == 0).sum() == 1000
    for k, center in enumerate(centers):
        cluster = X[y == k]
        assert np.allclose(cluster.mean(axis=0), center, atol=0.05)  # 3 standard errors
        assert np.allclose(cluster.std(axis=0), 0.5, atol=0.05)
    X3, y3 = make_blobs(n_samples=90, centers=3, random_state=0)
    assert X3.shape == (90, 2) and sorted(set(y3.tolist())) == [0, 1, 2]
    assert np.abs(X3).max() < 10.0 + 6.0  # centers in [-10, 10]², std 1
    assert np.array_equal(X3, make_blobs(90, centers=3, seed=0)[0])
    with pytest.raises(ValueError, match="centers must be a count or a"):
        make_blobs(10, centers=[[0.0, 0.0, 0.0]])
    with pytest.raises(ValueError, match="std must be a finite number"):
        make_blobs(10, std=float("nan"))
