r"""Transposed convolution ("deconvolution"), reshaping, and per-channel BatchNorm."""

from __future__ import annotations

import numpy as np

from nnbook.layers._base import Layer, grad_property, param_property
from nnbook.layers._batchnorm import BatchNormalization
from nnbook.layers._convolution import _pad_hw, patches_chwn

__all__ = ["Deconvolution", "Reshape", "SpatialBatchNormalization"]


class Deconvolution(Layer):
    r"""Transposed convolution: a convolution's backward pass, used as a forward pass.

    A convolution with stride 2 turns a 28×28 image into a 14×14 map; its backward pass
    sends a 14×14 gradient back to 28×28. A GAN's generator needs the second direction
    as a forward pass, to grow a small map into an image: that is this layer. Its
    forward pass is exactly `Convolution`'s computation
    of `dx` (a matrix product, then `col2im`), and its backward
    pass is a convolution's forward pass (`im2col`, then a matrix
    product).

    Book: not in the book; its pieces are chapter 7, sections 7.4.3 and 7.4.4.

    Parameters
    ----------
    W : ndarray of shape (C, FN, FH, FW)
        Filters: C input channels, FN output channels (the convolution it transposes
        would have FN input channels and C filters). Kept by reference.
    b : ndarray of shape (FN,)
        One bias per output channel. Kept by reference.
    stride : int, default=1
    pad : int, default=0
        The stride and padding of the convolution it transposes: the output has
        OH = (H − 1)·stride − 2·pad + FH rows (and OW alike), so that the convolution
        with these settings maps OH back to H.

    Notes
    -----
    With $X$ the input as a matrix of shape (N·H·W, C), one row per input pixel,

    $$\text{col} = X \, W_{C \times (FN \cdot FH \cdot FW)}, \qquad
    y = \text{col2im}(\text{col}) + b,$$

    which is the convolution's `dx = col2im(dout @ W)`: each input pixel paints a
    filter-sized patch of the output, and overlapping patches add up. Backward,
    $\text{dcol} = \text{im2col}(\text{dout})$ is what the convolution's forward pass
    would see, and

    $$\frac{\partial L}{\partial X} = \text{dcol}\, W^\top, \qquad
    \frac{\partial L}{\partial W} = X^\top \text{dcol}, \qquad
    \frac{\partial L}{\partial b} = \sum_{n, i, j} \text{dout}_{n, :, i, j}.$$

    Like `Convolution`, the layer computes with the
    images last in memory, (C, H, W, N), where `im2col` and `col2im` become a few
    strided copies of long contiguous runs: the same numbers as the book-layout
    functions (the tests check both against a `Convolution`), several times faster.
    `forward` keeps `x` and the input as a (C, H·W·N) matrix in `col_x`.

    Examples
    --------
    One input pixel paints the filter, scaled by its value; with stride 2, two pixels
    paint patches that do not overlap:

    >>> import numpy as np
    >>> from nnbook.layers import Deconvolution
    >>> W = np.arange(1.0, 5.0).reshape(1, 1, 2, 2)
    >>> layer = Deconvolution(W, np.zeros(1), stride=2)
    >>> print(layer.forward(np.array([[[[1.0, 10.0]]]])))
    [[[[ 1.  2. 10. 20.]
       [ 3.  4. 30. 40.]]]]
    >>> print(layer.backward(np.ones((1, 1, 2, 4))))
    [[[[10. 10.]]]]
    """

    def __init__(self, W: np.ndarray, b: np.ndarray, stride: int = 1, pad: int = 0) -> None:
        super().__init__()
        if np.ndim(W) != 4 or np.shape(b) != (np.shape(W)[1],):
            raise ValueError(
                f"expected W of shape (C, FN, FH, FW) and b of shape (FN,); got W "
                f"{np.shape(W)} and b {np.shape(b)}"
            )
        if int(stride) < 1 or int(pad) < 0:
            raise ValueError(f"need stride >= 1 and pad >= 0, got {stride} and {pad}")
        self.params["W"] = W
        self.params["b"] = b
        self.stride, self.pad = int(stride), int(pad)
        self.x: np.ndarray | None = None
        self.col_x: np.ndarray | None = None

    W = param_property("W", "The filters, `params['W']` (assigning copies into it).")
    b = param_property("b", "The biases, `params['b']` (assigning copies into it).")
    dW = grad_property("W", "Gradient of the filters from the latest `backward`.")
    db = grad_property("b", "Gradient of the biases from the latest `backward`.")

    def output_shape(self, x_shape: tuple[int, ...]) -> tuple[int, int, int, int]:
        """Return (N, FN, OH, OW) for an input of shape `x_shape`."""
        C, FN, FH, FW = self.params["W"].shape
        if len(x_shape) != 4 or x_shape[1] != C:
            raise ValueError(
                f"expected x of shape (N, {C}, H, W), got {tuple(x_shape)}; a "
                "Deconvolution takes maps with as many channels as W.shape[0]"
            )
        N, _, H, Wd = x_shape
        oh = (H - 1) * self.stride - 2 * self.pad + FH
        ow = (Wd - 1) * self.stride - 2 * self.pad + FW
        if oh < 1 or ow < 1:
            raise ValueError(f"pad={self.pad} leaves no output for input {tuple(x_shape)}")
        return N, FN, oh, ow

    def forward(self, x: np.ndarray, train_flg: bool = True) -> np.ndarray:
        """Return the transposed convolution of `x`, plus the biases.

        Parameters
        ----------
        x : ndarray of shape (N, C, H, W)
        train_flg : bool, default=True
            Ignored.

        Returns
        -------
        ndarray of shape (N, FN, OH, OW)
            Laid out (FN, OH, OW, N) in memory and seen through `transpose`.
        """
        x = self._check_input(x)
        W, b = self.params["W"], self.params["b"]
        N, FN, out_h, out_w = self.output_shape(x.shape)
        C, _, FH, FW = W.shape
        _, _, H, Wd = x.shape
        col_x = np.ascontiguousarray(x.transpose(1, 2, 3, 0)).reshape(C, H * Wd * N)
        if np.shares_memory(col_x, x):  # keep our own copy for backward
            col_x = col_x.copy()
        # Each input pixel paints a filter-sized patch: the convolution's dcol ...
        blocks = (W.reshape(C, -1).T @ col_x).reshape(FN, FH, FW, H, Wd, N)
        # ... folded back into the (padded) output, overlaps adding up: col2im.
        p, s = self.pad, self.stride
        img = np.zeros((FN, out_h + 2 * p, out_w + 2 * p, N), dtype=blocks.dtype)
        span_h, span_w = s * (H - 1) + 1, s * (Wd - 1) + 1
        for ky in range(FH):
            for kx in range(FW):
                img[:, ky : ky + span_h : s, kx : kx + span_w : s] += blocks[:, ky, kx]
        out = img[:, p : p + out_h, p : p + out_w]
        out += b.reshape(FN, 1, 1, 1)
        self.x, self.col_x = x, col_x
        return out.transpose(3, 0, 1, 2)

    def backward(self, dout: np.ndarray, need_dx: bool = True) -> np.ndarray | None:
        """Return `dx` and store `grads["W"]`, `grads["b"]`.

        Parameters
        ----------
        dout : ndarray of shape (N, FN, OH, OW)
        need_dx : bool, default=True
            Compute `dx`; a network's first layer passes False and gets None.

        Returns
        -------
        ndarray of shape (N, C, H, W), or None
        """
        x, col_x = self._require("x", "col_x")
        W = self.params["W"]
        C, _, FH, FW = W.shape
        self._check_dout(dout, self.output_shape(x.shape))
        N, _, H, Wd = x.shape
        # The convolution's forward pass on dout: im2col, images last.
        g = _pad_hw(dout.transpose(1, 2, 3, 0), self.pad, self.pad)
        dcol = patches_chwn(g, FH, FW, self.stride, H, Wd)  # (FN*FH*FW, H*W*N)
        self.grads["W"] = (col_x @ dcol.T).reshape(W.shape)
        self.grads["b"] = dout.sum(axis=(0, 2, 3))
        if not need_dx:
            return None
        dx = W.reshape(C, -1) @ dcol  # (C, H*W*N)
        return dx.reshape(C, H, Wd, N).transpose(3, 0, 1, 2)

    can_skip_dx = True


