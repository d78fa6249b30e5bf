"""A GPT on scalar Values: microgpt's architecture, trained on names, on this engine.

Every number of the transformer is a `Value`, so the loss's graph reaches every weight through
the same +, ×, exp and log nodes as σ(wx + b) (NNDL §4.5.3), only many more of them: token and
position embeddings, RMSNorm, one causal self-attention layer with a KV cache, a squared-ReLU
MLP, logits from the token embeddings again (weight tying), softmax cross-entropy, Adam. The
model is written once on arithmetic alone, so another engine's Value class runs it unchanged
(the benchmarks time it on a microgpt-style reference engine from the same weights).

It learns from examples/data/names.txt, one name a line, then makes up new names; it draws its
loss curve and the graph of one attention score s = q·k/√d, with q and k as its inputs.

    python examples/tiny_gpt.py [--out DIR] [--quick]
"""

from __future__ import annotations

import math
import random
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
from common import parse_args, render_graph, save_figure

from micrograd_nndl import Adam, Value, linear_decay, no_grad

NAMES = Path(__file__).resolve().parent / "data" / "names.txt"


# ---- the model, on any engine's Value: only +, −, ×, /, **, exp, log, relu --------------------


def linear(x: list, w: list[list]) -> list:
    """y = W·x, each yⱼ = Σᵢ wⱼᵢxᵢ: a neuron's net input without bias (NNDL §4.2)."""
    return [sum(wi * xi for wi, xi in zip(row, x)) for row in w]


def rmsnorm(x: list) -> list:
    """x / √(mean(x²) + 1e-5): every vector the attention and the MLP read has size ≈ 1."""
    ms = sum(xi * xi for xi in x) / len(x)
    scale = (ms + 1e-5) ** -0.5
    return [xi * scale for xi in x]


def softmax(logits: list) -> list:
    """exp(zₖ − m) / Σⱼ exp(zⱼ − m), m = max z: shifting by a constant changes nothing but
    keeps every exp ≤ 1 (NNDL §3.3)."""
    m = max(z.data for z in logits)
    exps = [(z - m).exp() for z in logits]
    total = sum(exps)
    return [e / total for e in exps]


@dataclass(frozen=True)
class Config:
    """microgpt's sizes: 16-wide embeddings, 4 heads of 4, at most 16 positions."""

    n_embd: int = 16
    n_head: int = 4
    block_size: int = 16

    @property
    def head_dim(self) -> int:
        return self.n_embd // self.n_head


