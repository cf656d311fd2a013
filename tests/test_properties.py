"""Property-based tests of every layer and loss, with random shapes and dtypes.

`hypothesis` draws the shapes (batches of 0, 1 or more rows, 2-D and 4-D inputs, the
layers' own sizes) and a seed for the values; for each entry of ``SPECS`` it checks:

- ``test_contract``, in float16, float32 and float64: the output, ``dx`` and every
  ``grads[k]`` keep the input's (and parameters') dtype; ``dx`` has the input's shape
  and ``grads[k]`` the parameter's; ``forward`` and ``backward`` leave the input, the
  extra arguments, ``dout`` and the parameters untouched; and no ``RuntimeWarning``
  (overflow, division by zero, invalid value) is raised on the way;
- ``test_gradient``, in float64: ``backward`` agrees with central differences
  (`nnbook.gradient_check.check_layer_gradient`) within the entry's tolerance;
- ``test_too_few_rows``: a batch smaller than the entry's ``min_rows`` (an empty batch
  for a loss or for BatchNorm in training) is a ``ValueError`` that says so.

How to add a layer: append ONE ``Spec``. ``config`` is a hypothesis strategy for
everything random but the values (always including the batch size), ``make(rng,
config, dtype)`` returns ``Built(layer, inputs, args)``: a fresh layer whose
parameters have ``dtype``, its input(s) of ``dtype`` and any further arguments of
``forward`` (a loss layer's targets). ``test_every_layer_has_a_spec`` fails until
every layer exported by `nnbook.layers` has one.

The suite is derandomized (the same examples on every run, nothing written to the
checkout) and small enough to run in seconds; set ``NNBOOK_PROPERTY_EXAMPLES`` (default
12) to search harder with fresh random examples, e.g.
``NNBOOK_PROPERTY_EXAMPLES=500 pytest tests/test_properties.py``.
"""

from __future__ import annotations

