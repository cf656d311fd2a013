"""Bad input to the layers and losses: a clear error that names the fix, nothing changed.

Each case asserts the error type, that the message says what to do, and that the
layer is exactly as before the failed call: its parameters, its moving averages and
what its last good `forward` kept for `backward` (issue 12, groups 4-6). Empty and
one-row batches get a defined result where one exists, documented in each layer.
"""

from __future__ import annotations

import copy
import warnings
from collections.abc import Callable

import numpy as np
import pytest

from nnbook.layers import (
    AddLayer,
    Affine,
    BatchNormalization,
    Convolution,
    Deconvolution,
    Dropout,
    LeakyRelu,
    MulLayer,
    Pooling,
    Relu,
    Reshape,
    Sigmoid,
    SigmoidWithLoss,
    SoftmaxWithLoss,
    SpatialBatchNormalization,
    Tanh,
)
from nnbook.losses import cross_entropy_error, sum_squared_error


def _rng() -> np.random.Generator:
    return np.random.default_rng(12)


def good_x(shape: tuple[int, ...] = (4, 3)) -> np.ndarray:
    return _rng().standard_normal(shape)


# The array layers: a fresh layer, a good input (4 rows) and the further arguments of
# forward (a loss layer's targets). To add a layer, add one entry.
LAYERS: dict[str, Callable[[], tuple]] = {
    "Relu": lambda: (Relu(), good_x(), ()),
    "Sigmoid": lambda: (Sigmoid(), good_x(), ()),
    "Affine": lambda: (Affine(_rng().standard_normal((3, 2)), np.zeros(2)), good_x(), ()),
    "BatchNormalization": lambda: (
        BatchNormalization(np.ones(3), np.zeros(3)),
        good_x(),
        (),
    ),
    "Dropout": lambda: (Dropout(0.5, rng=0), good_x(), ()),
    "SoftmaxWithLoss": lambda: (SoftmaxWithLoss(), good_x(), (np.array([0, 2, 1, 0]),)),
    "Convolution": lambda: (
        Convolution(_rng().standard_normal((2, 3, 3, 3)), np.zeros(2), stride=2, pad=1),
        good_x((4, 3, 5, 5)),
        (),
    ),
    "Pooling": lambda: (Pooling(2, 2, stride=2), good_x((4, 3, 4, 4)), ()),
    # Beyond the book: the GAN's layers
    "LeakyRelu": lambda: (LeakyRelu(0.2), good_x(), ()),
    "Tanh": lambda: (Tanh(), good_x(), ()),
    "Reshape": lambda: (Reshape((3, 1)), good_x(), ()),
    "SigmoidWithLoss": lambda: (
        SigmoidWithLoss(),
        good_x((4, 1)),
        (np.array([[1.0], [0.0], [0.9], [0.0]]),),
    ),
    "Deconvolution": lambda: (
        Deconvolution(_rng().standard_normal((3, 2, 4, 4)), np.zeros(2), stride=2, pad=1),
        good_x((4, 3, 3, 3)),
        (),
    ),
    "SpatialBatchNormalization": lambda: (
        SpatialBatchNormalization(np.ones(3), np.zeros(3)),
        good_x((4, 3, 2, 2)),
        (),
    ),
}


def state(layer) -> dict:
    """Everything the layer holds, copied deeply (numpy Generators included)."""
    return copy.deepcopy({k: v for k, v in vars(layer).items() if k != "rng"})


def assert_same_state(a: dict, b: dict) -> None:
    assert set(a) == set(b)
    for key in a:
        x, y = a[key], b[key]
        if isinstance(x, dict):
            assert_same_state(x, y)
        elif isinstance(x, np.ndarray) or isinstance(y, np.ndarray):
            np.testing.assert_array_equal(x, y, err_msg=key)
        else:
            assert x == y or (x != x and y != y), key  # NaN == NaN here