class Reshape(Layer):
    """Reshape each sample: (N, D) → (N, *shape), and the gradient back.

    A generator's fully connected layer makes a vector per sample, and its
    deconvolutions need maps: `Reshape((64, 7, 7))` turns (N, 3136) into
    (N, 64, 7, 7).

    Book: not in the book (the book's `Affine` flattens in the other direction).

    Parameters
    ----------
    shape : tuple of int
        The shape of one sample after the layer.

    Examples
    --------
    >>> import numpy as np
    >>> from nnbook.layers import Reshape
    >>> layer = Reshape((2, 3))
    >>> print(layer.forward(np.arange(12.0).reshape(2, 6)).shape)
    (2, 2, 3)
    >>> print(layer.backward(np.ones((2, 2, 3))).shape)
    (2, 6)
    """

    def __init__(self, shape: tuple[int, ...]) -> None:
        super().__init__()
        self.shape = tuple(int(s) for s in shape)
        self.input_shape: tuple[int, ...] | None = None

    def forward(self, x: np.ndarray, train_flg: bool = True) -> np.ndarray:
        """Return `x` reshaped to (N, *shape)."""
        x = self._check_input(x)
        if int(np.prod(x.shape[1:])) != int(np.prod(self.shape)):
            raise ValueError(
                f"cannot reshape samples of shape {x.shape[1:]} to {self.shape}"
            )
        self.input_shape = x.shape
        return x.reshape(x.shape[0], *self.shape)

    def backward(self, dout: np.ndarray) -> np.ndarray:
        """Return `dout` reshaped to the input's shape."""
        (x_shape,) = self._require("input_shape")
        self._check_dout(dout, (x_shape[0], *self.shape))
        return dout.reshape(x_shape)


