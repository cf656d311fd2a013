"""Does data augmentation help? Paired training runs on a reduced training set (§8.1.3)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from nnbook.augmentation import AugmentedImages
from nnbook.trainer import Trainer, TrainingHistory

__all__ = ["AugmentationResult", "augmentation_experiment"]


@dataclass
class AugmentationResult:
    """What [`augmentation_experiment`][nnbook.experiments.augmentation_experiment] found.

    Attributes
    ----------
    seeds : list of int
        One pair of runs per seed.
    plain, augmented : list of float
        Final test accuracy of each seed's run without and with augmentation.
    plain_histories, augmented_histories : list of TrainingHistory
        The runs' histories.
    train_size : int
        Training images per run.
    seconds : float
        Wall time of all runs.
    """

    seeds: list[int]
    plain: list[float] = field(default_factory=list)
    augmented: list[float] = field(default_factory=list)
    plain_histories: list[TrainingHistory] = field(default_factory=list, repr=False)
    augmented_histories: list[TrainingHistory] = field(default_factory=list, repr=False)
    train_size: int = 0
    seconds: float = 0.0

    @property
    def gains(self) -> np.ndarray:
        """Augmented minus plain test accuracy, seed by seed."""
        return np.asarray(self.augmented) - np.asarray(self.plain)

    def summary(self) -> str:
        """Return the means, spreads and gain as a few lines of text."""
        plain, aug, gains = np.asarray(self.plain), np.asarray(self.augmented), self.gains
        n = len(gains)
        sem = gains.std(ddof=1) / np.sqrt(n) if n > 1 else float("nan")
        return (
            f"{n} seeds, {self.train_size:,} training images each\n"
            f"without augmentation: mean test accuracy {plain.mean():.4f} "
            f"(min {plain.min():.4f}, max {plain.max():.4f})\n"
            f"with augmentation:    mean test accuracy {aug.mean():.4f} "
            f"(min {aug.min():.4f}, max {aug.max():.4f})\n"
            f"gain: {gains.mean():+.4f} on average (standard error {sem:.4f}), "
            f"positive for {int(np.sum(gains > 0))} of {n} seeds"
        )


def augmentation_experiment(
    make_network: Callable[[np.random.Generator], object],
    x_train: np.ndarray,
    t_train: np.ndarray,
    x_test: np.ndarray,
    t_test: np.ndarray,
    *,
    train_size: int = 1000,
    seeds: tuple[int, ...] = (0, 1, 2),
    epochs: int = 20,
    batch_size: int = 100,
    optimizer: str = "adam",
    lr: float = 0.001,
    max_angle: float = 10.0,
    max_shift: int = 2,
    eval_samples: int | None = 1000,
    progress: Callable[[str], None] | None = None,
) -> AugmentationResult:
    """Train the same network on a small training set with and without augmentation.

    For each seed, `train_size` training images are drawn at random, and two runs
    start from the same initial weights and see the same mini-batch order: one on the
    images as they are, one on [`AugmentedImages`][nnbook.augmentation.AugmentedImages]
    (every mini-batch rotated and shifted anew). Both are then tested on all of
    `x_test`. Pairing the runs this way makes the difference between them depend on
    the augmentation, not on a lucky draw of weights or images.

    Book: chapter 8, section 8.1.3.

    Parameters
    ----------
    make_network : callable (Generator) -> Network
        Builds a fresh network from a random generator, e.g.
        `lambda rng: DeepConvNet(rng=rng, dtype=np.float32)`.
    x_train, t_train : ndarray
        The full training set, from which each seed draws its images.
    x_test, t_test : ndarray
        The test set.
    train_size : int, default=1000
        Training images per run.
    seeds : tuple of int, default=(0, 1, 2)
        One pair of runs per seed.
    epochs, batch_size, optimizer, lr
        As for [`Trainer`][nnbook.trainer.Trainer].
    max_angle, max_shift
        As for [`AugmentedImages`][nnbook.augmentation.AugmentedImages].
    eval_samples : int or None, default=1000
        Test images for the per-epoch accuracies (the final one uses all).
    progress : callable (str) -> None, optional
        Receives one line after each run (e.g. `print`).

    Returns
    -------
    AugmentationResult
    """
    if not 0 < train_size <= len(x_train):
        raise ValueError(f"train_size must be in 1..{len(x_train)}, got {train_size}")
    result = AugmentationResult(seeds=list(seeds), train_size=train_size)
    start = time.perf_counter()
    for seed in seeds:
        subset = np.random.default_rng([seed, 1]).choice(len(x_train), train_size, False)
        x, t = x_train[subset], t_train[subset]
        for augment in (False, True):
            # The same generator for weights, Dropout and batch order in both runs; the
            # transformations draw from their own, so the two runs differ only in them.
            rng = np.random.default_rng(seed)
            network = make_network(rng)
            data = x
            if augment:
                data = AugmentedImages(
                    x, max_angle=max_angle, max_shift=max_shift,
                    rng=np.random.default_rng([seed, 2]),
                )  # fmt: skip
            trainer = Trainer(
                network, data, t, x_test, t_test, epochs=epochs,
                mini_batch_size=batch_size, optimizer=optimizer,
                optimizer_param={"lr": lr}, evaluate_sample_num_per_epoch=eval_samples,
                rng=rng,
            )  # fmt: skip
            history = trainer.train()
            accuracy = history.final_test_acc  # on all of x_test
            (result.augmented if augment else result.plain).append(accuracy)
            histories = result.augmented_histories if augment else result.plain_histories
            histories.append(history)
            if progress is not None:
                kind = "augmented" if augment else "plain    "
                progress(
                    f"seed {seed}, {kind}: test accuracy {accuracy:.4f} "
                    f"({history.seconds:.0f} s)"
                )
    result.seconds = time.perf_counter() - start
    return result