def trained(name: str):
    """A layer after one good forward and backward (there is state to protect), with
    its good input and further arguments."""
    layer, x, args = LAYERS[name]()
    out = layer.forward(x, *args)
    layer.backward(np.ones(np.shape(out)) if np.ndim(out) else 1.0)
    return layer, x, args


# Inputs that are not numbers -------------------------------------------------------


def _with_none(x: np.ndarray) -> np.ndarray:
    out = x.astype(object)
    out.flat[1] = None
    return out


NOT_NUMBERS = {  # how to spoil a good x, and the fix the message must name
    "object-with-None": (_with_none, r"replace those by numbers.*np\.asarray\(x, dtype="),
    "strings": (lambda x: x.astype(str), "parse the text into numbers"),
    "complex": (lambda x: x * 1j, "convert it to a float array"),
}


@pytest.mark.parametrize("name", LAYERS)
@pytest.mark.parametrize("bad", NOT_NUMBERS, ids=str)
def test_a_non_numeric_input_is_refused_and_changes_nothing(name, bad):
    layer, x, args = trained(name)
    spoil, fix = NOT_NUMBERS[bad]
    before = state(layer)
    with pytest.raises(TypeError, match=rf"^{name}\.forward\(\): .*{fix}"):
        layer.forward(spoil(x), *args)
    assert_same_state(state(layer), before)


@pytest.mark.parametrize("name", [n for n in LAYERS if not n.endswith("WithLoss")])
def test_a_non_numeric_dout_is_refused_and_changes_nothing(name):
    layer, x, args = trained(name)
    dout = np.full(np.shape(layer.forward(x, *args)), None)
    before = state(layer)
    with pytest.raises(TypeError, match="array of real numbers"):
        layer.backward(dout)
    assert_same_state(state(layer), before)


@pytest.mark.parametrize("name", LAYERS)
def test_a_wrong_shaped_dout_is_refused_and_changes_nothing(name):
    layer, x, args = trained(name)
    out = layer.forward(x, *args)
    before = state(layer)
    bad = np.ones(3) if np.ndim(out) == 0 else np.ones((1, *np.shape(out)[1:]))
    with pytest.raises(ValueError, match=r"same shape|scalar dout"):
        layer.backward(bad)
    assert_same_state(state(layer), before)


@pytest.mark.parametrize("name", LAYERS)
def test_backward_before_forward_says_to_run_forward_first(name):
    layer, x, _ = LAYERS[name]()
    before = state(layer)
    with pytest.raises(RuntimeError, match=r"run forward\(x\) first"):
        layer.backward(np.ones(x.shape) if name != "SoftmaxWithLoss" else 1.0)
    assert_same_state(state(layer), before)


def test_changing_x_after_forward_does_not_change_the_gradients():
    layer = Affine(np.ones((3, 2)), np.zeros(2))
    x = good_x()
    layer.forward(x)
    x[...] = 1e3  # the caller reuses its buffer
    layer.backward(np.ones((4, 2)))
    np.testing.assert_array_equal(layer.dW, good_x().T @ np.ones((4, 2)))


# Empty and one-row batches: a defined result, or a clear error ----------------------


@pytest.mark.parametrize(
    ("name", "train_flg"),
    [
        ("Relu", True),
        ("Sigmoid", True),
        ("Affine", True),
        ("Dropout", True),
        ("Dropout", False),
        ("BatchNormalization", False),
        ("Convolution", True),
        ("Pooling", True),
    ],
)
def test_an_empty_batch_gives_an_empty_result_and_zero_parameter_gradients(name, train_flg):
    layer, good, _ = LAYERS[name]()
    x = np.empty((0, *good.shape[1:]))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = layer.forward(x, train_flg)
        dx = layer.backward(np.empty(out.shape))
    assert out.shape[0] == 0 and dx.shape == x.shape
    for key, grad in layer.grads.items():
        assert grad.shape == layer.params[key].shape
        if key in ("W", "b"):  # a sum over no samples
            np.testing.assert_array_equal(grad, 0.0)


