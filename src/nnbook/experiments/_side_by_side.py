"""Chapter 6, sections 6.1.8 and 6.2.4: networks trained side by side, same batches."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from nnbook.optimizers import Optimizer

__all__ = ["Comparison", "compare_optimizers", "compare_weight_inits", "train_side_by_side"]


@dataclass(frozen=True)
class Comparison:
    """Networks trained side by side: the loss of each iteration, the final accuracy.

    Attributes
    ----------
    losses : dict of str to list of float
        Name to the mini-batch loss of every iteration (computed on the way to the
        gradient, before the update).
    test_acc : dict of str to float
        Name to the accuracy on the test data after training.
    """

    losses: dict[str, list[float]]
    test_acc: dict[str, float]

    def final_loss(self, last: int = 100) -> dict[str, float]:
        """Return each network's mean loss over its `last` iterations."""
        return {k: float(np.mean(v[-last:])) for k, v in self.losses.items()}


def train_side_by_side(
    networks: Mapping[str, object],
    optimizers: Mapping[str, Optimizer] | Optimizer,
    x_train: np.ndarray,
    t_train: np.ndarray,
    *,
    iterations: int,
    batch_size: int,
    rng: np.random.Generator | int | None = 0,
) -> dict[str, list[float]]:
    """Train several networks on the same random mini-batches; return their losses.

    At every iteration one mini-batch is drawn (with replacement, as the book does), and
    every network takes one step on it, so differences between the curves come from the
    networks and optimizers alone.

    Book: chapter 6, sections 6.1.8 and 6.2.4 (`optimizer_compare_mnist.py`,
    `weight_init_compare.py`).

    Parameters
    ----------
    networks : mapping of str to Network
        Name to network (trained in place).
    optimizers : mapping of str to Optimizer, or one Optimizer
        Each network's optimizer, by the same names, or one (stateless, like `SGD`)
        shared by all.
    x_train, t_train : ndarray
        Training data.
    iterations, batch_size : int
        Steps, and samples per step.
    rng : numpy.random.Generator or int, default=0
        Source of the mini-batches.

    Returns
    -------
    dict of str to list of float
        Name to the loss of every iteration.

    Examples
    --------
    >>> import numpy as np
    >>> from nnbook.experiments import train_side_by_side
    >>> from nnbook.models import MultiLayerNet
    >>> from nnbook.optimizers import SGD, Adam
    >>> rng = np.random.default_rng(0)
    >>> x, t = rng.random((40, 6)), rng.integers(0, 2, 40)
    >>> nets = {name: MultiLayerNet(6, [8], 2, rng=1) for name in ("SGD", "Adam")}
    >>> losses = train_side_by_side(nets, {"SGD": SGD(), "Adam": Adam()}, x, t,
    ...                             iterations=5, batch_size=8)
    >>> print({name: len(values) for name, values in losses.items()})
    {'SGD': 5, 'Adam': 5}
    """
    if isinstance(optimizers, Optimizer):
        optimizers = dict.fromkeys(networks, optimizers)
    missing = [name for name in networks if name not in optimizers]
    if missing:
        raise ValueError(
            f"no optimizer for {missing}: give one per network, or one for all"
        )
    rng = np.random.default_rng(rng)
    losses: dict[str, list[float]] = {name: [] for name in networks}
    for _ in range(iterations):
        batch = rng.integers(0, len(x_train), batch_size)
        x_batch, t_batch = x_train[batch], t_train[batch]
        for name, net in networks.items():
            grads = net.gradient(x_batch, t_batch)
            optimizers[name].update(net.params, grads)
            losses[name].append(float(net.last_loss))
    return losses


def _deep_net(n_in: int, hidden_size_list, weight_init_std, seed: int):
    from nnbook.models import MultiLayerNet

    return MultiLayerNet(
        n_in, list(hidden_size_list), 10, weight_init_std=weight_init_std, rng=seed,
        dtype=np.float32,
    )  # fmt: skip


