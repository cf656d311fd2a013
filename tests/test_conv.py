"""Chapter 7: `nnbook.conv` (output size, im2col, col2im) and the Convolution and
Pooling layers, checked against the book's values and against plain loops written here.

The layers' gradient checks live in the common suite (tests/test_layers.py); here the
forward and backward passes are compared with naive implementations that follow the
definitions one index at a time.
"""

from __future__ import annotations

import numpy as np
import pytest

from nnbook.conv import col2im, conv_output_size, im2col
from nnbook.layers import Convolution, Pooling

# Naive implementations: the definitions, loop by loop ---------------------------------


def naive_out(size: int, f: int, stride: int, pad: int) -> int:
    return (size + 2 * pad - f) // stride + 1


def naive_conv(x, W, b, stride, pad):
    N, _, H, Wd = x.shape
    FN, _, FH, FW = W.shape
    OH, OW = naive_out(H, FH, stride, pad), naive_out(Wd, FW, stride, pad)
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    out = np.zeros((N, FN, OH, OW), dtype=np.float64)
    for n in range(N):
        for f in range(FN):
            for i in range(OH):
                for j in range(OW):
                    patch = xp[
                        n, :, i * stride : i * stride + FH, j * stride : j * stride + FW
                    ]
                    out[n, f, i, j] = np.sum(patch * W[f]) + b[f]
    return out


def naive_conv_backward(x, W, dout, stride, pad):
    N, _, H, Wd = x.shape
    FN, _, FH, FW = W.shape
    _, _, OH, OW = dout.shape
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    dxp, dW = np.zeros(xp.shape), np.zeros(W.shape)
    for n in range(N):
        for f in range(FN):
            for i in range(OH):
                for j in range(OW):
                    win = (n, slice(None), slice(i * stride, i * stride + FH))
                    win += (slice(j * stride, j * stride + FW),)
                    dW[f] += dout[n, f, i, j] * xp[win]
                    dxp[win] += dout[n, f, i, j] * W[f]
    db = dout.sum(axis=(0, 2, 3))
    return dxp[:, :, pad : pad + H, pad : pad + Wd], dW, db


def naive_pool(x, ph, pw, stride, pad, dout):
    """Forward, arg_max (first maximum in reading order) and dx, by loops."""
    N, C, H, Wd = x.shape
    OH, OW = naive_out(H, ph, stride, pad), naive_out(Wd, pw, stride, pad)
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)), constant_values=-np.inf)
    out = np.zeros((N, C, OH, OW))
    arg = np.zeros((N, C, OH, OW), dtype=int)
    dxp = np.zeros(xp.shape)
    for n in range(N):
        for c in range(C):
            for i in range(OH):
                for j in range(OW):
                    win = xp[
                        n, c, i * stride : i * stride + ph, j * stride : j * stride + pw
                    ]
                    k = int(np.argmax(win))  # the first maximum, in reading order
                    out[n, c, i, j], arg[n, c, i, j] = win.flat[k], k
                    ky, kx = divmod(k, pw)
                    dxp[n, c, i * stride + ky, j * stride + kx] += dout[n, c, i, j]
    return out, arg, dxp[:, :, pad : pad + H, pad : pad + Wd]


def naive_im2col(x, FH, FW, stride, pad):
    N, _, H, Wd = x.shape
    OH, OW = naive_out(H, FH, stride, pad), naive_out(Wd, FW, stride, pad)
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    rows = []
    for n in range(N):
        for i in range(OH):
            for j in range(OW):
                patch = xp[n, :, i * stride : i * stride + FH, j * stride : j * stride + FW]
                rows.append(patch.reshape(-1))  # (c, ky, kx)
    return np.array(rows)


CONFIGS = [  # x shape, (FN, FH, FW), stride, pad
    ((2, 3, 7, 7), (4, 3, 3), 1, 0),
    ((1, 1, 6, 5), (2, 5, 5), 1, 2),
    ((2, 2, 5, 6), (3, 3, 2), 2, 1),
    ((1, 2, 5, 5), (2, 2, 2), 1, 3),  # pad larger than FH - 1
    ((3, 2, 9, 8), (2, 3, 3), 3, 0),  # the stride leaves the last rows out
]

# conv_output_size ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "expected"),
    [((4, 3, 1, 1), 4), ((7, 3, 2, 0), 3), ((28, 5, 3, 2), 10), ((31, 5, 3, 2), 11)],
)
def test_conv_output_size_book_values(args, expected):
    out = conv_output_size(*args)
    assert out == expected and type(out) is int


def test_conv_output_size_uneven_is_refused_or_floored():
    with pytest.raises(ValueError, match=r"does not fit .* evenly.*11\.5.*floor=True"):
        conv_output_size(28, 5, stride=2, pad=0)
    assert conv_output_size(28, 5, stride=2, floor=True) == 12


