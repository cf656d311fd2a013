"""Which test images a network gets wrong (chapter 8, `misclassified_mnist.py`)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

__all__ = ["Misclassified", "misclassified", "predict_labels"]


def predict_labels(network, x: ArrayLike, *, batch_size: int = 100) -> np.ndarray:
    """Return the class each input is assigned to, computed `batch_size` at a time.

    Parameters
    ----------
    network : Network
        Anything with `predict(x, train_flg=False)`.
    x : array_like of shape (N, ...)
        Inputs.
    batch_size : int, default=100
        Inputs per forward pass (memory stays bounded: a convolution of 10,000 images
        at once would need gigabytes).

    Returns
    -------
    ndarray of int64, shape (N,)
    """
    if int(batch_size) < 1:
        raise ValueError(f"batch_size must be at least 1, got {batch_size}")
    x = np.asarray(x)
    out = np.empty(len(x), dtype=np.int64)
    for start in range(0, len(x), batch_size):
        y = network.predict(x[start : start + batch_size], train_flg=False)
        out[start : start + batch_size] = np.argmax(y, axis=1)
    return out


@dataclass(frozen=True)
class Misclassified:
    """The test images a network gets wrong, as `misclassified` finds them.

    Attributes
    ----------
    pairs : dict of int to (int, int)
        The book's `mis_pairs`: for the first `max_view` mistakes, view number
        (from 1) → (label, inference).
    indices : ndarray of int
        Positions in the test set of those first `max_view` mistakes.
    predictions : ndarray of int
        The predicted class of every test image.
    labels : ndarray of int
        The true classes.
    """

    pairs: dict[int, tuple[int, int]]
    indices: np.ndarray
    predictions: np.ndarray
    labels: np.ndarray

    @property
    def accuracy(self) -> float:
        """Fraction of the images classified correctly."""
        return float(np.mean(self.predictions == self.labels))

    @property
    def count(self) -> int:
        """Number of images classified wrongly."""
        return int(np.sum(self.predictions != self.labels))

    def confusions(self, top: int = 5) -> list[tuple[tuple[int, int], int]]:
        """Return the most frequent (label, inference) mistakes and their counts."""
        wrong = self.predictions != self.labels
        pairs = zip(
            self.labels[wrong].tolist(), self.predictions[wrong].tolist(), strict=True
        )
        return Counter(pairs).most_common(top)


def misclassified(
    network, x: ArrayLike, t: ArrayLike, *, max_view: int = 20, batch_size: int = 100
) -> Misclassified:
    """Classify the test images and collect the first `max_view` mistakes.

    The book's `ch08/misclassified_mnist.py` as a function: it predicts every image,
    prints the test accuracy and `{view index: (label, inference), ...}` for the first
    20 misclassified images, and shows them. Here the numbers are returned; draw the
    images with [`plot_images`][nnbook.plotting.plot_images] (`labels`, `predictions`).

    Book: chapter 8, section 8.1.1.

    Parameters
    ----------
    network : Network
        Anything with `predict(x, train_flg=False)`.
    x : array_like of shape (N, ...)
        Test inputs.
    t : array_like of shape (N,) or (N, C)
        Labels, or one-hot targets.
    max_view : int, default=20
        How many mistakes to keep in `pairs` and `indices`.
    batch_size : int, default=100
        Inputs per forward pass.

    Returns
    -------
    Misclassified

    Examples
    --------
    A "network" that always answers 1 gets the 7 and the 2 wrong:

    >>> import numpy as np
    >>> from nnbook.experiments import misclassified
    >>> class Always1:
    ...     def predict(self, x, train_flg=False):
    ...         return np.tile(np.eye(10)[1], (len(x), 1))
    >>> result = misclassified(Always1(), np.zeros((4, 784)), np.array([7, 1, 2, 1]))
    >>> print(result.pairs, result.indices, result.accuracy)
    {1: (7, 1), 2: (2, 1)} [0 2] 0.5
    """
    t = np.asarray(t)
    labels = np.argmax(t, axis=1) if t.ndim == 2 else t.astype(np.int64)
    x = np.asarray(x)
    if len(labels) != len(x):
        raise ValueError(f"{len(x)} images but {len(labels)} labels")
    predictions = predict_labels(network, x, batch_size=batch_size)
    (wrong,) = np.nonzero(predictions != labels)
    indices = wrong[:max_view]
    pairs = {
        view: (int(labels[i]), int(predictions[i])) for view, i in enumerate(indices, 1)
    }
    return Misclassified(pairs, indices, predictions, labels)
