"""Figures of the GAN (beyond the book): training dynamics and grids of samples."""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator
from numpy.typing import ArrayLike

from nnbook.plotting._images import image_stack
from nnbook.plotting._smoothing import smooth_curve
from nnbook.plotting._style import MIN_FONTSIZE

__all__ = ["plot_gan_history", "plot_image_grid", "plot_sample_progression"]


def plot_gan_history(history, *, title: str | None = None) -> Figure:
    """Draw a GAN's training: both losses per step, and D's verdicts per epoch.

    Left: the discriminator's and the generator's loss at every step (faint) and
    smoothed. Right: the discriminator's mean output on real images, $D(x)$, and on
    generated ones, $D(G(z))$, averaged over each epoch. At the game's equilibrium
    both would be 1/2: the discriminator could not tell the two apart.

    Book: not in the book; the left panel is chapter 4's loss curve, for two players.

    Parameters
    ----------
    history : GANHistory
        From [`train_gan`][nnbook.gan_trainer.train_gan].
    title : str, optional
        Title of the figure.

    Returns
    -------
    Figure
        Two axes: the losses, then the verdicts.

    Examples
    --------
    >>> from nnbook.gan_trainer import GANHistory
    >>> from nnbook.plotting import plot_gan_history
    >>> history = GANHistory(
    ...     loss_d_list=[1.4, 1.2, 1.1, 1.0], loss_g_list=[0.7, 0.9, 1.0, 1.2],
    ...     d_real_list=[0.5, 0.6, 0.6, 0.7], d_fake_list=[0.5, 0.4, 0.4, 0.3],
    ...     iter_per_epoch=2,
    ... )
    >>> fig = plot_gan_history(history)
    >>> print([ax.get_xlabel() for ax in fig.axes])
    ['steps', 'epochs']
    """
    fig, (ax_loss, ax_d) = plt.subplots(1, 2, figsize=(8, 3.6), layout="constrained")
    for key, label, color in (
        ("loss_d_list", "discriminator", "tab:blue"),
        ("loss_g_list", "generator", "tab:orange"),
    ):
        values = np.asarray(getattr(history, key), dtype=float)
        steps = np.arange(1, len(values) + 1)
        ax_loss.plot(steps, values, color=color, alpha=0.15, linewidth=0.5)
        if len(values) > 1:
            ax_loss.plot(
                steps, smooth_curve(values, window_len=51), color=color, label=label
            )
    ax_loss.set_xlabel("steps")
    ax_loss.set_ylabel("loss")
    ax_loss.set_title("losses per step")
    ax_loss.grid(alpha=0.3)
    ax_loss.legend(loc="upper right")

    means = history.epoch_means()
    epochs = np.arange(1, history.epochs_done + 1)
    ax_d.plot(epochs, means["d_real"], "o-", color="tab:green", label="D(x), real images")
    ax_d.plot(epochs, means["d_fake"], "s-", color="tab:red", label="D(G(z)), generated")
    ax_d.axhline(0.5, color="gray", linestyle=":", linewidth=1)
    ax_d.set_ylim(0, 1)
    ax_d.set_xlabel("epochs")
    ax_d.xaxis.set_major_locator(MaxNLocator(integer=True))  # no epoch 2.5
    ax_d.set_ylabel("mean output of D")
    ax_d.set_title("the discriminator's verdicts, per epoch")
    ax_d.grid(alpha=0.3)
    ax_d.legend(loc="center right")
    if title:
        fig.suptitle(title)
    return fig


