"""Chapter 6, section 6.5: a random search for the learning rate and the weight decay."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

__all__ = ["Trial", "hyperparameter_search"]


@dataclass(frozen=True)
class Trial:
    r"""One trial of a hyperparameter search.

    Attributes
    ----------
    lr, weight_decay : float
        The sampled learning rate and weight-decay $\lambda$.
    val_acc, train_acc : list of float
        Accuracy on the validation and the training data, before training and after
        each epoch.
    """

    lr: float
    weight_decay: float
    val_acc: list[float]
    train_acc: list[float]


def hyperparameter_search(
    x_train: np.ndarray,
    t_train: np.ndarray,
    *,
    trials: int = 100,
    epochs: int = 50,
    n_data: int = 500,
    validation_rate: float = 0.2,
    lr_exponents: tuple[float, float] = (-6, -2),
    weight_decay_exponents: tuple[float, float] = (-8, -4),
    hidden_size_list: Sequence[int] = (100,) * 6,
    rng: np.random.Generator | int | None = 0,
) -> list[Trial]:
    r"""Sample learning rates and weight decays at random; judge them on validation data.

    The first `n_data` training images are shuffled and split: `validation_rate` of
    them are held back as validation data, the rest train. Each trial draws
    $\text{lr} = 10^{U(a, b)}$ and $\lambda = 10^{U(c, d)}$ (log-uniform), trains
    `MultiLayerNet(784, [100] * 6, 10)` (float32) by SGD, and records its accuracies.
    The test data is not touched.

    Book: chapter 6, section 6.5.3 (`ch06/hyperparameter_optimization.py`, figure 6-24).

    Parameters
    ----------
    x_train, t_train : ndarray
        MNIST training data.
    trials, epochs : int
        The book's 100 trials of 50 epochs.
    n_data : int, default=500
        Images used (training and validation together).
    validation_rate : float, default=0.2
        Share held back for validation.
    lr_exponents, weight_decay_exponents : (float, float)
        Ranges of the base-10 exponents: the book's $10^{-6}$-$10^{-2}$ and
        $10^{-8}$-$10^{-4}$.
    hidden_size_list : sequence of int, default=(100,) * 6
        The hidden layers.
    rng : numpy.random.Generator or int, default=0
        Source of the split, the samples, the weights and the mini-batches.

    Returns
    -------
    list of Trial
        Best first (by the final validation accuracy).

    Examples
    --------
    >>> import numpy as np
    >>> from nnbook.experiments import hyperparameter_search
    >>> rng = np.random.default_rng(0)
    >>> x, t = rng.random((50, 20), dtype=np.float32), rng.integers(0, 10, 50)
    >>> found = hyperparameter_search(x, t, trials=3, epochs=1, n_data=50,
    ...                               hidden_size_list=[8])
    >>> print(len(found), all(1e-6 <= trial.lr <= 1e-2 for trial in found))
    3 True
    >>> print(found[0].val_acc[-1] >= found[-1].val_acc[-1])
    True
    """
    from nnbook.models import MultiLayerNet
    from nnbook.trainer import Trainer

    rng = np.random.default_rng(rng)
    order = rng.permutation(n_data)
    x_data, t_data = x_train[:n_data][order], t_train[:n_data][order]
    n_val = int(n_data * validation_rate)
    x_val, t_val = x_data[:n_val], t_data[:n_val]
    x_fit, t_fit = x_data[n_val:], t_data[n_val:]
    found = []
    for _ in range(trials):
        weight_decay = 10 ** rng.uniform(*weight_decay_exponents)
        lr = 10 ** rng.uniform(*lr_exponents)
        net = MultiLayerNet(
            x_fit.shape[1], list(hidden_size_list), 10, weight_decay_lambda=weight_decay,
            rng=rng, dtype=np.float32,
        )  # fmt: skip
        trainer = Trainer(
            net, x_fit, t_fit, x_val, t_val, epochs=epochs, mini_batch_size=100,
            optimizer="sgd", optimizer_param={"lr": lr}, rng=rng,
        )  # fmt: skip
        trainer.train()
        found.append(
            Trial(float(lr), float(weight_decay), list(trainer.test_acc_list),
                  list(trainer.train_acc_list))
        )  # fmt: skip
    found.sort(key=lambda trial: trial.val_acc[-1], reverse=True)
    return found
