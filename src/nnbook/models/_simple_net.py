"""The book's smallest learning example: 2x3 weights and a softmax (chapter 4.4.2)."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from nnbook.activations import softmax
from nnbook.losses import cross_entropy_error

__all__ = ["SimpleNet"]


class SimpleNet:
    r"""One-layer network $y = \mathrm{softmax}(xW)$ with 2x3 weights, to differentiate.

    The book's `simpleNet` (renamed in class-name style). It exists to show that the
    gradient of the loss with respect to a weight *matrix* is a matrix of the same shape.

    Book: chapter 4, section 4.4.2.

    Parameters
    ----------
    W : ndarray of shape (2, 3), optional
        Weights, kept by reference. Default: drawn from a standard Gaussian with `rng`.
    rng : numpy.random.Generator or int, optional
        Random source (or seed) for the default weights.

    Attributes
    ----------
    W : ndarray of shape (2, 3)
        The weights (also `params["W"]`, the same array).

    Notes
    -----
    The book's trick for the gradient, `numerical_gradient(lambda w: net.loss(x, t),
    net.W)`, works here too: see
    [`numerical_gradient`][nnbook.gradient.numerical_gradient] for why.

    Examples
    --------
    With the weights the book happened to draw:

    >>> import numpy as np
    >>> from nnbook.gradient import numerical_gradient
    >>> from nnbook.models import SimpleNet
    >>> net = SimpleNet(np.array([[0.47355232, 0.9977393, 0.84668094],
    ...                           [0.85557411, 0.03563661, 0.69422093]]))
    >>> x = np.array([0.6, 0.9])
    >>> p = net.predict(x)
    >>> print(p)
    [1.05414809 0.63071653 1.1328074 ]
    >>> print(np.argmax(p))
    2
    >>> t = np.array([0, 0, 1])
    >>> print(net.loss(x, t))
    0.9280682857864075
    >>> dW = numerical_gradient(lambda w: net.loss(x, t), net.W)
    >>> print(dW)
    [[ 0.21924757  0.14356243 -0.36281   ]
     [ 0.32887136  0.21534364 -0.544215  ]]
    """

    def __init__(
        self, W: np.ndarray | None = None, *, rng: np.random.Generator | int | None = None
    ) -> None:
        if W is None:
            W = np.random.default_rng(rng).standard_normal((2, 3))
        if W.shape != (2, 3):
            raise ValueError(f"expected W of shape (2, 3), got {W.shape}")
        self.params = {"W": W}

    @property
    def W(self) -> np.ndarray:
        """The weight matrix, `params["W"]`."""
        return self.params["W"]

    def predict(self, x: ArrayLike) -> np.ndarray:
        """Return the scores $xW$.

        Parameters
        ----------
        x : array_like of shape (2,) or (N, 2)

        Returns
        -------
        ndarray of shape (3,) or (N, 3)
        """
        return np.asarray(x) @ self.W

    def loss(self, x: ArrayLike, t: ArrayLike):
        """Return the cross-entropy of `softmax(predict(x))` against `t`.

        Parameters
        ----------
        x : array_like of shape (2,) or (N, 2)
        t : array_like
            One-hot targets of shape (3,) or (N, 3), or labels.

        Returns
        -------
        scalar
        """
        return cross_entropy_error(softmax(self.predict(x)), t)
