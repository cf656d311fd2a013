"""Optimizers of chapter 6: SGD, Momentum, Nesterov, AdaGrad, RMSprop, Adam.

Parameter updates (パラメータの更新, section 6.1). Each optimizer has the book's
`update(params, grads)`, which changes the arrays of `params` in place (they are shared
with the network's layers) and creates its per-parameter state the first time it sees a
key. `get_optimizer("adam", lr=0.001)` picks one by name.
"""

from nnbook.optimizers._adaptive import AdaGrad, Adam, RMSprop
from nnbook.optimizers._base import Optimizer
from nnbook.optimizers._factory import OPTIMIZERS, get_optimizer
from nnbook.optimizers._momentum import SGD, Momentum, Nesterov
from nnbook.optimizers._path import optimizer_path

__all__ = [
    "OPTIMIZERS",
    "SGD",
    "AdaGrad",
    "Adam",
    "Momentum",
    "Nesterov",
    "Optimizer",
    "RMSprop",
    "get_optimizer",
    "optimizer_path",
]
