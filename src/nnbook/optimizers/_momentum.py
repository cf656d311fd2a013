"""Plain and momentum gradient descent: SGD, Momentum, Nesterov (book section 6.1)."""

from __future__ import annotations

import numpy as np

from nnbook.optimizers._base import Optimizer

__all__ = ["SGD", "Momentum", "Nesterov"]


class SGD(Optimizer):
    r"""Stochastic gradient descent (確率的勾配降下法): step against the gradient.

    Book: chapter 6, section 6.1.2.

    Parameters
    ----------
    lr : float, default=0.01
        Learning rate $\eta$.

    Notes
    -----
    $W \leftarrow W - \eta \, \partial L / \partial W$. No state.

    Examples
    --------
    >>> import numpy as np
    >>> from nnbook.optimizers import SGD
    >>> params = {"x": np.array([1.0])}
    >>> SGD(lr=0.01).update(params, {"x": np.array([0.5])})
    >>> print(params["x"].tolist())
    [0.995]
    """

    def __init__(self, lr: float = 0.01) -> None:
        super().__init__(lr)

    def _step(self, key: str, param: np.ndarray, grad: np.ndarray) -> None:
        param -= self.lr * grad


class Momentum(Optimizer):
    r"""Momentum SGD: a velocity that gathers past gradients, like a ball rolling downhill.

    Book: chapter 6, section 6.1.4.

    Parameters
    ----------
    lr : float, default=0.01
        Learning rate $\eta$.
    momentum : float, default=0.9
        Decay $\alpha$ of the velocity (the book's "friction").

    Attributes
    ----------
    v : dict of str to ndarray
        The velocity of each parameter, created as zeros on its first update.

    Notes
    -----
    $v \leftarrow \alpha v - \eta \, \partial L / \partial W$, then
    $W \leftarrow W + v$.

    Examples
    --------
    Two steps with the gradient 0.5: the second moves further than the first.

    >>> import numpy as np
    >>> from nnbook.optimizers import Momentum
    >>> params, grads = {"x": np.array([1.0])}, {"x": np.array([0.5])}
    >>> opt = Momentum(lr=0.01)
    >>> opt.update(params, grads)
    >>> opt.update(params, grads)
    >>> print(params["x"].tolist())
    [0.9855]
    """

    _state_names = ("v",)

    def __init__(self, lr: float = 0.01, momentum: float = 0.9) -> None:
        super().__init__(lr)
        self.momentum = momentum
        self.v: dict[str, np.ndarray] = {}

    def _step(self, key: str, param: np.ndarray, grad: np.ndarray) -> None:
        v = self._state(self.v, key, param)
        v *= self.momentum
        v -= self.lr * grad
        param += v


class Nesterov(Optimizer):
    r"""Nesterov's accelerated gradient: momentum that corrects with a look-ahead.

    The book lists this variant in its code (`common/optimizer.py`) without deriving it
    in the text.

    Book: chapter 6, section 6.1 (code only).

    Parameters
    ----------
    lr : float, default=0.01
        Learning rate $\eta$.
    momentum : float, default=0.9
        Decay $\mu$ of the velocity.

    Attributes
    ----------
    v : dict of str to ndarray
        The velocity of each parameter, created as zeros on its first update.

    Notes
    -----
    The form of Bengio, Boulanger-Lewandowski and Pascanu (2012, arXiv:1212.0901,
    eq. 7), which the book cites: with the previous velocity $v$ and gradient $g$,

    $$W \leftarrow W + \mu^2 v - (1 + \mu)\,\eta\, g, \qquad
    v \leftarrow \mu v - \eta\, g.$$

    The book's code updates $v$ first and then adds $\mu^2$ times the *new* velocity,
    which amounts to
    $W \leftarrow W + \mu^3 v - (1 + \mu + \mu^2)\,\eta\, g$: a larger effective step
    than the paper's. On the example below it gives 0.969255 instead of 0.97695.
    We follow the paper.

    Examples
    --------
    >>> import numpy as np
    >>> from nnbook.optimizers import Nesterov
    >>> params, grads = {"x": np.array([1.0])}, {"x": np.array([0.5])}
    >>> opt = Nesterov(lr=0.01)
    >>> opt.update(params, grads)
    >>> opt.update(params, grads)
    >>> print(params["x"].tolist())
    [0.9769500000000001]
    """

    _state_names = ("v",)

    def __init__(self, lr: float = 0.01, momentum: float = 0.9) -> None:
        super().__init__(lr)
        self.momentum = momentum
        self.v: dict[str, np.ndarray] = {}

    def _step(self, key: str, param: np.ndarray, grad: np.ndarray) -> None:
        v = self._state(self.v, key, param)
        mu = self.momentum
        param += mu * mu * v
        param -= (1 + mu) * self.lr * grad
        v *= mu
        v -= self.lr * grad
