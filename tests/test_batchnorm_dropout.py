"""BatchNormalization and Dropout: worked values and properties (chapter 6.3-6.4).

The gradient checks of both layers are in the common layer suite, tests/test_layers.py.
"""

from __future__ import annotations

import numpy as np
import pytest

from nnbook.layers import BatchNormalization, Dropout
from nnbook.layers._batchnorm import EPS


def test_batchnorm_worked_example():
    bn = BatchNormalization(np.ones(2), np.zeros(2))
    x = np.array([[1.0, 2.0], [3.0, 6.0], [5.0, 10.0]])
    assert bn.forward(x).tolist() == [
        [-1.2247446417519903, -1.2247448139816772],
        [0.0, 0.0],
        [1.2247446417519903, 1.2247448139816772],
    ]
    bn.backward(np.array([[1.0, 0.0], [0.0, 1.0], [2.0, -1.0]]))
    assert bn.grads["gamma"].tolist() == [1.2247446417519903, -1.2247448139816772]
    assert bn.grads["beta"].tolist() == [3.0, 0.0]
    assert bn.dgamma is bn.grads["gamma"] and bn.dbeta is bn.grads["beta"]


def test_epsilon_is_the_books_10e_minus_7():
    # A feature whose batch variance is 1e-6, the same as the book's epsilon 10e-7:
    # normalised by sqrt(var + eps) = sqrt(2e-6) it becomes +-1/sqrt(2), not +-1.
    bn = BatchNormalization(np.ones(1), np.zeros(1))
    y = bn.forward(np.array([[0.0], [2e-3]]))
    np.testing.assert_allclose(y.ravel(), [-(0.5**0.5), 0.5**0.5], rtol=1e-9)
    assert EPS == 1e-6


@pytest.mark.parametrize("shape", [(64, 7), (16, 2, 3, 3)])
def test_training_output_has_zero_mean_unit_variance_per_feature(shape):
    rng = np.random.default_rng(0)
    x = 5.0 + 3.0 * rng.standard_normal(shape)
    d = int(np.prod(shape[1:]))
    bn = BatchNormalization(np.ones(d), np.zeros(d))
    y = bn.forward(x).reshape(shape[0], -1)
    np.testing.assert_allclose(y.mean(axis=0), 0.0, atol=1e-12)
    # The variance is 1 up to the epsilon: var / (var + eps).
    var = x.reshape(shape[0], -1).var(axis=0)
    np.testing.assert_allclose(y.var(axis=0), var / (var + EPS), rtol=1e-12)
    np.testing.assert_allclose(y.var(axis=0), 1.0, rtol=1e-6)


def test_gamma_and_beta_scale_and_shift():
    rng = np.random.default_rng(1)
    x = rng.standard_normal((32, 3))
    gamma, beta = np.array([2.0, 0.5, -1.0]), np.array([1.0, -3.0, 0.0])
    y = BatchNormalization(gamma, beta).forward(x)
    np.testing.assert_allclose(y.mean(axis=0), beta, atol=1e-12)
    np.testing.assert_allclose(y.std(axis=0), np.abs(gamma), rtol=1e-5)


def test_eval_mode_uses_running_statistics():
    rng = np.random.default_rng(2)
    gamma, beta = rng.standard_normal(4), rng.standard_normal(4)
    bn = BatchNormalization(gamma, beta, momentum=0.8)
    mean, var = np.zeros(4), np.zeros(4)
    for _ in range(5):
        x = 2.0 + rng.standard_normal((10, 4))
        bn.forward(x, train_flg=True)
        mean = 0.8 * mean + 0.2 * x.mean(axis=0)
        var = 0.8 * var + 0.2 * x.var(axis=0)
    np.testing.assert_allclose(bn.running_mean, mean, rtol=1e-12)
    np.testing.assert_allclose(bn.running_var, var, rtol=1e-12)

    x_test = rng.standard_normal((3, 4))
    expected = gamma * (x_test - mean) / np.sqrt(var + EPS) + beta
    np.testing.assert_allclose(bn.forward(x_test, train_flg=False), expected, rtol=1e-12)
    # Inference neither uses nor changes the batch statistics.
    np.testing.assert_allclose(bn.running_mean, mean, rtol=1e-12)
    np.testing.assert_allclose(
        bn.forward(x_test[:1], train_flg=False), expected[:1], rtol=1e-12
    )


def test_given_running_statistics_are_used():
    bn = BatchNormalization(
        np.ones(2),
        np.zeros(2),
        running_mean=np.array([1.0, 2.0]),
        running_var=np.array([4.0, 1.0]),
    )
    y = bn.forward(np.array([[3.0, 2.0]]), train_flg=False)
    np.testing.assert_allclose(y, [[2.0 / np.sqrt(4.0 + EPS), 0.0]])


def test_batchnorm_shares_parameters_and_keeps_float32():
    gamma, beta = np.ones(3, np.float32), np.zeros(3, np.float32)
    bn = BatchNormalization(gamma, beta)
    assert bn.params["gamma"] is gamma and bn.gamma is gamma and bn.beta is beta
    x = np.random.default_rng(3).standard_normal((8, 3)).astype(np.float32)
    assert bn.forward(x).dtype == np.float32
    assert bn.forward(x, train_flg=False).dtype == np.float32
    assert bn.backward(np.ones_like(x)).dtype == np.float32
    assert bn.running_mean.dtype == np.float32


def test_batchnorm_rejects_mismatched_features():
    bn = BatchNormalization(np.ones(3), np.zeros(3))
    with pytest.raises(ValueError, match="C\\*H\\*W"):
        bn.forward(np.ones((4, 2, 2, 2)))
    with pytest.raises(ValueError, match="same shape"):
        BatchNormalization(np.ones(3), np.zeros(2))


# Dropout ----------------------------------------------------------------------------


def test_dropout_eval_scales_by_kept_fraction():
    x = np.random.default_rng(4).standard_normal((5, 6))
    layer = Dropout(0.3)
    np.testing.assert_allclose(layer.forward(x, train_flg=False), 0.7 * x, rtol=1e-15)
    np.testing.assert_allclose(layer.backward(np.ones_like(x)), 0.7, rtol=1e-15)


def test_dropout_training_drops_about_the_ratio_and_backward_uses_the_mask():
    layer = Dropout(0.2, rng=np.random.default_rng(5))
    x = np.ones((200, 100))
    y = layer.forward(x)
    assert 0.19 < 1.0 - y.mean() < 0.21
    np.testing.assert_array_equal(y, layer.mask)
    dout = np.random.default_rng(6).standard_normal(x.shape)
    np.testing.assert_array_equal(layer.backward(dout), dout * layer.mask)
    # The expectation in training equals the inference output.
    assert abs(y.mean() - layer.forward(x, train_flg=False).mean()) < 0.01


def test_dropout_is_reproducible_with_a_seed_and_fresh_each_step():
    x = np.ones((4, 10))
    a, b = Dropout(rng=7), Dropout(rng=7)
    first = a.forward(x)
    np.testing.assert_array_equal(first, b.forward(x))
    assert not np.array_equal(first, a.forward(x))


def test_dropout_keeps_dtype_and_rejects_bad_ratio():
    x = np.ones((3, 3), np.float32)
    layer = Dropout(0.5, rng=0)
    assert layer.forward(x).dtype == np.float32
    assert layer.forward(x, train_flg=False).dtype == np.float32
    for ratio in (-0.1, 1.0):
        with pytest.raises(ValueError, match="dropout_ratio"):
            Dropout(ratio)
