r"""The two-layer network of chapters 4 and 5: 784-50-10 on MNIST.

Two classes, because the book writes this network twice:

- [`SigmoidTwoLayerNet`][nnbook.models.SigmoidTwoLayerNet] is chapter 4's version
  (`ch04/two_layer_net.py`): a sigmoid hidden layer, written as plain formulas, with a
  gradient derived by hand. Its point is the numerical gradient.
- [`TwoLayerNet`][nnbook.models.TwoLayerNet] is chapter 5's version
  (`ch05/two_layer_net.py`): a ReLU hidden layer, built from layers (`Affine1`,
  `Relu1`, `Affine2`, `last_layer`), with the gradient from backpropagation. This is the
  one later chapters build on, so it keeps the book's plain name.

Both have the same parameters (`W1`, `b1`, `W2`, `b2`) and the same methods
(`predict`, `loss`, `accuracy`, `numerical_gradient`, `gradient`), so the book's training
loop runs with either.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import DTypeLike

from nnbook.activations import sigmoid, softmax
from nnbook.gradient import numerical_gradient as _numerical_gradient
from nnbook.initializers import init_weight
from nnbook.layers import Affine, Relu, SoftmaxWithLoss
from nnbook.losses import cross_entropy_error

__all__ = ["SigmoidTwoLayerNet", "TwoLayerNet"]


class _TwoLayerBase:
    """What both versions share: parameters, `accuracy`, `numerical_gradient`."""

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
        rng = np.random.default_rng(rng)
        self.params: dict[str, np.ndarray] = {
            "W1": init_weight(
                (input_size, hidden_size), weight_init_std, rng=rng, dtype=dtype
            ),
            "b1": np.zeros(hidden_size, dtype=dtype),
            "W2": init_weight(
                (hidden_size, output_size), weight_init_std, rng=rng, dtype=dtype
            ),
            "b2": np.zeros(output_size, dtype=dtype),
        }

    def predict(self, x: np.ndarray) -> np.ndarray:  # pragma: no cover - overridden
        raise NotImplementedError

    def accuracy(self, x: np.ndarray, t: np.ndarray) -> float:
        """Return the fraction of samples whose highest score is the right class.

        Parameters
        ----------
        x : ndarray of shape (N, D)
            Inputs.
        t : ndarray of shape (N,) (labels) or (N, C) (one-hot)
            Targets.

        Returns
        -------
        float
        """
        y = np.argmax(self.predict(x), axis=1)
        t = np.asarray(t)
        if t.ndim != 1:
            t = np.argmax(t, axis=1)
        return float(np.sum(y == t) / x.shape[0])

    def numerical_gradient(self, x: np.ndarray, t: np.ndarray) -> dict[str, np.ndarray]:
        """Return the gradient of `loss(x, t)` for each parameter, by central differences.

        Two forward passes per parameter entry (about 80,000 for 784-50-10): use it to
        check `gradient`, not to train. Use float64 parameters.

        Parameters
        ----------
        x : ndarray of shape (N, D)
        t : ndarray of shape (N,) or (N, C)

        Returns
        -------
        dict of str to ndarray
            Keys `W1`, `b1`, `W2`, `b2`, shaped like the parameters.
        """

        # The argument is ignored: numerical_gradient perturbs self.params[key] in place,
        # which is what loss() reads (see nnbook.gradient.numerical_gradient).
        def loss_w(_):
            return self.loss(x, t)

        return {key: _numerical_gradient(loss_w, p) for key, p in self.params.items()}

    def __repr__(self) -> str:
        d, h = self.params["W1"].shape
        c = self.params["W2"].shape[1]
        return f"{type(self).__name__}({d}-{h}-{c}, dtype={self.params['W1'].dtype})"


class SigmoidTwoLayerNet(_TwoLayerBase):
    r"""Chapter 4's two-layer network: affine, sigmoid, affine, softmax; gradient by hand.

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

    Notes
    -----
    Named `SigmoidTwoLayerNet` here so that the plain name `TwoLayerNet` can go to
    chapter 5's layered version, which the later chapters use. Forward:
    $a_1 = xW_1 + b_1$, $z_1 = \sigma(a_1)$, $y = \mathrm{softmax}(z_1 W_2 + b_2)$.
    The hand-derived gradient (the book's "fast version", explained only in chapter 5):

    $$\delta_2 = \frac{y - t}{N},\ \ \nabla W_2 = z_1^\top \delta_2,\ \
    \delta_1 = (\delta_2 W_2^\top) \odot \sigma(a_1)(1 - \sigma(a_1)),\ \
    \nabla W_1 = x^\top \delta_1,$$

    and the bias gradients are the column sums of $\delta_2$ and $\delta_1$. Unlike the
    book's, `accuracy` and `gradient` also accept integer labels.

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

    def predict(self, x: np.ndarray) -> np.ndarray:
        """Return the softmax probabilities, shape (N, C)."""
        p = self.params
        z1 = sigmoid(x @ p["W1"] + p["b1"])
        return softmax(z1 @ p["W2"] + p["b2"])

    def loss(self, x: np.ndarray, t: np.ndarray):
        """Return the mean cross-entropy of `predict(x)` against `t` (one-hot or labels)."""
        return cross_entropy_error(self.predict(x), t)

    def gradient(self, x: np.ndarray, t: np.ndarray) -> dict[str, np.ndarray]:
        """Return the gradient of `loss(x, t)` for each parameter, by the chain rule.

        Parameters
        ----------
        x : ndarray of shape (N, D)
        t : ndarray of shape (N,) or (N, C)

        Returns
        -------
        dict of str to ndarray
            Keys `W1`, `b1`, `W2`, `b2`.
        """
        p = self.params
        n = x.shape[0]
        z1 = sigmoid(x @ p["W1"] + p["b1"])
        y = softmax(z1 @ p["W2"] + p["b2"])
        t = np.asarray(t)
        if t.shape != y.shape:
            t = np.eye(y.shape[1], dtype=y.dtype)[t]
        dy = (y - t.astype(y.dtype, copy=False)) / n
        da1 = dy @ p["W2"].T
        dz1 = da1 * (1.0 - z1) * z1
        return {
            "W1": x.T @ dz1,
            "b1": dz1.sum(axis=0),
            "W2": z1.T @ dy,
            "b2": dy.sum(axis=0),
        }


class TwoLayerNet(_TwoLayerBase):
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
        super().__init__(
            input_size, hidden_size, output_size, weight_init_std, rng=rng, dtype=dtype
        )
        p = self.params
        self.layers = {
            "Affine1": Affine(p["W1"], p["b1"]),
            "Relu1": Relu(),
            "Affine2": Affine(p["W2"], p["b2"]),
        }
        self.last_layer = SoftmaxWithLoss()

    def predict(self, x: np.ndarray) -> np.ndarray:
        """Return the scores (before softmax), shape (N, C)."""
        for layer in self.layers.values():
            x = layer.forward(x)
        return x

    def loss(self, x: np.ndarray, t: np.ndarray):
        """Return the mean cross-entropy of `softmax(predict(x))` against `t`."""
        return self.last_layer.forward(self.predict(x), t)

    def gradient(self, x: np.ndarray, t: np.ndarray) -> dict[str, np.ndarray]:
        """Return the gradient of `loss(x, t)` for each parameter, by backpropagation.

        Parameters
        ----------
        x : ndarray of shape (N, D)
        t : ndarray of shape (N,) (labels) or (N, C) (one-hot)

        Returns
        -------
        dict of str to ndarray
            Keys `W1`, `b1`, `W2`, `b2`.
        """
        self.loss(x, t)
        dout = self.last_layer.backward(1)
        for layer in reversed(list(self.layers.values())):
            dout = layer.backward(dout)
        a1, a2 = self.layers["Affine1"], self.layers["Affine2"]
        return {
            "W1": a1.grads["W"],
            "b1": a1.grads["b"],
            "W2": a2.grads["W"],
            "b2": a2.grads["b"],
        }
