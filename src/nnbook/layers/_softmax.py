"""Softmax followed by the cross-entropy loss, as one layer (chapter 5.6.3)."""

from __future__ import annotations

import numpy as np

from nnbook.layers._base import LossLayer
from nnbook.losses import _as_batch, _check_not_empty

__all__ = ["SoftmaxWithLoss"]


class SoftmaxWithLoss(LossLayer):
    r"""Output layer for classification: softmax, then mean cross-entropy against `t`.

    Putting the two together gives the famously clean gradient $(y - t)/N$: the
    network's error, shared out over the batch.

    Book: chapter 5, section 5.6.3.

    Attributes
    ----------
    loss : float or None
        The loss of the latest `forward`.
    y : ndarray of shape (N, C) or None
        The softmax output of the latest `forward`.
    t : ndarray or None
        The targets of the latest `forward`.

    Notes
    -----
    Forward: $y = \mathrm{softmax}(x)$ and $L = -\frac1N \sum_n \sum_k t_{nk} \log
    y_{nk}$, the mean cross-entropy. Backward: $\frac{\partial L}{\partial x} =
    \frac{y - t}{N} \cdot$ `dout`, with $t$ one-hot (labels are expanded on the fly).

    We differ from the book in one detail, on purpose. The book computes
    `cross_entropy_error(softmax(x), t)`, whose $\log(y + 10^{-7})$ guard makes
    $(y - t)/N$ slightly wrong (by a relative $10^{-7}/y_{n,t_n}$, about $10^{-6}$ for
    an untrained 10-class network): the gradient check of section 5.7.3 would then show
    differences of about $10^{-7}$ for `b2`, not the $10^{-10}$ the book prints. We
    compute $\log y$ directly as $x_k - \max_j x_j - \log\sum_j e^{x_j - \max_j x_j}$
    (log-softmax), which cannot take $\log 0$ and needs no guard, so that $(y - t)/N$ is
    the exact gradient. The two losses differ by about $10^{-7}/y_{n,t_n}$.

    `forward(x, t)` takes the targets as its second argument, as in the book, instead
    of the `train_flg` of other layers; `backward(dout=1)` defaults to the loss being
    the end of the graph. The book's `backward` ignores `dout`; ours multiplies by it,
    so the layer can sit inside a larger objective (a weighted sum of losses).

    Examples
    --------
    Two samples, two classes: the first is a toss-up, the second favours class 1 at
    odds of 3 to 1, so the loss is $(\log 2 + \log \frac43)/2$:

    >>> import numpy as np
    >>> from nnbook.layers import SoftmaxWithLoss
    >>> layer = SoftmaxWithLoss()
    >>> x = np.array([[0.0, 0.0], [0.0, np.log(3.0)]])
    >>> print(layer.forward(x, np.array([0, 1])))
    0.4904146265058631
    >>> print(layer.backward())
    [[-0.25   0.25 ]
     [ 0.125 -0.125]]

    One-hot targets give the same numbers:

    >>> print(layer.forward(x, np.array([[1, 0], [0, 1]])))
    0.4904146265058631
    """

    def forward(self, x: np.ndarray, t: np.ndarray) -> np.floating:
        """Return the mean cross-entropy of `softmax(x)` against `t`.

        Parameters
        ----------
        x : ndarray of shape (N, C), or (C,) for one sample
            Scores (logits).
        t : ndarray of shape (N, C) (one-hot) or (N,) (integer labels)
            Targets.

        Returns
        -------
        scalar of `x`'s dtype
            The loss.

        Raises
        ------
        ValueError
            If `t` does not fit `x` (see
            [`cross_entropy_error`][nnbook.losses.cross_entropy_error]), or the batch is
            empty: the mean loss over no samples is undefined.
        TypeError
            If `x` is not an array of numbers.
        """
        x2, t2 = _as_batch(self._check_input(x), t)
        _check_not_empty(x2)
        shifted = x2 - x2.max(axis=1, keepdims=True)
        exp = np.exp(shifted)
        total_exp = exp.sum(axis=1, keepdims=True)
        log_total = np.log(total_exp)  # log y = shifted - log_total
        n = x2.shape[0]
        if t2.shape == x2.shape:
            total = -np.sum(t2 * (shifted - log_total))
        else:  # log y at the labels only: the same numbers, without all of log y
            total = -np.sum(shifted[np.arange(n), t2] - log_total[:, 0])
        loss = (total / n).astype(x2.dtype)
        # y as nnbook.activations.softmax computes it, to the last bit.
        exp /= total_exp
        self.y, self.t, self.loss = exp.reshape(np.shape(x)), np.array(t, copy=True), loss
        return loss

    def backward(self, dout=1) -> np.ndarray:
        """Return $(y - t)/N$ times `dout`.

        Parameters
        ----------
        dout : float or 0-d ndarray, default=1
            Gradient of the final objective with respect to the loss.

        Returns
        -------
        ndarray of the shape of `x`
            Gradient with respect to the scores.
        """
        y, t = self._require("y", "t")
        self._check_scalar_dout(dout)
        y2 = y.reshape(-1, y.shape[-1])
        n = y2.shape[0]
        t = np.asarray(t)
        if t.size == y.size:
            dx = y2 - t.reshape(y2.shape).astype(y.dtype, copy=False)
        else:
            dx = y2.copy()
            dx[np.arange(n), t.reshape(n)] -= 1
        dx /= n
        if not (isinstance(dout, int | float) and dout == 1):  # times 1 changes nothing
            dx *= np.asarray(dout, dtype=y.dtype)
        return dx.reshape(y.shape)
