"""Loss functions of chapter 4: the book's values, batches, labels, dtypes, errors."""

from __future__ import annotations

import numpy as np
import pytest

from nnbook.losses import cross_entropy_error, sum_squared_error

T = np.array([0, 0, 1, 0, 0, 0, 0, 0, 0, 0])
Y_RIGHT = np.array([0.1, 0.05, 0.6, 0.0, 0.05, 0.1, 0.0, 0.1, 0.0, 0.0])
Y_WRONG = np.array([0.1, 0.05, 0.1, 0.0, 0.05, 0.1, 0.0, 0.6, 0.0, 0.0])


@pytest.mark.parametrize(
    ("loss", "y", "expected"),
    [
        (sum_squared_error, Y_RIGHT, "0.09750000000000003"),
        (sum_squared_error, Y_WRONG, "0.5975"),
        (cross_entropy_error, Y_RIGHT, "0.510825457099338"),
        (cross_entropy_error, Y_WRONG, "2.302584092994546"),
    ],
)
def test_book_values(loss, y, expected):
    assert str(loss(y, T)) == expected


@pytest.mark.parametrize("loss", [sum_squared_error, cross_entropy_error])
def test_label_equals_one_hot_and_single_equals_batch_of_one(loss):
    assert loss(Y_RIGHT, 2) == loss(Y_RIGHT, T)
    assert loss(Y_RIGHT[np.newaxis], T[np.newaxis]) == loss(Y_RIGHT, T)
    assert loss(Y_RIGHT[np.newaxis], np.array([2])) == loss(Y_RIGHT, T)


@pytest.mark.parametrize("loss", [sum_squared_error, cross_entropy_error])
def test_batch_is_mean_of_samples(loss):
    rng = np.random.default_rng(0)
    y = rng.dirichlet(np.ones(5), size=8)
    t = rng.integers(0, 5, 8)
    per_sample = [loss(y[i], t[i]) for i in range(8)]
    assert loss(y, t) == pytest.approx(np.mean(per_sample), rel=1e-12)
    assert loss(y, np.eye(5)[t]) == pytest.approx(np.mean(per_sample), rel=1e-12)


@pytest.mark.parametrize("loss", [sum_squared_error, cross_entropy_error])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_dtype_follows_y_and_inputs_untouched(loss, dtype):
    y = Y_RIGHT.astype(dtype)
    y_before, t_before = y.copy(), T.copy()
    assert loss(y, T).dtype == dtype
    np.testing.assert_array_equal(y, y_before)
    np.testing.assert_array_equal(T, t_before)


def test_cross_entropy_guard_keeps_zero_probability_finite():
    with np.errstate(all="raise"):
        value = cross_entropy_error(np.array([1.0, 0.0]), np.array([0, 1]))
    assert value == pytest.approx(-np.log(1e-7))


def test_cross_entropy_soft_targets():
    y = np.array([0.2, 0.8])
    expected = -(0.5 * np.log(0.2 + 1e-7) + 0.5 * np.log(0.8 + 1e-7))
    assert cross_entropy_error(y, np.array([0.5, 0.5])) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("y", "t", "match"),
    [
        (np.ones((2, 3)), np.array([0, 3]), r"labels must lie in \[0, 3\)"),
        (np.ones((2, 3)), np.ones((2, 4)), "do not fit"),
        (np.ones((2, 3)), np.array([0.0, 1.0]), "integer labels"),
        (np.ones((2, 3, 4)), np.ones((2, 3, 4)), r"shape \(C,\) or \(N, C\)"),
    ],
)
@pytest.mark.parametrize("loss", [sum_squared_error, cross_entropy_error])
def test_bad_targets_raise_clear_errors(loss, y, t, match):
    with pytest.raises(ValueError, match=match):
        loss(y, t)


@pytest.mark.parametrize("loss", [sum_squared_error, cross_entropy_error])
def test_arrays_that_hold_no_numbers_are_refused(loss):
    y_none = np.array([0.5, None], dtype=object)
    with pytest.raises(
        TypeError, match=r"expected y to hold real numbers, got dtype object"
    ):
        loss(y_none, np.array([1, 0]))
    with pytest.raises(TypeError, match=r"expected t to hold real numbers.*None"):
        loss(np.array([0.5, 0.5]), np.array([1, None], dtype=object))
    with pytest.raises(TypeError, match="text"):
        loss(np.array([0.5, 0.5]), np.array(["1", "0"]))
