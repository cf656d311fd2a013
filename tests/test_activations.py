import warnings

import numpy as np
import pytest

from nnbook.activations import identity_function, relu, sigmoid, softmax, step_function

ALL = [step_function, sigmoid, relu, identity_function, softmax]
EXTREME = np.array([-1e308, -1e4, -800.0, -100.0, -1.0, 0.0, 1.0, 100.0, 800.0, 1e4, 1e308])


@pytest.mark.parametrize("f", ALL)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_dtype_and_shape_are_kept(f, dtype):
    x = np.linspace(-3, 3, 24, dtype=dtype).reshape(2, 3, 4)
    y = f(x)
    assert y.dtype == dtype
    assert y.shape == x.shape


@pytest.mark.parametrize("f", ALL)
def test_input_is_not_mutated_and_output_is_new(f):
    x = np.array([[-2.0, 0.5, 3.0]])
    before = x.copy()
    y = f(x)
    np.testing.assert_array_equal(x, before)
    assert not np.shares_memory(x, y)


@pytest.mark.parametrize("f", ALL)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_extreme_inputs_give_finite_values_without_warnings(f, dtype):
    with np.errstate(over="ignore"):
        x = EXTREME.astype(dtype)  # the cast itself saturates to ±inf for float32
    x = x[np.isfinite(x)]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        y = f(x)
    assert np.all(np.isfinite(y))


def test_integer_input_is_promoted_to_float64():
    for f in ALL:
        assert f(np.array([1, 2, 3])).dtype == np.float64


def test_sigmoid_matches_the_book_formula_where_that_is_finite():
    x = np.linspace(-30, 30, 601)
    np.testing.assert_allclose(sigmoid(x), 1 / (1 + np.exp(-x)), rtol=1e-15, atol=0)


def test_sigmoid_limits_and_symmetry():
    x = np.linspace(-50, 50, 1001)
    np.testing.assert_allclose(sigmoid(x) + sigmoid(-x), 1.0, rtol=0, atol=1e-15)
    assert sigmoid(np.array([-1e4]))[0] == 0.0
    assert sigmoid(np.array([1e4]))[0] == 1.0


def test_step_and_relu_values():
    x = np.array([-1.0, 0.0, 1e-12, 2.0])
    np.testing.assert_array_equal(step_function(x), [0, 0, 1, 1])
    np.testing.assert_array_equal(relu(x), [0, 0, 1e-12, 2.0])


def test_softmax_rows_sum_to_one_and_keep_order():
    rng = np.random.default_rng(0)
    x = rng.normal(scale=50, size=(64, 10))
    y = softmax(x)
    np.testing.assert_allclose(y.sum(axis=1), 1.0, rtol=1e-12)
    np.testing.assert_array_equal(y.argmax(axis=1), x.argmax(axis=1))
    assert np.all(y >= 0)


def test_softmax_is_shift_invariant_and_survives_huge_inputs():
    a = np.array([0.3, 2.9, 4.0])
    np.testing.assert_allclose(softmax(a + 1000), softmax(a), rtol=1e-12)
    y = softmax(np.array([1010.0, 1000.0, 990.0]))
    np.testing.assert_allclose(y, softmax(np.array([20.0, 10.0, 0.0])), rtol=1e-12)


def test_softmax_batch_equals_row_by_row():
    x = np.array([[1.0, 2.0, 3.0], [1000.0, 0.0, -1000.0], [5.0, 5.0, 5.0]])
    expected = np.stack([softmax(row) for row in x])
    np.testing.assert_array_equal(softmax(x), expected)
    np.testing.assert_allclose(softmax(x[2]), [1 / 3] * 3)


def test_softmax_float32_huge_values():
    y = softmax(np.array([3e38, 0.0, -3e38], dtype=np.float32))
    assert y.dtype == np.float32
    np.testing.assert_array_equal(y, [1.0, 0.0, 0.0])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_softmax_of_infinite_scores_is_the_limit_without_warnings(dtype):
    inf = np.inf
    x = np.array(
        [[1.0, inf, 2.0], [inf, inf, -inf], [-inf, 0.0, 3.0], [inf, 0.0, 0.0]], dtype=dtype
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        y = softmax(x)
    assert y.dtype == dtype
    np.testing.assert_array_equal(y[0], [0, 1, 0])
    np.testing.assert_array_equal(y[1], [0.5, 0.5, 0])
    np.testing.assert_array_equal(y[2], [0, *softmax(np.array([0.0, 3.0], dtype=dtype))])
    np.testing.assert_array_equal(y[3], [1, 0, 0])
    # Rows with no limit are NaN, still without a warning, and do not spoil the others.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        z = softmax(np.array([[-inf, -inf], [np.nan, 1.0], [0.0, 0.0]], dtype=dtype))
    assert np.isnan(z[:2]).all()
    np.testing.assert_array_equal(z[2], [0.5, 0.5])


def test_softmax_of_an_empty_batch_and_of_no_classes():
    assert softmax(np.zeros((0, 10))).shape == (0, 10)
    with pytest.raises(ValueError, match="at least one score along the last axis"):
        softmax(np.zeros((3, 0)))


@pytest.mark.parametrize("f", ALL)
@pytest.mark.parametrize(
    ("x", "match"),
    [
        (np.array([None, 1.0], dtype=object), "dtype object .*None"),
        ([None, 1.0], "dtype object"),
        (np.array(["1.5", "2"]), "text"),
        (np.array([1 + 2j]), "not real numbers"),
    ],
    ids=["object-None", "list-None", "strings", "complex"],
)
def test_arrays_that_hold_no_numbers_are_refused(f, x, match):
    with pytest.raises(TypeError, match=match):
        f(x)


def test_booleans_are_numbers():
    np.testing.assert_array_equal(relu(np.array([True, False])), [1.0, 0.0])
