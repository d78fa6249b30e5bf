"""Every script of examples/ runs with --quick, writes the pictures it says it wrote, and prints
the numbers of NNDL chapter 4 that it reproduces."""

from __future__ import annotations

import contextlib
import importlib.util
import io
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
EXAMPLES = TESTS.parent / "examples"

# script -> the files it writes into --out
WRITES = {
    "computation_graph": [
        "sigmoid_six_primitives.svg",
        "sigmoid_six_primitives.png",
        "sigmoid_fused.svg",
        "sigmoid_fused.png",
    ],
    "neuron_and_network": [
        "neuron.svg",
        "neuron.png",
        "network.svg",
        "network.png",
        "one_sample_of_a_loss.svg",
        "one_sample_of_a_loss.png",
    ],
    "activations": ["activations.png"],
    "universal_approximation": ["universal_approximation.png"],
    "nonconvex_loss": ["nonconvex_loss.png"],
    "vanishing_gradients": ["vanishing_gradients.png"],
    "classifier": ["classifier.png"],
    "train_moons": ["moons_boundary.png"],
}


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory):
    """run(name) -> (what the example printed, its --out directory); each runs once."""
    done: dict[str, tuple[str, Path]] = {}
    sys.path.insert(0, str(EXAMPLES))  # the examples import their shared `common` module
    try:

        def run_example(name: str) -> tuple[str, Path]:
            if name not in done:
                spec = importlib.util.spec_from_file_location(
                    f"example_{name}", EXAMPLES / f"{name}.py"
                )
                module = importlib.util.module_from_spec(spec)
                spec.loader.exec_module(module)
                out = tmp_path_factory.mktemp(name)
                printed = io.StringIO()
                with contextlib.redirect_stdout(printed):
                    assert module.main(["--out", str(out), "--quick"]) == 0
                done[name] = (printed.getvalue(), out)
            return done[name]

        yield run_example
    finally:
        sys.path.remove(str(EXAMPLES))


def test_every_example_is_tested() -> None:
    """Each script is run here, or by a test file of its own (tests/test_example_NAME.py)."""
    own_test = {p.stem.removeprefix("test_example_") for p in TESTS.glob("test_example_*.py")}
    scripts = {p.stem for p in EXAMPLES.glob("*.py")} - {"common"} - own_test
    assert scripts == set(WRITES)


@pytest.mark.parametrize("name", sorted(WRITES))
def test_writes_its_pictures(run, name: str) -> None:
    printed, out = run(name)
    assert sorted(p.name for p in out.iterdir()) == sorted(WRITES[name])
    assert re.findall(r"^wrote (.+)$", printed, re.M) == [str(out / f) for f in WRITES[name]]
    for f in WRITES[name]:
        data = (out / f).read_bytes()
        if f.endswith(".png"):
            assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) > 1000
        else:
            assert b"<svg" in data


def test_computation_graph_prints_the_books_table(run) -> None:
    """NNDL §4.5.3 at x = 1, w = 0, b = 0: h5 = 2, ∂h6/∂h5 = −0.25, ∂f/∂w = ∂f/∂b = 0.25."""
    printed, _ = run("computation_graph")
    assert re.search(r"^h5\s+\+ 1\s+∂h5/∂h4 = 1\s+2$", printed, re.M)
    assert re.search(r"^h6\s+1 ÷\s+∂h6/∂h5 = -0.25\s+0.5$", printed, re.M)
    assert "= (-0.25) × 1 × 1 × (-1) × 1 × 1 = 0.25" in printed
    assert "∂f/∂h2 = σ(1 − σ) = 0.25" in printed  # the fused sigmoid's local derivative
    both = re.findall(r"^∂f/∂w = (\S+)   ∂f/∂b = (\S+)   ∂f/∂x = (\S+)$", printed, re.M)
    assert both == [("0.25", "0.25", "0")] * 2  # six primitives and fused agree


def test_activation_derivatives_at_zero(run) -> None:
    """By backward(): σ′(0) = 0.25, tanh′(0) = 1 (NNDL §4.1), and the kinks' conventions."""
    printed, _ = run("activations")
    slopes = dict(re.findall(r"^  (.+?)\s{2,}(\S+)$", printed, re.M))
    assert slopes["logistic σ(x)"] == "0.25"
    assert slopes["tanh(x)"] == "1"
    assert slopes["hard-logistic"] == "0.25"
    assert slopes["ReLU"] == "0"
    assert slopes["softplus"] == "0.5"  # σ(0)
    assert slopes["swish, β = 0"] == "0.5"  # x/2
    assert slopes["maxout: max(−x − 1, 0.2x, 1.2x − 1.5)"] == "0.2"  # the arg-max piece


