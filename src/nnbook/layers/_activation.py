"""Activation-function layers: ReLU and sigmoid with their backward passes (chapter 5.5)."""

from __future__ import annotations

import numpy as np

from nnbook.activations import sigmoid
from nnbook.layers._base import Layer

__all__ = ["Relu", "Sigmoid"]


def _zero_where(mask: np.ndarray, dout: np.ndarray) -> np.ndarray:
    """Return a copy of `dout` with exact zeros where `mask` is True.

    The book's `dout[mask] = 0`, into a new array. For floats: the mask becomes words
    of all zero bits (masked) or all one bits (kept), `mask - 1` in the integer type of
    `dout`'s width, and a bitwise AND with `dout`'s bits keeps or clears each entry
    whole, so the zeros are +0.0 whatever was there, as `np.where` gives them, in
    plain vectorised passes.
    """
    dtype = dout.dtype
    if dtype.kind != "f" or dtype.itemsize not in (2, 4, 8):
        return np.where(mask, np.zeros((), dtype=dtype), dout)
    bits = np.dtype(f"i{dtype.itemsize}")
    keep = mask.astype(bits)  # 1 where masked, 0 where kept
    keep -= 1  # 0 (no bits) where masked, -1 (all bits) where kept
    np.bitwise_and(keep, dout.view(bits), out=keep)
    return keep.view(dtype)


class Relu(Layer):
    r"""ReLU layer: $y = \max(0, x)$ forward, gradient let through only where $x > 0$.

    Book: chapter 5, section 5.5.1.

    Notes
    -----
    $\frac{\partial y}{\partial x} = 1$ if $x > 0$, else $0$ (we take 0 at $x = 0$, as
    the book does). `forward` keeps the boolean mask of $x \le 0$ in `mask`, the
    book's attribute (section 5.5.1 reads it).

    The book's `backward` writes zeros into `dout` (`dout[self.mask] = 0`); ours
    returns a new array and leaves `dout` alone, so a gradient shared by several
    consumers stays correct. The zeros are exact (never `-0.0`, and a `NaN` or `inf`
    in a masked place is zeroed too, as in the book). For float arrays they are made
    by a bitwise AND of `dout`'s bits with the mask widened to all-ones / all-zeros
    words: plain vectorised passes, faster than `np.where` on randomly signed data.

    Examples
    --------
    >>> import numpy as np
    >>> from nnbook.layers import Relu
    >>> relu = Relu()
    >>> print(relu.forward(np.array([[1.0, -0.5], [-2.0, 3.0]])))
    [[1. 0.]
     [0. 3.]]
    >>> print(relu.backward(np.array([[10.0, 20.0], [30.0, 40.0]])))
    [[10.  0.]
     [ 0. 40.]]
    >>> print(relu.mask)
    [[False  True]
     [ True False]]
    """

    def __init__(self) -> None:
        super().__init__()
        self.mask: np.ndarray | None = None

    def forward(self, x: np.ndarray, train_flg: bool = True) -> np.ndarray:
        """Return `max(0, x)` elementwise.

        Parameters
        ----------
        x : ndarray of any shape
            Input.
        train_flg : bool, default=True
            Ignored (ReLU behaves the same in training and inference).

        Returns
        -------
        ndarray of the same shape and dtype as `x`
        """
        x = self._check_input(x)
        self.mask = x <= 0
        return np.maximum(x, np.zeros((), dtype=x.dtype))

    def backward(self, dout: np.ndarray) -> np.ndarray:
        """Return `dout` with the entries where `x <= 0` set to zero.

        Parameters
        ----------
        dout : ndarray of the shape of the forward output
            Gradient of the loss with respect to the output.

        Returns
        -------
        ndarray of the same shape
            Gradient with respect to `x`.
        """
        (mask,) = self._require("mask")
        self._check_dout(dout, mask.shape)
        return _zero_where(mask, dout)


class Sigmoid(Layer):
    r"""Sigmoid layer: $y = 1/(1 + e^{-x})$ forward, $dx = dout \cdot y(1-y)$ backward.

    Book: chapter 5, section 5.5.2.

    Notes
    -----
    $\frac{\partial y}{\partial x} = y(1 - y)$, so `forward` keeps its output in
    `out` (the book's attribute) and `backward` needs nothing else. The forward pass
    uses the overflow-safe [`sigmoid`][nnbook.activations.sigmoid].

    Examples
    --------
    >>> import numpy as np
    >>> from nnbook.layers import Sigmoid
    >>> layer = Sigmoid()
    >>> print(layer.forward(np.array([[0.0, 2.0]])))
    [[0.5        0.88079708]]
    >>> print(layer.backward(np.array([[1.0, 1.0]])))
    [[0.25       0.10499359]]
    """

    def __init__(self) -> None:
        super().__init__()
        self.out: np.ndarray | None = None

    def forward(self, x: np.ndarray, train_flg: bool = True) -> np.ndarray:
        """Return the sigmoid of `x` elementwise.

        Parameters
        ----------
        x : ndarray of any shape
            Input.
        train_flg : bool, default=True
            Ignored.

        Returns
        -------
        ndarray of the same shape and dtype as `x`
        """
        self.out = out = sigmoid(self._check_input(x))
        return out

    def backward(self, dout: np.ndarray) -> np.ndarray:
        """Return `dout * y * (1 - y)`, with `y` the forward output.

        Parameters
        ----------
        dout : ndarray of the shape of the forward output
            Gradient of the loss with respect to the output.

        Returns
        -------
        ndarray of the same shape
            Gradient with respect to `x`.
        """
        (out,) = self._require("out")
        self._check_dout(dout, out.shape)
        return dout * (1.0 - out) * out
