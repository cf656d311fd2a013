"""The fully connected (affine) layer $y = xW + b$ for batches (chapter 5.6)."""

from __future__ import annotations

import math

import numpy as np

from nnbook.layers._base import Layer, grad_property, param_property

__all__ = ["Affine"]


class Affine(Layer):
    r"""Fully connected layer (Affine レイヤ): $Y = X W + b$ for a batch of inputs.

    Inputs of any rank are accepted: `x` of shape (N, ...) is flattened to (N, D) with
    D the product of the trailing sizes, so a convolution's (N, C, H, W) output can feed
    it directly; `backward` gives `dx` the input's shape back.

    Book: chapter 5, sections 5.6.1-5.6.2 (and the 4-D version in `common/layers.py`).

    Parameters
    ----------
    W : ndarray of shape (D, M)
        Weights. Kept by reference in `params["W"]`: not copied.
    b : ndarray of shape (M,)
        Biases. Kept by reference in `params["b"]`.

    Attributes
    ----------
    params : dict
        `{"W": W, "b": b}`, the very arrays passed in.
    grads : dict
        `{"W": dW, "b": db}` after `backward`.

    Notes
    -----
    With $X$ the flattened (N, D) input and $G$ = `dout` of shape (N, M):

    $$\frac{\partial L}{\partial X} = G W^\top, \quad
    \frac{\partial L}{\partial W} = X^\top G, \quad
    \frac{\partial L}{\partial b} = \sum_{n} G_{n,:}.$$

    `forward` keeps a copy of the flattened input in `x` and the input's shape in
    `original_x_shape`, the book's attribute names. The copy (the book keeps a
    reference) means that changing the caller's array between `forward` and
    `backward` cannot change `dW`; `forward(x, copy_x=False)` keeps a reference
    instead, for a caller that runs `backward` before anyone can change `x`
    ([`Network.gradient`][nnbook.models.Network.gradient] does). The book's
    attributes `W`, `b`, `dW`, `db` are properties over `params` and `grads`, so
    `net.layers["Affine1"].dW` works as in the book, and the book's `layer.W = W_new`
    copies the values into the shared array instead of replacing it.
    `backward(dout, need_dx=False)` skips $G W^\top$ (and returns None): a network's
    first layer has no use for it.

    An empty batch (N = 0) is allowed: the output has shape (0, M), `dx` the input's
    shape, and `dW`, `db` are zeros, the gradient of a sum over no samples. (The book's
    `x.reshape(x.shape[0], -1)` fails there: -1 cannot be inferred from 0 entries.)

    Examples
    --------
    >>> import numpy as np
    >>> from nnbook.layers import Affine
    >>> W = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    >>> layer = Affine(W, np.array([0.1, 0.2, 0.3]))
    >>> x = np.array([[1.0, 0.0], [0.0, 1.0]])
    >>> print(layer.forward(x))
    [[1.1 2.2 3.3]
     [4.1 5.2 6.3]]
    >>> dx = layer.backward(np.ones((2, 3)))
    >>> print(dx)
    [[ 6. 15.]
     [ 6. 15.]]
    >>> print(layer.grads["W"])
    [[1. 1. 1.]
     [1. 1. 1.]]
    >>> print(layer.db)
    [2. 2. 2.]

    Images in (N, C, H, W) layout are flattened, and `dx` keeps their shape:

    >>> layer = Affine(np.ones((12, 2)), np.zeros(2))
    >>> print(layer.forward(np.ones((5, 3, 2, 2))).shape)
    (5, 2)
    >>> print(layer.backward(np.ones((5, 2))).shape)
    (5, 3, 2, 2)
    """

    def __init__(self, W: np.ndarray, b: np.ndarray) -> None:
        super().__init__()
        if W.ndim != 2 or b.shape != (W.shape[1],):
            raise ValueError(
                f"expected W of shape (D, M) and b of shape (M,); got W {W.shape} and "
                f"b {b.shape}"
            )
        self.params["W"] = W
        self.params["b"] = b
        self.x: np.ndarray | None = None
        self.original_x_shape: tuple[int, ...] | None = None

    can_skip_dx = True
    can_borrow_x = True

    # The book's attribute names, as views of params/grads.
    W = param_property("W", "The weights, `params['W']` (assigning copies into it).")
    b = param_property("b", "The biases, `params['b']` (assigning copies into it).")
    dW = grad_property("W", "Gradient of the weights from the latest `backward`.")
    db = grad_property("b", "Gradient of the biases from the latest `backward`.")

    def forward(
        self, x: np.ndarray, train_flg: bool = True, *, copy_x: bool = True
    ) -> np.ndarray:
        """Return `x.reshape(N, -1) @ W + b`.

        Parameters
        ----------
        x : ndarray of shape (N, D) or (N, d1, d2, ...) with d1*d2*... = D
            A batch of inputs.
        train_flg : bool, default=True
            Ignored.
        copy_x : bool, default=True
            Keep a copy of `x` for `backward` (False: keep `x` itself, which must
            then not change before `backward`).

        Returns
        -------
        ndarray of shape (N, M)

        Raises
        ------
        ValueError
            If `x` is not a batch (fewer than 2 dimensions) or its features do not
            match `W`.
        """
        W, b = self.params["W"], self.params["b"]
        x = self._check_input(x)
        if x.ndim < 2:
            raise ValueError(
                f"Affine expects a batch: x of shape (N, {W.shape[0]}); got {x.shape}; "
                "for a single sample use x[np.newaxis]"
            )
        # The size of a sample is given, not inferred (-1): an empty batch has none.
        x2 = x.reshape(x.shape[0], math.prod(x.shape[1:]))
        if x2.shape[1] != W.shape[0]:
            raise ValueError(
                f"x of shape {x.shape} has {x2.shape[1]} features per sample, but W of "
                f"shape {W.shape} expects {W.shape[0]}"
            )
        self.x = x2.copy() if copy_x else x2
        self.original_x_shape = x.shape
        out = x2 @ W
        out += b  # in place: one temporary fewer than `x2 @ W + b`, the same numbers
        return out

    def backward(self, dout: np.ndarray, need_dx: bool = True) -> np.ndarray | None:
        """Return `dx` and store `grads["W"]`, `grads["b"]`.

        Parameters
        ----------
        dout : ndarray of shape (N, M)
            Gradient of the loss with respect to the output.
        need_dx : bool, default=True
            Compute `dx`; a network's first layer passes False and gets None.

        Returns
        -------
        ndarray of the input's shape, or None
            Gradient with respect to `x`.
        """
        x2, x_shape = self._require("x", "original_x_shape")
        W = self.params["W"]
        self._check_dout(dout, (x2.shape[0], W.shape[1]))
        self.grads["W"] = x2.T @ dout
        self.grads["b"] = dout.sum(axis=0)
        if not need_dx:
            return None
        return (dout @ W.T).reshape(x_shape)