class SpatialBatchNormalization(BatchNormalization):
    r"""Batch Normalization of images per channel: one mean, `gamma` and `beta` per map.

    The book's [`BatchNormalization`][nnbook.layers.BatchNormalization] treats every
    pixel of every channel of an (N, C, H, W) batch as a feature of its own, with its
    own statistics and its own `gamma` and `beta` (C·H·W of each). For convolutions,
    Ioffe and Szegedy share them across a channel's pixels instead: the statistics are
    taken over the N·H·W values of each channel, and there are C of `gamma` and `beta`.
    This layer does that, by viewing the batch as (N·H·W, C) rows and applying the
    book's layer.

    Book: not in the book; Batch Normalization is chapter 6, section 6.3.

    Parameters
    ----------
    gamma, beta : ndarray of shape (C,)
    momentum : float, default=0.9
    running_mean, running_var : ndarray of shape (C,), optional
        As for `BatchNormalization`.

    Notes
    -----
    The attributes `xc`, `xn`, `std` and `input_shape` describe the (N·H·W, C) view;
    `image_shape` is the (N, C, H, W) shape of the latest input.

    Examples
    --------
    >>> import numpy as np
    >>> from nnbook.layers import SpatialBatchNormalization
    >>> bn = SpatialBatchNormalization(np.ones(2), np.zeros(2))
    >>> x = np.stack([np.full((2, 2), 1.0), np.arange(4.0).reshape(2, 2)])[None]
    >>> y = bn.forward(np.concatenate([x, x + 2]))  # (2, 2, 2, 2)
    >>> print(y[:, 0].round(3).ravel(), np.abs(y.mean(axis=(0, 2, 3))).round(6))
    [-1. -1. -1. -1.  1.  1.  1.  1.] [0. 0.]
    """

    def __init__(
        self,
        gamma: np.ndarray,
        beta: np.ndarray,
        momentum: float = 0.9,
        running_mean: np.ndarray | None = None,
        running_var: np.ndarray | None = None,
    ) -> None:
        super().__init__(gamma, beta, momentum, running_mean, running_var)
        self.image_shape: tuple[int, ...] | None = None

    def forward(self, x: np.ndarray, train_flg: bool = True) -> np.ndarray:
        """Normalise each channel of `x` (N, C, H, W) over its N·H·W values."""
        C = self.params["gamma"].shape[0]
        if x.ndim != 4 or x.shape[1] != C:
            raise ValueError(
                f"expected x of shape (N, {C}, H, W), got {x.shape}; for (N, D) input "
                "use BatchNormalization"
            )
        N, _, H, W = x.shape
        rows = x.transpose(0, 2, 3, 1).reshape(-1, C)
        out = super().forward(rows, train_flg)
        self.image_shape = x.shape
        return out.reshape(N, H, W, C).transpose(0, 3, 1, 2)

    def backward(self, dout: np.ndarray) -> np.ndarray:
        """Return `dx` (N, C, H, W) and store `grads["gamma"]`, `grads["beta"]`."""
        (shape,) = self._require("image_shape")
        self._check_dout(dout, shape)
        N, C, H, W = shape
        dx = super().backward(dout.transpose(0, 2, 3, 1).reshape(-1, C))
        return dx.reshape(N, H, W, C).transpose(0, 3, 1, 2)