def compare_optimizers(
    x_train: np.ndarray,
    t_train: np.ndarray,
    x_test: np.ndarray,
    t_test: np.ndarray,
    *,
    optimizers: Mapping[str, Optimizer] | None = None,
    iterations: int = 2000,
    batch_size: int = 128,
    hidden_size_list: Sequence[int] = (100,) * 4,
    network_seed: int = 1,
    rng: np.random.Generator | int | None = 0,
) -> Comparison:
    """Train the same five-layer MNIST network with several optimizers.

    `MultiLayerNet(784, [100] * 4, 10)` with ReLU and He's initial weights, float32;
    every copy starts from the same weights (`network_seed`) and sees the same
    mini-batches.

    Book: chapter 6, section 6.1.8 (`ch06/optimizer_compare_mnist.py`, figure 6-9).

    Parameters
    ----------
    x_train, t_train, x_test, t_test : ndarray
        MNIST (flattened, normalized), labels or one-hot.
    optimizers : mapping of str to Optimizer, optional
        Default: SGD, Momentum, AdaGrad and Adam at their default learning rates (as
        the book).
    iterations : int, default=2000
        Steps.
    batch_size : int, default=128
        Samples per step.
    hidden_size_list : sequence of int, default=(100,) * 4
        The hidden layers.
    network_seed : int, default=1
        Seed of the initial weights, the same for every optimizer.
    rng : numpy.random.Generator or int, default=0
        Source of the mini-batches.

    Returns
    -------
    Comparison

    Examples
    --------
    A toy stand-in for MNIST (20 features, 10 classes):

    >>> import numpy as np
    >>> from nnbook.experiments import compare_optimizers
    >>> rng = np.random.default_rng(0)
    >>> x, t = rng.random((50, 20), dtype=np.float32), rng.integers(0, 10, 50)
    >>> result = compare_optimizers(x, t, x, t, iterations=3, batch_size=10,
    ...                             hidden_size_list=[8])
    >>> print(list(result.losses), len(result.losses["Adam"]))
    ['SGD', 'Momentum', 'AdaGrad', 'Adam'] 3
    """
    from nnbook.optimizers import SGD, AdaGrad, Adam, Momentum

    if optimizers is None:
        optimizers = {
            "SGD": SGD(),
            "Momentum": Momentum(),
            "AdaGrad": AdaGrad(),
            "Adam": Adam(),
        }
    n_in = x_train.shape[1]
    networks = {
        name: _deep_net(n_in, hidden_size_list, "relu", network_seed) for name in optimizers
    }
    losses = train_side_by_side(
        networks, optimizers, x_train, t_train,
        iterations=iterations, batch_size=batch_size, rng=rng,
    )  # fmt: skip
    accuracy = {name: float(net.accuracy(x_test, t_test)) for name, net in networks.items()}
    return Comparison(losses, accuracy)


def compare_weight_inits(
    x_train: np.ndarray,
    t_train: np.ndarray,
    x_test: np.ndarray,
    t_test: np.ndarray,
    *,
    inits: Mapping[str, float | str] | None = None,
    lr: float = 0.01,
    iterations: int = 2000,
    batch_size: int = 128,
    hidden_size_list: Sequence[int] = (100,) * 4,
    network_seed: int = 1,
    rng: np.random.Generator | int | None = 0,
) -> Comparison:
    """Train the five-layer MNIST network from several initial weight scales, by SGD.

    Book: chapter 6, section 6.2.4 (`ch06/weight_init_compare.py`, figure 6-15).

    Parameters
    ----------
    x_train, t_train, x_test, t_test : ndarray
        MNIST.
    inits : mapping of str to float or str, optional
        Name to `weight_init_std` (a number, `'xavier'` or `'he'`). Default: the book's
        std 0.01, Xavier and He.
    lr : float, default=0.01
        SGD's learning rate.
    iterations, batch_size, hidden_size_list, network_seed, rng
        As for [`compare_optimizers`][nnbook.experiments.compare_optimizers].

    Returns
    -------
    Comparison

    Examples
    --------
    >>> import numpy as np
    >>> from nnbook.experiments import compare_weight_inits
    >>> rng = np.random.default_rng(0)
    >>> x, t = rng.random((50, 20), dtype=np.float32), rng.integers(0, 10, 50)
    >>> result = compare_weight_inits(x, t, x, t, iterations=3, batch_size=10,
    ...                               hidden_size_list=[8])
    >>> print(list(result.test_acc))
    ['std = 0.01', 'Xavier', 'He']
    """
    from nnbook.optimizers import SGD

    if inits is None:
        inits = {"std = 0.01": 0.01, "Xavier": "xavier", "He": "he"}
    n_in = x_train.shape[1]
    networks = {
        name: _deep_net(n_in, hidden_size_list, init, network_seed)
        for name, init in inits.items()
    }
    losses = train_side_by_side(
        networks, SGD(lr=lr), x_train, t_train,
        iterations=iterations, batch_size=batch_size, rng=rng,
    )  # fmt: skip
    accuracy = {name: float(net.accuracy(x_test, t_test)) for name, net in networks.items()}
    return Comparison(losses, accuracy)
