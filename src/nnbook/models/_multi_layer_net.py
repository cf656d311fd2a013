"""The fully connected network of any depth used throughout chapter 6."""

from __future__ import annotations

import numpy as np
from numpy.typing import DTypeLike

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
from nnbook.models._network import Network, check_float_dtype

__all__ = ["MultiLayerNet"]

_ACTIVATIONS: dict[str, type[Layer]] = {"relu": Relu, "sigmoid": Sigmoid}


class MultiLayerNet(Network):
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

    Other Parameters
    ----------------
    use_batchnorm, use_dropout, dropout_ratio : bool, bool, float
        Keyword-only switches used by
        [`MultiLayerNetExtend`][nnbook.models.MultiLayerNetExtend], which documents
        them; the book's `MultiLayerNet` has neither.

    Notes
    -----
    The loss is $L = \mathrm{CE}(\mathrm{softmax}(y), t) + \frac12\lambda\sum_l\|W_l\|^2$
    and the gradient of the decay term adds $\lambda W_l$ to each `grads["Wl"]`; biases
    are not decayed, as in the book.

    `params["W1"] is layers["Affine1"].params["W"]`: an optimizer updating `params`
    in place trains the layers. `predict`, `loss`, `accuracy`, `gradient` and the
    weight decay are the [`Network`][nnbook.models.Network] core's. One difference from
    the book: `loss(x, t)` runs in training mode by default (`train_flg=True`, what
    training minimises); the book's defaults to inference mode.

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
        use_batchnorm: bool = False,
        use_dropout: bool = False,
        dropout_ratio: float = 0.5,
    ) -> None:
        if activation.lower() not in _ACTIVATIONS:
            raise ValueError(
                f"unknown activation {activation!r}; choose one of {sorted(_ACTIVATIONS)}"
            )
        dtype = check_float_dtype(dtype)
        self.input_size = input_size
        self.hidden_size_list = list(hidden_size_list)
        self.output_size = output_size
        self.hidden_layer_num = len(self.hidden_size_list)
        self.use_batchnorm = use_batchnorm
        self.use_dropout = use_dropout
        self.dropout_ratio = dropout_ratio
        self.rng = np.random.default_rng(rng)

        sizes = [input_size, *self.hidden_size_list, output_size]
        layers: dict[str, Layer] = {}
        act = _ACTIVATIONS[activation.lower()]
        for idx in range(1, len(sizes)):
            W = init_weight(
                sizes[idx - 1 : idx + 1], weight_init_std, rng=self.rng, dtype=dtype
            )
            layers[f"Affine{idx}"] = Affine(W, np.zeros(sizes[idx], dtype=dtype))
            if idx == len(sizes) - 1:
                break
            if use_batchnorm:
                gamma = np.ones(sizes[idx], dtype=dtype)
                beta = np.zeros(sizes[idx], dtype=dtype)
                layers[f"BatchNorm{idx}"] = BatchNormalization(gamma, beta)
            layers[f"Activation_function{idx}"] = act()
            if use_dropout:
                layers[f"Dropout{idx}"] = Dropout(dropout_ratio, rng=self.rng)
        super().__init__(
            layers, SoftmaxWithLoss(), dtype=dtype, weight_decay_lambda=weight_decay_lambda
        )

    def __repr__(self) -> str:
        sizes = [self.input_size, *self.hidden_size_list, self.output_size]
        return f"{type(self).__name__}({'-'.join(map(str, sizes))}, dtype={self.dtype})"
