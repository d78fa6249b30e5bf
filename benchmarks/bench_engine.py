"""The engine against micrograd 0.1.0: a deep chain, a wide sum, and memory per chain step."""

from __future__ import annotations

import sys
import threading
import tracemalloc
from collections.abc import Callable

from micrograd.engine import Value as RefValue

from micrograd_nndl import Value

from .common import Row, best_time

CHAIN_N = 100_000
WIDE_N = 100_000
MEMORY_N = 20_000


def chain(value_type: type, n: int) -> Callable[[], float]:
    """y = (y*1.0001 + 0.0001).relu(), n times, then backward: build + backward."""

    def run() -> float:
        x = value_type(1.0)
        y = x
        for _ in range(n):
            y = (y * 1.0001 + 0.0001).relu()
        y.backward()
        return x.grad

    return run


def wide_sum(value_type: type, n: int) -> Callable[[], float]:
    """s = Σ aᵢ·bᵢ over n pairs of leaves, then backward."""

    def run() -> float:
        a = [value_type(i * 1e-5) for i in range(n)]
        b = [value_type(1.0 - i * 1e-5) for i in range(n)]
        s = a[0] * b[0]
        for x, y in zip(a[1:], b[1:]):
            s = s + x * y
        s.backward()
        return a[-1].grad

    return run


def bytes_per_step(value_type: type, n: int) -> float:
    """Memory the chain's graph holds after build + backward, per step (tracemalloc)."""
    tracemalloc.start()
    try:
        x = value_type(1.0)
        y = x
        for _ in range(n):
            y = (y * 1.0001 + 0.0001).relu()
        y.backward()
        held, _peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return held / n


def in_deep_stack(fn: Callable[[], float]) -> float:
    """fn() in a thread with a big stack and recursion limit: micrograd's sort recurses."""
    result: list[float] = []
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(10**6)
    threading.stack_size(1 << 29)
    try:
        thread = threading.Thread(target=lambda: result.append(fn()))
        thread.start()
        thread.join()
    finally:
        sys.setrecursionlimit(old)
        threading.stack_size(0)
    return result[0]


def run() -> list[Row]:
    ours_grad, ref_grad = chain(Value, 1000)(), in_deep_stack(chain(RefValue, 1000))
    assert abs(ours_grad - ref_grad) <= 1e-9 * abs(ref_grad), (ours_grad, ref_grad)
    return [
        Row(
            f"chain N={CHAIN_N:,} build+backward",
            best_time(chain(Value, CHAIN_N)),
            in_deep_stack(lambda: best_time(chain(RefValue, CHAIN_N))),
            target="≥ 15×",
            note="micrograd needs its recursion limit raised",
        ),
        Row(
            f"wide sum of {WIDE_N:,} products",
            best_time(wide_sum(Value, WIDE_N)),
            in_deep_stack(lambda: best_time(wide_sum(RefValue, WIDE_N))),
        ),
        Row(
            "memory per chain step",
            bytes_per_step(Value, MEMORY_N),
            in_deep_stack(lambda: bytes_per_step(RefValue, MEMORY_N)),
            unit="bytes",
            target="≤ 400 bytes",
            note="held after build + backward",
        ),
    ]
