"""Chapters 4-5: the book's two-layer network trained on MNIST, for one seed or many."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from numpy.typing import DTypeLike

from nnbook.trainer import TrainingHistory, train_neuralnet

__all__ = ["SeedRun", "seed_spread", "train_two_layer_net"]


def _network_class(chapter: int):
    from nnbook.models import SigmoidTwoLayerNet, TwoLayerNet

    if chapter == 4:
        return SigmoidTwoLayerNet
    if chapter == 5:
        return TwoLayerNet
    raise ValueError(
        f"chapter must be 4 (sigmoid, numerical-gradient chapter) or 5 (ReLU, "
        f"backpropagation), got {chapter!r}"
    )


def train_two_layer_net(
    chapter: int,
    data: tuple,
    *,
    seed: int = 2,
    hidden_size: int = 50,
    output_size: int = 10,
    iters_num: int = 10_000,
    batch_size: int = 100,
    learning_rate: float = 0.1,
    dtype: DTypeLike = np.float32,
    verbose: bool = False,
) -> TrainingHistory:
    """Train the book's two-layer network of chapter 4 or 5 with one seed.

    One generator, seeded with `seed`, draws the initial weights and then the
    mini-batches, so a seed names a whole run.

    Book: chapter 4, section 4.5 (`ch04/train_neuralnet.py`) and chapter 5,
    section 5.7.4 (`ch05/train_neuralnet.py`).

    Parameters
    ----------
    chapter : {4, 5}
        4: [`SigmoidTwoLayerNet`][nnbook.models.SigmoidTwoLayerNet]; 5:
        [`TwoLayerNet`][nnbook.models.TwoLayerNet] (ReLU, backpropagation).
    data : ((x_train, t_train), (x_test, t_test))
        What `load_mnist(one_hot_label=True)` (or `False`) returns.
    seed : int, default=2
        Seed of the run.
    hidden_size, output_size : int, default=50 and 10
        Hidden units, and classes.
    iters_num, batch_size, learning_rate : int, int, float
        The book's settings by default: 10,000 iterations of 100 samples, lr 0.1.
    dtype : dtype, default=float32
        The network's dtype; float32 is about four times faster and reaches the same
        accuracies.
    verbose : bool, default=False
        Print the book's line `train acc, test acc | ...` at each epoch.

    Returns
    -------
    TrainingHistory

    Examples
    --------
    A toy data set stands in for MNIST (the chapter pages train on MNIST):

    >>> import numpy as np
    >>> from nnbook.experiments import train_two_layer_net
    >>> rng = np.random.default_rng(0)
    >>> x, t = rng.random((60, 8)), rng.integers(0, 3, 60)
    >>> h = train_two_layer_net(5, ((x, t), (x, t)), hidden_size=4, output_size=3,
    ...                         iters_num=20, batch_size=10)
    >>> print(len(h.train_loss_list), len(h.train_acc_list))
    20 4
    """
    cls = _network_class(chapter)
    (x_train, t_train), (x_test, t_test) = data
    rng = np.random.default_rng(seed)
    net = cls(x_train.shape[1], hidden_size, output_size, rng=rng, dtype=dtype)
    return train_neuralnet(
        net,
        x_train,
        t_train,
        x_test,
        t_test,
        iters_num=iters_num,
        batch_size=batch_size,
        learning_rate=learning_rate,
        rng=rng,
        verbose=verbose,
    )


@dataclass(frozen=True)
class SeedRun:
    """The final accuracies of one training run.

    Attributes
    ----------
    seed : int
        The seed of the run (weights and mini-batches).
    train_acc, test_acc : float
        Final accuracies on the whole training and test sets.
    """

    seed: int
    train_acc: float
    test_acc: float


def seed_spread(
    chapter: int, data: tuple, *, seeds: Iterable[int] = range(10), **kwargs
) -> list[SeedRun]:
    """Train the two-layer network once per seed and return the final accuracies.

    Training is random (the initial weights and the mini-batches), so the book's
    accuracies are one draw among many: the spread over seeds says what to expect.

    Book: chapter 4, section 4.5.3 and chapter 5, section 5.7.4.

    Parameters
    ----------
    chapter : {4, 5}
        Which network, as for
        [`train_two_layer_net`][nnbook.experiments.train_two_layer_net].
    data : ((x_train, t_train), (x_test, t_test))
        The data.
    seeds : iterable of int, default=range(10)
        One run per seed.
    **kwargs
        Passed on to `train_two_layer_net` (`iters_num`, `hidden_size`...).

    Returns
    -------
    list of SeedRun
        In the order of `seeds`.

    Examples
    --------
    >>> import numpy as np
    >>> from nnbook.experiments import seed_spread
    >>> rng = np.random.default_rng(0)
    >>> x, t = rng.random((60, 8)), rng.integers(0, 3, 60)
    >>> runs = seed_spread(4, ((x, t), (x, t)), seeds=[0, 1], hidden_size=4,
    ...                    output_size=3, iters_num=12, batch_size=10)
    >>> print([run.seed for run in runs], all(0 <= run.test_acc <= 1 for run in runs))
    [0, 1] True
    """
    runs = []
    for seed in seeds:
        history = train_two_layer_net(chapter, data, seed=seed, **kwargs)
        runs.append(SeedRun(int(seed), history.final_train_acc, history.final_test_acc))
    return runs
