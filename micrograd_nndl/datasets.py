"""Real data: scikit-learn's Iris and digits (bundled with it, nothing is downloaded), split
into a training and a test set from a seed and standardised as NNDL §7.5 advises.

The loaders need the `datasets` extra (`pip install -e '.[datasets]'` in the clone, which
is scikit-learn); the split and the scaling are plain numpy and work on any (X, y).
"""

from __future__ import annotations

from types import ModuleType
from typing import NamedTuple

import numpy as np

from .data import Seed
from .init import make_rng

INSTALL = "pip install -e '.[datasets]' in the clone, or pip install scikit-learn"


class Dataset(NamedTuple):
    """A data set split for `fit`: X_train (n, d) floats with y_train (n,) class indices, the
    same for the test set; `classes[k]` names class k. `mean` and `std` are the per-feature
    statistics of the raw training features the scaling used (0 and 1 when not scaled), so
    `X * std + mean` gives the raw features back and `(x_new − mean) / std` scales a new one."""

    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    classes: tuple[str, ...]
    mean: np.ndarray
    std: np.ndarray


def train_test_split(
    X: np.ndarray, y: np.ndarray, test_size: float = 0.2, seed: Seed = 0, stratify: bool = True
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(X_train, X_test, y_train, y_test), as scikit-learn orders them: a share `test_size` of
    the samples held out, drawn from `seed`. Stratified, each class keeps its share in both
    sets (round(test_size · n_k) of class k's n_k samples are held out), so a small test set
    still has every class. Both sets come shuffled."""
    X, y = np.asarray(X), np.asarray(y)
    if len(X) != len(y):
        raise ValueError(f"train_test_split: X has {len(X)} samples but y has {len(y)}")
    if not (isinstance(test_size, (int, float)) and 0.0 < test_size < 1.0):
        raise ValueError(f"train_test_split: test_size must be in (0, 1), got {test_size!r}")
    rng = make_rng(seed)
    groups = [np.flatnonzero(y == c) for c in np.unique(y)] if stratify else [np.arange(len(y))]
    test, train = [], []
    for members in groups:
        members = rng.permutation(members)
        held = int(round(test_size * len(members)))
        if held == 0 or held == len(members):
            raise ValueError(
                f"train_test_split: test_size {test_size} leaves {held} of {len(members)} "
                "samples of a class in the test set; both sets need some of each"
            )
        test.append(members[:held])
        train.append(members[held:])
    tr, te = rng.permutation(np.concatenate(train)), rng.permutation(np.concatenate(test))
    return X[tr], X[te], y[tr], y[te]


def standardize(
    X_train: np.ndarray, X_test: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(X_train', X_test', mean, std): each feature x → (x − μ)/σ with μ and σ measured on the
    training set only (the test set must not leak into training), applied to both. A feature
    constant on the training set (σ = 0, a digit's always-blank corner pixel) keeps σ = 1."""
    X_train, X_test = np.asarray(X_train, dtype=float), np.asarray(X_test, dtype=float)
    mean = X_train.mean(axis=0)
    std = X_train.std(axis=0)
    std = np.where(std > 0.0, std, 1.0)
    return (X_train - mean) / std, (X_test - mean) / std, mean, std


def _split(
    X: np.ndarray,
    y: np.ndarray,
    classes: tuple[str, ...],
    test_size: float,
    seed: Seed,
    scale: bool,
) -> Dataset:
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size, seed)
    if scale:
        X_train, X_test, mean, std = standardize(X_train, X_test)
    else:
        mean, std = np.zeros(X.shape[1]), np.ones(X.shape[1])
    return Dataset(
        X_train.astype(float), y_train.astype(int), X_test.astype(float), y_test.astype(int),
        classes, mean, std,
    )  # fmt: skip


def _sklearn_datasets() -> ModuleType:
    """sklearn.datasets, or an ImportError that says how to install it."""
    try:
        from sklearn import datasets
    except ImportError:
        raise ModuleNotFoundError(
            f"Iris and digits come with scikit-learn, which is not installed: {INSTALL}",
            name="sklearn",
        ) from None
    return datasets


def load_iris(test_size: float = 0.2, seed: Seed = 0, scale: bool = True) -> Dataset:
    """Fisher's Iris: 150 flowers, 4 features (sepal and petal length and width, cm), 3
    species of 50 (setosa, versicolor, virginica). By default 120 to train and 30 to test,
    10 of each species, standardised on the training set (`standardize`)."""
    bunch = _sklearn_datasets().load_iris()
    names = tuple(str(t) for t in bunch.target_names)
    return _split(bunch.data, bunch.target, names, test_size, seed, scale)


def load_digits(test_size: float = 0.2, seed: Seed = 0, scale: bool = True) -> Dataset:
    """Handwritten digits: 1,797 images of 8×8 pixels (grey levels 0..16, row by row: 64
    features), classes 0..9 of about 180 each. By default 1,438 to train and 359 to test
    (a fifth of each digit), standardised on the training set (`standardize`)."""
    bunch = _sklearn_datasets().load_digits()
    names = tuple(str(t) for t in bunch.target_names)
    return _split(bunch.data, bunch.target, names, test_size, seed, scale)
