"""The fully connected network of any depth used throughout chapter 6."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, DTypeLike

from nnbook.initializers import init_weight
from nnbook.layers import (
    Affine,
    BatchNormalization,
    Dropout,
    Layer,
    Relu,
    Sigmoid,
    SoftmaxWithLoss,
)

__all__ = ["MultiLayerNet"]

_ACTIVATIONS: dict[str, type[Layer]] = {"relu": Relu, "sigmoid": Sigmoid}


class MultiLayerNet:
    r"""Fully connected network: Affine and activation layers, then Softmax-with-Loss.

    `hidden_size_list=[100, 100]` gives Affine1 → Relu → Affine2 → Relu → Affine3 →
    SoftmaxWithLoss. Weight decay (荷重減衰) adds $\frac12\lambda\sum\|W\|^2$ to the loss.

    Book: chapter 6, sections 6.1.8, 6.2.4 and 6.4.2 (`common/multi_layer_net.py`).

    Parameters
    ----------
    input_size : int
        Features per sample (784 for MNIST).
    hidden_size_list : list of int
        Units of each hidden layer, e.g. `[100, 100, 100, 100]`.
    output_size : int
        Number of classes (10 for MNIST).
    activation : {'relu', 'sigmoid'}, default='relu'
        Activation of the hidden layers.
    weight_init_std : float or {'relu', 'he', 'sigmoid', 'xavier'}, default='relu'
        Scale of the initial weights; see
        [`weight_scale`][nnbook.initializers.weight_scale].
    weight_decay_lambda : float, default=0
        Strength $\lambda$ of the L2 weight decay.
    rng : numpy.random.Generator or int or None
        Random source for the initial weights (and the Dropout masks of
        `MultiLayerNetExtend`), or a seed.
    dtype : dtype, default=float64
        Of the parameters. Use float32 (with float32 data) for speed, float64 for
        gradient checks. A given seed draws the same weights in both.

    Attributes
    ----------
    params : dict of str to ndarray
        `W1`, `b1`, ..., `W{L}`, `b{L}` with L = `len(hidden_size_list) + 1`; the very
        arrays the layers hold.
    layers : dict of str to Layer
        `Affine1`, `Activation_function1`, ..., in order (the book's names).
    last_layer : SoftmaxWithLoss
    last_loss : float or None
        The loss computed by the latest `gradient` call (before its update).

    Notes
    -----
    The loss is $L = \mathrm{CE}(\mathrm{softmax}(y), t) + \frac12\lambda\sum_l\|W_l\|^2$
    and the gradient of the decay term adds $\lambda W_l$ to each `grads["Wl"]`; biases
    are not decayed, as in the book.

    `params["W1"] is layers["Affine1"].params["W"]`: an optimizer updating `params`
    in place trains the layers.

    Examples
    --------
    >>> import numpy as np
    >>> from nnbook.models import MultiLayerNet
    >>> net = MultiLayerNet(784, [100, 100], 10, rng=np.random.default_rng(0))
    >>> print(list(net.layers))
    ['Affine1', 'Activation_function1', 'Affine2', 'Activation_function2', 'Affine3']
    >>> print({k: v.shape for k, v in net.params.items()})
    {'W1': (784, 100), 'b1': (100,), 'W2': (100, 100), 'b2': (100,),
     'W3': (100, 10), 'b3': (10,)}
    >>> x, t = np.random.default_rng(1).random((5, 784)), np.array([0, 1, 2, 3, 4])
    >>> grads = net.gradient(x, t)
    >>> print(net.params["W1"] is net.layers["Affine1"].W, grads["W1"].shape)
    True (784, 100)
    """

    def __init__(
        self,
        input_size: int,
        hidden_size_list: list[int],
        output_size: int,
        activation: str = "relu",
        weight_init_std: float | str = "relu",
        weight_decay_lambda: float = 0,
        *,
        rng: np.random.Generator | int | None = None,
        dtype: DTypeLike = np.float64,
    ) -> None:
        self._setup(
            input_size,
            hidden_size_list,
            output_size,
            activation,
            weight_init_std,
            weight_decay_lambda,
            rng=rng,
            dtype=dtype,
        )

    def _setup(
        self,
        input_size: int,
        hidden_size_list: list[int],
        output_size: int,
        activation: str,
        weight_init_std: float | str,
        weight_decay_lambda: float,
        *,
        rng: np.random.Generator | int | None,
        dtype: DTypeLike,
        use_batchnorm: bool = False,
        use_dropout: bool = False,
        dropout_ratio: float = 0.5,
    ) -> None:
        if activation.lower() not in _ACTIVATIONS:
            raise ValueError(
                f"unknown activation {activation!r}; choose one of {sorted(_ACTIVATIONS)}"
            )
        self.input_size = input_size
        self.hidden_size_list = list(hidden_size_list)
        self.output_size = output_size
        self.hidden_layer_num = len(self.hidden_size_list)
        self.weight_decay_lambda = weight_decay_lambda
        self.use_batchnorm = use_batchnorm
        self.use_dropout = use_dropout
        self.rng = np.random.default_rng(rng)
        self.last_loss: float | None = None
        dtype = np.dtype(dtype)

        sizes = [input_size, *self.hidden_size_list, output_size]
        self.params: dict[str, np.ndarray] = {}
        self.layers: dict[str, Layer] = {}
        act = _ACTIVATIONS[activation.lower()]
        for idx in range(1, len(sizes)):
            W = init_weight(
                sizes[idx - 1 : idx + 1], weight_init_std, rng=self.rng, dtype=dtype
            )
            b = np.zeros(sizes[idx], dtype=dtype)
            self.params[f"W{idx}"], self.params[f"b{idx}"] = W, b
            self.layers[f"Affine{idx}"] = Affine(W, b)
            if idx == len(sizes) - 1:
                break
            if use_batchnorm:
                gamma = np.ones(sizes[idx], dtype=dtype)
                beta = np.zeros(sizes[idx], dtype=dtype)
                self.params[f"gamma{idx}"], self.params[f"beta{idx}"] = gamma, beta
                self.layers[f"BatchNorm{idx}"] = BatchNormalization(gamma, beta)
            self.layers[f"Activation_function{idx}"] = act()
            if use_dropout:
                self.layers[f"Dropout{idx}"] = Dropout(dropout_ratio, rng=self.rng)
        self.last_layer = SoftmaxWithLoss()

    def predict(self, x: np.ndarray, train_flg: bool = False) -> np.ndarray:
        """Return the scores (before softmax) for a batch.

        Parameters
        ----------
        x : ndarray of shape (N, input_size)
            Inputs.
        train_flg : bool, default=False
            Training mode for Dropout and BatchNormalization layers.

        Returns
        -------
        ndarray of shape (N, output_size)
        """
        for layer in self.layers.values():
            x = layer.forward(x, train_flg)
        return x

    def _weight_decay(self) -> float:
        lam = self.weight_decay_lambda
        if not lam:
            return 0.0
        total = 0.0
        for idx in range(1, self.hidden_layer_num + 2):
            W = self.params[f"W{idx}"]
            total += float(np.vdot(W, W))
        return 0.5 * lam * total

    def loss(self, x: np.ndarray, t: ArrayLike, train_flg: bool = False) -> float:
        """Return the cross-entropy loss plus the weight-decay term.

        Parameters
        ----------
        x : ndarray of shape (N, input_size)
            Inputs.
        t : ndarray of shape (N,) (labels) or (N, output_size) (one-hot)
            Targets.
        train_flg : bool, default=False
            Training mode for Dropout and BatchNormalization layers.

        Returns
        -------
        float
        """
        y = self.predict(x, train_flg)
        return float(self.last_layer.forward(y, t)) + self._weight_decay()

    def accuracy(self, x: np.ndarray, t: ArrayLike) -> float:
        """Return the fraction of samples whose highest score is the target class.

        Parameters
        ----------
        x : ndarray of shape (N, input_size)
            Inputs (evaluated in inference mode).
        t : ndarray of shape (N,) or (N, output_size)
            Labels or one-hot targets.

        Returns
        -------
        float
        """
        y = np.argmax(self.predict(x, train_flg=False), axis=1)
        t = np.asarray(t)
        if t.ndim != 1:
            t = np.argmax(t, axis=1)
        return float(np.mean(y == t))

    def numerical_gradient(self, x: np.ndarray, t: ArrayLike) -> dict[str, np.ndarray]:
        """Return the gradient of `loss` (training mode) by central differences.

        Slow (two forward passes per parameter entry): use it only to check `gradient`
        on a tiny network, with float64 parameters.

        Parameters
        ----------
        x : ndarray of shape (N, input_size)
            Inputs; use N > 1 when the network has BatchNormalization.
        t : ndarray of shape (N,) or (N, output_size)
            Targets.

        Returns
        -------
        dict of str to ndarray
            One entry per key of `params`.
        """
        from nnbook.gradient import numerical_gradient

        def loss_w(_: np.ndarray) -> float:
            return self.loss(x, t, train_flg=True)

        return {key: numerical_gradient(loss_w, p) for key, p in self.params.items()}

    def gradient(self, x: np.ndarray, t: ArrayLike) -> dict[str, np.ndarray]:
        """Return the gradient of `loss` (training mode) by backpropagation.

        Parameters
        ----------
        x : ndarray of shape (N, input_size)
            Inputs.
        t : ndarray of shape (N,) or (N, output_size)
            Targets.

        Returns
        -------
        dict of str to ndarray
            One entry per key of `params`, same shapes; the loss of this forward pass
            is kept in `last_loss`.
        """
        self.last_loss = self.loss(x, t, train_flg=True)
        dout = self.last_layer.backward(1)
        for layer in reversed(self.layers.values()):
            dout = layer.backward(dout)

        lam = self.weight_decay_lambda
        grads: dict[str, np.ndarray] = {}
        for idx in range(1, self.hidden_layer_num + 2):
            affine = self.layers[f"Affine{idx}"]
            dW = affine.grads["W"]
            grads[f"W{idx}"] = dW + lam * self.params[f"W{idx}"] if lam else dW
            grads[f"b{idx}"] = affine.grads["b"]
            if self.use_batchnorm and idx <= self.hidden_layer_num:
                bn = self.layers[f"BatchNorm{idx}"]
                grads[f"gamma{idx}"] = bn.grads["gamma"]
                grads[f"beta{idx}"] = bn.grads["beta"]
        return grads

    def __repr__(self) -> str:
        sizes = [self.input_size, *self.hidden_size_list, self.output_size]
        return f"{type(self).__name__}({'-'.join(map(str, sizes))})"
