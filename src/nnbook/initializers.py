r"""Initial weights (重みの初期値) of chapter 6: a fixed scale, Xavier, or He.

The book's networks take `weight_init_std`: either a number (the standard deviation of
the Gaussian the weights are drawn from) or a name — `"relu"`/`"he"` for He's
$\sqrt{2/n}$ and `"sigmoid"`/`"xavier"` for Xavier's $\sqrt{1/n}$, where $n$ is the
number of inputs of the layer (its fan-in). Biases start at zero.

Book: chapter 6, section 6.2.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import DTypeLike

__all__ = ["fan_in", "init_weight", "weight_scale"]

_HE = ("relu", "he")
_XAVIER = ("sigmoid", "xavier")


def weight_scale(weight_init_std: float | str, n: int) -> float:
    r"""Return the standard deviation of the initial weights of a layer with `n` inputs.

    Book: chapter 6, sections 6.2.2 (Xavier) and 6.2.3 (He).

    Parameters
    ----------
    weight_init_std : float or {'relu', 'he', 'sigmoid', 'xavier'}
        A number is returned as it is; the names are case-insensitive.
    n : int
        Number of inputs of the layer (fan-in): 784 for the first layer on MNIST.

    Returns
    -------
    float
        $\sqrt{2/n}$ for `"relu"`/`"he"`, $\sqrt{1/n}$ for `"sigmoid"`/`"xavier"`.

    Raises
    ------
    ValueError
        For another name, or `n` < 1.

    Notes
    -----
    Xavier (Glorot and Bengio, 2010) keeps the variance of a layer's outputs equal to that
    of its inputs for an activation that is linear near zero (sigmoid, tanh). He (He et
    al., 2015) doubles it because ReLU zeroes half of its inputs. Glorot's paper uses
    $\sqrt{2/(n_\text{in} + n_\text{out})}$; the book, like us, uses the fan-in only.

    Examples
    --------
    >>> from nnbook.initializers import weight_scale
    >>> print(weight_scale("relu", 784), weight_scale("xavier", 784))
    0.050507627227610534 0.03571428571428571
    >>> print(weight_scale(0.01, 784))
    0.01
    """
    if n < 1:
        raise ValueError(f"a layer needs at least one input, got n={n}")
    if isinstance(weight_init_std, str):
        name = weight_init_std.lower()
        if name in _HE:
            return math.sqrt(2.0 / n)
        if name in _XAVIER:
            return math.sqrt(1.0 / n)
        raise ValueError(
            f"unknown weight_init_std {weight_init_std!r}; use a number, "
            "'relu'/'he' (He) or 'sigmoid'/'xavier' (Xavier)"
        )
    return float(weight_init_std)


def fan_in(shape: tuple[int, ...]) -> int:
    """Return the number of inputs feeding each output unit of a weight of this shape.

    Book: chapter 6, section 6.2 (chapter 8's `DeepConvNet` uses the same count).

    Parameters
    ----------
    shape : tuple of int
        `(n_in, n_out)` for an `Affine` weight, `(FN, C, FH, FW)` for a convolution.

    Returns
    -------
    int
        `n_in` for a 2-D weight, `C * FH * FW` for a 4-D one.

    Examples
    --------
    >>> from nnbook.initializers import fan_in
    >>> print(fan_in((784, 100)), fan_in((30, 1, 5, 5)))
    784 25
    """
    if len(shape) == 2:
        return int(shape[0])
    if len(shape) >= 3:
        return math.prod(shape[1:])
    raise ValueError(f"expected a 2-D or 4-D weight shape, got {shape}")


def init_weight(
    shape: tuple[int, ...],
    weight_init_std: float | str = 0.01,
    *,
    rng: np.random.Generator | int | None = None,
    dtype: DTypeLike = np.float64,
) -> np.ndarray:
    """Draw a weight array from a Gaussian with the scale `weight_init_std` asks for.

    Book: chapter 6, section 6.2.

    Parameters
    ----------
    shape : tuple of int
        `(n_in, n_out)` or `(FN, C, FH, FW)`.
    weight_init_std : float or {'relu', 'he', 'sigmoid', 'xavier'}, default=0.01
        See [`weight_scale`][nnbook.initializers.weight_scale]; the fan-in comes from
        [`fan_in`][nnbook.initializers.fan_in].
    rng : numpy.random.Generator or int or None
        Random source, or a seed for a new one.
    dtype : dtype, default=float64
        The result's dtype. The draw itself is always float64, so a float32 and a
        float64 network built from the same seed start from the same weights.

    Returns
    -------
    ndarray of shape `shape`

    Examples
    --------
    >>> import numpy as np
    >>> from nnbook.initializers import init_weight
    >>> W = init_weight((784, 100), "he", rng=np.random.default_rng(0), dtype=np.float32)
    >>> print(W.shape, W.dtype, round(float(W.std()), 3))
    (784, 100) float32 0.051
    """
    rng = np.random.default_rng(rng)
    scale = weight_scale(weight_init_std, fan_in(tuple(shape)))
    return (scale * rng.standard_normal(shape)).astype(dtype, copy=False)
