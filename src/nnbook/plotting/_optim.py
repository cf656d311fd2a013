"""Figures of chapter 6.1: optimizer paths on a 2-D function, and loss curves."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from nnbook.plotting._axes import new_axes
from nnbook.plotting._smoothing import smooth_curve
from nnbook.plotting._style import PAGE_WIDTH

__all__ = ["plot_loss_curves", "plot_optimizer_paths"]

_MARKERS = ["o", "x", "s", "D", "^", "v", "*", "P"]


def plot_optimizer_paths(
    paths: Mapping[str, np.ndarray],
    f: Callable[[np.ndarray, np.ndarray], np.ndarray],
    *,
    xlim: tuple[float, float] = (-10.0, 10.0),
    ylim: tuple[float, float] = (-10.0, 10.0),
    levels: Sequence[float] | None = None,
    ncols: int = 2,
) -> Figure:
    """Draw each optimizer's path over the contour lines of `f`, one panel per optimizer.

    Book: chapter 6, section 6.1 (figures 6-3, 6-5, 6-6, 6-8 and the comparison 6-9).

    Parameters
    ----------
    paths : mapping of str to ndarray of shape (T, 2)
        Panel title (the optimizer's name) to the visited points, start first.
    f : callable
        `f(X, Y)` on meshgrid arrays, for the contour lines.
    xlim, ylim : (float, float), default=(-10, 10)
        Region shown.
    levels : sequence of float, optional
        Contour levels; by default 12 levels between 0 and 7, as the book shows.
    ncols : int, default=2
        Panels per row.

    Returns
    -------
    Figure

    Examples
    --------
    >>> import numpy as np
    >>> from nnbook.plotting import plot_optimizer_paths
    >>> path = np.array([[-7.0, 2.0], [-3.0, -1.0], [0.0, 0.0]])
    >>> fig = plot_optimizer_paths({"SGD": path, "Adam": path}, lambda x, y: x**2 + y**2)
    >>> print([ax.get_title() for ax in fig.axes])
    ['SGD', 'Adam']
    """
    n = len(paths)
    nrows = -(-n // ncols)
    fig, axes = plt.subplots(
        nrows,
        ncols,
        figsize=(min(4.2, PAGE_WIDTH / ncols) * ncols, 3.4 * nrows),
        squeeze=False,
        layout="constrained",
    )
    X, Y = np.meshgrid(np.linspace(*xlim, 400), np.linspace(*ylim, 400))
    Z = f(X, Y)
    levels = np.linspace(0, 7, 12)[1:] if levels is None else levels
    for ax, (name, path) in zip(axes.flat, paths.items(), strict=False):
        path = np.asarray(path)
        ax.contour(X, Y, Z, levels=levels, cmap="viridis", linewidths=0.8)
        ax.plot(path[:, 0], path[:, 1], "o-", color="tab:red", markersize=3, linewidth=1)
        ax.plot(0, 0, "k+", markersize=10)
        ax.set_xlim(*xlim)
        ax.set_ylim(*ylim)
        ax.set_xlabel("x")
        ax.set_ylabel("y")
        ax.set_title(name)
    for ax in axes.flat[n:]:
        ax.remove()
    return fig


def plot_loss_curves(
    losses: Mapping[str, Sequence[float]],
    *,
    smooth: bool = True,
    ax: Axes | None = None,
    ylim: tuple[float, float] | None = None,
    title: str | None = None,
    markevery: int = 100,
) -> Axes:
    """Plot training-loss curves per iteration, smoothed, one per label.

    Book: chapter 6, sections 6.1.8 (figure 6-9) and 6.2.4 (figure 6-15).

    Parameters
    ----------
    losses : mapping of str to sequence of float
        Legend label to the loss of each iteration.
    smooth : bool, default=True
        Smooth each curve with [`smooth_curve`][nnbook.plotting.smooth_curve], as the
        book does.
    ax : Axes, optional
        Where to draw; a new figure is made when omitted.
    ylim : (float, float), optional
        Limits of the loss axis.
    title : str, optional
        Title of the axes.
    markevery : int, default=100
        Put a marker every this many iterations, to tell the curves apart in print.

    Returns
    -------
    Axes

    Examples
    --------
    >>> from nnbook.plotting import plot_loss_curves
    >>> ax = plot_loss_curves({"SGD": [2.3, 2.1, 2.0], "Adam": [2.3, 1.2, 0.6]},
    ...                       title="MNIST")
    >>> print(ax.get_title(), ax.get_xlabel(), [t.get_text() for t in ax.legend_.texts])
    MNIST iterations ['SGD', 'Adam']
    """
    ax = new_axes(ax, figsize=(6, 4))
    for i, (label, values) in enumerate(losses.items()):
        y = smooth_curve(values) if smooth else np.asarray(values, dtype=float)
        ax.plot(
            np.arange(len(y)),
            y,
            marker=_MARKERS[i % len(_MARKERS)],
            markevery=markevery,
            markersize=5,
            linewidth=1.2,
            label=label,
        )
    if ylim is not None:
        ax.set_ylim(*ylim)
    ax.set_xlabel("iterations")
    ax.set_ylabel("loss (smoothed)" if smooth else "loss")
    ax.grid(alpha=0.3)
    ax.legend()
    if title:
        ax.set_title(title)
    return ax
