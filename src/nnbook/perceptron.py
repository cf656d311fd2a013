"""Perceptrons (パーセプトロン) and the logic gates of chapter 2.

A perceptron weighs its inputs, adds a bias and fires (outputs 1) when the sum is
positive. With the right weights one perceptron is an AND, NAND or OR gate; XOR needs
two layers of them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

__all__ = ["AND", "NAND", "OR", "XOR", "Perceptron"]


@dataclass(frozen=True)
class Perceptron:
    r"""A single perceptron with weights `w` and bias `b`: fires when $w \cdot x + b > 0$.

    Book: chapter 2, sections 2.1 and 2.3.2.

    Parameters
    ----------
    w : array_like of shape (D,)
        Weights (重み): how much each input counts.
    b : float
        Bias (バイアス): how easily the perceptron fires. A bias $b$ is the threshold
        $\theta$ of section 2.1 moved to the other side, $b = -\theta$.

    Notes
    -----
    Section 2.1 writes the rule with a threshold,
    $y = 1$ if $w_1 x_1 + w_2 x_2 > \theta$, else $0$; from section 2.3.2 on the book
    uses a bias, $y = 1$ if $b + w_1 x_1 + w_2 x_2 > 0$, else $0$. The two are the same
    rule with $b = -\theta$; use
    [`from_threshold`][nnbook.perceptron.Perceptron.from_threshold] for the first form.

    Calling the perceptron evaluates it on one input `(D,)` or a batch `(N, D)` and
    returns Python ints (one input) or an int array (a batch).

    Examples
    --------
    >>> from nnbook.perceptron import Perceptron
    >>> gate = Perceptron(w=[0.5, 0.5], b=-0.7)
    >>> print([gate([x1, x2]) for x1, x2 in [(0, 0), (1, 0), (0, 1), (1, 1)]])
    [0, 0, 0, 1]
    """

    w: tuple[float, ...]
    b: float

    def __init__(self, w: ArrayLike, b: float) -> None:
        object.__setattr__(self, "w", tuple(float(v) for v in np.ravel(w)))
        object.__setattr__(self, "b", float(b))

    @classmethod
    def from_threshold(cls, w: ArrayLike, theta: float) -> Perceptron:
        r"""Build the perceptron that fires when $w \cdot x > \theta$ (section 2.1).

        Parameters
        ----------
        w : array_like of shape (D,)
            Weights.
        theta : float
            Threshold (閾値) the weighted sum must exceed.

        Returns
        -------
        Perceptron
            The same rule written with a bias, `b = -theta`.

        Examples
        --------
        With weights (0.5, 0.5), a threshold of 0.7 makes an AND gate, but 0.4 makes an
        OR gate: (1, 0) already gives 0.5 > 0.4.

        >>> from nnbook.perceptron import Perceptron
        >>> inputs = [(0, 0), (1, 0), (0, 1), (1, 1)]
        >>> for theta in (0.7, 0.4):
        ...     p = Perceptron.from_threshold([0.5, 0.5], theta)
        ...     print(theta, [p(x) for x in inputs])
        0.7 [0, 0, 0, 1]
        0.4 [0, 1, 1, 1]
        """
        return cls(w, -float(theta))

    def __call__(self, x: ArrayLike) -> int | np.ndarray:
        r"""Return 1 where $w \cdot x + b > 0$, else 0, for one input or a batch."""
        x = np.asarray(x, dtype=np.float64)
        w = np.asarray(self.w)
        if x.shape[-1:] != w.shape:
            raise ValueError(
                f"expected input of shape ({w.size},) or (N, {w.size}) for a perceptron "
                f"with {w.size} weights, got {x.shape}"
            )
        fired = (x @ w + self.b > 0).astype(int)
        return int(fired) if fired.ndim == 0 else fired


_AND = Perceptron(w=[0.5, 0.5], b=-0.7)
_NAND = Perceptron(w=[-0.5, -0.5], b=0.7)
_OR = Perceptron(w=[0.5, 0.5], b=-0.2)


def AND(x1: float, x2: float) -> int:
    """Return `x1` AND `x2` computed by one perceptron (w = (0.5, 0.5), b = -0.7).

    Book: chapter 2, sections 2.2.1 and 2.3.2.

    Parameters
    ----------
    x1, x2 : {0, 1}
        The two input signals.

    Returns
    -------
    int
        1 only when both inputs are 1.

    Examples
    --------
    >>> from nnbook.perceptron import AND
    >>> print([AND(x1, x2) for x1, x2 in [(0, 0), (1, 0), (0, 1), (1, 1)]])
    [0, 0, 0, 1]
    """
    return _AND([x1, x2])


def NAND(x1: float, x2: float) -> int:
    """Return NOT (`x1` AND `x2`): AND with every weight and the bias negated.

    Book: chapter 2, sections 2.2.2 and 2.3.3.

    Parameters
    ----------
    x1, x2 : {0, 1}
        The two input signals.

    Returns
    -------
    int
        0 only when both inputs are 1.

    Examples
    --------
    >>> from nnbook.perceptron import NAND
    >>> print([NAND(x1, x2) for x1, x2 in [(0, 0), (1, 0), (0, 1), (1, 1)]])
    [1, 1, 1, 0]
    """
    return _NAND([x1, x2])


def OR(x1: float, x2: float) -> int:
    """Return `x1` OR `x2` computed by one perceptron (w = (0.5, 0.5), b = -0.2).

    Book: chapter 2, sections 2.2.2 and 2.3.3.

    Parameters
    ----------
    x1, x2 : {0, 1}
        The two input signals.

    Returns
    -------
    int
        1 when at least one input is 1.

    Examples
    --------
    >>> from nnbook.perceptron import OR
    >>> print([OR(x1, x2) for x1, x2 in [(0, 0), (1, 0), (0, 1), (1, 1)]])
    [0, 1, 1, 1]
    """
    return _OR([x1, x2])


def XOR(x1: float, x2: float) -> int:
    """Return `x1` XOR `x2` with a two-layer perceptron: AND(NAND(x), OR(x)).

    No single perceptron computes XOR: its 1s and 0s cannot be split by one straight
    line (they are not linearly separable). Stacking perceptrons can: the first layer
    computes NAND and OR, the second ANDs them.

    Book: chapter 2, sections 2.4 and 2.5.

    Parameters
    ----------
    x1, x2 : {0, 1}
        The two input signals.

    Returns
    -------
    int
        1 when exactly one input is 1.

    Examples
    --------
    >>> from nnbook.perceptron import XOR
    >>> print([XOR(x1, x2) for x1, x2 in [(0, 0), (1, 0), (0, 1), (1, 1)]])
    [0, 1, 1, 0]
    """
    return AND(NAND(x1, x2), OR(x1, x2))
