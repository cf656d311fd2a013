"""Training loop of chapter 6: epochs of mini-batches, an optimizer, and a history."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any, Protocol

import numpy as np

from nnbook.optimizers import Optimizer, get_optimizer

__all__ = ["Trainer", "TrainingDiverged"]


class _Network(Protocol):
    params: dict[str, np.ndarray]

    def gradient(self, x: np.ndarray, t: np.ndarray) -> dict[str, np.ndarray]: ...

    def loss(self, x: np.ndarray, t: np.ndarray) -> float: ...

    def accuracy(self, x: np.ndarray, t: np.ndarray) -> float: ...


class TrainingDiverged(FloatingPointError):
    """The training loss became NaN or infinite; raised by `Trainer`."""


class Trainer:
    """Train a network with mini-batches for a number of epochs, recording its progress.

    Each epoch visits the training set in a new random order, in mini-batches of
    `mini_batch_size`; every iteration computes the gradient, lets the optimizer update
    `network.params` in place and records the loss. After each epoch the accuracy on
    the training and test data is recorded.

    Book: chapter 6, section 6.4.1 and after (`common/trainer.py`).

    Parameters
    ----------
    network : object
        Has `params`, `gradient(x, t)`, `loss(x, t)` and `accuracy(x, t)`, like
        [`MultiLayerNet`][nnbook.models.MultiLayerNet].
    x_train, t_train : ndarray of shape (N, ...) and (N,) or (N, C)
        Training data.
    x_test, t_test : ndarray
        Test (or validation) data, used only for the accuracy history.
    epochs : int, default=20
        Passes over the training data.
    mini_batch_size : int, default=100
        Samples per iteration.
    optimizer : str or Optimizer, default='SGD'
        A name for [`get_optimizer`][nnbook.optimizers.get_optimizer] or an instance.
    optimizer_param : dict, optional
        Hyperparameters for a named optimizer; default `{'lr': 0.01}`.
    evaluate_sample_num_per_epoch : int, optional
        Measure the per-epoch accuracies on the first this-many training and test
        samples only (faster); all of them when None.
    verbose : bool, default=False
        Show a progress bar (tqdm) with the latest loss and accuracies.
    rng : numpy.random.Generator or int or None
        Source of the shuffling, or a seed.

    Attributes
    ----------
    train_loss_list : list of float
        The loss of every iteration.
    train_acc_list, test_acc_list : list of float
        Accuracy before training (entry 0) and after each epoch: `epochs + 1` entries.
    iter_per_epoch : int
        `max(N // mini_batch_size, 1)`.
    max_iter : int
        `epochs * iter_per_epoch`.
    current_iter, current_epoch : int
        Iterations and epochs done so far.

    Raises
    ------
    TrainingDiverged
        (a `FloatingPointError`) from `train`/`train_step` when the loss becomes NaN or
        infinite, naming the iteration; usually the learning rate is too large.

    Notes
    -----
    Differences from the book's `Trainer`: the book draws every mini-batch at random
    with replacement (`np.random.choice`), so within an epoch some samples are seen
    twice and others not at all; here each epoch is a random permutation cut into
    `N // mini_batch_size` batches (a remainder smaller than a batch is left out of
    that epoch). The book records its first accuracies after one iteration and then
    every epoch (`epochs` entries); here they are recorded before any training and
    after each epoch (`epochs + 1` entries, entry $i$ after $i$ epochs). The loss
    recorded for an iteration is the one computed on the way to the gradient (before
    the update) when the network keeps it in `last_loss`, as `MultiLayerNet` does;
    otherwise `network.loss` is called after the update, as in the book. The book
    prints every loss when `verbose`; we draw a progress bar. The book evaluates the
    test accuracy once more after training; `test_acc_list[-1]` already is that value
    when `evaluate_sample_num_per_epoch` is None.

    Examples
    --------
    Four clouds of points around the corners of a square, learnt by a tiny network:

    >>> import numpy as np
    >>> from nnbook.models import MultiLayerNet
    >>> from nnbook.trainer import Trainer
    >>> rng = np.random.default_rng(4)
    >>> t = rng.integers(0, 4, 200)
    >>> corners = np.array([[0, 0], [0, 4], [4, 0], [4, 4]])
    >>> x = rng.standard_normal((200, 2)) + corners[t]
    >>> net = MultiLayerNet(2, [16], 4, rng=rng)
    >>> trainer = Trainer(net, x[:150], t[:150], x[150:], t[150:], epochs=10,
    ...                   mini_batch_size=10, optimizer="adam",
    ...                   optimizer_param={"lr": 0.01}, rng=rng)
    >>> trainer.train()
    >>> print(len(trainer.train_loss_list), len(trainer.test_acc_list))
    150 11
    >>> print(trainer.test_acc_list[0], "->", trainer.test_acc_list[-1])
    0.2 -> 0.98
    """

    def __init__(
        self,
        network: _Network,
        x_train: np.ndarray,
        t_train: np.ndarray,
        x_test: np.ndarray,
        t_test: np.ndarray,
        epochs: int = 20,
        mini_batch_size: int = 100,
        optimizer: str | Optimizer = "SGD",
        optimizer_param: Mapping[str, Any] | None = None,
        evaluate_sample_num_per_epoch: int | None = None,
        verbose: bool = False,
        *,
        rng: np.random.Generator | int | None = None,
    ) -> None:
        if len(x_train) != len(t_train) or len(x_test) != len(t_test):
            raise ValueError(
                f"inputs and targets differ in length: x_train {len(x_train)}, t_train "
                f"{len(t_train)}, x_test {len(x_test)}, t_test {len(t_test)}"
            )
        if mini_batch_size < 1 or epochs < 0:
            raise ValueError(
                f"need mini_batch_size >= 1 and epochs >= 0, got {mini_batch_size} and "
                f"{epochs}"
            )
        self.network = network
        self.x_train, self.t_train = x_train, t_train
        self.x_test, self.t_test = x_test, t_test
        self.epochs = epochs
        self.batch_size = mini_batch_size
        self.evaluate_sample_num_per_epoch = evaluate_sample_num_per_epoch
        self.verbose = verbose
        self.rng = np.random.default_rng(rng)
        if isinstance(optimizer, Optimizer):
            self.optimizer = get_optimizer(optimizer, **dict(optimizer_param or {}))
        else:
            params = {"lr": 0.01} if optimizer_param is None else dict(optimizer_param)
            self.optimizer = get_optimizer(optimizer, **params)

        self.train_size = len(x_train)
        self.iter_per_epoch = max(self.train_size // mini_batch_size, 1)
        self.max_iter = epochs * self.iter_per_epoch
        self.current_iter = 0
        self.current_epoch = 0
        self.train_loss_list: list[float] = []
        self.train_acc_list: list[float] = []
        self.test_acc_list: list[float] = []
        self._order: np.ndarray | None = None

    def _evaluate(self) -> None:
        n = self.evaluate_sample_num_per_epoch
        sl = slice(None) if n is None else slice(n)
        with np.errstate(all="ignore"):
            train_acc = self.network.accuracy(self.x_train[sl], self.t_train[sl])
            test_acc = self.network.accuracy(self.x_test[sl], self.t_test[sl])
        self.train_acc_list.append(float(train_acc))
        self.test_acc_list.append(float(test_acc))

    def _batch_indices(self) -> np.ndarray:
        k = self.current_iter % self.iter_per_epoch
        if k == 0:
            self._order = self.rng.permutation(self.train_size)
        assert self._order is not None
        return self._order[k * self.batch_size : (k + 1) * self.batch_size]

    def train_step(self) -> float:
        """Run one iteration: a mini-batch, its gradient, an update; return the loss.

        The accuracies are evaluated when the iteration completes an epoch (and before
        the very first one).

        Returns
        -------
        float
            The loss recorded for this iteration.

        Raises
        ------
        TrainingDiverged
            If the loss is NaN or infinite.
        """
        if not self.train_acc_list:
            self._evaluate()
        idx = self._batch_indices()
        x_batch, t_batch = self.x_train[idx], self.t_train[idx]
        net = self.network
        # Overflow is reported below as one clear error instead of NumPy warnings.
        with np.errstate(all="ignore"):
            grads = net.gradient(x_batch, t_batch)
            loss = getattr(net, "last_loss", None)
            self.optimizer.update(net.params, grads)
            if loss is None:
                loss = net.loss(x_batch, t_batch)
        loss = float(loss)
        if not math.isfinite(loss):
            lr = getattr(self.optimizer, "lr", None)
            raise TrainingDiverged(
                f"the training loss became {loss} at iteration {self.current_iter} "
                f"(epoch {self.current_epoch + 1}); the parameters have blown up. "
                f"Try a smaller learning rate than lr={lr}, or a smaller weight scale."
            )
        self.train_loss_list.append(loss)
        self.current_iter += 1
        if self.current_iter % self.iter_per_epoch == 0:
            self.current_epoch += 1
            self._evaluate()
        return loss

    def train(self) -> None:
        """Run all `max_iter` iterations (what is left of them), updating the history.

        Raises
        ------
        TrainingDiverged
            If the loss becomes NaN or infinite.
        """
        remaining = range(self.current_iter, self.max_iter)
        if not self.verbose:
            for _ in remaining:
                self.train_step()
            if not self.train_acc_list:
                self._evaluate()
            return
        from tqdm.auto import tqdm

        with tqdm(remaining, desc=type(self.network).__name__, unit="it") as bar:
            for _ in bar:
                loss = self.train_step()
                bar.set_postfix(
                    epoch=self.current_epoch,
                    loss=f"{loss:.3f}",
                    train_acc=f"{self.train_acc_list[-1]:.3f}",
                    test_acc=f"{self.test_acc_list[-1]:.3f}",
                    refresh=False,
                )
