r"""The convolution layer (畳み込み層): filters slid over images, as one matrix product."""

from __future__ import annotations

import numpy as np

from nnbook.conv import conv_output_size
from nnbook.layers._base import Layer, grad_property, param_property

__all__ = ["Convolution"]


def _check_int(value: object, name: str, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be an integer, got {value!r}")
    if value < minimum:
        raise ValueError(f"{name} must be at least {minimum}, got {value}")
    return int(value)


def patches_chwn(
    xp: np.ndarray,
    filter_h: int,
    filter_w: int,
    stride: int,
    out_h: int,
    out_w: int,
    *,
    ones_row: bool = False,
) -> np.ndarray:
    """Return the patches of a padded batch stored as (C, H, W, N), one per column.

    Row `(c, ky, kx)` and column `(oy, ox, n)` of the result hold
    `xp[c, stride*oy + ky, stride*ox + kx, n]`: the transpose of `im2col`'s matrix,
    with its columns in the book's order and its rows (the patches) ordered by
    position first and image last. With the images last in memory, each of the
    `filter_h * filter_w` copies below moves runs of `out_w * N` contiguous values
    (for stride 1). With `ones_row`, one more row of ones is appended, so that the
    biases ride along in the matrix product.
    """
    C, _, _, N = xp.shape
    K = C * filter_h * filter_w
    cols = np.empty((K + ones_row, out_h * out_w * N), dtype=xp.dtype)
    blocks = cols[:K].reshape(C, filter_h, filter_w, out_h, out_w, N)
    span_h, span_w = stride * (out_h - 1) + 1, stride * (out_w - 1) + 1
    for ky in range(filter_h):
        for kx in range(filter_w):
            blocks[:, ky, kx] = xp[:, ky : ky + span_h : stride, kx : kx + span_w : stride]
    if ones_row:
        cols[K] = 1
    return cols


def _pad_hw(a: np.ndarray, pad_h: int, pad_w: int) -> np.ndarray:
    """Pad axes 1 and 2 of a (C, H, W, N) array with zeros, C-contiguous.

    A negative amount crops instead (the gradient of a convolution whose padding is
    larger than its filter).
    """
    crop_h, crop_w = max(-pad_h, 0), max(-pad_w, 0)
    a = a[:, crop_h : a.shape[1] - crop_h, crop_w : a.shape[2] - crop_w]
    pad_h, pad_w = max(pad_h, 0), max(pad_w, 0)
    if pad_h or pad_w:
        return np.pad(a, ((0, 0), (pad_h, pad_h), (pad_w, pad_w), (0, 0)))
    return np.ascontiguousarray(a)


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
    col : ndarray of shape (OH*OW*N, C*FH*FW) or None
        The latest input's patches, one per row, their values in the book's order
        `(c, ky, kx)`; the rows are ordered `(oy, ox, n)`, image last (see Notes).
    col_W : ndarray of shape (C*FH*FW, FN) or None
        The filters as a matrix, `W.reshape(FN, -1).T`, as in the book.

    Notes
    -----
    With $X_{col}$ = `col` and $W_{col}$ = `col_W`, the forward pass is one product,

    $$Y = X_{col} W_{col} + b \quad (\text{one row per output position and image,
    one column per filter}),$$

    reshaped to (N, FN, OH, OW). Backward, with $G$ = `dout` as a matrix of the same
    shape as $Y$:

    $$\frac{\partial L}{\partial W_{col}} = X_{col}^\top G, \qquad
    \frac{\partial L}{\partial b} = \sum_{\text{rows}} G, \qquad
    \frac{\partial L}{\partial X_{col}} = G W_{col}^\top,$$

    and the book folds $\partial L / \partial X_{col}$ back into an image with
    [`col2im`][nnbook.conv.col2im].

    How this layer differs from the book's listing, for speed (the results are the
    same up to rounding):

    - **Images last inside.** The layer works on the batch laid out in memory as
      (C, H, W, N) and computes $Y^\top = W_{col}^\top X_{col}^\top$: the patches
      are gathered as the columns of $X_{col}^\top$, which for each filter offset
      `(ky, kx)` is one copy of long contiguous runs (a row of the image for all `N`
      images at once), instead of `im2col`'s many runs of `FW` values. The output
      comes out as (FN, OH, OW, N) in memory and is returned as the (N, FN, OH, OW)
      view `transpose(3, 0, 1, 2)`: the shape the book has, with the images last in
      memory. ReLU, pooling and the next convolution then work on it without a copy,
      and their elementwise operations run over long runs of `N` values. `col` is
      the transpose of the patch matrix, so its rows come position first, image
      last. The biases ride along in the product as one more row of ones.
    - **dx without col2im when the stride is 1.** The gradient with respect to the
      input is then itself a convolution: of `dout`, padded by `FH - 1 - pad`, with
      the filters flipped in both directions and their axes `FN` and `C` swapped, so
      it is one more gathering of patches and one product. Larger strides fold
      $G W_{col}^\top$ back as `col2im` does.
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
            With OH = (H + 2*pad - FH) // stride + 1, and OW alike. In memory it is
            laid out (FN, OH, OW, N) and seen through `transpose` (see Notes).

        Raises
        ------
        ValueError
            If `x` is not 4-D with W's number of channels, or the filter does not fit.
        """
        x = self._check_input(x)
        W, b = self.params["W"], self.params["b"]
        out_h, out_w = self._out_size(x.shape)
        FN, C, FH, FW = W.shape
        N, K = x.shape[0], C * FH * FW
        xp = _pad_hw(x.transpose(1, 2, 3, 0), self.pad, self.pad)  # (C, H, W, N), padded
        cols = patches_chwn(xp, FH, FW, self.stride, out_h, out_w, ones_row=True)
        W_b = np.empty((FN, K + 1), dtype=np.result_type(W, b))
        W_b[:, :K] = W.reshape(FN, K)
        W_b[:, K] = b
        out = W_b @ cols  # (FN, OH*OW*N): the filters times every patch, plus b
        self.x, self.col, self.col_W = x, cols[:K].T, W.reshape(FN, K).T
        return out.reshape(FN, out_h, out_w, N).transpose(3, 0, 1, 2)

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
        # G[f, (oy, ox, n)]: free when dout has this layer's output layout.
        G = np.ascontiguousarray(dout.transpose(1, 2, 3, 0)).reshape(FN, -1)
        self.grads["W"] = (G @ col).reshape(FN, C, FH, FW)
        self.grads["b"] = G.sum(axis=1)
        if not need_dx:
            return None
        if self.stride == 1:
            dx = self._dx_by_convolution(G.reshape(FN, out_h, out_w, N), x.shape)
        else:
            dx = self._dx_by_col2im(col_W @ G, x.shape, out_h, out_w)
        return dx.transpose(3, 0, 1, 2)

    def _dx_by_convolution(self, g: np.ndarray, x_shape: tuple) -> np.ndarray:
        """Return dx as (C, H, W, N) for stride 1: dout convolved with flipped filters."""
        W = self.params["W"]
        FN, C, FH, FW = W.shape
        N, _, H, Wd = x_shape
        # dx[c, i, j] = sum over f, ky, kx of dout[f, i + pad - ky, j + pad - kx] *
        # W[f, c, ky, kx]: a stride-1 convolution of dout padded by FH-1-pad (a
        # negative amount crops) with W flipped and its axes f and c swapped.
        g = _pad_hw(g, FH - 1 - self.pad, FW - 1 - self.pad)
        cols = patches_chwn(g, FH, FW, 1, H, Wd)  # (FN*FH*FW, H*W*N)
        W_flip = W[:, :, ::-1, ::-1].transpose(1, 0, 2, 3).reshape(C, FN * FH * FW)
        return (W_flip @ cols).reshape(C, H, Wd, N)

    def _dx_by_col2im(
        self, dcol: np.ndarray, x_shape: tuple, out_h: int, out_w: int
    ) -> np.ndarray:
        """Return dx as (C, H, W, N) for any stride: fold the patches' gradients back."""
        _, C, FH, FW = self.params["W"].shape
        N, _, H, Wd = x_shape
        p, s = self.pad, self.stride
        blocks = dcol.reshape(C, FH, FW, out_h, out_w, N)
        img = np.zeros((C, H + 2 * p, Wd + 2 * p, N), dtype=dcol.dtype)
        span_h, span_w = s * (out_h - 1) + 1, s * (out_w - 1) + 1
        for ky in range(FH):
            for kx in range(FW):
                img[:, ky : ky + span_h : s, kx : kx + span_w : s] += blocks[:, ky, kx]
        return img[:, p : p + H, p : p + Wd]
