r"""Max pooling (プーリング層): the largest value of each window, channel by channel."""

from __future__ import annotations

import numpy as np

from nnbook.conv import conv_output_size
from nnbook.layers._base import Layer
from nnbook.layers._convolution import _check_int

__all__ = ["Pooling"]


def _same_layout(a: np.ndarray, like: np.ndarray) -> np.ndarray:
    """Return `a`, or a copy of it laid out in memory like `like` (same shape)."""
    order = np.argsort(np.negative(like.strides), kind="stable")
    if np.array_equal(np.argsort(np.negative(a.strides), kind="stable"), order):
        return a
    out = np.empty_like(like, dtype=a.dtype)
    out[...] = a
    return out


class Pooling(Layer):
    r"""Max-pooling layer (プーリング層): keep the largest value of each window.

    Each channel of each image is cut into `pool_h` × `pool_w` windows, `stride` apart,
    and each window is replaced by its maximum. Pooling has no parameters; it shrinks
    the image (2×2 windows with stride 2 halve each side), keeps the channels apart,
    and makes the output barely move when the input shifts by a pixel.

    Book: chapter 7, section 7.3 and 7.4.4 (`common/layers.py`).

    Parameters
    ----------
    pool_h, pool_w : int
        Window height and width.
    stride : int, default=2
        Step between two windows. The book's default is 1, but every network in the
        book passes `stride=2` with 2×2 windows, the usual choice (stride = window).
    pad : int, default=0
        Border added around each image, smaller than the window; padded cells never
        win the maximum.

    Attributes
    ----------
    x : ndarray of shape (N, C, H, W) or None
        The latest input (a reference; `backward` uses only its shape).
    arg_max : ndarray of shape (N, C, OH, OW) or None
        For each output value, the position of the maximum inside its window,
        `ky * pool_w + kx` (the first one in reading order if several are equal), as
        in the book. The book keeps it flat in the order (n, oy, ox, c):
        `arg_max.transpose(0, 2, 3, 1).ravel()` gives the book's array.

    Notes
    -----
    Forward, for every image $n$ and channel $c$:

    $$y[n, c, o_y, o_x] = \max_{k_y, k_x} x_p[n, c, S o_y + k_y, S o_x + k_x],$$

    and backward sends each `dout` value to the one input that won its window (the
    others get nothing; overlapping windows add up).

    The book copies every window into a row with `im2col`, takes `max` and `argmax`
    over rows 4 wide, and folds the gradient back with `col2im`. Here the window is
    walked instead: each of its `pool_h * pool_w` positions is one strided view of the
    input (`x[:, :, ky::S, kx::S]`), and a running `np.maximum` over those views, plus
    the running index of the first strict improvement, gives the same output and the
    same `arg_max` in a few whole-array operations. Backward writes `dout` into the
    same views where `arg_max` points, so no copy of the windows is ever made. The
    output and `dx` keep the input's dtype and memory layout (a convolution's output,
    laid out images-last, stays so).

    Windows that would hang over the edge are dropped, as in the book (the output size
    is rounded down); padding, which the book's listing accepts but does not size for,
    is added with the lowest value of the dtype, so that it never wins.

    Examples
    --------
    The 2×2 max pooling with stride 2 of figure 7-14:

    >>> import numpy as np
    >>> from nnbook.layers import Pooling
    >>> x = np.array([[1, 2, 1, 0], [0, 1, 2, 3], [3, 0, 1, 2], [2, 4, 0, 1]], float)
    >>> pool = Pooling(2, 2, stride=2)
    >>> print(pool.forward(x.reshape(1, 1, 4, 4)))
    [[[[2. 3.]
       [4. 2.]]]]

    Backward of ones puts each gradient where its window's maximum was:

    >>> print(pool.backward(np.ones((1, 1, 2, 2)))[0, 0])
    [[0. 1. 0. 0.]
     [0. 0. 0. 1.]
     [0. 0. 0. 1.]
     [0. 1. 0. 0.]]
    >>> print(pool.arg_max[0, 0])
    [[1 3]
     [3 1]]
    """

    def __init__(self, pool_h: int, pool_w: int, stride: int = 2, pad: int = 0) -> None:
        super().__init__()
        self.pool_h = _check_int(pool_h, "pool_h", 1)
        self.pool_w = _check_int(pool_w, "pool_w", 1)
        self.stride = _check_int(stride, "stride", 1)
        self.pad = _check_int(pad, "pad", 0)
        if self.pad >= min(self.pool_h, self.pool_w):
            raise ValueError(
                f"pad={pad} must be smaller than the window ({pool_h}x{pool_w}), or some "
                "windows would hold nothing but padding"
            )
        # What backward needs, under the book's names.
        self.x: np.ndarray | None = None
        self.arg_max: np.ndarray | None = None

    def _out_size(self, x_shape: tuple[int, ...]) -> tuple[int, int]:
        if len(x_shape) != 4:
            raise ValueError(
                f"Pooling expects x of shape (N, C, H, W); got {tuple(x_shape)}; for one "
                "grey image use x.reshape(1, 1, H, W)"
            )
        try:
            out_h = conv_output_size(
                x_shape[2], self.pool_h, self.stride, self.pad, floor=True
            )
            out_w = conv_output_size(
                x_shape[3], self.pool_w, self.stride, self.pad, floor=True
            )
        except ValueError as exc:
            raise ValueError(f"x of shape {tuple(x_shape)}: {exc}") from None
        return out_h, out_w

    def _views(self, a: np.ndarray, out_h: int, out_w: int) -> list[np.ndarray]:
        """Return the strided views of `a` (padded) for each window position."""
        s = self.stride
        span_h, span_w = s * (out_h - 1) + 1, s * (out_w - 1) + 1
        return [
            a[:, :, ky : ky + span_h : s, kx : kx + span_w : s]
            for ky in range(self.pool_h)
            for kx in range(self.pool_w)
        ]

    def _padded(self, x: np.ndarray) -> np.ndarray:
        if not self.pad:
            return x
        p = self.pad
        if np.issubdtype(x.dtype, np.floating):
            lowest = -np.inf
        else:
            lowest = np.iinfo(x.dtype).min
        return np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)), constant_values=lowest)

    def forward(self, x: np.ndarray, train_flg: bool = True) -> np.ndarray:
        """Return the maximum of each window of `x`.

        Parameters
        ----------
        x : ndarray of shape (N, C, H, W)
            A batch of images (any memory layout).
        train_flg : bool, default=True
            Ignored.

        Returns
        -------
        ndarray of shape (N, C, OH, OW)
            With OH = (H + 2*pad - pool_h) // stride + 1, and OW alike.

        Raises
        ------
        ValueError
            If `x` is not 4-D or the window does not fit.
        """
        x = self._check_input(x)
        out_h, out_w = self._out_size(x.shape)
        views = self._views(self._padded(x), out_h, out_w)
        if len(views) == 1:
            out = views[0].copy(order="K")
            arg_max = np.zeros_like(out, dtype=np.uint8)
        else:
            # Running maximum; arg_max moves to k only where view k is strictly larger,
            # so ties keep the first position, as np.argmax does.
            dtype = np.min_scalar_type(len(views) - 1)
            out = np.maximum(views[0], views[1])
            arg_max = np.greater(views[1], views[0]).astype(dtype)
            for k in range(2, len(views)):
                wins = np.greater(views[k], out)
                np.maximum(out, views[k], out=out)
                step = np.subtract(k, arg_max, dtype=dtype)  # where(wins, k, arg_max)
                step *= wins
                arg_max += step
        self.x, self.arg_max = x, arg_max
        return out

    def backward(self, dout: np.ndarray) -> np.ndarray:
        """Return `dx`: each `dout` value sent to the input that won its window.

        Parameters
        ----------
        dout : ndarray of shape (N, C, OH, OW)
            Gradient of the loss with respect to the output.

        Returns
        -------
        ndarray of shape (N, C, H, W)
            Gradient with respect to `x`, in `dout`'s dtype.
        """
        x, arg_max = self._require("x", "arg_max")
        self._check_dout(dout, arg_max.shape)
        N, C, H, W = x.shape
        out_h, out_w = arg_max.shape[2:]
        p, s = self.pad, self.stride
        dout = _same_layout(dout, arg_max)
        # Every input pixel is in exactly one window when the windows tile the image.
        tiles = (
            s == self.pool_h == self.pool_w
            and s * out_h == H + 2 * p
            and s * out_w == W + 2 * p
        )
        shape = (N, C, H + 2 * p, W + 2 * p)
        if p:
            dx = np.zeros(shape, dtype=dout.dtype)
        else:  # the input's memory layout
            dx = (np.empty_like if tiles else np.zeros_like)(x, dtype=dout.dtype)
        overlap = s < self.pool_h or s < self.pool_w
        for k, view in enumerate(self._views(dx, out_h, out_w)):
            hit = np.equal(arg_max, k)
            if overlap:
                view += dout * hit
            else:
                np.multiply(dout, hit, out=view)
        return dx[:, :, p : p + H, p : p + W] if p else dx
