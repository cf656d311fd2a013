"""The common test suite of every layer in `nnbook.layers`, plus the apple-shop examples.

Every entry of ``CASES`` is run through the same checks:

- ``test_gradient``: float64 gradient check of ``dx`` and of every parameter against
  central differences, with a random projection of the output
  (`nnbook.gradient_check.check_layer_gradient`);
- ``test_inputs_not_mutated``: ``forward`` leaves ``x`` (and the extra arguments) alone,
  ``backward`` leaves ``dout`` alone;
- ``test_shapes``: ``dx`` has ``x``'s shape and dtype, each ``grads[k]`` has
  ``params[k]``'s shape;
- ``test_backward_before_forward``: a fresh layer's ``backward`` raises ``RuntimeError``;
- ``test_float32_stays_float32``: a float32 input and float32 parameters give float32
  outputs and gradients.

How to add a layer: append ONE ``Case`` to ``CASES`` (keep the list in book order)::

    Case("Dropout-eval", lambda rng: (Dropout(0.5, rng=rng), rng.standard_normal((4, 6))),
         kwargs={"train_flg": False}),

``make(rng)`` returns ``(layer, x)``: a fresh layer with float64 parameters drawn from
``rng`` and a float64 input (a tuple of inputs for multi-input layers such as
``MulLayer``). Optional fields: ``args`` builds extra non-differentiated positional
arguments of ``forward`` from ``(rng, x)`` (``SoftmaxWithLoss``'s targets), ``kwargs``
are keyword arguments of ``forward`` (``{"train_flg": False}``), ``tol`` is the largest
relative error accepted (default 1e-7), ``float32=False`` skips the dtype test (which
rebinds ``layer.params[k]`` to float32 copies, so a layer must read its parameters from
``params`` at each call, and keep any other state in the input's dtype). A layer
whose ``forward`` is random in training (``Dropout``) must be made deterministic for the
gradient check (a fixed seed per forward, or ``train_flg=False``). Keep the inputs away
from kinks (ReLU at 0, ties in max-pooling): `away_from_zero` helps.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pytest

from nnbook.gradient_check import check_layer_gradient
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
from support import FixedMask


def away_from_zero(x: np.ndarray, margin: float = 0.05) -> np.ndarray:
    """Push entries of `x` at least `margin` away from 0 (keeps the finite differences
    off a kink such as ReLU's)."""
    return x + margin * np.where(x >= 0, 1.0, -1.0)


def labels(rng: np.random.Generator, x: np.ndarray) -> tuple:
    """Integer class labels for the rows of `x` (a loss layer's extra argument)."""
    return (rng.integers(0, x.shape[-1], size=x.shape[0]),)


def one_hot(rng: np.random.Generator, x: np.ndarray) -> tuple:
    """One-hot targets for the rows of `x`."""
    (t,) = labels(rng, x)
    return (np.eye(x.shape[-1])[t],)


@dataclass
class Case:
    """One layer configuration checked by every test below."""

    id: str
    make: Callable[[np.random.Generator], tuple]
    args: Callable[[np.random.Generator, object], tuple] = lambda rng, x: ()
    kwargs: dict = field(default_factory=dict)
    tol: float = 1e-7
    float32: bool = True


def _dropout(rng: np.random.Generator, ratio: float = 0.3) -> tuple:
    layer = Dropout(ratio)
    layer.rng = FixedMask(int(rng.integers(2**31)))  # fixed mask for the check
    return layer, rng.standard_normal((5, 6))


def _batchnorm(rng: np.random.Generator, x_shape: tuple[int, ...], **kw) -> tuple:
    d = int(np.prod(x_shape[1:]))
    gamma, beta = 1.0 + 0.5 * rng.standard_normal(d), rng.standard_normal(d)
    return BatchNormalization(gamma, beta, **kw), 1.0 + rng.standard_normal(x_shape)


def _deconv(rng, x_shape, w_shape, stride=1, pad=0) -> tuple:
    layer = Deconvolution(rng.standard_normal(w_shape), rng.standard_normal(w_shape[1]),
                          stride, pad)  # fmt: skip
    return layer, rng.standard_normal(x_shape)


def _affine(rng: np.random.Generator, x_shape: tuple[int, ...], m: int = 3) -> tuple:
    d = int(np.prod(x_shape[1:]))
    layer = Affine(rng.standard_normal((d, m)), rng.standard_normal(m))
    return layer, rng.standard_normal(x_shape)


def _conv(
    rng: np.random.Generator,
    x_shape: tuple[int, ...],
    w_shape: tuple[int, ...],
    stride: int = 1,
    pad: int = 0,
) -> tuple:
    layer = Convolution(
        rng.standard_normal(w_shape), rng.standard_normal(w_shape[0]), stride, pad
    )
    return layer, rng.standard_normal(x_shape)


def _pool(rng: np.random.Generator, x_shape: tuple[int, ...], *args, **kw) -> tuple:
    """A pooling layer and an input without near-ties (values at least 0.01 apart), so
    that the finite differences never change which value wins a window."""
    size = int(np.prod(x_shape))
    x = (rng.permutation(size) - size / 2).reshape(x_shape) * 0.01
    return Pooling(*args, **kw), x


CASES = [
    # 5.4 simple layers (several inputs: a tuple)
    Case("MulLayer", lambda rng: (MulLayer(), tuple(rng.standard_normal((2, 3, 4))))),
    Case(
        "MulLayer-broadcast",
        lambda rng: (MulLayer(), (rng.standard_normal((3, 4)), rng.standard_normal(4))),
    ),
    Case("AddLayer", lambda rng: (AddLayer(), tuple(rng.standard_normal((2, 3, 4))))),
    # 5.5 activation layers
    Case("Relu", lambda rng: (Relu(), away_from_zero(rng.standard_normal((4, 5))))),
    Case(
        "Relu-4d", lambda rng: (Relu(), away_from_zero(rng.standard_normal((2, 3, 4, 4))))
    ),
    Case("Sigmoid", lambda rng: (Sigmoid(), rng.standard_normal((4, 5)))),
    # 5.6 Affine and Softmax-with-Loss
    Case("Affine", lambda rng: _affine(rng, (4, 5))),
    Case("Affine-4d", lambda rng: _affine(rng, (2, 3, 4, 4))),
    Case("Affine-batch1", lambda rng: _affine(rng, (1, 6), m=1)),
    Case(
        "SoftmaxWithLoss-labels",
        lambda rng: (SoftmaxWithLoss(), rng.standard_normal((5, 4))),
        args=labels,
    ),
    Case(
        "SoftmaxWithLoss-onehot",
        lambda rng: (SoftmaxWithLoss(), rng.standard_normal((5, 4))),
        args=one_hot,
    ),
    # 6.3 Batch Normalization: training mode (batch statistics) and inference mode
    Case("BatchNormalization", lambda rng: _batchnorm(rng, (6, 5))),
    Case("BatchNormalization-4d", lambda rng: _batchnorm(rng, (4, 2, 3, 3))),
    Case(
        "BatchNormalization-eval",
        lambda rng: _batchnorm(
            rng,
            (4, 5),
            running_mean=rng.standard_normal(5),
            running_var=0.5 + rng.random(5),
        ),
        kwargs={"train_flg": False},
    ),
    # 6.4.3 Dropout: training with its mask fixed, and inference
    Case("Dropout", _dropout),
    Case("Dropout-eval", _dropout, kwargs={"train_flg": False}),
    # 7.4 Convolution: strides 1 and 2, pads 0, 1, 2, non-square filters, odd sizes
    Case("Convolution", lambda rng: _conv(rng, (2, 3, 7, 7), (4, 3, 3, 3))),
    Case("Convolution-1ch", lambda rng: _conv(rng, (3, 1, 8, 8), (2, 1, 5, 5))),
    Case("Convolution-pad1", lambda rng: _conv(rng, (2, 2, 5, 5), (3, 2, 3, 3), pad=1)),
    Case("Convolution-pad2", lambda rng: _conv(rng, (1, 2, 4, 5), (2, 2, 2, 3), pad=2)),
    Case("Convolution-stride2", lambda rng: _conv(rng, (2, 3, 7, 8), (2, 3, 3, 2), 2, 1)),
    Case(
        "Convolution-stride2-pad2",
        lambda rng: _conv(rng, (1, 2, 6, 6), (3, 2, 3, 3), 2, 2),
    ),
    Case("Convolution-stride3", lambda rng: _conv(rng, (2, 1, 9, 7), (2, 1, 2, 2), 3)),
    # 7.4 Pooling: 2x2 stride 2, odd sizes, overlapping, gaps, padding
    Case("Pooling", lambda rng: _pool(rng, (2, 3, 6, 6), 2, 2, stride=2)),
    Case("Pooling-odd", lambda rng: _pool(rng, (2, 2, 5, 7), 2, 2, stride=2)),
    Case("Pooling-3x3-stride2", lambda rng: _pool(rng, (2, 2, 7, 7), 3, 3, stride=2)),
    Case("Pooling-2x2-stride1", lambda rng: _pool(rng, (1, 2, 4, 5), 2, 2, stride=1)),
    Case("Pooling-2x3-stride3", lambda rng: _pool(rng, (2, 2, 8, 9), 2, 3, stride=3)),
    Case("Pooling-3x3-pad1", lambda rng: _pool(rng, (2, 2, 6, 6), 3, 3, stride=2, pad=1)),
    Case("Pooling-1x1", lambda rng: _pool(rng, (1, 2, 3, 3), 1, 1, stride=1)),
    # Beyond the book (the GAN): leaky ReLU, tanh, sigmoid with binary cross-entropy
    Case(
        "LeakyRelu",
        lambda rng: (LeakyRelu(0.2), away_from_zero(rng.standard_normal((4, 5)))),
    ),
    Case(
        "LeakyRelu-4d",
        lambda rng: (LeakyRelu(0.1), away_from_zero(rng.standard_normal((2, 3, 4, 4)))),
    ),
    Case("Tanh", lambda rng: (Tanh(), rng.standard_normal((4, 5)))),
    Case(
        "SigmoidWithLoss-binary",
        lambda rng: (SigmoidWithLoss(), 2 * rng.standard_normal((6, 1))),
        args=lambda rng, x: (rng.integers(0, 2, x.shape).astype(float),),
    ),
    Case(
        "SigmoidWithLoss-soft",
        lambda rng: (SigmoidWithLoss(), 2 * rng.standard_normal((6,))),
        args=lambda rng, x: (rng.random(x.shape),),
    ),
    # ... and the convolutional GAN's: transposed convolution, reshape, per-channel BN
    Case("Deconvolution", lambda rng: _deconv(rng, (2, 3, 3, 4), (3, 2, 3, 3))),
    Case(
        "Deconvolution-stride2-pad1",
        lambda rng: _deconv(rng, (2, 4, 3, 3), (4, 3, 4, 4), 2, 1),
    ),
    Case("Deconvolution-stride3", lambda rng: _deconv(rng, (1, 2, 2, 3), (2, 2, 2, 3), 3)),
    Case("Reshape", lambda rng: (Reshape((2, 3, 2)), rng.standard_normal((4, 12)))),
    Case(
        "SpatialBatchNormalization",
        lambda rng: (
            SpatialBatchNormalization(
                1 + 0.5 * rng.standard_normal(3), rng.standard_normal(3)
            ),
            1.0 + rng.standard_normal((4, 3, 2, 3)),
        ),
    ),
    Case(
        "SpatialBatchNormalization-eval",
        lambda rng: (
            SpatialBatchNormalization(
                1 + 0.5 * rng.standard_normal(3),
                rng.standard_normal(3),
                running_mean=rng.standard_normal(3),
                running_var=0.5 + rng.random(3),
            ),
            rng.standard_normal((2, 3, 2, 2)),
        ),
        kwargs={"train_flg": False},
    ),
]


def _as_tuple(x) -> tuple:
    return x if isinstance(x, tuple) else (x,)


def _forward(case: Case, layer, x, extra):
    return layer.forward(*_as_tuple(x), *extra, **case.kwargs)


@pytest.fixture(params=CASES, ids=lambda case: case.id)
def case(request) -> Case:
    return request.param


def test_gradient(case: Case):
    rng = np.random.default_rng(20240501)
    layer, x = case.make(rng)
    errors = check_layer_gradient(
        layer, x, args=case.args(rng, x), kwargs=case.kwargs, rng=rng
    )
    assert set(errors) >= set(layer.params)
    assert max(errors.values()) < case.tol, errors


def test_inputs_not_mutated(case: Case):
    rng = np.random.default_rng(1)
    layer, x = case.make(rng)
    extra = case.args(rng, x)
    params_before = {k: v.copy() for k, v in layer.params.items()}
    x_before = [xi.copy() for xi in _as_tuple(x)]
    extra_before = [np.array(e, copy=True) for e in extra]
    out = np.asarray(_forward(case, layer, x, extra))
    dout = rng.standard_normal(out.shape)
    dout_before = dout.copy()
    layer.backward(dout if out.ndim else float(dout))
    for xi, before in zip(_as_tuple(x), x_before, strict=True):
        np.testing.assert_array_equal(xi, before)
    for e, before in zip(extra, extra_before, strict=True):
        np.testing.assert_array_equal(e, before)
    np.testing.assert_array_equal(dout, dout_before)
    for k, v in layer.params.items():  # backward does not update parameters
        np.testing.assert_array_equal(v, params_before[k])


def test_shapes(case: Case):
    rng = np.random.default_rng(2)
    layer, x = case.make(rng)
    out = np.asarray(_forward(case, layer, x, case.args(rng, x)))
    dxs = layer.backward(rng.standard_normal(out.shape) if out.ndim else 1.0)
    for xi, dxi in zip(_as_tuple(x), _as_tuple(dxs), strict=True):
        assert dxi.shape == xi.shape
        assert dxi.dtype == xi.dtype
    assert set(layer.grads) == set(layer.params)
    for k, v in layer.params.items():
        assert layer.grads[k].shape == v.shape


def test_backward_before_forward(case: Case):
    layer, x = case.make(np.random.default_rng(3))
    with pytest.raises(RuntimeError, match="before forward"):
        layer.backward(np.ones(np.shape(_as_tuple(x)[0])))


def test_dout_of_the_wrong_shape_is_refused(case: Case):
    rng = np.random.default_rng(7)
    layer, x = case.make(rng)
    out = np.asarray(_forward(case, layer, x, case.args(rng, x)))
    # One extra row (a scalar loss gets an array): never silently broadcast.
    bad = np.ones((1, *out.shape)) if out.ndim == 0 else np.ones((out.shape[0] + 1,))
    with pytest.raises(ValueError, match=r"dout of shape|scalar dout"):
        layer.backward(bad)


def test_input_changed_after_forward_does_not_change_backward(case: Case):
    rng = np.random.default_rng(8)
    layer, x = case.make(rng)
    extra = case.args(rng, x)
    out = np.asarray(_forward(case, layer, x, extra))
    dout = rng.standard_normal(out.shape) if out.ndim else 1.0
    expected = [np.array(d, copy=True) for d in _as_tuple(layer.backward(dout))]
    expected_grads = {k: v.copy() for k, v in layer.grads.items()}
    for xi in _as_tuple(x):
        xi[...] = 1e3  # the caller reuses its buffer
    for e in extra:
        e[...] = 0
    got = _as_tuple(layer.backward(dout))
    for g, want in zip(got, expected, strict=True):
        np.testing.assert_array_equal(g, want)
    for k, v in layer.grads.items():
        np.testing.assert_array_equal(v, expected_grads[k])


def test_float32_stays_float32(case: Case):
    if not case.float32:
        pytest.skip("this case does not support float32")
    rng = np.random.default_rng(4)
    layer, x = case.make(rng)
    # Rebinding is fine here: the layer is not shared with a network.
    layer.params.update({k: v.astype(np.float32) for k, v in layer.params.items()})
    x32 = tuple(xi.astype(np.float32) for xi in _as_tuple(x))
    extra = case.args(rng, x32[0])
    out = np.asarray(layer.forward(*x32, *extra, **case.kwargs))
    assert out.dtype == np.float32
    dxs = layer.backward(np.ones(out.shape, np.float32) if out.ndim else np.float32(1))
    for dxi in _as_tuple(dxs):
        assert dxi.dtype == np.float32
    for g in layer.grads.values():
        assert g.dtype == np.float32


# Worked examples: the apple shop of section 5.4 -------------------------------------


def test_buy_apple():
    mul_apple_layer, mul_tax_layer = MulLayer(), MulLayer()
    apple_price = mul_apple_layer.forward(100, 2)
    price = mul_tax_layer.forward(apple_price, 1.1)
    dapple_price, dtax = mul_tax_layer.backward(1)
    dapple, dapple_num = mul_apple_layer.backward(dapple_price)
    assert f"{int(price)}" == "220"
    assert f"{dapple} {int(dapple_num)} {dtax}" == "2.2 110 200"


def test_buy_apple_orange(capsys):
    mul_apple, mul_orange, mul_tax = MulLayer(), MulLayer(), MulLayer()
    add_fruit = AddLayer()
    all_price = add_fruit.forward(mul_apple.forward(100, 2), mul_orange.forward(150, 3))
    price = mul_tax.forward(all_price, 1.1)
    dall_price, dtax = mul_tax.backward(1)
    dapple_price, dorange_price = add_fruit.backward(dall_price)
    dorange, dorange_num = mul_orange.backward(dorange_price)
    dapple, dapple_num = mul_apple.backward(dapple_price)
    print("price:", int(price))
    print("dApple:", dapple)
    print("dApple_num:", int(dapple_num))
    print("dOrange:", dorange)
    print("dOrange_num:", int(dorange_num))
    print("dTax:", dtax)
    assert capsys.readouterr().out.splitlines() == [
        "price: 715",
        "dApple: 2.2",
        "dApple_num: 110",
        "dOrange: 3.3000000000000003",
        "dOrange_num: 165",
        "dTax: 650",
    ]


# Layer-specific behaviour ------------------------------------------------------------


def test_softmax_with_loss_backward_is_y_minus_t_over_n():
    rng = np.random.default_rng(5)
    x = rng.standard_normal((6, 3))
    t = rng.integers(0, 3, 6)
    layer = SoftmaxWithLoss()
    layer.forward(x, t)
    y = np.exp(x) / np.exp(x).sum(axis=1, keepdims=True)
    np.testing.assert_allclose(layer.backward(), (y - np.eye(3)[t]) / 6, rtol=1e-12)
    np.testing.assert_allclose(layer.backward(2.0), 2 * (y - np.eye(3)[t]) / 6, rtol=1e-12)


def test_softmax_with_loss_labels_equal_one_hot():
    rng = np.random.default_rng(6)
    x = rng.standard_normal((6, 3))
    t = rng.integers(0, 3, 6)
    a, b = SoftmaxWithLoss(), SoftmaxWithLoss()
    assert a.forward(x, t) == pytest.approx(b.forward(x, np.eye(3)[t]), rel=1e-15)
    np.testing.assert_array_equal(a.backward(), b.backward())


def test_affine_shares_parameters_by_reference():
    W, b = np.ones((3, 2)), np.zeros(2)
    layer = Affine(W, b)
    assert layer.params["W"] is W and layer.params["b"] is b
    W -= 0.5  # an optimizer's in-place update reaches the layer
    np.testing.assert_array_equal(layer.forward(np.ones((1, 3))), [[1.5, 1.5]])
    assert layer.W is W


@pytest.mark.parametrize(
    ("x_shape", "message"), [((4,), "expects a batch"), ((2, 5), "expects 4")]
)
def test_affine_rejects_bad_input(x_shape, message):
    layer = Affine(np.ones((4, 3)), np.zeros(3))
    with pytest.raises(ValueError, match=message):
        layer.forward(np.ones(x_shape))


def test_book_attribute_names_after_forward():
    """Section 5.5 and 6.3 read these attributes; they are what backward uses."""
    relu, sigmoid = Relu(), Sigmoid()
    x = np.array([[-1.0, 2.0]])
    relu.forward(x)
    np.testing.assert_array_equal(relu.mask, [[True, False]])
    np.testing.assert_array_equal(sigmoid.forward(x), sigmoid.out)
    affine = Affine(np.ones((4, 2)), np.zeros(2))
    affine.forward(np.ones((3, 2, 2)))
    assert affine.x.shape == (3, 4) and affine.original_x_shape == (3, 2, 2)
    bn = BatchNormalization(np.ones(2), np.zeros(2))
    bn.forward(np.array([[1.0, 2.0], [3.0, 6.0]]))
    assert bn.batch_size == 2 and bn.input_shape == (2, 2)
    np.testing.assert_array_equal(bn.xc, [[-1.0, -2.0], [1.0, 2.0]])
    np.testing.assert_allclose(bn.std, np.sqrt(np.array([1.0, 4.0]) + 1e-6))


def test_book_style_parameter_assignment_copies_into_the_shared_array():
    W, b = np.ones((3, 2)), np.zeros(2)
    layer = Affine(W, b)
    layer.W = np.full((3, 2), 2.0)  # what the book's load_params does
    layer.b = [1.0, 1.0]
    assert layer.params["W"] is W and layer.W is W
    np.testing.assert_array_equal(W, 2.0)
    np.testing.assert_array_equal(b, 1.0)
    with pytest.raises(ValueError, match=r"shape \(3, 2\).*shape \(2, 3\)"):
        layer.W = np.ones((2, 3))
    np.testing.assert_array_equal(W, 2.0)


def test_affine_first_layer_can_skip_dx():
    layer = Affine(np.ones((3, 2)), np.zeros(2))
    layer.forward(np.ones((4, 3)))
    assert layer.backward(np.ones((4, 2)), need_dx=False) is None
    np.testing.assert_array_equal(layer.dW, np.full((3, 2), 4.0))


def test_relu_backward_zero_where_input_not_positive():
    layer = Relu()
    layer.forward(np.array([[-1.0, 0.0, 2.0]]))
    np.testing.assert_array_equal(
        layer.backward(np.array([[5.0, 6.0, 7.0]])), [[0, 0, 7.0]]
    )


@pytest.mark.parametrize("dtype", ["float16", "float32", "float64", ">f4", "int64"])
def test_relu_backward_is_the_books_masked_assignment_bit_for_bit(dtype):
    # The bitwise AND gives +0.0 where x <= 0 whatever dout holds there (negative
    # numbers, -0.0, inf, NaN), and dout's bits elsewhere: what `dout[mask] = 0` gives.
    rng = np.random.default_rng(11)
    x = rng.standard_normal((7, 9))
    x[0, :3] = 0.0
    dout = (10 * rng.standard_normal((7, 9))).astype(dtype)
    if dout.dtype.kind == "f":
        dout[1, :4] = [np.nan, np.inf, -np.inf, -0.0]
        dout[2, :2] = [np.nan, -0.0]
        x[1, :4] = [-1.0, -1.0, 1.0, -1.0]
    expected = dout.copy()
    expected[x <= 0] = 0
    layer = Relu()
    layer.forward(x)
    before = dout.copy()
    got = layer.backward(dout)
    assert got.dtype == dout.dtype and got.shape == dout.shape
    assert got.tobytes() == expected.tobytes()  # bits: +0.0, never -0.0; NaN kept
    assert dout.tobytes() == before.tobytes()  # dout itself is left alone
    strided = np.asarray(np.repeat(dout, 2, axis=1)[:, ::2])  # not contiguous
    assert layer.backward(strided).tobytes() == expected.tobytes()


def test_affine_keeps_a_copy_of_x_unless_told_not_to():
    x = np.ones((2, 3))
    layer = Affine(np.ones((3, 2)), np.zeros(2))
    layer.forward(x)
    x += 1  # the caller changes its array before backward
    layer.backward(np.ones((2, 2)))
    np.testing.assert_array_equal(layer.dW, np.full((3, 2), 2.0))  # from the old x
    layer.forward(x, copy_x=False)
    assert np.shares_memory(layer.x, x)
    np.testing.assert_array_equal(layer.x, x)


def test_softmax_with_loss_keeps_its_numbers_bit_for_bit():
    # The formula before the forward pass was trimmed: log y in full, then picked.
    rng = np.random.default_rng(12)
    for dtype in (np.float32, np.float64):
        x = (3 * rng.standard_normal((50, 10))).astype(dtype)
        t = rng.integers(0, 10, 50)
        shifted = x - np.max(x, axis=1, keepdims=True)
        exp = np.exp(shifted)
        total_exp = np.sum(exp, axis=1, keepdims=True)
        log_y = shifted - np.log(total_exp)
        loss = (-np.sum(log_y[np.arange(50), t]) / 50).astype(dtype)
        y = exp / total_exp
        dx = y.copy()
        dx[np.arange(50), t] -= 1
        layer = SoftmaxWithLoss()
        got = layer.forward(x, t)
        assert got.dtype == dtype and got.tobytes() == loss.tobytes()
        assert layer.y.tobytes() == y.tobytes()
        assert layer.backward().tobytes() == (dx / 50 * dtype(1)).tobytes()
        assert layer.backward(np.float32(3)).tobytes() == (dx / 50 * dtype(3)).tobytes()
        onehot = np.eye(10, dtype=dtype)[t]
        assert layer.forward(x, onehot).tobytes() == (
            (-np.sum(onehot * log_y) / 50).astype(dtype).tobytes()
        )


def test_leaky_relu_with_alpha_zero_is_relu():
    rng = np.random.default_rng(9)
    x, dout = rng.standard_normal((5, 4)), rng.standard_normal((5, 4))
    leaky, relu = LeakyRelu(0.0), Relu()
    np.testing.assert_array_equal(leaky.forward(x), relu.forward(x))
    np.testing.assert_array_equal(leaky.backward(dout), relu.backward(dout))
    with pytest.raises(ValueError, match=r"alpha .* \[0, 1\)"):
        LeakyRelu(1.5)


def test_sigmoid_with_loss_is_finite_for_any_logit():
    layer = SigmoidWithLoss()
    for dtype in (np.float32, np.float64):
        x = np.array([-1e30, -1e4, -100.0, 0.0, 100.0, 1e4, 1e30], dtype=dtype)
        for t in (np.zeros_like(x), np.ones_like(x)):
            loss = layer.forward(x, t)
            assert np.isfinite(loss) and loss.dtype == dtype
            dx = layer.backward()
            assert np.all(np.isfinite(dx))
            # Saturated scores give the exact gradient (sigma - t)/M: 0 or +-1/M.
            np.testing.assert_allclose(dx, (layer.y - t) / x.size)


def test_sigmoid_with_loss_equals_binary_cross_entropy_of_probabilities():
    rng = np.random.default_rng(10)
    x, t = rng.standard_normal((8, 1)), rng.random((8, 1))
    y = 1 / (1 + np.exp(-x))
    expected = -np.mean(t * np.log(y) + (1 - t) * np.log(1 - y))
    assert SigmoidWithLoss().forward(x, t) == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize(
    ("t", "message"),
    [(np.ones(3), "do not fit scores"), (np.full((3, 1), 2.0), r"in \[0, 1\]")],
)
def test_sigmoid_with_loss_rejects_bad_targets(t, message):
    layer = SigmoidWithLoss()
    with pytest.raises(ValueError, match=message):
        layer.forward(np.zeros((3, 1)), t)
    assert layer.y is None  # a refused call changes nothing


def test_deconvolution_forward_is_convolution_backward():
    """The transposed convolution's forward pass is the convolution's dx, and back."""
    rng = np.random.default_rng(11)
    W = rng.standard_normal((4, 3, 4, 4))  # conv: 3 channels in, 4 filters
    conv = Convolution(W, np.zeros(4), stride=2, pad=1)
    deconv = Deconvolution(W, np.zeros(3), stride=2, pad=1)  # the same W, read (C, FN, ...)
    x = rng.standard_normal((2, 3, 8, 8))
    y = conv.forward(x)  # (2, 4, 4, 4)
    g = rng.standard_normal(y.shape)
    np.testing.assert_allclose(deconv.forward(g), conv.backward(g), rtol=1e-10)
    np.testing.assert_allclose(deconv.backward(x), y, rtol=1e-10)


def test_spatial_batchnorm_shares_statistics_across_pixels():
    rng = np.random.default_rng(12)
    x = rng.standard_normal((5, 3, 4, 4)) * np.array([1.0, 5.0, 0.1])[:, None, None] + 3
    y = SpatialBatchNormalization(np.ones(3), np.zeros(3)).forward(x)
    np.testing.assert_allclose(y.mean(axis=(0, 2, 3)), 0, atol=1e-10)
    np.testing.assert_allclose(y.std(axis=(0, 2, 3)), 1, atol=1e-4)
