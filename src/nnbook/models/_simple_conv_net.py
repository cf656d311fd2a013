"""Chapter 7's convolutional network: conv - relu - pool - affine - relu - affine."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

import numpy as np
from numpy.typing import DTypeLike

from nnbook.conv import conv_output_size
from nnbook.initializers import init_weight
from nnbook.layers import Affine, Convolution, Pooling, Relu, SoftmaxWithLoss
from nnbook.models._book_pickle import BookPickleMixin
from nnbook.models._network import check_float_dtype

__all__ = ["DEFAULT_CONV_PARAM", "SimpleConvNet"]

DEFAULT_CONV_PARAM: Mapping[str, int] = MappingProxyType(
    {"filter_num": 30, "filter_size": 5, "pad": 0, "stride": 1}
)
"""The book's default `conv_param` of `SimpleConvNet`: 30 filters of 5×5, no padding,
stride 1 (read-only; pass a dict of your own to change it)."""


class SimpleConvNet(BookPickleMixin):
    r"""The book's simple convolutional network (CNN) for MNIST.

    Conv1 → Relu1 → Pool1 → Affine1 → Relu2 → Affine2 → SoftmaxWithLoss: one
    convolution layer (畳み込み層) of `filter_num` filters, 2×2 max pooling
    (プーリング層) with stride 2, a hidden layer of `hidden_size` ReLU units and the
    output layer. With the defaults it has 433,890 parameters, nearly all of them in
    `W2`, which connects the 30×12×12 pooled maps to the 100 hidden units.

    Book: chapter 7, section 7.5 (`ch07/simple_convnet.py`).

    Parameters
    ----------
    input_dim : tuple of 3 ints, default=(1, 28, 28)
        Channels, height and width of one input image.
    conv_param : mapping, default=DEFAULT_CONV_PARAM
        `filter_num`, `filter_size`, `pad` and `stride` of the convolution; keys left
        out take the book's values (30, 5, 0, 1).
    hidden_size : int, default=100
        Units of the hidden affine layer.
    output_size : int, default=10
        Number of classes.
    weight_init_std : float or {'relu', 'he', 'sigmoid', 'xavier'}, default=0.01
        Standard deviation of the initial weights (the book's 0.01), or a rule
        computing it from each layer's fan-in (see
        [`weight_scale`][nnbook.initializers.weight_scale]).
    rng : numpy.random.Generator or int or None
        Random source for the initial weights, or a seed.
    dtype : dtype, default=float64
        float64 gives the book's numbers; float32 is about twice as fast.

    Attributes
    ----------
    params : dict of str to ndarray
        `W1` (FN, C, FH, FW) and `b1` of Conv1, `W2`, `b2` of Affine1, `W3`, `b3` of
        Affine2: the very arrays the layers hold.
    layers : dict of str to Layer
        `Conv1`, `Relu1`, `Pool1`, `Affine1`, `Relu2`, `Affine2` (the book's names).
    last_layer : SoftmaxWithLoss

    Raises
    ------
    ValueError
        If `conv_param` has unknown keys, or the filter does not fit the image evenly.

    Notes
    -----
    Everything but the layers comes from [`Network`][nnbook.models.Network]:
    `predict`, `loss`, `accuracy` (batched, as in the book, but counting a last
    partial batch too), `gradient` (Conv1, the first layer, skips the gradient with
    respect to the images), `numerical_gradient`. Differences from the book's class:

    - `save_params` and `load_params` keep the book's default file name and write and
      read the book's pickle format when the name ends in `.pkl` (reading it with a
      restricted unpickler, [`read_params`][nnbook.datasets.read_params]); any other
      name is a NumPy `.npz` file. [`load_book_params`][nnbook.datasets.load_book_params]
      fetches the book's own weights, and `load_params` accepts its result.
    - The size of `W2` is computed with the pooling's rounding down, so an odd-sized
      convolution output gives a working network (the book's formula gives a wrong
      size there); non-square images work too.
    - The initial weights come from `rng` instead of NumPy's global random state.

    Examples
    --------
    >>> import numpy as np
    >>> from nnbook.models import SimpleConvNet
    >>> net = SimpleConvNet(rng=np.random.default_rng(0))
    >>> print(list(net.layers))
    ['Conv1', 'Relu1', 'Pool1', 'Affine1', 'Relu2', 'Affine2']
    >>> print({k: v.shape for k, v in net.params.items()})
    {'W1': (30, 1, 5, 5), 'b1': (30,), 'W2': (4320, 100), 'b2': (100,),
     'W3': (100, 10), 'b3': (10,)}
    >>> print(sum(p.size for p in net.params.values()))
    433890

    A float32 network, a batch of two random images and their gradient; the loss of
    an untrained network is near $\ln 10 \approx 2.30$ (all ten classes equally likely):

    >>> net = SimpleConvNet(rng=0, dtype=np.float32)
    >>> x = np.random.default_rng(1).random((2, 1, 28, 28), dtype=np.float32)
    >>> print(net.predict(x).shape, net.predict(x).dtype)
    (2, 10) float32
    >>> grads = net.gradient(x, np.array([3, 7]))
    >>> print(grads["W1"].shape, grads["W1"].dtype, round(net.last_loss, 2))
    (30, 1, 5, 5) float32 2.3
    """

    def __init__(
        self,
        input_dim: tuple[int, int, int] = (1, 28, 28),
        conv_param: Mapping[str, int] = DEFAULT_CONV_PARAM,
        hidden_size: int = 100,
        output_size: int = 10,
        weight_init_std: float | str = 0.01,
        *,
        rng: np.random.Generator | int | None = None,
        dtype: DTypeLike = np.float64,
    ) -> None:
        unknown = sorted(set(conv_param) - set(DEFAULT_CONV_PARAM))
        if unknown:
            raise ValueError(
                f"unknown conv_param keys {unknown}; expected some of "
                f"{list(DEFAULT_CONV_PARAM)}"
            )
        conv = {**DEFAULT_CONV_PARAM, **conv_param}
        if len(input_dim) != 3:
            raise ValueError(f"input_dim must be (C, H, W), got {tuple(input_dim)}")
        dtype = check_float_dtype(dtype)
        rng = np.random.default_rng(rng)
        C, H, W = (int(d) for d in input_dim)
        fn, fs = conv["filter_num"], conv["filter_size"]
        conv_h = conv_output_size(H, fs, conv["stride"], conv["pad"])
        conv_w = conv_output_size(W, fs, conv["stride"], conv["pad"])
        pool_size = fn * (conv_h // 2) * (conv_w // 2)  # 2×2 pooling, stride 2
        if pool_size == 0:
            raise ValueError(
                f"the convolution's output ({conv_h}×{conv_w}) is too small for 2×2 "
                "pooling; use larger images or a smaller filter"
            )
        self.input_dim = (C, H, W)
        self.conv_param = conv
        self.hidden_size = hidden_size
        self.output_size = output_size

        def weight(shape: tuple[int, ...]) -> np.ndarray:
            return init_weight(shape, weight_init_std, rng=rng, dtype=dtype)

        layers = {
            "Conv1": Convolution(
                weight((fn, C, fs, fs)), np.zeros(fn, dtype), conv["stride"], conv["pad"]
            ),
            "Relu1": Relu(),
            "Pool1": Pooling(pool_h=2, pool_w=2, stride=2),
            "Affine1": Affine(
                weight((pool_size, hidden_size)), np.zeros(hidden_size, dtype)
            ),
            "Relu2": Relu(),
            "Affine2": Affine(
                weight((hidden_size, output_size)), np.zeros(output_size, dtype)
            ),
        }
        super().__init__(layers, SoftmaxWithLoss(), dtype=dtype)

    def __repr__(self) -> str:
        c = self.conv_param
        return (
            f"{type(self).__name__}(input_dim={self.input_dim}, {c['filter_num']} filters "
            f"{c['filter_size']}×{c['filter_size']}, hidden {self.hidden_size}, "
            f"dtype={self.dtype})"
        )