class TinyGPT:
    """One transformer block between an embedding and weight-tied logits.

    `value` is the engine's scalar class (this project's `Value` by default); the weights are
    N(0, 0.08²) draws from `random.Random(seed)`, so one seed gives the same numbers on every
    engine.
    """

    def __init__(
        self, vocab_size: int, config: Config = Config(), seed: int = 0, value: type = Value
    ) -> None:
        if config.n_embd % config.n_head:
            raise ValueError(f"n_embd {config.n_embd} is not a multiple of n_head {config.n_head}")
        self.vocab_size, self.config = vocab_size, config
        rng = random.Random(seed)
        d = config.n_embd

        def matrix(rows: int, cols: int) -> list[list]:
            return [[value(rng.gauss(0.0, 0.08)) for _ in range(cols)] for _ in range(rows)]

        self.weights = {
            "wte": matrix(vocab_size, d),  # token embeddings, and the output layer (tied)
            "wpe": matrix(config.block_size, d),  # position embeddings
            "wq": matrix(d, d),
            "wk": matrix(d, d),
            "wv": matrix(d, d),
            "wo": matrix(d, d),
            "fc1": matrix(4 * d, d),
            "fc2": matrix(d, 4 * d),
        }

    def parameters(self) -> list:
        return [p for w in self.weights.values() for row in w for p in row]

    def forward(self, token: int, pos: int, cache: tuple[list, list]) -> list:
        """The logits of the token after `token` at position `pos`; appends this position's
        key and value to `cache` (the KV cache), which holds those of the positions before."""
        W, c = self.weights, self.config
        residual, q, k, v = self.query_key_value(token, pos)
        keys, values = cache  # causal self-attention: position pos sees 0..pos
        keys.append(k)
        values.append(v)
        heads = []
        for h in range(c.n_head):
            part = slice(h * c.head_dim, (h + 1) * c.head_dim)
            scores = [attention_score(q[part], kt[part]) for kt in keys]
            weights = softmax(scores)
            vs = [vt[part] for vt in values]
            heads += [sum(a * vt[j] for a, vt in zip(weights, vs)) for j in range(c.head_dim)]
        x = [a + r for a, r in zip(linear(heads, W["wo"]), residual)]

        residual, x = x, rmsnorm(x)  # MLP: 4d squared-ReLU units
        hidden = [z.relu() ** 2 for z in linear(x, W["fc1"])]
        x = [a + r for a, r in zip(linear(hidden, W["fc2"]), residual)]
        return linear(x, W["wte"])

    def query_key_value(self, token: int, pos: int) -> tuple[list, list, list, list]:
        """The block's input x = rmsnorm(wte[token] + wpe[pos]) and, from rmsnorm(x), the
        query, key and value vectors of the attention."""
        W = self.weights
        x = rmsnorm([t + p for t, p in zip(W["wte"][token], W["wpe"][pos])])
        xn = rmsnorm(x)
        return x, linear(xn, W["wq"]), linear(xn, W["wk"]), linear(xn, W["wv"])

    def loss(self, tokens: Sequence[int]) -> object:
        """Mean cross-entropy −log p(next token) over the document's positions."""
        n = min(self.config.block_size, len(tokens) - 1)
        cache: tuple[list, list] = ([], [])
        losses = []
        for pos in range(n):
            probs = softmax(self.forward(tokens[pos], pos, cache))
            losses.append(-probs[tokens[pos + 1]].log())
        return (1 / n) * sum(losses)


def attention_score(q: list, k: list) -> object:
    """s = q·k/√d: how much a query attends to one key, before the softmax. The sum starts
    from the first product, not from 0, so its drawing has no "+ 0" node."""
    products = [qj * kj for qj, kj in zip(q, k)]
    return sum(products[1:], products[0]) / len(q) ** 0.5


# ---- data, training, sampling (this engine) ----------------------------------------------------


class Tokenizer:
    """One token per letter of the names, and BOS (the last id) for a name's start and end."""

    def __init__(self, names: Sequence[str]) -> None:
        self.chars = sorted(set("".join(names)))
        self.bos = len(self.chars)
        self.vocab_size = len(self.chars) + 1

    def encode(self, name: str) -> list[int]:
        return [self.bos, *(self.chars.index(ch) for ch in name), self.bos]

    def decode(self, tokens: Sequence[int]) -> str:
        return "".join(self.chars[t] for t in tokens)


def load_names(path: Path = NAMES) -> list[str]:
    """The non-empty lines of the file, lower-cased."""
    return [
        line.strip().lower()
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]


BETAS = (0.85, 0.99)  # microgpt's Adam betas


def adam(params: list[Value], lr: float, steps: int) -> Adam:
    """Adam with microgpt's betas and a learning rate falling linearly to 0 over `steps`."""
    return Adam(params, lr=lr, betas=BETAS, schedule=linear_decay(lr, 0.0, steps))


def train_step(model: TinyGPT, tokens: Sequence[int], optimizer: Adam) -> float:
    """Forward one document, backward, one optimizer step; the loss before the step.

    Any optimizer with zero_grad() and step() over the model's parameters will do (the
    benchmark's reference engine brings its own)."""
    loss = model.loss(tokens)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    return loss.data


def train(
    model: TinyGPT,
    documents: list[list[int]],
    steps: int,
    lr: float = 0.01,
    on_step: Callable[[int, float], None] | None = None,
) -> list[float]:
    """One document per step, in order, with `adam`; returns each step's loss."""
    optimizer = adam(model.parameters(), lr, steps)
    losses = []
    for step in range(steps):
        losses.append(train_step(model, documents[step % len(documents)], optimizer))
        if on_step:
            on_step(step, losses[-1])
    return losses


