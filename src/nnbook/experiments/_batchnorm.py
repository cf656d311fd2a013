"""Chapter 6, section 6.3.2: training with and without Batch Normalization."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

__all__ = ["BatchNormRun", "batchnorm_comparison"]


@dataclass(frozen=True)
class BatchNormRun:
    """Two networks from one initial weight scale: with and without Batch Normalization.

    Attributes
    ----------
    weight_std : float
        The standard deviation of the initial weights.
    with_bn, without_bn : list of float
        Training accuracy before training and after each epoch; a run that diverged
        (its loss became NaN) stops where it diverged.
    with_bn_diverged, without_bn_diverged : bool
        Whether that run diverged.
    """

    weight_std: float
    with_bn: list[float]
    without_bn: list[float]
    with_bn_diverged: bool
    without_bn_diverged: bool

    def final(self, batchnorm: bool) -> float | None:
        """Return the final training accuracy, or None if the run diverged."""
        if batchnorm:
            return None if self.with_bn_diverged else self.with_bn[-1]
        return None if self.without_bn_diverged else self.without_bn[-1]


def batchnorm_comparison(
    x_train: np.ndarray,
    t_train: np.ndarray,
    *,
    weight_scales: Sequence[float] | None = None,
    n_train: int = 1000,
    epochs: int = 20,
    batch_size: int = 100,
    lr: float = 0.01,
    hidden_size_list: Sequence[int] = (100,) * 5,
) -> list[BatchNormRun]:
    """Train a deep network with and without Batch Normalization from many weight scales.

    For each scale, two `MultiLayerNetExtend` networks (float32, SGD) are trained on the
    first `n_train` training images, one with `use_batchnorm=True`; both start from the
    same weights and see the same mini-batches (run `i` is seeded with `i`). The accuracy
    on those same images is recorded per epoch. A run whose loss becomes NaN stops with
    [`TrainingDiverged`][nnbook.trainer.TrainingDiverged] and is marked diverged.

    Book: chapter 6, section 6.3.2 (`ch06/batch_norm_test.py`, figure 6-18).

    Parameters
    ----------
    x_train, t_train : ndarray
        MNIST training data.
    weight_scales : sequence of float, optional
        Default: the book's 16 scales from 1 down to $10^{-4}$ (`np.logspace(0, -4, 16)`).
    n_train : int, default=1000
        Training images used.
    epochs, batch_size, lr : int, int, float
        The book's 20 epochs of 100 images, SGD with lr 0.01.
    hidden_size_list : sequence of int, default=(100,) * 5
        The hidden layers.

    Returns
    -------
    list of BatchNormRun
        One per scale, in order.

    Examples
    --------
    >>> import numpy as np
    >>> from nnbook.experiments import batchnorm_comparison
    >>> rng = np.random.default_rng(0)
    >>> x, t = rng.random((40, 20), dtype=np.float32), rng.integers(0, 10, 40)
    >>> runs = batchnorm_comparison(x, t, weight_scales=[0.1, 0.01], n_train=40,
    ...                             epochs=2, batch_size=20, hidden_size_list=[8, 8])
    >>> print([run.weight_std for run in runs], len(runs[0].with_bn))
    [0.1, 0.01] 3
    """
    from nnbook.models import MultiLayerNetExtend
    from nnbook.trainer import Trainer, TrainingDiverged

    if weight_scales is None:
        weight_scales = np.logspace(0, -4, num=16)
    x_small, t_small = x_train[:n_train], t_train[:n_train]
    runs = []
    for i, w in enumerate(weight_scales):
        curves, diverged = {}, {}
        for use_bn in (True, False):
            net = MultiLayerNetExtend(
                x_small.shape[1], list(hidden_size_list), 10, weight_init_std=float(w),
                use_batchnorm=use_bn, rng=i, dtype=np.float32,
            )  # fmt: skip
            trainer = Trainer(
                net, x_small, t_small, x_small, t_small, epochs=epochs,
                mini_batch_size=batch_size, optimizer="sgd", optimizer_param={"lr": lr},
                rng=i,
            )  # fmt: skip
            try:
                trainer.train()
                diverged[use_bn] = False
            except TrainingDiverged:  # the loss became NaN: the weights blew up
                diverged[use_bn] = True
            curves[use_bn] = list(trainer.train_acc_list)
        runs.append(
            BatchNormRun(
                float(w), curves[True], curves[False], diverged[True], diverged[False]
            )
        )
    return runs
