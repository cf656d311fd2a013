"""Chapter 6, section 6.4: overfitting, and two remedies (weight decay, Dropout)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from nnbook.trainer import TrainingHistory

__all__ = ["overfitting_runs"]


def overfitting_runs(
    x_train: np.ndarray,
    t_train: np.ndarray,
    x_test: np.ndarray,
    t_test: np.ndarray,
    *,
    n_train: int = 300,
    epochs: int = 300,
    batch_size: int = 100,
    lr: float = 0.01,
    weight_decay_lambda: float = 0.1,
    dropout_ratio: float = 0.2,
    hidden_size_list: Sequence[int] = (100,) * 6,
    seed: int = 0,
) -> dict[str, TrainingHistory]:
    r"""Provoke overfitting with a deep network and few images, then regularise it.

    Three seven-layer networks, `MultiLayerNet(784, [100] * 6, 10)` (float32), are
    trained by SGD on the first `n_train` training images: one plain, one with weight
    decay, one with Dropout. The accuracy on those images and on the test data is
    recorded after every epoch. All three start from the same seed.

    Book: chapter 6, sections 6.4.1-6.4.3 (`ch06/overfit_weight_decay.py`,
    `ch06/overfit_dropout.py`; figures 6-20, 6-21, 6-23).

    Parameters
    ----------
    x_train, t_train, x_test, t_test : ndarray
        MNIST.
    n_train : int, default=300
        Training images used.
    epochs, batch_size, lr : int, int, float
        The book's 300 epochs of 100 images, SGD with lr 0.01.
    weight_decay_lambda : float, default=0.1
        $\lambda$ of the weight-decay run.
    dropout_ratio : float, default=0.2
        Share of hidden units switched off at each step in the Dropout run.
    hidden_size_list : sequence of int, default=(100,) * 6
        The hidden layers.
    seed : int, default=0
        Seed of the initial weights and of the shuffling.

    Returns
    -------
    dict of str to TrainingHistory
        `"no regularisation"`, `"weight decay, λ = 0.1"` and `"Dropout, ratio 0.2"`
        (with the values given).

    Examples
    --------
    >>> import numpy as np
    >>> from nnbook.experiments import overfitting_runs
    >>> rng = np.random.default_rng(0)
    >>> x, t = rng.random((40, 20), dtype=np.float32), rng.integers(0, 10, 40)
    >>> runs = overfitting_runs(x, t, x, t, n_train=40, epochs=2, batch_size=20,
    ...                         hidden_size_list=[8, 8])
    >>> for name, history in runs.items():
    ...     print(name, len(history.train_acc_list))
    no regularisation 3
    weight decay, λ = 0.1 3
    Dropout, ratio 0.2 3
    """
    from nnbook.models import MultiLayerNet, MultiLayerNetExtend
    from nnbook.trainer import Trainer

    x_small, t_small = x_train[:n_train], t_train[:n_train]
    sizes = (x_small.shape[1], list(hidden_size_list), 10)
    nets = {
        "no regularisation": MultiLayerNet(*sizes, rng=seed, dtype=np.float32),
        f"weight decay, λ = {weight_decay_lambda:g}": MultiLayerNet(
            *sizes, weight_decay_lambda=weight_decay_lambda, rng=seed, dtype=np.float32
        ),
        f"Dropout, ratio {dropout_ratio:g}": MultiLayerNetExtend(
            *sizes, use_dropout=True, dropout_ratio=dropout_ratio, rng=seed,
            dtype=np.float32,
        ),
    }  # fmt: skip
    histories = {}
    for name, net in nets.items():
        trainer = Trainer(
            net, x_small, t_small, x_test, t_test, epochs=epochs,
            mini_batch_size=batch_size, optimizer="sgd", optimizer_param={"lr": lr},
            rng=seed,
        )  # fmt: skip
        histories[name] = trainer.train()
    return histories
