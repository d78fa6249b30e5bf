"""The GPT step of examples/tiny_gpt.py (microgpt's sizes): this engine against a microgpt-style
reference engine (benchmarks/microgpt_engine.py), from the same weights.

One step is forward over one name with the KV cache, softmax cross-entropy, backward and Adam.
The model is written once on arithmetic, so each engine runs the very same code with its own
Value class (`ENGINES`; another engine is one more entry). Before anything is timed, both
engines train a few steps side by side (see `check_identical`).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

from micrograd_nndl import Value

from .common import Row, best_times, load_example
from .microgpt_engine import RefAdam, RefValue

tiny_gpt = load_example("tiny_gpt")

STEPS_CHECKED = 3


@dataclass(frozen=True)
class Engine:
    """An engine the GPT step runs on: its scalar class and its Adam (params, lr, steps)."""

    name: str
    value: type
    adam: Callable[[list, float, int], object]


ENGINES = {
    "micrograd-nndl": Engine("micrograd-nndl", Value, tiny_gpt.adam),
    "microgpt-style": Engine(
        "microgpt-style",
        RefValue,
        lambda params, lr, steps: RefAdam(params, lr, tiny_gpt.BETAS, steps),
    ),
}


def documents(count: int | None = None) -> tuple[int, list[list[int]]]:
    """(vocabulary size, the example's names as token lists, shuffled as the example does)."""
    names = tiny_gpt.load_names()
    tok = tiny_gpt.Tokenizer(names)
    random.Random(42).shuffle(names)
    return tok.vocab_size, [tok.encode(n) for n in names[:count]]


def trainer(engine: Engine, config: object, vocab_size: int, steps: int) -> Callable:
    """step(tokens) -> loss, on a fresh model of `engine` with the seed-0 weights."""
    model = tiny_gpt.TinyGPT(vocab_size, config, seed=0, value=engine.value)
    optimizer = engine.adam(model.parameters(), 0.01, steps)
    return lambda tokens: tiny_gpt.train_step(model, tokens, optimizer)


def losses_side_by_side(config: object, steps: int = STEPS_CHECKED) -> dict[str, list[float]]:
    """Each engine's losses over the first `steps` names, from the same weights."""
    vocab_size, docs = documents(steps)
    result = {}
    for name, engine in ENGINES.items():
        step = trainer(engine, config, vocab_size, steps)
        result[name] = [step(tokens) for tokens in docs]
    return result


def check_identical(losses: dict[str, list[float]], rel: float = 1e-12) -> list[float]:
    """The first engine's losses, after checking every engine against them: the first step's
    loss bit for bit (the same forward floats from the same weights), the later ones to `rel`
    (a parameter's gradient adds its contributions in each engine's own visiting order, and a
    sum in another order may differ in its last bit). An AssertionError names the step."""
    (first, reference), *others = losses.items()
    for name, theirs in others:
        for i, (a, b) in enumerate(zip(reference, theirs, strict=True)):
            if a != b if i == 0 else abs(a - b) > rel * abs(a):
                raise AssertionError(f"GPT step {i + 1}: {first} loss {a!r}, {name} loss {b!r}")
    return reference


def run() -> list[Row]:
    config = tiny_gpt.Config()
    first = check_identical(losses_side_by_side(config))[0]
    vocab_size, docs = documents(1)
    steps = {name: trainer(engine, config, vocab_size, 100) for name, engine in ENGINES.items()}
    timed = best_times([lambda step=step: step(docs[0]) for step in steps.values()], repeat=5)
    times = dict(zip(steps, timed))
    ours, ref = times["micrograd-nndl"], times["microgpt-style"]
    return [
        Row(
            f"GPT step: tiny_gpt (d={config.n_embd}, {config.n_head} heads), one name",
            ours,
            ref,
            note=(
                f"reference: a microgpt-style engine, not micrograd; from the same weights the "
                f"same first loss {first:.12g} bit for bit, the next {STEPS_CHECKED - 1} to 1e-12"
            ),
        )
    ]


if __name__ == "__main__":
    for row in run():
        print(f"{row.name}: ours {row.ours:.3f} s, reference {row.reference:.3f} s")
        print(f"{row.ratio:.1f}× faster; {row.note}")
