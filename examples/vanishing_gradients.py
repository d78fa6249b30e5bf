"""Vanishing gradients (NNDL §4.6.2): one backward pass through the same deep network with
logistic, tanh and ReLU hidden units, and the gradient's size at every layer.

Back-propagation multiplies the error term by each layer's activation derivative (§4.4):
δ⁽ˡ⁾ = f′(z⁽ˡ⁾) ⊙ (W⁽ˡ⁺¹⁾)ᵀ δ⁽ˡ⁺¹⁾, and ∂L/∂W⁽ˡ⁾ = δ⁽ˡ⁾ a⁽ˡ⁻¹⁾ᵀ. Since σ′ ≤ 0.25, the logistic
network's error term shrinks by a constant factor per layer, by orders of magnitude over ten
layers, while tanh′ ≤ 1 (= 1 at 0) and ReLU′ = 1 (active units) pass it on. All three networks
have the very same weights (He-normal, var 2/M, one seed) and see the same batch; only f changes.

    python examples/vanishing_gradients.py [--out DIR] [--quick]
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
from common import parse_args, save_figure

from micrograd_nndl import MLP, Value, mse

DEPTH, WIDTH = 10, 24
ACTIVATIONS = {"logistic": "sigmoid", "tanh": "tanh", "ReLU": "relu"}  # label -> engine name


def gradient_sizes(activation: str, X: np.ndarray, y: np.ndarray) -> tuple[list, list]:
    """One backward pass of the batch's mean squared error; per hidden layer l = 1..DEPTH,
    the RMS over samples of ‖δ⁽ˡ⁾‖ = ‖∂L/∂z⁽ˡ⁾‖ and the norm ‖∂L/∂W⁽ˡ⁾‖."""
    model = MLP(WIDTH, [WIDTH] * DEPTH + [1], activation=activation, init="he_normal", seed=0)
    outputs, hidden = [], []  # hidden[sample][l]: layer l's activations a = f(z)
    for row in X.tolist():
        a, layers = [Value(x) for x in row], []
        for layer in model.layers:
            a = layer(a)
            layers.append(a)
        outputs.append(a)
        hidden.append(layers[:-1])
    mse(outputs, y).backward()
    deltas = [
        np.sqrt(np.mean([sum(a.parents[0].grad ** 2 for a in sample[i]) for sample in hidden]))
        for i in range(DEPTH)  # a.parents[0] is the neuron's net input z
    ]
    weights = [
        np.sqrt(sum(w.grad**2 for neuron in layer.neurons for w in neuron.w))
        for layer in model.layers[:DEPTH]
    ]
    return deltas, weights


def plot(results: dict[str, tuple[list, list]], out: str) -> str:
    """Both sizes per layer on a log scale, with the ×0.25-per-layer line of σ′ ≤ 0.25."""
    layers = np.arange(1, DEPTH + 1)
    fig, (left, right) = plt.subplots(1, 2, figsize=(13, 5.5))
    for label, (deltas, weights) in results.items():
        left.semilogy(layers, deltas, "o-", label=label)
        right.semilogy(layers, weights, "o-", label=label)
    last = results["logistic"][0][-1]
    left.semilogy(
        layers, last * 0.25 ** (DEPTH - layers), "k--", lw=1, label="×0.25 per layer (σ′ ≤ 0.25)"
    )
    left.set(
        ylabel="‖δ⁽ˡ⁾‖ = ‖∂L/∂z⁽ˡ⁾‖ (RMS over the batch)", title="The error term δ, layer by layer"
    )
    right.set(ylabel="‖∂L/∂W⁽ˡ⁾‖", title="The weights' gradient: what the optimiser sees")
    for ax in (left, right):
        ax.set(xlabel="hidden layer l (1 = next to the input)", xticks=layers)
        ax.grid(alpha=0.3, which="both")
        ax.legend()
    fig.suptitle(
        f"NNDL §4.6.2: one backward pass, {DEPTH} hidden layers of {WIDTH} units, same weights"
    )
    fig.tight_layout()
    return save_figure(fig, out, "vanishing_gradients.png")


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(__doc__, argv)
    rng = np.random.default_rng(0)
    n = 16 if args.quick else 64
    X, y = rng.normal(size=(n, WIDTH)), rng.normal(size=n)
    results = {label: gradient_sizes(name, X, y) for label, name in ACTIVATIONS.items()}
    print("layer  " + "  ".join(f"‖δ‖ {label:8}" for label in results))
    for i in range(DEPTH):
        print(f"{i + 1:5}  " + "  ".join(f"{deltas[i]:12.2e}" for deltas, _ in results.values()))
    for label, (deltas, weights) in results.items():
        ratio = deltas[0] / deltas[-1]
        print(f"{label}: ‖∂L/∂W⁽¹⁾‖ = {weights[0]:.2e}, ‖δ⁽¹⁾‖ / ‖δ⁽{DEPTH}⁾‖ = {ratio:.1e}")
    plot(results, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
