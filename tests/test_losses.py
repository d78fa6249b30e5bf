"""Each loss against values and gradients computed by hand, and the stable forms at extremes."""

import math

import pytest

from micrograd_nndl import (
    Value,
    accuracy,
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    gradcheck,
    hinge,
    mse,
    softmax_cross_entropy,
)


def test_mse_by_hand():
    a, b = Value(3.0), Value(-1.0)
    loss = mse([a, [b]], [1.0, 1.0])  # ((3−1)² + (−1−1)²)/2 = 4
    assert loss.data == 4.0
    loss.backward()
    assert (a.grad, b.grad) == (2.0, -2.0)  # ∂/∂ŷ = 2(ŷ − y)/N


def test_hinge_is_micrographs_max_margin():
    s = [Value(0.5), Value(2.0), Value(-0.25)]
    loss = hinge(s, [1, 1, 1])  # (0.5 + 0 + 1.25) / 3
    assert loss.data == pytest.approx(1.75 / 3, abs=1e-15)
    loss.backward()
    assert [v.grad for v in s] == pytest.approx([-1 / 3, 0.0, -1 / 3])
    with pytest.raises(ValueError, match=r"target 0 is 0, expected one of \(-1, 1\).*2\*y - 1"):
        hinge([Value(1.0)], [0])


def test_binary_cross_entropy_by_hand():
    p = [Value(0.8), Value(0.4)]
    loss = binary_cross_entropy(p, [1, 0])
    assert loss.data == pytest.approx(-(math.log(0.8) + math.log(0.6)) / 2, abs=1e-15)
    loss.backward()
    assert [v.grad for v in p] == pytest.approx([-1 / 0.8 / 2, 1 / 0.6 / 2])
    with pytest.raises(ValueError, match="probability 0 is 1.0, outside"):
        binary_cross_entropy([Value(1.0)], [1])
    with pytest.raises(ValueError, match="target 0 is -1"):
        binary_cross_entropy([Value(0.5)], [-1])


def test_bce_with_logits_equals_bce_of_sigmoid_and_has_gradient_sigma_minus_y():
    zs = [0.3, -1.7, 2.2]
    ys = [1, 0, 0]
    logits = [Value(z) for z in zs]
    loss = binary_cross_entropy_with_logits(logits, ys)
    probs = binary_cross_entropy([Value(z).sigmoid() for z in zs], ys)
    assert loss.data == pytest.approx(probs.data, rel=1e-12)
    loss.backward()
    sigma = [1 / (1 + math.exp(-z)) for z in zs]
    assert [v.grad for v in logits] == pytest.approx([(s - y) / 3 for s, y in zip(sigma, ys)])


def test_bce_with_logits_is_stable_at_extremes():
    loss = binary_cross_entropy_with_logits([Value(1000.0), Value(-1000.0)], [0, 1])
    assert loss.data == 1000.0  # each term is |z|: no overflow, no nan
    assert binary_cross_entropy_with_logits([Value(800.0)], [1]).data == 0.0


def test_softmax_cross_entropy_by_hand():
    z = [Value(1.0), Value(2.0), Value(3.0)]
    loss = softmax_cross_entropy([z], [2])
    e = [math.exp(t) for t in (1.0, 2.0, 3.0)]
    assert loss.data == pytest.approx(-math.log(e[2] / sum(e)), rel=1e-14)
    loss.backward()
    softmax = [t / sum(e) for t in e]
    assert [v.grad for v in z] == pytest.approx([softmax[0], softmax[1], softmax[2] - 1])


def test_softmax_cross_entropy_is_stable_and_shift_invariant():
    big = softmax_cross_entropy([[Value(1000.0), Value(1001.0)]], [1])
    small = softmax_cross_entropy([[Value(0.0), Value(1.0)]], [1])
    assert big.data == pytest.approx(small.data, rel=1e-12)
    assert gradcheck(lambda a, b, c: softmax_cross_entropy([[a, b, c]], [0]), [0.2, -1.0, 3.0])
    with pytest.raises(ValueError, match="label 0 is 3, expected a class index 0..2"):
        softmax_cross_entropy([[Value(0.0), Value(1.0), Value(2.0)]], [3])


def test_losses_check_their_inputs():
    with pytest.raises(ValueError, match="2 outputs but 1 targets"):
        mse([Value(1.0), Value(2.0)], [1.0])
    with pytest.raises(ValueError, match="no samples"):
        mse([], [])
    with pytest.raises(ValueError, match="sample 0 has 2 outputs, expected one scalar"):
        hinge([[Value(1.0), Value(2.0)]], [1])


def test_accuracy():
    assert accuracy([Value(0.5), [Value(-2.0)], 3.0, -1.0], [1, -1, -1, -1]) == 0.75
    assert accuracy([0.7, 0.2], [1, 0], threshold=0.5) == 1.0
    assert accuracy([[0.1, 0.9, 0.0], [2.0, 1.0, 0.0]], [1, 2]) == 0.5


def test_plain_numbers_are_outputs_too():
    # a float probability, score or output is a constant: the loss is computed, not refused
    assert binary_cross_entropy([0.5], [1]).data == pytest.approx(math.log(2))
    assert hinge([0.5], [1]).data == 0.5
    assert mse([0.5], [1.0]).data == 0.25
