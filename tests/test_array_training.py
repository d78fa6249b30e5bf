"""fit(compiled=True) with the parameters in arrays trains to eager fit's numbers: losses, every
parameter and the optimiser's state, interrupted or not; a second fit does not trace again."""

import gc
import importlib
import weakref

import numpy as np
import pytest

from micrograd_nndl import MLP, SGD, Adam, fit, linear_decay, load_digits, make_moons
from micrograd_nndl.array_training import ArrayTraining, keeps_arrays
from micrograd_nndl.compiled_loss import compiled_loss
from micrograd_nndl.losses import hinge
from micrograd_nndl.optim import Optimizer

# the module, not the function `compile` the package exports under its name
compiled_module = importlib.import_module("micrograd_nndl.compile.compiled")


def _state(opt):
    return opt.state_arrays(), opt.steps


def _run(compiled, make_opt, loss="hinge", l2=0.0, epochs=5, batch_size=None, sizes=(8, 8, 1)):
    X, y = make_moons(40, noise=0.1, seed=3)
    if loss == "hinge":
        y = 2 * y - 1
    model = MLP(2, list(sizes), seed=0)
    opt = make_opt(model.parameters())
    history = fit(model, X, y, loss, opt, epochs, batch_size, l2, progress=False, compiled=compiled)
    return history, model, opt


def _assert_same(eager, arrays):
    (h0, m0, o0), (h1, m1, o1) = eager, arrays
    np.testing.assert_allclose(h1.loss, h0.loss, rtol=1e-9, atol=1e-12)
    assert h1.accuracy == h0.accuracy and h1.interrupted == h0.interrupted
    a, b = ([p.data for p in m.parameters()] for m in (m0, m1))
    np.testing.assert_allclose(b, a, rtol=1e-9, atol=1e-12)
    (s0, n0), (s1, n1) = _state(o0), _state(o1)
    assert n1 == n0
    for x0, x1 in zip(s0, s1):
        np.testing.assert_allclose(x1, x0, rtol=1e-9, atol=1e-12)


OPTIMISERS = {
    "sgd": lambda p: SGD(p, lr=0.1),
    "momentum, weight decay, schedule": lambda p: SGD(
        p, lr=0.1, momentum=0.9, weight_decay=1e-3, schedule=linear_decay(0.2, 0.02, 7)
    ),
    "adam": lambda p: Adam(p, lr=0.02),
    "adam, weight decay, schedule": lambda p: Adam(
        p, lr=0.02, betas=(0.8, 0.99), weight_decay=1e-3, schedule=lambda t: 0.03 / (1 + t)
    ),
}


@pytest.mark.parametrize("name", OPTIMISERS)
@pytest.mark.parametrize("l2, batch_size", [(0.0, None), (1e-3, 16)])
def test_array_fit_equals_eager_fit(name, l2, batch_size):
    runs = [_run(c, OPTIMISERS[name], l2=l2, batch_size=batch_size) for c in (False, True)]
    assert keeps_arrays(runs[1][2])
    _assert_same(*runs)


def test_the_micrograd_demo_run_of_100_steps():
    """MLP(2, [16, 16, 1]) on 100 moons, hinge + 1e-4·Σθ², SGD with lr 1.0 → 0.1: every
    parameter after 100 full-batch steps within 1e-9 of eager's."""
    X, y = make_moons(100, noise=0.1, seed=1)
    runs = []
    for compiled in (False, True):
        model = MLP(2, [16, 16, 1], seed=0)
        opt = SGD(model.parameters(), lr=1.0, schedule=linear_decay(1.0, 0.1, 100))
        h = fit(model, X, 2 * y - 1, "hinge", opt, 100, l2=1e-4, progress=False, compiled=compiled)
        runs.append((h, model, opt))
    assert runs[1][0].accuracy[-1] == runs[0][0].accuracy[-1] > 0.9
    _assert_same(*runs)


def test_softmax_on_digits_equals_eager():
    data = load_digits(test_size=0.5, seed=0)
    X, y = data.X_train[:120], data.y_train[:120]
    runs = []
    for compiled in (False, True):
        model = MLP(64, [12, 10], init="he_uniform", seed=0)
        opt = Adam(model.parameters(), lr=0.01)
        h = fit(model, X, y, "softmax_cross_entropy", opt, 3, 40, 1e-4, False, compiled=compiled)
        runs.append((h, model, opt))
    _assert_same(*runs)


