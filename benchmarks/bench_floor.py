"""The engine against the pure-Python floor (benchmarks/floor_engine.py): the chain, the wide
sum and the GPT step, each a ratio floor time / our time (1.0 would be the floor itself)."""

from __future__ import annotations

from micrograd_nndl import Value

from .bench_engine import CHAIN_N, WIDE_N, chain, wide_sum
from .bench_gpt import ENGINES as GPT_ENGINES
from .bench_gpt import STEPS_CHECKED, Engine, check_identical, documents, tiny_gpt, trainer
from .common import Row, best_times
from .floor_engine import FloorValue
from .microgpt_engine import RefAdam

NOTE = "reference: the pure-Python floor (one tape, rules inlined, no checks)"


FLOOR = Engine(
    "floor", FloorValue, lambda params, lr, steps: RefAdam(params, lr, tiny_gpt.BETAS, steps)
)
ENGINES = {"micrograd-nndl": GPT_ENGINES["micrograd-nndl"], "floor": FLOOR}


def floor_losses(config: object, steps: int = STEPS_CHECKED) -> dict[str, list[float]]:
    """Ours and the floor's losses over the first `steps` names, from the same weights."""
    vocab_size, docs = documents(steps)
    return {
        name: [trainer(engine, config, vocab_size, steps)(t) for t in docs]
        for name, engine in ENGINES.items()
    }


def gpt_step_times() -> tuple[float, float]:
    """(ours, floor) for one GPT step, after checking both give the same losses."""
    config = tiny_gpt.Config()
    check_identical(floor_losses(config))
    vocab_size, docs = documents(1)
    steps = [trainer(engine, config, vocab_size, 100) for engine in ENGINES.values()]
    ours, floor = best_times([lambda step=step: step(docs[0]) for step in steps], repeat=7)
    return ours, floor


def run() -> list[Row]:
    ours, floor = chain(Value, 1000)(), chain(FloorValue, 1000)()
    assert ours == floor, (ours, floor)  # the same rules in the same order: bit for bit
    gpt_ours, gpt_floor = gpt_step_times()
    chain_ours, chain_floor = best_times([chain(Value, CHAIN_N), chain(FloorValue, CHAIN_N)])
    wide_ours, wide_floor = best_times([wide_sum(Value, WIDE_N), wide_sum(FloorValue, WIDE_N)])
    return [
        Row(
            f"chain N={CHAIN_N:,} vs the floor",
            chain_ours,
            chain_floor,
            target="≥ 0.77× (within 1.3×)",
            note=NOTE,
        ),
        Row(
            f"wide sum of {WIDE_N:,} products vs the floor",
            wide_ours,
            wide_floor,
            target="≥ 0.63× (within 1.6×)",
            note=NOTE,
        ),
        Row(
            "GPT step vs the floor",
            gpt_ours,
            gpt_floor,
            target="≥ 0.5× (within 2×)",
            note=NOTE,
        ),
    ]