@pytest.mark.parametrize(
    ("args", "error", "message"),
    [
        ((4, 7), ValueError, "does not fit an input of size 4"),
        ((4, 3, 0), ValueError, "stride must be at least 1"),
        ((4, 3, 1, -1), ValueError, "pad must be at least 0"),
        ((4.0, 3), TypeError, "input_size must be an integer"),
    ],
)
def test_conv_output_size_errors(args, error, message):
    with pytest.raises(error, match=message):
        conv_output_size(*args)


# im2col / col2im ----------------------------------------------------------------------

BOOK_X = np.array([[1, 2, 3, 0], [0, 1, 2, 3], [3, 0, 1, 2], [2, 3, 0, 1]])
BOOK_W = np.array([[2, 0, 1], [0, 1, 2], [1, 0, 2]])


def _conv_by_im2col(x, w, stride=1, pad=0):
    col = im2col(x.reshape(1, 1, *x.shape), *w.shape, stride=stride, pad=pad)
    oh = conv_output_size(x.shape[0], w.shape[0], stride, pad)
    return (col @ w.reshape(-1)).reshape(oh, -1)


def test_book_convolution_values():
    np.testing.assert_array_equal(_conv_by_im2col(BOOK_X, BOOK_W), [[15, 16], [6, 15]])
    np.testing.assert_array_equal(_conv_by_im2col(BOOK_X, BOOK_W) + 3, [[18, 19], [9, 18]])
    np.testing.assert_array_equal(
        _conv_by_im2col(BOOK_X, BOOK_W, pad=1),
        [[7, 12, 10, 2], [4, 15, 16, 10], [10, 6, 15, 6], [8, 10, 4, 3]],
    )
    np.testing.assert_array_equal(
        _conv_by_im2col(np.arange(49).reshape(7, 7), BOOK_W, stride=2),
        [[74, 92, 110], [200, 218, 236], [326, 344, 362]],
    )


def test_book_im2col_shapes():
    rng = np.random.default_rng(0)
    assert im2col(rng.random((1, 3, 7, 7)), 5, 5, stride=1, pad=0).shape == (9, 75)
    assert im2col(rng.random((10, 3, 7, 7)), 5, 5, stride=1, pad=0).shape == (90, 75)


@pytest.mark.parametrize(("x_shape", "filt", "stride", "pad"), CONFIGS)
def test_im2col_matches_loops(x_shape, filt, stride, pad):
    x = np.random.default_rng(1).standard_normal(x_shape)
    np.testing.assert_array_equal(
        im2col(x, filt[1], filt[2], stride, pad),
        naive_im2col(x, filt[1], filt[2], stride, pad),
    )


@pytest.mark.parametrize(("x_shape", "filt", "stride", "pad"), CONFIGS)
def test_col2im_is_the_adjoint_of_im2col(x_shape, filt, stride, pad):
    rng = np.random.default_rng(2)
    a = rng.standard_normal(x_shape)
    col = im2col(a, filt[1], filt[2], stride, pad)
    g = rng.standard_normal(col.shape)
    lhs = np.sum(col * g)
    rhs = np.sum(a * col2im(g, x_shape, filt[1], filt[2], stride, pad))
    assert lhs == pytest.approx(rhs, rel=1e-12)


def test_col2im_sums_overlaps():
    out = col2im(im2col(np.ones((1, 1, 3, 3)), 2, 2), (1, 1, 3, 3), 2, 2)
    np.testing.assert_array_equal(out[0, 0], [[1, 2, 1], [2, 4, 2], [1, 2, 1]])


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int64])
def test_im2col_col2im_keep_the_dtype(dtype):
    x = np.ones((2, 3, 5, 5), dtype=dtype)
    col = im2col(x, 3, 3, stride=2, pad=1)
    assert col.dtype == dtype
    assert col2im(col, x.shape, 3, 3, stride=2, pad=1).dtype == dtype


def test_im2col_col2im_errors():
    with pytest.raises(ValueError, match=r"shape \(N, C, H, W\).*reshape\(1, 1, H, W\)"):
        im2col(np.ones((4, 4)), 3, 3)
    with pytest.raises(ValueError, match="does not fit an input of size 4"):
        im2col(np.ones((1, 1, 4, 4)), 5, 5)
    with pytest.raises(ValueError, match=r"expected \(4, 9\)"):
        col2im(np.ones((4, 8)), (1, 1, 4, 4), 3, 3)