def _stopping_schedule(k):
    """lr 0.1, and Ctrl-C when step k asks for its rate: k steps finished, none half-done."""

    def schedule(t):
        if t == k:
            raise KeyboardInterrupt
        return 0.1

    return schedule


@pytest.mark.parametrize("k", [0, 1, 6])
def test_interrupted_at_step_k_keeps_the_k_finished_steps(k):
    make = lambda p: SGD(p, lr=0.1, momentum=0.9, schedule=_stopping_schedule(k))  # noqa: E731
    runs = [_run(c, make, batch_size=10, epochs=4) for c in (False, True)]
    assert runs[1][0].interrupted and runs[1][2].steps == k
    _assert_same(*runs)
    if k == 0:  # nothing finished: the model as built
        untouched = MLP(2, [8, 8, 1], seed=0)
        assert [p.data for p in runs[1][1].parameters()] == [p.data for p in untouched.parameters()]


@pytest.mark.parametrize("opt_class", [SGD, Adam])
def test_interrupted_inside_the_update_keeps_the_step_before(monkeypatch, opt_class):
    """Ctrl-C inside the update of step 5 (its new numbers made, not yet adopted): eager and
    array fit both keep the parameters, moments and count of step 4."""
    original = opt_class.update_arrays

    def update_arrays(self, lr, x, g, state, step):
        out = original(self, lr, x, g, state, step)
        if step == 4:
            raise KeyboardInterrupt
        return out

    monkeypatch.setattr(opt_class, "update_arrays", update_arrays)
    make = lambda p: opt_class(p, lr=0.05)  # noqa: E731
    runs = [_run(c, make, batch_size=10, epochs=3) for c in (False, True)]
    assert runs[1][2].steps == 4 and runs[1][0].interrupted
    _assert_same(*runs)


def test_a_diverging_run_keeps_the_last_finished_step_as_eager():
    X, y = make_moons(20, noise=0.1, seed=3)
    kept, errors = [], []
    for compiled in (False, True):
        model = MLP(2, [8, 8, 1], seed=0)
        opt = SGD(model.parameters(), lr=1e6, momentum=0.9)
        with pytest.raises(ArithmeticError) as caught:
            fit(model, X * 1e3, y * 1e3, "mse", opt, 5, progress=False, compiled=compiled)
        errors.append(caught.value)
        kept.append(([p.data for p in model.parameters()], opt.steps, opt.velocity))
    assert type(errors[0]) is type(errors[1]) and kept[1][1] == kept[0][1] >= 1
    np.testing.assert_allclose(kept[1][0], kept[0][0], rtol=1e-9)
    np.testing.assert_allclose(kept[1][2], kept[0][2], rtol=1e-9)


def test_the_parameters_stay_in_arrays_until_written_back():
    X, y = make_moons(20, seed=0)
    model = MLP(2, [4, 1], seed=0)
    params = model.parameters()
    opt = SGD(params, lr=0.1, momentum=0.5)
    before = [p.data for p in params]
    run = ArrayTraining(compiled_loss(model, hinge, params, 0.0, [-1, 1]), opt)
    for _ in range(3):
        run.step(X, 2 * y - 1)
    assert [p.data for p in params] == before and opt.steps == 0  # the Values not touched
    stepped = run.parameters()
    run.write_back()
    assert [p.data for p in params] == stepped != before and opt.steps == 3

    twin = MLP(2, [4, 1], seed=0)  # the same three steps, eagerly
    fit(twin, X, 2 * y - 1, "hinge", SGD(twin.parameters(), 0.1, 0.5), 3, progress=False)
    np.testing.assert_allclose(stepped, [p.data for p in twin.parameters()], rtol=1e-9, atol=1e-12)


