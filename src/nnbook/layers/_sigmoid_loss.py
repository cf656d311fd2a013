r"""Sigmoid followed by the binary cross-entropy, as one layer, from logits."""

from __future__ import annotations

import numpy as np

from nnbook.layers._base import LossLayer

__all__ = ["SigmoidWithLoss"]


class SigmoidWithLoss(LossLayer):
    r"""Output layer for yes/no questions: sigmoid, then mean binary cross-entropy.

    The two-class twin of [`SoftmaxWithLoss`][nnbook.layers.SoftmaxWithLoss]: one score
    $x$ per sample says how likely "yes" is, $y = \sigma(x)$, and the target $t$ is 1
    for yes and 0 for no (or anything in between, for smoothed targets). A GAN's
    discriminator ends with it: "is this image real?".

    Book: not in the book; `SoftmaxWithLoss` is chapter 5, section 5.6.3.

    Attributes
    ----------
    loss : scalar or None
        The loss of the latest `forward`.
    y : ndarray or None
        The probabilities $\sigma(x)$ of the latest `forward`.
    t : ndarray or None
        The targets of the latest `forward`.

    Notes
    -----
    With $M$ the number of scores (entries of $x$), the loss and its gradient are

    $$L = -\frac1M \sum_i \bigl[t_i \log \sigma(x_i) + (1 - t_i)\log(1 - \sigma(x_i))\bigr],
    \qquad \frac{\partial L}{\partial x_i} = \frac{\sigma(x_i) - t_i}{M},$$

    the same clean "prediction minus target" as softmax with cross-entropy. Computed
    from the probabilities, the loss would be infinite as soon as $\sigma(x)$ rounds to
    0 or 1 (in float32, for $|x| > 17$ or so), which happens to a confident
    discriminator. We compute it from the logits instead, using
    $-\log\sigma(x) = \log(1 + e^{-x})$ and $-\log(1 - \sigma(x)) = \log(1 + e^{x})$:

    $$L = \frac1M \sum_i \bigl[\max(x_i, 0) - t_i x_i + \log(1 + e^{-|x_i|})\bigr],$$

    in which no exponential can overflow, so the loss is finite for every finite logit.

    Examples
    --------
    Three samples: a toss-up, a confident "yes" that is right, and a confident "yes"
    that is wrong:

    >>> import numpy as np
    >>> from nnbook.layers import SigmoidWithLoss
    >>> layer = SigmoidWithLoss()
    >>> x = np.array([[0.0], [3.0], [3.0]])
    >>> t = np.array([[1.0], [1.0], [0.0]])
    >>> print(round(float(layer.forward(x, t)), 6))
    1.263441
    >>> print(layer.backward().round(6))
    [[-0.166667]
     [-0.015809]
     [ 0.317525]]

    Huge logits give a large but finite loss (the probability form would give inf):

    >>> print(float(layer.forward(np.array([1000.0, -1000.0]), np.array([0.0, 1.0]))))
    1000.0
    """

    def forward(self, x: np.ndarray, t: np.ndarray) -> np.floating:
        """Return the mean binary cross-entropy of `sigmoid(x)` against `t`.

        Parameters
        ----------
        x : ndarray of any shape, usually (N, 1) or (N,)
            Scores (logits).
        t : array_like of the shape of `x`
            Targets in [0, 1]: 1 for "yes", 0 for "no".

        Returns
        -------
        scalar of `x`'s floating dtype
            The loss.

        Raises
        ------
        ValueError
            If `t` does not have the shape of `x`, or lies outside [0, 1].
        """
        x = self._check_input(x)
        if not np.issubdtype(x.dtype, np.floating):
            x = x.astype(np.float64)
        t = self._check_input(t, "t")
        if t.shape != x.shape:
            raise ValueError(
                f"targets of shape {t.shape} do not fit scores of shape {x.shape}: pass "
                "one target in [0, 1] per score, of the same shape (e.g. (N, 1))"
            )
        if x.size == 0:
            raise ValueError("the loss of an empty batch is undefined; pass some scores")
        if t.size and (np.min(t) < 0 or np.max(t) > 1):
            raise ValueError(
                f"targets must lie in [0, 1] (1 for yes, 0 for no); got values from "
                f"{np.min(t)} to {np.max(t)}"
            )
        tx = t.astype(x.dtype, copy=False)
        z = np.exp(-np.abs(x))
        total = np.sum(np.maximum(x, 0) - tx * x + np.log1p(z))
        loss = (total / x.size).astype(x.dtype)
        # sigmoid from the same exponential, without overflow (as nnbook.activations).
        y = np.where(x >= 0, 1 / (1 + z), z / (1 + z)).astype(x.dtype, copy=False)
        self.y, self.t, self.loss = y, np.array(tx, copy=True), loss
        return loss

    def backward(self, dout=1) -> np.ndarray:
        r"""Return $(\sigma(x) - t)/M$ times `dout`.

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
        return (y - t) * np.asarray(dout / y.size, dtype=y.dtype)
