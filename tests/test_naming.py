"""One name per parameter for a reader: the book's w⁽ˡ⁾ᵢⱼ (NNDL §4.3) in every message, with
the dotted path of `named_parameters()` beside it the first time, so it is found in code."""

import re

import numpy as np
import pytest

import viz.graph
from micrograd_nndl import MLP, SGD, Adam, NonFiniteGradientError, Value, book_name, fit
from micrograd_nndl.naming import parameter_text


@pytest.mark.parametrize(
    "path, name",
    [
        ("layers.0.neurons.0.w.0", "w⁽¹⁾₁₁"),  # layer 1, neuron 1, input 1
        ("layers.1.neurons.2.w.0", "w⁽²⁾₃₁"),  # neuron i, input j: w⁽ˡ⁾ᵢⱼ
        ("layers.0.neurons.9.w.10", "w⁽¹⁾₁₀,₁₁"),  # two-digit indices apart
        ("layers.2.neurons.0.b", "b⁽³⁾₁"),
        ("layers.0.neurons.1.gamma", "γ⁽¹⁾₂"),
        ("w.0", "w₁"),  # a lone neuron
        ("neurons.1.w.2", "w₂₃"),  # a lone layer
        ("b", "b"),  # a user's own names as written
        ("θ", "θ"),
        ("layers.0.neurons.0.w", "layers.0.neurons.0.w"),
    ],
)
def test_book_name_writes_a_path_as_the_book_does(path, name):
    assert book_name(path) == name


def test_viz_names_parameters_with_the_same_rule():
    assert viz.graph.book_name is book_name


def test_a_message_names_a_parameter_by_book_and_by_path():
    assert parameter_text("layers.0.neurons.1.w.0") == "w⁽¹⁾₂₁ (layers.0.neurons.1.w.0)"
    assert parameter_text("θ") == "'θ'"  # a label the book does not rename: quoted as written


def _diverging(model):
    """SGD with a rate that makes parameter 0 of `model` overflow on its first step."""
    params = model.parameters()
    for p in params:
        p.grad = 0.0
    params[0].grad = 1e308
    return SGD(params, lr=1e10)


def test_an_optimiser_names_the_parameter_it_refuses_to_move():
    model = MLP(2, [3, 1], seed=0)
    opt = _diverging(model)
    before = model.parameters()[0].data
    expected = (
        f"SGD.step: parameter w⁽¹⁾₁₁ (layers.0.neurons.0.w.0) would become -inf (data {before!r}"
    )
    with pytest.raises(NonFiniteGradientError, match=re.escape(expected)):
        opt.step()
    unlabelled = SGD([Value(1.0)], lr=1e10)
    unlabelled.params[0].grad = 1e308
    with pytest.raises(NonFiniteGradientError, match=r"parameter 0 would become -inf"):
        unlabelled.step()


@pytest.mark.parametrize("make_opt", [lambda p: SGD(p, lr=1e30), lambda p: Adam(p, lr=1e308)])
def test_fit_in_arrays_names_a_diverging_parameter_as_eager_fit_does(make_opt):
    X = np.array([[1e150, -1e150], [2e150, 1e150]])
    y = np.array([1.0, -1.0])
    messages = []
    for compiled in (False, True):
        model = MLP(2, [2, 1], seed=0)
        with pytest.raises(NonFiniteGradientError) as caught:
            fit(
                model,
                X,
                y,
                "mse",
                make_opt(model.parameters()),
                3,
                progress=False,
                compiled=compiled,
            )
        messages.append(str(caught.value))
    named = re.search(r"parameter (\S+ \(\S+\)) would become", messages[0])
    assert named is not None, messages[0]
    book, path = named.group(1).split(" ")
    assert book == book_name(path[1:-1])
    assert named.group(1) in messages[1]


def test_an_engine_error_names_a_parameter_as_the_book_does():
    model = MLP(1, [1], seed=0)
    (w, b) = model.parameters()
    with pytest.raises(ValueError, match=re.escape("the data of w⁽¹⁾₁₁ (layers.0.neurons.0.w.0)")):
        w.data = float("nan")
    b.data = 0.0
    said = "log: the argument b⁽¹⁾₁ = 0, and log needs it > 0 (inputs: b⁽¹⁾₁ (layers.0.neurons.0.b)"
    with pytest.raises(ArithmeticError, match=re.escape(said)):
        b.log()
