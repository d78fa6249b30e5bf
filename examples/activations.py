"""The activation functions of NNDL §4.1 and their derivatives, computed by backward().

Each derivative curve is ∂f/∂x read from the engine after one reverse-mode pass per point,
not a hand-written formula, so the picture checks the op table as much as it shows the book:
σ′ = σ(1 − σ) peaks at σ′(0) = 0.25 while tanh′(0) = 1 (the root of §4.6.2's vanishing
gradients), ReLU's relatives differ only for x < 0, swish x·σ(βx) goes from x/2 (β = 0) to
ReLU (β = 100), and a maxout unit's slope is that of its arg-max piece.

    python examples/activations.py [--out DIR] [--quick]
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence

import matplotlib.pyplot as plt
import numpy as np
from common import parse_args, save_figure, value_and_grad

from micrograd_nndl import Value, maxout

Activation = Callable[[Value], Value]


def maxout_unit(x: Value) -> Value:
    """max_k z_k of three linear pieces z_k = w_k·x + b_k (a maxout unit with one input)."""
    return maxout(-1.0 * x - 1.0, 0.2 * x, 1.2 * x - 1.5)


# One panel per family of §4.1: (title, [(curve label, activation), ...])
FAMILIES: list[tuple[str, list[tuple[str, Activation]]]] = [
    ("Logistic and tanh", [("logistic σ(x)", Value.sigmoid), ("tanh(x)", Value.tanh)]),
    (
        "Hard-logistic and hard-tanh",
        [("hard-logistic", Value.hard_sigmoid), ("hard-tanh", Value.hard_tanh)],
    ),
    (
        "ReLU and its relatives",
        [
            ("ReLU", Value.relu),
            ("leaky ReLU, γ = 0.1", lambda x: x.leaky_relu(0.1)),
            ("PReLU, γᵢ = 0.25", lambda x: x.prelu(0.25)),
            ("ELU, α = 1", Value.elu),
            ("softplus", Value.softplus),
        ],
    ),
    (
        "Swish x·σ(βx)",
        [(f"swish, β = {beta:g}", lambda x, beta=beta: x.swish(beta)) for beta in (0, 0.5, 1, 100)],
    ),
    (
        "GELU x·Φ(x)",
        [
            ("GELU, Φ by erf", Value.gelu),
            ("GELU, tanh approximation", lambda x: x.gelu("tanh")),
            ("GELU ≈ x·σ(1.702x)", lambda x: x.gelu("sigmoid")),
        ],
    ),
    ("Maxout of three pieces", [("maxout: max(−x − 1, 0.2x, 1.2x − 1.5)", maxout_unit)]),
]


def curve(f: Activation, xs: Sequence[float]) -> tuple[np.ndarray, np.ndarray]:
    """f(x) and f′(x) at every x, the derivative from backward()."""
    points = [value_and_grad(f, x) for x in xs]
    return np.array([y for y, _ in points]), np.array([g for _, (g,) in points])


def plot(xs: np.ndarray, out: str) -> str:
    """Two rows per three families: the functions, and below them their derivatives."""
    fig, axes = plt.subplots(4, 3, figsize=(15, 13), sharex=True)
    for i, (title, activations) in enumerate(FAMILIES):
        top, bottom = axes[2 * (i // 3), i % 3], axes[2 * (i // 3) + 1, i % 3]
        for label, f in activations:
            ys, slopes = curve(f, xs)
            top.plot(xs, ys, label=label)
            bottom.plot(xs, slopes, label=label)
        top.set_title(title)
        bottom.set_title(f"{title}: derivative by backward()", fontsize=10)
        top.legend(fontsize=8, loc="upper left")
        for ax, what in ((top, "f(x)"), (bottom, "f′(x)")):
            ax.axhline(0, color="grey", lw=0.5)
            ax.axvline(0, color="grey", lw=0.5)
            ax.set_ylabel(what)
            ax.grid(alpha=0.3)
    for ax in axes[-1]:
        ax.set_xlabel("x")
    axes[0, 0].set_ylim(-1.2, 1.2)
    fig.suptitle("NNDL §4.1: activation functions (rows 1, 3) and their derivatives (rows 2, 4)")
    fig.tight_layout()
    return save_figure(fig, out, "activations.png")


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(__doc__, argv)
    print("derivative at x = 0, by backward():")
    for _, activations in FAMILIES:
        for label, f in activations:
            _, (slope,) = value_and_grad(f, 0.0)
            print(f"  {label:40} {slope:g}")
    plot(np.linspace(-4.0, 4.0, 81 if args.quick else 401), args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
