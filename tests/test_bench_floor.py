"""The pure-Python floor of the benchmarks: the same floats as the engine, so its times are a
fair lower bound (a floor that computed something else would prove nothing)."""

import pytest

from benchmarks import bench_floor
from benchmarks.bench_engine import chain, wide_sum
from benchmarks.floor_engine import TAPE, FloorValue
from micrograd_nndl import Value

TINY = bench_floor.tiny_gpt.Config(n_embd=4, n_head=2, block_size=8)


@pytest.mark.parametrize("workload", [chain, wide_sum])
def test_the_floor_gives_the_engines_gradients_bit_for_bit(workload):
    assert workload(FloorValue, 300)() == workload(Value, 300)()
    assert TAPE == []  # backward consumed the tape


def test_every_op_of_the_floor_differentiates_as_the_engine():
    results = []
    for V in (Value, FloorValue):
        a, b = V(0.3), V(-1.2)
        y = ((a * b + a / b - 2.0 / a + (a - b) ** 2).exp().log() * 3.0 - 1.0 + (-a)) / 2.0
        y = y + (5.0 - a * a).relu() + (a * 0.5 + 1.0) ** 0.5
        y.backward()
        results.append((y.data, a.grad, b.grad))
    assert results[0] == pytest.approx(results[1], rel=1e-15)


def test_the_floor_trains_the_gpt_to_our_losses():
    losses = {}
    vocab_size, docs = bench_floor.documents(3)
    for name, engine in bench_floor.ENGINES.items():
        step = bench_floor.trainer(engine, TINY, vocab_size, len(docs))
        losses[name] = [step(tokens) for tokens in docs]
    assert bench_floor.check_identical(losses) == losses["micrograd-nndl"]
