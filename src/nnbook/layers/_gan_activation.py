r"""Activation layers the GAN needs beyond the book: leaky ReLU and tanh."""

from __future__ import annotations

import numpy as np

from nnbook.layers._base import Layer

__all__ = ["LeakyRelu", "Tanh"]


class LeakyRelu(Layer):
    r"""Leaky ReLU layer: $y = x$ for $x > 0$, $y = \alpha x$ otherwise.

    ReLU with a small slope $\alpha$ on the negative side, so that a unit whose input
    is negative still passes some gradient back. A GAN's discriminator uses it: the
    generator learns only through the discriminator's gradient with respect to its
    input, and plain ReLUs would block that gradient wherever they are off.

    Book: not in the book; ReLU is chapter 5, section 5.5.1.

    Parameters
    ----------
    alpha : float, default=0.2
        Slope for negative inputs (0 gives the book's `Relu`; 0.2 is the usual value
        in GANs since Radford et al., 2015).

    Notes
    -----
    $\frac{\partial y}{\partial x} = 1$ if $x > 0$, else $\alpha$. As in `Relu`,
    `forward` keeps the boolean mask of $x \le 0$ in `mask`, and `backward` returns a
    new array instead of writing into `dout`. The forward pass computes
    $\max(x, \alpha x)$, which is the same for $0 \le \alpha < 1$.

    Examples
    --------
    >>> import numpy as np
    >>> from nnbook.layers import LeakyRelu
    >>> layer = LeakyRelu(alpha=0.2)
    >>> print(layer.forward(np.array([[1.0, -0.5], [-2.0, 3.0]])))
    [[ 1.  -0.1]
     [-0.4  3. ]]
    >>> print(layer.backward(np.array([[10.0, 20.0], [30.0, 40.0]])))
    [[10.  4.]
     [ 6. 40.]]
    """

    def __init__(self, alpha: float = 0.2) -> None:
        super().__init__()
        alpha = float(alpha)
        if not 0.0 <= alpha < 1.0:
            raise ValueError(
                f"alpha is the slope for negative inputs and must be in [0, 1), got "
                f"{alpha}; 0.2 is the usual value"
            )
        self.alpha = alpha
        self.mask: np.ndarray | None = None

    def forward(self, x: np.ndarray, train_flg: bool = True) -> np.ndarray:
        """Return `x` where positive and `alpha * x` elsewhere.

        Parameters
        ----------
        x : ndarray of any shape
            Input.
        train_flg : bool, default=True
            Ignored.

        Returns
        -------
        ndarray of the same shape and dtype as `x`
        """
        x = self._check_input(x)
        self.mask = x <= 0
        # max(x, alpha x) is x for x > 0 and alpha x otherwise, since 0 <= alpha < 1.
        return np.maximum(x, x * x.dtype.type(self.alpha))

    def backward(self, dout: np.ndarray) -> np.ndarray:
        """Return `dout` scaled by `alpha` where the input was not positive.

        Parameters
        ----------
        dout : ndarray of the shape of the forward output
            Gradient of the loss with respect to the output.

        Returns
        -------
        ndarray of the same shape
            Gradient with respect to `x`.
        """
        (mask,) = self._require("mask")
        self._check_dout(dout, mask.shape)
        # The slope 1 - (1 - alpha) * mask by arithmetic: np.where on a boolean mask
        # is many times slower.
        slope = mask.astype(dout.dtype)
        slope *= dout.dtype.type(self.alpha - 1.0)
        slope += 1
        slope *= dout
        return slope


class Tanh(Layer):
    r"""Tanh layer: $y = \tanh x$ forward, $dx = dout \cdot (1 - y^2)$ backward.

    The hyperbolic tangent squashes any input into (−1, 1): a GAN's generator ends with
    it, and its images are scaled to [−1, 1] to match.

    Book: not in the book; the sigmoid layer, its cousin, is chapter 5, section 5.5.2
    ($\tanh x = 2\sigma(2x) - 1$).

    Notes
    -----
    $\frac{\partial y}{\partial x} = 1 - \tanh^2 x = 1 - y^2$, so `forward` keeps its
    output in `out`, like `Sigmoid`, and `backward` needs nothing else.
    `np.tanh` cannot overflow.

    Examples
    --------
    >>> import numpy as np
    >>> from nnbook.layers import Tanh
    >>> layer = Tanh()
    >>> print(layer.forward(np.array([[0.0, 1.0, -1000.0]])))
    [[ 0.          0.76159416 -1.        ]]
    >>> print(layer.backward(np.array([[1.0, 1.0, 1.0]])))
    [[1.         0.41997434 0.        ]]
    """

    def __init__(self) -> None:
        super().__init__()
        self.out: np.ndarray | None = None

    def forward(self, x: np.ndarray, train_flg: bool = True) -> np.ndarray:
        """Return the tanh of `x` elementwise.

        Parameters
        ----------
        x : ndarray of any shape
            Input.
        train_flg : bool, default=True
            Ignored.

        Returns
        -------
        ndarray of the same shape and dtype as `x`
        """
        self.out = out = np.tanh(self._check_input(x))
        return out

    def backward(self, dout: np.ndarray) -> np.ndarray:
        """Return `dout * (1 - y**2)`, with `y` the forward output.

        Parameters
        ----------
        dout : ndarray of the shape of the forward output
            Gradient of the loss with respect to the output.

        Returns
        -------
        ndarray of the same shape
            Gradient with respect to `x`.
        """
        (out,) = self._require("out")
        self._check_dout(dout, out.shape)
        return dout * (1.0 - out * out)
