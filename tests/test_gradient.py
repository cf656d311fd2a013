"""Numerical differentiation, gradient descent, gradient-check helpers (chapter 4)."""

from __future__ import annotations

import numpy as np
import pytest

from nnbook.gradient import (
    gradient_descent,
    numerical_diff,
    numerical_gradient,
)
from nnbook.gradient_check import (
    check_layer_gradient,
    relative_error,
)
from nnbook.layers import Affine, Relu, Sigmoid


def function_1(x):
    return 0.01 * x**2 + 0.1 * x


def function_2(x):
    return np.sum(x**2)


def test_numerical_diff_book_values():
    assert str(numerical_diff(function_1, 5)) == "0.1999999999990898"
    assert str(numerical_diff(function_1, 10)) == "0.2999999999986347"


@pytest.mark.parametrize(
    ("point", "expected"),
    [([3.0, 4.0], "[6. 8.]"), ([0.0, 2.0], "[0. 4.]"), ([3.0, 0.0], "[6. 0.]")],
)
def test_numerical_gradient_book_values(point, expected):
    assert str(numerical_gradient(function_2, np.array(point))) == expected


@pytest.mark.parametrize("shape", [(), (5,), (3, 4), (2, 3, 2, 2)])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_numerical_gradient_any_shape_restores_x_bit_for_bit(shape, dtype):
    rng = np.random.default_rng(0)
    x = rng.standard_normal(shape).astype(dtype)
    before = x.copy()
    grad = numerical_gradient(lambda z: float(np.sum(np.sin(z))), x)
    assert grad.shape == x.shape and grad.dtype == x.dtype
    assert x.tobytes() == before.tobytes()
    rtol = 1e-6 if dtype == np.float64 else 2e-2
    np.testing.assert_allclose(grad, np.cos(before), rtol=rtol, atol=rtol)


def test_numerical_gradient_restores_x_when_f_raises():
    x = np.array([1.0, 2.0])
    calls = []

    def f(z):
        calls.append(z.copy())
        if len(calls) == 2:
            raise ZeroDivisionError
        return 0.0

    with pytest.raises(ZeroDivisionError):
        numerical_gradient(f, x)
    np.testing.assert_array_equal(x, [1.0, 2.0])


def test_numerical_gradient_of_integer_input_works_on_a_float_copy():
    x = np.array([3, 4])
    assert str(numerical_gradient(function_2, x)) == "[6. 8.]"
    assert x.dtype.kind == "i"


def test_book_trick_lambda_ignoring_its_argument():
    """`lambda W: loss()` works because the probe writes into the shared array."""
    W = np.array([[1.0, 2.0], [3.0, 4.0]])
    x = np.array([1.0, -1.0])

    def loss():
        return float(np.sum((x @ W) ** 2))

    grad = numerical_gradient(lambda _: loss(), W)
    np.testing.assert_allclose(grad, 2 * np.outer(x, x @ W), rtol=1e-8)
    # A copy would not see the probe: the "gradient" would be zero.
    assert np.all(numerical_gradient(lambda _: loss(), W.copy()) == 0)


@pytest.mark.parametrize(
    ("lr", "expected"),
    [
        (0.1, "[-6.11110793e-10  8.14814391e-10]"),
        (10.0, "[-2.58983747e+13 -1.29524862e+12]"),
        (1e-10, "[-2.99999994  3.99999992]"),
    ],
)
def test_gradient_descent_book_values(lr, expected):
    init_x = np.array([-3.0, 4.0])
    result = gradient_descent(function_2, init_x, lr=lr, step_num=100)
    assert str(result) == expected
    np.testing.assert_array_equal(init_x, [-3.0, 4.0])


def test_gradient_descent_path_is_sgd_on_the_numerical_gradient():
    from nnbook.optimizers import SGD, optimizer_path

    init_x = np.array([-3.0, 4.0])
    path = optimizer_path(
        SGD(lr=0.1), lambda x: numerical_gradient(function_2, x), init_x, 20
    )
    assert path.shape == (21, 2)
    np.testing.assert_array_equal(path[0], init_x)
    np.testing.assert_allclose(path[1], 0.8 * init_x)
    assert np.all(np.diff(np.sum(path**2, axis=1)) < 0)
    assert str(path[-1]) == str(gradient_descent(function_2, init_x, lr=0.1, step_num=20))


def test_gradient_descent_integer_start():
    np.testing.assert_allclose(
        gradient_descent(function_2, [3, 4], lr=0.5, step_num=1), 0, atol=1e-8
    )


def test_numerical_gradient_refuses_float16():
    x = np.array([1.0, 2.0], dtype=np.float16)
    with pytest.raises(ValueError, match=r"needs float32 or float64, got float16"):
        numerical_gradient(function_2, x)
    np.testing.assert_array_equal(x, [1.0, 2.0])


def test_relative_error():
    assert relative_error([0.0], [0.0]) == 0.0
    assert relative_error([1.0, -1.0], [1.0, 1.0]) == 2.0
    with pytest.raises(ValueError, match="different shapes"):
        relative_error([1.0], [1.0, 2.0])


class _BrokenSigmoid(Sigmoid):
    """Forgets the factor (1 - y) in backward."""

    def backward(self, dout):
        (out,) = self._require("out")
        return dout * out


class _BrokenAffine(Affine):
    """Scales dW by 1.01: a small error the random projection still exposes."""

    def backward(self, dout):
        dx = super().backward(dout)
        self.grads["W"] = self.grads["W"] * 1.01
        return dx


@pytest.mark.parametrize("layer_cls", [Sigmoid, Relu])
def test_check_layer_gradient_passes_correct_layers(layer_cls):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((3, 4)) + 0.1
    errors = check_layer_gradient(layer_cls(), x, rng=rng)
    assert set(errors) == {"x"} and errors["x"] < 1e-8


def test_check_layer_gradient_catches_broken_layers():
    rng = np.random.default_rng(0)
    assert check_layer_gradient(_BrokenSigmoid(), rng.standard_normal((3, 4)))["x"] > 0.1
    layer = _BrokenAffine(rng.standard_normal((4, 2)), rng.standard_normal(2))
    errors = check_layer_gradient(layer, rng.standard_normal((3, 4)))
    assert errors["x"] < 1e-8 and errors["b"] < 1e-8 and errors["W"] > 1e-3


def test_check_layer_gradient_leaves_inputs_and_params_alone():
    rng = np.random.default_rng(0)
    W, b, x = (
        rng.standard_normal((4, 2)),
        rng.standard_normal(2),
        rng.standard_normal((3, 4)),
    )
    before = [a.tobytes() for a in (W, b, x)]
    check_layer_gradient(Affine(W, b), x)
    assert [a.tobytes() for a in (W, b, x)] == before
