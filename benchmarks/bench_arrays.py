"""`fit(..., compiled=True)`'s step with the parameters in arrays, beside PyTorch vectorised.

One step as `fit` takes it: the traced program's forward and reverse pass on the batch, the
optimiser's update on the parameter vector (`ArrayTraining.step`), and the accuracy `fit`
tracks from the same outputs. PyTorch 2.13 runs the same network on whole float64 tensors (one
thread; numpy has one BLAS thread, `benchmarks/__init__.py`): matrix products, autograd, an
in-place SGD update and the arg-max accuracy. Both start from the same weights and must agree
on the first step's loss before anything is timed; they take turns run by run.

The rows: micrograd's demo step (hinge), scikit-learn's digits 64-32-10 full batch and an
MNIST-shaped 784-128-10 at batch 256 (softmax cross-entropy), the 784-128-10 trace, a second
`fit` of the same model and loss (no trace), and how the step grows with width and batch.
Then the digits and 784 rows again in a fresh process with glibc's heap kept (its trim and
mmap thresholds raised): numpy takes a fresh array for every intermediate (~20 of 0.1–0.5 MB a
step), which glibc's defaults hand back to the system and fault in again, page by page.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import numpy as np

from micrograd_nndl import MLP, SGD, fit, hinge, load_digits, softmax_cross_entropy
from micrograd_nndl.array_training import ArrayTraining
from micrograd_nndl.compiled_loss import CompiledLoss, compiled_loss

from .bench_compiled import _setup, torch_step, torch_tensors
from .bench_mlp import ALPHA, LR
from .common import Row, best_times

US = 1e6
KEPT_HEAP = {"MALLOC_TRIM_THRESHOLD_": "268435456", "MALLOC_MMAP_THRESHOLD_": "268435456"}


def _torch():
    try:
        import torch
    except ImportError:
        return None
    torch.set_num_threads(1)
    return torch


def torch_softmax_step(tensors: list, X, y, lr: float) -> float:
    """A ReLU MLP with a linear output, softmax cross-entropy, SGD, the arg-max accuracy."""
    import torch

    h = X
    for i in range(0, len(tensors), 2):
        h = torch.addmm(tensors[i + 1], h, tensors[i].T)
        if i + 2 < len(tensors):
            h = torch.relu(h)
    loss = torch.nn.functional.cross_entropy(h, y)
    for t in tensors:
        t.grad = None
    loss.backward()
    with torch.no_grad():
        for t in tensors:
            t -= lr * t.grad
        (h.argmax(1) == y).double().mean().item()
    return loss.item()


def our_step(run: ArrayTraining, X: np.ndarray, y: np.ndarray) -> float:
    value, out = run.step(X, y)
    if out.shape[1] > 1:
        float(np.mean(np.argmax(out, axis=1) == y))
    else:
        float(np.mean((out[:, 0] > 0.0) == (y > 0)))
    return value


def _softmax_pair(sizes: list[int], X: np.ndarray, y: np.ndarray, lr: float = 0.01):
    """Our step and PyTorch's on the same network and weights, checked to agree."""
    torch = _torch()
    model = MLP(sizes[0], sizes[1:], init="he_uniform", seed=0)
    params = model.parameters()
    run = ArrayTraining(
        compiled_loss(model, softmax_cross_entropy, params, 0.0, np.unique(y).tolist()),
        SGD(params, lr=lr),
    )
    tensors = torch_tensors(model)
    Xt, yt = torch.tensor(X), torch.tensor(y)
    ours, theirs = our_step(run, X, y), torch_softmax_step(tensors, Xt, yt, lr)
    if abs(ours - theirs) > 1e-9 * abs(theirs):
        raise AssertionError(f"{sizes}: first loss {ours!r}, PyTorch {theirs!r}")
    return (
        lambda: our_step(run, X, y),
        lambda: torch_softmax_step(tensors, Xt, yt, lr),
        model,
    )


def _mnist_shaped(n: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, 784)), rng.integers(0, 10, n)


def _row(name: str, sizes: list[int], X, y, target: str = "", repeat: int = 15) -> Row:
    ours, theirs, _ = _softmax_pair(sizes, X, y)
    t_ours, t_torch = best_times([ours, theirs], repeat=repeat)
    return Row(name, t_ours * US, t_torch * US, "µs", target, "against PyTorch, one thread")


