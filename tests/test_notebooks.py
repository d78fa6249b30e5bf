"""examples/notebooks run top to bottom in a headless kernel (nbclient), and say what the book
says: each tagged cell's output is checked against the engine's numbers."""

import html
import json
import math
import re
from pathlib import Path

import pytest

nbclient = pytest.importorskip("nbclient", reason="pip install -e '.[test]' (make test does)")
nbformat = pytest.importorskip("nbformat", reason="pip install -e '.[test]' (make test does)")

from micrograd_nndl import MLP, Neuron, book_name, mse  # noqa: E402
from viz import Stepper  # noqa: E402

NOTEBOOKS = Path(__file__).resolve().parent.parent / "examples" / "notebooks"


def run_notebook(name: str, directory: Path) -> dict[str, list]:
    """Execute the notebook with `directory` as its working directory; tag → outputs."""
    notebook = nbformat.read(NOTEBOOKS / name, as_version=4)
    client = nbclient.NotebookClient(
        notebook, timeout=120, kernel_name="python3", resources={"metadata": {"path": directory}}
    )
    client.execute()
    outputs = {}
    for cell in notebook.cells:
        for tag in cell.metadata.get("tags", []):
            outputs[tag] = cell.outputs
    return outputs


def text(outputs: list) -> str:
    return "".join(o.get("text", "") for o in outputs if o["output_type"] == "stream")


def page_data(outputs: list) -> dict:
    """The data of the stepper page inside a cell's iframe output."""
    (frame,) = [o["data"]["text/html"] for o in outputs if "text/html" in o.get("data", {})]
    page = html.unescape(re.search(r'srcdoc="([^"]*)"', frame)[1])
    data = re.search(r'<script type="application/json" id="page-data">(.*?)</script>', page, re.S)
    return json.loads(data[1])


@pytest.fixture(scope="module")
def walkthrough(tmp_path_factory):
    directory = tmp_path_factory.mktemp("walkthrough")
    return run_notebook("sigmoid_walkthrough.ipynb", directory), directory


@pytest.fixture(scope="module")
def lecture(tmp_path_factory):
    return run_notebook("neuron_to_mlp.ipynb", tmp_path_factory.mktemp("lecture"))


def test_the_walkthrough_shows_the_books_passes(walkthrough):
    """NNDL §4.5.3: h5 = 2, ∂h6/∂h5 = −0.25, ∂f/∂w = ∂f/∂b = 0.25."""
    outputs, directory = walkthrough
    forward = text(outputs["forward"]).splitlines()
    assert forward[4] == "forward 5/6: h5 = h4 + 1 = 1 + 1 = 2" and len(forward) == 6
    backward = text(outputs["backward"]).splitlines()
    assert backward[1] == "backward 2/7: h5.grad += ∂h6/∂h5 × h6.grad = (-0.25) × 1 = -0.25"
    assert "        = (-0.25) × 1 × 1 × (-1) × 1 × 1 = 0.25" in text(outputs["explain"])
    assert text(outputs["grads"]) == "f = 0.5, ∂f/∂w = 0.25, ∂f/∂b = 0.25\nTrue\n"
    assert (directory / "sigmoid_steps.html").read_text(encoding="utf-8").startswith("<!DOCTYPE")


def test_the_walkthroughs_stepper_displays_as_the_interactive_page(walkthrough):
    outputs, _ = walkthrough
    data = page_data(outputs["interactive"])
    assert len(data["steps"]) == 13 and data["start"] == 0
    assert data["steps"][7]["formula"] == "h5.grad += ∂h6/∂h5 × h6.grad = (-0.25) × 1 = -0.25"


def test_the_lectures_neuron_has_sigmas_gradients(lecture):
    neuron = Neuron(2, "sigmoid", seed=0)  # the notebook's neuron, built again here
    w1, w2 = (w.data for w in neuron.w)
    a = 1 / (1 + math.exp(-(w1 * 1.0 + w2 * -2.0)))
    assert text(lecture["neuron"]).splitlines()[1] == f"a = {round(a, 6)}"
    slope = a * (1 - a)  # σ'(z) = σ(z)(1 − σ(z))
    assert text(lecture["neuron-grads"]) == (
        f"∂a/∂w = {[round(slope * 1.0, 6), round(slope * -2.0, 6)]}\n"
        f"∂a/∂b = {round(slope, 6)}  a(1 - a) = {round(slope, 6)}\n"
    )


def test_the_lectures_small_mlp_steps_as_backward_computes(lecture):
    tiny = MLP(2, [2, 1], activation="tanh", seed=1)
    loss = mse([tiny([0.5, -1.0])], [1.0])
    stepper = Stepper(loss)
    assert text(lecture["tiny"]) == (
        f"{stepper.n_forward} forward steps, {stepper.n_backward} backward steps\n"
    )
    assert len(page_data(lecture["tiny"])["steps"]) == stepper.n_forward + stepper.n_backward
    loss.backward()
    assert text(lecture["tiny-grads"]).splitlines() == [
        f"∂loss/∂{book_name(name)} = {p.grad:.6f}   ({name})" for name, p in tiny.named_parameters()
    ]


def test_the_lectures_mlp_learns_the_moons(lecture):
    lines = text(lecture["train"]).splitlines()
    losses = [float(re.search(r"loss ([\d.]+)", line)[1]) for line in lines]
    assert len(losses) == 4 and losses == sorted(losses, reverse=True)  # it goes down
    assert losses[-1] < 0.5 * losses[0]
    accuracy = int(re.search(r"training accuracy (\d+)%", text(lecture["trained"]))[1])
    assert accuracy >= 90


def test_the_lectures_two_accuracies_say_which_model_each_measures(lecture):
    """History's accuracy of epoch 40 is the model before that epoch's update; the final one
    after it: the notebook's text says one of the 40 samples moved (92.5% → 90%)."""
    last = text(lecture["train"]).splitlines()[-1]
    assert re.fullmatch(r"epoch 40: loss [\d.]+, accuracy 92% before its update", last)
    final = text(lecture["trained"]).splitlines()[-1]
    assert final == "training accuracy 90% after the last update (epoch 40's)"
