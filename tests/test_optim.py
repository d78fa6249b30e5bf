"""SGD (momentum, weight decay), Adam and schedules against updates computed by hand."""

import math

import pytest

from micrograd_nndl import SGD, Adam, NonFiniteGradientError, Value, linear_decay


def _with_grads(values, grads):
    params = [Value(v) for v in values]
    for p, g in zip(params, grads):
        p.grad = g
    return params


def test_plain_sgd():
    p = _with_grads([1.0, -2.0], [0.5, -4.0])
    SGD(p, lr=0.1).step()
    assert [q.data for q in p] == [1.0 - 0.05, -2.0 + 0.4]


def test_sgd_momentum_two_steps():
    (p,) = _with_grads([1.0], [1.0])
    opt = SGD([p], lr=0.1, momentum=0.9)
    opt.step()  # v = 1,            θ = 1 − 0.1
    p.grad = 1.0
    opt.step()  # v = 0.9·1 + 1 = 1.9, θ = 0.9 − 0.19
    assert p.data == pytest.approx(0.71, abs=1e-15)
    assert opt.velocity == [pytest.approx(1.9)] and opt.steps == 2


def test_sgd_weight_decay_adds_lambda_theta():
    (p,) = _with_grads([2.0], [0.0])
    SGD([p], lr=0.5, weight_decay=0.1).step()  # g = 0 + 0.1·2 = 0.2
    assert p.data == pytest.approx(2.0 - 0.5 * 0.2)


def test_adam_first_step_moves_by_lr_times_sign():
    p = _with_grads([1.0, 1.0], [0.3, -20.0])
    Adam(p, lr=0.01).step()  # m̂ = g, v̂ = g²: the step is lr·g/(|g| + ε)
    assert p[0].data == pytest.approx(1.0 - 0.01, abs=1e-9)
    assert p[1].data == pytest.approx(1.0 + 0.01, abs=1e-9)


def test_adam_second_step_by_hand():
    (p,) = _with_grads([0.0], [1.0])
    opt = Adam([p], lr=0.1, betas=(0.9, 0.99), eps=1e-8)
    opt.step()
    p.grad = 3.0
    opt.step()
    m = 0.9 * 0.1 + 0.1 * 3.0
    v = 0.99 * 0.01 + 0.01 * 9.0
    m_hat, v_hat = m / (1 - 0.9**2), v / (1 - 0.99**2)
    first = -0.1 * 1.0 / (1.0 + 1e-8)  # m̂ = 1, √v̂ = 1
    assert p.data == pytest.approx(first - 0.1 * m_hat / (math.sqrt(v_hat) + 1e-8), rel=1e-12)


def test_zero_grad_and_linear_decay_schedule():
    (p,) = _with_grads([1.0], [2.0])
    opt = SGD([p], lr=1.0, schedule=linear_decay(1.0, 0.1, 100))
    assert opt.current_lr() == 1.0
    opt.step()
    assert p.data == -1.0
    assert opt.current_lr() == pytest.approx(1.0 - 0.9 / 100)  # micrograd's 1.0 − 0.9·k/100
    opt.zero_grad()
    assert p.grad == 0.0
    assert linear_decay(1.0, 0.1, 100)(500) == pytest.approx(0.1)


def test_a_non_finite_step_is_refused_and_changes_nothing():
    p = _with_grads([1.0, 1.0], [1.0, 1e308])
    opt = SGD(p, lr=1e10)
    with pytest.raises(NonFiniteGradientError, match="would become -inf.*lower the learning rate"):
        opt.step()
    assert [q.data for q in p] == [1.0, 1.0] and opt.steps == 0


def test_bad_settings():
    with pytest.raises(ValueError, match="SGD: lr must be a finite number > 0, got -1"):
        SGD([Value(1.0)], lr=-1)
    with pytest.raises(ValueError, match="momentum must be a finite number >= 0 and < 1, got 1.5"):
        SGD([Value(1.0)], momentum=1.5)
    with pytest.raises(ValueError, match="no parameters"):
        Adam([])
    with pytest.raises(TypeError, match="parameter 0 is not a Value"):
        SGD([1.0])


@pytest.mark.parametrize(
    "make, error, message",
    [
        (
            lambda p: Adam(p, eps=float("nan")),
            ValueError,
            "Adam: eps must be a finite number > 0, got nan",
        ),
        (lambda p: Adam(p, eps=0.0), ValueError, "Adam: eps must be a finite number > 0, got 0.0"),
        (lambda p: Adam(p, betas=(0.9, float("nan"))), ValueError, r"Adam: betas\[1\] must be"),
        (lambda p: Adam(p, betas=0.9), TypeError, r"betas must be a pair"),
        (
            lambda p: Adam(p, weight_decay=-1e-4),
            ValueError,
            "weight_decay must be a finite number >= 0",
        ),
        (
            lambda p: SGD(p, lr=float("nan")),
            ValueError,
            "SGD: lr must be a finite number > 0, got nan",
        ),
        (
            lambda p: SGD(p, lr="0.1"),
            TypeError,
            r"lr must be a finite number > 0, got '0.1' \(str\)",
        ),
        (lambda p: SGD(p, lr=True), TypeError, "got True"),
        (lambda p: SGD(p, weight_decay=float("nan")), ValueError, "weight_decay must be"),
        (lambda p: SGD(p, momentum=float("nan")), ValueError, "momentum must be"),
        (lambda p: SGD(p, schedule=0.1), TypeError, "schedule must be a function of the step"),
        (lambda p: linear_decay(1.0, float("nan"), 10), ValueError, "linear_decay: end must be"),
        (lambda p: linear_decay(-1.0, 0.1, 10), ValueError, "linear_decay: start must be"),
        (lambda p: linear_decay(1.0, 0.1, 2.5), ValueError, "steps must be an integer >= 1"),
    ],
)
def test_every_numeric_setting_is_checked_where_it_is_given(make, error, message):
    """Adam(eps=nan) and a nan weight decay were accepted: nan <= 0 is False."""
    with pytest.raises(error, match=message):
        make([Value(1.0, "w")])


@pytest.mark.parametrize("bad", [-0.1, float("nan"), float("inf"), "fast"])
def test_a_schedule_giving_a_bad_rate_fails_at_that_step_and_changes_nothing(bad):
    """A schedule returning a negative or nan rate made gradient ascent or nan parameters."""
    p = _with_grads([1.0], [0.5])
    opt = SGD(p, lr=0.1, schedule=lambda t: 0.1 if t < 2 else bad)
    opt.step()
    opt.step()
    before = [q.data for q in p]
    with pytest.raises(
        (ValueError, TypeError),
        match=r"SGD schedule\(2\): the learning rate must be a finite number >= 0",
    ):
        opt.step()
    assert [q.data for q in p] == before and opt.steps == 2
