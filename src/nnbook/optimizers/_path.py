"""Follow an optimizer on a function of a few variables, for the chapter-6 path figures."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import ArrayLike

from nnbook.optimizers._base import Optimizer

__all__ = ["optimizer_path"]


def optimizer_path(
    optimizer: Optimizer,
    grad: Callable[[np.ndarray], ArrayLike],
    start: ArrayLike,
    steps: int = 30,
) -> np.ndarray:
    """Return the points an optimizer visits when minimising a function from `start`.

    The one path helper of nnbook: chapter 4's gradient-descent path is
    `optimizer_path(SGD(lr), lambda x: numerical_gradient(f, x), init_x, step_num)`.

    Book: chapter 6, section 6.1 (`optimizer_compare_naive.py`, figures 6-3 to 6-9), and
    chapter 4, section 4.4.1 (`gradient_method.py`).

    Parameters
    ----------
    optimizer : Optimizer
        A fresh optimizer (its state is used and changed).
    grad : callable
        Maps a point, ndarray of shape (D,), to the gradient there, shape (D,).
    start : array_like of shape (D,)
        Starting point, e.g. `(-7.0, 2.0)`.
    steps : int, default=30
        Number of updates.

    Returns
    -------
    ndarray of shape (steps + 1, D)
        The start, then the point after each update.

    Notes
    -----
    The book keeps `x` and `y` as two entries of `params`; we keep one vector. Every
    optimizer here acts elementwise, so the path is the same.

    Examples
    --------
    On the book's $f(x, y) = x^2/20 + y^2$, SGD with a large step zigzags in $y$:

    >>> import numpy as np
    >>> from nnbook.optimizers import SGD, optimizer_path
    >>> def grad(p):
    ...     return np.array([p[0] / 10.0, 2.0 * p[1]])
    >>> path = optimizer_path(SGD(lr=0.95), grad, (-7.0, 2.0), steps=3)
    >>> print(path.round(4))
    [[-7.      2.    ]
     [-6.335  -1.8   ]
     [-5.7332  1.62  ]
     [-5.1885 -1.458 ]]
    """
    params = {"p": np.array(start, dtype=np.float64)}
    path = [params["p"].copy()]
    for _ in range(steps):
        g = np.asarray(grad(params["p"].copy()), dtype=np.float64)
        optimizer.update(params, {"p": g})
        path.append(params["p"].copy())
    return np.array(path)
