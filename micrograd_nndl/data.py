"""Small synthetic data sets, generated with numpy from a seed, and mini-batching.

Every generator returns (X, y): X a float array of shape (n, d), y an int array of class
labels (0/1 for two classes; use `2 * y - 1` for the ±1 labels of the hinge loss) or, for
regression, a float array. The same seed gives the same data.
"""

from __future__ import annotations

import math
from collections.abc import Iterator

import numpy as np

from .init import make_rng

Seed = int | np.random.Generator | None


def _check_n(n: object, what: str = "n", minimum: int = 1) -> int:
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < minimum:
        raise ValueError(f"{what} must be an integer >= {minimum}, got {n!r}")
    return int(n)


def _check_noise(noise: float) -> float:
    if not (isinstance(noise, (int, float)) and 0.0 <= noise < math.inf):
        raise ValueError(f"noise must be a finite number >= 0, got {noise!r}")
    return float(noise)


def _sklearn_names(
    where: str, n: int, seed: Seed, n_samples: int | None, random_state: Seed | None
) -> tuple[int, Seed]:
    """n and seed, or scikit-learn's names for them (n_samples=, random_state=), so the line
    of micrograd's demo, make_moons(n_samples=100, noise=0.1), runs as it is written."""
    if n_samples is not None:
        if n != 100:
            raise TypeError(f"{where}: give n or n_samples (scikit-learn's name), not both")
        n = n_samples
    if random_state is not None:
        if seed != 0:
            raise TypeError(f"{where}: give seed or random_state (scikit-learn's), not both")
        seed = random_state
    return n, seed


