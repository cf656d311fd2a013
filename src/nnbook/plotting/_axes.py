"""The one helper every plotting function uses to get its axes."""

from __future__ import annotations

import matplotlib.pyplot as plt
from matplotlib.axes import Axes

__all__ = ["new_axes"]


def new_axes(ax: Axes | None = None, figsize: tuple[float, float] = (5, 4)) -> Axes:
    """Return `ax`, or the axes of a new figure of `figsize` inches when it is None.

    Every plotting function of nnbook takes an optional `ax` so that a page can put
    several plots side by side; when none is given it draws on a new figure, laid out
    with matplotlib's constrained layout (labels are never cut off).
    """
    if ax is None:
        _, ax = plt.subplots(figsize=figsize, layout="constrained")
    return ax
