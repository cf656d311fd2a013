"""Choose an optimizer by name, as the book's `Trainer` does."""

from __future__ import annotations

from typing import Any

from nnbook.optimizers._adaptive import AdaGrad, Adam, RMSprop
from nnbook.optimizers._base import Optimizer
from nnbook.optimizers._momentum import SGD, Momentum, Nesterov

__all__ = ["OPTIMIZERS", "get_optimizer"]

OPTIMIZERS: dict[str, type[Optimizer]] = {
    "sgd": SGD,
    "momentum": Momentum,
    "nesterov": Nesterov,
    "adagrad": AdaGrad,
    "rmsprop": RMSprop,
    "adam": Adam,
}
"""The optimizer classes by lower-case name, as `get_optimizer` looks them up."""


def get_optimizer(optimizer: str | Optimizer, **hyperparams: Any) -> Optimizer:
    """Return an optimizer given its name (any case) and hyperparameters, or an instance.

    Book: chapter 6, section 6.1 (`common/trainer.py` picks its optimizer this way).

    Parameters
    ----------
    optimizer : {'sgd', 'momentum', 'nesterov', 'adagrad', 'rmsprop', 'adam'} or Optimizer
        A name, case-insensitive (`"SGD"`, `"Adam"`...), or a ready optimizer, which is
        returned unchanged.
    **hyperparams
        Keyword arguments for the class, e.g. `lr=0.01`. Not allowed with an instance.

    Returns
    -------
    Optimizer

    Raises
    ------
    ValueError
        For an unknown name, or hyperparameters given together with an instance.
    TypeError
        For a hyperparameter the class does not take.

    Examples
    --------
    >>> from nnbook.optimizers import get_optimizer
    >>> print(get_optimizer("Adam", lr=0.01))
    Adam(lr=0.01, beta1=0.9, beta2=0.999)
    >>> print(get_optimizer("sgd"))
    SGD(lr=0.01)
    """
    if isinstance(optimizer, Optimizer):
        if hyperparams:
            raise ValueError(
                f"got an optimizer instance ({optimizer!r}) and hyperparameters "
                f"{hyperparams}; set them on the instance, or pass its name instead"
            )
        return optimizer
    if not isinstance(optimizer, str):
        raise TypeError(f"optimizer must be a name or an Optimizer, got {optimizer!r}")
    try:
        cls = OPTIMIZERS[optimizer.lower()]
    except KeyError:
        raise ValueError(
            f"unknown optimizer {optimizer!r}; choose one of {sorted(OPTIMIZERS)} "
            "or pass an Optimizer instance"
        ) from None
    return cls(**hyperparams)
