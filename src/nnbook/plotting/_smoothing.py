"""Smoothing of noisy per-iteration curves (the book's `smooth_curve`)."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

__all__ = ["smooth_curve"]


def smooth_curve(x: ArrayLike, window_len: int = 11, beta: float = 2.0) -> np.ndarray:
    r"""Return a smoothed copy of a noisy curve, such as a loss per iteration.

    Each point becomes a weighted average of its neighbours under a Kaiser window
    (`numpy.kaiser`), with the curve mirrored at both ends so that the result has the
    same length as the input.

    Book: chapter 6, section 6.1.7 (`common/util.py`, used for the loss plots).

    Parameters
    ----------
    x : array_like of shape (T,)
        The values, e.g. `trainer.train_loss_list`.
    window_len : int, default=11
        Width of the window (odd); the book's value.
    beta : float, default=2.0
        Shape of the Kaiser window; the book's value.

    Returns
    -------
    ndarray of shape (T,), float64

    Notes
    -----
    $y_i = \sum_{j=-h}^{h} w_j\, x_{i+j}$ with $h$ = `window_len // 2`, $w$ the Kaiser
    window normalised to sum 1, and indices outside the curve mirrored as in the book
    ($x_{-1} = x_1$ at the start, $x_T = x_{T-1}$ at the end). For curves at least
    `window_len` long this is the book's function exactly; shorter ones work too.
    The book keeps it in `common/util.py`; we keep it beside the plots it serves (it is
    pure NumPy and draws nothing).

    Examples
    --------
    A constant stays constant, and a lone spike is spread over its neighbours:

    >>> import numpy as np
    >>> from nnbook.plotting import smooth_curve
    >>> print(smooth_curve(np.full(15, 2.0)).round(12).tolist() == [2.0] * 15)
    True
    >>> spike = np.zeros(21)
    >>> spike[10] = 1.0
    >>> print(smooth_curve(spike)[8:13].round(3))
    [0.107 0.116 0.12  0.116 0.107]
    """
    x = np.asarray(x, dtype=np.float64)
    if x.ndim != 1:
        raise ValueError(f"expected a 1-D curve, got shape {x.shape}")
    if window_len < 1 or window_len % 2 == 0:
        raise ValueError(f"window_len must be a positive odd number, got {window_len}")
    if x.size < 2:
        return x.copy()
    half = window_len // 2
    w = np.kaiser(window_len, beta)
    # Mirror as the book does: without repeating the first point, repeating the last.
    padded = np.pad(np.pad(x, (half, 0), mode="reflect"), (0, half), mode="symmetric")
    return np.convolve(w / w.sum(), padded, mode="valid")
