"""`load_mnist` and `load_fashion_mnist`: the book's loader, on verified files."""

from __future__ import annotations

import functools
import os
from pathlib import Path

import numpy as np

from ._errors import IDXFormatError
from ._fetch import resolve
from ._idx import IMAGES_MAGIC, LABELS_MAGIC, parse_idx
from ._registry import DATASETS, FileSpec
from ._verify import load_verified

PathLike = str | os.PathLike[str]


@functools.lru_cache(maxsize=16)
def _parsed(spec: FileSpec, path: str, size: int, mtime_ns: int, owned: bool) -> np.ndarray:
    """Parse one verified IDX file into a read-only array, once per file version."""
    payload = load_verified(spec, Path(path), owned=owned)
    magic = IMAGES_MAGIC if "-images-" in spec.relpath else LABELS_MAGIC
    return parse_idx(payload, magic=magic, name=path)


def _raw(spec: FileSpec, data_home: PathLike | None) -> np.ndarray:
    where = resolve(spec, data_home)
    stat = where.path.stat()
    return _parsed(spec, str(where.path), stat.st_size, stat.st_mtime_ns, where.owned)


def _load(
    dataset: str,
    normalize: bool,
    flatten: bool,
    one_hot_label: bool,
    data_home: PathLike | None,
) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    raw = {part: _raw(spec, data_home) for part, spec in DATASETS[dataset].items()}

    def images(part: str) -> np.ndarray:
        x = raw[part]
        if x.ndim != 3 or x.shape[1:] != (28, 28):
            raise IDXFormatError(f"{dataset} {part}: expected 28x28 images, got {x.shape}")
        if normalize:
            x = x.astype(np.float32)
            x /= np.float32(255.0)
        else:
            x = x.copy()
        return x.reshape(len(x), 784) if flatten else x.reshape(len(x), 1, 28, 28)

    def labels(part: str) -> np.ndarray:
        t = raw[part]
        if not one_hot_label:
            return t.copy()
        one_hot = np.zeros((t.size, 10), dtype=np.float32)
        one_hot[np.arange(t.size), t] = 1.0
        return one_hot

    train = images("train-images"), labels("train-labels")
    test = images("t10k-images"), labels("t10k-labels")
    for (x, t), split in ((train, "train"), (test, "t10k")):
        if len(x) != len(t):
            raise IDXFormatError(f"{dataset} {split}: {len(x)} images but {len(t)} labels")
    return train, test


def load_mnist(
    normalize: bool = True,
    flatten: bool = True,
    one_hot_label: bool = False,
    *,
    data_home: PathLike | None = None,
) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """Load MNIST as the book's `load_mnist` does: `(x_train, t_train), (x_test, t_test)`.

    The four IDX files are found in the data homes (the `data_home` argument,
    `$NNBOOK_DATA`, `/usr/share/datasets`, the user cache) or downloaded into the user
    cache, and their decompressed content is checked against its SHA-256 before use.
    Book: chapter 3, section 3.6.1.

    Parameters
    ----------
    normalize : bool, default True
        Scale pixels to float32 in [0, 1]; when False they stay uint8 in 0..255.
    flatten : bool, default True
        Give each image as a row of 784 pixels; when False as `(1, 28, 28)` (NCHW).
    one_hot_label : bool, default False
        Give labels as one-hot rows of 10 float32 values instead of uint8 digits.
    data_home : str or PathLike, optional
        A data home looked in first (it holds `mnist/*.gz`).

    Returns
    -------
    (x_train, t_train) : tuple of ndarray
        60,000 images of shape `(60000, 784)` or `(60000, 1, 28, 28)`, and their labels
        of shape `(60000,)` (uint8) or `(60000, 10)` (float32, one-hot).
    (x_test, t_test) : tuple of ndarray
        The 10,000 test images and labels, shaped likewise.

    Raises
    ------
    DataNotFoundError
        A file is in no data home and downloads are disabled (`NNBOOK_OFFLINE=1`).
    ChecksumError
        A file's content is not the genuine MNIST.
    IDXFormatError
        A file is truncated or malformed.
    DownloadError
        A missing file could not be downloaded from any mirror.

    Notes
    -----
    Every call returns new arrays that the caller owns and may modify. The files are
    read, checked and parsed once per process (under a second for MNIST); later calls
    only convert the cached uint8 arrays, in tens of milliseconds.

    Differences from the book: normalized pixels are computed the book's way,
    $x / 255$ in float32, but one-hot labels are float32 rather than the book's float64,
    so that a float32 network stays float32 through the loss. No pickle cache is written
    next to the source: the `.gz` files are the cache.

    Examples
    --------
    These need the data (see `nnbook data status`); the tests run them where it is:

    >>> from nnbook.datasets import load_mnist
    >>> (x_train, t_train), (x_test, t_test) = load_mnist()
    >>> print(x_train.shape, x_train.dtype, t_train.shape, t_train.dtype)
    (60000, 784) float32 (60000,) uint8
    >>> (x, t), _ = load_mnist(flatten=False, one_hot_label=True)
    >>> print(x.shape, t.shape, t[0])
    (60000, 1, 28, 28) (60000, 10) [0. 0. 0. 0. 0. 1. 0. 0. 0. 0.]
    """
    return _load("mnist", normalize, flatten, one_hot_label, data_home)


def load_fashion_mnist(
    normalize: bool = True,
    flatten: bool = True,
    one_hot_label: bool = False,
    *,
    data_home: PathLike | None = None,
) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """Load Fashion-MNIST (Zalando), a drop-in replacement for MNIST with clothes.

    Same files, shapes and arguments as `load_mnist`; the ten classes are T-shirt/top,
    Trouser, Pullover, Dress, Coat, Sandal, Shirt, Sneaker, Bag and Ankle boot. Debian's
    `dataset-fashion-mnist` package is found in `/usr/share/datasets/fashion-mnist/`.
    Book: not in the book; a harder dataset for the networks of chapters 3 to 8.

    Parameters
    ----------
    normalize : bool, default True
        Scale pixels to float32 in [0, 1]; when False they stay uint8 in 0..255.
    flatten : bool, default True
        Give each image as a row of 784 pixels; when False as `(1, 28, 28)` (NCHW).
    one_hot_label : bool, default False
        Give labels as one-hot rows of 10 float32 values instead of uint8 class numbers.
    data_home : str or PathLike, optional
        A data home looked in first (it holds `fashion-mnist/*.gz`).

    Returns
    -------
    (x_train, t_train) : tuple of ndarray
        60,000 images and labels, shaped as in `load_mnist`.
    (x_test, t_test) : tuple of ndarray
        10,000 images and labels.

    Raises
    ------
    DataNotFoundError, ChecksumError, IDXFormatError, DownloadError
        As for `load_mnist`.

    Examples
    --------
    These need the data; the tests run them where it is:

    >>> from nnbook.datasets import load_fashion_mnist
    >>> (x_train, t_train), _ = load_fashion_mnist()
    >>> print(x_train.shape, t_train[:5])
    (60000, 784) [9 0 0 3 0]
    """
    return _load("fashion-mnist", normalize, flatten, one_hot_label, data_home)