def test_a_second_fit_does_not_trace_again(monkeypatch):
    traced = []
    original = compiled_module.trace

    def counting_trace(*args, **kwargs):
        traced.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(compiled_module, "trace", counting_trace)
    X, y = make_moons(30, seed=2)
    model = MLP(2, [6, 1], seed=0)
    opt = SGD(model.parameters(), lr=0.1)
    fit(model, X, 2 * y - 1, "hinge", opt, 2, progress=False, compiled=True)
    first = len(traced)
    assert first >= 1
    fit(model, X, 2 * y - 1, "hinge", opt, 2, l2=1e-3, progress=False, compiled=True)
    assert len(traced) == first  # the same model and loss: the programs replayed
    fit(model, X, y, "mse", opt, 1, progress=False, compiled=True)
    assert len(traced) > first  # another loss: traced anew

    # the second fit trained on from the first, exactly as two eager fits do
    twin = MLP(2, [6, 1], seed=0)
    t_opt = SGD(twin.parameters(), lr=0.1)
    fit(twin, X, 2 * y - 1, "hinge", t_opt, 2, progress=False)
    fit(twin, X, 2 * y - 1, "hinge", t_opt, 2, l2=1e-3, progress=False)
    fit(twin, X, y, "mse", t_opt, 1, progress=False)
    a, b = ([p.data for p in m.parameters()] for m in (twin, model))
    np.testing.assert_allclose(b, a, rtol=1e-9, atol=1e-12)


class HalfStep(Optimizer):
    """An optimiser of the user's own, without an array form: θ ← θ − lr·g/2."""

    def update(self, lr, grads):
        return [p.data - lr * g / 2 for p, g in zip(self.params, grads)], None

    def commit(self, state):
        self.steps += 1


def test_an_optimiser_without_an_array_form_steps_the_values():
    make = lambda p: HalfStep(p, lr=0.2, schedule=None)  # noqa: E731
    runs = [_run(c, make, batch_size=20) for c in (False, True)]
    assert not keeps_arrays(runs[1][2])
    h0, m0, _ = runs[0]
    h1, m1, _ = runs[1]
    np.testing.assert_allclose(h1.loss, h0.loss, rtol=1e-9)
    a, b = ([p.data for p in m.parameters()] for m in (m0, m1))
    np.testing.assert_allclose(b, a, rtol=1e-9, atol=1e-12)


def test_an_optimiser_of_some_parameters_leaves_the_others_as_eager():
    """Only the output layer trained (the hidden one frozen): the frozen weights are read as
    they are, the others stepped, both as eager fit does."""
    make = lambda p: Adam(p[-9:], lr=0.05)  # noqa: E731  the output layer: 8 weights and b
    runs = [_run(c, make, batch_size=16, epochs=3) for c in (False, True)]
    _assert_same(*runs)
    frozen = MLP(2, [8, 8, 1], seed=0).parameters()[:-9]
    assert [p.data for p in runs[1][1].parameters()[:-9]] == [p.data for p in frozen]


def test_record_snapshots_read_the_arrays_as_eager_reads_the_values():
    """fit(record=True) snapshots the model and the optimiser between epochs: in arrays they
    are written back first, so each snapshot's parameters, gradients and moments are eager's."""
    X, y = make_moons(30, noise=0.1, seed=4)
    runs = []
    for compiled in (False, True):
        model = MLP(2, [6, 1], seed=0)
        opt = Adam(model.parameters(), lr=0.05)
        h = fit(model, X, 2 * y - 1, "hinge", opt, 4, 10, progress=False, compiled=compiled,
                record=True)  # fmt: skip
        runs.append(h.snapshots)
    assert [s.epoch for s in runs[1]] == [1, 2, 3, 4]
    for a, b in zip(*runs):
        np.testing.assert_allclose(b.params, a.params, rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(b.grads, a.grads, rtol=1e-9, atol=1e-12)
        for key in a.state:
            np.testing.assert_allclose(b.state[key], a.state[key], rtol=1e-9, atol=1e-12)


def test_the_kept_programs_do_not_keep_the_model_alive():
    X, y = make_moons(10, seed=0)
    model = MLP(2, [3, 1], seed=0)
    fit(model, X, 2 * y - 1, "hinge", epochs=1, progress=False, compiled=True)
    kept = weakref.ref(model)
    del model
    gc.collect()
    assert kept() is None
