"""fit: XOR and moons reach 100% with a fixed seed; Ctrl-C keeps the last finished step."""

import io
import os
import re
import signal
import sys
import typing

import pytest

from micrograd_nndl import (
    MLP,
    SGD,
    Adam,
    DomainError,
    NumericOverflowError,
    Value,
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
    with pytest.raises(ValueError, match="fit: epochs must be an integer >= 1"):
        fit(model, X, y, epochs=0)
    with pytest.raises(ValueError, match=r"X must be \(n, d\) and y \(n,\)"):
        fit(model, X, y[:3])
    with pytest.raises(ValueError, match="MLP expects 2 inputs, got 3"):
        fit(model, [[1.0, 2.0, 3.0]], [1])


def _accuracy_at(model, X, y, threshold):
    with no_grad():
        return accuracy([model(row) for row in X.tolist()], y.tolist(), threshold)


def test_a_probability_output_is_scored_at_one_half():
    X, y = make_moons(100, noise=0.1, seed=0)
    model = MLP(2, [8, 1], output_activation="sigmoid", seed=0)
    opt = Adam(model.parameters(), lr=0.05)
    history = fit(model, X, y, loss="mse", optimizer=opt, epochs=30, progress=False)
    after = _accuracy_at(model, X, y, 0.5)
    assert after > 0.8 and abs(history.accuracy[-1] - after) <= 0.1  # last epoch's outputs
    assert history.threshold == 0.5


@pytest.mark.parametrize(
    "loss, output, labels, threshold",
    [
        ("mse", None, "01", 0.5),  # mse regresses to the targets: halfway between them
        ("mse", None, "pm1", 0.0),
        ("mse", "tanh", "pm1", 0.0),
        ("binary_cross_entropy", "sigmoid", "01", 0.5),
        ("binary_cross_entropy_with_logits", None, "01", 0.0),
        ("hinge", None, "pm1", 0.0),
        (lambda out, y: mse(out, y), "sigmoid", "01", 0.5),  # a custom loss: by the output
        (lambda out, y: mse(out, y), None, "01", 0.0),
    ],
)
def test_the_threshold_follows_the_loss_and_the_output(loss, output, labels, threshold):
    X, y = make_xor()
    y = y if labels == "01" else 2 * y - 1
    model = MLP(2, [3, 1], output_activation=output, seed=0)
    history = fit(model, X, y, loss=loss, epochs=1, progress=False)
    assert history.threshold == threshold
    before = MLP(2, [3, 1], output_activation=output, seed=0)  # the outputs epoch 1 scored
    assert history.accuracy == [_accuracy_at(before, X, y, threshold)]


def test_the_caller_can_choose_the_threshold():
    X, y = make_xor()
    history = fit(MLP(2, [3, 1], seed=0), X, y, loss="mse", epochs=1, threshold=-100.0)
    assert history.threshold == -100.0 and history.accuracy == [0.5]  # every output is class 1


def test_a_regression_reports_no_accuracy():
    X, y = make_regression_1d(20, seed=0)
    model = MLP(1, [4, 1], seed=0)
    history = fit(model, X, y, loss="mse", epochs=3, progress=False)
    assert history.accuracy == [None] * 3 and history.threshold is None
    X, y = make_spirals(10, classes=3, seed=0)  # one output against labels 0, 1, 2: regression
    history = fit(MLP(2, [4, 1], seed=0), X, y, loss="mse", epochs=2, progress=False)
    assert history.accuracy == [None] * 2 and history.threshold is None
    history = fit(MLP(2, [4, 3], seed=0), X, y, loss="softmax_cross_entropy", epochs=2)
    assert all(0.0 <= a <= 1.0 for a in history.accuracy) and history.threshold is None


@pytest.mark.parametrize(
    "where, value, message",
    [
        ((5, 1), float("nan"), r"X\[5, 1\] is nan \(sample 5, column 1\)"),
        ((0, 0), float("inf"), r"X\[0, 0\] is inf \(sample 0, column 0\)"),
        (7, float("nan"), r"y\[7\] is nan \(sample 7\)"),
    ],
)
def test_non_finite_data_is_refused_before_training_naming_the_sample(where, value, message):
    X, y = make_moons(20, seed=0)
    X, y = X.copy(), y.astype(float)
    (X if isinstance(where, tuple) else y)[where] = value
    model = MLP(2, [3, 1], seed=0)
    before = [p.data for p in model.parameters()]
    with pytest.raises(ValueError, match=message):
        fit(model, X, y, loss="mse", progress=False)
    assert [p.data for p in model.parameters()] == before


def test_a_diverging_fit_names_the_epoch_and_keeps_the_last_finished_step():
    X, y = make_moons(40, noise=0.1, seed=0)

    def train(model, epochs):
        opt = SGD(model.parameters(), lr=100.0)  # far too high: the weights blow up
        fit(model, X, 2 * y - 1, loss="mse", optimizer=opt, epochs=epochs, progress=False)

    diverged = MLP(2, [8, 1], seed=0)
    with pytest.raises(NumericOverflowError, match="lower the learning rate") as failure:
        train(diverged, 60)
    message = str(failure.value)
    epoch = int(re.search(r"^fit: epoch (\d+)/60, step \1: ", message).group(1))
    assert epoch > 2 and "(now 100)" in message
    assert isinstance(failure.value.__cause__, NumericOverflowError)
    reference = MLP(2, [8, 1], seed=0)
    train(reference, epoch - 1)  # every step before the one that overflowed
    assert [p.data for p in diverged.parameters()] == [p.data for p in reference.parameters()]


class _HalfWritingSGD(SGD):
    """Writes the new parameters, then fails in step number `at` (a faulty optimiser)."""

    def __init__(self, params, at):
        super().__init__(params, lr=0.1)
        self.at = at

    def commit(self, state):
        if self.steps + 1 == self.at:
            raise OverflowError("moment overflow")
        super().commit(state)


def test_a_step_that_fails_half_way_is_undone():
    X, y = make_xor()
    reference = MLP(2, [3, 1], seed=2)
    fit(reference, X, y, loss="mse", optimizer=SGD(reference.parameters(), lr=0.1), epochs=2)
    model = MLP(2, [3, 1], seed=2)
    with pytest.raises(OverflowError, match="^moment overflow") as failure:
        fit(model, X, y, loss="mse", optimizer=_HalfWritingSGD(model.parameters(), 3), epochs=5)
    _assert_noted(failure.value, "fit: raised in epoch 3/5, step 3; the model keeps")
    assert [p.data for p in model.parameters()] == [p.data for p in reference.parameters()]


def _assert_noted(error, note):
    """The note fit adds to an exception that is not its own (Python 3.11 has notes)."""
    if sys.version_info >= (3, 11):
        assert any(n.startswith(note) for n in error.__notes__), error.__notes__


def _raising_at(call, error):
    """A loss that is mse until its `call`-th call, which raises `error` (the user's own)."""
    calls = []

    def loss(outputs, targets):
        calls.append(1)
        if len(calls) == call:
            raise error
        return mse(outputs, targets)

    return loss


def test_a_users_own_error_reaches_them_as_theirs_naming_epoch_and_step():
    """A ZeroDivisionError of the loss was told as "the initial model overflows on this data:
    scale the inputs X"."""
    X, y = make_xor()
    error = ZeroDivisionError("my loss divided by zero")
    model = MLP(2, [3, 1], seed=2)
    with pytest.raises(ZeroDivisionError) as failure:
        fit(model, X, y, loss=_raising_at(1, error), epochs=5, progress=False)
    assert failure.value is error and "overflow" not in str(error)
    _assert_noted(error, "fit: raised in epoch 1/5, step 1;")
    assert [p.data for p in model.parameters()] == _data(MLP(2, [3, 1], seed=2))


@pytest.mark.parametrize("kind", [AttributeError, KeyError, RecursionError, OverflowError])
def test_an_error_of_the_loss_mid_training_is_its_own_after_the_last_finished_step(kind):
    X, y = make_xor()
    reference = MLP(2, [3, 1], seed=2)
    fit(reference, X, y, loss="mse", epochs=2, batch_size=2, progress=False)  # 4 steps
    model = MLP(2, [3, 1], seed=2)
    error = kind("the user's")
    with pytest.raises(kind) as failure:
        fit(model, X, y, loss=_raising_at(5, error), epochs=5, batch_size=2, progress=False)
    assert failure.value is error
    _assert_noted(error, "fit: raised in epoch 3/5, step 5;")
    assert _data(model) == _data(reference)


def _data(model):
    return [p.data for p in model.parameters()]


@pytest.mark.parametrize("compiled", [False, True])
@pytest.mark.parametrize(
    "loss, error, message",
    [
        (lambda o, t: mse(o, t).data, TypeError, "returned float [0-9.]+, not a Value"),
        (lambda o, t: Value(mse(o, t).data), ValueError, "does not depend on any parameter"),
        (lambda o, t: no_grad()(mse)(o, t), ValueError, "does not depend on any parameter"),
    ],
    ids=["float", "detached", "no_grad"],
)
def test_a_loss_training_cannot_descend_is_refused_before_training(loss, error, message, compiled):
    """A float loss failed with "'float' object has no attribute 'backward'"; a detached one
    trained every epoch at a constant loss without a word."""
    X, y = make_xor()
    model = MLP(2, [3, 1], seed=0, activation="tanh")
    before = _data(model)
    with pytest.raises(error, match=f"fit(\\(compiled=True\\))?: the loss.*{message}"):
        fit(model, X, y * 0 + 0.5, loss=loss, epochs=3, progress=False, compiled=compiled)
    assert _data(model) == before


def test_a_loss_that_stops_being_a_value_mid_training_is_named():
    X, y = make_xor()
    calls = []

    def loss(outputs, targets):
        calls.append(1)
        return mse(outputs, targets) if len(calls) < 3 else 0.0

    with pytest.raises(TypeError, match="returned float 0.0, not a Value") as failure:
        fit(MLP(2, [3, 1], seed=0), X, y, loss=loss, epochs=5, progress=False)
    _assert_noted(failure.value, "fit: raised in epoch 3/5, step 3;")


def test_a_domain_error_before_the_first_update_does_not_blame_overflow():
    X, y = make_xor()
    with pytest.raises(DomainError, match="step 1: .*before the first update") as failure:
        fit(MLP(2, [3, 1], seed=0), X, y, loss=lambda o, t: (mse(o, t) - 5).log(), epochs=2)
    assert "overflow" not in str(failure.value) and failure.value.op is not None


def test_an_overflow_before_any_update_points_at_the_data():
    X, y = make_xor()
    with pytest.raises(NumericOverflowError, match="step 1: .*before the first update.*scale"):
        fit(MLP(2, [3, 1], seed=0), X * 1e307, y, loss="mse", progress=False)


def test_progress_bar_init_is_fully_annotated():
    hints = typing.get_type_hints(ProgressBar.__init__)
    assert set(hints) == {"total", "enabled", "stream", "return"}


@pytest.mark.parametrize(
    "options, error, message",
    [
        ({"l2": -1e-4}, ValueError, "fit: l2 must be a finite number >= 0, got -0.0001"),
        ({"l2": float("nan")}, ValueError, "fit: l2 must be a finite number >= 0, got nan"),
        (
            {"threshold": float("nan")},
            ValueError,
            "fit: threshold must be a finite number, got nan",
        ),
        ({"threshold": "0.5"}, TypeError, r"fit: threshold must be a finite number, got '0.5'"),
        ({"epochs": 0}, ValueError, "fit: epochs must be an integer >= 1, got 0"),
        ({"epochs": 2.5}, ValueError, "fit: epochs must be an integer >= 1, got 2.5"),
        ({"epochs": True}, TypeError, "fit: epochs must be an integer >= 1, got True"),
        ({"batch_size": 0}, ValueError, "fit: batch_size must be an integer >= 1, got 0"),
        ({"batch_size": 1.5}, ValueError, "fit: batch_size must be an integer >= 1, got 1.5"),
        # the seed: "x" raised a raw TypeError ("can only concatenate str"), nan and 2.5 were
        # taken, and -1 failed in numpy at the first shuffle
        ({"seed": "x"}, TypeError, r"fit: seed must be an integer >= 0, got 'x' \(str\)"),
        ({"seed": float("nan")}, ValueError, "fit: seed must be an integer >= 0, got nan"),
        ({"seed": -1, "batch_size": 2}, ValueError, "fit: seed must be an integer >= 0, got -1"),
    ],
)
def test_fits_numeric_options_are_checked_before_training(options, error, message):
    """l2 < 0 (the regulariser rewarding large weights) and threshold=nan (every output class
    0) were accepted."""
    X, y = make_xor()
    model = MLP(2, [2, 1], seed=0)
    before = [p.data for p in model.parameters()]
    with pytest.raises(error, match=message):
        fit(model, X, y, **options)
    assert [p.data for p in model.parameters()] == before


@pytest.mark.skipif(not hasattr(signal, "SIGINT") or os.name != "posix", reason="SIGINT")
def test_a_second_ctrl_c_while_fit_cleans_up_is_ignored(monkeypatch, capsys):
    """A second Ctrl-C while fit closed its progress bar and printed its message raised a
    KeyboardInterrupt out of the except clause: a traceback."""
    X, y = make_moons(20, seed=1)
    model = MLP(2, [4, 1], seed=3)
    second = []

    def close(self):
        os.kill(os.getpid(), signal.SIGINT)  # the user presses Ctrl-C again, now
        second.append(True)

    monkeypatch.setattr(ProgressBar, "close", close)
    history = fit(model, X, 2 * y - 1, optimizer=_InterruptingSGD(model.parameters(), 3), epochs=9)
    assert second and history.interrupted and len(history.loss) == 2
    assert "interrupted after 2 epochs" in capsys.readouterr().err
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # as it was before
