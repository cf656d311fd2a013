r"""How much of the image one unit sees: receptive fields of stacked layers (§8.2)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

__all__ = ["ReceptiveField", "receptive_fields", "stacked_weights"]


@dataclass(frozen=True)
class ReceptiveField:
    """The receptive field after one layer.

    Attributes
    ----------
    layer : str
        The layer's name.
    kernel, stride : int
        Its window size and step.
    size : int
        Side of the square of input pixels one output unit depends on.
    jump : int
        Distance, in input pixels, between two neighbouring output units.
    """

    layer: str
    kernel: int
    stride: int
    size: int
    jump: int


def _windows(layers) -> list[tuple[str, int, int]]:
    if hasattr(layers, "layers") and isinstance(layers.layers, Mapping):
        layers = layers.layers
    if isinstance(layers, Mapping):
        out = []
        for name, layer in layers.items():
            if "W" in layer.params and layer.params["W"].ndim == 4:  # a convolution
                out.append((name, layer.params["W"].shape[2], layer.stride))
            elif hasattr(layer, "pool_h"):
                out.append((name, layer.pool_h, layer.stride))
            elif layer.params:  # an affine layer: every unit sees everything
                break
        return out
    return [(str(name), int(k), int(s)) for name, k, s in layers]


def receptive_fields(layers) -> list[ReceptiveField]:
    r"""Return the receptive field after each convolution and pooling layer.

    One unit of a convolution with a $k \times k$ filter sees $k \times k$ values of
    its input; stacked, each layer widens what a unit sees in the image by
    $(k - 1)$ times the spacing ("jump") of its input units in image pixels, and a
    stride multiplies that spacing:

    $$r_l = r_{l-1} + (k_l - 1)\,j_{l-1}, \qquad j_l = j_{l-1}\,s_l, \qquad
    r_0 = j_0 = 1.$$

    So two 3×3 convolutions see 5×5 pixels and three see 7×7, with fewer weights
    and more non-linearities than one 5×5 or 7×7 filter: VGG's argument for small
    filters. Padding moves the field but does not change its size.

    Book: chapter 8, section 8.1.1 and 8.2.2.

    Parameters
    ----------
    layers : Network, mapping of str to Layer, or iterable of (name, kernel, stride)
        A network (its `Convolution` and `Pooling` layers are read, up to the first
        affine layer), or the windows themselves.

    Returns
    -------
    list of ReceptiveField

    Examples
    --------
    >>> from nnbook.experiments import receptive_fields
    >>> for rf in receptive_fields([("conv1", 3, 1), ("conv2", 3, 1), ("conv3", 3, 1)]):
    ...     print(rf.layer, rf.size)
    conv1 3
    conv2 5
    conv3 7

    Chapter 8's network: after its last pooling a unit depends on a 36×36 square,
    more than the 28×28 image (the rest is padding).

    >>> from nnbook.models import DeepConvNet
    >>> print([(rf.layer, rf.size) for rf in receptive_fields(DeepConvNet(rng=0))])
    [('Conv1', 3), ('Conv2', 5), ('Pool1', 6), ('Conv3', 10), ('Conv4', 14), ('Pool2', 16),
     ('Conv5', 24), ('Conv6', 32), ('Pool3', 36)]
    """
    rows = []
    size, jump = 1, 1
    for name, kernel, stride in _windows(layers):
        if kernel < 1 or stride < 1:
            raise ValueError(f"{name}: kernel and stride must be positive")
        size += (kernel - 1) * jump
        jump *= stride
        rows.append(ReceptiveField(name, kernel, stride, size, jump))
    return rows


def stacked_weights(kernel: int, depth: int, channels: int = 1) -> int:
    r"""Return the weights of `depth` stacked `kernel`×`kernel` convolutions.

    Each convolution maps `channels` channels to `channels` channels (biases left
    out): $d \cdot k^2 C^2$. Two 3×3 layers cost $18C^2$ against $25C^2$ for one
    5×5 layer that sees as much; three cost $27C^2$ against $49C^2$ for 7×7.

    Book: chapter 8, section 8.2.2 (VGG).

    Parameters
    ----------
    kernel : int
        Filter side $k$.
    depth : int
        Number of stacked layers $d$.
    channels : int, default=1
        Channels $C$ in and out of each layer.

    Returns
    -------
    int

    Examples
    --------
    >>> from nnbook.experiments import stacked_weights
    >>> print(stacked_weights(3, 2), stacked_weights(5, 1), stacked_weights(3, 3))
    18 25 27
    """
    return depth * kernel * kernel * channels * channels
