"""Loss functions (損失関数) of chapter 4: squared error and cross-entropy.

Both take the network's output `y` and the targets `t`, for one sample (`y` of shape
(C,)) or a batch (`y` of shape (N, C)); the targets may be one-hot (same shape as `y`)
or class labels (one integer per sample). A batch's loss is the mean over its samples.
Arrays that hold no numbers (object arrays, which may hold `None`; strings) are refused
with a `TypeError` rather than quietly turned into NaN.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from nnbook.activations import _check_numeric, softmax

__all__ = ["cross_entropy_error", "softmax_loss", "sum_squared_error"]

#: The book's guard against log(0) in the cross-entropy.
DELTA = 1e-7


def _as_batch(y: ArrayLike, t: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    """Return `y` as (N, C) and `t` as one-hot (N, C) or labels (N,).

    Arrays that hold no numbers (object arrays with None, strings) raise a TypeError.
    """
    y = _check_numeric(np.asarray(y), "y")
    if y.dtype.kind != "f":
        y = y.astype(np.float64)
    t = _check_numeric(np.asarray(t), "t")
    if y.ndim == 1:
        y = y.reshape(1, -1)
        t = t.reshape(1, -1) if t.size == y.size else t.reshape(1)
    if y.ndim != 2:
        raise ValueError(f"expected y of shape (C,) or (N, C); got {y.shape}")
    if t.shape == y.shape:
        return y, t
    if t.shape == (y.shape[0],) and t.dtype.kind in "iu":  # integer labels
        if t.size and (t.min() < 0 or t.max() >= y.shape[1]):
            raise ValueError(
                f"labels must lie in [0, {y.shape[1]}); got {t.min()}..{t.max()}"
            )
        return y, t
    raise ValueError(
        f"targets of shape {t.shape} (dtype {t.dtype}) do not fit y of shape {y.shape}: "
        f"pass one-hot targets of shape {y.shape} or integer labels of shape "
        f"({y.shape[0]},)"
    )


def _check_not_empty(y: np.ndarray) -> None:
    """Refuse a batch of no samples or no classes: its mean loss is undefined (0/0)."""
    if y.shape[0] == 0 or y.shape[1] == 0:
        raise ValueError(
            f"cannot compute a loss for y of shape {y.shape}: a batch needs at least one "
            "sample and one class (the mean over no samples is undefined); skip empty "
            "batches"
        )


def sum_squared_error(y: ArrayLike, t: ArrayLike):
    r"""Return half the sum of squared differences, $\frac12\sum_k (y_k - t_k)^2$.

    The book calls this function `mean_squared_error` (2乗和誤差, "sum of squared
    errors"), but it sums over the classes rather than averaging: we name it for what it
    computes.

    Book: chapter 4, section 4.2.1.

    Parameters
    ----------
    y : array_like of shape (C,) or (N, C)
        Network output(s).
    t : array_like of shape (C,) or (N, C), or integer labels of shape () or (N,)
        One-hot targets or class labels.

    Returns
    -------
    scalar of `y`'s floating dtype
        $E = \frac12 \sum_k (y_k - t_k)^2$ for one sample; for a batch, the mean of
        the per-sample values.

    Raises
    ------
    ValueError
        If the targets do not fit `y`, or the batch is empty (no samples or no
        classes: the mean over no samples is undefined).

    Notes
    -----
    The factor $\frac12$ makes the gradient simply $y - t$. Dividing a batch's sum by
    $N$ (the book's listing handles a single sample only) makes the value independent of
    the batch size, like `cross_entropy_error`.

    Examples
    --------
    The output `y` of a 10-class network and the one-hot target "2":

    >>> import numpy as np
    >>> from nnbook.losses import sum_squared_error
    >>> t = [0, 0, 1, 0, 0, 0, 0, 0, 0, 0]
    >>> y = [0.1, 0.05, 0.6, 0.0, 0.05, 0.1, 0.0, 0.1, 0.0, 0.0]
    >>> print(sum_squared_error(np.array(y), np.array(t)))
    0.09750000000000003

    If the network bets on "7" instead, the error grows:

    >>> y = [0.1, 0.05, 0.1, 0.0, 0.05, 0.1, 0.0, 0.6, 0.0, 0.0]
    >>> print(sum_squared_error(np.array(y), np.array(t)))
    0.5975

    A label works as well as a one-hot vector, and a batch gives the mean:

    >>> print(sum_squared_error(np.array([y, y]), np.array([2, 7])))
    0.34750000000000003
    """
    y, t = _as_batch(y, t)
    _check_not_empty(y)
    if t.shape != y.shape:
        t = np.eye(y.shape[1], dtype=y.dtype)[t]
    per_sample = 0.5 * np.sum((y - t) ** 2, axis=1)
    return (np.sum(per_sample) / y.shape[0]).astype(y.dtype)


def cross_entropy_error(y: ArrayLike, t: ArrayLike):
    r"""Return the cross-entropy $-\sum_k t_k \log(y_k + 10^{-7})$, averaged over a batch.

    The cross-entropy (交差エントロピー誤差) is the negative log of the probability the
    network gives to the correct class: 0 for a sure right answer, large for a confident
    wrong one.

    Book: chapter 4, sections 4.2.2 and 4.2.4.

    Parameters
    ----------
    y : array_like of shape (C,) or (N, C)
        Predicted probabilities (a softmax output).
    t : array_like of shape (C,) or (N, C), or integer labels of shape () or (N,)
        One-hot (or any probability) targets, or class labels.

    Returns
    -------
    scalar of `y`'s floating dtype
        $E = -\frac1N \sum_n \sum_k t_{nk} \log(y_{nk} + \delta)$ with
        $\delta = 10^{-7}$.

    Raises
    ------
    ValueError
        If the targets do not fit `y` (labels out of range included), or the batch
        is empty (no samples or no classes).

    Notes
    -----
    The tiny $\delta$ (the book's `delta = 1e-7`) keeps $\log 0 = -\infty$ out of the
    result when the network gives the right class probability 0. With labels we pick
    $\log(y_{n,t_n} + \delta)$ directly, as the book's batch version does. With one-hot
    targets we compute the full sum $\sum_k t_k \log(\ldots)$ (section 4.2.2's
    form) instead of the book's `argmax` shortcut: the numbers are the same for one-hot
    targets, and soft targets (label smoothing, the GAN's 0/1 targets) are also right.

    Examples
    --------
    >>> import numpy as np
    >>> from nnbook.losses import cross_entropy_error
    >>> t = [0, 0, 1, 0, 0, 0, 0, 0, 0, 0]
    >>> y = [0.1, 0.05, 0.6, 0.0, 0.05, 0.1, 0.0, 0.1, 0.0, 0.0]
    >>> print(cross_entropy_error(np.array(y), np.array(t)))
    0.510825457099338
    >>> y = [0.1, 0.05, 0.1, 0.0, 0.05, 0.1, 0.0, 0.6, 0.0, 0.0]
    >>> print(cross_entropy_error(np.array(y), np.array(t)))
    2.302584092994546

    Labels and one-hot targets agree; a batch gives the mean:

    >>> y2 = np.array([[0.1, 0.9], [0.8, 0.2]])
    >>> print(cross_entropy_error(y2, np.array([1, 0])))
    0.1642519154304695
    >>> print(cross_entropy_error(y2, np.array([[0, 1], [1, 0]])))
    0.1642519154304695
    """
    y, t = _as_batch(y, t)
    _check_not_empty(y)
    n = y.shape[0]
    if t.shape == y.shape:
        total = -np.sum(t * np.log(y + DELTA))
    else:
        total = -np.sum(np.log(y[np.arange(n), t] + DELTA))
    return (total / n).astype(y.dtype)


def softmax_loss(x: ArrayLike, t: ArrayLike):
    r"""Return `cross_entropy_error(softmax(x), t)`: the book's loss from scores.

    The book's helper of that name (`common/functions.py`), with its $10^{-7}$ guard.
    [`SoftmaxWithLoss`][nnbook.layers.SoftmaxWithLoss] computes the same loss from
    log-softmax, without the guard (see its Notes for why); the two differ by about
    $10^{-7}/y_{n,t_n}$.

    Book: chapter 5, section 5.6.3.

    Parameters
    ----------
    x : array_like of shape (C,) or (N, C)
        Scores (logits).
    t : array_like
        One-hot targets of `x`'s shape, or integer labels.

    Returns
    -------
    scalar of `x`'s floating dtype

    Examples
    --------
    >>> import numpy as np
    >>> from nnbook.losses import softmax_loss
    >>> print(softmax_loss(np.array([[0.0, 0.0], [0.0, np.log(3.0)]]), np.array([0, 1])))
    0.49041445983921095
    """
    return cross_entropy_error(softmax(x), t)
