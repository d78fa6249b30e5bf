"""examples/tiny_gpt.py: the GPT on Values learns (its losses fall), its gradients are the
central differences', attention is causal, and its two pictures are in the gallery page."""

from __future__ import annotations

import math
import random
import re
from pathlib import Path

import pytest
from example_runs import example, run_quick

from micrograd_nndl import Value, gradcheck

ROOT = Path(__file__).resolve().parent.parent
tiny_gpt = example("tiny_gpt")

TINY = tiny_gpt.Config(n_embd=4, n_head=2, block_size=8)
PICTURES = ["tiny_gpt_loss.png", "tiny_gpt_attention_score.svg", "tiny_gpt_attention_score.png"]


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path]:
    out = tmp_path_factory.mktemp("tiny_gpt")
    return run_quick(tiny_gpt, out), out


def test_quick_run_learns_and_writes_its_pictures(quick_run) -> None:
    printed, out = quick_run
    assert sorted(p.name for p in out.iterdir()) == sorted(PICTURES)
    first, last = map(
        float, re.search(r"first 10 steps (\S+), of the last 10 (\S+)$", printed, re.M).groups()
    )
    assert last < first - 0.05  # from about log 27 = 3.30 (a uniform guess) down
    assert abs(first - math.log(27)) < 0.2
    names = re.search(r"^new names: (.*)$", printed, re.M).group(1).split(", ")
    assert len(names) == 10 and all(re.fullmatch(r"[a-z]*", n) for n in names)


def test_the_attention_score_drawing_shows_q_k_and_their_local_derivatives(quick_run) -> None:
    _, out = quick_run
    svg = (out / "tiny_gpt_attention_score.svg").read_text(encoding="utf-8")
    for j in range(4):  # head_dim of the quick config is 4
        assert f"q[{j}]" in svg and f"k[{j}]" in svg
    assert "÷ 2" in svg and "+ 0" not in svg  # s = (Σ qⱼkⱼ)/√4, the sum without a zero


def test_attention_score_gradients_are_k_and_q_over_root_d() -> None:
    q = [Value(v) for v in (0.5, -1.0, 2.0, 0.25)]
    k = [Value(v) for v in (1.5, 0.5, -0.5, 4.0)]
    s = tiny_gpt.attention_score(q, k)
    s.backward()
    assert s.data == (0.75 - 0.5 - 1.0 + 1.0) / 2
    assert [x.grad for x in q] == [kj.data / 2 for kj in k]
    assert [x.grad for x in k] == [qj.data / 2 for qj in q]


def test_softmax_and_rmsnorm() -> None:
    probs = tiny_gpt.softmax([Value(1.0), Value(2.0), Value(1000.0)])  # no overflow at 1000
    assert sum(p.data for p in probs) == pytest.approx(1.0)
    assert probs[2].data == pytest.approx(1.0) and probs[0].data == pytest.approx(math.exp(-999))
    x = tiny_gpt.rmsnorm([Value(3.0), Value(-4.0)])
    assert math.sqrt(sum(v.data**2 for v in x) / 2) == pytest.approx(1.0, abs=1e-5)


def test_the_loss_gradient_matches_central_differences() -> None:
    model = tiny_gpt.TinyGPT(27, TINY, seed=3)
    tokens = [26, 4, 12, 12, 0, 26]  # BOS e m m a BOS
    where = [("wte", 4, 1), ("wte", 7, 0), ("wpe", 2, 3), ("wq", 1, 2), ("wk", 0, 0),
             ("wv", 3, 1), ("wo", 2, 2), ("fc1", 9, 1), ("fc2", 1, 13)]  # fmt: skip
    start = [model.weights[m][i][j].data for m, i, j in where]

    def loss(*params: Value) -> Value:
        for (m, i, j), p in zip(where, params):
            model.weights[m][i][j] = p
        return model.loss(tokens)

    assert gradcheck(loss, start, atol=1e-7, rtol=1e-5)


def test_the_output_layer_is_the_token_embedding() -> None:
    """Weight tying: every token's embedding gets a gradient from the logits, even a token
    that is not in the name."""
    model = tiny_gpt.TinyGPT(27, TINY, seed=0)
    model.loss([26, 0, 26]).backward()  # BOS a BOS: token 25 ('z') is only an output
    assert any(p.grad != 0.0 for p in model.weights["wte"][25])
    assert len(model.parameters()) == 27 * 4 + 8 * 4 + 4 * 4 * 4 + 2 * 16 * 4


def test_attention_is_causal_through_the_kv_cache() -> None:
    """Position 1's logits depend on tokens 0 and 1 only: the tokens after it change nothing."""
    model = tiny_gpt.TinyGPT(27, TINY, seed=0)
    runs = []
    for later in (5, 17):
        cache: tuple[list, list] = ([], [])
        logits = [model.forward(t, pos, cache) for pos, t in enumerate([26, 3, later])]
        runs.append([z.data for z in logits[1]])
        assert len(cache[0]) == len(cache[1]) == 3  # one key and one value per position
    assert runs[0] == runs[1]


def test_sampling_is_repeatable_from_a_seed() -> None:
    tok = tiny_gpt.Tokenizer(["abc", "cab"])
    model = tiny_gpt.TinyGPT(tok.vocab_size, TINY, seed=0)
    one = [tiny_gpt.sample(model, tok, random.Random(7)) for _ in range(3)]
    assert one == [tiny_gpt.sample(model, tok, random.Random(7)) for _ in range(3)]
    assert tok.decode(tok.encode("cab")[1:-1]) == "cab"


def test_the_gallery_page_shows_both_pictures() -> None:
    gallery = (ROOT / "docs" / "gallery.md").read_text(encoding="utf-8")
    assert ".venv/bin/python examples/tiny_gpt.py" in gallery
    for picture in ("tiny_gpt_loss.png", "tiny_gpt_attention_score.png"):
        assert f"](images/{picture})" in gallery
        assert (ROOT / "docs" / "images" / picture).stat().st_size < 150_000
