"""Figures of chapter 7: the im2col layout, filters, their responses, training curves."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from numpy.typing import ArrayLike

from nnbook.conv import conv_output_size, im2col
from nnbook.layers import Convolution
from nnbook.plotting._axes import new_axes
from nnbook.plotting._images import plot_images
from nnbook.plotting._style import MIN_FONTSIZE, PAGE_WIDTH

__all__ = ["plot_epoch_accuracy", "plot_filter_responses", "plot_filters", "plot_im2col"]

_TINTS = ["#dbe8f7", "#fbe3cc", "#dcefd9", "#efdcef"]  # one pale colour per channel


def _number_grid(ax: Axes, values: np.ndarray, tints: np.ndarray, fontsize: float) -> None:
    """Draw a 2-D array as a table of numbers on coloured cells."""
    rgb = np.array([[plt.matplotlib.colors.to_rgb(c) for c in row] for row in tints])
    ax.imshow(rgb, interpolation="nearest")
    for (i, j), v in np.ndenumerate(values):
        ax.text(j, i, f"{v:g}", ha="center", va="center", fontsize=fontsize)
    ax.set_xticks(np.arange(values.shape[1] + 1) - 0.5, minor=True)
    ax.set_yticks(np.arange(values.shape[0] + 1) - 0.5, minor=True)
    ax.grid(which="minor", color="white", linewidth=1.5)
    ax.tick_params(which="both", length=0)


def plot_im2col(
    x: ArrayLike | None = None,
    filter_h: int = 2,
    filter_w: int = 2,
    stride: int = 1,
    pad: int = 0,
    *,
    highlight: int = 0,
) -> Figure:
    """Draw how `im2col` lays an image's patches out as the rows of a matrix.

    On the left, each channel of the image, with the patch of row `highlight`
    outlined; on the right, the matrix `im2col` returns, one row per filter position
    (ordered image, output row, output column) and one column per value of a patch
    (ordered channel, filter row, filter column), tinted by channel. A convolution is
    then this matrix times the filters laid out as columns.

    Book: chapter 7, section 7.4.3 (figures 7-17 and 7-19).

    Parameters
    ----------
    x : array_like of shape (1, C, H, W), optional
        A small image with up to four channels; default: two channels of 3×3 pixels
        numbered 1 to 18.
    filter_h, filter_w : int, default=2
        Filter size.
    stride, pad : int, default=1 and 0
        As for [`im2col`][nnbook.conv.im2col]; padding shows as zeros.
    highlight : int, default=0
        Which row (filter position) to outline.

    Returns
    -------
    Figure

    Examples
    --------
    >>> from nnbook.plotting import plot_im2col
    >>> fig = plot_im2col(highlight=1)
    >>> print([ax.get_title() for ax in fig.axes])
    ['channel 0', 'channel 1', 'im2col: 4 rows (positions) × 8 columns (c, ky, kx)']
    """
    if x is None:
        x = np.arange(1, 19).reshape(1, 2, 3, 3)
    x = np.asarray(x)
    if x.ndim != 4 or x.shape[0] != 1 or x.shape[1] > len(_TINTS):
        raise ValueError(
            f"x must have shape (1, C, H, W) with C <= {len(_TINTS)}, got {x.shape}"
        )
    _, C, H, W = x.shape
    col = im2col(x, filter_h, filter_w, stride, pad)
    out_w = conv_output_size(W, filter_w, stride, pad, floor=True)
    if not 0 <= highlight < len(col):
        raise ValueError(f"highlight must be in [0, {len(col)}), got {highlight}")
    xp = np.pad(x[0], ((0, 0), (pad, pad), (pad, pad)))
    size = max(H + 2 * pad, 3)
    width = 1.0 * C * size * 0.55 + 0.5 * col.shape[1] + 1.5
    fig = plt.figure(figsize=(min(width, PAGE_WIDTH), 3.2))
    grid = fig.add_gridspec(
        1, C + 1, width_ratios=[xp.shape[2]] * C + [col.shape[1] * 0.9], wspace=0.3
    )
    oy, ox = divmod(highlight, out_w)
    for c in range(C):
        ax = fig.add_subplot(grid[0, c])
        tints = np.full(xp.shape[1:], _TINTS[c], dtype=object)
        _number_grid(ax, xp[c], tints, fontsize=MIN_FONTSIZE)
        ax.add_patch(
            Rectangle(
                (ox * stride - 0.5, oy * stride - 0.5), filter_w, filter_h,
                fill=False, edgecolor="crimson", linewidth=2.5,
            )
        )  # fmt: skip
        ax.set_title(f"channel {c}")
        ax.set_xticks([])
        ax.set_yticks([])
    ax = fig.add_subplot(grid[0, C])
    per_channel = filter_h * filter_w
    tints = np.array([[_TINTS[j // per_channel] for j in range(col.shape[1])]] * len(col))
    _number_grid(ax, col, tints, fontsize=MIN_FONTSIZE)
    ax.add_patch(
        Rectangle(
            (-0.5, highlight - 0.5), col.shape[1], 1,
            fill=False, edgecolor="crimson", linewidth=2.5,
        )
    )  # fmt: skip
    ax.set_xticks([])
    ax.set_yticks(range(len(col)))
    ax.set_ylabel("row = (n, oy, ox)")
    ax.set_xlabel("column = (c, ky, kx)")
    ax.set_title(
        f"im2col: {len(col)} rows (positions) × {col.shape[1]} columns (c, ky, kx)"
    )
    return fig


def plot_filters(
    W: ArrayLike, *, ncols: int = 8, channel: int = 0, title: str | None = None
) -> Figure:
    """Show a convolution layer's filters as small grey images, one per filter.

    Each filter is scaled on its own (its smallest weight white, its largest black, as
    in the book's figure), so that its pattern shows whatever its size. Thirty filters
    take a grid of 4 rows of 8.

    Book: chapter 7, section 7.6.1 (figure 7-24, `ch07/visualize_filter.py`).

    Parameters
    ----------
    W : array_like of shape (FN, C, FH, FW)
        The filters, e.g. `net.params["W1"]`.
    ncols : int, default=8
        Filters per row.
    channel : int, default=0
        Which input channel of the filters to show.
    title : str, optional
        Title of the figure.

    Returns
    -------
    Figure

    Examples
    --------
    >>> import numpy as np
    >>> from nnbook.plotting import plot_filters
    >>> fig = plot_filters(np.random.default_rng(0).standard_normal((30, 1, 5, 5)))
    >>> print(len(fig.axes), sum(ax.has_data() for ax in fig.axes))
    32 30
    """
    W = np.asarray(W)
    if W.ndim != 4:
        raise ValueError(f"expected filters of shape (FN, C, FH, FW), got {W.shape}")
    return plot_images(W[:, channel], ncols=ncols, cmap="gray_r", title=title, size=0.8)


def plot_filter_responses(
    image: ArrayLike,
    W: ArrayLike,
    b: ArrayLike | None = None,
    *,
    indices: ArrayLike | None = None,
    relu: bool = False,
) -> Figure:
    """Show what some filters see in a grey image: each filter above its response.

    The image is convolved with each chosen filter (padding keeps its size); dark
    marks a strong positive response. The original image is shown on the left.

    Book: chapter 7, section 7.6.1 (figure 7-25, `ch07/apply_filter.py`).

    Parameters
    ----------
    image : array_like of shape (H, W)
        A grey image, e.g. with values in [0, 1].
    W : array_like of shape (FN, 1, FH, FW)
        Filters of one input channel (a first convolution layer's).
    b : array_like of shape (FN,), optional
        Their biases (default zero).
    indices : array_like of int, optional
        Which filters to show; default the first eight.
    relu : bool, default=False
        Clip negative responses to 0, as the ReLU after the layer does.

    Returns
    -------
    Figure

    Examples
    --------
    >>> import numpy as np
    >>> from nnbook.plotting import plot_filter_responses
    >>> image = np.zeros((20, 20)); image[:, 10:] = 1.0  # a vertical edge
    >>> edge = np.array([[1.0, 0.0, -1.0]] * 3).reshape(1, 1, 3, 3)
    >>> fig = plot_filter_responses(image, edge)
    >>> print(len(fig.axes), [ax.get_title() for ax in fig.axes][:2])
    3 ['image', 'filter 0']
    """
    image = np.asarray(image, dtype=np.float64)
    W = np.asarray(W, dtype=np.float64)
    if image.ndim != 2 or W.ndim != 4 or W.shape[1] != 1:
        raise ValueError(
            f"expected a grey image (H, W) and filters (FN, 1, FH, FW), got {image.shape} "
            f"and {W.shape}"
        )
    b = np.zeros(len(W)) if b is None else np.asarray(b, dtype=np.float64)
    indices = np.arange(min(8, len(W))) if indices is None else np.asarray(indices)
    FH = W.shape[2]
    conv = Convolution(W[indices], b[indices], pad=FH // 2)
    responses = conv.forward(image[np.newaxis, np.newaxis])[0]
    if relu:
        responses = np.maximum(responses, 0.0)
    k = len(indices)
    aspect = image.shape[0] / image.shape[1]
    panel = min(1.6, PAGE_WIDTH / (k + 2))  # inches: the whole figure fits the page
    fig = plt.figure(figsize=(panel * (k + 2), panel * 2 * aspect + 0.6))
    grid = fig.add_gridspec(2, k + 2, height_ratios=[1, 2 * aspect], hspace=0.1)
    ax = fig.add_subplot(grid[:, :2])
    ax.imshow(image, cmap="gray", interpolation="nearest")
    ax.set_title("image")
    ax.axis("off")
    for j, i in enumerate(indices):
        ax_f = fig.add_subplot(grid[0, j + 2])
        ax_f.imshow(W[i, 0], cmap="gray_r", interpolation="nearest")
        ax_f.set_title(f"filter {i}", fontsize=MIN_FONTSIZE)
        ax_f.axis("off")
        ax_r = fig.add_subplot(grid[1, j + 2])
        ax_r.imshow(responses[j], cmap="gray_r", interpolation="nearest")
        ax_r.axis("off")
    return fig


def plot_epoch_accuracy(
    history,
    *,
    ax: Axes | None = None,
    title: str | None = None,
    ylim: tuple[float, float] = (0.0, 1.0),
) -> Axes:
    """Plot the accuracy per epoch of a training run: training solid, test dashed.

    The legend gives the final value of each curve.

    Book: chapter 7, section 7.5 (figure 7-23).

    Parameters
    ----------
    history : TrainingHistory
        What [`Trainer.train`][nnbook.trainer.Trainer.train] returns (anything with
        `train_acc_list`, `test_acc_list`, and optionally `epochs()`).
    ax : Axes, optional
        Where to draw; a new figure is made when omitted.
    title : str, optional
        Title of the axes.
    ylim : (float, float), default=(0, 1)
        Limits of the accuracy axis.

    Returns
    -------
    Axes

    Examples
    --------
    >>> from nnbook.plotting import plot_epoch_accuracy
    >>> from nnbook.trainer import TrainingHistory
    >>> history = TrainingHistory(iter_per_epoch=10)
    >>> for it, (a, b) in enumerate([(0.1, 0.1), (0.9, 0.88), (0.95, 0.9)]):
    ...     history.record_accuracy(10 * it, a, b)
    >>> ax = plot_epoch_accuracy(history)
    >>> print([line.get_linestyle() for line in ax.lines])
    ['-', '--']
    >>> print(ax.get_legend_handles_labels()[1])
    ['train (final 0.9500)', 'test (final 0.9000)']
    """
    ax = new_axes(ax, figsize=(6, 4))
    train = np.asarray(history.train_acc_list, dtype=float)
    test = np.asarray(history.test_acc_list, dtype=float)
    epochs = np.asarray(history.epochs()) if hasattr(history, "epochs") else None
    if epochs is None or len(epochs) != len(train):
        epochs = np.arange(len(train))
    every = max(len(train) // 20, 1)
    ax.plot(epochs, train, "-", marker="o", markevery=every, markersize=4,
            label=f"train (final {train[-1]:.4f})")  # fmt: skip
    ax.plot(epochs, test, "--", marker="s", markevery=every, markersize=4,
            label=f"test (final {test[-1]:.4f})")  # fmt: skip
    ax.set_ylim(*ylim)
    ax.set_xlabel("epochs")
    ax.set_ylabel("accuracy")
    ax.grid(alpha=0.3)
    ax.legend(loc="lower right")
    if title:
        ax.set_title(title)
    return ax
