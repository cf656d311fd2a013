"""Figures of chapter 4.3-4.4: a tangent line, a gradient field, a descent path."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from matplotlib.axes import Axes
from numpy.typing import ArrayLike

from nnbook.gradient import numerical_diff, numerical_gradient
from nnbook.plotting._axes import new_axes
from nnbook.plotting._style import MIN_FONTSIZE

__all__ = ["plot_descent_path", "plot_gradient_field", "plot_tangent"]


def _grid_values(f: Callable[[np.ndarray], float], X: np.ndarray, Y: np.ndarray):
    """Evaluate a function of a 2-vector at each point of a mesh."""
    return np.array(
        [f(np.array([x, y])) for x, y in zip(X.ravel(), Y.ravel(), strict=True)]
    ).reshape(X.shape)


def plot_tangent(
    f: Callable[[float], float],
    x0: float,
    *,
    x: ArrayLike | None = None,
    ax: Axes | None = None,
    title: str | None = None,
) -> Axes:
    """Plot `f` and its tangent line at `x0`, whose slope is the numerical derivative.

    Book: chapter 4, section 4.3.2 (figure 4-7, `gradient_1d.py`).

    Parameters
    ----------
    f : callable
        A function of one variable, vectorised over arrays.
    x0 : float
        Where to draw the tangent.
    x : array_like, optional
        Points to plot; default `np.arange(0.0, 20.0, 0.1)` as in the book.
    ax : Axes, optional
        Where to draw; a new figure is made when omitted.
    title : str, optional
        Title of the axes; default names the slope.

    Returns
    -------
    Axes

    Examples
    --------
    >>> from nnbook.plotting import plot_tangent
    >>> ax = plot_tangent(lambda x: 0.01 * x**2 + 0.1 * x, 5)
    >>> print(ax.get_title())
    tangent at x = 5: slope 0.2000
    >>> print([text.get_text() for text in ax.get_legend().get_texts()])
    ['f(x)', 'tangent']
    """
    x = np.arange(0.0, 20.0, 0.1) if x is None else np.asarray(x, dtype=float)
    slope = numerical_diff(f, x0)
    intercept = f(x0) - slope * x0
    ax = new_axes(ax)
    ax.plot(x, f(x), label="f(x)", linewidth=2)
    ax.plot(x, slope * x + intercept, "--", label="tangent")
    ax.plot([x0], [f(x0)], "o", color="black")
    ax.set_xlabel("x")
    ax.set_ylabel("f(x)")
    ax.grid(alpha=0.3)
    ax.legend()
    ax.set_title(title or f"tangent at x = {x0:g}: slope {slope:.4f}")
    return ax


def plot_gradient_field(
    f: Callable[[np.ndarray], float],
    *,
    lim: tuple[float, float] = (-2.0, 2.0),
    step: float = 0.25,
    ax: Axes | None = None,
    title: str | None = None,
) -> Axes:
    r"""Draw the negative gradient of a function of $(x_0, x_1)$ as arrows on a grid.

    The arrows point downhill, the way gradient descent moves; they are longer where
    the function is steeper.

    Book: chapter 4, section 4.4 (figure 4-9, `gradient_2d.py`).

    Parameters
    ----------
    f : callable
        A function of a vector of shape (2,), returning a scalar.
    lim : (float, float), default=(-2.0, 2.0)
        Range of both axes.
    step : float, default=0.25
        Grid spacing (the book's).
    ax : Axes, optional
        Where to draw; a new figure is made when omitted.
    title : str, optional
        Title of the axes.

    Returns
    -------
    Axes

    Examples
    --------
    >>> import numpy as np
    >>> from nnbook.plotting import plot_gradient_field
    >>> ax = plot_gradient_field(lambda x: np.sum(x**2))
    >>> print(ax.get_xlabel(), ax.get_ylabel(), len(ax.collections))
    x0 x1 1
    """
    ticks = np.arange(lim[0], lim[1] + step / 2, step)
    X, Y = np.meshgrid(ticks, ticks)
    grads = np.array(
        [
            numerical_gradient(f, np.array([x, y]))
            for x, y in zip(X.ravel(), Y.ravel(), strict=True)
        ]
    )
    ax = new_axes(ax, figsize=(5, 5))
    ax.quiver(
        X.ravel(), Y.ravel(), -grads[:, 0], -grads[:, 1], angles="xy", color="#666666"
    )
    ax.set_xlim(lim[0] - step, lim[1] + step)
    ax.set_ylim(lim[0] - step, lim[1] + step)
    ax.set_aspect("equal")
    ax.set_xlabel("x0")
    ax.set_ylabel("x1")
    ax.grid(alpha=0.3)
    ax.set_title(title or "negative gradient  $-\\nabla f$")
    return ax


def plot_descent_path(
    f: Callable[[np.ndarray], float],
    path: ArrayLike,
    *,
    ax: Axes | None = None,
    title: str | None = None,
    levels: int = 12,
) -> Axes:
    """Draw a gradient-descent path over the contour lines of a function of 2 variables.

    Book: chapter 4, section 4.4.1 (figure 4-10, `gradient_method.py`).

    Parameters
    ----------
    f : callable
        The function minimised, of a vector of shape (2,).
    path : array_like of shape (T, 2)
        The points visited, e.g. from
        [`optimizer_path`][nnbook.optimizers.optimizer_path] with `SGD`.
    ax : Axes, optional
        Where to draw; a new figure is made when omitted.
    title : str, optional
        Title of the axes.
    levels : int, default=12
        Number of contour levels.

    Returns
    -------
    Axes

    Examples
    --------
    >>> import numpy as np
    >>> from nnbook.gradient import numerical_gradient
    >>> from nnbook.optimizers import SGD, optimizer_path
    >>> from nnbook.plotting import plot_descent_path
    >>> def function_2(x):
    ...     return x[0] ** 2 + x[1] ** 2
    >>> def grad(x):
    ...     return numerical_gradient(function_2, x)
    >>> path = optimizer_path(SGD(lr=0.1), grad, (-3.0, 4.0), steps=20)
    >>> ax = plot_descent_path(function_2, path, title="lr = 0.1")
    >>> print(ax.get_title(), len(ax.lines[-1].get_xdata()))
    lr = 0.1 21
    """
    path = np.asarray(path, dtype=float)
    if path.ndim != 2 or path.shape[1] != 2:
        raise ValueError(f"expected a path of shape (T, 2), got {path.shape}")
    reach = max(float(np.max(np.abs(path))) * 1.15, 1.0)
    ticks = np.linspace(-reach, reach, 101)
    X, Y = np.meshgrid(ticks, ticks)
    ax = new_axes(ax, figsize=(5, 5))
    contours = ax.contour(X, Y, _grid_values(f, X, Y), levels=levels, cmap="viridis")
    ax.clabel(contours, fontsize=MIN_FONTSIZE)
    ax.axhline(0, color="grey", linestyle="--", linewidth=0.8)
    ax.axvline(0, color="grey", linestyle="--", linewidth=0.8)
    ax.plot(path[:, 0], path[:, 1], "o-", color="tab:red", markersize=4, label="path")
    ax.set_aspect("equal")
    ax.set_xlabel("x0")
    ax.set_ylabel("x1")
    ax.legend(loc="upper right")
    ax.set_title(title or f"gradient descent: {len(path) - 1} steps")
    return ax
