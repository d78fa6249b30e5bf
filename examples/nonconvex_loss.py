"""The loss of the smallest network is already non-convex (NNDL §4.6.1, the book's figure 4.9).

The 1-1-1 network y = σ(w₂·σ(w₁·x)) sees the single sample (x, y*) = (1, 1). Over
w₁, w₂ ∈ [−4, 4] we compute, with the engine, the squared error (1 − y)² and the cross-entropy
−log y, and their gradients by backward(). The surfaces have plateaus and bends; a chord between
two points of the grid that passes *below* the surface (the loss at the midpoint is above the
mean of the ends) proves that neither loss is convex, so gradient descent may stall.

    python examples/nonconvex_loss.py [--out DIR] [--quick]
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence

import matplotlib.pyplot as plt
import numpy as np
from common import parse_args, save_figure, value_and_grad

from micrograd_nndl import Value

X, TARGET = 1.0, 1.0  # the one training sample (x, y*) of §4.6.1


def network(w1: Value, w2: Value) -> Value:
    """y = σ(w₂·σ(w₁·x)), the 1-1-1 network of §4.6.1 without biases."""
    return (w2 * (w1 * X).sigmoid()).sigmoid()


LOSSES: dict[str, Callable[[Value, Value], Value]] = {
    "squared error (y* − y)²": lambda w1, w2: (TARGET - network(w1, w2)) ** 2,
    "cross-entropy −log y": lambda w1, w2: -network(w1, w2).log(),
}


def surface(loss: Callable[[Value, Value], Value], ws: np.ndarray) -> tuple[np.ndarray, ...]:
    """The loss L[i, j] and its gradient (∂L/∂w₁, ∂L/∂w₂) at w₁ = ws[j], w₂ = ws[i]."""
    points = [[value_and_grad(loss, w1, w2) for w1 in ws] for w2 in ws]
    L = np.array([[value for value, _ in row] for row in points])
    grads = np.array([[grad for _, grad in row] for row in points])
    return L, grads[..., 0], grads[..., 1]


def worst_chord(L: np.ndarray, margin: int) -> tuple[float, int, int, int]:
    """The chord along a line of constant w₂ that passes furthest below the surface.

    Convexity means L((a + b)/2) ≤ (L(a) + L(b))/2 for all a, b: a positive gap disproves it.
    Searched inside the grid (`margin` points from its edges, so the chord can be seen);
    returns the gap, the row i (w₂) and the columns j0, j1 (w₁) of the chord's ends.
    """
    best = (-np.inf, 0, 0, 0)
    inner = L[margin:-margin, margin:-margin]
    for k in range(1, (inner.shape[1] - 1) // 2 + 1):
        gap = inner[:, k:-k] - (inner[:, : -2 * k] + inner[:, 2 * k :]) / 2
        i, j = np.unravel_index(np.argmax(gap), gap.shape)
        if gap[i, j] > best[0]:
            best = (float(gap[i, j]), i + margin, j + margin, j + margin + 2 * k)
    return best


def plot(ws: np.ndarray, results: dict, arrow_every: int, out: str) -> str:
    """Per loss, a column: the surface as in the book; its contours with −∇L from backward();
    and the cut along w₂ = const where a chord passes below the loss."""
    W1, W2 = np.meshgrid(ws, ws)
    fig = plt.figure(figsize=(13, 16))
    for col, (name, (L, g1, g2, (gap, i, j0, j1))) in enumerate(results.items()):
        ends_w1, ends_w2, ends_L = ws[[j0, j1]], ws[[i, i]], L[i, [j0, j1]]
        chord_label = f"a chord at w₂ = {ws[i]:g}"

        ax = fig.add_subplot(3, 2, col + 1, projection="3d")
        ax.plot_surface(W1, W2, L, cmap="viridis", linewidth=0, antialiased=True)
        ax.set(xlabel="w₁", ylabel="w₂", zlabel="loss", title=name)
        ax.view_init(elev=30, azim=-125)

        ax = fig.add_subplot(3, 2, col + 3)
        filled = ax.contourf(W1, W2, L, levels=20, cmap="viridis")
        fig.colorbar(filled, ax=ax, label="loss")
        s = slice(None, None, arrow_every)
        norm = np.hypot(g1[s, s], g2[s, s]) + 1e-300
        ax.quiver(
            W1[s, s], W2[s, s], -g1[s, s] / norm, -g2[s, s] / norm, color="white", width=0.003
        )
        ax.plot(ends_w1, ends_w2, "o-", color="red", lw=2, label=chord_label)
        ax.set(xlabel="w₁", ylabel="w₂", title=f"{name}: −∇L by backward() (direction only)")
        ax.legend(loc="upper left", fontsize=9)
        ax.set_aspect("equal")

        ax = fig.add_subplot(3, 2, col + 5)
        ax.plot(ws, L[i], color="black", label=f"loss along w₂ = {ws[i]:g}")
        ax.plot(ends_w1, ends_L, "o-", color="red", lw=2, label=chord_label)
        mid_w1, mid_chord = ends_w1.mean(), ends_L.mean()
        ax.plot([mid_w1, mid_w1], [mid_chord, mid_chord + gap], "--", color="red")
        ax.annotate(
            f"gap {gap:.3f}",
            (mid_w1, mid_chord),
            xytext=(8, -16),
            textcoords="offset points",
            color="red",
        )
        ax.set(xlabel="w₁", ylabel="loss", title="not convex: the chord passes below the loss")
        ax.legend(loc="upper left", fontsize=9)
        ax.grid(alpha=0.3)
    fig.suptitle("NNDL §4.6.1: loss of y = σ(w₂σ(w₁x)) for the sample (x, y*) = (1, 1)")
    fig.tight_layout(rect=(0, 0, 1, 0.98))
    return save_figure(fig, out, "nonconvex_loss.png")


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(__doc__, argv)
    ws = np.linspace(-4.0, 4.0, 21 if args.quick else 81)
    results = {}
    for name, loss in LOSSES.items():
        L, g1, g2 = surface(loss, ws)
        chord = worst_chord(L, margin=len(ws) // 8)
        results[name] = (L, g1, g2, chord)
        gap, i, j0, j1 = chord
        mid = L[i, (j0 + j1) // 2]
        print(
            f"{name}: not convex: at w₂ = {ws[i]:g}, L at the midpoint of w₁ = {ws[j0]:g} and "
            f"w₁ = {ws[j1]:g} is {mid:.4f} > {mid - gap:.4f}, the mean of L at the ends"
        )
    plot(ws, results, arrow_every=2 if args.quick else 5, out=args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
