"""Optimizers with a per-parameter step size: AdaGrad, RMSprop, Adam (book section 6.1)."""

from __future__ import annotations

import math

import numpy as np

from nnbook.optimizers._base import Optimizer

__all__ = ["AdaGrad", "Adam", "RMSprop"]

#: Added to the square root in the denominator, as in the book's code, so that a
#: parameter whose gradients have all been zero does not divide by zero.
EPS = 1e-7


def _scaled_step(param: np.ndarray, lr: float, num: np.ndarray, sq: np.ndarray) -> None:
    """Do `param -= lr * num / (sqrt(sq) + EPS)` with as few temporaries as possible."""
    step = lr * num
    denom = np.sqrt(sq)
    denom += EPS
    step /= denom
    param -= step


class AdaGrad(Optimizer):
    r"""AdaGrad: shrink each parameter's step by the history of its squared gradients.

    Book: chapter 6, section 6.1.5.

    Parameters
    ----------
    lr : float, default=0.01
        Learning rate $\eta$.

    Attributes
    ----------
    h : dict of str to ndarray
        Running sum of squared gradients per parameter, created as zeros on first use.

    Notes
    -----
    $h \leftarrow h + g \odot g$, then
    $W \leftarrow W - \eta\, g / (\sqrt{h} + \epsilon)$ with $\epsilon = 10^{-7}$
    added outside the square root, as in the book's code (the book's text omits it).

    Examples
    --------
    >>> import numpy as np
    >>> from nnbook.optimizers import AdaGrad
    >>> params = {"x": np.array([1.0])}
    >>> AdaGrad(lr=0.01).update(params, {"x": np.array([0.5])})
    >>> print(params["x"].tolist())
    [0.9900000019999996]
    """

    _state_names = ("h",)

    def __init__(self, lr: float = 0.01) -> None:
        super().__init__(lr)
        self.h: dict[str, np.ndarray] = {}

    def _step(self, key: str, param: np.ndarray, grad: np.ndarray) -> None:
        h = self._state(self.h, key, param)
        h += grad * grad
        _scaled_step(param, self.lr, grad, h)


class RMSprop(Optimizer):
    r"""RMSprop: AdaGrad with an exponentially decaying memory of squared gradients.

    Book: chapter 6, section 6.1.5 (mentioned in the text, listed in the code).

    Parameters
    ----------
    lr : float, default=0.01
        Learning rate $\eta$.
    decay_rate : float, default=0.99
        How much of the old average is kept each step, $\rho$.

    Attributes
    ----------
    h : dict of str to ndarray
        Moving average of squared gradients per parameter, created as zeros.

    Notes
    -----
    $h \leftarrow \rho h + (1 - \rho)\, g \odot g$, then
    $W \leftarrow W - \eta\, g / (\sqrt{h} + \epsilon)$, $\epsilon = 10^{-7}$.
    Because $h$ starts at zero and is not bias-corrected, the first steps are large:
    about $\eta / \sqrt{1 - \rho} = 10\,\eta$ with the defaults (see the example).

    Examples
    --------
    >>> import numpy as np
    >>> from nnbook.optimizers import RMSprop
    >>> params = {"x": np.array([1.0])}
    >>> RMSprop(lr=0.01).update(params, {"x": np.array([0.5])})
    >>> print(params["x"].tolist())
    [0.9000001999996]
    """

    _state_names = ("h",)

    def __init__(self, lr: float = 0.01, decay_rate: float = 0.99) -> None:
        super().__init__(lr)
        self.decay_rate = decay_rate
        self.h: dict[str, np.ndarray] = {}

    def _step(self, key: str, param: np.ndarray, grad: np.ndarray) -> None:
        h = self._state(self.h, key, param)
        h *= self.decay_rate
        h += (1 - self.decay_rate) * grad * grad
        _scaled_step(param, self.lr, grad, h)


class Adam(Optimizer):
    r"""Adam: momentum and RMSprop-style scaling together, with bias correction.

    Book: chapter 6, section 6.1.6.

    Parameters
    ----------
    lr : float, default=0.001
        Learning rate $\alpha$.
    beta1 : float, default=0.9
        Decay of the first moment (mean of gradients).
    beta2 : float, default=0.999
        Decay of the second moment (mean of squared gradients).

    Attributes
    ----------
    m, v : dict of str to ndarray
        First and second moment estimates per parameter, created as zeros on first use.
    iter : int
        Number of `update` calls so far (the $t$ of the bias correction).

    Notes
    -----
    $m \leftarrow m + (1-\beta_1)(g - m)$, $v \leftarrow v + (1-\beta_2)(g^2 - v)$, and

    $$W \leftarrow W - \alpha_t \frac{m}{\sqrt{v} + \epsilon}, \qquad
    \alpha_t = \alpha \frac{\sqrt{1 - \beta_2^t}}{1 - \beta_1^t}, \qquad
    \epsilon = 10^{-7}.$$

    This is the book's code, which folds the bias correction into the step size, as in
    section 2 of Kingma and Ba (arXiv:1412.6980). The usual textbook form
    $\hat m / (\sqrt{\hat v} + \epsilon)$ with $\hat m = m / (1 - \beta_1^t)$,
    $\hat v = v / (1 - \beta_2^t)$ differs only in where $\epsilon$ sits: here it is
    effectively $\epsilon \sqrt{1 - \beta_2^t}$, so tiny in the first steps.

    Examples
    --------
    The first step moves each parameter by almost exactly `lr`, whatever the gradient's
    size.

    >>> import numpy as np
    >>> from nnbook.optimizers import Adam
    >>> params = {"p": np.array([1.0, -2.0])}
    >>> Adam(lr=0.001).update(params, {"p": np.array([0.5, -0.1])})
    >>> print(params["p"].tolist())
    [0.9990000063245154, -1.9990000316217766]
    """

    _state_names = ("m", "v")

    def __init__(self, lr: float = 0.001, beta1: float = 0.9, beta2: float = 0.999) -> None:
        super().__init__(lr)
        self.beta1 = beta1
        self.beta2 = beta2
        self.iter = 0
        self.m: dict[str, np.ndarray] = {}
        self.v: dict[str, np.ndarray] = {}
        self._lr_t = lr

    def _begin_step(self) -> None:
        self.iter += 1
        t = self.iter
        self._lr_t = self.lr * math.sqrt(1.0 - self.beta2**t) / (1.0 - self.beta1**t)

    def _step(self, key: str, param: np.ndarray, grad: np.ndarray) -> None:
        m = self._state(self.m, key, param)
        v = self._state(self.v, key, param)
        m += (1 - self.beta1) * (grad - m)
        v += (1 - self.beta2) * (grad * grad - v)
        _scaled_step(param, self._lr_t, m, v)
