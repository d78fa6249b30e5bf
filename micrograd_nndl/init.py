"""Weight initialisation by name (NNDL §7.3), drawn from a seeded numpy generator.

A scheme maps (fan_in M_in, fan_out M_out, activation) to a distribution for each weight:

- "uniform": micrograd's U(−1, 1), whatever the layer size;
- "xavier_uniform" / "xavier_normal" (Glorot): var(w) = 2 / (M_in + M_out), the compromise
  between keeping the signal's variance forward (1/M_in) and backward (1/M_out); ×16 for the
  logistic, whose slope near 0 is 1/4. Uniform on [−r, r] with r = √(3·var);
- "he_uniform" / "he_normal" (Kaiming), for ReLU: var(w) = 2 / M_in.

Biases start at 0. The same seed gives the same weights, so a run is reproducible.
"""

from __future__ import annotations

import math

import numpy as np

SCHEMES = ("uniform", "xavier_uniform", "xavier_normal", "he_uniform", "he_normal")


def weight_variance(scheme: str, fan_in: int, fan_out: int, activation: str | None = None) -> float:
    """var(w) of a scheme: 1/3 for U(−1, 1), 2/(M_in+M_out) (×16 logistic) Xavier, 2/M_in He."""
    if fan_in < 1 or fan_out < 1:
        raise ValueError(f"fan_in and fan_out must be >= 1, got {fan_in} and {fan_out}")
    if scheme == "uniform":
        return 1.0 / 3.0
    if scheme in ("xavier_uniform", "xavier_normal"):
        gain = 16.0 if activation == "sigmoid" else 1.0
        return gain * 2.0 / (fan_in + fan_out)
    if scheme in ("he_uniform", "he_normal"):
        return 2.0 / fan_in
    raise ValueError(f"unknown init scheme {scheme!r}; choose one of {', '.join(SCHEMES)}")


def init_weights(
    scheme: str,
    fan_in: int,
    fan_out: int,
    rng: np.random.Generator,
    activation: str | None = None,
) -> list[float]:
    """fan_in weights of one neuron, drawn by `scheme` (see `weight_variance`)."""
    var = weight_variance(scheme, fan_in, fan_out, activation)
    if scheme.endswith("normal"):
        return rng.normal(0.0, math.sqrt(var), size=fan_in).tolist()
    r = math.sqrt(3.0 * var)  # U(−r, r) has variance r²/3
    return rng.uniform(-r, r, size=fan_in).tolist()


def make_rng(seed: int | np.random.Generator | None) -> np.random.Generator:
    """A numpy Generator from a seed (reproducible), a Generator (shared) or None (fresh)."""
    if seed is not None and not isinstance(seed, (int, np.integer, np.random.Generator)):
        raise TypeError(
            f"seed must be an int, a numpy Generator or None, not {type(seed).__name__}"
        )
    return np.random.default_rng(seed)
