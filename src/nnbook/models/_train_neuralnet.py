"""The book's mini-batch training loop of chapters 4 and 5 (`train_neuralnet.py`)."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

__all__ = ["TrainingHistory", "train_neuralnet"]


@dataclass
class TrainingHistory:
    """What [`train_neuralnet`][nnbook.models.train_neuralnet] records.

    Attributes
    ----------
    train_loss : list of float
        Mini-batch loss after each iteration's update (one entry per iteration).
    epochs : list of int
        The iterations (0-based) after which accuracies were measured.
    train_acc, test_acc : list of float
        Accuracy on the whole training and test sets at each entry of `epochs`.
    final_train_acc, final_test_acc : float
        Accuracies after the last iteration.
    iter_per_epoch : int
        Iterations per epoch, `train_size // batch_size`.
    seconds : float
        Wall time of the whole run, evaluations included.
    """

    train_loss: list[float] = field(default_factory=list)
    epochs: list[int] = field(default_factory=list)
    train_acc: list[float] = field(default_factory=list)
    test_acc: list[float] = field(default_factory=list)
    final_train_acc: float = float("nan")
    final_test_acc: float = float("nan")
    iter_per_epoch: int = 0
    seconds: float = 0.0


def train_neuralnet(
    net,
    x_train: np.ndarray,
    t_train: np.ndarray,
    x_test: np.ndarray,
    t_test: np.ndarray,
    *,
    iters_num: int = 10_000,
    batch_size: int = 100,
    learning_rate: float = 0.1,
    numerical: bool = False,
    rng: np.random.Generator | int | None = None,
    verbose: bool = False,
) -> TrainingHistory:
    """Train `net` by plain SGD on random mini-batches, recording loss and accuracies.

    Each iteration draws `batch_size` training samples at random (with replacement, as
    `np.random.choice` does in the book), computes the gradient, and updates every
    parameter in place: `params[key] -= learning_rate * grad[key]`. Once per epoch the
    accuracy on the whole training and test sets is measured.

    Book: chapter 4, sections 4.5.2-4.5.3 (`ch04/train_neuralnet.py`) and chapter 5,
    section 5.7.4 (`ch05/train_neuralnet.py`).

    Parameters
    ----------
    net : SigmoidTwoLayerNet or TwoLayerNet
        Anything with `params`, `loss`, `accuracy`, `gradient` and
        `numerical_gradient`.
    x_train, t_train : ndarray
        Training inputs (N, D) and targets (N,) or (N, C).
    x_test, t_test : ndarray
        Test inputs and targets.
    iters_num : int, default=10_000
        Number of updates.
    batch_size : int, default=100
        Mini-batch size.
    learning_rate : float, default=0.1
        SGD step size.
    numerical : bool, default=False
        Use `net.numerical_gradient` instead of `net.gradient` (very slow: about a
        minute per iteration for 784-50-10; the book leaves it commented out).
    rng : numpy.random.Generator or int, optional
        Random source (or seed) for the mini-batches.
    verbose : bool, default=False
        Print the book's line `train acc, test acc | ...` at each epoch.

    Returns
    -------
    TrainingHistory

    Notes
    -----
    Accuracies are measured after the updates of iterations 0, `iter_per_epoch`,
    `2 * iter_per_epoch`, ..., as in the book (17 points for 10,000 iterations of 100
    from 60,000 samples), and once more after the last iteration.
    The chapter-6 `Trainer` generalises this loop (other optimizers, epochs by count).

    Examples
    --------
    A toy problem, only to show the call (MNIST runs are in the chapter pages):

    >>> import numpy as np
    >>> from nnbook.models import TwoLayerNet, train_neuralnet
    >>> rng = np.random.default_rng(0)
    >>> x = rng.standard_normal((200, 2))
    >>> t = (x[:, 0] * x[:, 1] > 0).astype(int)
    >>> net = TwoLayerNet(2, 16, 2, weight_init_std=1.0, rng=0)
    >>> history = train_neuralnet(net, x, t, x, t, iters_num=400, batch_size=20,
    ...                           learning_rate=0.5, rng=1)
    >>> print(len(history.train_loss), history.epochs[:3], history.final_train_acc > 0.9)
    400 [0, 10, 20] True
    """
    rng = np.random.default_rng(rng)
    start = time.perf_counter()
    train_size = x_train.shape[0]
    iter_per_epoch = max(train_size // batch_size, 1)
    history = TrainingHistory(iter_per_epoch=iter_per_epoch)
    gradient = net.numerical_gradient if numerical else net.gradient

    for i in range(iters_num):
        batch_mask = rng.choice(train_size, batch_size)
        x_batch, t_batch = x_train[batch_mask], t_train[batch_mask]
        grad = gradient(x_batch, t_batch)
        for key, param in net.params.items():
            param -= learning_rate * grad[key]
        history.train_loss.append(float(net.loss(x_batch, t_batch)))

        if i % iter_per_epoch == 0:
            history.epochs.append(i)
            history.train_acc.append(net.accuracy(x_train, t_train))
            history.test_acc.append(net.accuracy(x_test, t_test))
            if verbose:
                print(
                    f"train acc, test acc | {history.train_acc[-1]}, {history.test_acc[-1]}"
                )

    history.final_train_acc = net.accuracy(x_train, t_train)
    history.final_test_acc = net.accuracy(x_test, t_test)
    history.seconds = time.perf_counter() - start
    return history