def test_affine_on_an_empty_batch_of_images():
    layer = Affine(np.ones((12, 2)), np.zeros(2))
    assert layer.forward(np.empty((0, 3, 2, 2))).shape == (0, 2)
    assert layer.backward(np.empty((0, 2))).shape == (0, 3, 2, 2)


def test_batchnorm_refuses_to_train_on_an_empty_batch_and_changes_nothing():
    layer, _, _ = trained("BatchNormalization")
    before = state(layer)
    with pytest.raises(ValueError, match=r"empty batch.*at least 2 samples"):
        layer.forward(np.empty((0, 3)))
    assert_same_state(state(layer), before)


def test_batchnorm_trains_on_one_row_and_outputs_beta():
    beta = np.array([0.5, -1.0, 2.0])
    layer = BatchNormalization(np.ones(3), beta)
    np.testing.assert_array_equal(layer.forward(np.array([[3.0, 1.0, 7.0]])), [beta])
    np.testing.assert_array_equal(layer.backward(np.ones((1, 3))), np.zeros((1, 3)))


@pytest.mark.parametrize(
    "loss",
    [
        lambda y, t: SoftmaxWithLoss().forward(y, t),
        cross_entropy_error,
        sum_squared_error,
    ],
    ids=["SoftmaxWithLoss", "cross_entropy_error", "sum_squared_error"],
)
@pytest.mark.parametrize("t_kind", ["labels", "one-hot"])
def test_the_loss_of_an_empty_batch_is_refused(loss, t_kind):
    y = np.empty((0, 3))
    t = np.empty(0, dtype=int) if t_kind == "labels" else np.empty((0, 3))
    with pytest.raises(ValueError, match=r"at least one sample.*skip empty batches"):
        loss(y, t)


def test_a_loss_of_no_classes_is_refused():
    with pytest.raises(ValueError, match="one class"):
        SoftmaxWithLoss().forward(np.empty((2, 0)), np.empty((2, 0)))


def test_a_refused_loss_keeps_the_previous_forward():
    layer, _, _ = trained("SoftmaxWithLoss")
    before = state(layer)
    with pytest.raises(ValueError):
        layer.forward(np.empty((0, 3)), np.empty(0, dtype=int))
    assert_same_state(state(layer), before)


# BatchNormalization's moving averages --------------------------------------------


def test_a_nan_batch_does_not_poison_the_moving_averages():
    rng = np.random.default_rng(0)
    layer = BatchNormalization(np.ones(2), np.zeros(2))
    layer.forward(rng.standard_normal((8, 2)))
    mean, var = layer.running_mean.copy(), layer.running_var.copy()
    bad = rng.standard_normal((8, 2))
    bad[3, 1] = np.nan
    out = layer.forward(bad)
    assert np.isnan(out[:, 1]).all()  # the batch itself is NaN, as it must be
    np.testing.assert_array_equal(layer.running_mean, mean)
    np.testing.assert_array_equal(layer.running_var, var)
    for _ in range(3):
        layer.forward(rng.standard_normal((8, 2)))
    assert np.isfinite(layer.forward(np.zeros((1, 2)), train_flg=False)).all()


def test_an_infinite_batch_does_not_change_the_moving_averages():
    layer = BatchNormalization(np.ones(2), np.zeros(2))
    layer.forward(np.array([[1.0, 2.0], [3.0, 5.0]]))
    mean, var = layer.running_mean.copy(), layer.running_var.copy()
    with np.errstate(invalid="ignore"):  # inf - inf: NumPy's own warning
        layer.forward(np.array([[np.inf, 2.0], [3.0, 5.0]]))
    np.testing.assert_array_equal(layer.running_mean, mean)
    np.testing.assert_array_equal(layer.running_var, var)


def test_a_nan_first_batch_creates_no_moving_averages():
    layer = BatchNormalization(np.ones(2), np.zeros(2))
    layer.forward(np.array([[np.nan, 1.0], [2.0, 3.0]]))
    assert layer.running_mean is None and layer.running_var is None


