r"""Chapter 8's deep convolutional network: six 3×3 convolutions, three poolings."""

from __future__ import annotations

from collections.abc import Mapping
from os import PathLike
from types import MappingProxyType

import numpy as np
from numpy.typing import DTypeLike

from nnbook.conv import conv_output_size
from nnbook.initializers import fan_in, init_weight, weight_scale
from nnbook.layers import (
    Affine,
    Convolution,
    Dropout,
    Layer,
    Pooling,
    Relu,
    SoftmaxWithLoss,
)
from nnbook.models._book_pickle import BookPickleMixin
from nnbook.models._network import check_float_dtype

__all__ = ["DeepConvNet"]


def _conv(filter_num: int, pad: int) -> Mapping[str, int]:
    return MappingProxyType(
        {"filter_num": filter_num, "filter_size": 3, "pad": pad, "stride": 1}
    )


#: The book's six convolutions: 16, 16, 32, 32, 64, 64 filters of 3×3, padding 1
#: except the fourth (padding 2), stride 1.
DEEP_CONV_PARAMS: tuple[Mapping[str, int], ...] = (
    _conv(16, 1),
    _conv(16, 1),
    _conv(32, 1),
    _conv(32, 2),
    _conv(64, 1),
    _conv(64, 1),
)
_KEYS = frozenset(DEEP_CONV_PARAMS[0])