def test_universal_approximation_error_falls_with_width(run) -> None:
    printed, _ = run("universal_approximation")
    rows = re.findall(r"^M = +(\d+): max error (\S+) as a staircase, (\S+) trained$", printed, re.M)
    assert [int(m) for m, _, _ in rows] == [1, 2, 4, 8, 16]
    trained = [float(e) for _, _, e in rows]
    assert trained == sorted(trained, reverse=True) and trained[-1] < trained[0] / 4


def test_both_losses_are_not_convex(run) -> None:
    """NNDL §4.6.1: a chord below the loss surface, for squared error and cross-entropy."""
    printed, _ = run("nonconvex_loss")
    chords = re.findall(r"^(.+): not convex: .* is (\S+) > (\S+), the mean", printed, re.M)
    assert [name.split()[0] for name, _, _ in chords] == ["squared", "cross-entropy"]
    for _, midpoint, mean in chords:
        assert float(midpoint) > float(mean)


def test_logistic_gradients_vanish(run) -> None:
    """NNDL §4.6.2: with the same weights, the logistic network's first-layer gradient is
    orders of magnitude below tanh's and ReLU's, which pass the error term on."""
    printed, _ = run("vanishing_gradients")
    rows = dict(
        (name, (float(w1), float(ratio)))
        for name, w1, ratio in re.findall(
            r"^(\w+): ‖∂L/∂W⁽¹⁾‖ = (\S+), ‖δ⁽¹⁾‖ / ‖δ⁽10⁾‖ = (\S+)$", printed, re.M
        )
    )
    assert set(rows) == {"logistic", "tanh", "ReLU"}
    assert rows["logistic"][0] < 1e-3 * min(rows["tanh"][0], rows["ReLU"][0])
    assert rows["logistic"][1] < 1e-3 < 0.1 < min(rows["tanh"][1], rows["ReLU"][1])


def test_classifiers_learn(run) -> None:
    printed, _ = run("classifier")
    results = re.findall(r"^(.+): loss (\S+) → (\S+), accuracy (\d+)%$", printed, re.M)
    assert [name for name, *_ in results] == ["two moons", "three spirals"]
    for _, first, last, accuracy in results:
        assert float(last) < float(first) / 2 and int(accuracy) >= 85


def test_readme_gallery() -> None:
    """The gallery page gives each example's command, and every picture it shows exists."""
    page = (TESTS.parent / "docs" / "gallery.md").read_text(encoding="utf-8")
    gallery = page.split("# The book's chapter 4, reproduced", 1)[1].split("\n## ", 1)[0]
    for name in set(WRITES) - {"train_moons"}:
        assert f".venv/bin/python examples/{name}.py" in gallery
    pictures = set(re.findall(r"\]\((images/[^)]+)\)", gallery))  # a wide one links itself
    assert len(pictures) == 12
    for picture in pictures:
        assert (TESTS.parent / "docs" / picture).stat().st_size < 150_000


def test_the_neurons_gradients_are_the_inputs_times_tanhs_slope(run) -> None:
    """∂a/∂wᵢ = xᵢ(1 − a²) for a = tanh(w·x + b) (NNDL §4.1), as backward() printed it."""
    printed, _ = run("neuron_and_network")
    slope = float(re.search(r"1 − a² = (\S+)$", printed, re.M).group(1))
    rows = re.findall(r"^∂a/∂w\d = x\d\(1 − a²\) = (\S+) × \S+ = (\S+)$", printed, re.M)
    assert [float(x) for x, _ in rows] == [1.0, -2.0, 0.5]
    for x, grad in rows:
        assert float(grad) == pytest.approx(float(x) * slope, rel=1e-3)


@pytest.mark.skipif(shutil.which("make") is None, reason="the Makefile is run by make")
def test_make_examples_installs_their_extras_and_runs_every_script() -> None:
    """`make -n examples` (what it would do, nothing run): the extras the scripts import, then
    each script of examples/ but the shared helpers, the way the README says it does."""
    planned = subprocess.run(
        ["make", "-n", "examples", "VENV=.venv-planned"],
        cwd=TESTS.parent,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "-m pip install -q -e '.[examples,datasets]'" in planned
    scripts = {p.name for p in EXAMPLES.glob("*.py")} - {"common.py"}
    assert set(re.findall(r"examples/(\w+\.py)", planned)) == scripts
    assert "make examples" in (TESTS.parent / "README.md").read_text(encoding="utf-8")
