"""The micrograd demo step compiled (`fit(..., compiled=True)`'s step) against micrograd 0.1.0
and against PyTorch vectorised, in one run.

Two moons, MLP(2, [16, 16, 1]), mean hinge loss + 1e-4·Σθ², SGD lr 0.1: forward, backward and
update. The compiled step is the one `fit(compiled=True)` takes: one traced program (the
model, and the loss for each label value) run on the whole batch, the gradients written into
the parameters, `SGD.step()`. PyTorch runs the same step on tensors (X @ Wᵀ per layer,
autograd, an in-place update), one thread. All three start from micrograd's weights and must
agree on the first step's loss before timing. At n = 10,000 the compiled step is compared
with micrograd's n = 100 step scaled by 100 (its time is linear in n). The trace is timed
apart: it happens once, at the first step.
"""

from __future__ import annotations

import time

import numpy as np

from micrograd_nndl import SGD, hinge, make_moons
from micrograd_nndl.compiled_loss import CompiledLoss

from .bench_mlp import ALPHA, LR, reference_step, twin_models
from .common import Row, best_time

US = 1e6  # seconds to µs: a compiled step takes about a millisecond


def compiled_step(batch_loss: CompiledLoss, opt: SGD, X: np.ndarray, y: np.ndarray) -> float:
    value, _ = batch_loss(X, y)
    opt.step()
    return value


def torch_step(tensors: list, X, y) -> float:
    """The same step in PyTorch on whole tensors: what a vectorised framework does."""
    import torch

    w1, b1, w2, b2, w3, b3 = tensors
    h = torch.relu(X @ w1.T + b1)
    h = torch.relu(h @ w2.T + b2)
    score = (h @ w3.T + b3)[:, 0]
    loss = torch.relu(1 - y * score).mean() + ALPHA * sum((t * t).sum() for t in tensors)
    for t in tensors:
        t.grad = None
    loss.backward()
    with torch.no_grad():
        for t in tensors:
            t -= LR * t.grad
    return loss.item()


def torch_tensors(model) -> list:
    """The model's weights as the six tensors of PyTorch's layers (W: out × in, b: out)."""
    import torch

    out = []
    for layer in model.layers:
        W = [[w.data for w in n.w] for n in layer.neurons]
        b = [n.b.data for n in layer.neurons]
        out += [torch.tensor(W, dtype=torch.float64), torch.tensor(b, dtype=torch.float64)]
    for t in out:
        t.requires_grad_(True)
    return out


def _setup(n: int):
    X, y01 = make_moons(n, noise=0.1, seed=1)
    y = 2 * y01 - 1
    ours, ref = twin_models()
    params = ours.parameters()
    return X, y, ours, ref, params


def run() -> list[Row]:
    X, y, ours, ref, params = _setup(100)
    start = time.perf_counter()
    batch_loss = CompiledLoss(ours, hinge, params, ALPHA, labels=[-1, 1])
    opt = SGD(params, lr=LR)
    first = compiled_step(batch_loss, opt, X, y)
    trace_time = time.perf_counter() - start  # traces the program, runs one step
    theirs = reference_step(ref, X.tolist(), y.tolist())
    if abs(first - theirs) > 1e-12 * abs(theirs):
        raise AssertionError(f"compiled step: loss {first!r} vs micrograd {theirs!r}")
    step_time = best_time(lambda: compiled_step(batch_loss, opt, X, y), repeat=20)
    ref_time = best_time(lambda: reference_step(ref, X.tolist(), y.tolist()), repeat=3)
    rows = [
        Row(
            "demo step compiled: moons n=100, MLP(2,[16,16,1])",
            step_time * US,
            ref_time * US,
            unit="µs",
            note=f"{ref_time / step_time:.0f}× faster than micrograd; same first-step loss",
        )
    ]
    rows.append(_torch_row(step_time, first))
    rows.append(_large_row(ref_time))
    rows.append(
        Row(
            "trace + first step (once)",
            trace_time,
            ref_time,
            note="the trace runs the model once, eagerly, on one sample",
        )
    )
    return rows


def _torch_row(step_time: float, first_loss: float) -> Row:
    name = "demo step compiled vs PyTorch vectorised, n=100"
    try:
        import torch
    except ImportError:
        return Row(name, step_time * US, float("nan"), "µs", "≥ 1×", "torch not installed")
    torch.set_num_threads(1)
    X, y, ours, _, _ = _setup(100)
    tensors = torch_tensors(ours)
    Xt, yt = torch.tensor(X), torch.tensor(y, dtype=torch.float64)
    loss = torch_step(tensors, Xt, yt)
    if abs(loss - first_loss) > 1e-12 * abs(first_loss):
        raise AssertionError(f"PyTorch step: loss {loss!r} vs ours {first_loss!r}")
    torch_time = best_time(lambda: torch_step(tensors, Xt, yt), repeat=20)
    return Row(
        name,
        step_time * US,
        torch_time * US,
        unit="µs",
        target="≥ 1×",
        note=f"PyTorch {torch.__version__} (one thread) in the reference column",
    )


def _large_row(ref_time_100: float) -> Row:
    X, y, ours, _, params = _setup(10_000)
    batch_loss = CompiledLoss(ours, hinge, params, ALPHA, labels=[-1, 1])
    opt = SGD(params, lr=LR)
    compiled_step(batch_loss, opt, X, y)
    big = best_time(lambda: compiled_step(batch_loss, opt, X, y), repeat=5)
    return Row(
        "demo step compiled, n=10,000 vs micrograd ×100",
        big,
        ref_time_100 * 100,
        target="≥ 1000×",
        note="micrograd's n=100 step scaled linearly to n=10,000 in the reference column",
    )


if __name__ == "__main__":
    for row in run():
        print(f"{row.name}: {row.ours:.5g} vs {row.reference:.5g} {row.unit}, {row.ratio:.1f}×")
