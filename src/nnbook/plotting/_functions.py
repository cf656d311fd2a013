"""Figures of functions of one variable: activation functions (chapter 3)."""

from __future__ import annotations

from collections.abc import Callable, Mapping

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes

from nnbook.activations import relu, sigmoid, step_function
from nnbook.plotting._axes import new_axes
from nnbook.plotting._style import PAGE_WIDTH

__all__ = ["plot_activations", "plot_functions"]


def plot_functions(
    functions: Mapping[str, Callable[[np.ndarray], np.ndarray]],
    x: np.ndarray,
    *,
    ax: Axes | None = None,
    ylim: tuple[float, float] | None = None,
    title: str | None = None,
) -> Axes:
    """Plot each function of `functions` over `x` on one axes, with a legend.

    Parameters
    ----------
    functions : mapping of str to callable
        Legend label to function; each maps an array to an array of the same shape.
    x : ndarray of shape (M,)
        Points at which to evaluate the functions.
    ax : Axes, optional
        Where to draw; a new figure is made when omitted.
    ylim : (float, float), optional
        Limits of the y axis.
    title : str, optional
        Title of the axes.

    Returns
    -------
    Axes
        The axes drawn on.

    Examples
    --------
    >>> import numpy as np
    >>> from nnbook.activations import relu, sigmoid
    >>> from nnbook.plotting import plot_functions
    >>> ax = plot_functions({"sigmoid": sigmoid, "ReLU": relu}, np.arange(-5.0, 5.0, 0.1))
    >>> print([line.get_label() for line in ax.get_lines()][:2], ax.get_xlabel())
    ['sigmoid', 'ReLU'] x
    """
    ax = new_axes(ax, figsize=(5, 3.5))
    styles = ["-", "--", "-.", ":"]
    for i, (label, f) in enumerate(functions.items()):
        ax.plot(x, f(x), styles[i % len(styles)], label=label, linewidth=2)
    if ylim is not None:
        ax.set_ylim(*ylim)
    ax.set_xlabel("x")
    ax.set_ylabel("h(x)")
    ax.axhline(0, color="grey", linewidth=0.5)
    ax.axvline(0, color="grey", linewidth=0.5)
    ax.grid(alpha=0.3)
    ax.legend()
    if title:
        ax.set_title(title)
    return ax


def plot_activations() -> plt.Figure:
    r"""Draw the step function and the sigmoid on one axes, and ReLU beside them.

    Both panels use $x \in [-5, 5)$ in steps of 0.1, as in the book's figures; the
    left panel's y axis runs from -0.1 to 1.1.

    Book: chapter 3, figures 3-6 to 3-9.

    Returns
    -------
    Figure
        Two panels: step and sigmoid; ReLU.

    Examples
    --------
    >>> from nnbook.plotting import plot_activations
    >>> fig = plot_activations()
    >>> print([ax.get_legend_handles_labels()[1] for ax in fig.axes])
    [['step function', 'sigmoid'], ['ReLU']]
    """
    x = np.arange(-5.0, 5.0, 0.1)
    fig, (left, right) = plt.subplots(1, 2, figsize=(PAGE_WIDTH, 3.2), layout="constrained")
    plot_functions(
        {"step function": step_function, "sigmoid": sigmoid},
        x,
        ax=left,
        ylim=(-0.1, 1.1),
        title="Step function and sigmoid",
    )
    plot_functions({"ReLU": relu}, x, ax=right, ylim=(-1.0, 5.5), title="ReLU")
    return fig
