r"""The two-layer network of chapters 4 and 5: 784-50-10 on MNIST.

Two classes, because the book writes this network twice:

- [`SigmoidTwoLayerNet`][nnbook.models.SigmoidTwoLayerNet] is chapter 4's version
  (`ch04/two_layer_net.py`): a sigmoid hidden layer. The book writes it as plain
  formulas with a gradient derived by hand; its point is the numerical gradient.
- [`TwoLayerNet`][nnbook.models.TwoLayerNet] is chapter 5's version
  (`ch05/two_layer_net.py`): a ReLU hidden layer, built from layers (`Affine1`,
  `Relu1`, `Affine2`, `last_layer`), with the gradient from backpropagation. This is the
  one later chapters build on, so it keeps the book's plain name.

Both are [`Network`][nnbook.models.Network]s with the same parameters (`W1`, `b1`,
`W2`, `b2`) and the same methods (`predict`, `loss`, `accuracy`, `numerical_gradient`,
`gradient`), so the book's training loop runs with either.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import DTypeLike

from nnbook.initializers import init_weight
from nnbook.layers import Affine, Relu, Sigmoid, SoftmaxWithLoss
from nnbook.models._network import Network, check_float_dtype

__all__ = ["SigmoidTwoLayerNet", "TwoLayerNet"]


class _TwoLayerNet(Network):
    """What both versions share: Affine1 → activation → Affine2 → SoftmaxWithLoss."""

    _activation: type = Relu

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        output_size: int,
        weight_init_std: float | str = 0.01,
        *,
        rng: np.random.Generator | int | None = None,
        dtype: DTypeLike = np.float64,
    ) -> None:
        dtype = check_float_dtype(dtype)
        rng = np.random.default_rng(rng)
        W1 = init_weight((input_size, hidden_size), weight_init_std, rng=rng, dtype=dtype)
        W2 = init_weight((hidden_size, output_size), weight_init_std, rng=rng, dtype=dtype)
        act = self._activation
        layers = {
            "Affine1": Affine(W1, np.zeros(hidden_size, dtype=dtype)),
            f"{act.__name__}1": act(),
            "Affine2": Affine(W2, np.zeros(output_size, dtype=dtype)),
        }
        super().__init__(layers, SoftmaxWithLoss(), dtype=dtype)

    def __repr__(self) -> str:
        d, h = self.params["W1"].shape
        c = self.params["W2"].shape[1]
        return f"{type(self).__name__}({d}-{h}-{c}, dtype={self.dtype})"


class SigmoidTwoLayerNet(_TwoLayerNet):
    r"""Chapter 4's two-layer network: affine, sigmoid, affine, softmax.

    Book: chapter 4, section 4.5.1 (`TwoLayerNet` in `ch04/two_layer_net.py`).

    Parameters
    ----------
    input_size, hidden_size, output_size : int
        Layer widths, e.g. 784, 50, 10.
    weight_init_std : float or {'relu', 'he', 'sigmoid', 'xavier'}, default=0.01
        Standard deviation of the initial Gaussian weights (biases start at 0).
    rng : numpy.random.Generator or int, optional
        Random source (or seed) for the initial weights.
    dtype : dtype, default=float64
        Parameters' dtype; float32 trains faster, float64 for gradient checks.

    Attributes
    ----------
    params : dict of str to ndarray
        `W1` (D, H), `b1` (H,), `W2` (H, C), `b2` (C,).
    layers : dict of str to Layer
        `Affine1`, `Sigmoid1`, `Affine2`.

    Notes
    -----
    Named `SigmoidTwoLayerNet` here so that the plain name `TwoLayerNet` can go to
    chapter 5's layered version, which the later chapters use. Forward:
    $a_1 = xW_1 + b_1$, $z_1 = \sigma(a_1)$, $y = \mathrm{softmax}(z_1 W_2 + b_2)$.
    The book's `gradient` is a "fast version" derived by hand, explained only in
    chapter 5:

    $$\delta_2 = \frac{y - t}{N},\ \ \nabla W_2 = z_1^\top \delta_2,\ \
    \delta_1 = (\delta_2 W_2^\top) \odot \sigma(a_1)(1 - \sigma(a_1)),\ \
    \nabla W_1 = x^\top \delta_1,$$

    and the bias gradients are the column sums of $\delta_2$ and $\delta_1$. These are
    exactly the steps backpropagation takes through `Affine2`, `Sigmoid1` and
    `Affine1`, so here the network is built from those layers and the
    [`Network`][nnbook.models.Network] core computes them (to the last bit: the same
    operations in the same order). Two differences from the book's listing: `predict`
    returns the scores before softmax, as every later network does (`accuracy` is
    unchanged, softmax keeps the order), and the loss is computed from log-softmax,
    without the $10^{-7}$ guard (see [`SoftmaxWithLoss`][nnbook.layers.SoftmaxWithLoss]).
    `accuracy` and `gradient` also accept integer labels.

    Examples
    --------
    >>> import numpy as np
    >>> from nnbook.models import SigmoidTwoLayerNet
    >>> net = SigmoidTwoLayerNet(input_size=784, hidden_size=100, output_size=10, rng=0)
    >>> print({key: value.shape for key, value in net.params.items()})
    {'W1': (784, 100), 'b1': (100,), 'W2': (100, 10), 'b2': (10,)}
    >>> x = np.random.default_rng(1).random((100, 784))
    >>> t = np.arange(100) % 10
    >>> grads = net.gradient(x, t)
    >>> print({key: value.shape for key, value in grads.items()})
    {'W1': (784, 100), 'b1': (100,), 'W2': (100, 10), 'b2': (10,)}
    """

    _activation = Sigmoid


class TwoLayerNet(_TwoLayerNet):
    r"""Chapter 5's two-layer network, built from layers and trained by backpropagation.

    `Affine1` → `Relu1` → `Affine2` → `last_layer` (`SoftmaxWithLoss`). The layers hold
    the very arrays of `params`, so updating `params` in place updates the layers.

    Book: chapter 5, section 5.7.2 (`ch05/two_layer_net.py`).

    Parameters
    ----------
    input_size, hidden_size, output_size : int
        Layer widths, e.g. 784, 50, 10.
    weight_init_std : float or {'relu', 'he', 'sigmoid', 'xavier'}, default=0.01
        Standard deviation of the initial Gaussian weights (biases start at 0).
    rng : numpy.random.Generator or int, optional
        Random source (or seed) for the initial weights.
    dtype : dtype, default=float64
        Parameters' dtype; float32 trains faster, float64 for gradient checks.

    Attributes
    ----------
    params : dict of str to ndarray
        `W1` (D, H), `b1` (H,), `W2` (H, C), `b2` (C,).
    layers : dict of str to Layer
        `Affine1`, `Relu1`, `Affine2`, in order.
    last_layer : SoftmaxWithLoss
        The loss layer (the book's `lastLayer`).

    Notes
    -----
    `gradient` runs `loss` (forward), then `backward` through `last_layer` and the
    layers in reverse order, and collects each Affine layer's `grads`. The result agrees
    with `numerical_gradient` to about 1e-10 in mean absolute difference (section
    5.7.3) and is thousands of times faster to compute.

    Examples
    --------
    >>> import numpy as np
    >>> from nnbook.models import TwoLayerNet
    >>> net = TwoLayerNet(input_size=784, hidden_size=50, output_size=10, rng=0)
    >>> print(list(net.layers))
    ['Affine1', 'Relu1', 'Affine2']
    >>> print(net.params["W1"] is net.layers["Affine1"].params["W"])
    True
    >>> x = np.random.default_rng(1).random((3, 784))
    >>> grads = net.gradient(x, np.array([0, 3, 9]))
    >>> print({key: value.shape for key, value in grads.items()})
    {'W1': (784, 50), 'b1': (50,), 'W2': (50, 10), 'b2': (10,)}
    """

    _activation = Relu
