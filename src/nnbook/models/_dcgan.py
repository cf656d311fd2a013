r"""The convolutional GAN's two networks (DCGAN-style, Radford et al., 2015)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import DTypeLike

from nnbook.initializers import init_weight
from nnbook.layers import (
    Affine,
    Convolution,
    Deconvolution,
    LeakyRelu,
    LossLayer,
    Reshape,
    SigmoidWithLoss,
    SpatialBatchNormalization,
    Tanh,
)
from nnbook.models._network import Network, check_float_dtype

__all__ = ["ConvDiscriminator", "ConvGenerator", "with_labels"]


def with_labels(x: np.ndarray, one_hot: np.ndarray) -> np.ndarray:
    """Append one-hot labels to images: as columns (flat images) or constant maps.

    Parameters
    ----------
    x : ndarray of shape (N, P) or (N, C, H, W)
    one_hot : ndarray of shape (N, K)
        K = 0 returns `x` itself.

    Returns
    -------
    ndarray of shape (N, P + K) or (N, C + K, H, W)

    Examples
    --------
    >>> import numpy as np
    >>> from nnbook.models._dcgan import with_labels
    >>> print(with_labels(np.zeros((2, 3)), np.eye(2)).tolist())
    [[0.0, 0.0, 0.0, 1.0, 0.0], [0.0, 0.0, 0.0, 0.0, 1.0]]
    >>> print(with_labels(np.zeros((2, 1, 4, 4)), np.eye(2)).shape)
    (2, 3, 4, 4)
    """
    k = one_hot.shape[1]
    if k == 0:
        return x
    one_hot = one_hot.astype(x.dtype, copy=False)
    if x.ndim == 2:
        return np.concatenate([x, one_hot], axis=1)
    n, _, h, w = x.shape
    maps = np.broadcast_to(one_hot[:, :, None, None], (n, k, h, w))
    return np.concatenate([x, maps], axis=1)


class ConvDiscriminator(Network):
    r"""The convolutional GAN's critic: strided convolutions, then one score.

    Convolution (4×4, stride 2, pad 1) → LeakyReLU, then Convolution → per-channel
    Batch Normalization → LeakyReLU (28×28 → 14×14 → 7×7), then an Affine layer to
    one score per image and
    [`SigmoidWithLoss`][nnbook.layers.SigmoidWithLoss]. The strided convolutions do
    what pooling does in chapter 7's networks, but with learnt weights (Radford et
    al.). A conditional discriminator gets the one-hot label as extra constant input
    maps.

    Book: not in the book; the layers are chapter 7's.

    Parameters
    ----------
    in_channels : int, default=1
        Image channels plus label maps (1 + 10 for a conditional GAN).
    channels : sequence of int, default=(32, 64)
        Filters of the two convolutions.
    image_size : int, default=28
    use_batchnorm : bool, default=True
        Batch Normalization after every convolution but the first, as in DCGAN. The
        GAN feeds real and generated batches separately, so each is normalised by
        its own statistics.
    alpha : float, default=0.2
    weight_init_std : float, default=0.02
    rng : numpy.random.Generator or int or None
    dtype : dtype, default=float32

    Examples
    --------
    >>> import numpy as np
    >>> from nnbook.models import ConvDiscriminator
    >>> d = ConvDiscriminator(rng=0)
    >>> print(list(d.layers))
    ['Conv1', 'LeakyRelu1', 'Conv2', 'BatchNorm2', 'LeakyRelu2', 'Affine1']
    >>> print(d.predict(np.zeros((2, 1, 28, 28))).shape)
    (2, 1)
    """

    def __init__(
        self,
        in_channels: int = 1,
        channels: Sequence[int] = (32, 64),
        image_size: int = 28,
        *,
        use_batchnorm: bool = True,
        alpha: float = 0.2,
        weight_init_std: float = 0.02,
        rng: np.random.Generator | int | None = None,
        dtype: DTypeLike = np.float32,
    ) -> None:
        rng = np.random.default_rng(rng)
        dtype = check_float_dtype(dtype)
        layers: dict = {}
        c_in, size = int(in_channels), int(image_size)
        for i, c_out in enumerate(map(int, channels), 1):
            W = init_weight((c_out, c_in, 4, 4), weight_init_std, rng=rng, dtype=dtype)
            layers[f"Conv{i}"] = Convolution(W, np.zeros(c_out, dtype=dtype), 2, 1)
            if use_batchnorm and i > 1:
                layers[f"BatchNorm{i}"] = SpatialBatchNormalization(
                    np.ones(c_out, dtype=dtype), np.zeros(c_out, dtype=dtype)
                )
            layers[f"LeakyRelu{i}"] = LeakyRelu(alpha)
            c_in, size = c_out, size // 2
        W = init_weight((c_in * size * size, 1), weight_init_std, rng=rng, dtype=dtype)
        layers["Affine1"] = Affine(W, np.zeros(1, dtype=dtype))
        super().__init__(layers, SigmoidWithLoss(), dtype=dtype)


class ConvGenerator(Network):
    r"""The convolutional GAN's forger: a projection, then transposed convolutions.

    Affine (noise → 64 maps of 7×7) → per-channel Batch Normalization → LeakyReLU →
    [`Deconvolution`][nnbook.layers.Deconvolution] (4×4, stride 2, pad 1: 7×7 →
    14×14) → Batch Normalization → LeakyReLU → Deconvolution to one 28×28 channel →
    Tanh. Its loss layer, like the MLP generator's, is the discriminator's verdict
    ([`AdversarialLoss`][nnbook.models.AdversarialLoss]).

    Book: not in the book.

    Parameters
    ----------
    loss_layer : LossLayer
        Usually `AdversarialLoss(discriminator)`.
    input_size : int, default=100
        Noise size, plus the number of classes for a conditional GAN.
    channels : sequence of int, default=(64, 32)
        Channels of the 7×7 and the 14×14 maps.
    image_size : int, default=28
        Output images are `image_size` square, one channel (a multiple of 4).
    output_shape : tuple of int, optional
        The shape of one image as the discriminator takes it: default
        (1, image_size, image_size); (image_size², ) for a fully connected one
        appends a `Reshape` layer.
    alpha, weight_init_std, use_batchnorm, rng, dtype
        As for [`Generator`][nnbook.models.Generator].

    Examples
    --------
    >>> import numpy as np
    >>> from nnbook.models import AdversarialLoss, ConvDiscriminator, ConvGenerator
    >>> g = ConvGenerator(AdversarialLoss(ConvDiscriminator(rng=0)), 10, rng=0)
    >>> print(" ".join(g.layers))
    Affine1 Reshape BatchNorm1 LeakyRelu1 Deconv1 BatchNorm2 LeakyRelu2 Deconv2 Tanh
    >>> print(g.predict(np.zeros((3, 10))).shape, list(g.params)[:4])
    (3, 1, 28, 28) ['W1', 'b1', 'gamma1', 'beta1']
    """

    def __init__(
        self,
        loss_layer: LossLayer,
        input_size: int = 100,
        channels: Sequence[int] = (64, 32),
        image_size: int = 28,
        *,
        output_shape: tuple[int, ...] | None = None,
        alpha: float = 0.2,
        use_batchnorm: bool = True,
        weight_init_std: float = 0.02,
        rng: np.random.Generator | int | None = None,
        dtype: DTypeLike = np.float32,
    ) -> None:
        rng = np.random.default_rng(rng)
        dtype = check_float_dtype(dtype)
        c0, c1 = map(int, channels)
        s = int(image_size) // 4
        W = init_weight(
            (int(input_size), c0 * s * s), weight_init_std, rng=rng, dtype=dtype
        )
        layers: dict = {
            "Affine1": Affine(W, np.zeros(c0 * s * s, dtype=dtype)),
            "Reshape": Reshape((c0, s, s)),
        }
        for i, (c_in, c_out) in enumerate(((c0, c1), (c1, 1)), 1):
            if use_batchnorm:
                layers[f"BatchNorm{i}"] = SpatialBatchNormalization(
                    np.ones(c_in, dtype=dtype), np.zeros(c_in, dtype=dtype)
                )
            layers[f"LeakyRelu{i}"] = LeakyRelu(alpha)
            W = init_weight((c_in, c_out, 4, 4), weight_init_std, rng=rng, dtype=dtype)
            layers[f"Deconv{i}"] = Deconvolution(W, np.zeros(c_out, dtype=dtype), 2, 1)
        layers["Tanh"] = Tanh()
        size = int(image_size)
        if output_shape is not None and tuple(output_shape) != (1, size, size):
            layers["Reshape2"] = Reshape(tuple(output_shape))
        super().__init__(layers, loss_layer, dtype=dtype)
