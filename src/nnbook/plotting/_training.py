"""Figures of chapters 4.5 and 5.7.4: the loss per iteration and the accuracy per epoch."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from nnbook.plotting._accuracy import plot_accuracy_curves
from nnbook.plotting._smoothing import smooth_curve
from nnbook.plotting._style import PAGE_WIDTH

__all__ = ["plot_training_history"]


def plot_training_history(history, *, title: str | None = None) -> Figure:
    """Draw a training run: loss per iteration (left) and accuracy per epoch (right).

    The loss of each mini-batch is drawn faintly, with a smoothed curve over it; the
    accuracy on the whole training and test sets is drawn once per epoch. Curves that
    stay together mean the network generalises rather than memorises (no overfitting).

    Book: chapter 4, section 4.5.2-4.5.3 (figures 4-11 and 4-12) and chapter 5,
    section 5.7.4.

    Parameters
    ----------
    history : TrainingHistory
        What [`train_neuralnet`][nnbook.trainer.train_neuralnet] and
        [`Trainer.train`][nnbook.trainer.Trainer.train] return (anything with
        `train_loss_list`, `train_acc_list`, `test_acc_list`).
    title : str, optional
        Title of the figure.

    Returns
    -------
    Figure
        With two axes: loss, then accuracy.

    Examples
    --------
    >>> from nnbook.plotting import plot_training_history
    >>> from nnbook.trainer import TrainingHistory
    >>> history = TrainingHistory(train_loss_list=[2.3, 1.5, 0.9, 0.7],
    ...                           train_acc_list=[0.5, 0.9], test_acc_list=[0.5, 0.88])
    >>> fig = plot_training_history(history, title="toy run")
    >>> print([ax.get_xlabel() for ax in fig.axes], [ax.get_ylabel() for ax in fig.axes])
    ['iterations', 'epochs'] ['loss', 'accuracy']
    """
    fig, (ax_loss, ax_acc) = plt.subplots(
        1, 2, figsize=(PAGE_WIDTH, 3.4), layout="constrained"
    )
    loss = np.asarray(history.train_loss_list, dtype=float)
    iterations = np.arange(len(loss))
    ax_loss.plot(
        iterations, loss, color="tab:blue", alpha=0.3, linewidth=0.6, label="batch"
    )
    if len(loss) > 1:
        ax_loss.plot(iterations, smooth_curve(loss), color="tab:blue", label="smoothed")
    ax_loss.set_xlabel("iterations")
    ax_loss.set_ylabel("loss")
    ax_loss.set_title("training loss per iteration")
    ax_loss.grid(alpha=0.3)
    ax_loss.legend(loc="upper right")
    plot_accuracy_curves(
        {"train acc": history.train_acc_list, "test acc": history.test_acc_list},
        ax=ax_acc,
        title="accuracy per epoch",
    )
    if title:
        fig.suptitle(title)
    return fig
