"""fit(compiled=True) trains exactly as fit(): the same history, the same parameters."""

import numpy as np
import pytest

from micrograd_nndl import MLP, SGD, Adam, Value, fit, make_moons, make_spirals


def _twins(**kw):
    return MLP(2, **kw), MLP(2, **kw)


@pytest.mark.parametrize(
    "loss, batch_size, l2",
    [
        ("hinge", None, 1e-4),  # the micrograd demo: whole batch, regularised
        ("hinge", 16, 0.0),
        ("binary_cross_entropy_with_logits", 10, 1e-3),
        ("mse", 25, 0.0),
    ],
)
def test_compiled_fit_gives_the_eager_history(loss, batch_size, l2):
    X, y = make_moons(60, noise=0.1, seed=1)
    y = 2 * y - 1 if loss == "hinge" else y
    histories, models = [], []
    for compiled in (False, True):
        model = MLP(2, [8, 8, 1], seed=0)
        opt = SGD(model.parameters(), lr=0.05, momentum=0.9)
        h = fit(model, X, y, loss, opt, 6, batch_size, l2, progress=False, compiled=compiled)
        histories.append(h)
        models.append(model)
    eager, compiled = histories
    np.testing.assert_allclose(compiled.loss, eager.loss, rtol=1e-9, atol=1e-12)
    assert compiled.accuracy == eager.accuracy and compiled.threshold == eager.threshold
    a, b = ([p.data for p in m.parameters()] for m in models)
    np.testing.assert_allclose(b, a, rtol=1e-9, atol=1e-12)


def test_compiled_fit_with_several_classes_and_a_regression():
    X, y = make_spirals(30, classes=3, seed=2)
    runs = []
    for compiled in (False, True):
        model = MLP(2, [6, 3], activation="tanh", seed=1)
        opt = Adam(model.parameters(), lr=0.01)
        h = fit(model, X, y, "softmax_cross_entropy", opt, 4, 20, progress=False, compiled=compiled)
        runs.append(h)
    np.testing.assert_allclose(runs[1].loss, runs[0].loss, rtol=1e-9)
    assert runs[1].accuracy == runs[0].accuracy and runs[0].accuracy[0] is not None

    # continuous targets: traced as an input of the program. (Not an odd function on a
    # symmetric grid with Adam: there a bias's gradient is 0 up to rounding, and Adam's step
    # lr·g/|g| turns the rounding's sign into ±lr.)
    x = np.linspace(-1, 2, 20)[:, None]
    target = np.sin(3 * x[:, 0]) + 0.5
    runs = []
    for compiled in (False, True):
        model = MLP(1, [5, 1], activation="tanh", seed=4)
        h = fit(
            model,
            x,
            target,
            "mse",
            Adam(model.parameters(), lr=0.05),
            5,
            progress=False,
            compiled=compiled,
        )
        runs.append(h)
    np.testing.assert_allclose(runs[1].loss, runs[0].loss, rtol=1e-9)
    assert runs[1].accuracy == [None] * 5


def test_a_loss_that_is_not_a_mean_of_terms_is_refused():
    X, y = make_moons(8, seed=0)

    def summed(outputs, targets):
        terms = [(o - t) ** 2 for o, t in zip(outputs, targets)]
        return sum(terms[1:], terms[0])

    model = MLP(2, [3, 1], seed=0)
    with pytest.raises(ValueError, match="mean of one term per sample"):
        fit(model, X, y, summed, epochs=1, progress=False, compiled=True)
    assert isinstance(model.parameters()[0], Value)


def test_another_labels_loss_outside_its_domain_falls_back_to_one_program_per_label():
    """A probability of exactly 1 has no log(1 − p): the label-0 loss of a label-1 sample
    fails in the program of all labels, so that batch runs label by label, as eager does."""

    def log_loss(outputs, targets):
        terms = [-(o.log() if t == 1 else (1 - o).log()) for o, t in zip(outputs, targets)]
        return sum(terms[1:], terms[0]) * (1.0 / len(terms))

    X, y = np.array([[4.0], [-0.5], [0.3]]), np.array([1, 0, 1])
    runs = []
    for compiled in (False, True):
        model = MLP(1, [1], output_activation="hard_sigmoid", seed=0)
        model.layers[0].neurons[0].w[0].data = 1.0  # hard_sigmoid(4) = 1.0 exactly
        h = fit(
            model,
            X,
            y,
            log_loss,
            SGD(model.parameters(), lr=0.01),
            3,
            progress=False,
            compiled=compiled,
        )
        runs.append(h.loss)
    np.testing.assert_allclose(runs[1], runs[0], rtol=1e-9)