def make_moons(
    n: int = 100,
    noise: float = 0.1,
    seed: Seed = 0,
    *,
    n_samples: int | None = None,
    random_state: Seed | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaving half circles (the micrograd demo): class 0 the upper arc (cos t, sin t),
    class 1 the lower arc (1 − cos t, ½ − sin t), t ∈ [0, π], plus N(0, noise²) jitter.
    `n_samples` and `random_state` are scikit-learn's names for n and seed."""
    n, seed = _sklearn_names("make_moons", n, seed, n_samples, random_state)
    n, noise, rng = _check_n(n, minimum=2), _check_noise(noise), make_rng(seed)
    n0 = n // 2 + n % 2
    t0, t1 = np.linspace(0.0, math.pi, n0), np.linspace(0.0, math.pi, n - n0)
    upper = np.column_stack([np.cos(t0), np.sin(t0)])
    lower = np.column_stack([1.0 - np.cos(t1), 0.5 - np.sin(t1)])
    X = np.vstack([upper, lower]) + rng.normal(0.0, noise, size=(n, 2))
    y = np.concatenate([np.zeros(n0, dtype=int), np.ones(n - n0, dtype=int)])
    return _shuffle(X, y, rng)


def make_circles(
    n: int = 100,
    noise: float = 0.05,
    factor: float = 0.5,
    seed: Seed = 0,
    *,
    n_samples: int | None = None,
    random_state: Seed | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """A circle of radius 1 (class 0) around one of radius `factor` (class 1), plus jitter.
    `n_samples` and `random_state` are scikit-learn's names for n and seed."""
    n, seed = _sklearn_names("make_circles", n, seed, n_samples, random_state)
    if not 0.0 < factor < 1.0:
        raise ValueError(f"factor (inner radius) must be in (0, 1), got {factor!r}")
    n, noise, rng = _check_n(n, minimum=2), _check_noise(noise), make_rng(seed)
    n0 = n // 2 + n % 2
    t0 = np.linspace(0.0, 2 * math.pi, n0, endpoint=False)
    t1 = np.linspace(0.0, 2 * math.pi, n - n0, endpoint=False)
    outer = np.column_stack([np.cos(t0), np.sin(t0)])
    inner = factor * np.column_stack([np.cos(t1), np.sin(t1)])
    X = np.vstack([outer, inner]) + rng.normal(0.0, noise, size=(n, 2))
    y = np.concatenate([np.zeros(n0, dtype=int), np.ones(n - n0, dtype=int)])
    return _shuffle(X, y, rng)


def make_blobs(
    n: int = 100,
    centers: int | np.ndarray = 3,
    std: float = 1.0,
    seed: Seed = 0,
    *,
    n_samples: int | None = None,
    random_state: Seed | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Gaussian clusters in the plane: sample i belongs to class i mod k and is drawn from
    N(center_k, std²·I). `centers` is k (the centers then uniform in [−10, 10]², as
    scikit-learn draws them) or a (k, 2) array. micrograd's demo imports it beside make_moons;
    `n_samples` and `random_state` are scikit-learn's names for n and seed."""
    n, seed = _sklearn_names("make_blobs", n, seed, n_samples, random_state)
    n, rng = _check_n(n), make_rng(seed)
    if not (isinstance(std, (int, float)) and 0.0 <= std < math.inf):
        raise ValueError(f"std must be a finite number >= 0, got {std!r}")
    if isinstance(centers, (int, np.integer)) and not isinstance(centers, bool):
        middles = rng.uniform(-10.0, 10.0, size=(_check_n(centers, "centers"), 2))
    else:
        middles = np.asarray(centers, dtype=float)
        if middles.ndim != 2 or middles.shape[1] != 2 or not np.isfinite(middles).all():
            raise ValueError(
                f"centers must be a count or a (k, 2) array of finite numbers, got {centers!r}"
            )
    label = np.arange(n) % len(middles)
    X = middles[label] + rng.normal(0.0, float(std), size=(n, 2))
    return _shuffle(X, label, rng)


def make_xor(n: int = 4, noise: float = 0.0, seed: Seed = 0) -> tuple[np.ndarray, np.ndarray]:
    """XOR, the problem one neuron cannot solve: points near the corners (±1, ±1), label 1
    where the signs differ. n = 4 with no noise is the truth table, in the order
    (−1,−1), (−1,1), (1,−1), (1,1) → 0, 1, 1, 0."""
    n, noise, rng = _check_n(n), _check_noise(noise), make_rng(seed)
    corners = np.array([[-1.0, -1.0], [-1.0, 1.0], [1.0, -1.0], [1.0, 1.0]])
    X = corners[np.arange(n) % 4] + rng.normal(0.0, noise, size=(n, 2))
    y = (np.sign(X[:, 0]) != np.sign(X[:, 1])).astype(int)
    return X, y


def make_spirals(
    n: int = 100, classes: int = 3, noise: float = 0.2, seed: Seed = 0
) -> tuple[np.ndarray, np.ndarray]:
    """k interleaved spiral arms (CS231n's data): n points per class, radius 0 → 1 along the
    arm, angle 4r + 2πc/k (+ N(0, noise²)). Labels 0..k−1."""
    n, k = _check_n(n, minimum=2), _check_n(classes, "classes", 2)
    noise, rng = _check_noise(noise), make_rng(seed)
    r = np.tile(np.linspace(0.0, 1.0, n), k)
    label = np.repeat(np.arange(k), n)
    angle = 4.0 * r + 2.0 * math.pi * label / k + rng.normal(0.0, noise, size=n * k)
    X = np.column_stack([r * np.sin(angle), r * np.cos(angle)])
    return _shuffle(X, label, rng)


def make_regression_1d(
    n: int = 50, noise: float = 0.1, seed: Seed = 0
) -> tuple[np.ndarray, np.ndarray]:
    """y = sin(x) + N(0, noise²) for x evenly spaced on [−3, 3]; X has shape (n, 1)."""
    n, noise, rng = _check_n(n, minimum=2), _check_noise(noise), make_rng(seed)
    x = np.linspace(-3.0, 3.0, n)
    return x.reshape(n, 1), np.sin(x) + rng.normal(0.0, noise, size=n)


def _shuffle(X: np.ndarray, y: np.ndarray, rng: np.random.Generator) -> tuple:
    order = rng.permutation(len(y))
    return X[order], y[order]


def batches(
    X: np.ndarray,
    y: np.ndarray,
    batch_size: int | None = None,
    shuffle: bool = True,
    seed: Seed = 0,
) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """Mini-batches (X_b, y_b) covering every sample once; the last one may be smaller.

    batch_size None is the whole set (full-batch gradient descent, as in the micrograd demo).
    With `shuffle`, the order is a permutation drawn from `seed`.
    """
    X, y = np.asarray(X), np.asarray(y)
    if len(X) != len(y):
        raise ValueError(f"batches: X has {len(X)} samples but y has {len(y)}")
    n = len(y)
    size = n if batch_size is None else _check_n(batch_size, "batch_size")
    order = make_rng(seed).permutation(n) if shuffle else np.arange(n)
    for start in range(0, n, size):
        idx = order[start : start + size]
        yield X[idx], y[idx]
