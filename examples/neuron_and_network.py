"""The book's pictures of a neuron (NNDL §4.1, figure 4.1) and of a feed-forward network
(NNDL §4.3, figure 4.5), drawn with the numbers of a model the engine computed.

The neuron a = tanh(w·x + b) on x = (1, −2, 0.5) after one backward pass: each weight on its
edge with ∂a/∂wᵢ = xᵢ(1 − a²), the sum z, the activation and the output. The network is the
lecture's MLP(3, [4, 4, 1]) on the same sample: one circle per neuron with its activation, one
edge per weight w⁽ˡ⁾ᵢⱼ, as wide as |w| and blue or red by its sign. Last, the squared error of
an MLP(2, [3, 1]) over two samples, drawn for sample 2 alone: its pass through each neuron, boxed
and in order, up to its term of the loss.

    python examples/neuron_and_network.py [--out DIR] [--quick]
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from common import output_path, parse_args, save_palette_png

import viz
from micrograd_nndl import MLP, Neuron, Value

SAMPLE = (1.0, -2.0, 0.5)
BATCH = [([1.0, -2.0], 1.0), ([0.5, 3.0], -1.0)]  # (x, y) pairs


def write(drawing: viz.Drawing, out: str, name: str) -> None:
    """Write `drawing` as OUT/name.svg (for slides) and OUT/name.png (256 colours), and say so."""
    print(f"wrote {drawing.write_image(output_path(out, name + '.svg'))}")
    png = output_path(out, name + ".png")
    save_palette_png(drawing.pipe("png"), png)
    print(f"wrote {png}")


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(__doc__, argv)  # --quick changes nothing: both figures are instant

    neuron = Neuron(3, activation="tanh", seed=1)
    x = [Value(v, f"x{i}") for i, v in enumerate(SAMPLE, 1)]
    a = neuron(x)
    a.backward()
    print(f"a = tanh(w·x + b) = {a.data:.4g}; 1 − a² = {1 - a.data**2:.4g}")
    for i, (w, xi) in enumerate(zip(neuron.w, x), 1):
        print(f"∂a/∂w{i} = x{i}(1 − a²) = {xi.data:g} × {1 - a.data**2:.4g} = {w.grad:.4g}")
    title = "a = tanh(w·x + b) on x = (1, −2, 0.5), after backward (NNDL §4.1)"
    write(viz.draw_neuron(neuron, x, title=title), args.out, "neuron")

    model = MLP(3, [4, 4, 1], seed=0)
    print(f"MLP(3, [4, 4, 1]) on x = (1, −2, 0.5): {model(list(SAMPLE)).data:.4g}")
    title = "MLP(3, [4, 4, 1]) on x = (1, −2, 0.5): activations and weights (NNDL §4.3)"
    write(viz.draw_network(model, SAMPLE, title=title), args.out, "network")

    model = MLP(2, [3, 1], seed=0)
    loss = sum((model(x) - y) ** 2 for x, y in BATCH)
    loss.backward()
    print(f"Σ (MLP(x) − y)² over {len(BATCH)} samples: {loss.data:.4g}")
    drawing = viz.draw_dot(loss, params=model.parameters(), sample=2)
    write(drawing, args.out, "one_sample_of_a_loss")
    return 0


if __name__ == "__main__":
    sys.exit(main())
