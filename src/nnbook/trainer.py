"""Training loops: the book's chapter 4-5 loop and chapter 6's `Trainer`, one history."""

from __future__ import annotations

import math
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np

from nnbook.optimizers import Optimizer, get_optimizer

__all__ = [
    "Trainer",
    "TrainingDiverged",
    "TrainingHistory",
    "shuffle_dataset",
    "train_neuralnet",
]


def shuffle_dataset(
    x: np.ndarray, t: np.ndarray, *, rng: np.random.Generator | int | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Return `x` and `t` reordered by one random permutation of their rows.

    The book's helper (`common/util.py`), used before splitting off a validation set
    (section 6.5.1). The book draws the permutation from NumPy's global random state
    (`np.random.permutation`); here it comes from `rng`, so a seed makes it repeatable
    and nothing else's randomness is disturbed. Inputs of any rank are accepted.

    Book: chapter 6, section 6.5.1 (`hyperparameter_optimization.py`).

    Parameters
    ----------
    x : ndarray of shape (N, ...)
        Inputs.
    t : ndarray of shape (N,) or (N, C)
        Targets.
    rng : numpy.random.Generator or int, optional
        Random source, or a seed.

    Returns
    -------
    (ndarray, ndarray)
        New arrays; the inputs are not changed.

    Examples
    --------
    >>> import numpy as np
    >>> from nnbook.trainer import shuffle_dataset
    >>> x, t = np.arange(10).reshape(5, 2), np.arange(5)
    >>> xs, ts = shuffle_dataset(x, t, rng=0)
    >>> print(ts, np.array_equal(xs[:, 0] // 2, ts))
    [2 4 3 0 1] True
    """
    if len(x) != len(t):
        raise ValueError(f"x and t differ in length: {len(x)} and {len(t)}")
    permutation = np.random.default_rng(rng).permutation(len(x))
    return x[permutation], t[permutation]


class _Network(Protocol):
    params: dict[str, np.ndarray]

    def gradient(self, x: np.ndarray, t: np.ndarray) -> dict[str, np.ndarray]: ...

    def loss(self, x: np.ndarray, t: np.ndarray) -> float: ...

    def accuracy(self, x: np.ndarray, t: np.ndarray) -> float: ...


class TrainingDiverged(FloatingPointError):
    """The training loss or gradient became NaN or infinite; raised by `Trainer`.

    The update of that step is not applied: the parameters are those before it.
    """


@dataclass(repr=False)
class TrainingHistory:
    """What a training run records, under the book's names; both training loops fill it.

    [`train_neuralnet`][nnbook.trainer.train_neuralnet] (chapters 4-5) and
    [`Trainer`][nnbook.trainer.Trainer] (chapter 6 on) return this one type, and
    [`plot_training_history`][nnbook.plotting.plot_training_history] draws it.

    Attributes
    ----------
    train_loss_list : list of float
        The mini-batch loss of every iteration.
    train_acc_list, test_acc_list : list of float
        Accuracies on the training and test data, measured at the iterations in
        `acc_iterations`.
    acc_iterations : list of int
        How many updates had been made when each accuracy was measured.
    iter_per_epoch : int
        Iterations per epoch.
    final_train_acc, final_test_acc : float
        Accuracies at the end of the run (NaN until then).
    seconds : float
        Wall time of the run, evaluations included.

    Examples
    --------
    >>> from nnbook.trainer import TrainingHistory
    >>> history = TrainingHistory(iter_per_epoch=2)
    >>> history.train_loss_list += [2.3, 1.1, 0.9, 0.6]
    >>> history.record_accuracy(4, 0.81, 0.79)
    >>> print(history.epochs(), history.train_acc_list, history.test_acc_list)
    [2.0] [0.81] [0.79]
    """

    train_loss_list: list[float] = field(default_factory=list)
    train_acc_list: list[float] = field(default_factory=list)
    test_acc_list: list[float] = field(default_factory=list)
    acc_iterations: list[int] = field(default_factory=list)
    iter_per_epoch: int = 1
    final_train_acc: float = float("nan")
    final_test_acc: float = float("nan")
    seconds: float = 0.0

    def record_accuracy(self, iteration: int, train_acc: float, test_acc: float) -> None:
        """Append one pair of accuracies measured after `iteration` updates."""
        self.acc_iterations.append(int(iteration))
        self.train_acc_list.append(float(train_acc))
        self.test_acc_list.append(float(test_acc))

    def epochs(self) -> list[float]:
        """Return the epoch (updates / `iter_per_epoch`) of each accuracy measurement."""
        return [i / self.iter_per_epoch for i in self.acc_iterations]

    def __repr__(self) -> str:
        return (
            f"TrainingHistory({len(self.train_loss_list)} iterations, "
            f"{len(self.train_acc_list)} accuracy points, final train "
            f"{self.final_train_acc:.4f}, test {self.final_test_acc:.4f})"
        )


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
    history : TrainingHistory
        What the run records; `train` returns it.
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
    >>> history = trainer.train()
    >>> print(history)
    TrainingHistory(150 iterations, 11 accuracy points, final train 0.9467, test 0.9800)
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
        if len(x_train) == 0:
            raise ValueError(
                "x_train is empty: Trainer needs at least one training sample (and "
                "mini_batch_size of them for a full batch)"
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
        self.history = TrainingHistory(iter_per_epoch=self.iter_per_epoch)
        self._order: np.ndarray | None = None

    # The book's attribute names, kept in the one history type.
    @property
    def train_loss_list(self) -> list[float]:
        """The loss of every iteration (`history.train_loss_list`)."""
        return self.history.train_loss_list

    @property
    def train_acc_list(self) -> list[float]:
        """Training accuracy before training and after each epoch."""
        return self.history.train_acc_list

    @property
    def test_acc_list(self) -> list[float]:
        """Test accuracy before training and after each epoch."""
        return self.history.test_acc_list

    def _evaluate(self) -> None:
        n = self.evaluate_sample_num_per_epoch
        sl = slice(None) if n is None else slice(n)
        with np.errstate(all="ignore"):
            train_acc = self.network.accuracy(self.x_train[sl], self.t_train[sl])
            test_acc = self.network.accuracy(self.x_test[sl], self.t_test[sl])
        self.history.record_accuracy(self.current_iter, train_acc, test_acc)

    def _batch_indices(self) -> np.ndarray:
        k = self.current_iter % self.iter_per_epoch
        if k == 0:
            self._order = self.rng.permutation(self.train_size)
        assert self._order is not None
        return self._order[k * self.batch_size : (k + 1) * self.batch_size]

    def _diverged(self, loss: float, grads: Mapping[str, np.ndarray], x_batch) -> None:
        """Raise `TrainingDiverged` naming the cause if the loss or a gradient is bad."""
        bad = [k for k, g in grads.items() if not np.all(np.isfinite(g))]
        if math.isfinite(loss) and not bad:
            return
        where = (
            f"at iteration {self.current_iter} (epoch {self.current_epoch + 1}); the "
            "update was not applied, the parameters are those before this step"
        )
        x = np.asarray(x_batch)
        if np.issubdtype(x.dtype, np.floating) and not np.all(np.isfinite(x)):
            rows = np.unique(np.nonzero(~np.isfinite(x.reshape(len(x), -1)))[0])
            raise TrainingDiverged(
                f"the mini-batch contains NaN or infinite inputs (rows {rows[:5].tolist()} "
                f"of this batch) {where}. The data is bad, not the step: clean it, e.g. "
                "x_train = np.nan_to_num(x_train), or drop those samples"
            )
        params = [k for k, p in self.network.params.items() if not np.all(np.isfinite(p))]
        what = f"loss ({loss})" if not math.isfinite(loss) else f"gradient of {bad}"
        if params:
            what += f" (parameters {params} were already not finite)"
        lr = getattr(self.optimizer, "lr", None)
        raise TrainingDiverged(
            f"the {what} became NaN or infinite {where}. The step diverged: try a "
            f"smaller learning rate than lr={lr}, or a smaller weight scale"
        )

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
            If the loss or a gradient is NaN or infinite; the update is then not
            applied, and the message says whether the data or the step is to blame.
        """
        if not self.history.train_acc_list:
            self._evaluate()
        idx = self._batch_indices()
        x_batch, t_batch = self.x_train[idx], self.t_train[idx]
        net = self.network
        save = getattr(net, "_save_moving_averages", None)
        saved = save() if save is not None else None
        # Overflow is reported below as one clear error instead of NumPy warnings.
        with np.errstate(all="ignore"):
            grads = net.gradient(x_batch, t_batch)
            loss = getattr(net, "last_loss", None)
            if loss is None:
                loss = net.loss(x_batch, t_batch)
            loss = float(loss)
            try:
                self._diverged(loss, grads, x_batch)
            except TrainingDiverged:
                if saved is not None:  # the failed step's BatchNorm statistics too
                    net._restore_moving_averages(saved)
                raise
            self.optimizer.update(net.params, grads)
        self.history.train_loss_list.append(loss)
        self.current_iter += 1
        if self.current_iter % self.iter_per_epoch == 0:
            self.current_epoch += 1
            self._evaluate()
        return loss

    def train(self) -> TrainingHistory:
        """Run all `max_iter` iterations (what is left of them), updating the history.

        Returns
        -------
        TrainingHistory
            `history`, with `final_train_acc` and `final_test_acc` set: the last
            epoch's accuracies, measured on all the data.

        Raises
        ------
        TrainingDiverged
            If the loss or a gradient becomes NaN or infinite.
        """
        start = time.perf_counter()
        remaining = range(self.current_iter, self.max_iter)
        if not self.verbose:
            for _ in remaining:
                self.train_step()
        else:
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
        history = self.history
        if not history.train_acc_list:
            self._evaluate()
        if self.evaluate_sample_num_per_epoch is None:
            history.final_train_acc = history.train_acc_list[-1]
            history.final_test_acc = history.test_acc_list[-1]
        else:
            with np.errstate(all="ignore"):
                history.final_train_acc = self.network.accuracy(self.x_train, self.t_train)
                history.final_test_acc = self.network.accuracy(self.x_test, self.t_test)
        history.seconds += time.perf_counter() - start
        return history


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
        The book's `train_loss_list`, `train_acc_list`, `test_acc_list`, with
        `acc_iterations` (0, `iter_per_epoch`, ...), the final accuracies and the time.

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
    >>> from nnbook.models import TwoLayerNet
    >>> from nnbook.trainer import train_neuralnet
    >>> rng = np.random.default_rng(0)
    >>> x = rng.standard_normal((200, 2))
    >>> t = (x[:, 0] * x[:, 1] > 0).astype(int)
    >>> net = TwoLayerNet(2, 16, 2, weight_init_std=1.0, rng=0)
    >>> history = train_neuralnet(net, x, t, x, t, iters_num=400, batch_size=20,
    ...                           learning_rate=0.5, rng=1)
    >>> print(len(history.train_loss_list), history.acc_iterations[:3],
    ...       history.final_train_acc > 0.9)
    400 [1, 11, 21] True
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
        history.train_loss_list.append(float(net.loss(x_batch, t_batch)))

        if i % iter_per_epoch == 0:
            history.record_accuracy(
                i + 1, net.accuracy(x_train, t_train), net.accuracy(x_test, t_test)
            )
            if verbose:
                print(
                    "train acc, test acc | "
                    f"{history.train_acc_list[-1]}, {history.test_acc_list[-1]}"
                )

    history.final_train_acc = net.accuracy(x_train, t_train)
    history.final_test_acc = net.accuracy(x_test, t_test)
    history.seconds = time.perf_counter() - start
    return history