# The Convolution layer ----------------------------------------------------------------


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize(("x_shape", "filt", "stride", "pad"), CONFIGS)
def test_convolution_matches_loops(x_shape, filt, stride, pad, dtype):
    rng = np.random.default_rng(3)
    W = rng.standard_normal((filt[0], x_shape[1], filt[1], filt[2])).astype(dtype)
    b = rng.standard_normal(filt[0]).astype(dtype)
    x = rng.standard_normal(x_shape).astype(dtype)
    layer = Convolution(W, b, stride, pad)
    out = layer.forward(x)
    expected = naive_conv(x.astype(np.float64), W, b, stride, pad)
    assert out.shape == expected.shape and out.dtype == dtype
    tol = 1e-12 if dtype == np.float64 else 1e-5
    np.testing.assert_allclose(out, expected, rtol=tol, atol=tol)
    dout = rng.standard_normal(out.shape).astype(dtype)
    dx = layer.backward(dout)
    want_dx, want_dW, want_db = naive_conv_backward(x, W, dout, stride, pad)
    for got, want in ((dx, want_dx), (layer.dW, want_dW), (layer.db, want_db)):
        assert got.dtype == dtype and got.shape == want.shape
        np.testing.assert_allclose(got, want, rtol=tol, atol=tol * 10)


def test_convolution_book_values():
    layer = Convolution(BOOK_W.reshape(1, 1, 3, 3).astype(float), np.array([3.0]))
    out = layer.forward(BOOK_X.reshape(1, 1, 4, 4).astype(float))
    np.testing.assert_array_equal(out[0, 0], [[18, 19], [9, 18]])
    assert layer.col.shape == (4, 9) and layer.col_W.shape == (9, 1)
    assert layer.x.shape == (1, 1, 4, 4)


def test_convolution_first_layer_skips_dx():
    rng = np.random.default_rng(4)
    layer = Convolution(rng.standard_normal((2, 1, 3, 3)), np.zeros(2))
    x = rng.standard_normal((2, 1, 5, 5))
    dout = rng.standard_normal(layer.forward(x).shape)
    assert Convolution.can_skip_dx
    assert layer.backward(dout, need_dx=False) is None
    dW = layer.dW.copy()
    layer.backward(dout)
    np.testing.assert_array_equal(layer.dW, dW)


def test_convolutions_chain_on_their_own_memory_layout():
    """A convolution's output is laid out images-last in memory; the next layers
    accept it, and a plain NCHW-contiguous dout works too."""
    rng = np.random.default_rng(5)
    c1 = Convolution(rng.standard_normal((3, 2, 3, 3)), rng.standard_normal(3), pad=1)
    c2 = Convolution(rng.standard_normal((4, 3, 3, 3)), rng.standard_normal(4))
    pool = Pooling(2, 2, stride=2)
    x = rng.standard_normal((2, 2, 6, 6))
    h = c1.forward(x)
    assert not h.flags.c_contiguous
    y = pool.forward(c2.forward(h))
    h64 = naive_conv(x, c1.W, c1.b, 1, 1)
    want, _, _ = naive_pool(
        naive_conv(h64, c2.W, c2.b, 1, 0), 2, 2, 2, 0, np.zeros(y.shape)
    )
    np.testing.assert_allclose(y, want, rtol=1e-12)
    dout = np.ascontiguousarray(rng.standard_normal(y.shape))
    dh = c2.backward(pool.backward(dout))
    assert dh.shape == h.shape


def test_convolution_keeps_dtype_without_float64_detour():
    rng = np.random.default_rng(6)
    layer = Convolution(
        rng.standard_normal((2, 3, 3, 3)).astype(np.float32), np.zeros(2, np.float32), 2, 1
    )
    out = layer.forward(rng.standard_normal((2, 3, 6, 6)).astype(np.float32))
    assert out.dtype == layer.col.dtype == np.float32
    dx = layer.backward(np.ones(out.shape, np.float32))
    assert dx.dtype == layer.dW.dtype == layer.db.dtype == np.float32


@pytest.mark.parametrize(
    ("make", "error", "message"),
    [
        (lambda: Convolution(np.ones((2, 3, 3)), np.zeros(2)), ValueError, "FN, C, FH"),
        (lambda: Convolution(np.ones((2, 1, 3, 3)), np.zeros(3)), ValueError, "b of shape"),
        (
            lambda: Convolution(np.ones((1, 1, 3, 3)), np.zeros(1), stride=0),
            ValueError,
            "stride",
        ),
        (
            lambda: Convolution(np.ones((1, 1, 3, 3)), np.zeros(1), pad=1.5),
            TypeError,
            "pad",
        ),
    ],
)
def test_convolution_constructor_errors(make, error, message):
    with pytest.raises(error, match=message):
        make()