def sample(model: TinyGPT, tok: Tokenizer, rng: random.Random, temperature: float = 0.5) -> str:
    """A new name: the model's next letter drawn from softmax(logits / T) until BOS."""
    cache: tuple[list, list] = ([], [])
    token, out = tok.bos, []
    with no_grad():
        for pos in range(model.config.block_size):
            probs = softmax([z / temperature for z in model.forward(token, pos, cache)])
            token = rng.choices(range(tok.vocab_size), weights=[p.data for p in probs])[0]
            if token == tok.bos:
                break
            out.append(token)
    return tok.decode(out)


def plot_losses(losses: list[float], uniform: float, out: str) -> str:
    """Each step's loss and its running mean over 50 steps, against log(vocab) (a guess)."""
    fig, ax = plt.subplots(figsize=(7, 4))
    steps = np.arange(1, len(losses) + 1)
    ax.plot(steps, losses, color="#b0c4de", linewidth=0.8, label="loss of the step's name")
    window = min(50, len(losses))
    mean = np.convolve(losses, np.ones(window) / window, mode="valid")
    ax.plot(
        steps[window - 1 :], mean, color="#2e63b8", linewidth=2, label=f"mean of {window} steps"
    )
    ax.axhline(uniform, color="#c0392b", linestyle="--", linewidth=1, label="uniform guess log V")
    ax.set_xlabel("step (one name each)")
    ax.set_ylabel("cross-entropy (nats per letter)")
    ax.set_title("tiny_gpt: a GPT of scalar Values learning names")
    ax.legend()
    ax.grid(alpha=0.3)
    return save_figure(fig, out, "tiny_gpt_loss.png")


def draw_attention_score(model: TinyGPT, tok: Tokenizer, name: str, out: str) -> Value:
    """The graph of head 0's score of position 1 against position 0, on the model's q and k
    for `name`, as leaves q[j], k[j]: each edge shows ∂s/∂q[j] = k[j]/√d and ∂s/∂k[j] = q[j]/√d."""
    tokens = tok.encode(name)
    d = model.config.head_dim
    with no_grad():
        query = model.query_key_value(tokens[1], 1)[1]
        key = model.query_key_value(tokens[0], 0)[2]
    q = [Value(v.data, f"q[{j}]") for j, v in enumerate(query[:d])]
    k = [Value(v.data, f"k[{j}]") for j, v in enumerate(key[:d])]
    s = attention_score(q, k)
    s.label = "s"
    s.backward()
    render_graph(s, out, "tiny_gpt_attention_score", title=f"one attention score s = q·k/√{d}")
    return s


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(__doc__, argv)
    names = load_names()
    tok = Tokenizer(names)
    rng = random.Random(42)
    rng.shuffle(names)
    documents = [tok.encode(n) for n in names]
    config = Config(n_embd=8, n_head=2, block_size=16) if args.quick else Config()
    steps = 30 if args.quick else 600
    model = TinyGPT(tok.vocab_size, config, seed=0)
    print(f"{len(names)} names, {tok.vocab_size} tokens, {len(model.parameters())} parameters")

    def report(step: int, loss: float) -> None:
        if step % 100 == 0 or step == steps - 1:
            print(f"step {step + 1:4d} / {steps}: loss {loss:.4f}")

    losses = train(model, documents, steps, on_step=report)
    first, last = np.mean(losses[:10]), np.mean(losses[-10:])
    print(f"mean loss of the first 10 steps {first:.3f}, of the last 10 {last:.3f}")
    plot_losses(losses, math.log(tok.vocab_size), args.out)
    s = draw_attention_score(model, tok, names[0], args.out)
    print(f"attention score s = q·k/√d of '{names[0]}'[1] against [0]: {s.data:.4f}")
    print("new names:", ", ".join(sample(model, tok, rng) for _ in range(10)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