import inspect
import math
import os
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import nnbook.layers
from nnbook.gradient_check import check_layer_gradient
from nnbook.layers import (
    AddLayer,
    Affine,
    BatchNormalization,
    Convolution,
    Deconvolution,
    Dropout,
    Layer,
    LeakyRelu,
    LossLayer,
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
from support import FixedMask

#: Examples per test and spec. `NNBOOK_PROPERTY_EXAMPLES=500 pytest ...` searches
#: harder, with fresh random examples each run (by default the examples are fixed).
MAX_EXAMPLES = int(os.environ.get("NNBOOK_PROPERTY_EXAMPLES", "12"))
SETTINGS = settings(
    max_examples=MAX_EXAMPLES,
    # The same examples on every run, so that CI never flakes:
    derandomize="NNBOOK_PROPERTY_EXAMPLES" not in os.environ,
    database=None,  # write no .hypothesis directory
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
DTYPES = [np.float16, np.float32, np.float64]


@dataclass
class Built:
    layer: Any
    inputs: tuple[np.ndarray, ...]
    args: tuple = ()


@dataclass
class Spec:
    """One layer configuration, checked by every test below."""

    id: str
    layer: type
    config: st.SearchStrategy
    make: Callable[[np.random.Generator, Any, type], Built]
    kwargs: dict = field(default_factory=dict)
    min_rows: int = 0  # fewer rows must be refused with a ValueError
    tol: float = 1e-6  # largest relative error of the float64 gradient check


# Strategies for the sizes --------------------------------------------------------

ROWS = st.sampled_from([3, 1, 0, 2, 4])  # 0 and 1 rows included on purpose
SIZE = st.integers(1, 4)


def rows_and(*sizes: st.SearchStrategy) -> st.SearchStrategy:
    """A tuple (N, *sizes) with N drawn from ROWS."""
    return st.tuples(ROWS, *sizes)


def matrix_or_images() -> st.SearchStrategy:
    """An input shape (N, D) or (N, C, H, W)."""
    return st.one_of(rows_and(SIZE), rows_and(SIZE, SIZE, SIZE))


# Values --------------------------------------------------------------------------


def normal(rng: np.random.Generator, shape, dtype) -> np.ndarray:
    return rng.standard_normal(shape).astype(dtype)


def away_from_zero(rng: np.random.Generator, shape, dtype) -> np.ndarray:
    """Values at least 0.1 from 0, so that differences never cross ReLU's kink."""
    x = rng.standard_normal(shape)
    return (x + 0.1 * np.sign(x) + (x == 0) * 0.1).astype(dtype)


def spread_rows(rng: np.random.Generator, shape, dtype) -> np.ndarray:
    """Each feature's values at least 0.5 apart over the batch: a batch variance far
    from 0, where BatchNorm's gradient is well conditioned."""
    n = shape[0]
    order = np.argsort(rng.random((n, math.prod(shape[1:]))), axis=0)
    x = 0.5 * order + 0.1 * rng.random(order.shape) - 0.25 * n
    return x.reshape(shape).astype(dtype)


# Builders ------------------------------------------------------------------------


def _binary(cls):
    def make(rng, cfg, dtype):
        shape, broadcast = cfg
        y_shape = shape[1:] if broadcast else shape
        return Built(cls(), (normal(rng, shape, dtype), normal(rng, y_shape, dtype)))

    return make


def _affine(rng, cfg, dtype):
    x_shape, m = cfg
    d = math.prod(x_shape[1:])
    layer = Affine(normal(rng, (d, m), dtype), normal(rng, (m,), dtype))
    return Built(layer, (normal(rng, x_shape, dtype),))


def _batchnorm(stats: str):
    def make(rng, shape, dtype):
        d = math.prod(shape[1:])
        gamma = (1.0 + 0.5 * rng.standard_normal(d)).astype(dtype)
        beta = normal(rng, (d,), dtype)
        kw = {}
        if stats == "given":
            kw = {
                "running_mean": normal(rng, (d,), dtype),
                "running_var": (0.5 + rng.random(d)).astype(dtype),
            }
        layer = BatchNormalization(gamma, beta, **kw)
        return Built(layer, (spread_rows(rng, shape, dtype),))

    return make


def _dropout(rng, cfg, dtype):
    shape, ratio = cfg
    layer = Dropout(ratio)
    layer.rng = FixedMask(int(rng.integers(2**31)))  # the same mask on every forward
    return Built(layer, (normal(rng, shape, dtype),))


@st.composite
def conv_configs(draw) -> tuple:
    """(x shape, W shape, stride, pad) with at least one output position."""
    n, c, fn = draw(ROWS), draw(st.integers(1, 3)), draw(st.integers(1, 3))
    fh, fw = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    stride, pad = draw(st.integers(1, 3)), draw(st.integers(0, 2))
    h = draw(st.integers(max(1, fh - 2 * pad), 7))
    w = draw(st.integers(max(1, fw - 2 * pad), 7))
    return (n, c, h, w), (fn, c, fh, fw), stride, pad


def _convolution(rng, cfg, dtype):
    x_shape, w_shape, stride, pad = cfg
    W, b = normal(rng, w_shape, dtype), normal(rng, w_shape[:1], dtype)
    return Built(Convolution(W, b, stride, pad), (normal(rng, x_shape, dtype),))


@st.composite
def pool_configs(draw) -> tuple:
    """(x shape, pool_h, pool_w, stride, pad): windows that fit, pad < window."""
    n, c = draw(ROWS), draw(st.integers(1, 3))
    ph, pw = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    stride, pad = draw(st.integers(1, 3)), draw(st.integers(0, min(ph, pw) - 1))
    h = draw(st.integers(max(1, ph - 2 * pad), 7))
    w = draw(st.integers(max(1, pw - 2 * pad), 7))
    return (n, c, h, w), ph, pw, stride, pad


def _pooling(rng, cfg, dtype):
    """Distinct values at least 0.01 apart: no ties for the maximum of a window."""
    x_shape, ph, pw, stride, pad = cfg
    size = math.prod(x_shape)
    x = ((rng.permutation(size) - size / 2) * 0.01).reshape(x_shape)
    return Built(Pooling(ph, pw, stride, pad), (x.astype(dtype),))


def _softmax(targets: str):
    def make(rng, cfg, dtype):
        n, c = cfg
        t = rng.integers(0, c, n)
        if targets == "one-hot":
            t = np.eye(c)[t]
        return Built(SoftmaxWithLoss(), (normal(rng, (n, c), dtype),), (t,))

    return make


def _deconvolution(rng, cfg, dtype):
    """The convolution's configuration read backwards: x has the filters' FN channels."""
    x_shape, (fn, c, fh, fw), stride, pad = cfg
    n = x_shape[0]
    # An input of 1-4 positions, or more where the padding would leave no output:
    # the output is (H - 1) * stride - 2 * pad + FH (and the same for the width).
    h, w = (
        max(int(rng.integers(1, 5)), -(-(2 * pad + 1 - f) // stride) + 1) for f in (fh, fw)
    )
    W, b = normal(rng, (fn, c, fh, fw), dtype), normal(rng, (c,), dtype)
    return Built(Deconvolution(W, b, stride, pad), (normal(rng, (n, fn, h, w), dtype),))


def _reshape(rng, shape, dtype):
    d = math.prod(shape[1:])
    return Built(Reshape((1, d)), (normal(rng, shape, dtype),))


def _sigmoid_loss(rng, cfg, dtype):
    n, k = cfg
    t = rng.random((n, k)).astype(dtype)  # smoothed targets in [0, 1)
    return Built(SigmoidWithLoss(), (normal(rng, (n, k), dtype),), (t,))


def _spatial_batchnorm(rng, shape, dtype):
    c = shape[1]
    gamma = (1.0 + 0.5 * rng.standard_normal(c)).astype(dtype)
    layer = SpatialBatchNormalization(gamma, normal(rng, (c,), dtype))
    return Built(layer, (spread_rows(rng, shape, dtype),))


SPECS = [
    # 5.4 the computational graph's nodes (two inputs, maybe broadcast)
    Spec("MulLayer", MulLayer, st.tuples(rows_and(SIZE), st.booleans()), _binary(MulLayer)),
    Spec("AddLayer", AddLayer, st.tuples(rows_and(SIZE), st.booleans()), _binary(AddLayer)),
    # 5.5 activations
    Spec(
        "Relu",
        Relu,
        matrix_or_images(),
        lambda rng, shape, dtype: Built(Relu(), (away_from_zero(rng, shape, dtype),)),
    ),
    Spec(
        "Sigmoid",
        Sigmoid,
        matrix_or_images(),
        lambda rng, shape, dtype: Built(Sigmoid(), (normal(rng, shape, dtype),)),
    ),
    # 5.6 Affine (2-D and image input) and Softmax-with-Loss
    Spec("Affine", Affine, st.tuples(matrix_or_images(), SIZE), _affine),
    Spec(
        "SoftmaxWithLoss-labels",
        SoftmaxWithLoss,
        rows_and(st.integers(2, 5)),
        _softmax("labels"),
        min_rows=1,
    ),
    Spec(
        "SoftmaxWithLoss-one-hot",
        SoftmaxWithLoss,
        rows_and(st.integers(2, 5)),
        _softmax("one-hot"),
        min_rows=1,
    ),
    # 6.3 BatchNormalization: training, inference with statistics, inference before any
    Spec(
        "BatchNormalization",
        BatchNormalization,
        matrix_or_images(),
        _batchnorm("batch"),
        min_rows=1,
        # With 2 rows the output hardly depends on x (each feature is about ±1): dx
        # is tiny and its central differences mostly rounding (up to 7e-6 seen).
        tol=1e-4,
    ),
    Spec(
        "BatchNormalization-eval",
        BatchNormalization,
        matrix_or_images(),
        _batchnorm("given"),
        kwargs={"train_flg": False},
    ),
    Spec(
        "BatchNormalization-eval-untrained",
        BatchNormalization,
        matrix_or_images(),
        _batchnorm("none"),
        kwargs={"train_flg": False},
    ),
    # 6.4.3 Dropout: training (its mask held fixed) and inference
    Spec(
        "Dropout",
        Dropout,
        st.tuples(matrix_or_images(), st.sampled_from([0.0, 0.3, 0.9])),
        _dropout,
    ),
    Spec(
        "Dropout-eval",
        Dropout,
        st.tuples(matrix_or_images(), st.sampled_from([0.0, 0.3, 0.9])),
        _dropout,
        kwargs={"train_flg": False},
    ),
    # 7.4 Convolution and Pooling: filters and windows of 1-3, strides 1-3, pads 0-2
    Spec("Convolution", Convolution, conv_configs(), _convolution),
    Spec("Pooling", Pooling, pool_configs(), _pooling),
    # Beyond the book: the GAN's layers
    Spec(
        "LeakyRelu",
        LeakyRelu,
        matrix_or_images(),
        lambda rng, shape, dtype: Built(
            LeakyRelu(0.2), (away_from_zero(rng, shape, dtype),)
        ),
    ),
    Spec(
        "Tanh",
        Tanh,
        matrix_or_images(),
        lambda rng, shape, dtype: Built(Tanh(), (normal(rng, shape, dtype),)),
    ),
    Spec("Reshape", Reshape, matrix_or_images(), _reshape),
    Spec(
        "SigmoidWithLoss",
        SigmoidWithLoss,
        rows_and(st.integers(1, 3)),
        _sigmoid_loss,
        min_rows=1,
    ),
    Spec("Deconvolution", Deconvolution, conv_configs(), _deconvolution),
    Spec(
        "SpatialBatchNormalization",
        SpatialBatchNormalization,
        rows_and(SIZE, SIZE, SIZE),
        _spatial_batchnorm,
        min_rows=1,
        tol=1e-4,  # as BatchNormalization
    ),
]


def _rows(spec: Spec, cfg) -> int:
    """The batch size in a drawn configuration: its first integer."""
    while isinstance(cfg, tuple):
        cfg = cfg[0]
    return cfg


def _enough_rows(spec: Spec) -> st.SearchStrategy:
    return spec.config.filter(lambda cfg: _rows(spec, cfg) >= spec.min_rows)


def _as_tuple(value) -> tuple:
    return value if isinstance(value, tuple) else (value,)


def _copy(values) -> list:
    return [np.array(v, copy=True) for v in values]


def _assert_equal(values, before, what: str) -> None:
    for v, b in zip(values, before, strict=True):
        np.testing.assert_array_equal(v, b, err_msg=f"{what} was changed")


# The properties ------------------------------------------------------------------


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.id)
@SETTINGS
@given(data=st.data(), dtype=st.sampled_from(DTYPES), seed=st.integers(0, 2**32 - 1))
def test_contract(spec: Spec, data, dtype, seed):
    cfg = data.draw(_enough_rows(spec), label="config")
    rng = np.random.default_rng(seed)
    built = spec.make(rng, cfg, dtype)
    layer = built.layer
    inputs_before, args_before = _copy(built.inputs), _copy(built.args)
    params_before = {k: v.copy() for k, v in layer.params.items()}
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        out = layer.forward(*built.inputs, *built.args, **spec.kwargs)
        assert np.result_type(out) == dtype, "the output has another dtype than x"
        dout = rng.standard_normal(np.shape(out)).astype(dtype)
        dout_before = dout.copy()
        dxs = _as_tuple(layer.backward(dout if np.ndim(out) else dtype(1.5)))

    for x, dx in zip(built.inputs, dxs, strict=True):
        assert dx.shape == x.shape, "dx has another shape than x"
        assert dx.dtype == dtype, "dx has another dtype than x"
    assert set(layer.grads) == set(layer.params)
    for key, param in layer.params.items():
        assert layer.grads[key].shape == param.shape, f"grads[{key!r}] shape"
        assert layer.grads[key].dtype == param.dtype, f"grads[{key!r}] dtype"
    _assert_equal(built.inputs, inputs_before, "an input")
    _assert_equal(built.args, args_before, "an argument")
    np.testing.assert_array_equal(dout, dout_before, err_msg="dout was changed")
    for key, value in params_before.items():
        np.testing.assert_array_equal(layer.params[key], value, err_msg=key)


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.id)
@SETTINGS
@given(data=st.data(), seed=st.integers(0, 2**32 - 1))
def test_gradient(spec: Spec, data, seed):
    cfg = data.draw(_enough_rows(spec), label="config")
    rng = np.random.default_rng(seed)
    built = spec.make(rng, cfg, np.float64)
    x = built.inputs if len(built.inputs) > 1 else built.inputs[0]
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        errors = check_layer_gradient(
            built.layer, x, args=built.args, kwargs=spec.kwargs, rng=rng
        )
    assert max(errors.values()) < spec.tol, errors


@pytest.mark.parametrize("spec", [s for s in SPECS if s.min_rows > 0], ids=lambda s: s.id)
@SETTINGS
@given(data=st.data(), dtype=st.sampled_from(DTYPES), seed=st.integers(0, 2**32 - 1))
def test_too_few_rows(spec: Spec, data, dtype, seed):
    cfg = data.draw(spec.config.filter(lambda c: _rows(spec, c) < spec.min_rows))
    built = spec.make(np.random.default_rng(seed), cfg, dtype)
    with pytest.raises(ValueError, match=r"empty batch|at least one sample"):
        built.layer.forward(*built.inputs, *built.args, **spec.kwargs)


def test_every_layer_has_a_spec():
    exported = {
        obj
        for obj in vars(nnbook.layers).values()
        if inspect.isclass(obj) and issubclass(obj, Layer) and obj not in (Layer, LossLayer)
    }
    missing = sorted(cls.__name__ for cls in exported - {spec.layer for spec in SPECS})
    assert not missing, f"add a Spec to SPECS for {missing}"


# The loss functions of chapter 4 -------------------------------------------------

LOSSES = {
    "cross_entropy_error": cross_entropy_error,
    "sum_squared_error": sum_squared_error,
}


@pytest.mark.parametrize("name", LOSSES)
@SETTINGS
@given(
    shape=st.tuples(st.integers(1, 5), st.integers(2, 5)),
    one_hot=st.booleans(),
    dtype=st.sampled_from(DTYPES),
    seed=st.integers(0, 2**32 - 1),
)
def test_loss_functions(name, shape, one_hot, dtype, seed):
    rng = np.random.default_rng(seed)
    y = rng.dirichlet(np.ones(shape[1]), size=shape[0]).astype(dtype)
    t = rng.integers(0, shape[1], shape[0])
    t = np.eye(shape[1])[t] if one_hot else t
    y_before, t_before = y.copy(), t.copy()
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        loss = LOSSES[name](y, t)
        per_sample = [LOSSES[name](y[i], t[i]) for i in range(shape[0])]
    assert loss.dtype == dtype and np.isfinite(loss) and loss >= 0
    np.testing.assert_allclose(loss, np.mean(per_sample, dtype=np.float64), rtol=1e-2)
    np.testing.assert_array_equal(y, y_before)
    np.testing.assert_array_equal(t, t_before)
    with pytest.raises(ValueError, match="at least one sample"):
        LOSSES[name](y[:0], t[:0])