@pytest.mark.parametrize(
    ("x_shape", "message"),
    [
        ((1, 2, 5, 5), r"expects x of shape \(N, 1, H, W\)"),
        ((1, 5, 5), r"expects x of shape \(N, 1, H, W\)"),
        ((1, 1, 2, 5), "does not fit an input of size 2"),
    ],
)
def test_convolution_forward_errors(x_shape, message):
    layer = Convolution(np.ones((1, 1, 3, 3)), np.zeros(1))
    with pytest.raises(ValueError, match=message):
        layer.forward(np.ones(x_shape))
    assert layer.x is None and layer.col is None  # a failed call changes nothing


# The Pooling layer --------------------------------------------------------------------

POOLS = [  # x shape, pool_h, pool_w, stride, pad
    ((2, 3, 6, 6), 2, 2, 2, 0),
    ((2, 2, 7, 5), 2, 2, 2, 0),
    ((1, 2, 7, 7), 3, 3, 2, 0),
    ((1, 2, 5, 6), 2, 2, 1, 0),
    ((2, 1, 8, 9), 2, 3, 3, 0),
    ((1, 2, 6, 6), 3, 3, 2, 1),
    ((1, 1, 7, 7), 2, 2, 3, 1),
]


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize(("x_shape", "ph", "pw", "stride", "pad"), POOLS)
def test_pooling_matches_loops(x_shape, ph, pw, stride, pad, dtype):
    rng = np.random.default_rng(7)
    # Rounded values make ties common: they must go to the first maximum.
    x = np.round(rng.standard_normal(x_shape), 0).astype(dtype)
    layer = Pooling(ph, pw, stride=stride, pad=pad)
    out = layer.forward(x)
    dout = rng.standard_normal(out.shape).astype(dtype)
    want, want_arg, want_dx = naive_pool(x.astype(np.float64), ph, pw, stride, pad, dout)
    assert out.dtype == dtype
    np.testing.assert_array_equal(out, want)
    np.testing.assert_array_equal(layer.arg_max, want_arg)
    dx = layer.backward(dout)
    assert dx.dtype == dtype and dx.shape == x.shape
    np.testing.assert_allclose(dx, want_dx, rtol=1e-6)


def test_pooling_book_values_and_book_arg_max_layout():
    x = np.array([[1, 2, 1, 0], [0, 1, 2, 3], [3, 0, 1, 2], [2, 4, 0, 1]], float)
    layer = Pooling(2, 2, stride=2)
    np.testing.assert_array_equal(
        layer.forward(x.reshape(1, 1, 4, 4))[0, 0], [[2, 3], [4, 2]]
    )
    dx = layer.backward(np.ones((1, 1, 2, 2)))[0, 0]
    # Worked by hand: the maxima 2, 3, 4, 2 sit at (0,1), (1,3), (3,1), (2,3).
    np.testing.assert_array_equal(
        dx, [[0, 1, 0, 0], [0, 0, 0, 1], [0, 0, 0, 1], [0, 1, 0, 0]]
    )
    # The book's arg_max: argmax over im2col rows of width 4, in (n, oy, ox, c) order.
    x4 = np.random.default_rng(8).standard_normal((2, 3, 4, 4))
    layer.forward(x4)
    book = np.argmax(im2col(x4, 2, 2, stride=2).reshape(-1, 4), axis=1)
    np.testing.assert_array_equal(layer.arg_max.transpose(0, 2, 3, 1).ravel(), book)


def test_pooling_padding_never_wins():
    layer = Pooling(2, 2, stride=2, pad=1)
    out = layer.forward(-np.ones((1, 1, 2, 2)))
    np.testing.assert_array_equal(out, -np.ones((1, 1, 2, 2)))


def test_pooling_ties_go_to_the_first_position():
    layer = Pooling(2, 2, stride=2)
    layer.forward(np.zeros((1, 1, 2, 2)))
    dx = layer.backward(np.ones((1, 1, 1, 1)))
    np.testing.assert_array_equal(dx[0, 0], [[1, 0], [0, 0]])


@pytest.mark.parametrize(
    ("make", "error", "message"),
    [
        (lambda: Pooling(2, 2, pad=2), ValueError, "smaller than the window"),
        (lambda: Pooling(0, 2), ValueError, "pool_h must be at least 1"),
        (lambda: Pooling(2, 2.0), TypeError, "pool_w must be an integer"),
    ],
)
def test_pooling_constructor_errors(make, error, message):
    with pytest.raises(error, match=message):
        make()


def test_pooling_forward_errors():
    layer = Pooling(3, 3, stride=1)
    with pytest.raises(ValueError, match=r"shape \(N, C, H, W\)"):
        layer.forward(np.ones((4, 4)))
    with pytest.raises(ValueError, match="does not fit an input of size 2"):
        layer.forward(np.ones((1, 1, 2, 5)))
    assert layer.x is None and layer.arg_max is None