def test_inference_before_training_passes_gamma_x_plus_beta_without_warnings():
    gamma, beta = np.array([2.0, 0.5]), np.array([1.0, -1.0])
    layer = BatchNormalization(gamma, beta)
    x = np.array([[1.0, 2.0], [3.0, -4.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = layer.forward(x, train_flg=False)
    np.testing.assert_array_equal(out, gamma * x + beta)  # not 1000 times x
    np.testing.assert_array_equal(layer.backward(np.ones((2, 2))), np.tile(gamma, (2, 1)))
    # No moving averages are made up: training starts them from zero, as the book.
    assert layer.running_mean is None
    layer.forward(x)
    np.testing.assert_allclose(layer.running_mean, 0.1 * x.mean(axis=0), rtol=1e-15)
    np.testing.assert_allclose(layer.running_var, 0.1 * x.var(axis=0), rtol=1e-15)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"running_mean": np.zeros(3)}, "both running_mean and running_var, or neither"),
        ({"running_var": np.ones(3)}, "both running_mean and running_var, or neither"),
        (
            {"running_mean": np.zeros(2), "running_var": np.ones(2)},
            r"must have gamma's shape \(3,\)",
        ),
    ],
)
def test_batchnorm_refuses_inconsistent_moving_averages(kwargs, match):
    with pytest.raises(ValueError, match=match):
        BatchNormalization(np.ones(3), np.zeros(3), **kwargs)


def test_batchnorm_refuses_a_sample_without_the_batch_axis():
    layer, _, _ = trained("BatchNormalization")
    before = state(layer)
    with pytest.raises(ValueError, match=r"x\[np\.newaxis\]"):
        layer.forward(np.ones(3))
    assert_same_state(state(layer), before)


# The computational-graph nodes and the loss layer's arguments ----------------------


@pytest.mark.parametrize("cls", [MulLayer, AddLayer])
def test_graph_nodes_compute_on_lists_as_arrays_never_repeat_or_concatenate(cls):
    out = cls().forward([1.0, 2.0], 2)
    assert isinstance(out, np.ndarray)
    np.testing.assert_array_equal(out, [2.0, 4.0] if cls is MulLayer else [3.0, 4.0])


@pytest.mark.parametrize("cls", [MulLayer, AddLayer])
def test_graph_nodes_refuse_objects_and_keep_their_state(cls):
    layer = cls()
    layer.forward(np.ones(2), 3.0)
    before = state(layer)
    with pytest.raises(TypeError, match=r"y to hold real numbers.*np\.asarray\(y, dtype="):
        layer.forward(np.ones(2), None)
    assert_same_state(state(layer), before)


@pytest.mark.parametrize(
    ("t", "match"),
    [
        (np.array([0, -1, 1, 0]), r"labels must lie in \[0, 3\)"),
        (np.array([0, 3, 1, 0]), r"labels must lie in \[0, 3\)"),
        (np.array([[0], [1], [1], [0]]), r"integer labels of shape \(4,\)"),
        (np.array([0.0, 1.0, 1.0, 0.0]), r"integer labels of shape \(4,\)"),
    ],
    ids=["label-minus-one", "label-too-large", "labels-(N,1)", "float-labels"],
)
def test_softmax_with_loss_refuses_bad_targets_and_changes_nothing(t, match):
    layer, _, _ = trained("SoftmaxWithLoss")
    before = state(layer)
    with pytest.raises(ValueError, match=match):
        layer.forward(good_x(), t)
    assert_same_state(state(layer), before)


@pytest.mark.parametrize(
    ("dout", "error", "match"),
    [("2", TypeError, "pass a float such as 1.0"), (np.ones(4), ValueError, "scalar")],
)
def test_softmax_with_loss_backward_takes_a_number(dout, error, match):
    layer, _, _ = trained("SoftmaxWithLoss")
    with pytest.raises(error, match=match):
        layer.backward(dout)
