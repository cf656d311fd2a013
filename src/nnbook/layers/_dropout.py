"""Dropout: silence a random subset of units in each training step (chapter 6.4.3)."""

from __future__ import annotations

import numpy as np

from nnbook.layers._base import Layer

__all__ = ["Dropout"]


class Dropout(Layer):
    r"""Dropout layer: zero each unit with probability `dropout_ratio` while training.

    Each training `forward` draws a fresh random mask, so the network learns with a
    different thinned sub-network every step, which curbs overfitting (過学習). At test
    time every unit is kept and the output is scaled by `1 - dropout_ratio`, the
    fraction that was kept on average during training.

    Book: chapter 6, section 6.4.3.

    Parameters
    ----------
    dropout_ratio : float, default=0.5
        Probability of dropping a unit, in [0, 1).
    rng : numpy.random.Generator or int or None
        Source of the masks, or a seed for a new one.

    Attributes
    ----------
    mask : ndarray of bool or None
        Units kept by the latest training `forward` (True = kept).

    Notes
    -----
    Training: $y = x \odot m$ with $m_i = [u_i > p]$, $u_i \sim U[0, 1)$, and
    $\partial L/\partial x = \mathrm{dout} \odot m$. Inference: $y = (1 - p)\,x$.

    This is the book's (and the original paper's) convention. Most frameworks use
    "inverted dropout" instead: they divide by $1 - p$ during training and leave
    inference untouched. Both give the same expected activations.

    Examples
    --------
    >>> import numpy as np
    >>> from nnbook.layers import Dropout
    >>> layer = Dropout(0.5, rng=np.random.default_rng(0))
    >>> x = np.ones((2, 4))
    >>> print(layer.forward(x, train_flg=False))
    [[0.5 0.5 0.5 0.5]
     [0.5 0.5 0.5 0.5]]
    >>> y = layer.forward(x)
    >>> print(np.array_equal(y, layer.mask), np.array_equal(layer.backward(x), y))
    True True
    """

    def __init__(
        self, dropout_ratio: float = 0.5, *, rng: np.random.Generator | int | None = None
    ) -> None:
        super().__init__()
        if not 0.0 <= dropout_ratio < 1.0:
            raise ValueError(f"dropout_ratio must be in [0, 1), got {dropout_ratio}")
        self.dropout_ratio = dropout_ratio
        self.rng = np.random.default_rng(rng)
        self.mask: np.ndarray | None = None
        self._scale: float | None = None
        self._out_shape: tuple[int, ...] | None = None

    def forward(self, x: np.ndarray, train_flg: bool = True) -> np.ndarray:
        """Drop random units (training) or scale by `1 - dropout_ratio` (inference).

        Parameters
        ----------
        x : ndarray of any shape
            Input.
        train_flg : bool, default=True
            Training mode draws a new mask; inference scales.

        Returns
        -------
        ndarray of the shape and dtype of `x`
        """
        x = self._check_input(x)
        if train_flg:
            self.mask = self.rng.random(x.shape, dtype=np.float32) > self.dropout_ratio
            self._scale, self._out_shape = None, x.shape
            return x * self.mask
        self.mask = None
        self._scale, self._out_shape = 1.0 - self.dropout_ratio, x.shape
        return x * np.asarray(self._scale, dtype=x.dtype)

    def backward(self, dout: np.ndarray) -> np.ndarray:
        """Return `dout` through the same mask (or scale) as the latest `forward`.

        Parameters
        ----------
        dout : ndarray of the shape of the forward output
            Gradient of the loss with respect to the output.

        Returns
        -------
        ndarray of the same shape
            Gradient with respect to `x`.
        """
        (shape,) = self._require("_out_shape")
        self._check_dout(dout, shape)
        if self.mask is not None:
            return dout * self.mask
        return dout * np.asarray(self._scale, dtype=np.result_type(dout))
