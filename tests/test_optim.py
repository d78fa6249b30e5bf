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
    with pytest.raises(ValueError, match="lr must be a positive number"):
        SGD([Value(1.0)], lr=-1)
    with pytest.raises(ValueError, match="momentum must be in"):
        SGD([Value(1.0)], momentum=1.5)
    with pytest.raises(ValueError, match="no parameters"):
        Adam([])
    with pytest.raises(TypeError, match="parameter 0 is not a Value"):
        SGD([1.0])