def _tile(images: np.ndarray, ncols: int, gap: int = 1) -> np.ndarray:
    """Tile (N, H, W) images into one array, `gap` blank pixels between them."""
    n, h, w = images.shape
    nrows = -(-n // ncols)
    grid = np.zeros((nrows * (h + gap) - gap, ncols * (w + gap) - gap), dtype=np.float64)
    for i, image in enumerate(images):
        r, c = divmod(i, ncols)
        grid[r * (h + gap) : r * (h + gap) + h, c * (w + gap) : c * (w + gap) + w] = image
    return grid


def _as_images(images: ArrayLike) -> np.ndarray:
    """Return `images` as float (N, H, W) with pixels in [0, 1] (0-255 is scaled)."""
    x = image_stack(np.asarray(images, dtype=np.float64))
    if x.max() > 1.0:  # uint8 pixels
        x = x / 255.0
    return x


def plot_image_grid(
    images: ArrayLike,
    *,
    ncols: int = 10,
    row_labels: Sequence[str] | None = None,
    col_labels: Sequence[str] | None = None,
    title: str | None = None,
    ax: plt.Axes | None = None,
    size: float = 0.5,
) -> plt.Axes:
    """Show many small grey-scale images as one tiled picture, rows and columns labelled.

    Faster and denser than [`plot_images`][nnbook.plotting.plot_images] (one image on
    one axes instead of an axes per image), for the hundreds of samples a GAN page
    shows.

    Book: not in the book.

    Parameters
    ----------
    images : array_like of shape (N, H, W), (N, 1, H, W) or (N, H*W)
        Pixels in [0, 1], or 0-255.
    ncols : int, default=10
        Images per row.
    row_labels, col_labels : sequence of str, optional
        Written left of each row and above each column.
    title : str, optional
    ax : Axes, optional
        Where to draw; a new figure sized to the grid otherwise.
    size : float, default=0.5
        Inches per image when a new figure is made.

    Returns
    -------
    Axes

    Examples
    --------
    >>> import numpy as np
    >>> from nnbook.plotting import plot_image_grid
    >>> ax = plot_image_grid(np.zeros((20, 784)), ncols=10, row_labels=["a", "b"])
    >>> print(ax.images[0].get_array().shape)
    (57, 289)
    """
    x = _as_images(images)
    n, h, w = x.shape
    ncols = min(ncols, n)
    nrows = -(-n // ncols)
    if ax is None:
        extra = 0.4 if title else 0.0
        _, ax = plt.subplots(
            figsize=(
                size * ncols + (0.9 if row_labels else 0.1),
                size * nrows + extra + 0.1,
            ),
            layout="constrained",
        )
    ax.imshow(_tile(x, ncols), cmap="gray_r", vmin=0, vmax=1, interpolation="nearest")
    ax.set_xticks([c * (w + 1) + w / 2 for c in range(ncols)] if col_labels else [])
    ax.set_yticks([r * (h + 1) + h / 2 for r in range(nrows)] if row_labels else [])
    if col_labels:
        ax.set_xticklabels(col_labels, fontsize=MIN_FONTSIZE)
        ax.xaxis.tick_top()
    if row_labels:
        ax.set_yticklabels(row_labels, fontsize=MIN_FONTSIZE)
    ax.tick_params(length=0)
    for spine in ax.spines.values():
        spine.set_visible(False)
    if title:
        ax.set_title(title)
    return ax


def plot_sample_progression(
    fixed_samples: Sequence[np.ndarray],
    epochs: Sequence[int],
    *,
    n: int = 10,
    title: str | None = None,
) -> plt.Axes:
    """Show the same noise vectors' images after selected epochs, one row per epoch.

    Book: not in the book.

    Parameters
    ----------
    fixed_samples : sequence of ndarray of shape (M, 784)
        `GANHistory.fixed_samples`: entry $e$ is after $e$ epochs.
    epochs : sequence of int
        Which entries to show (0 is before training).
    n : int, default=10
        Images per row (the first `n` noise vectors).
    title : str, optional

    Returns
    -------
    Axes

    Examples
    --------
    >>> import numpy as np
    >>> from nnbook.plotting import plot_sample_progression
    >>> samples = [np.zeros((100, 784), np.uint8)] * 4
    >>> ax = plot_sample_progression(samples, [0, 1, 3], n=5)
    >>> print([t.get_text() for t in ax.get_yticklabels()])
    ['before', 'epoch 1', 'epoch 3']
    """
    rows = [np.asarray(fixed_samples[e])[:n] for e in epochs]
    labels = ["before" if e == 0 else f"epoch {e}" for e in epochs]
    return plot_image_grid(np.concatenate(rows), ncols=n, row_labels=labels, title=title)
