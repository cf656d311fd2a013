r"""The convolution layer (畳み込み層): filters slid over images, as one matrix product."""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from nnbook.conv import conv_output_size
from nnbook.layers._base import Layer, grad_property, param_property

__all__ = ["Convolution"]


def _check_int(value: object, name: str, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be an integer, got {value!r}")
    if value < minimum:
        raise ValueError(f"{name} must be at least {minimum}, got {value}")
    return int(value)


def patches_nhwc(
    x_nhwc: np.ndarray, filter_h: int, filter_w: int, stride: int, out_h: int, out_w: int
) -> np.ndarray:
    """Return the patches of a padded channels-last batch, one per row.

    Rows are `(n, oy, ox)` as in `im2col`, columns `(ky, kx, c)`: with the channels
    last, each filter row of a patch is one contiguous run of `filter_w * C` values
    in memory, so the copy moves long runs instead of `filter_w`-long ones.
    """
    N, _, _, C = x_nhwc.shape
    col = np.empty((N, out_h, out_w, filter_h, filter_w, C), dtype=x_nhwc.dtype)
    span_h, span_w = stride * (out_h - 1) + 1, stride * (out_w - 1) + filter_w
    for ky in range(filter_h):
        rows = x_nhwc[:, ky : ky + span_h : stride, :span_w]  # (N, OH, ., C)
        # windows[n, oy, ox, c, kx] -> (n, oy, ox, kx, c): kx and c are adjacent.
        windows = sliding_window_view(rows, filter_w, axis=2)[:, :, ::stride]
        col[:, :, :, ky] = windows.transpose(0, 1, 2, 4, 3)
    return col.reshape(N * out_h * out_w, filter_h * filter_w * C)


class Convolution(Layer):
    r"""Convolution layer (畳み込み層): slide `FN` filters over a batch of images.

    Each output channel is one filter (フィルター) applied at every position of the
    (zero-padded) input, plus that filter's bias. The layer unfolds the input's
    patches into the rows of a matrix ([`im2col`][nnbook.conv.im2col]) and multiplies
    it with the filters, so all positions, images and filters take one matrix product.

    Book: chapter 7, section 7.4.3 (`common/layers.py`).

    Parameters
    ----------
    W : ndarray of shape (FN, C, FH, FW)
        The filters: `FN` filters of `C` channels, `FH` by `FW`. Kept by reference in
        `params["W"]`.
    b : ndarray of shape (FN,)
        One bias per filter, kept by reference in `params["b"]`.
    stride : int, default=1
        Step between two filter positions.
    pad : int, default=0
        Zeros added around each input image.

    Attributes
    ----------
    params : dict
        `{"W": W, "b": b}`, the very arrays passed in.
    grads : dict
        `{"W": dW, "b": db}` after `backward`.
    x : ndarray of shape (N, C, H, W) or None
        The latest input (a reference, as in the book; `backward` uses only its shape).
    col : ndarray of shape (N*OH*OW, FH*FW*C) or None
        The latest input's patches, one per row, in channels-last column order
        `(ky, kx, c)` (the book's `im2col` orders them `(c, ky, kx)`; see Notes).
    col_W : ndarray of shape (FH*FW*C, FN) or None
        The filters as a matrix whose rows line up with the columns of `col`.

    Notes
    -----
    With $X_{col}$ = `col` and $W_{col}$ = `col_W`, the forward pass is one product,

    $$Y = X_{col} W_{col} + b \quad (N \cdot OH \cdot OW \times FN),$$

    reshaped to (N, FN, OH, OW). Backward, with $G$ = `dout` as an
    $(N \cdot OH \cdot OW \times FN)$ matrix:

    $$\frac{\partial L}{\partial W_{col}} = X_{col}^\top G, \qquad
    \frac{\partial L}{\partial b} = \sum_{\text{rows}} G, \qquad
    \frac{\partial L}{\partial X_{col}} = G W_{col}^\top,$$

    and the book folds $\partial L / \partial X_{col}$ back into an image with
    [`col2im`][nnbook.conv.col2im].

    How this layer differs from the book's listing, for speed (the results are the
    same to rounding):

    - **Channels last inside.** The patches are taken from the input viewed as
      (N, H, W, C), so `col`'s columns are ordered `(ky, kx, c)` and `col_W` is
      `W.transpose(2, 3, 1, 0).reshape(-1, FN)`: each patch row is then a few long
      runs of memory. For one input channel (MNIST) the two orders coincide. The
      output is the product's (N, OH, OW, FN) array seen as (N, FN, OH, OW) through
      `transpose`: the shape is NCHW as in the book, the memory channels-last, and the
      layers after it (ReLU, pooling, the next convolution) work on it without copies.
    - **dx without col2im when the stride is 1.** The gradient with respect to the
      input is then itself a convolution: of `dout`, padded by `FH - 1 - pad`, with
      the filters flipped in both directions and their channel axes swapped, so it is
      one more `im2col`-and-product. Strides above 1 fold $G W_{col}^\top$ back with a
      channels-last col2im.
    - **No dx for the first layer.** `backward(dout, need_dx=False)` skips it (a
      network's first layer has no use for the gradient with respect to the images).
    - **The input's dtype throughout**: float32 in, float32 out, no float64 detour.

    Examples
    --------
    The convolution worked by hand in figures 7-7 and 7-8 of the book (one image,
    one channel, one 3×3 filter, bias 3):

    >>> import numpy as np
    >>> from nnbook.layers import Convolution
    >>> x = np.array([[1, 2, 3, 0], [0, 1, 2, 3], [3, 0, 1, 2], [2, 3, 0, 1]], float)
    >>> W = np.array([[2, 0, 1], [0, 1, 2], [1, 0, 2]], float).reshape(1, 1, 3, 3)
    >>> conv = Convolution(W, np.array([3.0]))
    >>> print(conv.forward(x.reshape(1, 1, 4, 4)))
    [[[[18. 19.]
       [ 9. 18.]]]]

    Backward of ones: each filter weight's gradient sums the four pixels it met.

    >>> dx = conv.backward(np.ones((1, 1, 2, 2)))
    >>> print(conv.dW[0, 0])
    [[4. 8. 8.]
     [4. 4. 8.]
     [8. 4. 4.]]
    >>> print(conv.db, dx.shape)
    [4.] (1, 1, 4, 4)

    Padding 1 keeps the 4×4 size (figure 7-6); a batch of 10 three-channel 7×7 images
    through 4 filters of 5×5 gives 4 output channels of 3×3:

    >>> conv = Convolution(W, np.zeros(1), pad=1)
    >>> print(conv.forward(x.reshape(1, 1, 4, 4))[0, 0])
    [[ 7. 12. 10.  2.]
     [ 4. 15. 16. 10.]
     [10.  6. 15.  6.]
     [ 8. 10.  4.  3.]]
    >>> rng = np.random.default_rng(0)
    >>> conv = Convolution(rng.standard_normal((4, 3, 5, 5)), np.zeros(4))
    >>> print(conv.forward(rng.standard_normal((10, 3, 7, 7))).shape)
    (10, 4, 3, 3)
    """

    can_skip_dx = True

    def __init__(self, W: np.ndarray, b: np.ndarray, stride: int = 1, pad: int = 0) -> None:
        super().__init__()
        if np.ndim(W) != 4 or np.shape(b) != (np.shape(W)[0],):
            raise ValueError(
                f"expected W of shape (FN, C, FH, FW) and b of shape (FN,); got W "
                f"{np.shape(W)} and b {np.shape(b)}"
            )
        self.stride = _check_int(stride, "stride", 1)
        self.pad = _check_int(pad, "pad", 0)
        self.params["W"] = W
        self.params["b"] = b
        # What backward needs, under the book's names.
        self.x: np.ndarray | None = None
        self.col: np.ndarray | None = None
        self.col_W: np.ndarray | None = None

    # The book's attribute names, as views of params/grads.
    W = param_property("W", "The filters, `params['W']` (assigning copies into it).")
    b = param_property("b", "The biases, `params['b']` (assigning copies into it).")
    dW = grad_property("W", "Gradient of the filters from the latest `backward`.")
    db = grad_property("b", "Gradient of the biases from the latest `backward`.")

    def _out_size(self, x_shape: tuple[int, ...]) -> tuple[int, int]:
        _, C, FH, FW = self.params["W"].shape
        if len(x_shape) != 4 or x_shape[1] != C:
            raise ValueError(
                f"Convolution with W of shape {self.params['W'].shape} expects x of shape "
                f"(N, {C}, H, W); got {tuple(x_shape)}"
            )
        _, _, H, W = x_shape
        try:
            out_h = conv_output_size(H, FH, self.stride, self.pad, floor=True)
            out_w = conv_output_size(W, FW, self.stride, self.pad, floor=True)
        except ValueError as exc:
            raise ValueError(f"x of shape {tuple(x_shape)}: {exc}") from None
        return out_h, out_w

    def forward(self, x: np.ndarray, train_flg: bool = True) -> np.ndarray:
        """Return the convolution of `x` with the filters, plus the biases.

        Parameters
        ----------
        x : ndarray of shape (N, C, H, W)
            A batch of images (any memory layout).
        train_flg : bool, default=True
            Ignored.

        Returns
        -------
        ndarray of shape (N, FN, OH, OW)
            With OH = (H + 2*pad - FH) // stride + 1, and OW alike. Its memory is
            channels-last (a transposed view), which numpy handles transparently.

        Raises
        ------
        ValueError
            If `x` is not 4-D with W's number of channels, or the filter does not fit.
        """
        W, b = self.params["W"], self.params["b"]
        out_h, out_w = self._out_size(x.shape)
        FN, C, FH, FW = W.shape
        N, p = x.shape[0], self.pad
        x_nhwc = x.transpose(0, 2, 3, 1)
        if p:
            x_nhwc = np.pad(x_nhwc, ((0, 0), (p, p), (p, p), (0, 0)))
        col = patches_nhwc(x_nhwc, FH, FW, self.stride, out_h, out_w)
        col_W = W.transpose(2, 3, 1, 0).reshape(FH * FW * C, FN)
        out = col @ col_W
        out += b
        self.x, self.col, self.col_W = x, col, col_W
        return out.reshape(N, out_h, out_w, FN).transpose(0, 3, 1, 2)

    def backward(self, dout: np.ndarray, need_dx: bool = True) -> np.ndarray | None:
        """Return `dx` and store `grads["W"]`, `grads["b"]`.

        Parameters
        ----------
        dout : ndarray of shape (N, FN, OH, OW)
            Gradient of the loss with respect to the output.
        need_dx : bool, default=True
            Compute `dx`; a network's first layer passes False and gets None.

        Returns
        -------
        ndarray of shape (N, C, H, W), or None
            Gradient with respect to `x`.
        """
        x, col, col_W = self._require("x", "col", "col_W")
        FN, C, FH, FW = self.params["W"].shape
        N = x.shape[0]
        out_h, out_w = self._out_size(x.shape)
        self._check_dout(dout, (N, FN, out_h, out_w))
        G = dout.transpose(0, 2, 3, 1).reshape(-1, FN)  # free when dout is channels-last
        dW = col.T @ G  # (FH*FW*C, FN)
        self.grads["W"] = dW.reshape(FH, FW, C, FN).transpose(3, 2, 0, 1)
        self.grads["b"] = G.sum(axis=0)
        if not need_dx:
            return None
        if self.stride == 1:
            dx = self._dx_by_convolution(G.reshape(N, out_h, out_w, FN), x.shape)
        else:
            dx = self._dx_by_col2im(G @ col_W.T, x.shape, out_h, out_w)
        return dx.transpose(0, 3, 1, 2)

    def _dx_by_convolution(self, g_nhwc: np.ndarray, x_shape: tuple) -> np.ndarray:
        """Return dx (channels last) for stride 1: dout convolved with flipped filters."""
        W = self.params["W"]
        FN, C, FH, FW = W.shape
        N, _, H, Wd = x_shape
        # Pad by FH-1-pad on each side; a negative amount (pad > FH-1) crops instead.
        q_h, q_w = FH - 1 - self.pad, FW - 1 - self.pad
        g = np.pad(g_nhwc, ((0, 0), (max(q_h, 0),) * 2, (max(q_w, 0),) * 2, (0, 0)))
        c_h, c_w = max(-q_h, 0), max(-q_w, 0)
        g = g[:, c_h : g.shape[1] - c_h, c_w : g.shape[2] - c_w]
        col = patches_nhwc(g, FH, FW, 1, H, Wd)  # (N*H*W, FH*FW*FN)
        W_flip = W[:, :, ::-1, ::-1].transpose(2, 3, 0, 1).reshape(FH * FW * FN, C)
        return (col @ W_flip).reshape(N, H, Wd, C)

    def _dx_by_col2im(
        self, dcol: np.ndarray, x_shape: tuple, out_h: int, out_w: int
    ) -> np.ndarray:
        """Return dx (channels last) for any stride: fold the patches' gradients back."""
        _, C, FH, FW = self.params["W"].shape
        N, _, H, Wd = x_shape
        p, s = self.pad, self.stride
        dcol = dcol.reshape(N, out_h, out_w, FH, FW, C)
        img = np.zeros((N, H + 2 * p, Wd + 2 * p, C), dtype=dcol.dtype)
        span_h, span_w = s * (out_h - 1) + 1, s * (out_w - 1) + 1
        for ky in range(FH):
            for kx in range(FW):
                img[:, ky : ky + span_h : s, kx : kx + span_w : s] += dcol[:, :, :, ky, kx]
        return img[:, p : p + H, p : p + Wd]
