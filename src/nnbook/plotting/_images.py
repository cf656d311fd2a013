"""Figures of images: MNIST digits with their labels and predictions (chapter 3)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from numpy.typing import ArrayLike

__all__ = ["plot_digits"]


def plot_digits(
    images: ArrayLike,
    labels: ArrayLike | None = None,
    predictions: ArrayLike | None = None,
    *,
    ncols: int = 10,
    title: str | None = None,
) -> plt.Figure:
    """Show 28×28 grey-scale images in a grid, titled with labels and predictions.

    A wrong prediction is titled in red, as `label→prediction`.

    Book: chapter 3, section 3.6.1.

    Parameters
    ----------
    images : array_like of shape (N, 784), (N, 28, 28) or (N, 1, 28, 28)
        Images, flattened or not, with pixels in [0, 1] or [0, 255].
    labels : array_like of shape (N,), optional
        True classes.
    predictions : array_like of shape (N,), optional
        Predicted classes.
    ncols : int, default=10
        Images per row.
    title : str, optional
        Title of the whole figure.

    Returns
    -------
    Figure
        The grid of images.
    """
    images = np.asarray(images)
    n = len(images)
    side = round(np.sqrt(images[0].size))
    if side * side != images[0].size:
        raise ValueError(f"expected square images, got {images.shape[1:]} per image")
    images = images.reshape(n, side, side)
    nrows = -(-n // ncols)
    fig, axes = plt.subplots(
        nrows,
        min(n, ncols),
        figsize=(1.2 * min(n, ncols), 1.35 * nrows),
        squeeze=False,
        layout="constrained",
    )
    for i, ax in enumerate(axes.flat):
        ax.axis("off")
        if i >= n:
            continue
        ax.imshow(images[i], cmap="gray_r")
        if labels is not None:
            text, color = str(labels[i]), "black"
            if predictions is not None and predictions[i] != labels[i]:
                text, color = f"{labels[i]}→{predictions[i]}", "#c0392b"
            ax.set_title(text, color=color, fontsize=10)
    if title:
        fig.suptitle(title)
    return fig
