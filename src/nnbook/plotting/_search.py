"""Figure of chapter 6.5: where a random hyperparameter search found good values."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.axes import Axes

from nnbook.plotting._axes import new_axes

__all__ = ["plot_hyperparameter_search"]


def plot_hyperparameter_search(
    x: Sequence[float],
    y: Sequence[float],
    score: Sequence[float],
    *,
    xlabel: str = "learning rate",
    ylabel: str = "weight decay",
    score_label: str = "validation accuracy",
    top: int = 0,
    ax: Axes | None = None,
    title: str | None = None,
) -> Axes:
    """Scatter the trials of a search over two hyperparameters, coloured by score.

    Book: chapter 6, section 6.5.3 (the book lists the best trials; this shows them all).

    Parameters
    ----------
    x, y : sequence of float
        The two hyperparameters of each trial (positive; drawn on log scales).
    score : sequence of float
        The result of each trial, e.g. its final validation accuracy.
    xlabel, ylabel, score_label : str
        Axis and colour-bar labels.
    top : int, default=0
        Circle the `top` best trials.
    ax : Axes, optional
        Where to draw; a new figure is made when omitted.
    title : str, optional
        Title of the axes.

    Returns
    -------
    Axes

    Examples
    --------
    >>> from nnbook.plotting import plot_hyperparameter_search
    >>> ax = plot_hyperparameter_search([1e-5, 1e-3, 1e-2], [1e-6, 1e-7, 1e-5],
    ...                                 [0.1, 0.5, 0.8], top=1)
    >>> print(ax.get_xscale(), ax.get_xlabel(), "/", ax.get_ylabel())
    log learning rate / weight decay
    """
    ax = new_axes(ax, figsize=(6, 4.2))
    x, y, score = (np.asarray(v, dtype=float) for v in (x, y, score))
    points = ax.scatter(x, y, c=score, cmap="viridis", s=30, edgecolors="none")
    if top:
        best = np.argsort(score)[::-1][:top]
        ax.scatter(x[best], y[best], s=90, facecolors="none", edgecolors="tab:red",
                   linewidths=1.2, label=f"best {top}")  # fmt: skip
        ax.legend(loc="lower left")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.figure.colorbar(points, ax=ax, label=score_label)
    if title:
        ax.set_title(title)
    return ax
