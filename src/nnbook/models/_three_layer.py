"""The three-layer forward network of chapter 3 (inference only, no learning)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from os import PathLike

import numpy as np
from numpy.typing import ArrayLike

from nnbook.activations import identity_function, sigmoid, softmax
from nnbook.layers import Affine, Sigmoid, SoftmaxWithLoss
from nnbook.models._network import Network, check_float_dtype

__all__ = ["ThreeLayerNet", "forward", "init_network"]

_OUTPUTS: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "identity": identity_function,
    "softmax": softmax,
}
_KEYS = ("W1", "b1", "W2", "b2", "W3", "b3")


def init_network() -> dict[str, np.ndarray]:
    """Return the small hand-written 2-3-2-2 network of section 3.4.3.

    Book: chapter 3, section 3.4.3 (`init_network`).

    Returns
    -------
    dict of str to ndarray
        `W1` (2, 3), `b1` (3,), `W2` (3, 2), `b2` (2,), `W3` (2, 2), `b3` (2,), float64.

    Examples
    --------
    >>> from nnbook.models import init_network
    >>> network = init_network()
    >>> print({name: value.shape for name, value in network.items()})
    {'W1': (2, 3), 'b1': (3,), 'W2': (3, 2), 'b2': (2,), 'W3': (2, 2), 'b3': (2,)}
    """
    return {
        "W1": np.array([[0.1, 0.3, 0.5], [0.2, 0.4, 0.6]]),
        "b1": np.array([0.1, 0.2, 0.3]),
        "W2": np.array([[0.1, 0.4], [0.2, 0.5], [0.3, 0.6]]),
        "b2": np.array([0.1, 0.2]),
        "W3": np.array([[0.1, 0.3], [0.2, 0.4]]),
        "b3": np.array([0.1, 0.2]),
    }


def forward(
    network: Mapping[str, np.ndarray],
    x: ArrayLike,
    *,
    activation: Callable[[np.ndarray], np.ndarray] = sigmoid,
    output: str = "identity",
) -> np.ndarray:
    """Propagate `x` through three affine layers with `activation` between them.

    Book: chapter 3, section 3.4.3 (`forward`).

    Parameters
    ----------
    network : mapping with keys W1, b1, W2, b2, W3, b3
        Weights `W1` of shape (D, H1), `W2` (H1, H2), `W3` (H2, K) and biases.
    x : array_like of shape (D,) or (N, D)
        One input or a batch of inputs, one per row.
    activation : callable, default=sigmoid
        Hidden-layer activation.
    output : {'identity', 'softmax'}, default='identity'
        Output-layer activation: identity for regression, softmax for classification.

    Returns
    -------
    ndarray of shape (K,) or (N, K)
        The network's output for each input.

    Notes
    -----
    Each layer computes $a = x W + b$ with the input as a row vector on the left, so
    `np.dot(x, W1)` needs `x.shape[-1] == W1.shape[0]`. Writing `np.dot(W1, x)` instead
    fails with (2, 3) and (2,), or silently computes something else when the shapes
    happen to be square: the argument order decides the shapes (section 3.3.3).

    Examples
    --------
    >>> import numpy as np
    >>> from nnbook.models import forward, init_network
    >>> print(forward(init_network(), np.array([1.0, 0.5])))
    [0.31682708 0.69627909]
    >>> print(forward(init_network(), np.array([2.0, 1.0]), output="softmax"))
    [0.40442364 0.59557636]
    """
    if output not in _OUTPUTS:
        raise ValueError(f"output must be one of {sorted(_OUTPUTS)}, got {output!r}")
    x = np.asarray(x)
    if x.shape[-1:] != network["W1"].shape[:1]:
        raise ValueError(
            f"expected x of shape ({network['W1'].shape[0]},) or "
            f"(N, {network['W1'].shape[0]}) to match W1 of shape {network['W1'].shape}, "
            f"got {x.shape}; flatten images first (load_mnist(flatten=True))"
        )
    z1 = activation(x @ network["W1"] + network["b1"])
    z2 = activation(z1 @ network["W2"] + network["b2"])
    return _OUTPUTS[output](z2 @ network["W3"] + network["b3"])


class ThreeLayerNet(Network):
    """The chapter-3 network: two sigmoid hidden layers and an output layer.

    It only does inference (推論処理): its weights are given, e.g. the book's
    pretrained `sample_weight.pkl` (784-50-100-10) for MNIST.

    Book: chapter 3, sections 3.4 and 3.6.

    Parameters
    ----------
    params : mapping with keys W1, b1, W2, b2, W3, b3
        The weights and biases, as in [`init_network`][nnbook.models.init_network].
        They are copied into the `params` dict, which keeps their dtype.
    output : {'softmax', 'identity'}, default='softmax'
        Output-layer activation.

    Attributes
    ----------
    params : dict of str to ndarray
        W1, b1, W2, b2, W3, b3, shared with the layers `Affine1`, `Sigmoid1`,
        `Affine2`, `Sigmoid2`, `Affine3`.

    Notes
    -----
    The book writes this network as the function [`forward`][nnbook.models.forward];
    here it is also a [`Network`][nnbook.models.Network] of the layers chapter 5
    introduces, computing the same numbers with the same operations, so that its
    `accuracy` is the one every network shares. Its dtype is that of `params["W1"]`
    (float32 for the book's `sample_weight.pkl`). Unlike other networks, `predict`
    applies the output activation and accepts a single sample of shape (D,).

    Examples
    --------
    >>> import numpy as np
    >>> from nnbook.models import ThreeLayerNet, init_network
    >>> net = ThreeLayerNet(init_network(), output="identity")
    >>> print(net.predict(np.array([1.0, 0.5])))
    [0.31682708 0.69627909]
    >>> print(net.predict(np.array([[1.0, 0.5], [2.0, 1.0]])))
    [[0.31682708 0.69627909]
     [0.32303088 0.71009755]]
    """

    def __init__(self, params: Mapping[str, ArrayLike], *, output: str = "softmax") -> None:
        missing = [key for key in _KEYS if key not in params]
        if missing:
            raise ValueError(f"params lacks {missing}; expected keys {list(_KEYS)}")
        if output not in _OUTPUTS:
            raise ValueError(f"output must be one of {sorted(_OUTPUTS)}, got {output!r}")
        dtype = check_float_dtype(np.asarray(params["W1"]).dtype)
        p = {key: np.array(params[key], dtype=dtype) for key in _KEYS}
        layers = {
            "Affine1": Affine(p["W1"], p["b1"]),
            "Sigmoid1": Sigmoid(),
            "Affine2": Affine(p["W2"], p["b2"]),
            "Sigmoid2": Sigmoid(),
            "Affine3": Affine(p["W3"], p["b3"]),
        }
        super().__init__(layers, SoftmaxWithLoss(), dtype=dtype)
        self.output = output

    @classmethod
    def from_book_weights(
        cls, *, data_home: str | PathLike[str] | None = None
    ) -> ThreeLayerNet:
        """Load the book's pretrained MNIST weights, `sample_weight.pkl` (784-50-100-10).

        The file is found or downloaded (and checked) by
        [`load_book_params`][nnbook.datasets.load_book_params].

        Parameters
        ----------
        data_home : path, optional
            Where to look first; see [`nnbook.datasets`][nnbook.datasets].

        Returns
        -------
        ThreeLayerNet
            The network with float32 weights and a softmax output.
        """
        from nnbook.datasets import load_book_params

        return cls(load_book_params("sample_weight", data_home=data_home))

    def predict(self, x: ArrayLike, train_flg: bool = False) -> np.ndarray:
        """Return the network's output for one input (D,) or a batch (N, D).

        Parameters
        ----------
        x : array_like of shape (D,) or (N, D)
            Inputs, one per row.
        train_flg : bool, default=False
            Ignored (no layer here behaves differently in training).

        Returns
        -------
        ndarray of shape (K,) or (N, K)
            Output scores (probabilities with the softmax output).
        """
        x = np.asarray(x)
        d = self.params["W1"].shape[0]
        if x.shape[-1:] != (d,) or x.ndim > 2:
            raise ValueError(
                f"expected x of shape ({d},) or (N, {d}) to match W1 of shape "
                f"{self.params['W1'].shape}, got {x.shape}; flatten images first "
                "(load_mnist(flatten=True))"
            )
        y = super().predict(x.reshape(-1, d), train_flg)
        return _OUTPUTS[self.output](y).reshape(*x.shape[:-1], -1)

    def accuracy(self, x: ArrayLike, t: ArrayLike, batch_size: int | None = 100) -> float:
        """Return the fraction of inputs whose highest score is at the true class.

        Book: chapter 3, sections 3.6.2 and 3.6.3 (batch processing, バッチ処理).

        Parameters
        ----------
        x : array_like of shape (N, D)
            Inputs.
        t : array_like of shape (N,) or (N, K)
            True labels, or one-hot rows.
        batch_size : int or None, default=100
            How many inputs go through the network at once; 1 reproduces the book's
            one-image-at-a-time loop, None sends everything in one batch.

        Returns
        -------
        float
            Accuracy in [0, 1].

        Examples
        --------
        >>> import numpy as np
        >>> from nnbook.models import ThreeLayerNet, init_network
        >>> net = ThreeLayerNet(init_network())
        >>> x = np.array([[1.0, 0.5], [2.0, 1.0], [-3.0, 1.0]])
        >>> print(net.accuracy(x, np.array([1, 1, 0]), batch_size=2))
        0.6666666666666666
        """
        x = np.asarray(x)
        return super().accuracy(
            x, t, batch_size=len(x) if batch_size is None else batch_size
        )