def heavy_rows(tag: str = "") -> list[Row]:
    """The two rows that allocate the most: digits full batch and 784-128-10 at 256."""
    d = load_digits()
    Xd, yd = np.vstack([d.X_train, d.X_test]), np.concatenate([d.y_train, d.y_test])
    X, y = _mnist_shaped(256)
    return [
        _row(f"digits 64-32-10, full batch (1,797){tag}", [64, 32, 10], Xd, yd, "≥ 1×"),
        _row(f"784-128-10, batch 256{tag}", [784, 128, 10], X, y, "≥ 0.67× (within 1.5×)"),
    ]  # fmt: skip


def _demo_row() -> Row:
    torch = _torch()
    X, y, ours, _, params = _setup(100)
    run = ArrayTraining(compiled_loss(ours, hinge, params, ALPHA, [-1, 1]), SGD(params, lr=LR))
    tensors = torch_tensors(ours)
    Xt, yt = torch.tensor(X), torch.tensor(y, dtype=torch.float64)
    mine, theirs = our_step(run, X, y), torch_step(tensors, Xt, yt)
    if abs(mine - theirs) > 1e-12 * abs(theirs):
        raise AssertionError(f"demo step: loss {mine!r}, PyTorch {theirs!r}")
    t_ours, t_torch = best_times(
        [lambda: our_step(run, X, y), lambda: torch_step(tensors, Xt, yt)], repeat=30
    )
    return Row(
        "demo step in arrays: moons n=100, MLP(2,[16,16,1]), hinge + L2",
        t_ours * US,
        t_torch * US,
        "µs",
        "≥ 1.5×",
        "against PyTorch, one thread",
    )


def _trace_rows() -> list[Row]:
    X, y = _mnist_shaped(256, seed=1)
    model = MLP(784, [128, 10], seed=0)
    opt = SGD(model.parameters(), lr=0.01)
    batch_loss = compiled_loss(model, softmax_cross_entropy, opt.params, 0.0, list(range(10)))
    start = time.perf_counter()
    fit(model, X, y, "softmax_cross_entropy", opt, 1, progress=False, compiled=True)
    first = time.perf_counter() - start
    program = next(iter(batch_loss.programs.values()))
    traced, wall = program.program, program.trace_seconds
    cpu = float("inf")
    for _ in range(3):  # three traces more, timed in CPU seconds: the trace's own work, which
        # a loaded machine's other processes stretch in wall time (3× at load 7 on 2 cores)
        again = CompiledLoss(model, softmax_cross_entropy, opt.params, 0.0, list(range(10)))
        start_cpu = time.process_time()
        again.layout(X, y)
        cpu = min(cpu, time.process_time() - start_cpu)
        wall = min(wall, next(iter(again.programs.values())).trace_seconds)
    start = time.perf_counter()
    fit(model, X, y, "softmax_cross_entropy", opt, 1, progress=False, compiled=True)
    second = time.perf_counter() - start
    if program.program is not traced:
        raise AssertionError("the second fit traced the program again")
    return [
        Row("trace of 784-128-10 with softmax, CPU time (best of 3)", cpu, 1.0, "s", "< 1 s",
            f"reference column: the target; wall time {wall:.3f} s (best of 4)"),
        Row("second fit of the same model and loss (one step)", second, first, "s",
            "no trace", "reference column: the first fit, trace included"),
    ]  # fmt: skip


def _growth_rows() -> list[Row]:
    rows = []
    for width, batch in ((32, 256), (512, 256), (128, 64), (128, 1024)):
        X, y = _mnist_shaped(batch, seed=2)
        rows.append(_row(f"784-{width}-10, batch {batch}", [784, width, 10], X, y, repeat=10))
    return rows


def run() -> list[Row]:
    if _torch() is None:
        return [Row("array-resident fit step", float("nan"), float("nan"), "µs", "",
                     "torch not installed (the bench extra)")]  # fmt: skip
    rows = [_demo_row(), *heavy_rows(), *_trace_rows(), *_growth_rows()]
    return rows + _rows_with_kept_heap()


def _rows_with_kept_heap() -> list[Row]:
    """heavy_rows in a fresh process whose glibc keeps freed heap memory (environment
    variables read at start-up; this process and the other benchmarks keep the defaults)."""
    env = {**os.environ, **KEPT_HEAP}
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.bench_arrays"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return [Row(**fields) for fields in json.loads(done.stdout)]


if __name__ == "__main__":  # the heavy rows as JSON, for _rows_with_kept_heap
    tag = ", heap kept (MALLOC_TRIM/MMAP_THRESHOLD_)"
    print(json.dumps([vars(r) for r in heavy_rows(tag)]))
