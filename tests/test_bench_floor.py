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


def test_the_floor_and_the_engine_build_the_same_gpt_graph():
    """An honest floor does the same work: the GPT loss reaches as many nodes of each op, with
    the same inputs (two nodes, or one and a constant), in both engines."""
    import collections

    from benchmarks import floor_engine as F
    from micrograd_nndl import topological_order
    from micrograd_nndl.ops import BINARY

    names = {F.ADD: "add", F.ADD_C: "add", F.MUL: "mul", F.MUL_C: "mul", F.SUB: "sub"}
    names |= {F.SUB_C: "sub", F.RSUB_C: "sub", F.DIV: "div", F.DIV_C: "div", F.RDIV_C: "div"}
    names |= {F.POW_C: "pow", F.NEG: "neg", F.EXP: "exp", F.LOG: "log", F.RELU: "relu"}
    two_inputs = {F.ADD, F.MUL, F.SUB, F.DIV}
    vocab_size, docs = bench_floor.documents(1)
    counts = []
    for engine in bench_floor.ENGINES.values():
        model = bench_floor.tiny_gpt.TinyGPT(vocab_size, TINY, seed=0, value=engine.value)
        loss = model.loss(docs[0])
        if engine.value is Value:
            ops = (n.op_info for n in topological_order(loss) if not n.is_leaf)
            counts.append(collections.Counter((op.name, op.kind == BINARY) for op in ops))
            continue
        seen, stack, found = {id(loss)}, [loss], collections.Counter()
        while stack:
            node = stack.pop()
            found[names[node._kind], node._kind in two_inputs] += 1
            for p in (node._a, node._b) if node._kind in two_inputs else (node._a,):
                if p._kind >= 0 and id(p) not in seen:
                    seen.add(id(p))
                    stack.append(p)
        TAPE.clear()
        counts.append(found)
    ours, floor = counts
    assert ours == floor and sum(ours.values()) > 1000
