"""Figures of chapters 6.3-6.5: accuracy per epoch, alone or in a grid of small panels."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from nnbook.plotting._axes import new_axes
from nnbook.plotting._style import MIN_FONTSIZE, PAGE_WIDTH

__all__ = ["plot_accuracy_curves", "plot_curve_grid"]

_STYLES = ["-", "--", ":", "-."]


def plot_accuracy_curves(
    curves: Mapping[str, Sequence[float]],
    *,
    ax: Axes | None = None,
    title: str | None = None,
    markevery: int | None = None,
) -> Axes:
    """Plot accuracy per epoch, e.g. on the training and the test data.

    Each curve has its own line style and marker (the first solid with circles, the
    second dashed with squares, ...), so train and test stay apart in print and for
    readers who do not see colour.

    Book: chapter 6, section 6.4 (figures 6-20, 6-21, 6-23).

    Parameters
    ----------
    curves : mapping of str to sequence of float
        Legend label (`"train"`, `"test"`) to one accuracy per epoch, starting at
        epoch 0.
    ax : Axes, optional
        Where to draw; a new figure is made when omitted.
    title : str, optional
        Title of the axes.
    markevery : int, optional
        A marker every this many epochs; about 20 markers by default.

    Returns
    -------
    Axes

    Examples
    --------
    >>> from nnbook.plotting import plot_accuracy_curves
    >>> ax = plot_accuracy_curves({"train": [0.1, 0.8, 1.0], "test": [0.1, 0.6, 0.7]},
    ...                           title="overfitting")
    >>> print(ax.get_title(), ax.get_xlabel(), ax.get_ylabel())
    overfitting epochs accuracy
    """
    ax = new_axes(ax, figsize=(6, 4))
    markers = ["o", "s", "D", "^"]
    for i, (label, values) in enumerate(curves.items()):
        every = markevery or max(len(values) // 20, 1)
        ax.plot(
            np.arange(len(values)), values, marker=markers[i % len(markers)],
            linestyle=_STYLES[i % len(_STYLES)], markevery=every, markersize=4,
            linewidth=1.4, label=label,
        )  # fmt: skip
    ax.set_ylim(0.0, 1.0)
    ax.set_xlabel("epochs")
    ax.set_ylabel("accuracy")
    ax.grid(alpha=0.3)
    ax.legend(loc="lower right")
    if title:
        ax.set_title(title)
    return ax


def plot_curve_grid(
    panels: Sequence[tuple[str, Mapping[str, Sequence[float]]]],
    *,
    ncols: int = 4,
    ylim: tuple[float, float] = (0.0, 1.0),
    xlabel: str = "epochs",
    ylabel: str = "accuracy",
    suptitle: str | None = None,
) -> Figure:
    """Draw a grid of small panels, each with a few labelled curves sharing the axes.

    The book's figure for Batch Normalization at 16 initial weight scales (figure 6-18)
    and its 20 best hyperparameter trials (figure 6-24) are grids like this. Curves with
    the same label have the same style in every panel; one legend serves them all.

    Book: chapter 6, sections 6.3.2 and 6.5.3.

    Parameters
    ----------
    panels : sequence of (str, mapping of str to sequence of float)
        Panel title and its curves (label to values per epoch).
    ncols : int, default=4
        Panels per row.
    ylim : (float, float), default=(0, 1)
        Shared y limits.
    xlabel, ylabel : str
        Axis labels, written on the outer panels only.
    suptitle : str, optional
        Title of the whole figure.

    Returns
    -------
    Figure

    Examples
    --------
    >>> from nnbook.plotting import plot_curve_grid
    >>> panels = [(f"W: {s}", {"BatchNorm": [0.1, 0.9], "plain": [0.1, 0.3]})
    ...           for s in (1.0, 0.1, 0.01)]
    >>> fig = plot_curve_grid(panels, ncols=2, suptitle="Batch Normalization")
    >>> print([ax.get_title() for ax in fig.axes], fig.get_suptitle())
    ['W: 1.0', 'W: 0.1', 'W: 0.01'] Batch Normalization
    """
    n = len(panels)
    nrows = -(-n // ncols)
    panel = min(2.6, PAGE_WIDTH / ncols)  # inches: the whole grid fits the page
    fig, axes = plt.subplots(
        nrows, ncols, figsize=(panel * ncols, 2.0 * nrows), squeeze=False,
        sharex=True, sharey=True, layout="constrained",
    )  # fmt: skip
    styles: dict[str, str] = {}
    handles = {}
    for ax, (title, curves) in zip(axes.flat, panels, strict=False):
        for i, (label, values) in enumerate(curves.items()):
            style = styles.setdefault(label, _STYLES[len(styles) % len(_STYLES)])
            (line,) = ax.plot(
                np.arange(len(values)), values, style, color=f"C{i}", linewidth=1.2
            )
            handles.setdefault(label, line)
        ax.set_title(title, fontsize=MIN_FONTSIZE)
        ax.set_ylim(*ylim)
        ax.grid(alpha=0.3)
    for ax in axes[-1, :]:
        ax.set_xlabel(xlabel)
    for ax in axes[:, 0]:
        ax.set_ylabel(ylabel)
    for ax in axes.flat[n:]:
        ax.remove()
    fig.legend(handles.values(), handles.keys(), loc="outside lower center", ncols=4)
    if suptitle:
        fig.suptitle(suptitle)
    return fig
