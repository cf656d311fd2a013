"""Figures of images: MNIST digits with their labels and predictions (chapter 3)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from numpy.typing import ArrayLike

from nnbook.plotting._style import MIN_FONTSIZE, PAGE_WIDTH

__all__ = ["plot_digits", "plot_images"]


def plot_images(
    images: ArrayLike,
    labels: ArrayLike | None = None,
    predictions: ArrayLike | None = None,
    *,
    ncols: int = 10,
    cmap: str = "gray_r",
    image_shape: tuple[int, int] | None = None,
    symmetric: bool = False,
    title: str | None = None,
    size: float = 1.2,
) -> plt.Figure:
    """Show grey-scale images in a grid, optionally titled with labels and predictions.

    Digits (chapter 3), a network's filters (chapter 7), misclassified test images
    (chapter 8) and generated samples (the GAN) all go through this one function. A
    wrong prediction is titled in red, as `label→prediction`.

    Book: chapter 3, section 3.6.1; chapter 7, section 7.6.1.

    Parameters
    ----------
    images : array_like of shape (N, H, W), (N, 1, H, W) or (N, H*W)
        The images; flattened ones must be square unless `image_shape` is given.
    labels : array_like of shape (N,), optional
        A title for each image (true classes, or any text).
    predictions : array_like of shape (N,), optional
        Predicted classes, compared with `labels`.
    ncols : int, default=10
        Images per row.
    cmap : str, default='gray_r'
        Colour map: 'gray_r' draws ink dark on white (digits); 'gray' or a diverging
        map such as 'RdBu_r' suits filters.
    image_shape : (int, int), optional
        Height and width of flattened images.
    symmetric : bool, default=False
        Scale each image's colours symmetrically around 0 (for filters, whose weights
        are positive and negative), so that 0 is always the middle colour.
    title : str, optional
        Title of the whole figure.
    size : float, default=1.2
        Width of one image in inches.

    Returns
    -------
    Figure
        The grid of images.

    Examples
    --------
    >>> import numpy as np
    >>> from nnbook.plotting import plot_images
    >>> filters = np.random.default_rng(0).standard_normal((30, 1, 5, 5))
    >>> fig = plot_images(filters, ncols=8, cmap="gray", symmetric=True)
    >>> print(len(fig.axes), sum(ax.has_data() for ax in fig.axes))
    32 30
    """
    images = image_stack(images, image_shape)
    n = len(images)
    cols = min(n, ncols)
    nrows = -(-n // ncols)
    size = min(size, PAGE_WIDTH / cols)  # never wider than the page shows
    height = size * images.shape[1] / images.shape[2] + (0.25 if labels is not None else 0)
    fig, axes = plt.subplots(
        nrows,
        cols,
        figsize=(size * cols, height * nrows + (0.4 if title else 0)),
        squeeze=False,
        layout="constrained",
    )
    for i, ax in enumerate(axes.flat):
        ax.axis("off")
        if i >= n:
            continue
        limits = {}
        if symmetric:
            m = float(np.max(np.abs(images[i]))) or 1.0
            limits = {"vmin": -m, "vmax": m}
        ax.imshow(images[i], cmap=cmap, **limits)
        if labels is not None:
            text, color = str(labels[i]), "black"
            if predictions is not None and predictions[i] != labels[i]:
                text, color = f"{labels[i]}→{predictions[i]}", "#c0392b"
            ax.set_title(text, color=color, fontsize=MIN_FONTSIZE)
    if title:
        fig.suptitle(title)
    return fig


def plot_digits(
    images: ArrayLike,
    labels: ArrayLike | None = None,
    predictions: ArrayLike | None = None,
    *,
    ncols: int = 10,
    title: str | None = None,
) -> plt.Figure:
    """Show 28×28 grey-scale digits in a grid, titled with labels and predictions.

    [`plot_images`][nnbook.plotting.plot_images] with the settings for MNIST: dark ink
    on white, square images, flattened or not.

    Book: chapter 3, section 3.6.1.

    Parameters
    ----------
    images : array_like of shape (N, 784), (N, 28, 28) or (N, 1, 28, 28)
        Images, flattened or not, with pixels in [0, 1] or [0, 255].
    labels : array_like of shape (N,), optional
        True classes.
    predictions : array_like of shape (N,), optional
        Predicted classes; a wrong one is titled in red as `label→prediction`.
    ncols : int, default=10
        Images per row.
    title : str, optional
        Title of the whole figure.

    Returns
    -------
    Figure
        The grid of images.

    Examples
    --------
    >>> import numpy as np
    >>> from nnbook.plotting import plot_digits
    >>> images = np.zeros((3, 784))
    >>> fig = plot_digits(images, labels=[7, 2, 1], predictions=[7, 3, 1])
    >>> print([ax.get_title() for ax in fig.axes])
    ['7', '2→3', '1']
    """
    return plot_images(images, labels, predictions, ncols=ncols, title=title)


def image_stack(
    images: ArrayLike, image_shape: tuple[int, int] | None = None
) -> np.ndarray:
    """Return `images` as (N, H, W): from (N, H, W), (N, 1, H, W) or flat (N, H*W).

    Flat images are square unless `image_shape` says otherwise.
    """
    images = np.asarray(images)
    if images.ndim == 4 and images.shape[1] == 1:
        images = images[:, 0]
    if images.ndim == 2:
        if image_shape is None:
            side = round(np.sqrt(images.shape[1]))
            if side * side != images.shape[1]:
                raise ValueError(
                    f"flattened images of {images.shape[1]} pixels are not square; pass "
                    "them as (N, H, W) (plot_images also takes image_shape=(H, W))"
                )
            image_shape = (side, side)
        images = images.reshape(len(images), *image_shape)
    if images.ndim != 3:
        raise ValueError(
            f"expected images of shape (N, H, W), (N, 1, H, W) or (N, H*W), got "
            f"{images.shape}; show one channel at a time"
        )
    return images
