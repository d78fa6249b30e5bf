"""Back-propagation is one form of automatic differentiation (NNDL §4.5.3).

The same local derivatives of σ(wx + b), accumulated two ways:

- forward mode, in evaluation order: ∂h1/∂w, ∂h2/∂w, …, ∂h6/∂w (one pass per input);
- reverse mode, from the output: ∂f/∂h6, ∂f/∂h5, …, ∂f/∂w (one pass per output).

Both end at ∂f/∂w = 0.25. Then the cost argument made concrete: for f: Rⁿ → R, the whole
gradient takes n forward passes but one reverse pass, so reverse mode wins as n grows.

    python examples/forward_vs_reverse.py [--out DIR] [--quick]
"""

from __future__ import annotations

import sys
import time
from collections.abc import Sequence

import matplotlib.pyplot as plt
from common import parse_args, render_graph, save_figure

from micrograd_nndl import Value, forward_tangents
from micrograd_nndl.book import sigmoid_graph

NODES = ("h1", "h2", "h3", "h4", "h5", "h6")


def mode_tables(x: float = 1.0, w: float = 0.0, b: float = 0.0) -> tuple[list, list]:
    """The book's two columns at (x, w, b): [(hᵢ, ∂hᵢ/∂w)] and [(node, ∂f/∂node)]."""
    nodes = sigmoid_graph(x, w, b)
    f = nodes["h6"]
    tangents = forward_tangents(f, {nodes["w"]: 1.0})
    forward = [(name, tangents[nodes[name]]) for name in NODES]
    f.backward()
    reverse = [(name, nodes[name].grad) for name in reversed(NODES)] + [("w", nodes["w"].grad)]
    return forward, reverse


def draw_forward_mode(out: str) -> None:
    """The graph with each node's tangent ∂h/∂w where backward's drawing has its gradient."""
    nodes = sigmoid_graph(1.0, 0.0, 0.0)
    tangents = forward_tangents(nodes["h6"], {nodes["w"]: 1.0})
    render_graph(
        nodes["h6"],
        out,
        "forward_mode_graph",
        tangents=tangents,
        tangent_name="∂/∂w",
        show_grad=False,
        title="forward mode: the tangent ∂h/∂w of every node, in evaluation order",
    )


def chain_function(xs: list[Value]) -> Value:
    """f: Rⁿ → R, f(x) = Σᵢ tanh(xᵢ · xᵢ₊₁) + σ(xₙ): every input matters."""
    total = xs[-1].sigmoid()
    for a, b in zip(xs, xs[1:]):
        total = total + (a * b).tanh()
    return total


def full_gradient_costs(n: int, repeat: int = 3) -> tuple[float, float]:
    """Seconds for the whole gradient of `chain_function` at n inputs: n forward-mode passes
    (one seed per input) against one backward pass. Both include building the graph once."""

    def forward_mode() -> list[float]:
        xs = [Value(0.1 * i - 0.3) for i in range(n)]
        f = chain_function(xs)
        return [forward_tangents(f, {x: 1.0})[f] for x in xs]

    def reverse_mode() -> list[float]:
        xs = [Value(0.1 * i - 0.3) for i in range(n)]
        chain_function(xs).backward()
        return [x.grad for x in xs]

    by_forward, by_reverse = forward_mode(), reverse_mode()
    assert all(abs(a - b) <= 1e-12 for a, b in zip(by_forward, by_reverse))
    timings = []
    for fn in (forward_mode, reverse_mode):
        best = float("inf")
        for _ in range(repeat):
            start = time.perf_counter()
            fn()
            best = min(best, time.perf_counter() - start)
        timings.append(best)
    return timings[0], timings[1]


def format_tables(forward: list, reverse: list) -> str:
    lines = ["forward mode (evaluation order)    reverse mode (from the output)"]
    left = [f"∂{name}/∂w = {value:g}" for name, value in forward]
    right = [f"∂f/∂{name} = {value:g}" for name, value in reverse]
    for i in range(max(len(left), len(right))):
        a = left[i] if i < len(left) else ""
        lines.append(f"  {a:<32} {right[i] if i < len(right) else ''}")
    return "\n".join(lines)


def plot_costs(sizes: list[int], costs: list[tuple[float, float]], out: str) -> None:
    fig, ax = plt.subplots(figsize=(6, 4))
    ax.plot(sizes, [1e3 * c[0] for c in costs], "o-", label="forward mode: n passes")
    ax.plot(sizes, [1e3 * c[1] for c in costs], "s-", label="reverse mode: 1 pass")
    ax.set_xscale("log", base=2)
    ax.set_yscale("log")
    ax.set_xlabel("number of inputs n")
    ax.set_ylabel("time for the whole gradient (ms)")
    ax.set_title("Gradient of f: Rⁿ → R (NNDL §4.5.3)")
    ax.legend()
    ax.grid(True, which="both", alpha=0.3)
    fig.tight_layout()
    save_figure(fig, out, "forward_vs_reverse.png")


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(__doc__, argv)

    forward, reverse = mode_tables()
    print("σ(wx + b) at x = 1, w = 0, b = 0: the same local derivatives, two orders\n")
    print(format_tables(forward, reverse))

    sizes = [2, 4, 8, 16] if args.quick else [2, 4, 8, 16, 32, 64, 128, 256]
    costs = [full_gradient_costs(n, repeat=1 if args.quick else 3) for n in sizes]
    print("\nthe whole gradient of f: Rⁿ → R")
    header = ("n", "forward passes", "reverse passes", "forward", "reverse")
    print("  {:>4}  {:>14}  {:>14}  {:>10}  {:>10}".format(*header))
    for n, (fwd, rev) in zip(sizes, costs):
        print(f"  {n:>4}  {n:>14}  {1:>14}  {1e3 * fwd:>8.2f}ms  {1e3 * rev:>8.2f}ms")
    plot_costs(sizes, costs, args.out)
    draw_forward_mode(args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
