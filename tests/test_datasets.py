"""Real data sets: Iris and digits have their known shapes and class counts, the split is
stratified and reproducible from its seed, the scaling is measured on the training set only,
and without scikit-learn the loaders say how to install it."""

import sys

import numpy as np
import pytest

from micrograd_nndl import MLP, SGD, fit, load_digits, load_iris, standardize, train_test_split

pytest.importorskip("sklearn")  # the datasets extra; `make test` installs it


def test_iris_shapes_classes_and_stratified_split():
    d = load_iris()
    assert d.X_train.shape == (120, 4) and d.X_test.shape == (30, 4)
    assert d.classes == ("setosa", "versicolor", "virginica")
    assert np.bincount(d.y_train).tolist() == [40, 40, 40]
    assert np.bincount(d.y_test).tolist() == [10, 10, 10]
    assert d.X_train.dtype == float and d.y_train.dtype.kind == "i"


def test_digits_shapes_and_every_digit_in_both_sets():
    d = load_digits()
    assert len(d.X_train) + len(d.X_test) == 1797 and d.X_train.shape[1] == 64
    assert d.classes == tuple(str(k) for k in range(10))
    counts = np.bincount(d.y_test, minlength=10) / np.bincount(
        np.concatenate([d.y_train, d.y_test])
    )
    assert np.allclose(counts, 0.2, atol=0.01)  # a fifth of each digit held out
    raw = d.X_train * d.std + d.mean  # the grey levels back
    assert np.allclose(raw, np.round(raw)) and raw.min() >= -1e-9 and raw.max() <= 16 + 1e-9


def test_the_split_is_a_partition_reproducible_from_its_seed():
    raw = load_iris(scale=False)
    X = np.vstack([raw.X_train, raw.X_test])
    a, b, c = load_iris(seed=3, scale=False), load_iris(seed=3, scale=False), load_iris(seed=4)
    assert np.array_equal(a.X_train, b.X_train) and np.array_equal(a.y_test, b.y_test)
    assert not np.array_equal(a.X_train, c.X_train * c.std + c.mean)
    rows = sorted(map(tuple, np.vstack([a.X_train, a.X_test]).tolist()))
    assert rows == sorted(map(tuple, X.tolist()))  # every sample once, none invented


def test_scaling_is_fitted_on_the_training_set_only():
    d, raw = load_digits(seed=1), load_digits(seed=1, scale=False)
    varying = raw.X_train.std(axis=0) > 0
    assert np.allclose(d.X_train.mean(axis=0), 0.0, atol=1e-12)
    assert np.allclose(d.X_train.std(axis=0)[varying], 1.0)
    assert (
        np.all(d.X_train[:, ~varying] == 0.0)
        and d.std[~varying].tolist() == [1.0] * (~varying).sum()
    )  # a constant pixel is centred, not divided by 0
    assert np.allclose(d.X_test, (raw.X_test - raw.X_train.mean(axis=0)) / d.std)
    assert np.allclose(d.mean, raw.X_train.mean(axis=0))


def test_standardize_and_split_on_plain_arrays():
    X_train, X_test, mean, std = standardize([[1.0, 5.0], [3.0, 5.0]], [[5.0, 6.0]])
    assert X_train.tolist() == [[-1.0, 0.0], [1.0, 0.0]]
    assert X_test.tolist() == [[3.0, 1.0]] and mean.tolist() == [2.0, 5.0]
    assert std.tolist() == [1.0, 1.0]
    y = np.array([0] * 9 + [1])  # one sample of class 1 cannot be in both sets
    with pytest.raises(ValueError, match="1 of 1 samples of a class"):
        train_test_split(np.zeros((10, 1)), y, 0.6)
    _, X_te, _, y_te = train_test_split(np.arange(10).reshape(10, 1), y, 0.3, stratify=False)
    assert len(y_te) == 3 and len(X_te) == 3


def test_fit_trains_on_the_split_as_it_is():
    d = load_iris()
    model = MLP(4, [3], seed=0)  # softmax regression
    opt = SGD(model.parameters(), lr=0.5)
    history = fit(model, d.X_train, d.y_train, "softmax_cross_entropy", opt, 50, progress=False)
    assert history.loss[-1] < history.loss[0] / 4 and history.accuracy[-1] >= 0.9


def test_without_scikit_learn_the_error_says_how_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "sklearn", None)  # import sklearn now fails
    with pytest.raises(
        ImportError,
        match=r"pip install -e '\.\[datasets\]' in the clone, or pip install scikit-learn",
    ):
        load_iris()
