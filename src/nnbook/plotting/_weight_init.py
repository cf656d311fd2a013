"""Figure of chapter 6.2: histograms of hidden-layer activations per initial scale."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from nnbook.plotting._style import PAGE_WIDTH

__all__ = ["plot_activation_histograms"]


def plot_activation_histograms(
    activations: Mapping[str, Sequence[np.ndarray]],
    *,
    bins: int = 30,
    value_range: tuple[float, float] = (0.0, 1.0),
    ylim: tuple[float, float] | None = None,
) -> Figure:
    """Draw, for each setting, one histogram per layer of that layer's activations.

    One row per setting (e.g. "std = 1", "Xavier"), one column per hidden layer; the
    count axis is shared along a row, so shrinking or collapsing distributions show.

    Book: chapter 6, sections 6.2.2-6.2.3 (figures 6-10, 6-11, 6-13, 6-14).

    Parameters
    ----------
    activations : mapping of str to sequence of ndarray
        Row label to the activations of each layer (any shape; flattened).
    bins : int, default=30
        Bars per histogram.
    value_range : (float, float), default=(0, 1)
        Range of values binned, the book's (0, 1) (values outside are not counted).
    ylim : (float, float), optional
        Limits of the count axis for every panel, e.g. the book's (0, 7000) for ReLU,
        whose tall bar of zeros would otherwise hide the rest; shared per row when
        omitted.

    Returns
    -------
    Figure

    Examples
    --------
    >>> import numpy as np
    >>> from nnbook.plotting import plot_activation_histograms
    >>> acts = [np.random.default_rng(i).random((10, 5)) for i in range(3)]
    >>> fig = plot_activation_histograms({"std = 1": acts, "Xavier": acts})
    >>> print(len(fig.axes), fig.axes[0].get_title(), fig.axes[0].get_ylabel())
    6 1-layer std = 1
    """
    rows = list(activations.items())
    ncols = max(len(layers) for _, layers in rows)
    panel = min(2.2, PAGE_WIDTH / ncols)  # inches: the whole grid fits the page
    fig, axes = plt.subplots(
        len(rows), ncols, figsize=(panel * ncols, 1.7 * len(rows)), squeeze=False,
        sharex=True, sharey="row", layout="constrained",
    )  # fmt: skip
    for r, (label, layers) in enumerate(rows):
        for c in range(ncols):
            ax = axes[r, c]
            if c >= len(layers):
                ax.set_visible(False)
                continue
            ax.hist(np.ravel(layers[c]), bins=bins, range=value_range, color=f"C{r}")
            if ylim is not None:
                ax.set_ylim(*ylim)
            if r == 0:
                ax.set_title(f"{c + 1}-layer")
            if c == 0:
                ax.set_ylabel(label)
            if r == len(rows) - 1:
                ax.set_xlabel("activation")
    return fig
