r"""Data augmentation (データ拡張): more training images from small rotations and shifts.

A digit rotated by a few degrees or moved by a pixel or two is still the same digit, so
such copies are free extra training data; they teach the network that these changes
do not matter. Everything here is plain NumPy: one bilinear resampling per batch.

Book: chapter 8, section 8.1.3.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike

__all__ = ["AugmentedImages", "random_transform", "transform_images"]


def _as_nchw(images: np.ndarray) -> tuple[np.ndarray, tuple[int, ...]]:
    """Return `images` as (N, C, H, W) and the shape to give the result back."""
    shape = images.shape
    if images.ndim == 4:
        return images, shape
    if images.ndim == 3:
        return images[:, None], shape
    if images.ndim == 2:
        side = math.isqrt(shape[1])
        if side * side == shape[1]:
            return images.reshape(shape[0], 1, side, side), shape
    raise ValueError(
        f"expected images of shape (N, C, H, W), (N, H, W) or (N, H*W) with square "
        f"images, got {shape}; reshape them to (N, C, H, W)"
    )


def transform_images(
    images: ArrayLike, angles: ArrayLike = 0.0, shifts: ArrayLike = (0, 0)
) -> np.ndarray:
    r"""Rotate each image about its centre and shift it, by bilinear interpolation.

    Book: chapter 8, section 8.1.3.

    Parameters
    ----------
    images : array_like of shape (N, C, H, W), (N, H, W) or (N, H*W)
        The images; flattened ones must be square (MNIST's 784 = 28×28).
    angles : float or array_like of shape (N,), default=0
        Counter-clockwise rotation of each image as displayed, in degrees.
    shifts : array_like of shape (2,) or (N, 2), default=(0, 0)
        Displacement (down, right) of each image, in pixels (fractions allowed).

    Returns
    -------
    ndarray of the shape of `images`
        Float images of the input's dtype (float32 for integer input); pixels that
        come from outside the image are 0 (the background of MNIST).

    Notes
    -----
    Output pixel $p$ takes the value of the input at
    $q = R_{-\theta}\,(p - c - s) + c$, with $c$ the image's centre and $s$ the shift,
    interpolated bilinearly between the four pixels around $q$. For a 90° rotation of
    a square image, or for whole-pixel shifts, $q$ falls on pixels and the result is
    exact: a rotation by 90° equals `np.rot90`.

    Examples
    --------
    >>> import numpy as np
    >>> from nnbook.augmentation import transform_images
    >>> x = np.zeros((1, 5, 5))
    >>> x[0, 1, 2] = 1.0          # one pixel above the centre
    >>> print(transform_images(x, angles=90)[0])  # now left of the centre
    [[0. 0. 0. 0. 0.]
     [0. 0. 0. 0. 0.]
     [0. 1. 0. 0. 0.]
     [0. 0. 0. 0. 0.]
     [0. 0. 0. 0. 0.]]
    >>> print(transform_images(x, shifts=(2, -1))[0])  # two down, one left
    [[0. 0. 0. 0. 0.]
     [0. 0. 0. 0. 0.]
     [0. 0. 0. 0. 0.]
     [0. 1. 0. 0. 0.]
     [0. 0. 0. 0. 0.]]

    Half a pixel to the right shares the ink between two pixels:

    >>> print(transform_images(x, shifts=(0, 0.5))[0, 1])
    [0.  0.  0.5 0.5 0. ]
    """
    images = np.asarray(images)
    x, shape = _as_nchw(images)
    dtype = images.dtype if np.issubdtype(images.dtype, np.floating) else np.float32
    work = np.promote_types(dtype, np.float32)  # float16 is interpolated in float32
    N, C, H, W = x.shape
    angles = np.broadcast_to(np.asarray(angles, dtype=float), (N,))
    shifts = np.broadcast_to(np.asarray(shifts, dtype=float), (N, 2))
    theta = np.deg2rad(angles)[:, None, None]
    cos, sin = np.cos(theta), np.sin(theta)
    cy, cx = (H - 1) / 2, (W - 1) / 2
    yy, xx = np.mgrid[0:H, 0:W]
    dy = yy - cy - shifts[:, 0, None, None]  # (N, H, W): p - c - s
    dx = xx - cx - shifts[:, 1, None, None]
    # Counter-clockwise as displayed (rows grow downwards): the source is the output
    # position turned clockwise.
    src_y = cos * dy + sin * dx + cy
    src_x = -sin * dy + cos * dx + cx
    # Coordinates within a rounding error of a pixel are that pixel (exact 90° turns).
    for src in (src_y, src_x):
        near = np.abs(src - np.round(src)) < 1e-9
        src[near] = np.round(src[near])
    y0, x0 = np.floor(src_y).astype(np.intp), np.floor(src_x).astype(np.intp)
    wy, wx = (src_y - y0).astype(work), (src_x - x0).astype(work)
    n = np.arange(N)[:, None, None]
    src_img = x.astype(work, copy=False).transpose(0, 2, 3, 1)  # (N, H, W, C)
    out = np.zeros((N, H, W, C), dtype=work)
    for oy, ox, weight in (
        (0, 0, (1 - wy) * (1 - wx)),
        (0, 1, (1 - wy) * wx),
        (1, 0, wy * (1 - wx)),
        (1, 1, wy * wx),
    ):
        yi, xi = y0 + oy, x0 + ox
        inside = (yi >= 0) & (yi < H) & (xi >= 0) & (xi < W) & (weight > 0)
        values = src_img[n, np.clip(yi, 0, H - 1), np.clip(xi, 0, W - 1)]
        out += values * (weight * inside)[..., None]
    return out.transpose(0, 3, 1, 2).astype(dtype, copy=False).reshape(shape)


def random_transform(
    images: ArrayLike,
    *,
    max_angle: float = 10.0,
    max_shift: int = 2,
    rng: np.random.Generator | int | None = None,
) -> np.ndarray:
    """Rotate and shift each image by a random small amount.

    Each image gets its own angle, uniform in [-max_angle, max_angle] degrees, and
    its own whole-pixel shift, uniform in {-max_shift, ..., max_shift} along each axis.

    Book: chapter 8, section 8.1.3.

    Parameters
    ----------
    images : array_like of shape (N, C, H, W), (N, H, W) or (N, H*W)
        The images.
    max_angle : float, default=10
        Largest rotation, in degrees (0 turns rotations off).
    max_shift : int, default=2
        Largest shift, in pixels (0 turns shifts off).
    rng : numpy.random.Generator or int or None
        Random source, or a seed.

    Returns
    -------
    ndarray of the shape of `images`
        New images (see [`transform_images`][nnbook.augmentation.transform_images]).

    Examples
    --------
    >>> import numpy as np
    >>> from nnbook.augmentation import random_transform
    >>> x = np.zeros((3, 1, 28, 28), dtype=np.float32)
    >>> x[:, 0, 10:18, 12:16] = 1.0
    >>> y = random_transform(x, rng=0)
    >>> print(y.shape, y.dtype, np.round(y.sum(axis=(1, 2, 3)), 1))
    (3, 1, 28, 28) float32 [32. 32. 32.]
    """
    if max_angle < 0 or max_shift < 0 or max_shift != int(max_shift):
        raise ValueError(
            f"need max_angle >= 0 and a whole max_shift >= 0, got {max_angle} and "
            f"{max_shift}"
        )
    images = np.asarray(images)
    rng = np.random.default_rng(rng)
    n = len(images)
    angles = rng.uniform(-max_angle, max_angle, n)
    shifts = rng.integers(-int(max_shift), int(max_shift) + 1, (n, 2))
    return transform_images(images, angles, shifts)


class AugmentedImages:
    """Training images that come out freshly rotated and shifted at every mini-batch.

    Indexing with an array of indices, as a training loop draws a mini-batch
    (`x_train[batch_mask]`), returns new random transformations of those images;
    indexing with a slice, `len`, and conversion with `np.asarray` give the original
    images (what an accuracy measurement should see). So any training loop that draws
    mini-batches by index arrays, [`Trainer`][nnbook.trainer.Trainer] and
    [`train_neuralnet`][nnbook.trainer.train_neuralnet] included, trains on augmented
    data without a change: every epoch sees different variants of the same digits.

    Book: chapter 8, section 8.1.3.

    Parameters
    ----------
    images : ndarray of shape (N, C, H, W), (N, H, W) or (N, H*W)
        The original training images.
    max_angle : float, default=10
        Largest rotation, in degrees.
    max_shift : int, default=2
        Largest shift, in pixels.
    rng : numpy.random.Generator or int or None
        Random source of the transformations, or a seed.

    Attributes
    ----------
    images : ndarray
        The originals.
    rng : numpy.random.Generator

    Examples
    --------
    >>> import numpy as np
    >>> from nnbook.augmentation import AugmentedImages
    >>> x = np.random.default_rng(0).random((10, 1, 28, 28))
    >>> data = AugmentedImages(x, rng=1)
    >>> batch = data[np.array([3, 7])]
    >>> print(len(data), batch.shape, np.array_equal(batch, x[[3, 7]]))
    10 (2, 1, 28, 28) False
    >>> print(np.array_equal(data[:5], x[:5]), np.asarray(data) is x)
    True True
    """

    def __init__(
        self,
        images: np.ndarray,
        *,
        max_angle: float = 10.0,
        max_shift: int = 2,
        rng: np.random.Generator | int | None = None,
    ) -> None:
        images = np.asarray(images)
        _as_nchw(images)  # refuse shapes that cannot be transformed, now
        random_transform(images[:1], max_angle=max_angle, max_shift=max_shift, rng=0)
        self.images = images
        self.max_angle = max_angle
        self.max_shift = max_shift
        self.rng = np.random.default_rng(rng)

    def __len__(self) -> int:
        return len(self.images)

    @property
    def shape(self) -> tuple[int, ...]:
        """The shape of the original images."""
        return self.images.shape

    @property
    def dtype(self) -> np.dtype:
        """The dtype of the original images."""
        return self.images.dtype

    def __array__(self, dtype=None, copy=None) -> np.ndarray:
        if dtype is None or np.dtype(dtype) == self.images.dtype:
            return self.images.copy() if copy else self.images
        return self.images.astype(dtype)

    def __getitem__(self, index):
        if isinstance(index, (slice, int, np.integer)):
            return self.images[index]
        batch = self.images[index]
        return random_transform(
            batch, max_angle=self.max_angle, max_shift=self.max_shift, rng=self.rng
        )

    def __repr__(self) -> str:
        return (
            f"AugmentedImages({len(self)} images of shape {self.images.shape[1:]}, "
            f"max_angle={self.max_angle}, max_shift={self.max_shift})"
        )
