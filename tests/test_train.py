"""fit: XOR and moons reach 100% with a fixed seed; Ctrl-C keeps the last finished step."""

import io

import pytest

from micrograd_nndl import (
    MLP,
    SGD,
    Adam,
    accuracy,
    fit,
    make_moons,
    make_regression_1d,
    make_spirals,
    make_xor,
    mse,
    no_grad,
)
from micrograd_nndl.train import ProgressBar


def _final_accuracy(model, X, y):
    with no_grad():
        return accuracy([model(row) for row in X.tolist()], y.tolist())


def test_xor_trains_to_100_percent():
    X, y = make_xor()
    model = MLP(2, [4, 1], activation="tanh", init="xavier_uniform", seed=0)
    opt = Adam(model.parameters(), lr=0.1)
    history = fit(model, X, y, loss="binary_cross_entropy_with_logits", optimizer=opt, epochs=50)
    assert _final_accuracy(model, X, y) == 1.0
    assert history.loss[-1] < 0.1 * history.loss[0]
    assert len(history.loss) == len(history.accuracy) == 50 and not history.interrupted


def test_moons_train_to_100_percent_with_minibatches():
    X, y = make_moons(100, noise=0.1, seed=0)
    model = MLP(2, [8, 8, 1], init="he_uniform", seed=0)
    opt = Adam(model.parameters(), lr=0.05)
    fit(model, X, 2 * y - 1, loss="hinge", optimizer=opt, epochs=60, l2=1e-4, progress=False)
    assert _final_accuracy(model, X, 2 * y - 1) == 1.0


def test_regression_fits_a_sine_to_the_noise_level():
    X, y = make_regression_1d(30, noise=0.05, seed=0)
    model = MLP(1, [12, 1], activation="tanh", init="xavier_uniform", seed=0)
    opt = Adam(model.parameters(), lr=0.05)
    history = fit(model, X, y, loss="mse", optimizer=opt, epochs=150, track_accuracy=False)
    assert history.accuracy == [None] * 150
    assert history.loss[-1] < 0.01 < 0.2 < history.loss[0]  # noise variance is 0.0025


def test_three_spirals_with_softmax_and_minibatches():
    X, y = make_spirals(20, classes=3, noise=0.05, seed=0)
    model = MLP(2, [16, 16, 3], init="he_uniform", seed=0)
    opt = Adam(model.parameters(), lr=0.02)
    loss = "softmax_cross_entropy"
    history = fit(model, X, y, loss=loss, optimizer=opt, epochs=40, batch_size=20)
    assert history.loss[-1] < 0.25 * history.loss[0]
    assert _final_accuracy(model, X, y) >= 0.9


def test_one_full_batch_step_is_gradient_descent_on_the_loss():
    X, y = make_xor()
    a, b = MLP(2, [3, 1], seed=4), MLP(2, [3, 1], seed=4)
    fit(a, X, y, loss="mse", optimizer=SGD(a.parameters(), lr=0.5), epochs=1, track_accuracy=False)
    loss = mse([b(row) for row in X.tolist()], y.tolist())
    loss.backward()
    expected = [p.data - 0.5 * p.grad for p in b.parameters()]
    assert [p.data for p in a.parameters()] == expected


class _InterruptingSGD(SGD):
    """Raises KeyboardInterrupt in step number `at`, after writing the parameters."""

    def __init__(self, params, at):
        super().__init__(params, lr=0.1, momentum=0.9)
        self.at = at

    def commit(self, state):
        if self.steps + 1 == self.at:
            raise KeyboardInterrupt
        super().commit(state)


def test_an_interrupted_fit_keeps_the_last_finished_step(capsys):
    X, y = make_moons(20, seed=1)
    reference = MLP(2, [4, 1], seed=3)
    fit(
        reference,
        X,
        2 * y - 1,
        optimizer=SGD(reference.parameters(), lr=0.1, momentum=0.9),
        epochs=2,
    )
    model = MLP(2, [4, 1], seed=3)
    opt = _InterruptingSGD(model.parameters(), at=3)
    history = fit(model, X, 2 * y - 1, optimizer=opt, epochs=10)
    assert history.interrupted and len(history.loss) == 2
    assert [p.data for p in model.parameters()] == [p.data for p in reference.parameters()]
    assert opt.steps == 2
    assert "interrupted after 2 epochs" in capsys.readouterr().err


def test_progress_bar_draws_only_on_a_terminal_or_when_asked():
    class Terminal(io.StringIO):
        def isatty(self):
            return True

    quiet = io.StringIO()
    ProgressBar(10, stream=quiet).update(5, "loss 1")
    assert quiet.getvalue() == ""
    term = Terminal()
    bar = ProgressBar(10, stream=term)
    bar.update(5, "loss 0.5000", width=10)
    bar.close()
    assert term.getvalue() == "\repoch 5/10 [#####.....] loss 0.5000\n"
    off = Terminal()
    ProgressBar(10, enabled=False, stream=off).update(1)
    assert off.getvalue() == ""


def test_fit_checks_its_arguments():
    X, y = make_xor()
    model = MLP(2, [2, 1], seed=0)
    with pytest.raises(ValueError, match="unknown loss 'hinj'"):
        fit(model, X, y, loss="hinj")
    with pytest.raises(ValueError, match="epochs must be a positive integer"):
        fit(model, X, y, epochs=0)
    with pytest.raises(ValueError, match=r"X must be \(n, d\) and y \(n,\)"):
        fit(model, X, y[:3])
    with pytest.raises(ValueError, match="MLP expects 2 inputs, got 3"):
        fit(model, [[1.0, 2.0, 3.0]], [1])