class DeepConvNet(BookPickleMixin):
    r"""The book's deep convolutional network for MNIST, over 99 % accurate.

    Three blocks of two 3×3 convolutions with ReLU and one 2×2 max pooling, then a
    hidden layer and the output layer, each followed by Dropout:

    conv–relu–conv–relu–pool (16 filters) · conv–relu–conv–relu–pool (32) ·
    conv–relu–conv–relu–pool (64) · affine(1024→50)–relu–dropout ·
    affine(50→10)–dropout · softmax.

    The layers are named `Conv1`..`Conv6`, `Relu1`..`Relu7`, `Pool1`..`Pool3`,
    `Affine1`, `Affine2`, `Dropout1`, `Dropout2`; the parameters `W1`..`W8`, `b1`..`b8`
    as in the book (the six convolutions, then the two affine layers). With the
    defaults it has 123,552 parameters.

    Book: chapter 8, section 8.1.1 (`ch08/deep_convnet.py`).

    Parameters
    ----------
    input_dim : tuple of 3 ints, default=(1, 28, 28)
        Channels, height and width of one input image.
    conv_param_1, ..., conv_param_6 : mapping, optional
        `filter_num`, `filter_size`, `pad` and `stride` of each convolution; keys left
        out take the book's values (see `DEEP_CONV_PARAMS`).
    hidden_size : int, default=50
        Units of the hidden affine layer.
    output_size : int, default=10
        Number of classes.
    rng : numpy.random.Generator or int or None
        Random source for the initial weights and the Dropout masks, or a seed.
    dtype : dtype, default=float64
        float64 gives the book's numbers; float32 is the fast path; float16 computes
        in half precision end to end (section 8.3.4; slow in NumPy, see the chapter).

    Attributes
    ----------
    params : dict of str to ndarray
        `W1`..`W6` (FN, C, 3, 3) and `b1`..`b6` of the convolutions, `W7` (1024, 50),
        `b7`, `W8` (50, 10), `b8`: the very arrays the layers hold.
    fan_ins : list of int
        Inputs feeding each unit of the eight weight layers, the book's
        `pre_node_nums`: [9, 144, 144, 288, 288, 576, 1024, 50] by default.
    weight_init_scales : ndarray of shape (8,)
        He's $\sqrt{2/n}$ for each fan-in $n$: the standard deviations of the initial
        weights (the book's `wight_init_scales`).

    Raises
    ------
    ValueError
        If a `conv_param` has unknown keys, or the images are too small for the three
        poolings.

    Notes
    -----
    Everything but the layers comes from [`Network`][nnbook.models.Network]. The
    book writes the fan-ins by hand (`64*4*4` for the first affine layer, with a TODO
    to compute them); here they are computed from the layers, which gives the book's
    numbers for the book's settings and the right ones for others.

    **The last Dropout halves the scores.** The network ends in
    Affine2 → Dropout2, and Dropout at inference multiplies by
    $1 - 0.5$ (the book's convention, see [`Dropout`][nnbook.layers.Dropout]), so
    `predict(x, train_flg=False)` returns *half* the last affine layer's output. The
    argmax, and hence every accuracy, is unchanged; softmax probabilities computed
    from these scores are flatter than those of the affine output. We keep the
    layer, as the book does, so that the book's weights give the book's numbers.

    `save_params` and `load_params` use the book's pickle format for names ending in
    `.pkl` (read with a restricted unpickler) and `.npz` otherwise;
    `from_book_weights` loads the book's pretrained parameters.

    Examples
    --------
    >>> import numpy as np
    >>> from nnbook.models import DeepConvNet
    >>> net = DeepConvNet(rng=0)
    >>> print(" ".join(net.layers))
    Conv1 Relu1 Conv2 Relu2 Pool1 Conv3 Relu3 Conv4 Relu4 Pool2 Conv5 Relu5 Conv6 Relu6
    Pool3 Affine1 Relu7 Dropout1 Affine2 Dropout2
    >>> print(sum(p.size for p in net.params.values()))
    123552
    >>> print(net.fan_ins)
    [9, 144, 144, 288, 288, 576, 1024, 50]
    >>> print(np.round(net.weight_init_scales, 4))
    [0.4714 0.1179 0.1179 0.0833 0.0833 0.0589 0.0442 0.2   ]

    The sizes through the network: the fourth convolution's padding of 2 turns 14×14
    into 16×16, so that the last pooling leaves 64 maps of 4×4 = 1,024 values.

    >>> x = np.random.default_rng(1).random((2, 1, 28, 28))
    >>> *body, (last, _) = net.layers.items()
    >>> for name, layer in body:  # every layer but the last Dropout
    ...     x = layer.forward(x, train_flg=False)
    ...     if name.startswith(("Pool", "Affine")):
    ...         print(name, x.shape)
    Pool1 (2, 16, 14, 14)
    Pool2 (2, 32, 8, 8)
    Pool3 (2, 64, 4, 4)
    Affine1 (2, 50)
    Affine2 (2, 10)

    The final layer, Dropout2, halves the scores at inference: `predict` is half of
    what Affine2 gave in the loop above, and picks the same classes.

    >>> y = net.predict(np.random.default_rng(1).random((2, 1, 28, 28)))
    >>> print(last, np.allclose(y, 0.5 * x), np.array_equal(y.argmax(1), x.argmax(1)))
    Dropout2 True True
    """

    def __init__(
        self,
        input_dim: tuple[int, int, int] = (1, 28, 28),
        conv_param_1: Mapping[str, int] = DEEP_CONV_PARAMS[0],
        conv_param_2: Mapping[str, int] = DEEP_CONV_PARAMS[1],
        conv_param_3: Mapping[str, int] = DEEP_CONV_PARAMS[2],
        conv_param_4: Mapping[str, int] = DEEP_CONV_PARAMS[3],
        conv_param_5: Mapping[str, int] = DEEP_CONV_PARAMS[4],
        conv_param_6: Mapping[str, int] = DEEP_CONV_PARAMS[5],
        hidden_size: int = 50,
        output_size: int = 10,
        *,
        rng: np.random.Generator | int | None = None,
        dtype: DTypeLike = np.float64,
    ) -> None:
        given = (conv_param_1, conv_param_2, conv_param_3, conv_param_4, conv_param_5,
                 conv_param_6)  # fmt: skip
        convs = []
        for k, (param, default) in enumerate(zip(given, DEEP_CONV_PARAMS, strict=True), 1):
            unknown = sorted(set(param) - _KEYS)
            if unknown:
                raise ValueError(
                    f"unknown keys {unknown} in conv_param_{k}; expected some of "
                    f"{sorted(_KEYS)}"
                )
            convs.append({**default, **param})
        if len(input_dim) != 3:
            raise ValueError(f"input_dim must be (C, H, W), got {tuple(input_dim)}")
        dtype = check_float_dtype(dtype)
        rng = np.random.default_rng(rng)

        # Shapes first (all checks before any drawing).
        C, H, W = (int(d) for d in input_dim)
        shapes, pads, strides = [], [], []
        channels = C
        for k, conv in enumerate(convs, 1):
            fs, s, p = conv["filter_size"], conv["stride"], conv["pad"]
            try:
                H = conv_output_size(H, fs, s, p, floor=True)
                W = conv_output_size(W, fs, s, p, floor=True)
            except ValueError as exc:
                raise ValueError(f"conv_param_{k}: {exc}") from None
            shapes.append((conv["filter_num"], channels, fs, fs))
            pads.append(p)
            strides.append(s)
            channels = conv["filter_num"]
            if k % 2 == 0:  # a 2×2 pooling with stride 2 after every second convolution
                H, W = H // 2, W // 2
                if H == 0 or W == 0:
                    raise ValueError(
                        f"input_dim {tuple(input_dim)} is too small: nothing is left "
                        f"after pooling {k // 2}; use larger images or more padding"
                    )
        shapes += [(channels * H * W, hidden_size), (hidden_size, output_size)]
        self.fan_ins: list[int] = [fan_in(shape) for shape in shapes]
        self.weight_init_scales: np.ndarray = np.array(
            [weight_scale("he", n) for n in self.fan_ins]
        )
        self.input_dim = (C, *input_dim[1:])
        self.conv_params = convs
        self.hidden_size = hidden_size
        self.output_size = output_size

        # He's initial weights (sqrt(2 / fan-in)), drawn in the book's order W1..W8.
        params = []
        for shape in shapes:
            n_out = shape[1] if len(shape) == 2 else shape[0]
            params.append((init_weight(shape, "he", rng=rng, dtype=dtype),
                           np.zeros(n_out, dtype)))  # fmt: skip
        layers: dict[str, Layer] = {}
        for k in range(6):
            W_k, b_k = params[k]
            layers[f"Conv{k + 1}"] = Convolution(W_k, b_k, strides[k], pads[k])
            layers[f"Relu{k + 1}"] = Relu()
            if k % 2 == 1:
                layers[f"Pool{k // 2 + 1}"] = Pooling(pool_h=2, pool_w=2, stride=2)
        layers["Affine1"] = Affine(*params[6])
        layers["Relu7"] = Relu()
        layers["Dropout1"] = Dropout(0.5, rng=rng)
        layers["Affine2"] = Affine(*params[7])
        layers["Dropout2"] = Dropout(0.5, rng=rng)
        super().__init__(layers, SoftmaxWithLoss(), dtype=dtype)

    @classmethod
    def from_book_weights(
        cls,
        revision: str = "2016",
        *,
        dtype: DTypeLike = np.float64,
        data_home: str | PathLike[str] | None = None,
    ) -> DeepConvNet:
        """Return the network with the book's pretrained parameters.

        Parameters
        ----------
        revision : {'2016', '2022'}, default='2016'
            '2016': the weights published with the book (test accuracy 0.9935 in
            float64). '2022': the book repository's current file, a one-epoch
            retrain (0.9797). See
            [`load_book_params`][nnbook.datasets.load_book_params].
        dtype : dtype, default=float64
            The network's dtype; the float64 weights are rounded to it.
        data_home : path, optional
            Where to look first; see [`nnbook.datasets`][nnbook.datasets].

        Returns
        -------
        DeepConvNet
        """
        from nnbook.datasets import load_book_params

        params = load_book_params("deep_convnet_params", revision=revision,
                                  data_home=data_home)  # fmt: skip
        net = cls(dtype=dtype, rng=0)
        net.load_params(params)
        return net

    def __repr__(self) -> str:
        filters = "-".join(str(c["filter_num"]) for c in self.conv_params)
        return (
            f"{type(self).__name__}(input_dim={self.input_dim}, filters {filters}, "
            f"hidden {self.hidden_size}, dtype={self.dtype})"
        )
